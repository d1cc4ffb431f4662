"""The data profile (step ``00_overview``): what each input table holds, its coverage and gaps.

Each function takes the client and a translator and returns a frame with translated headers
or a titled plotly figure; the notebook only shows them. Shares carry Wilson intervals
(:func:`cxlib.stats.estimators.share_table`).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.inputs.tables import TABLE_NAMES
from cxlib.render.charts import interval_bars
from cxlib.stats.estimators import share_table
from cxlib.steps import STEPS

#: The date column of each table that has one.
DATE_COLUMNS = {"survey": "date", "interactions": "timestamp", "assessment": "date"}


def _date_coverage(frame: pd.DataFrame, column: str | None, t: Translator) -> str:
    if column is None or column not in frame or frame[column].dropna().empty:
        return "–"
    dates = frame[column].dropna()
    return f"{t.date(dates.min())} – {t.date(dates.max())}"


def inventory(client: Client, t: Translator) -> pd.DataFrame:
    """One row per input table: file, rows, columns, share of empty cells and date coverage."""
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
                t("overview.col.file"): client.sources[name].name,
                t("overview.col.rows"): t.number(len(frame)),
                t("overview.col.columns"): t.number(frame.shape[1]),
                t("overview.col.missing"): t.percent(missing, 1),
                t("overview.col.coverage"): _date_coverage(frame, DATE_COLUMNS.get(name), t),
            }
        )
    return pd.DataFrame(rows)


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
    counts["month"] = counts["month"].map(
        t.month
    )  # month names in the report's language, not plotly's English
    figure = px.bar(
        counts,
        x="month",
        y="n",
        color="group",
        title=title,
        labels={"month": t("overview.axis.month"), "n": t("overview.axis.count"), "group": group_label},
    )
    figure.update_xaxes(categoryorder="array", categoryarray=counts["month"].unique())
    return figure


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
    )


def missing_chart(client: Client, t: Translator, top: int = 20) -> go.Figure | None:
    """The columns with the most empty cells across all tables, as a share of rows (``None`` if none)."""
    records = []
    for name, frame in client.tables.items():
        empty = frame.isna().sum()
        for column, count in empty[empty > 0].items():
            records.append(
                {
                    "column": f"{t('table.' + name)} · {column}",
                    "share": count / len(frame),
                    "n": int(count),
                    "rows": len(frame),
                }
            )
    if not records:
        return None
    frame = pd.DataFrame(records).nlargest(top, "share").iloc[::-1]
    text = [
        f"{t.percent(s, 1)} ({t.number(n)} / {t.number(r)})"
        for s, n, r in zip(frame["share"], frame["n"], frame["rows"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=frame["share"],
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
    figure.update_xaxes(tickformat=".0%", range=[0, min(1.0, float(frame["share"].max()) * 1.35)])
    return figure


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
    return figure


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
    order = employees["unit"].value_counts().index
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
    return figure
