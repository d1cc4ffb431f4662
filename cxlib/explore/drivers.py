"""The driver explorer of the diagnosis (ipywidgets), in JupyterLab only: choose the outcome and
the predictors (the customer pillars and the mapped items), see Johnson's relative weights with
their bootstrap intervals (:func:`cxlib.drivers.relative_weights`, the diagnosis's own model and
chart, :func:`cxlib.steps.diagnosis.driver_chart`), on the whole client or on an explorer's view.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from cxlib.explore.panel import Explorer
from cxlib.inputs.client import Client
from cxlib.render.report import Report
from cxlib.stats.drivers import relative_weights
from cxlib.stats.estimators import SMALL_SAMPLE
from cxlib.steps import diagnosis

#: Bootstrap replicates of the explorer's intervals (fewer than the report's 500: it answers fast).
EXPLORER_BOOTSTRAP = 200


def predictors(client: Client, report: Report) -> dict[str, tuple[str, pd.Series]]:
    """Every predictor the explorer offers, by key: its label and its values per response (the
    pillar scores 0-100 of :func:`~cxlib.steps.diagnosis.customer_pillar_frame`, then the items)."""
    t, survey = report.t, client.tables["survey"]
    pillars = (
        diagnosis.customer_pillar_frame(client) if client.survey_items else pd.DataFrame(index=survey.index)
    )
    offered = {f"pillar:{p}": (t(f"pillar.{p}"), pillars[p]) for p in pillars}
    for item in client.survey_items:
        offered[f"item:{item.column}"] = (
            client.source_of(item.column),
            survey[item.column].astype("float64"),
        )
    return offered


def driver_weights(
    client: Client, outcome: str, chosen: dict[str, pd.Series], bootstrap: int
) -> pd.DataFrame:
    """Relative weights of ``chosen`` (key → values) on ``outcome``, weighted as the diagnosis is."""
    frame = pd.DataFrame(chosen).assign(**{outcome: client.tables["survey"][outcome].astype("float64")})
    frame, weight = diagnosis._with_survey_weights(client, frame)
    weights = relative_weights(frame, outcome, list(chosen), bootstrap=bootstrap, weight=weight)
    weights.attrs["outcome"] = outcome
    return weights


class DriverExplorer:
    """Outcome, predictors and a button; :attr:`weights` holds the last model's weights."""

    def __init__(self, report: Report, explorer: Explorer | None = None) -> None:
        self.report, self.explorer = report, explorer
        t, survey = report.t, report.client.tables["survey"]
        outcomes = [name for name in diagnosis.OUTCOMES if name in survey]
        self.offered = predictors(report.client, report)
        self.outcome = widgets.Dropdown(
            options=[(t(f"metric.{name}"), name) for name in outcomes], description=t("explore.outcome")
        )
        pillar_keys = [key for key in self.offered if key.startswith("pillar:")]
        self.chosen = widgets.SelectMultiple(
            options=[(label, key) for key, (label, _values) in self.offered.items()],
            value=pillar_keys,
            rows=min(10, len(self.offered)),
            description=t("explore.predictors"),
            layout=widgets.Layout(width="60%"),
            style={"description_width": "initial"},
        )
        self.button = widgets.Button(description=t("explore.compute"), icon="play")
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.weights: pd.DataFrame | None = None
        self.button.on_click(self.update)
        self.widget = widgets.VBox(
            [widgets.HBox([self.outcome, self.button]), self.chosen, self.status, self.output]
        )

    def update(self, _button: widgets.Button | None = None) -> None:
        """Fit the model on the current view (the explorer's, else the whole client) and show it."""
        t = self.report.t
        client = self.explorer.client if self.explorer is not None else self.report.client
        index = client.tables["survey"].index
        chosen = {key: self.offered[key][1].reindex(index) for key in self.chosen.value}
        self.output.clear_output(wait=True)
        self.weights = None
        if len(chosen) < 2 or not self.outcome.value:
            self.status.value = html.escape(t("explore.few_predictors"))
            return
        try:
            weights = driver_weights(client, self.outcome.value, chosen, EXPLORER_BOOTSTRAP)
        except ValueError:
            self.status.value = html.escape(t("explore.few_rows", n=t.number(len(index))))
            return
        self.weights = weights
        verdict, fit = diagnosis.model_fit(weights, t)
        notes = [t(verdict, **fit)]
        if weights.attrs["n"] < SMALL_SAMPLE:
            notes.append(t("report.caution_small_n", n=t.number(weights.attrs["n"])))
        self.status.value = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
        labels = [self.offered[key][0] for key in weights.index]
        with self.output:
            self.report.chart(diagnosis.driver_chart(weights, t, labels, "explore.drivers_title"))

    def _ipython_display_(self) -> None:
        display(self.widget)
