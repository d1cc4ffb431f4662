"""The data profile (step ``00_overview``): what each input table holds, its coverage and gaps.

Each function takes the client and a translator and returns a frame with translated headers
or a titled plotly figure; the notebook only shows them. Shares carry Wilson intervals
(:func:`cxlib.stats.estimators.share_table`).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cxlib.core.i18n import CATALOGUE, Translator
from cxlib.inputs.client import Client
from cxlib.inputs.tables import TABLE_NAMES
from cxlib.render.charts import (
    PERCENT,
    interval_bars,
    month_axis,
    percent_axis,
    with_takeaway,
    wrap_category_ticks,
)
from cxlib.stats.drivers import relative_weights
from cxlib.stats.estimators import SMALL_SAMPLE, share_table
from cxlib.stats.text import fold
from cxlib.steps import STEPS

#: The date column of each table that has one.
DATE_COLUMNS = {"survey": "date", "interactions": "timestamp", "assessment": "date"}


def _date_coverage(frame: pd.DataFrame, column: str | None, t: Translator) -> str:
    if column is None or column not in frame or frame[column].dropna().empty:
        return "–"
    dates = frame[column].dropna()
    return f"{t.date(dates.min())} – {t.date(dates.max())}"


def data_cutoff(client: Client) -> pd.Timestamp | None:
    """The latest date in the client's dated tables (survey, interactions, assessment): what the
    client's pages state as "data as of" (``None`` when no table has a date)."""
    latest = [
        pd.to_datetime(client.tables[name][column], errors="coerce").max()
        for name, column in DATE_COLUMNS.items()
        if client.has(name) and column in client.tables[name]
    ]
    latest = [date for date in latest if pd.notna(date)]
    return max(latest) if latest else None


def inventory(client: Client, t: Translator) -> pd.DataFrame:
    """One row per input table: whether it was provided, rows, columns, share of empty cells and
    date coverage (the file each came from is on the consultant's page: :func:`source_files`)."""
    rows = []
    for name in TABLE_NAMES:
        label = t(f"table.{name}")
        if not client.has(name):
            needed_by = [t(f"step.{step.name}") for step in STEPS if name in step.requires]
            note = (
                t("overview.not_provided", steps=", ".join(needed_by))
                if needed_by
                else t("overview.not_provided_optional")
            )
            rows.append({t("overview.col.table"): label, t("overview.col.file"): note})
            continue
        frame = client.tables[name]
        missing = frame.isna().to_numpy().mean() if frame.size else 0.0
        rows.append(
            {
                t("overview.col.table"): label,
                t("overview.col.file"): t("overview.provided"),
                t("overview.col.rows"): t.number(len(frame)),
                t("overview.col.columns"): t.number(frame.shape[1]),
                t("overview.col.missing"): t.percent(missing, 1),
                t("overview.col.coverage"): _date_coverage(frame, DATE_COLUMNS.get(name), t),
            }
        )
    return pd.DataFrame(rows)


def source_files(client: Client) -> str:
    """The file each provided table was read from, for the consultant's check."""
    return ", ".join(client.sources[name].name for name in TABLE_NAMES if client.has(name))


def scale_readings(client: Client, t: Translator) -> list[dict[str, str]]:
    """The ways survey labels were read as codes without ``values:`` (SPSS codes under their value
    labels, a recognised common scale, labels carrying their number), one entry per distinct
    reading with every column read so, for the consultant's check ``overview.check.scale``."""
    columns: dict[tuple[str, str], list[str]] = {}
    for column, reading in client.scale_readings.items():
        columns.setdefault((reading.family, reading.describe()), []).append(column)
    return [
        {"columns": ", ".join(names), "how": t(f"overview.scale.{family}"), "mapping": mapping}
        for (family, mapping), names in columns.items()
    ]


def column_name(client: Client, table: str, column: str, t: Translator) -> str:
    """How a client page names an input column: a survey column by its question text or export
    column, another by its catalogue label (``overview.column.<table>.<column>``) or, failing one,
    by its words (``target_archetype`` → ``Target archetype``): never by its schema identifier."""
    if table == "survey":
        return survey_label(client, column, t)
    key = f"overview.column.{table}.{column}"
    if key in CATALOGUE:
        return t(key)
    words = column.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def survey_label(client: Client, column: str, t: Translator) -> str:
    """How a client page names a survey field, in the report's language where it is known: the label
    the consultant declared for it (``label:``), else the question text the export carries above its
    column, else, for a field the tool knows (NPS, satisfaction, effort…), the catalogue's wording of
    its question with the scale (``Overall satisfaction (1-7)``), else the export column as written.
    A short export column (``Overall sat``, ``LTR (0-10)``) is the client's file speaking, not a
    question its customers were asked."""
    declared = client.labels.get(f"metric.{column}", {}).get(t.language)
    if declared:
        return declared
    source = client.source_of(column)
    if client.display_names.get(source, source) != source:
        return client.display_names[source]
    key = f"overview.field.{column}"
    if key in CATALOGUE:
        scale = client.survey_scales.get(column)
        shown = t(key)
        return shown if scale is None or scale.is_binary else f"{shown} ({scale.text})"
    return source


def _period(dates: pd.Series, t: Translator) -> dict[str, str]:
    valid = dates.dropna()
    if valid.empty:
        return {"start": "–", "end": "–"}
    return {"start": t.date(valid.min()), "end": t.date(valid.max())}


def survey_facts(client: Client, t: Translator) -> dict[str, str]:
    """Size, period and comment count of the survey, formatted for ``overview.survey_text``."""
    survey = client.tables["survey"]
    dates = survey["date"] if "date" in survey else pd.Series(dtype="datetime64[ns]")
    comments = int(survey["comment"].notna().sum()) if "comment" in survey else 0
    return {"n": t.number(len(survey)), "comments": t.number(comments)} | _period(dates, t)


def interactions_facts(client: Client, t: Translator) -> dict[str, str]:
    """Size, touchpoint count and period of the measurements, for ``overview.interactions_text``."""
    interactions = client.tables["interactions"]
    return {
        "n": t.number(len(interactions)),
        "touchpoints": t.number(interactions["touchpoint_id"].nunique()),
    } | _period(interactions["timestamp"], t)


def monthly_volume(
    dates: pd.Series, groups: pd.Series, title: str, group_label: str, t: Translator
) -> go.Figure:
    """Stacked monthly counts of records by group (segment, channel)."""
    months = dates.dt.to_period("M").dt.to_timestamp()
    counts = (
        pd.DataFrame({"month": months, "group": groups.fillna(t("overview.unknown"))})
        .dropna(subset=["month"])
        .value_counts()
        .rename("n")
        .reset_index()
        .sort_values("month")
    )
    figure = px.bar(
        counts,
        x="month",
        y="n",
        color="group",
        title=title,
        labels={"month": t("overview.axis.month"), "n": t("overview.axis.count"), "group": group_label},
    )
    month_axis(figure)
    per_month = counts.groupby("month", sort=False)["n"].sum()
    if per_month.empty:
        return figure
    return with_takeaway(
        figure,
        "overview.takeaway.volume",
        months=t.number(len(per_month)),
        busiest=f"{t.month(per_month.idxmax())} (n = {t.number(per_month.max())})",
        quietest=f"{t.month(per_month.idxmin())} (n = {t.number(per_month.min())})",
    )


def share_chart(labels: pd.Series, title: str, axis_label: str, t: Translator) -> go.Figure:
    """Horizontal bars of each label's share, with 95% Wilson intervals and ``n`` on every bar."""
    shares = share_table(labels).rename(columns={"share": "value"})
    total = int(shares["total"].iloc[0]) if len(shares) else 0
    upper = min(1.0, float(shares["high"].max()) + 0.3) if len(shares) else 1.0
    return interval_bars(
        shares,
        f"{title} (n = {t.number(total)})",
        t("overview.axis.share_ci"),
        axis_label,
        t,
        percent=True,
        value_range=(0, upper),
        measure=t("overview.measure.share"),
    )


def missing_chart(client: Client, t: Translator, top: int = 20) -> go.Figure | None:
    """The columns with the most empty cells across all tables, as a share of rows (``None`` if none)."""
    records = []
    for name, frame in client.tables.items():
        empty = frame.isna().sum()
        for column, count in empty[empty > 0].items():
            records.append(
                {
                    "column": f"{t('table.' + name)} · {column_name(client, name, column, t)}",
                    "share": count / len(frame),
                    "n": int(count),
                    "rows": len(frame),
                }
            )
    if not records:
        return None
    frame = pd.DataFrame(records).nlargest(top, "share").iloc[::-1]
    text = [
        f"{t.percent(s, 1)} ({t.ratio(n, r)})"
        for s, n, r in zip(frame["share"], frame["n"], frame["rows"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=frame["share"] * PERCENT,
            y=frame["column"],
            orientation="h",
            text=text,
            textposition="outside",
            marker_color="#B9770E",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("overview.missing_title"),
        xaxis_title=t("overview.axis.share_empty"),
        height=max(320, 60 + 30 * len(frame)),
    )
    percent_axis(figure, t).update_xaxes(range=[0, PERCENT * min(1.0, float(frame["share"].max()) * 1.35)])
    top_row = frame.iloc[-1]
    return with_takeaway(
        figure,
        "overview.takeaway.missing",
        column=top_row["column"],
        share=f"{t.percent(top_row['share'], 1)} ({t.ratio(top_row['n'], top_row['rows'])})",
    )


def journey_chart(client: Client, t: Translator) -> go.Figure:
    """Touchpoints per journey stage (in stage order), stacked by channel."""
    journey = client.tables["journey"]
    counts = (
        journey.groupby(["stage_order", "stage", "channel"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values("stage_order")
    )
    figure = px.bar(
        counts,
        x="stage",
        y="n",
        color="channel",
        title=t("overview.journey_title", n=len(journey)),
        labels={
            "stage": t("overview.axis.stage"),
            "n": t("overview.axis.touchpoints"),
            "channel": t("overview.axis.channel"),
        },
    )
    figure.update_xaxes(categoryorder="array", categoryarray=counts["stage"].unique())
    wrap_category_ticks(figure, list(counts["stage"].unique()))
    per_stage = counts.groupby("stage", sort=False)["n"].sum()
    return with_takeaway(
        figure,
        "overview.takeaway.journey",
        n=t.number(len(journey)),
        stages=t.number(len(per_stage)),
        stage=f"{per_stage.idxmax()} ({t.number(per_stage.max())})",
    )


def interactions_by_channel(client: Client) -> pd.Series:
    """The channel of each measurement, looked up in the journey (``None`` where no journey exists)."""
    interactions = client.tables["interactions"]
    if not client.has("journey"):
        return pd.Series(pd.NA, index=interactions.index, dtype="string")
    channel_of = client.tables["journey"].set_index("touchpoint_id")["channel"]
    return interactions["touchpoint_id"].map(channel_of)


def employees_chart(client: Client, t: Translator) -> go.Figure:
    """Employee-survey respondents per unit, stacked by role."""
    employees = client.tables["employees"]
    counts = employees.groupby(["unit", "role"], observed=True).size().rename("n").reset_index()
    per_unit = employees["unit"].value_counts()
    order = per_unit.index
    figure = px.bar(
        counts,
        x="n",
        y="unit",
        color="role",
        orientation="h",
        title=t("overview.employees_title", n=len(employees)),
        labels={
            "unit": t("overview.axis.unit"),
            "n": t("overview.axis.respondents"),
            "role": t("overview.axis.role"),
        },
    )
    figure.update_yaxes(categoryorder="array", categoryarray=list(order[::-1]))
    figure.update_layout(height=max(360, 80 + 28 * len(order)))
    return with_takeaway(
        figure,
        "overview.takeaway.employees",
        n=t.number(len(employees)),
        units=t.number(len(per_unit)),
        unit=f"{per_unit.idxmin()} (n = {t.number(per_unit.min())})",
    )


#: Items a respondent must have answered before straight-lining or duplication is judged.
MIN_ANSWERED = 3
#: Below this p-value the outcome counts as related to the items (overall F test).
RELATION_ALPHA = 0.05
#: Above this share of comments repeating another comment's exact text, the comments are mostly a
#: few fixed texts (templated or canned answers): past half, a copy is more common than an original,
#: so every comment figure (sentiment by group, themes, emotions) counts the fixed texts more than
#: independent voices, and a difference between groups can be the choice of text, not a finding.
REPEATED_COMMENTS_SHARE = 0.5


def comment_repeats(comments: pd.Series) -> dict[str, int]:
    """How many comments repeat another's exact text (case, accents and spacing aside).

    Parameters
    ----------
    comments : pandas.Series
        The non-empty comments (:meth:`cxlib.inputs.client.Client.comments`).

    Returns
    -------
    dict
        ``n`` comments, ``distinct`` texts and ``repeats`` = ``n - distinct`` (each text's first
        occurrence is the original, every later one a repeat).
    """
    text = fold(comments).str.split().str.join(" ")
    distinct = int(text.nunique())
    return {"n": len(text), "distinct": distinct, "repeats": len(text) - distinct}


def comments_templated(comments: pd.Series) -> bool:
    """True when more than :data:`REPEATED_COMMENTS_SHARE` of the comments repeat another's text."""
    counts = comment_repeats(comments)
    return counts["n"] > 0 and counts["repeats"] > REPEATED_COMMENTS_SHARE * counts["n"]


def survey_summary(client: Client, t: Translator) -> tuple[str, dict[str, str]]:
    """The catalogue key and values of the survey's one-sentence summary (undated surveys say so)."""
    facts = survey_facts(client, t)
    return ("overview.survey_text" if facts["start"] != "–" else "overview.survey_text_undated"), facts


def _answer_columns(client: Client) -> list[str]:
    """Survey columns holding answers: outcomes and pillar items."""
    survey = client.tables["survey"]
    outcomes = [name for name in ("nps", "csat", "ces", "satisfied") if name in survey]
    return outcomes + [item.column for item in client.survey_items]


def outcome_relation(client: Client) -> dict[str, float] | None:
    """Does the outcome relate to the pillar items at all? The R² of the linear model of the outcome
    on every item and its overall F test (complete cases), as :func:`cxlib.stats.drivers.relative_weights`
    computes them for the drivers. ``None`` without an outcome or with too few cases.

    A p-value above :data:`RELATION_ALPHA` means the items jointly explain no more of the outcome
    than chance would: any driver ranking on these data is noise (Fox, J. (2016), *Applied
    Regression Analysis and Generalized Linear Models*, 3rd ed., Sage, §6.2).
    """
    survey = client.tables["survey"]
    outcome = next((name for name in ("nps", "csat", "satisfied", "ces") if name in survey), None)
    items = [item.column for item in client.survey_items]
    if outcome is None or not items:
        return None
    frame = survey[[outcome, *items]].astype("float64").dropna()
    frame = frame.loc[:, frame.nunique() > 1]
    predictors = [column for column in frame.columns if column != outcome]
    if outcome not in frame or not predictors or len(frame) <= len(predictors) + 2:
        return None
    fit = relative_weights(frame, outcome, predictors, bootstrap=0).attrs
    return {"outcome": outcome, "r2": fit["r2"], "p": fit["f_p"], "n": fit["n"]}


def data_checks(client: Client, t: Translator) -> pd.DataFrame:
    """What a research analyst checks before trusting the survey, one row per check: the result,
    its n and what it means for the findings.

    * duplicate responses: rows identical on every export column except those unique to each row
      (ids, counters), with :data:`MIN_ANSWERED` or more answers;
    * comments repeating another's exact text (:func:`comment_repeats`), templated past
      :data:`REPEATED_COMMENTS_SHARE`;
    * straight-lining: respondents giving one same value to every item they answered (3+ items);
    * items or outcomes with a single value (they cannot explain anything);
    * the outcome's relation to the items (:func:`outcome_relation`);
    * segments under the small-sample threshold, per segment dimension.
    """
    survey = client.tables["survey"]
    answers = survey[[column for column in _answer_columns(client) if column in survey]]
    answered = answers.notna().sum(axis=1)
    rows = []

    def add(check: str, status: str, n: int, total: int, **values: object) -> None:
        rows.append(
            {
                t("overview.checks.col.check"): t(f"overview.checks.{check}"),
                t("overview.checks.col.result"): t(f"overview.checks.{check}.{status}", **values),
                t("overview.checks.col.n"): t.ratio(n, total),
            }
        )

    # identical on every export column but ids (mapped or not): identical answer patterns alone
    # are common by chance on short scales
    eligible = client.survey_fingerprints[answered >= MIN_ANSWERED]
    duplicates = int(eligible.duplicated(keep="first").sum())
    add("duplicates", "found" if duplicates else "none", duplicates, len(eligible))
    comments = client.comments()
    if len(comments):
        repeated = comment_repeats(comments)
        add(
            "comment_repeats",
            "templated" if comments_templated(comments) else "varied",
            repeated["repeats"],
            repeated["n"],
            repeats=t.number(repeated["repeats"]),
            comments=t.number(repeated["n"]),
            distinct=t.number(repeated["distinct"]),
        )
    item_columns = [item.column for item in client.survey_items]
    if len(item_columns) >= MIN_ANSWERED:
        items = survey[item_columns]
        judged = items.notna().sum(axis=1) >= MIN_ANSWERED
        flat = int((judged & (items.nunique(axis=1) == 1)).sum())
        add(
            "straightlining",
            "found" if flat else "none",
            flat,
            int(judged.sum()),
            share=t.percent(flat / judged.sum() if judged.sum() else 0, 1),
        )
    constant = [
        survey_label(client, column, t) for column in answers.columns if answers[column].nunique() <= 1
    ]
    add(
        "constant",
        "found" if constant else "none",
        len(constant),
        answers.shape[1],
        columns=", ".join(constant),
    )
    relation = outcome_relation(client)
    if relation is not None:
        status = "related" if relation["p"] < RELATION_ALPHA else "unrelated"
        add(
            "relation",
            status,
            relation["n"],
            len(survey),
            outcome=t(f"metric.{relation['outcome']}"),
            r2=t.percent(relation["r2"], 1),
            p=t.p_value(relation["p"]),
        )
    for dimension in client.segment_dimensions:
        counts = survey[dimension].value_counts()
        small = counts[counts < SMALL_SAMPLE]
        add(
            "segments",
            "small" if len(small) else "enough",
            len(small),
            len(counts),
            dimension=t(f"overview.axis.{dimension}"),
            segments=", ".join(f"{name} (n = {t.number(count)})" for name, count in small.items()),
        )
    return pd.DataFrame(rows)


def answer_coverage(client: Client, t: Translator) -> pd.DataFrame:
    """Per mapped survey answer column: answers, blanks and "not applicable" codes, as shares."""
    survey = client.tables["survey"]
    rows = []
    for column in _answer_columns(client):
        if column not in survey:
            continue
        source = client.source_of(column)
        not_applicable = client.not_applicable.get(source, 0)
        blank = int(survey[column].isna().sum()) - not_applicable
        total = len(survey)
        rows.append(
            {
                t("overview.coverage.col.column"): survey_label(client, column, t),
                t("overview.coverage.col.answered"): f"{t.number(total - blank - not_applicable)}",
                t("overview.coverage.col.blank"): t.percent(blank / total, 1),
                t("overview.coverage.col.not_applicable"): t.percent(not_applicable / total, 1),
            }
        )
    return pd.DataFrame(rows)
