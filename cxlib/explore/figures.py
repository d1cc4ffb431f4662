"""What each step's explorer redraws: the step's own figures, recomputed on a view's client.

Every figure here is computed by the step's functions (the same calls its notebook makes for the
deliverable), so a view of one value of one field shows the numbers ``cxwb run --cut`` delivers;
the small-sample cautions and the ``privacy.min_group`` suppression come with them (a unit with
fewer responses, or fewer employees, than ``privacy.min_group`` is never shown, however narrow the
view).

A :class:`Shown` is one slot of the explorer: a chart (with the survey column and the groups its
points stand for, for the drill-down), a table, or a caution. :data:`STEP_FIGURES` names the
function that lists a step's slots.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from cxlib.core.i18n import Translator
from cxlib.inputs.client import Client
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.steps import diagnosis, human_value_chain, participation, units


@dataclass
class Shown:
    """One slot of a step's explorer, named by a key stable across views.

    ``groups`` lists, per point of the chart's first trace (in the trace's order), the value of the
    survey column ``by`` it stands for (``month``/``quarter``: the period's first day).
    """

    key: str
    figure: go.Figure | None = None
    table: pd.DataFrame | None = None
    caution: str = ""
    by: str | None = None
    groups: list = field(default_factory=list)


def _bars(table: pd.DataFrame) -> list:
    """The groups of :func:`cxlib.render.charts.interval_bars`' points (it draws the table bottom-up)."""
    return list(table.index[::-1])


def _common(client: Client, t: Translator) -> list[Shown]:
    """The overall metrics with their intervals and n, and the small-sample caution."""
    survey = client.tables["survey"]
    shown = [
        Shown(
            "metrics",
            table=diagnosis.metric_table(diagnosis.overall_metrics(survey, client.survey_scales), t),
        )
    ]
    if len(survey) < SMALL_SAMPLE:
        shown.append(Shown("small", caution=t("report.caution_small_n", n=t.number(len(survey)))))
    return shown


def diagnosis_figures(client: Client, t: Translator) -> list[Shown]:
    """The diagnosis: overall metrics, each breakdown, and the units' funnel and league table."""
    shown = _common(client, t)
    if not len(client.tables["survey"]):
        return shown
    for metric, by in diagnosis.available_breakdowns(client):
        table = diagnosis.breakdown(client, metric, by)
        figure = diagnosis.breakdown_chart(table, metric, by, t)
        shown.append(Shown(f"breakdown:{metric}:{by}", figure=figure, by=by, groups=_bars(table)))
    league = units.league_tables(client)
    for metric, table in league.items():
        shown.append(
            Shown(
                f"funnel:{metric}",
                figure=units.funnel_chart(table, metric, t),
                by="unit",
                groups=list(table.index),
            )
        )
        shown.append(Shown(f"league:{metric}", table=units.league_display(table, metric, t)))
    if league and units.hidden_count(league):
        minimum = client.config.privacy.min_group
        shown.append(
            Shown("hidden", caution=t("units.hidden", count=units.hidden_count(league), minimum=minimum))
        )
    return shown


def participation_figures(client: Client, t: Translator) -> list[Shown]:
    """Participation: the overall metrics and willingness to participate by each segment dimension."""
    shown = _common(client, t)
    for dimension in client.segment_dimensions:
        table = participation.willingness(client, dimension)
        if table is not None and len(table):
            figure = participation.willingness_chart(table, t, dimension)
            shown.append(Shown(f"willingness:{dimension}", figure=figure, by=dimension, groups=_bars(table)))
    return shown


def journey_figures(client: Client, t: Translator) -> list[Shown]:
    """The journey: each outcome by touchpoint and by stage, as the diagnosis computes them; a
    touchpoint's bar opens its weekly measurements."""
    shown = _common(client, t)
    survey = client.tables["survey"]
    for by in ("touchpoint_id", "stage"):
        if by not in survey or not len(survey):
            continue
        for metric in ("nps", "csat"):
            if metric in survey:
                table = diagnosis.breakdown(client, metric, by)
                figure = diagnosis.breakdown_chart(table, metric, by, t)
                shown.append(Shown(f"breakdown:{metric}:{by}", figure=figure, by=by, groups=_bars(table)))
    return shown


def value_chain_figures(client: Client, t: Translator) -> list[Shown]:
    """The human value chain: each unit's employee and customer scores (none for a unit with fewer
    employees than ``privacy.min_group``) and the units' EX × CX quadrant."""
    shown = _common(client, t)
    if not client.has("employees"):
        return shown
    scores = human_value_chain.unit_scores(client)
    shown.append(Shown("unit_scores", table=unit_score_table(scores, t)))
    ex = human_value_chain.ex_measure(scores)
    if ex is not None and "nps" in scores and (~scores["thin"]).sum() >= 2:
        outliers = human_value_chain.outlier_units(scores, ex, "nps")
        figure = human_value_chain.quadrant_chart(scores, ex, "nps", outliers, t)
        shown.append(Shown("quadrant", figure=figure, by="unit", groups=list(scores.index[~scores["thin"]])))
    return shown


def unit_score_table(scores: pd.DataFrame, t: Translator) -> pd.DataFrame:
    """Per unit: its employees and customers (n) and each score it has (blank where hidden)."""
    measures = [m for m in (*human_value_chain.EMPLOYEE_MEASURES, "nps") if m in scores]
    table = pd.DataFrame({t("units.col.unit"): scores.index.astype(str)})
    table[t("explore.col.employees")] = [t.number(n) for n in scores["employees_n"]]
    if "customers_n" in scores:
        table[t("explore.col.customers")] = [t.number(n) for n in scores["customers_n"]]
    for measure in measures:
        table[t(f"value_chain.measure.{measure}")] = [
            "" if pd.isna(value) else t.number(value, 1) for value in scores[measure]
        ]
    return table


#: Each step's explorer: what it redraws on a view (steps without survey figures have none).
STEP_FIGURES: dict[str, Callable[[Client, Translator], list[Shown]]] = {
    "00_overview": lambda client, t: _common(client, t),
    "01_diagnosis": diagnosis_figures,
    "02_participation": participation_figures,
    "03_journey": journey_figures,
    "04_human_value_chain": value_chain_figures,
    "05_action_plan": lambda client, t: _common(client, t),
}
