"""The filter bar and the step explorer (ipywidgets), in JupyterLab only.

:class:`FilterBar` offers the client's segment dimensions, unit, channel and touchpoint (several
values each; none chosen keeps all) and a date range. :class:`Explorer` puts a bar above a step's
figures (:data:`cxlib.explore.figures.STEP_FIGURES`): a change recomputes them on the view's
tables and redraws each chart (a plotly ``FigureWidget``) and table in place; clicking a point of
a chart lists what lies behind it (:func:`cxlib.explore.drill.drill`). :func:`compare` puts two
explorers side by side, one group against another; the bar's button saves a one-value view as a
standing cut (:func:`cxlib.explore.save.save_view`).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from IPython.display import HTML, display

from cxlib.core.exceptions import CxError
from cxlib.explore.drill import drill
from cxlib.explore.figures import STEP_FIGURES, Shown
from cxlib.explore.save import save_view
from cxlib.explore.view import Filterable, View
from cxlib.inputs.cuts import CUT_FIELDS
from cxlib.render.charts import pop_small_rows, pop_takeaway, small_rows_note
from cxlib.render.report import Report
from cxlib.render.touchpoints import touchpoint_names


class FilterBar:
    """The filters of a view: one multiple choice per filtered column, a date range, and a button
    that saves the view as a standing cut; :meth:`view` reads them."""

    def __init__(self, data: Filterable, report: Report) -> None:
        self.data, self.report, t = data, report, report.t
        self.choices = {
            column: widgets.SelectMultiple(
                options=_options(data, column),
                rows=min(5, len(data.choices(column))),
                description=_label(report, column),
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
            for column in data.columns
        }
        dates = data.date_range()
        self.start = widgets.DatePicker(
            description=t("explore.from"), value=dates[0].date() if dates else None
        )
        self.end = widgets.DatePicker(description=t("explore.to"), value=dates[1].date() if dates else None)
        self.full_range = dates
        self.save = widgets.Button(description=t("explore.save"), icon="save")
        self.status = widgets.HTML()
        self.save.on_click(self._save)
        dated = [self.start, self.end] if dates else []
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.choices.values()), layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([*dated, self.save]),
                self.status,
            ],
            layout=widgets.Layout(border="1px solid #ccc", padding="4px"),
        )

    def inputs(self) -> list[widgets.Widget]:
        """The widgets whose change changes the view."""
        return [*self.choices.values(), self.start, self.end]

    def view(self) -> View:
        """The view the filters describe (dates equal to the survey's first and last are no bound)."""
        chosen = tuple((column, tuple(box.value)) for column, box in self.choices.items() if box.value)
        start = pd.Timestamp(self.start.value) if self.start.value else None
        end = pd.Timestamp(self.end.value) if self.end.value else None
        if self.full_range:
            start = None if start is not None and start <= self.full_range[0] else start
            end = None if end is not None and end >= self.full_range[1] else end
        return View(chosen, start, end)

    def _save(self, _button: widgets.Button | None = None) -> None:
        try:
            message = save_view(self.data.client, self.view())
        except CxError as error:
            message = str(error)
        self.status.value = html.escape(message)


def _options(data: Filterable, column: str) -> list:
    """What the bar offers for a column: its values, and for touchpoints ``(name, id)`` pairs, so the
    consultant picks a touchpoint by the name client pages use while the view keeps its id."""
    values = data.choices(column)
    journey = data.client.tables.get("journey")
    if column != "touchpoint_id" or journey is None:
        return values
    names = touchpoint_names(journey)
    return [(str(names.get(value, value)), value) for value in values]


def _label(report: Report, column: str) -> str:
    """How the bar names a filtered column: the catalogue's name of a typed field, else the export's."""
    typed = column in CUT_FIELDS
    return report.t(f"diagnosis.group.{column}") if typed else report.client.source_of(column)


class Slot:
    """One place of the explorer, redrawn in place: a ``FigureWidget`` with its takeaway and
    small-sample note, a table's output, or a caution (the FigureWidget's own ``layout`` is the
    chart's, so the slot shows or leaves out its children rather than hiding the chart)."""

    def __init__(self) -> None:
        self.figure = go.FigureWidget()
        self.note = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.figure, self.note, self.output])

    def fill(self, shown: Shown, report: Report, on_click) -> None:
        """Show ``shown`` here (the chart's data and layout replaced, its click handler renewed)."""
        self.widget.layout.display = None
        self.output.clear_output(wait=True)
        self.note.value = ""
        if shown.figure is None:
            self.widget.children = [self.output]
            with self.output:
                if shown.table is not None:
                    report.table(shown.table)
                if shown.caution:
                    display(HTML(f'<div class="cx-caution" role="note">{html.escape(shown.caution)}</div>'))
            return
        figure = go.Figure(shown.figure)
        takeaway, small = pop_takeaway(figure), pop_small_rows(figure)
        notes = [report.t(takeaway[0], **takeaway[1])] if takeaway else []
        caution = small_rows_note(small[0], small[1], report.t)
        if caution:
            notes.append(report.t(caution[0], **caution[1]))
        self.note.value = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
        with self.figure.batch_update():
            self.figure.data = ()
        self.figure.add_traces(list(figure.data))
        self.figure.layout = figure.layout
        self.widget.children = [self.figure, self.note]
        if shown.groups:
            self.figure.data[0].on_click(lambda _trace, points, _state: on_click(shown, points.point_inds))

    def hide(self) -> None:
        self.widget.layout.display = "none"


class Explorer:
    """A step's figures under a filter bar, recomputed and redrawn at every change of the view.

    After each change :attr:`client` is the view's client, :attr:`shown` the step's figures on it
    (:class:`~cxlib.explore.figures.Shown`) and, after a click, :attr:`drilled` what lies behind
    the point clicked.
    """

    def __init__(self, report: Report, step: str, data: Filterable | None = None) -> None:
        self.report, self.step = report, step
        self.data = data or Filterable(report.client)
        self.bar = FilterBar(self.data, report)
        self.slots: dict[str, Slot] = {}
        self.figures = widgets.VBox()
        self.drill_output = widgets.Output()
        self.drilled: list[Shown] = []
        self.drivers = None  # the driver explorer on this view, when explore.explorer adds one
        self.widget = widgets.VBox([self.bar.widget, self.figures, self.drill_output])
        for control in self.bar.inputs():
            control.observe(self.update, names="value")
        self.update()

    def update(self, _change: dict | None = None) -> None:
        """Recompute the step's figures on the bar's view, then redraw them in place."""
        self.view = self.bar.view()
        self.client = self.data.apply(self.view)
        self.shown = STEP_FIGURES[self.step](self.client, self.report.t)
        for key in self.slots.keys() - {shown.key for shown in self.shown}:
            self.slots[key].hide()
        for shown in self.shown:
            if shown.key not in self.slots:
                self.slots[shown.key] = Slot()
            self.slots[shown.key].fill(shown, self.report, self.open)
        self.figures.children = [self.slots[shown.key].widget for shown in self.shown]
        self.drill_output.clear_output()
        self.drilled = []

    def open(self, shown: Shown, points: list[int]) -> None:
        """List what lies behind the clicked point of ``shown`` (its first point, when several)."""
        if not points:
            return
        self.drilled = drill(self.client, shown.by, shown.groups[points[0]], self.report.t)
        self.drill_output.clear_output(wait=True)
        with self.drill_output:
            for item in self.drilled:
                if item.table is not None:
                    self.report.table(item.table)
                elif item.caution:
                    display(
                        HTML(f'<div class="cx-drill" role="note"><b>{html.escape(item.caution)}</b></div>')
                    )

    def _ipython_display_(self) -> None:
        display(self.widget)


def compare(report: Report, step: str) -> widgets.HBox:
    """Two explorers of ``step`` side by side on one prepared client: a group against another."""
    data = Filterable(report.client)
    left, right = Explorer(report, step, data), Explorer(report, step, data)
    box = widgets.HBox(
        [left.widget, right.widget], layout=widgets.Layout(display="grid", grid_template_columns="1fr 1fr")
    )
    box.explorers = (left, right)
    return box
