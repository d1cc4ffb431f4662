"""Step 01, diagnosis: customer metrics, customer-side pillar scores, drivers, targets, comments.

Metric maths lives in :mod:`cxlib.stats.metrics` and driver maths in :mod:`cxlib.stats.drivers`;
this module joins them to the client's survey and self-assessment and builds the step's tables
and charts. Pillar scores are on 0-100 throughout.

The self-assessment is answered on 1-5 and reported on 0-100 (``(score - 1) / 4 * 100``), the
scale shared with customer pillar scores and targets. A pillar's interval is a t interval over
respondents' pillar means (each leader or area is one observation), so five respondents give a
wide, honest interval.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

import nh3
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats as scipy_stats

from cxlib.core.i18n import Translator
from cxlib.core.method import PILLARS
from cxlib.inputs.client import Client
from cxlib.inputs.outcomes import (
    model_label,
    modelled_outcome,
    outcome_bounds,
    outcome_form,
    primary_outcome,
)
from cxlib.render.charts import (
    ACCENT,
    PERCENT,
    PRIMARY,
    error_bars,
    interval_bars,
    interval_takeaway,
    label_points,
    month_axis,
    percent_axis,
    with_small_rows,
)
from cxlib.render.consistency import target_source
from cxlib.stats.drivers import R2_FLOOR, priority_matrix, relative_weights
from cxlib.stats.estimators import SMALL_SAMPLE, to_hundred
from cxlib.stats.league import metric_points
from cxlib.stats.metrics import (
    Estimate,
    bonferroni,
    difference_test,
    mean_interval,
    metric_by,
    nps_components,
    nps_counts,
    nps_segment_tests,
    proportion_interval,
    share_by,
    simultaneous_level,
    top_two_box,
)
from cxlib.stats.outcomes import mean_comparison
from cxlib.stats.pillars import pillar_frame
from cxlib.stats.pillars import pillar_scores as customer_pillar_scores  # noqa: F401 (the step's name for it)
from cxlib.stats.sentiment_model import reading as sentiment_reading
from cxlib.stats.text import Calibration, calibrated_sentiment, rating_labels, sentiment
from cxlib.stats.themes import keyword_themes, named_themes, representativeness
from cxlib.stats.weighting import design_effect, effective_totals, margin_comparison

#: Outcomes for driver analysis, in order of preference.
OUTCOMES: tuple[str, ...] = ("nps", "csat", "satisfied")
#: A pillar where leaders score themselves this many points (0-100) above customers is "overconfident".
OVERCONFIDENCE_MARGIN = 10.0
#: Units need this many responses to count towards the internal best-quartile benchmark.
UNIT_MIN_RESPONSES = SMALL_SAMPLE
#: The fewest units (each with :data:`UNIT_MIN_RESPONSES`) an internal best-quartile target is drawn
#: from: with fewer, the best quartile holds less than one whole unit, so the "benchmark" would be
#: one unit's score (or an interpolation past it) rather than what a group of better units achieves.
MIN_BENCHMARK_UNITS = 4

#: Self-assessment answers whose spread (max − min, on 1-5) reaches this are flagged as a disagreement.
DISAGREEMENT_SPREAD = 2


def assessment_item_scores(assessment: pd.DataFrame, bank: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per item: respondents, mean (1-5), spread, 0-100 score and a disagreement flag."""
    grouped = assessment.groupby(["pillar", "item_id"], observed=True)["score"]
    items = grouped.agg(n="count", mean="mean", sd="std", low="min", high="max").reset_index()
    items["spread"] = items["high"] - items["low"]
    items["score"] = to_hundred(items["mean"])
    items["disagreement"] = items["spread"] >= DISAGREEMENT_SPREAD
    items["question"] = items["item_id"].map(bank[language])
    items["pillar"] = pd.Categorical(items["pillar"], PILLARS, ordered=True)
    return items.sort_values(["pillar", "item_id"]).reset_index(drop=True)


def assessment_pillar_scores(assessment: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per pillar: 0-100 score with a t interval over respondents, respondent count and spread."""
    per_respondent = assessment.groupby(["pillar", "respondent"], observed=True)["score"].mean().reset_index()
    per_respondent["score"] = to_hundred(per_respondent["score"])
    grouped = per_respondent.groupby("pillar", observed=True)["score"].agg(
        ["mean", "std", "count", "min", "max"]
    )
    low, high = mean_interval(grouped["mean"], grouped["std"], grouped["count"], confidence, (0, 100))
    result = pd.DataFrame(
        {
            "score": grouped["mean"],
            "low": low,
            "high": high,
            "n": grouped["count"],
            "lowest": grouped["min"],
            "highest": grouped["max"],
        }
    )
    return result.reindex([p for p in PILLARS if p in result.index])


def assessment_evidence(assessment: pd.DataFrame, bank: pd.DataFrame, language: str) -> pd.DataFrame:
    """Every answer with its evidence; ``supported`` is False where no evidence was given."""
    table = assessment.assign(
        question=assessment["item_id"].map(bank[language]),
        supported=assessment["evidence"].notna() if "evidence" in assessment else False,
    )
    order = pd.Categorical(table["pillar"], PILLARS, ordered=True)
    columns = [
        c
        for c in ("pillar", "item_id", "question", "respondent", "area", "score", "evidence", "supported")
        if c in table
    ]
    return (
        table.assign(pillar=order)
        .sort_values(["pillar", "item_id", "respondent"])[columns]
        .reset_index(drop=True)
    )


def customer_pillar_frame(client: Client) -> pd.DataFrame:
    """Per survey response, each pillar's 0-100 score: the mean of its mapped items (each rescaled by its own
    scale); :func:`cxlib.stats.pillars.pillar_frame` on the client's survey."""
    return pillar_frame(client.tables["survey"], client.survey_items)


def self_vs_customer(self_scores: pd.DataFrame, customer_scores: pd.DataFrame) -> pd.DataFrame:
    """Self-assessment beside the customer view; ``overconfident`` where leaders rate a pillar
    at least :data:`OVERCONFIDENCE_MARGIN` points above customers, ``underconfident`` where they
    rate it at least as far below (both directions are reported)."""
    table = pd.DataFrame(
        {
            "self": self_scores["score"],
            "self_low": self_scores["low"],
            "self_high": self_scores["high"],
            "self_n": self_scores["n"],
            "customer": customer_scores["value"],
            "customer_low": customer_scores["low"],
            "customer_high": customer_scores["high"],
            "customer_n": customer_scores["n"],
        }
    ).reindex([p for p in PILLARS if p in self_scores.index or p in customer_scores.index])
    table["gap"] = table["self"] - table["customer"]
    table["overconfident"] = table["gap"] >= OVERCONFIDENCE_MARGIN
    table["underconfident"] = table["gap"] <= -OVERCONFIDENCE_MARGIN
    return table


def pillar_targets(client: Client, pillar_frame: pd.DataFrame, customer_scores: pd.DataFrame) -> pd.DataFrame:
    """Current customer score against the target per pillar, and the gap (target − current).

    Targets come from ``client.yaml`` (``pillar_targets``, source ``client``). Where a pillar has
    none, the internal benchmark serves (source ``internal``): the best-quartile unit's score (the
    75th percentile of unit means among units with at least :data:`UNIT_MIN_RESPONSES` responses,
    and only with at least :data:`MIN_BENCHMARK_UNITS` such units, counted in ``units``), i.e. what
    the client's own better units already achieve (Camp, R. C. (1989), *Benchmarking*, ASQC Quality
    Press). Otherwise the pillar has no target (source ``none``).
    """
    targets = pd.Series(client.config.pillar_targets, dtype="float64").reindex(customer_scores.index)
    source = pd.Series(np.where(targets.notna(), "client", "none"), index=customer_scores.index)
    benchmark_units = pd.Series(np.nan, index=customer_scores.index)
    survey = client.tables["survey"]
    if "unit" in survey and targets.isna().any():
        units = pillar_frame.groupby(survey["unit"], observed=True)
        unit_means = units.mean()[units.count().min(axis=1) >= UNIT_MIN_RESPONSES]
        if len(unit_means) >= MIN_BENCHMARK_UNITS:
            internal = unit_means.quantile(0.75)
            missing = targets.isna() & internal.reindex(targets.index).notna()
            targets[missing] = internal[missing[missing].index]
            source[missing] = "internal"
            benchmark_units[missing] = len(unit_means)
    table = customer_scores.rename(columns={"value": "current"}).assign(
        target=targets, source=source, units=benchmark_units
    )
    table["gap"] = table["target"] - table["current"]
    return table


def outcome(client: Client) -> str | None:
    """The headline outcome (:func:`~cxlib.inputs.outcomes.primary_outcome`): ``primary_outcome:``,
    else NPS, else CSAT, else the yes/no outcome, else CES."""
    return primary_outcome(client)


def _modelled(client: Client, weights: pd.DataFrame, target: str, model: str = "pillars") -> pd.DataFrame:
    """``weights`` with what they model in ``attrs``: the ``model`` (``pillars``, or ``items`` for
    questions and segment fields) and its outcome as modelled (name, form and scale)."""
    weights.attrs.update(
        {
            "model": model,
            "outcome": target,
            "outcome_form": outcome_form(client, target),
            "outcome_bounds": outcome_bounds(client, target),
        }
    )
    return weights


def modelled_name(weights: pd.DataFrame, t: Translator) -> str:
    """The outcome a driver model was fitted on, exactly as modelled (e.g. "CSAT (mean of the
    1-5 score)"; :func:`~cxlib.inputs.outcomes.model_label`)."""
    return model_label(weights.attrs, t)


def _with_survey_weights(client: Client, frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """``frame`` with the survey weights as ``_weight`` and that column's name, or ``frame`` and
    ``None`` for an unweighted survey."""
    survey = client.tables["survey"]
    if "weight" not in survey:
        return frame, None
    return frame.assign(_weight=survey["weight"]), "_weight"


def pillar_drivers(
    client: Client, pillar_frame: pd.DataFrame, bootstrap: int = 500, target: str | None = None
) -> pd.DataFrame:
    """Johnson's relative weights of the customer pillar scores on ``target`` (default: the headline
    outcome) as ``outcome_form:`` models it (:func:`~cxlib.inputs.outcomes.modelled_outcome`)."""
    target = target or outcome(client)
    frame = pillar_frame.assign(**{target: modelled_outcome(client, target)})
    frame, weight = _with_survey_weights(client, frame)
    weights = relative_weights(frame, target, list(pillar_frame.columns), bootstrap=bootstrap, weight=weight)
    return _modelled(client, weights, target)


def item_drivers(client: Client, bootstrap: int = 300, target: str | None = None) -> pd.DataFrame | None:
    """Relative weights of every mapped item and of each segment field on ``target`` (default: the
    headline outcome, as modelled), beside the pillar view: a strong item is not diluted in its
    pillar, and a segment field enters as the group of its dummy columns (Tonidandel & LeBreton
    2011; see :mod:`cxlib.stats.drivers`). ``None`` when fewer than two drivers vary."""
    target = target or outcome(client)
    survey = client.tables["survey"]
    frame = survey[[item.column for item in client.survey_items]].astype("float64")
    groups = {column: [column] for column in frame.columns if frame[column].nunique() > 1}
    for dimension in client.segment_dimensions:
        dummies = pd.get_dummies(survey[dimension], prefix=dimension, drop_first=True, dtype="float64")
        dummies = dummies.where(survey[dimension].notna())
        if not dummies.empty:
            frame = frame.join(dummies)
            groups[dimension] = list(dummies.columns)
    if target is None or len(groups) < 2:
        return None
    frame[target] = modelled_outcome(client, target)
    frame, weight = _with_survey_weights(client, frame)
    columns = [column for members in groups.values() for column in members]
    weights = relative_weights(frame, target, columns, bootstrap=bootstrap, groups=groups, weight=weight)
    return _modelled(client, weights, target, "items")


def item_driver_chart(weights: pd.DataFrame, client: Client, t: Translator) -> go.Figure:
    """Items and segment fields by share of explained variance, named as in the export."""
    labels = [
        t(f"overview.axis.{name}") if name in client.segment_dimensions else client.column_label(name)
        for name in weights.index
    ]
    return driver_chart(weights, t, labels, "diagnosis.item_drivers_title")


#: The interval method behind each metric of :func:`~cxlib.stats.metrics.metric_by`.
METRIC_METHODS = {"nps": "adjusted-wald", "csat": "wilson", "ces": "t", "satisfied": "wilson"}


def metrics_by(survey: pd.DataFrame, scales: dict, by: str) -> dict[str, pd.DataFrame]:
    """Each available metric for every group of ``by`` (``scales`` is ``Client.survey_scales``),
    weighted when the survey has weights: :func:`~cxlib.stats.metrics.metric_by` per metric."""
    tables = {}
    for name in METRIC_METHODS:
        if name not in survey or survey[name].notna().sum() == 0:
            continue
        bounds = scales[name].bounds if name in scales else None
        tables[name] = metric_by(survey, name, by, bounds[1] if bounds else None, bounds=bounds)
    return tables


def overall_metrics(survey: pd.DataFrame, scales: dict) -> dict[str, Estimate]:
    """Each available metric over the given responses (``scales`` is ``Client.survey_scales``),
    weighted when the survey has weights (:func:`metrics_by` on one group)."""
    return {
        name: Estimate(
            float(row["value"]), float(row["low"]), float(row["high"]), int(row["n"]), METRIC_METHODS[name]
        )
        for name, table in metrics_by(survey.assign(_all=0), scales, "_all").items()
        for row in [table.iloc[0]]
    }


def weighting_facts(client: Client, t: Translator) -> dict[str, str] | None:
    """Kish's design effect and effective sample size of the survey weights (``None`` unweighted)."""
    survey = client.tables["survey"]
    if "weight" not in survey:
        return None
    effect = design_effect(survey["weight"])
    return {
        "deff": t.number(effect.deff, 2),
        "n_effective": t.number(round(effect.n_effective)),
        "n": t.number(effect.n),
        "source": t("diagnosis.weights_raked" if client.margins else "diagnosis.weights_given"),
    }


def representativeness_table(client: Client, t: Translator) -> pd.DataFrame:
    """Per raking field and category: respondents, sample, weighted and population shares, and the
    field's chi-square test of the raw sample against the population (:mod:`cxlib.stats.weighting`)."""
    survey = client.tables["survey"]
    table = margin_comparison(survey, client.margins, survey["weight"])
    return pd.DataFrame(
        {
            t("diagnosis.col.field"): [client.source_of(field) for field in table["field"]],
            t("diagnosis.col.category"): table["category"],
            t("diagnosis.col.n"): [t.number(n) for n in table["n"]],
            t("diagnosis.col.sample_share"): [t.percent(share, 1) for share in table["sample"]],
            t("diagnosis.col.weighted_share"): [t.percent(share, 1) for share in table["weighted"]],
            t("diagnosis.col.population_share"): [t.percent(share, 1) for share in table["population"]],
            t("diagnosis.col.chi2"): [
                f"χ² = {t.number(chi2, 1)}, p {t.p_value(p)}"
                for chi2, p in zip(table["chi2"], table["p"], strict=True)
            ],
        }
    )


def metric_table(estimates: dict[str, Estimate], t: Translator) -> pd.DataFrame:
    """The overall metrics as a report table: value, 95% interval, n, method and a caution."""
    rows = []
    for name, estimate in estimates.items():
        decimals = 2 if name == "ces" else 1
        rows.append(
            {
                t("diagnosis.col.metric"): t(f"metric.{name}"),
                t("diagnosis.col.value"): t.number(estimate.value, decimals),
                t("diagnosis.col.interval"): t.bounds(estimate.low, estimate.high, decimals),
                t("diagnosis.col.n"): t.number(estimate.n),
                t("diagnosis.col.method"): t(f"method.{estimate.method}"),
            }
        )
    return with_small_rows(pd.DataFrame(rows), (estimate.small for estimate in estimates.values()))


#: The period each of ``month`` and ``quarter`` groups dates by (pandas period aliases).
PERIODS: dict[str, str] = {"month": "M", "quarter": "Q"}


def breakdown(client: Client, metric: str, by: str) -> pd.DataFrame:
    """A metric by a survey column (:meth:`~cxlib.inputs.client.Client.breakdown_column`), or by the
    first day of each ``month`` or ``quarter`` of the response's date."""
    survey = client.tables["survey"]
    if by in PERIODS:
        survey = survey.assign(**{by: survey["date"].dt.to_period(PERIODS[by]).dt.to_timestamp()})
    scale_high = client.survey_scales["csat"].bounds[1] if metric == "csat" else None
    bounds = client.survey_scales[metric].bounds if metric == "ces" else None
    return metric_by(survey, metric, by, scale_high, bounds=bounds)


def period_label(start: pd.Timestamp, by: str, t: Translator) -> str:
    """A ``month`` or ``quarter`` named by its first day, in the report's language."""
    if by == "month":
        return t.month(start)
    return t("diagnosis.quarter_label", quarter=start.quarter, year=start.year)


def breakdown_chart(table: pd.DataFrame, metric: str, by: str, t: Translator) -> go.Figure:
    """Bars with intervals of a metric by group (periods named by :func:`period_label`); ``n`` and
    small-sample cautions on every bar."""
    value_range = (-100, 100) if metric == "nps" else None
    if by in PERIODS:
        table = table.set_axis([period_label(start, by, t) for start in table.index])
    return interval_bars(
        table,
        t("diagnosis.by_title", metric=t(f"metric.{metric}"), group=t.inline(t(f"diagnosis.group.{by}"))),
        t(f"metric.{metric}"),
        t(f"diagnosis.group.{by}"),
        t,
        decimals=2 if metric == "ces" else 1,
        value_range=value_range,
    )


def trend_takeaway(client: Client, metric: str, t: Translator) -> tuple[str, dict[str, str]]:
    """The trend's direction, tested: least-squares slope of each response's points (NPS −100/0/100,
    CSAT top-two-box 0/100) on its month, with the slope's t test (``scipy.stats.linregress``)."""
    survey = client.tables["survey"]
    points = outcome_points(client, metric)[1]
    month = survey["date"].dt.year * 12 + survey["date"].dt.month
    valid = points.notna() & month.notna()
    values = {"metric": t(f"metric.{metric}")}
    if valid.sum() < SMALL_SAMPLE or month[valid].nunique() < 3:
        return "diagnosis.takeaway.trend_short", values
    fit = scipy_stats.linregress(month[valid].astype(float), points[valid])
    values |= {
        "slope": t.number(abs(fit.slope), 2),
        "p": t.p_value(fit.pvalue),
        "n": t.number(int(valid.sum())),
    }
    if fit.pvalue >= 0.05:
        return "diagnosis.takeaway.trend_flat", values
    return ("diagnosis.takeaway.trend_up" if fit.slope > 0 else "diagnosis.takeaway.trend_down"), values


def trend_chart(table: pd.DataFrame, metric: str, t: Translator) -> go.Figure:
    """A metric per month with its 95% interval as a band; months under n = 30 are marked."""
    months = list(table.index)
    figure = go.Figure(
        [
            go.Scatter(
                x=months + months[::-1],
                y=list(table["high"]) + list(table["low"][::-1]),
                fill="toself",
                fillcolor="rgba(27,79,114,0.15)",
                line={"width": 0},
                hoverinfo="skip",
                name=t("diagnosis.interval95"),
            ),
            go.Scatter(
                x=months,
                y=table["value"],
                mode="lines+markers",
                name=t(f"metric.{metric}"),
                marker={"symbol": np.where(table["small"], "x", "circle"), "size": 9},
                customdata=np.stack([table["low"], table["high"], table["n"]], axis=1),
                hovertemplate=(
                    "%{x}: %{y:.1f} [%{customdata[0]:.1f}; %{customdata[1]:.1f}] "
                    "n = %{customdata[2]}<extra></extra>"
                ),
            ),
        ]
    )
    figure.update_layout(
        title=t("diagnosis.trend_title", metric=t(f"metric.{metric}")),
        xaxis_title=t("overview.axis.month"),
        yaxis_title=t(f"metric.{metric}"),
    )
    month_axis(figure)
    return figure


def pillar_comparison_chart(table: pd.DataFrame, t: Translator) -> go.Figure:
    """Self-assessment and customer score per pillar, each with its interval."""
    labels = [t(f"pillar.{p}") for p in table.index]
    figure = go.Figure()
    for column, name_key, colour in (
        ("self", "diagnosis.self_view", ACCENT),
        ("customer", "diagnosis.customer_view", PRIMARY),
    ):
        n_column = f"{column}_n"
        figure.add_bar(
            y=labels,
            x=table[column],
            name=t(name_key),
            orientation="h",
            marker_color=colour,
            error_x=error_bars(table[column], table[f"{column}_low"], table[f"{column}_high"]),
            customdata=table[n_column],
            hovertemplate="%{y}: %{x:.1f} (n = %{customdata})<extra>" + t(name_key) + "</extra>",
        )
    figure.update_layout(
        barmode="group",
        title=t("diagnosis.self_vs_customer_title"),
        xaxis_title=t("diagnosis.score_axis"),
        height=max(360, 120 + 60 * len(labels)),
        yaxis={"autorange": "reversed"},
    )
    figure.update_xaxes(range=[0, 100])
    return figure


def target_chart(table: pd.DataFrame, t: Translator) -> go.Figure:
    """Current customer score (with interval) against the target per pillar."""
    labels = [t(f"pillar.{p}") for p in table.index]
    figure = go.Figure(
        [
            go.Bar(
                y=labels,
                x=table["current"],
                orientation="h",
                name=t("diagnosis.current"),
                marker_color=PRIMARY,
                error_x=error_bars(table["current"], table["low"], table["high"]),
                customdata=table["n"],
                hovertemplate="%{y}: %{x:.1f} (n = %{customdata})<extra></extra>",
            ),
            go.Scatter(
                y=labels,
                x=table["target"],
                mode="markers",
                name=t("diagnosis.target"),
                marker={"symbol": "diamond", "size": 14, "color": "#C0392B"},
                customdata=[
                    target_source(source, units, t)
                    for source, units in zip(table["source"], table["units"], strict=True)
                ],
                hovertemplate="%{y}: %{x:.0f} (%{customdata})<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        title=t("diagnosis.target_title"),
        xaxis_title=t("diagnosis.score_axis"),
        height=max(360, 120 + 50 * len(labels)),
        yaxis={"autorange": "reversed"},
    )
    figure.update_xaxes(range=[0, 100])
    return figure


def driver_chart(
    weights: pd.DataFrame,
    t: Translator,
    labels: list[str] | None = None,
    title_key: str = "diagnosis.drivers_title",
) -> go.Figure:
    """Each driver's share of explained variance with its bootstrap interval; drivers are pillars
    unless ``labels`` names them (items, segment fields)."""
    r2 = weights.attrs["r2"]
    table = pd.DataFrame(
        {
            "value": weights["share"],
            "low": weights["share_low"],
            "high": weights["share_high"],
            "n": weights.attrs["n"],
        }
    )
    table.index = labels or [t(f"pillar.{p}") for p in weights.index]
    title = t(
        title_key,
        outcome=modelled_name(weights, t),
        r2=t.percent(r2, 0),
        n=t.number(weights.attrs["n"]),
    )
    return interval_bars(
        table,
        title,
        t("diagnosis.share_axis"),
        t("diagnosis.pillar_axis" if labels is None else "diagnosis.item_axis"),
        t,
        percent=True,
        value_range=(0, min(1.0, float(table["high"].max()) + 0.3)),
    )


def priority_chart(
    weights: pd.DataFrame, performance: pd.Series, t: Translator
) -> tuple[go.Figure, pd.DataFrame]:
    """Importance × performance matrix; returns the figure and the matrix with quadrants."""
    matrix = priority_matrix(weights, performance)
    figure = go.Figure(
        go.Scatter(
            x=matrix["performance"],
            y=matrix["importance"] * PERCENT,
            mode="markers+text",
            text=[t(f"pillar.{p}") for p in matrix.index],
            textposition="top center",
            marker={
                "size": 16,
                "color": ["#C0392B" if q == "fix" else PRIMARY for q in matrix["quadrant"]],
            },
            customdata=[t(f"diagnosis.quadrant.{q}") for q in matrix["quadrant"]],
            hovertemplate="%{text}: %{customdata}<extra></extra>",
        )
    )
    figure.add_hline(y=matrix["importance"].mean() * PERCENT, line_dash="dot", line_color="#7F8C8D")
    figure.add_vline(x=matrix["performance"].mean(), line_dash="dot", line_color="#7F8C8D")
    figure.update_layout(
        title=t("diagnosis.priority_title"),
        xaxis_title=t("diagnosis.performance_axis"),
        yaxis_title=t("diagnosis.share_axis"),
    )
    percent_axis(figure, t, "y")
    names = [t(f"pillar.{p}") for p in matrix.index]
    return label_points(figure, names, [16] * len(matrix), key_title=t("diagnosis.pillar_axis") + ":"), matrix


def segment_profile(client: Client, t: Translator, by: str = "segment") -> pd.DataFrame:
    """Per segment of dimension ``by``: responses, metrics with intervals, purchase behaviour."""
    survey = client.tables["survey"]
    behaviour = {  # weighted means per segment, like every metric (metric_by's mean on "ces")
        column: metric_by(survey.assign(ces=survey[column]), "ces", by)
        for column in ("tenure_years", "purchase_frequency", "products")
        if column in survey
    }
    metrics = metrics_by(survey, client.survey_scales, by)
    rows = []
    sizes = survey[by].value_counts().sort_index()
    for segment, size in sizes.items():
        row = {t(f"overview.axis.{by}"): segment, t("diagnosis.col.n"): t.number(size)}
        for name, table in metrics.items():
            if segment in table.index:
                found = table.loc[segment]
                decimals = 2 if name == "ces" else 1
                row[t(f"metric.{name}")] = t.interval(found["value"], found["low"], found["high"], decimals)
        for column, table in behaviour.items():
            if segment in table.index:
                found = table.loc[segment]
                row[t(f"diagnosis.profile.{column}")] = t.interval(
                    found["value"], found["low"], found["high"]
                )
        rows.append(row)
    return with_small_rows(pd.DataFrame(rows), sizes < SMALL_SAMPLE)


def profile_takeaway(client: Client, t: Translator, by: str = "segment") -> tuple[str, dict[str, str]]:
    """What a segment profile shows: the segments with the highest and lowest headline metric, with
    intervals, and whether they are apart (:func:`cxlib.render.charts.interval_takeaway`); the
    headline metric is ``primary_outcome:`` when mapped."""
    metric = outcome(client) or next(name for name in OUTCOMES + ("ces",) if name in client.tables["survey"])
    table = breakdown(client, metric, by)
    return interval_takeaway(
        table, t(f"metric.{metric}"), t(f"overview.axis.{by}"), t, 2 if metric == "ces" else 1
    )


#: Fewest mentions before a theme is shown with its figures (fewer are counted, not shown): the
#: survey-wide small-sample limit, below which an NPS interval is too wide to read.
MIN_THEME_MENTIONS = SMALL_SAMPLE


@dataclass(frozen=True)
class CommentAnalysis:
    """The comments (personal data masked), their sentiment and how it was decided, and theme flags
    with each comment's representativeness of each theme."""

    comments: pd.Series
    sentiment: pd.DataFrame
    calibration: Calibration
    themes: pd.DataFrame
    representativeness: pd.DataFrame
    discovered: bool


def comment_ratings(client: Client, index: pd.Index) -> pd.Series | None:
    """The sentiment each commenter's own rating implies (:func:`~cxlib.stats.text.rating_labels`),
    from NPS, else CSAT on its scale, else the yes/no ``satisfied``; ``None`` without any."""
    survey = client.tables["survey"]
    if "nps" in survey:
        return rating_labels(survey.loc[index, "nps"], 0, 10, nps=True)
    if "csat" in survey:
        low, high = client.survey_scales["csat"].bounds
        return rating_labels(survey.loc[index, "csat"], low, high)
    if "satisfied" in survey:
        return survey.loc[index, "satisfied"].map({True: "positive", False: "negative"}).astype(object)
    return None


def comment_themes(client: Client, comments: pd.Series) -> pd.DataFrame:
    """Which themes each comment raises (one flag column per theme): the keywords configured in
    ``client.yaml``, else the themes discovered in the comments and named there."""
    settings = client.config.comments
    if settings.keywords:
        return keyword_themes(comments, settings.keywords)
    return named_themes(comments, client.config.language, settings.theme_count, settings.names)[0]


def comment_analysis(client: Client) -> CommentAnalysis:
    """Sentiment (calibrated on the respondents' own ratings when there are any) and themes (configured
    keywords, or discovered and named in ``client.yaml``) of every response with a comment."""
    comments = client.comments()
    language = client.config.language
    settings = client.config.comments
    ratings = comment_ratings(client, comments.index)
    if ratings is not None:
        sentiment_frame, calibration = calibrated_sentiment(comments, language, ratings)
    else:
        sentiment_frame = sentiment(comments, language)
        sentiment_frame["lexicon"] = sentiment_frame["label"]
        calibration = Calibration(sentiment_reading(language), 0, float("nan"), float("nan"))
    theme_frame = comment_themes(client, comments)
    return CommentAnalysis(
        comments,
        sentiment_frame,
        calibration,
        theme_frame,
        representativeness(comments, theme_frame, language),
        not settings.keywords,
    )


def sentiment_method(analysis: CommentAnalysis, t: Translator) -> tuple[str, dict[str, str]]:
    """Which sentiment reading the report uses and why: the lexicon's and, when tried, the client's
    own classifier's accuracy on the rated comments (Wilson 95% intervals, n), and how many of
    those comments repeat another's text (cross-validated apart, never across folds)."""
    calibration = analysis.calibration
    facts = {"n": t.number(calibration.n), "repeats": t.number(calibration.repeats)}
    if calibration.n == 0:  # no rating: the shipped model's reading, or the lexicon's
        return f"diagnosis.sentiment_method.{calibration.method}", facts
    for name, accuracy in (
        ("lexicon", calibration.lexicon_accuracy),
        ("classifier", calibration.classifier_accuracy),
    ):
        if not np.isnan(accuracy):
            low, high = proportion_interval([round(accuracy * calibration.n)], [calibration.n])
            facts[name] = t.interval(accuracy, low[0], high[0], percent=True)
    if np.isnan(calibration.classifier_accuracy):
        return "diagnosis.sentiment_method.lexicon_only", facts
    return f"diagnosis.sentiment_method.{calibration.method}_chosen", facts


def sentiment_chart(client: Client, analysis: CommentAnalysis, t: Translator) -> go.Figure:
    """Share of negative comments by NPS group (detractor, passive, promoter) with Wilson intervals,
    weighted with survey weights (:func:`~cxlib.stats.metrics.metric_by`).

    The comments are read by the lexicon alone, even when the client's own classifier labels them
    elsewhere: that classifier learnt its labels from these NPS groups, so plotting its reading
    against them would show what it was taught, not what the customers wrote (circular analysis;
    Kriegeskorte, N. et al. (2009), Circular analysis in systems neuroscience, *Nature
    Neuroscience* 12, 535-540)."""
    responses = client.tables["survey"].loc[analysis.sentiment.index]
    scores = responses["nps"]
    group = pd.Series(
        np.select([scores >= 9, scores >= 7], ["promoter", "passive"], "detractor"), index=scores.index
    ).where(scores.notna())
    labels = analysis.sentiment["lexicon"]
    negative = labels.eq("negative").astype("boolean").mask(labels.isna())
    table = share_by(responses.assign(nps_group=group), negative, "nps_group")
    table = table.reindex(["detractor", "passive", "promoter"]).dropna()
    table.index = [t(f"diagnosis.nps_group.{g}") for g in table.index]
    return interval_bars(
        table,
        t("diagnosis.sentiment_title"),
        t("diagnosis.negative_share"),
        t("diagnosis.nps_group_axis"),
        t,
        percent=True,
        value_range=(0, 1),
    )


#: Outcomes a theme's mentioners are compared on, first present wins.
THEME_OUTCOMES: tuple[str, ...] = ("nps", "csat", "satisfied", "ces")


def theme_outcomes(client: Client) -> list[str]:
    """The outcomes themes are compared on: every one of :data:`THEME_OUTCOMES` the survey has, the
    headline (``primary_outcome:``) first."""
    survey = client.tables["survey"]
    present = [name for name in THEME_OUTCOMES if name in survey]
    return sorted(present, key=lambda name: name != client.config.primary_outcome)


def theme_outcome(client: Client) -> str | None:
    """The outcome the theme table uses: the headline, else NPS, else CSAT (top-two-box), else %
    satisfied, else CES (:func:`theme_outcomes`)."""
    return next(iter(theme_outcomes(client)), None)


def _survey_columns(client: Client, columns: list[str], rows: pd.Index) -> pd.DataFrame:
    """The survey's ``columns`` (and its weights, when it has them) at ``rows``: on a million
    responses, copying only what a computation reads instead of every column of those rows."""
    survey = client.tables["survey"]
    return survey.loc[rows, columns + (["weight"] if "weight" in survey else [])]


def _theme_outcome(
    client: Client, theme_frame: pd.DataFrame, metric: str | None = None
) -> tuple[pd.Series, pd.Series, tuple, tuple]:
    """Per theme: respondents who mention it and the rest, and each side's outcome as
    (value, low, high, variance) arrays (one matrix product for all themes).

    NPS uses :func:`~cxlib.stats.metrics.nps_components` (adjusted Wald, Rocks 2016); a yes/no
    outcome (CSAT top-two-box, satisfied) a percentage with a Wilson interval and the
    Agresti-Caffo variance (one success and one failure added; Agresti, A. & Caffo, B. (2000),
    *The American Statistician* 54(4), 280-288), so a unanimous group still has a finite test. With
    survey weights, counts are effective counts (:func:`~cxlib.stats.weighting.effective_totals`).
    CES compares means (:func:`~cxlib.stats.outcomes.mean_comparison`). ``metric`` defaults to
    :func:`theme_outcome`.
    """
    metric = metric or theme_outcome(client)
    survey = _survey_columns(client, [metric], theme_frame.index)
    weights = survey["weight"] if "weight" in survey else pd.Series(1.0, index=survey.index)
    if metric == "ces":
        return mean_comparison(survey["ces"], weights, theme_frame, bounds=client.survey_scales["ces"].bounds)
    if metric == "nps":
        scores = survey["nps"]
        valid = scores.notna()
        groups = pd.DataFrame({"det": scores <= 6, "pas": scores.between(7, 8), "pro": scores >= 9})[valid]
        mentioned, rest = effective_totals(groups, weights[valid], theme_frame[valid])
        inside = nps_components(mentioned["det"], mentioned["pas"], mentioned["pro"])
        outside = nps_components(rest["det"], rest["pas"], rest["pro"])
        return mentioned.sum(axis=1), rest.sum(axis=1), inside, outside
    flags = top_two_box(survey["csat"], client.survey_scales["csat"].bounds[1]) if metric == "csat" else None
    flags = survey["satisfied"] if flags is None else flags
    valid = flags.notna()
    counts = pd.DataFrame({"yes": flags[valid].eq(True), "valid": True}, index=flags[valid].index)
    mentioned, rest = effective_totals(counts, weights[valid], theme_frame[valid])
    sides = []
    for side in (mentioned, rest):
        yes, total = side["yes"].to_numpy(), side["valid"].to_numpy()
        low, high = proportion_interval(yes, total)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100 * yes / total
        adjusted = (yes + 1) / (total + 2)
        sides.append(
            (value, 100 * np.asarray(low), 100 * np.asarray(high), adjusted * (1 - adjusted) / (total + 2))
        )
    return mentioned["valid"], rest["valid"], sides[0], sides[1]


def theme_differences(
    client: Client, theme_frame: pd.DataFrame, alpha: float = 0.05, metric: str | None = None
) -> pd.DataFrame:
    """Per mentioned theme: the outcome (``metric``, default :func:`theme_outcome`) of those who
    mention it minus the rest's (normal two-sample test; Rocks 2016 for NPS), with
    Bonferroni-adjusted p-values and simultaneous intervals across themes (Dunn 1961), so
    ``significant`` holds exactly when the interval excludes 0."""
    return _difference_table(_theme_outcome(client, theme_frame, metric), theme_frame.columns, alpha)


def _difference_table(outcome: tuple, themes: pd.Index, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`theme_differences` from the themes' :func:`_theme_outcome`."""
    mentioned, rest, inside, outside = outcome
    used = mentioned.gt(0) & rest.gt(0)
    level = simultaneous_level(1 - alpha, int(used.sum()))
    test = difference_test(inside[0], outside[0], inside[3], outside[3], level)
    table = pd.DataFrame(
        {"difference": test.difference, "low": test.low, "high": test.high, "n": mentioned},
        index=themes,
    )[used.to_numpy()]
    table["p_adjusted"] = bonferroni(test.p_value[used.to_numpy()])
    table["significant"] = table["p_adjusted"] < alpha
    return table


def shown_themes(analysis: CommentAnalysis) -> pd.DataFrame:
    """The theme flags of themes with at least :data:`MIN_THEME_MENTIONS` mentions."""
    mentions = analysis.themes.sum()
    return analysis.themes.loc[:, mentions >= MIN_THEME_MENTIONS]


def theme_takeaway(
    client: Client, analysis: CommentAnalysis, t: Translator, metric: str | None = None
) -> tuple[str, dict[str, str]]:
    """The shown themes whose mentioners' outcome (``metric``, default :func:`theme_outcome`) clearly
    differs from the rest's (or that none does)."""
    metric = metric or theme_outcome(client)
    differences = theme_differences(client, shown_themes(analysis), metric=metric)
    found = differences[differences["significant"]].sort_values("difference")
    metric = t(f"metric.{metric}")
    if found.empty:
        return "diagnosis.takeaway.themes_none", {"themes": t.number(len(differences)), "metric": metric}
    listed = "; ".join(
        f"{theme} {t.interval(row.difference, row.low, row.high)} (n = {t.number(row.n)})"
        for theme, row in found.iterrows()
    )
    return "diagnosis.takeaway.themes_differ", {"themes": listed, "metric": metric}


def theme_table(client: Client, analysis: CommentAnalysis, t: Translator) -> pd.DataFrame:
    """Per shown theme: mentions, share of comments (Wilson interval), NPS of those who mention it
    and of the rest, and the difference with its Bonferroni simultaneous interval and adjusted p."""
    theme_frame = shown_themes(analysis)
    if theme_frame.empty:
        return pd.DataFrame()
    outcome = _theme_outcome(client, theme_frame)
    _, _, inside, outside = outcome
    metric = t(f"metric.{theme_outcome(client)}")
    differences = _difference_table(outcome, theme_frame.columns)
    mentions = theme_frame.sum()
    survey = _survey_columns(client, [], theme_frame.index).assign(_all=0)
    shares = {  # share of comments mentioning each theme, weighted when the survey is
        theme: share_by(survey, theme_frame[theme], "_all").iloc[0] for theme in theme_frame
    }
    rows = []
    for position, theme in enumerate(theme_frame.columns):
        row = {
            t("diagnosis.col.theme"): theme,
            t("diagnosis.col.mentions"): t.number(mentions[theme]),
            t("diagnosis.col.share_comments"): t.interval(
                shares[theme]["value"], shares[theme]["low"], shares[theme]["high"], percent=True
            ),
            t("diagnosis.col.outcome_mention", metric=metric): t.interval(
                inside[0][position], inside[1][position], inside[2][position]
            ),
            t("diagnosis.col.outcome_rest", metric=metric): t.interval(
                outside[0][position], outside[1][position], outside[2][position]
            ),
        }
        if theme in differences.index:
            found = differences.loc[theme]
            row[t("diagnosis.col.theme_difference")] = t.interval(
                found["difference"], found["low"], found["high"]
            )
            row[t("diagnosis.col.p_adjusted")] = t.p_cell(found["p_adjusted"])
        rows.append(row)
    return pd.DataFrame(rows)


def hidden_theme_count(analysis: CommentAnalysis) -> int:
    """Themes with some mentions but fewer than :data:`MIN_THEME_MENTIONS` (not shown)."""
    mentions = analysis.themes.sum()
    return int(((mentions > 0) & (mentions < MIN_THEME_MENTIONS)).sum())


#: Longest quote shown, in characters; longer comments are cut at a word with " […]".
QUOTE_LENGTH = 300


def plain_text(text: str) -> str:
    """A comment's text without markup: a comment exported from a web form may carry tags
    (``<b>x</b>`` reads ``x``); scripts and styles go with their content. Tags are removed with nh3
    (an HTML parser, allowing no tag), then its entities are turned back into characters, since the
    quote is escaped on display (``&`` must not show as ``&amp;``)."""
    return " ".join(html.unescape(nh3.clean(text, tags=set(), attributes={})).split())


def example_quotes(client: Client, analysis: CommentAnalysis, t: Translator) -> pd.DataFrame:
    """Up to one negative and one positive quote per shown theme: the theme's most representative
    comments (:func:`~cxlib.stats.themes.representativeness`) on whose side three readings agree:
    the text's own (the lexicon's, which never saw a rating), the report's (the client's classifier
    when it is used) and the respondent's own rating (:func:`comment_ratings`: a negative quote
    from a detractor, a positive one from a promoter; no rating is needed when the survey has
    none). A review rated 10 that ends "fly with a different airline" is never a positive quote,
    nor a glowing text from a detractor a negative one. Never the same comment twice in the table.
    Personal data is already masked; markup is stripped (:func:`plain_text`) and the table is
    escaped on display."""
    survey = client.tables["survey"]
    ratings = comment_ratings(client, analysis.comments.index)
    metric = theme_outcome(client)
    used: set = set()
    rows = []
    agreeing = {  # comments whose text, reading and rating all say the label
        label: analysis.sentiment["label"].eq(label)
        & analysis.sentiment["lexicon"].eq(label)
        & (True if ratings is None else ratings.eq(label))
        for label in ("negative", "positive")
    }
    for theme in shown_themes(analysis).columns:
        for label, agrees in agreeing.items():
            eligible = analysis.themes[theme] & agrees & analysis.representativeness[theme].gt(0)
            ranked = analysis.representativeness.loc[eligible, theme].drop(list(used), errors="ignore")
            if ranked.empty:
                continue
            index = ranked.idxmax()
            used.add(index)
            quote = textwrap.shorten(plain_text(analysis.comments[index]), QUOTE_LENGTH, placeholder=" […]")
            row = {t("diagnosis.col.theme"): theme, t("diagnosis.col.quote"): quote}
            if metric is not None:
                value = survey.at[index, metric]
                row[t(f"metric.{metric}")] = (
                    t("diagnosis.yes" if value else "diagnosis.no")
                    if metric == "satisfied"
                    else t.number(value)
                )
            row[t("diagnosis.col.sentiment")] = t(f"diagnosis.sentiment.{label}")
            rows.append(row)
    return pd.DataFrame(rows)


#: The metric breakdowns the report shows unless ``client.yaml`` lists its own ``breakdowns:``, where
#: the survey has the metric and the grouping.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("nps", "segment"),
    ("nps", "channel"),
    ("csat", "segment"),
    ("ces", "channel"),
    ("satisfied", "segment"),
)
TRENDS: tuple[str, ...] = ("nps", "csat")


def available_breakdowns(client: Client) -> list[tuple[str, str]]:
    """The (metric, grouping column) pairs the diagnosis draws: exactly the client's ``breakdowns:``
    (checked when the client is loaded), else those of :data:`BREAKDOWNS` this survey supports, where
    ``segment`` stands for every segment dimension (``segment``, ``segment_2``…)."""
    if client.config.breakdowns is not None:
        return [(entry.metric, client.breakdown_column(entry.by)) for entry in client.config.breakdowns]
    survey = client.tables["survey"]
    pairs = []
    for metric, by in BREAKDOWNS:
        groupings = list(client.segment_dimensions) if by == "segment" else [by]
        pairs += [(metric, grouping) for grouping in groupings if metric in survey and grouping in survey]
    return pairs


def available_trends(client: Client) -> list[str]:
    """The metrics of :data:`TRENDS` this survey can show by month."""
    survey = client.tables["survey"]
    return [metric for metric in TRENDS if metric in survey and "date" in survey]


def segment_test_table(client: Client, t: Translator, by: str = "segment") -> pd.DataFrame:
    """Each segment of dimension ``by`` against the rest on NPS, formatted for the report."""
    tests = nps_segment_tests(client.tables["survey"], by)
    table = pd.DataFrame(
        {
            t(f"overview.axis.{by}"): tests.index,
            t("diagnosis.col.n"): [t.number(n) for n in tests["n"]],
            t("metric.nps"): [t.number(v, 1) for v in tests["nps"]],
            t("diagnosis.col.difference"): [
                t.interval(d, lo, hi)
                for d, lo, hi in zip(tests["difference"], tests["low"], tests["high"], strict=True)
            ],
            t("diagnosis.col.p_adjusted"): [t.p_cell(p) for p in tests["p_adjusted"]],
            t("diagnosis.col.significant"): [
                t("diagnosis.yes") if s else t("diagnosis.no") for s in tests["significant"]
            ],
        }
    )
    return with_small_rows(table, tests["n"] < SMALL_SAMPLE)


def self_assessment_table(self_scores: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Pillar self-assessment scores (0-100) with interval, respondents and range; pillars answered
    by fewer than :data:`~cxlib.stats.estimators.SMALL_SAMPLE` people carry one caution under the
    table (:func:`~cxlib.render.charts.with_small_rows`)."""
    table = pd.DataFrame(
        {
            t("diagnosis.col.pillar"): [t(f"pillar.{p}") for p in self_scores.index],
            t("diagnosis.col.score100"): [
                t.interval(s, lo, hi)
                for s, lo, hi in zip(
                    self_scores["score"], self_scores["low"], self_scores["high"], strict=True
                )
            ],
            t("diagnosis.col.n"): [t.number(n) for n in self_scores["n"]],
            t("diagnosis.col.spread"): [
                f"{t.number(lo, 0)} – {t.number(hi, 0)}"
                for lo, hi in zip(self_scores["lowest"], self_scores["highest"], strict=True)
            ],
        }
    )
    return with_small_rows(table, self_scores["n"] < SMALL_SAMPLE)


def disagreement_table(items: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """The questions whose answers differ by at least two points between respondents."""
    flagged = items[items["disagreement"]]
    return pd.DataFrame(
        {
            t("diagnosis.col.pillar"): [t(f"pillar.{p}") for p in flagged["pillar"]],
            t("diagnosis.col.question"): flagged["question"].to_numpy(),
            t("diagnosis.col.mean"): [t.number(m, 1) for m in flagged["mean"]],
            t("diagnosis.col.spread"): [
                f"{int(lo)} – {int(hi)}" for lo, hi in zip(flagged["low"], flagged["high"], strict=True)
            ],
            t("diagnosis.col.n"): [t.number(n) for n in flagged["n"]],
        }
    )


def evidence_display(evidence: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Every answer with its evidence; unsupported answers say so."""
    return pd.DataFrame(
        {
            t("diagnosis.col.pillar"): [t(f"pillar.{p}") for p in evidence["pillar"]],
            t("diagnosis.col.question"): evidence["question"].to_numpy(),
            t("diagnosis.col.respondent"): evidence["respondent"].to_numpy(),
            t("diagnosis.col.score"): [t.number(s) for s in evidence["score"]],
            t("diagnosis.col.evidence"): [
                e if supported else t("diagnosis.unsupported")
                for e, supported in zip(evidence["evidence"], evidence["supported"], strict=True)
            ],
        }
    )


def overconfident_pillars(comparison: pd.DataFrame, t: Translator, column: str = "overconfident") -> str:
    """The pillars flagged in ``column`` (``overconfident``: leaders rate themselves well above
    customers; ``underconfident``: well below), each with the self-assessment's score, interval and
    n beside the customers' score and the signed gap, in the report language."""
    return "; ".join(
        t(
            "diagnosis.self_gap",
            pillar=t(f"pillar.{pillar}"),
            company=t.interval(row["self"], row["self_low"], row["self_high"], 0),
            n=t.number(row["self_n"]),
            customer=t.interval(row["customer"], row["customer_low"], row["customer_high"], 0),
            gap=f"{'+' if row['gap'] > 0 else ''}{t.number(row['gap'], 0)}",
        )
        for pillar, row in comparison[comparison[column]].iterrows()
    )


def model_fit(weights: pd.DataFrame, t: Translator) -> tuple[str, dict[str, str]]:
    """The driver model's verdict: catalogue key and values (R² with its interval, F test, n).

    ``diagnosis.model_explains`` when the overall F test is significant and R² reaches the
    practical floor (:data:`cxlib.stats.drivers.R2_FLOOR`), else ``diagnosis.model_explains_nothing``:
    then no driver, priority or impact is reported. A model of questions and segment fields
    (:func:`item_drivers`) has its own keys (``diagnosis.item_model_…``), and the outcome is named
    as modelled (:func:`modelled_name`), so every R² sentence names its own model.
    """
    attrs = weights.attrs
    values = {
        "outcome": modelled_name(weights, t),
        "r2": t.interval(attrs["r2"], attrs.get("r2_low"), attrs.get("r2_high"), 1, percent=True),
        "p": t.p_value(attrs["f_p"]),
        "n": t.number(attrs["n"]),
        "floor": t.percent(R2_FLOOR, 0),
    }
    model = "" if attrs.get("model", "pillars") == "pillars" else "item_"
    verdict = "explains" if attrs["explains"] else "explains_nothing"
    return f"diagnosis.{model}model_{verdict}", values


def top_driver_facts(weights: pd.DataFrame, t: Translator) -> tuple[str, dict[str, str]]:
    """The two strongest drivers with their share intervals; the key says whether the first is
    separable from the second (``diagnosis.top_drivers``) or not (``diagnosis.top_drivers_tied``)."""
    first, second = weights.index[:2]

    def share(pillar: str) -> str:
        row = weights.loc[pillar]
        return t.interval(row["share"], row["share_low"], row["share_high"], 0, percent=True)

    values = {
        "outcome": modelled_name(weights, t),
        "first": t(f"pillar.{first}"),
        "second": t(f"pillar.{second}"),
        "first_share": share(first),
        "second_share": share(second),
    }
    return (
        "diagnosis.top_drivers" if weights.loc[first, "separable"] else "diagnosis.top_drivers_tied"
    ), values


def fix_first(matrix: pd.DataFrame, t: Translator) -> str:
    """The pillars in the "fix first" quadrant, most important first."""
    fix = matrix[matrix["quadrant"] == "fix"].sort_values("importance", ascending=False)
    return ", ".join(t(f"pillar.{p}") for p in fix.index)


def priority_sentence(
    matrix: pd.DataFrame, targets: pd.DataFrame, t: Translator
) -> tuple[str, dict[str, str]]:
    """The priority matrix's sentence: the "fix first" pillars (``diagnosis.fix_first``); without
    any, the pillar furthest below its target when one is (``diagnosis.no_fix_gap``: the matrix
    compares pillars with each other, the gap each pillar with its target, so an empty quadrant is
    no reassurance), else ``diagnosis.no_fix``."""
    fix = fix_first(matrix, t)
    if fix:
        return "diagnosis.fix_first", {"pillars": fix}
    gap = largest_gap(targets, t)
    return ("diagnosis.no_fix_gap", gap) if gap else ("diagnosis.no_fix", {})


def target_table(targets: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Current score, target, gap and where the target comes from, per pillar."""
    return pd.DataFrame(
        {
            t("diagnosis.col.pillar"): [t(f"pillar.{p}") for p in targets.index],
            t("diagnosis.col.current"): [
                t.interval(c, lo, hi)
                for c, lo, hi in zip(targets["current"], targets["low"], targets["high"], strict=True)
            ],
            t("diagnosis.col.target"): [t.number(v, 0) if pd.notna(v) else "–" for v in targets["target"]],
            t("diagnosis.col.gap"): [t.number(g, 1) if pd.notna(g) else "–" for g in targets["gap"]],
            t("diagnosis.col.source"): [
                target_source(source, units, t)
                for source, units in zip(targets["source"], targets["units"], strict=True)
            ],
            t("diagnosis.col.n"): [t.number(n) for n in targets["n"]],
        }
    )


def largest_gap(targets: pd.DataFrame, t: Translator) -> dict[str, str] | None:
    """The pillar furthest below its target, for ``diagnosis.largest_gap`` (``None`` without targets)."""
    gaps = targets["gap"].dropna()
    if gaps.empty or gaps.max() <= 0:
        return None
    pillar = gaps.idxmax()
    return {"pillar": t(f"pillar.{pillar}"), "gap": t.number(gaps[pillar], 1)}


def outcome_points(client: Client, metric: str | None = None) -> tuple[str, pd.Series] | None:
    """An outcome on a points scale whose mean is its headline figure: NPS (−100/0/100 per
    respondent, so the mean is the NPS), CSAT top-two-box × 100 or % satisfied; ``metric`` names
    one, else the headline (``primary_outcome:``) when it is one of them, else the first available
    in that order."""
    survey = client.tables["survey"]
    available = [name for name in ("nps", "csat", "satisfied") if name in survey]
    available.sort(key=lambda name: name != client.config.primary_outcome)
    name = metric or next(iter(available), None)
    if name not in ("nps", "csat", "satisfied"):
        return None
    scale_high = client.survey_scales["csat"].bounds[1] if name == "csat" else None
    return name, metric_points(survey, name, scale_high)


def impact_slopes(client: Client, pillar_frame: pd.DataFrame, bootstrap: int = 300) -> pd.DataFrame:
    """Outcome points gained per pillar point, implied by the relative weights (with their interval).

    Johnson's raw weight ε is the squared standardised effect a pillar carries, so
    ``sign(r) × sqrt(ε) × sd(outcome) / sd(pillar)`` converts it back into outcome points per
    0-100 pillar point (Johnson 2000); the bootstrap bounds of ε give the interval. It is an
    approximation that apportions correlated pillars' shared effect, not a causal estimate.
    """
    name, points = outcome_points(client)
    frame, weight = _with_survey_weights(client, pillar_frame.assign(_outcome=points))
    weights = relative_weights(
        frame, "_outcome", list(pillar_frame.columns), bootstrap=bootstrap, weight=weight
    )
    valid = frame.dropna()
    ratio = valid["_outcome"].std() / valid[list(pillar_frame.columns)].std()
    sign = np.sign(valid[list(pillar_frame.columns)].corrwith(valid["_outcome"]))
    bounds = np.sqrt(weights[["weight", "low", "high"]].clip(lower=0)).mul(
        ratio.reindex(weights.index) * sign.reindex(weights.index), axis=0
    )
    slopes = pd.DataFrame(
        {
            "slope": bounds["weight"],
            "low": bounds[["low", "high"]].min(axis=1),
            "high": bounds[["low", "high"]].max(axis=1),
        }
    )
    slopes.attrs.update({"outcome": name, "n": weights.attrs["n"]})
    return slopes


def step_results(
    client: Client,
    estimates: dict[str, Estimate],
    targets: pd.DataFrame | None,
    weights: pd.DataFrame | None,
    comparison: pd.DataFrame | None,
    slopes: pd.DataFrame | None,
) -> dict:
    """What the diagnosis publishes for the action plan, the summary and baseline comparisons."""
    survey = client.tables["survey"]
    metrics = {
        name: {"value": e.value, "low": e.low, "high": e.high, "n": e.n, "method": e.method}
        for name, e in estimates.items()
    }
    if "nps" in survey:
        metrics["nps"]["counts"] = dict(
            zip(("detractors", "passives", "promoters"), nps_counts(survey["nps"]), strict=True)
        )
    if "csat" in survey:
        flags = top_two_box(survey["csat"], client.survey_scales["csat"].bounds[1]).dropna()
        metrics["csat"]["counts"] = {"successes": int(flags.sum()), "n": len(flags)}
    if "ces" in survey:
        metrics["ces"]["sd"] = float(survey["ces"].std())
    pillars: dict[str, dict] = {}
    if targets is not None:
        for pillar, row in targets.iterrows():
            pillars[pillar] = {
                "current": row["current"],
                "low": row["low"],
                "high": row["high"],
                "n": row["n"],
                "sd": row["sd"],
                "target": row["target"],
                "source": row["source"],
                "units": row["units"],
                "gap": row["gap"],
            }
    if weights is not None:
        for pillar, row in weights.iterrows():
            pillars.setdefault(pillar, {}).update(
                {
                    "weight": row["weight"],
                    "share": row["share"],
                    "weight_low": row["low"],
                    "weight_high": row["high"],
                    "share_low": row["share_low"],
                    "share_high": row["share_high"],
                    "separable": bool(row["separable"]),
                }
            )
    if comparison is not None:
        for pillar, row in comparison.iterrows():
            pillars.setdefault(pillar, {}).update(
                {"self": row["self"], "overconfident": bool(row["overconfident"])}
            )
    if slopes is not None:
        for pillar, row in slopes.iterrows():
            pillars.setdefault(pillar, {}).update(
                {"slope": row["slope"], "slope_low": row["low"], "slope_high": row["high"]}
            )
    return {
        "metrics": metrics,
        "pillars": pillars,
        "outcome": weights.attrs["outcome"] if weights is not None else None,
        "outcome_form": weights.attrs["outcome_form"] if weights is not None else None,
        "outcome_bounds": list(weights.attrs["outcome_bounds"]) if weights is not None else None,
        "r2": weights.attrs["r2"] if weights is not None else None,
        "r2_low": weights.attrs["r2_low"] if weights is not None else None,
        "r2_high": weights.attrs["r2_high"] if weights is not None else None,
        "f_p": weights.attrs["f_p"] if weights is not None else None,
        "explains": bool(weights.attrs["explains"]) if weights is not None else None,
        "n_drivers": weights.attrs["n"] if weights is not None else None,
        "impact_outcome": slopes.attrs["outcome"] if slopes is not None else None,
    }
