"""Step 01's emotions and buying behaviour: the customer-service emotions the comments carry
(:mod:`cxlib.stats.emotions`), overall, by journey stage and by touchpoint, their relation to the
outcome (with the same comparison on shuffled ratings, which must find nothing), and the customers'
buying behaviour (tenure, products, purchase frequency, repurchase, cross-sell, churn: whichever the
survey maps) by outcome group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel.lists import format_list

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.render.charts import (
    ACCENT,
    error_bars,
    interval_line,
    percent_axis,
    with_small_rows,
    with_takeaway,
    wrap_category_ticks,
)
from cxlib.render.summary import leader
from cxlib.stats.emotions import MIN_COMPARED, compare_flags, emotion_shares, emotions, outcome_score
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.stats.metrics import metric_by

#: Outcomes the emotions are compared on, first present wins (as the diagnosis's themes).
OUTCOMES: tuple[str, ...] = ("nps", "csat", "satisfied")
#: Fewest comments a stage or touchpoint needs to be drawn (fewer are counted, not shown).
MIN_GROUP_COMMENTS = 10
#: Buying-behaviour fields of the survey, numeric then yes/no, in reporting order.
BUYING_NUMBERS: tuple[str, ...] = ("tenure_years", "products", "purchase_frequency")
BUYING_SHARES: tuple[str, ...] = ("repurchase", "cross_sell", "churned")
#: The emotions of discontent and of contentment (Richins 1997), whose shares per stage are drawn
#: beside the journey's emotion curve.
DISCONTENT: tuple[str, ...] = ("frustration", "worry", "disappointment")
CONTENTMENT: tuple[str, ...] = ("satisfaction", "gratitude", "trust")
#: Colour of the contentment line beside the curve (the house colours draw the curve and discontent).
CONTENTMENT_COLOUR = "#2E8B57"
#: Seed of the shuffled-ratings check.
NULL_SEED = 0


@dataclass(frozen=True)
class EmotionReading:
    """The comments' emotions (one boolean column per emotion) and their survey rows."""

    flags: pd.DataFrame
    responses: pd.DataFrame


def read_emotions(client: Client) -> EmotionReading | None:
    """The emotions of every comment (personal data masked), or ``None`` without comments."""
    comments = client.comments()
    if comments.empty:
        return None
    flags = emotions(comments, client.config.language)
    return EmotionReading(flags, client.tables["survey"].loc[comments.index])


def _emotion(name: str, t: Translator) -> str:
    return t(f"emotions.name.{name}")


def present(flags: pd.DataFrame) -> list[str]:
    """The emotions at least one comment carries, in the lexicon's order."""
    return [name for name in flags.columns if flags[name].any()]


def absent(flags: pd.DataFrame) -> list[str]:
    """The emotions no comment carries (not drawn nor listed: :func:`absent_names` names them)."""
    return [name for name in flags.columns if not flags[name].any()]


def absent_names(flags: pd.DataFrame, t: Translator) -> str:
    """The :func:`absent` emotions as a list inside a sentence (``decepción, gratitud y confianza``)."""
    return format_list([t.inline(_emotion(name, t)) for name in absent(flags)], locale=t.locale)


def overall_table(reading: EmotionReading, t: Translator) -> pd.DataFrame:
    """Each emotion the comments carry (:func:`present`): its share of the comments, with its
    interval, and how many comments carry it."""
    shown = present(reading.flags)
    shares = emotion_shares(reading.responses, reading.flags[shown])
    return pd.DataFrame(
        {
            t("emotions.col.emotion"): [_emotion(name, t) for name in shares["emotion"]],
            t("emotions.col.share"): [
                t.interval(row.share, row.low, row.high, percent=True) for row in shares.itertuples()
            ],
            t("emotions.col.comments"): [t.number(count) for count in reading.flags[shown].sum().to_numpy()],
        }
    )


def _group_labels(client: Client, by: str) -> tuple[list[str], dict[str, str]]:
    """The groups of ``by`` in journey order (stages by ``stage_order``, touchpoints by stage then
    as listed) and their names for the client (a touchpoint by its name, not its code)."""
    values = client.tables["survey"][by].dropna().astype(str).unique().tolist()
    if not client.has("journey"):
        return sorted(values), {}
    journey = client.tables["journey"].sort_values("stage_order", kind="stable")
    if by == "stage":
        order = list(dict.fromkeys(journey["stage"].astype(str)))
        return [v for v in order if v in values] + sorted(set(values) - set(order)), {}
    names = dict(zip(journey["touchpoint_id"].astype(str), journey["touchpoint"].astype(str), strict=True))
    order = [v for v in journey["touchpoint_id"].astype(str) if v in values]
    return order + sorted(set(values) - set(order)), names


def _group_shares(reading: EmotionReading, flags: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`~cxlib.stats.emotions.emotion_shares` of ``flags`` per group of ``by`` (as text),
    groups with at least :data:`MIN_GROUP_COMMENTS` comments."""
    shares = emotion_shares(reading.responses.assign(**{by: reading.responses[by].astype(str)}), flags, by)
    return shares[shares["n"] >= MIN_GROUP_COMMENTS]


def group_chart(client: Client, reading: EmotionReading, by: str, t: Translator) -> go.Figure | None:
    """Heatmap of the share of the comments (%) carrying each emotion present (:func:`present`) per
    journey stage or touchpoint, groups in journey order; groups with fewer than
    :data:`MIN_GROUP_COMMENTS` comments are left out, and those under
    :data:`~cxlib.stats.estimators.SMALL_SAMPLE` carry one caution. The takeaway names the group where
    frustration is commonest, with its interval and n, or the two whose intervals overlap
    (:func:`_largest_share_takeaway`). ``None`` when the survey has no ``by``, the comments carry no
    emotion or no group has enough comments."""
    columns = present(reading.flags)
    if by not in reading.responses or not columns:
        return None
    shares = _group_shares(reading, reading.flags[columns], by)
    if shares.empty:
        return None
    order, names = _group_labels(client, by)
    groups = [group for group in order if group in set(shares["group"])]
    grid = shares.set_index(["group", "emotion"])
    values = np.array([[grid.at[(g, e), "share"] for e in columns] for g in groups])
    cell = grid.apply(
        lambda row: (
            f"{t.interval(row['share'], row['low'], row['high'], percent=True)} · n = {t.number(row['n'])}"
        ),
        axis=1,
    )
    hover = [[cell[(g, e)] for e in columns] for g in groups]
    labels = [names.get(group, group) for group in groups]
    figure = go.Figure(
        go.Heatmap(
            z=values * 100,
            x=[_emotion(name, t) for name in columns],
            y=labels,
            text=[[t.percent(value) for value in row] for row in values],
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
            colorscale="Oranges",
            zmin=0,
            colorbar={"title": {"text": "%", "side": "right"}},
            xgap=2,
            ygap=2,
        )
    )
    wrap_category_ticks(figure, [_emotion(name, t) for name in columns])
    figure.update_layout(
        title=t(f"emotions.by_{by}_title"),
        xaxis_title=t("emotions.col.emotion"),
        yaxis_title=t(f"emotions.axis.{by}"),
        yaxis={"autorange": "reversed"},
        height=max(360, 120 + 34 * len(groups)),
    )
    small = [grid.loc[group, "n"].iloc[0] < SMALL_SAMPLE for group in groups]
    with_small_rows(figure, small, labels)
    return _largest_share_takeaway(
        figure, shares[shares["emotion"] == "frustration"], "emotions.takeaway_frustration", "group", names, t
    )


def journey_charts(client: Client, reading: EmotionReading, t: Translator) -> list[go.Figure]:
    """:func:`group_chart` by journey stage and by touchpoint, those the comments are linked to."""
    charts = (group_chart(client, reading, by, t) for by in ("stage", "touchpoint_id"))
    return [figure for figure in charts if figure is not None]


def tone_by_stage(client: Client, reading: EmotionReading) -> pd.DataFrame | None:
    """Per journey stage (journey order, stages with at least :data:`MIN_GROUP_COMMENTS` comments):
    the share of its comments voicing discontent (any of :data:`DISCONTENT`) and contentment (any of
    :data:`CONTENTMENT`), each with its Wilson interval and n
    (:func:`~cxlib.stats.emotions.emotion_shares`); long, as ``emotion_shares`` (``emotion`` is the
    tone). ``None`` when the comments carry no stage."""
    if "stage" not in reading.responses:
        return None
    tones = pd.DataFrame(
        {
            "discontent": reading.flags[list(DISCONTENT)].any(axis=1),
            "contentment": reading.flags[list(CONTENTMENT)].any(axis=1),
        }
    )
    shares = _group_shares(reading, tones, "stage")
    if shares.empty:
        return None
    order = _group_labels(client, "stage")[0]
    rank = {stage: position for position, stage in enumerate(order)}
    return shares.sort_values("group", key=lambda groups: groups.map(rank), kind="stable").reset_index(
        drop=True
    )


def curve_chart(tones: pd.DataFrame, measured: pd.DataFrame | None, t: Translator) -> go.Figure:
    """The journey's measured emotion curve (scores rescaled to −2..2 with their t intervals:
    :func:`cxlib.steps.journey.measured_emotion`) beside the share of each stage's comments voicing
    discontent and contentment (:func:`tone_by_stage`, Wilson intervals, right axis), stages in
    journey order. The takeaway names the stage whose comments voice discontent most, with its
    interval and n, among the stages with :data:`~cxlib.stats.estimators.SMALL_SAMPLE` comments or
    more; stages under that carry one caution."""
    from plotly.subplots import make_subplots

    stages = list(dict.fromkeys(tones["group"]))
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    if measured is not None and not measured.empty:
        curve = measured.reindex(stages)
        figure.add_trace(interval_line(stages, curve, t("journey.measured_emotion")), secondary_y=False)
    for tone, colour in (("discontent", ACCENT), ("contentment", CONTENTMENT_COLOUR)):
        line = tones[tones["emotion"] == tone].set_index("group").reindex(stages)
        figure.add_scatter(
            x=stages,
            y=line["share"] * 100,
            mode="lines+markers",
            name=t(f"emotions.tone.{tone}"),
            line={"color": colour, "dash": "dash"},
            error_y=error_bars(line["share"], line["low"], line["high"], 100),
            customdata=[
                f"{t.interval(row.share, row.low, row.high, percent=True)} · n = {t.number(row.n)}"
                for row in line.itertuples()
            ],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            secondary_y=True,
        )
    figure.update_layout(
        title=t("emotions.curve_title"),
        xaxis_title=t("emotions.axis.stage"),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"t": 150, "b": 90},
        height=500,
    )
    wrap_category_ticks(figure, stages)
    figure.update_yaxes(
        range=[-2.3, 2.3], title_text=t("journey.emotion_axis"), zeroline=True, secondary_y=False
    )
    top_share = float(np.ceil(tones["high"].max() * 10) * 10)  # the next 10 % above every interval
    figure.update_yaxes(
        range=[0, min(top_share, 100)],
        tickmode="linear",
        tick0=0,
        dtick=10,
        showgrid=False,
        title_text=t("emotions.axis.tone_share"),
        secondary_y=True,
    )
    percent_axis(figure, t, "y", secondary_y=True)
    counts = tones.drop_duplicates("group").set_index("group")["n"].reindex(stages)
    with_small_rows(figure, counts < SMALL_SAMPLE, stages)
    return _largest_share_takeaway(
        figure, tones[tones["emotion"] == "discontent"], "emotions.curve_takeaway", "stage", {}, t
    )


def outcome_metric(client: Client) -> str | None:
    """The outcome emotions are compared on: NPS, else CSAT (top-two-box), else % satisfied."""
    return next((name for name in OUTCOMES if name in client.tables["survey"]), None)


def _scores(client: Client, reading: EmotionReading, metric: str) -> pd.Series:
    bounds = client.survey_scales[metric].bounds if metric in client.survey_scales else None
    return outcome_score(reading.responses[metric], metric, bounds)


def outcome_comparison(client: Client, reading: EmotionReading, metric: str) -> pd.DataFrame:
    """Per emotion, the outcome of the comments that carry it against the others
    (:func:`~cxlib.stats.emotions.compare_flags`)."""
    return compare_flags(reading.flags, _scores(client, reading, metric))


def shuffled_findings(client: Client, reading: EmotionReading, metric: str, seed: int = NULL_SEED) -> int:
    """How many emotions :func:`outcome_comparison` finds apart when the ratings are shuffled among
    the comments (the link between what was written and the rating destroyed): it should be none."""
    scores = _scores(client, reading, metric)
    shuffled = pd.Series(np.random.default_rng(seed).permutation(scores.to_numpy()), index=scores.index)
    return int(compare_flags(reading.flags, shuffled)["finding"].sum())


def outcome_table(comparison: pd.DataFrame, metric: str, t: Translator) -> pd.DataFrame:
    """The comparison for the client: each emotion's comments, the outcome with it and without it,
    the difference with its simultaneous interval, and whether it is a finding."""
    decimals = 1
    return pd.DataFrame(
        {
            t("emotions.col.emotion"): [_emotion(name, t) for name in comparison["emotion"]],
            t("emotions.col.comments"): [t.number(n) for n in comparison["n_with"]],
            t("emotions.col.with", metric=t(f"metric.{metric}")): [
                t.number(value, decimals) for value in comparison["mean_with"]
            ],
            t("emotions.col.without", metric=t(f"metric.{metric}")): [
                t.number(value, decimals) for value in comparison["mean_without"]
            ],
            t("emotions.col.difference"): [
                t.interval(row.difference, row.low, row.high, decimals) for row in comparison.itertuples()
            ],
            t("emotions.col.finding"): [
                t("value_chain.finding_yes" if finding else "value_chain.finding_no")
                if not np.isnan(difference)
                else t("emotions.too_few", minimum=t.number(MIN_COMPARED))
                for finding, difference in zip(comparison["finding"], comparison["difference"], strict=True)
            ],
        }
    )


def outcome_takeaway(comparison: pd.DataFrame, metric: str, t: Translator) -> tuple[str, dict[str, str]]:
    """The emotion that moves the outcome most (the largest difference among the findings), or the
    sentence saying none differs."""
    found = comparison[comparison["finding"]]
    if found.empty:
        return "emotions.outcome_none", {"metric": t(f"metric.{metric}")}
    top = found.loc[found["difference"].abs().idxmax()]
    direction = "lower" if top["difference"] < 0 else "higher"
    return f"emotions.outcome_top.{direction}", {
        "emotion": _emotion(top["emotion"], t),
        "metric": t(f"metric.{metric}"),
        "difference": t.interval(top["difference"], top["low"], top["high"], 1),
        "n": t.number(top["n_with"]),
    }


def published(
    reading: EmotionReading, metric: str | None, comparison: pd.DataFrame | None, shuffled: int | None
) -> dict:
    """What step 01 publishes of the emotions for the client index and the deck: each emotion the
    comments carry (:func:`present`), with its share of the comments, its Wilson interval and n
    (:func:`~cxlib.stats.emotions.emotion_shares`) and how many comments carry it; the emotions no
    comment carries (``absent``); the outcome compared on; and ``lower``, the emotion that goes
    with the lowest outcome (the most negative difference among :func:`outcome_comparison`'s
    findings, with its simultaneous interval and n), only when that interval excludes 0 and the
    same comparison on shuffled ratings (:func:`shuffled_findings`) found nothing, else ``None``.

    Parameters
    ----------
    reading
        :func:`read_emotions` of the client.
    metric
        :func:`outcome_metric`, or ``None`` when the survey has no outcome to compare on.
    comparison
        :func:`outcome_comparison` on ``metric`` (``None`` without one).
    shuffled
        :func:`shuffled_findings` on ``metric`` (``None`` without one).
    """
    shown = present(reading.flags)
    shares = (
        emotion_shares(reading.responses, reading.flags[shown]).set_index("emotion")
        if shown
        else pd.DataFrame(columns=["share", "low", "high", "n"])
    )
    counts = reading.flags.sum()
    lower = None
    if comparison is not None and shuffled == 0:
        found = comparison[comparison["finding"] & (comparison["difference"] < 0)]
        if not found.empty:
            top = found.loc[found["difference"].idxmin()]
            lower = {key: top[key] for key in ("emotion", "difference", "low", "high", "n_with", "n_without")}
    return {
        "comments": len(reading.flags),
        "shares": {
            emotion: {
                "share": row["share"],
                "low": row["low"],
                "high": row["high"],
                "n": row["n"],
                "count": counts[emotion],
            }
            for emotion, row in shares.iterrows()
        },
        "absent": absent(reading.flags),
        "metric": metric,
        "lower": lower,
        "shuffled_findings": shuffled,
    }


def buying_fields(survey: pd.DataFrame) -> list[str]:
    """The buying-behaviour fields the survey maps, numbers first."""
    return [
        field for field in BUYING_NUMBERS + BUYING_SHARES if field in survey and survey[field].notna().any()
    ]


def _outcome_groups(client: Client, metric: str) -> pd.Series:
    """Each respondent's outcome group: detractor, passive, promoter on NPS; below, at or above
    the top two boxes on CSAT (low, high); satisfied or not."""
    survey = client.tables["survey"]
    values = survey[metric]
    if metric == "nps":
        groups = np.select([values >= 9, values >= 7], ["promoter", "passive"], "detractor")
    elif metric == "csat":
        top = client.survey_scales["csat"].bounds[1] - 1
        groups = np.where(values >= top, "high", "low")
    else:
        groups = np.where(values.astype("boolean").fillna(False), "yes", "no")
    return pd.Series(groups, index=survey.index).where(values.notna())


#: Outcome groups in reporting order, and the two compared (best against worst).
GROUP_ORDER = {
    "nps": ("detractor", "passive", "promoter"),
    "csat": ("low", "high"),
    "satisfied": ("no", "yes"),
}


def buying_behaviour(client: Client, metric: str) -> pd.DataFrame | None:
    """Per buying-behaviour field (:func:`buying_fields`) and outcome group: the mean (numbers) or
    share (yes/no, 0-100) with its interval and n (weighted like every metric:
    :func:`~cxlib.stats.metrics.metric_by`), and the best group against the worst with Welch's
    interval, simultaneous over the fields (:func:`~cxlib.stats.emotions.compare_flags`). ``None``
    when the survey maps no buying field."""
    survey = client.tables["survey"]
    fields = buying_fields(survey)
    if not fields:
        return None
    groups = _outcome_groups(client, metric)
    framed = survey.assign(_group=groups)
    worst, best = GROUP_ORDER[metric][0], GROUP_ORDER[metric][-1]
    compared = framed[groups.isin([worst, best])]
    rows = []
    for field in fields:
        share = field in BUYING_SHARES
        column = survey[field].astype("boolean").astype(float) if share else survey[field].astype(float)
        table = metric_by(framed.assign(ces=column), "ces", "_group")
        if share:
            table[["value", "low", "high"]] *= 100
        rows.append(table.reindex(list(GROUP_ORDER[metric])).assign(field=field))
    long = pd.concat(rows).rename_axis("group").reset_index()
    scores = pd.DataFrame(
        {field: compared[field].astype(float) * (100 if field in BUYING_SHARES else 1) for field in fields}
    )
    differences = pd.concat(
        [
            compare_flags(
                pd.DataFrame({field: compared["_group"].eq(best)}), scores[field], family=len(fields)
            )
            for field in fields
        ],
        ignore_index=True,
    ).rename(columns={"emotion": "field"})
    return long.merge(
        differences[["field", "difference", "low", "high", "finding"]],
        on="field",
        suffixes=("", "_difference"),
    )


def buying_table(behaviour: pd.DataFrame, metric: str, t: Translator) -> pd.DataFrame:
    """:func:`buying_behaviour` for the client: one row per field, one column per outcome group
    (value, interval and n), then the best group against the worst and whether it is a finding."""
    rows = []
    for field, table in behaviour.groupby("field", sort=False):
        row = {t("emotions.col.behaviour"): t(f"emotions.buying.{field}")}
        for found in table.itertuples():
            label = t(f"emotions.group.{metric}.{found.group}")
            row[label] = (
                f"{t.interval(found.value, found.low, found.high)} (n = {t.number(found.n)})"
                if found.n == found.n
                else "–"
            )
        first = table.iloc[0]
        row[t("emotions.col.best_worst")] = t.interval(
            first["difference"], first["low_difference"], first["high_difference"]
        )
        row[t("emotions.col.finding")] = t(
            "value_chain.finding_yes" if first["finding"] else "value_chain.finding_no"
        )
        rows.append(row)
    return pd.DataFrame(rows)


def buying_takeaway(behaviour: pd.DataFrame, metric: str, t: Translator) -> tuple[str, dict[str, str]]:
    """The buying behaviour that differs most between the best and the worst outcome group, or the
    sentence saying none does."""
    fields = behaviour.drop_duplicates("field")
    found = fields[fields["finding"]]
    worst, best = GROUP_ORDER[metric][0], GROUP_ORDER[metric][-1]
    names = {"best": t(f"emotions.group.{metric}.{best}"), "worst": t(f"emotions.group.{metric}.{worst}")}
    if found.empty:
        return "emotions.buying_none", names
    top = found.loc[
        (found["difference"].abs() / found["high_difference"].sub(found["low_difference"])).idxmax()
    ]
    return "emotions.buying_top", names | {
        "behaviour": t(f"emotions.buying.{top['field']}"),
        "difference": t.interval(top["difference"], top["low_difference"], top["high_difference"]),
    }


def _largest_share_takeaway(
    figure: go.Figure, rows: pd.DataFrame, key: str, placeholder: str, names: dict, t: Translator
) -> go.Figure:
    """``figure`` with the takeaway ``key`` naming the group (shown by ``names``, else as it is) with
    the largest share among ``rows`` of at least :data:`SMALL_SAMPLE` comments, with its interval and
    n, when that interval stands clear of the next group's (:func:`~cxlib.render.summary.leader`);
    else ``<key>_similar``, which names both; a takeaway saying no group is large enough when none
    is."""
    steady = rows[rows["n"] >= SMALL_SAMPLE]
    if steady.empty:
        return with_takeaway(figure, "emotions.takeaway_none", minimum=t.number(SMALL_SAMPLE))
    top, similar = leader(steady.to_dict("records"))
    values = {
        placeholder: names.get(top["group"], top["group"]),
        "share": t.interval(top["share"], top["low"], top["high"], percent=True),
        "n": t.number(top["n"]),
    }
    if similar is None:
        return with_takeaway(figure, key, **values)
    return with_takeaway(
        figure,
        f"{key}_similar",
        **values,
        other=names.get(similar["group"], similar["group"]),
        other_share=t.interval(similar["share"], similar["low"], similar["high"], percent=True),
    )
