"""The consultant's workbench in JupyterLab (ipywidgets): never in a report.

Each step notebook ends with :func:`explorer` (a filter bar over the step's figures, redrawn in
place, with a drill-down behind every point: :mod:`cxlib.explore.panel`); the diagnosis adds
:func:`drivers` (choose the outcome and the predictors, see their relative weights) and the action
plan :func:`what_if` (:mod:`cxlib.explore.whatif`). Under ``cxwb run`` (papermill) every one of
them shows nothing and returns ``None``, so the deliverable stays static and offline.

The package imports step modules, so it sits beside the command line, above the packages, and
nothing in the packages imports it.
"""

from __future__ import annotations

import ipywidgets as widgets

from cxlib.explore.drivers import DriverExplorer
from cxlib.explore.figures import STEP_FIGURES, Shown
from cxlib.explore.panel import Explorer, FilterBar, compare
from cxlib.explore.save import save_view
from cxlib.explore.view import Filterable, View
from cxlib.explore.whatif import InitiativeControls, WhatIf, interactive, what_if
from cxlib.render.report import Report

__all__ = [
    "STEP_FIGURES",
    "DriverExplorer",
    "Explorer",
    "FilterBar",
    "Filterable",
    "InitiativeControls",
    "Shown",
    "View",
    "WhatIf",
    "compare",
    "explorer",
    "interactive",
    "save_view",
    "what_if",
]


def explorer(
    report: Report, step: str, side_by_side: bool = False, drivers: bool = False
) -> Explorer | widgets.Box | None:
    """The step's explorer when the notebook runs by hand, else ``None`` (nothing is shown under
    ``cxwb run``): two side by side with ``side_by_side``; with ``drivers``, the driver explorer
    under it, fitted on its view (:attr:`Explorer.drivers`)."""
    if not interactive(report) or step not in STEP_FIGURES or not report.client.has("survey"):
        return None
    if side_by_side:
        return compare(report, step)
    view = Explorer(report, step)
    if drivers and report.client.survey_items:
        view.drivers = DriverExplorer(report, view)
        view.widget.children = (*view.widget.children, view.drivers.widget)
    return view
