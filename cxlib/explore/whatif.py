"""The consultant's what-if panel for the action plan (ipywidgets), in JupyterLab only.

:func:`what_if` shows it in ``05_action_plan`` when the notebook is run by hand; under ``cxwb run`` it
shows nothing, so the report shows the plan as configured. The panel selects initiatives, changes
each one's reach and time to full effect, the share of a touched gap an initiative closes (the low
and high scenarios follow it, :func:`cxlib.steps.action_plan.closure_scenarios`) and the budget,
and redraws the waves' forecast, the tornado and the money at once. It recomputes through the
plan's own functions (:mod:`cxlib.steps.action_plan`: reach, standalone points, schedule, wave
forecast, sensitivity, return), never a second formula, so what it shows is what the report would
show with those assumptions.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import pandas as pd

from cxlib.core.paths import interactive_report_dir
from cxlib.render.report import Report
from cxlib.steps import action_plan


@dataclass(frozen=True)
class InitiativeControls:
    """One initiative's row of the panel: in the plan or not, its reach and time to full effect."""

    include: widgets.Checkbox
    reach: widgets.FloatSlider
    months_to_effect: widgets.FloatSlider


class WhatIf:
    """The panel's widgets and the plan they describe, recomputed on every change.

    After each change, :attr:`evaluation` holds every initiative under the panel's assumptions
    (:func:`~cxlib.steps.action_plan.assess`), :attr:`plan` the selected ones within the budget,
    scheduled, :attr:`waves` the outcome expected at each horizon, :attr:`points` the points the
    plan adds at full effect (``[central, low, high]``), :attr:`sensitivity` the tornado's table and
    :attr:`money` the return per initiative; :attr:`output` shows them as the report does.
    """

    def __init__(
        self, report: Report, evaluation: pd.DataFrame, diagnosis: dict | None, plan_start: pd.Timestamp
    ) -> None:
        self.report, self.base, self.diagnosis, self.plan_start = report, evaluation, diagnosis, plan_start
        self.outcome = (diagnosis or {}).get("impact_outcome") or "nps"
        t = report.t
        self.initial_reach = evaluation["reach"].fillna(0.0)
        self.controls = {
            initiative_id: InitiativeControls(
                include=widgets.Checkbox(value=True, description=row["name"], indent=False),
                reach=widgets.FloatSlider(
                    value=self.initial_reach[initiative_id],
                    min=0.0,
                    max=1.0,
                    step=0.01,
                    description=t("plan.col.reach"),
                    readout_format=".0%",
                ),
                months_to_effect=widgets.FloatSlider(
                    value=row["months_to_effect"],
                    min=0.0,
                    max=max(36.0, row["months_to_effect"]),
                    step=1.0,
                    description=t("explore.months"),
                    readout_format=".0f",
                ),
            )
            for initiative_id, row in evaluation.iterrows()
        }
        self.closure = widgets.FloatSlider(
            value=action_plan.CENTRAL_CLOSURE,
            min=0.0,
            max=1.0,
            step=0.05,
            description=t("explore.closure"),
            readout_format=".0%",
            style={"description_width": "initial"},
        )
        total = float(evaluation["cost"].sum())
        self.budget = widgets.BoundedFloatText(
            value=total,
            min=0.0,
            max=total,
            description=t("explore.budget"),
            style={"description_width": "initial"},
        )
        self.status = widgets.HTML()
        self.output = widgets.Output()
        rows = [
            widgets.HBox([controls.include, controls.reach, controls.months_to_effect])
            for controls in self.controls.values()
        ]
        self.widget = widgets.VBox([*rows, self.closure, self.budget, self.status, self.output])
        for control in self._inputs():
            control.observe(self.update, names="value")
        self.update()

    def _inputs(self) -> list[widgets.Widget]:
        return [self.closure, self.budget] + [
            widget
            for controls in self.controls.values()
            for widget in (controls.include, controls.reach, controls.months_to_effect)
        ]

    def update(self, _change: dict | None = None) -> None:
        """Recompute the plan under the panel's values, then redraw."""
        self._recompute()
        self._draw()

    def _recompute(self) -> None:
        """A reach moved from its starting value becomes a declared reach (the consultant's
        assumption), as in ``initiatives``; the selected initiatives are kept in order of points per
        cost while their cost fits the budget."""
        index = self.base.index
        reach = pd.Series([self.controls[key].reach.value for key in index], index=index)
        moved = ~np.isclose(reach, self.initial_reach.reindex(index))
        variant = self.base.assign(
            reach_declared=self.base["reach_declared"].where(~moved, reach),
            months_to_effect=[self.controls[key].months_to_effect.value for key in index],
            closure=self.closure.value,
        )
        self.evaluation = action_plan.assess(action_plan.used_reach(variant), self.diagnosis)
        chosen = self.evaluation[[self.controls[key].include.value for key in self.evaluation.index]]
        within = chosen["cost"].cumsum() <= self.budget.value
        self.over_budget = chosen.loc[~within, "name"].tolist()
        self.plan = action_plan.schedule(chosen[within], self.plan_start) if within.any() else chosen[within]
        pillars = action_plan.pillar_model(self.diagnosis)
        if self.plan.empty or pillars.empty:
            self.waves, self.points = {}, np.zeros(3)
            self.sensitivity = pd.DataFrame(columns=["assumption", "low", "high"])
        else:
            self.waves = action_plan.wave_predictions(self.plan, self.diagnosis, self.outcome)
            self.points = action_plan.plan_points(self.plan, pillars)
            self.sensitivity = action_plan.sensitivity(self.plan, self.diagnosis, self.outcome)
        self.money = action_plan.returns(self.plan)

    def _draw(self) -> None:
        """The status line, then the waves' table and forecast, the tornado and the money table,
        drawn by the report's own functions."""
        report, t = self.report, self.report.t
        currency = report.client.config.currency
        status = t(
            "explore.status",
            n=t.number(len(self.plan)),
            cost=t.money(self.plan["cost"].sum(), currency),
            budget=t.money(self.budget.value, currency),
            points=t.interval(*self.points),
            outcome=t(f"metric.{self.outcome}"),
        )
        if self.over_budget:
            status += " " + t("explore.over_budget", names=", ".join(self.over_budget))
        self.status.value = html.escape(status)
        self.output.clear_output(wait=True)
        if self.plan.empty:
            return
        with self.output:
            report.table(action_plan.wave_table(self.plan, self.diagnosis, self.outcome, t))
            if self.waves:
                report.say(
                    "plan.full_effect",
                    date=t.month(action_plan.horizons(self.plan)["full"]),
                    outcome=t(f"metric.{self.outcome}"),
                    value=t.interval(*self.waves["full"]),
                )
            if len(self.sensitivity):
                report.chart(action_plan.tornado_chart(self.sensitivity, self.outcome, t))
            report.table(action_plan.money_table(self.plan, currency, t))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def interactive(report: Report) -> bool:
    """True when the notebook runs by hand (in JupyterLab), never under ``cxwb run`` (papermill):
    ``cxlib.setup`` without a ``report_dir`` marks its report interactive (as
    :meth:`~cxlib.render.report.Report.consultant` decides) and writes to the client's interactive
    folder, which ``cxwb run`` never passes."""
    return report.interactive or report.report_dir == interactive_report_dir(report.client.config.slug)


def what_if(
    report: Report, evaluation: pd.DataFrame, diagnosis: dict | None, plan_start: pd.Timestamp
) -> WhatIf | None:
    """The what-if panel of the action plan when the notebook is run by hand, else ``None`` (nothing
    shown: the report shows the plan as configured)."""
    return WhatIf(report, evaluation, diagnosis, plan_start) if interactive(report) else None
