"""What a notebook calls to become a report: :func:`setup`, then :class:`Report` helpers.

``setup`` loads and validates the client, installs the offline plotly renderer and the report
theme, and returns a :class:`Report` that writes headings, prose (from the es/en catalogue),
tables and charts. Values from client data are always HTML-escaped.

Charts are shown through the ``cxwb`` plotly renderer. It emits the plotly JSON mimetype, which
JupyterLab draws interactively, and an HTML ``<div>`` without plotly.js, which the report page
draws with the output folder's shared plotly.js (:mod:`cxlib.render.export`; plotly ≥6 figures
otherwise vanish from nbconvert HTML, and the stock renderers load plotly.js from a CDN).
"""

from __future__ import annotations

import html
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol
from IPython.display import HTML, display
from plotly.io._renderers import PlotlyRenderer
from plotly.io.json import to_json_plotly

from cxlib.core.i18n import Translator, short_months
from cxlib.core.paths import interactive_report_dir
from cxlib.inputs.client import CLIENT_ENV, Client, client_folder, load_client, load_validated
from cxlib.inputs.commentary import heading_anchor
from cxlib.inputs.cuts import apply_cut, resolve_cut
from cxlib.render.brand import HOUSE, Brand, brand_of
from cxlib.render.charts import ACCENT, PRIMARY, pop_small_rows, pop_takeaway, small_rows_note
from cxlib.render.checks import Check, record
from cxlib.stats.estimators import SMALL_SAMPLE

PALETTE = [
    PRIMARY,
    ACCENT,
    "#27AE60",
    "#8E44AD",
    "#C0392B",
    "#16A085",
    "#7F8C8D",
    "#D4AC0D",
    "#2E86C1",
    "#A04000",
]
FONT_FAMILY = "Segoe UI, Helvetica Neue, Arial, sans-serif"
RENDERER_NAME = "cxwb"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


class ReportRenderer(PlotlyRenderer):
    """Plotly mimetype for JupyterLab plus a plotly.js-free ``<div>`` for the HTML report, in the
    client's brand colours."""

    def __init__(self, config: dict | None = None, brand: Brand = HOUSE) -> None:
        super().__init__(config=config)
        self.brand = brand

    def to_mimebundle(self, fig_dict: dict) -> dict:
        if self.brand != HOUSE:
            fig_dict = self.brand.recolour(fig_dict)
        bundle = super().to_mimebundle(fig_dict)
        bundle["text/html"] = chart_html(fig_dict, self.config)
        return bundle


def chart_html(fig_dict: dict, config: dict) -> str:
    """A chart for a report page: plotly's ``<div>`` and the figure as a JSON data block, which the
    page's ``charts-in-turn.js`` draws (the first at once, the rest one per frame).

    A data block is read as text and parsed with ``JSON.parse``, where plotly's own
    ``Plotly.newPlot(...)`` script makes the browser compile every figure as JavaScript before the
    page can paint (measured: the first chart of a bundle shows about 0.2 s sooner). Every ``<``
    is written ``\\u003c``, so that no text in a figure can close the block or open a comment in it.
    """
    layout = fig_dict.get("layout", {})
    template = layout.get("template", {}).get("layout", {})

    def size(key: str) -> str:
        value = layout.get(key, template.get(key))
        return f"{value}px" if value is not None else "100%"

    target = str(uuid.uuid4())
    figure = to_json_plotly({"data": fig_dict.get("data", []), "layout": layout, "config": config})
    figure = figure.replace("<", "\\u003c")  # JSON's own escape: no text can end or bend the block
    return (
        f'<div style="height:{size("height")}; width:{size("width")};">'
        f'<div id="{target}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
        f'<script type="application/json" data-cx-chart="{target}">{figure}</script>'
        "</div>"
    )


def chart_config(locale: str) -> dict:
    """The plotly.js config of a report chart: :data:`PLOT_CONFIG` with the locale's month and day
    names (plotly.js ``locale``; the shared bundle registers Spanish, English is built in), the
    abbreviated months being the text's (:func:`~cxlib.core.i18n.short_months`: ``ene 2025`` on a
    tick as in a sentence, where plotly.js writes ``Ene``)."""
    language = Locale.parse(locale).language
    months = {"format": {"shortMonths": short_months(locale)}}
    return PLOT_CONFIG | {"locale": language, "locales": {language: months}}


def install_theme(locale: str, brand: Brand = HOUSE) -> None:
    """Register the report's plotly template and renderer (in ``brand``'s colours) and make them the
    defaults."""
    template = go.layout.Template(
        layout=go.Layout(
            colorway=brand.recolour(PALETTE),
            font={"family": FONT_FAMILY, "size": 14, "color": "#1C2833"},
            title={"font": {"size": 18}, "x": 0.0, "xanchor": "left"},
            paper_bgcolor="white",
            plot_bgcolor="white",
            xaxis={"gridcolor": "#EAECEE", "linecolor": "#ABB2B9", "automargin": True},
            yaxis={"gridcolor": "#EAECEE", "linecolor": "#ABB2B9", "automargin": True},
            margin={"l": 60, "r": 30, "t": 70, "b": 60},
            separators=get_decimal_symbol(locale) + get_group_symbol(locale),
            height=440,
        )
    )
    pio.templates["cxwb"] = template
    pio.templates.default = "cxwb"
    pio.renderers[RENDERER_NAME] = ReportRenderer(config=chart_config(locale), brand=brand)
    pio.renderers.default = RENDERER_NAME


@dataclass
class Report:
    """Display helpers for one client's report; every text comes from the catalogue in its language."""

    client: Client
    t: Translator
    #: Where the step writes its files (results, state, downloads) beside its report.
    report_dir: Path
    #: The client's colours and logo (house style without ``brand:``).
    brand: Brand = HOUSE
    #: The step being shown (set by :meth:`title`) and the commentary sections already placed.
    step: str = ""
    placed: set[str] = field(default_factory=set)
    #: True when a consultant runs the notebook (``setup`` without ``report_dir``): checks are shown.
    interactive: bool = False
    #: The consultant's checks this step raised (:meth:`consultant`).
    checks: list[Check] = field(default_factory=list)

    def heading(self, key: str, level: int = 2, anchor: str | None = None, **values: object) -> None:
        """Show a heading from catalogue ``key`` with its id (``anchor``, or one derived from the key:
        :func:`~cxlib.inputs.commentary.heading_anchor`), followed by the consultant's commentary
        for that anchor when ``commentary.md`` has it."""
        identifier = heading_anchor(key, anchor)
        display(HTML(f'<h{level} id="{html.escape(identifier)}">{self._text(key, values)}</h{level}>'))
        self._commentary(f"{self.step}#{identifier}")

    def _commentary(self, section: str) -> None:
        """Show one commentary section (sanitised HTML), once, marked as the consultant's."""
        commentary = self.client.commentary
        if commentary is None or section not in commentary.sections or section in self.placed:
            return
        self.placed.add(section)
        byline = self.t(
            "report.commentary_by",
            author=html.escape(commentary.author or "—"),
            date=html.escape(self.t.date_text(commentary.date) if commentary.date else "—"),
        )
        display(
            HTML(
                f'<aside class="cx-commentary" data-section="{html.escape(section)}">'
                f'<p class="cx-commentary-by">{byline}</p>{commentary.sections[section]}</aside>'
            )
        )

    def end(self) -> None:
        """Close the report: commentary for a heading this run did not show (its condition was
        false on this client's data) is shown here, so none is lost."""
        commentary = self.client.commentary
        if commentary is None:
            return
        for section in commentary.sections:
            if section.startswith(f"{self.step}#"):
                self._commentary(section)

    def title(self, step: str) -> None:
        """Show the step's title and the client's name at the top of the report; later headings
        place this step's commentary."""
        self.step = step
        name = html.escape(self.client.config.name)
        display(
            HTML(
                '<header class="cx-title"><p '
                f'class="cx-client">{name}</p><h1>{self.t("step." + step)}</h1></header>'
            )
        )

    def say(self, key: str, plural: float | None = None, **values: object) -> None:
        """Show a paragraph from catalogue ``key``; ``values`` are escaped before they fill it. With
        ``plural``, the key's form for that count (:meth:`~cxlib.core.i18n.Translator.plural`)."""
        display(HTML(f"<p>{self._text(key, values, plural)}</p>"))

    def caution(self, key: str, plural: float | None = None, **values: object) -> None:
        """Show a visible caution box (small samples, missing data); ``plural`` as in :meth:`say`."""
        display(HTML(f'<div class="cx-caution" role="note">{self._text(key, values, plural)}</div>'))

    def consultant(self, key: str, **values: object) -> None:
        """Raise a check for the consultant (catalogue ``key``): recorded for the consultant's page
        (:mod:`cxlib.render.checks`), shown in the notebook only when run interactively, never in
        the client's report."""
        self.checks.append(Check(self.step, self.t(key, **values)))
        record(self.report_dir, self.step, self.checks)
        if self.interactive:
            display(HTML(f'<div class="cx-consultant" role="note">{self._text(key, values)}</div>'))

    def small_sample(self, n: int) -> None:
        """Show the small-sample caution when ``n`` is below :data:`~cxlib.stats.estimators.SMALL_SAMPLE`."""
        if n < SMALL_SAMPLE:
            self.caution("report.caution_small_n", n=n)

    def require(self, table: str) -> bool:
        """True when the client provided ``table``; otherwise show what to provide and return False."""
        if self.client.has(table):
            return True
        self.caution("overview.absent", table=self.t(f"table.{table}"))
        self.consultant("report.check.absent", table=self.t(f"table.{table}"), file=table)
        return False

    def download(self, path: Path, key: str) -> None:
        """Link a file written beside the report (relative link, so the folder can be moved); the link
        reads as the catalogue's ``key`` (what the file holds), never as the file's name. On screen
        only: a printed page cannot download."""
        display(
            HTML(
                f'<p class="cx-screen-only"><a class="cx-download" href="{html.escape(path.name)}" '
                f"download>{self.t(key)}</a></p>"
            )
        )

    def table(self, frame: pd.DataFrame, collapsed_key: str | None = None) -> None:
        """Show a frame as an HTML table whose cells are escaped; headers must already be translated.

        With ``collapsed_key``, the table sits in a ``<details>`` element whose summary is that
        catalogue text (long annexes such as every answer's evidence). Rows marked as small samples
        (:func:`~cxlib.render.charts.with_small_rows`) get one caution under the table.
        """
        body = frame.to_html(index=False, escape=True, border=0, classes="cx-table", na_rep="–")
        body = body.replace('<table border="0" class="dataframe cx-table">', '<table class="cx-table">', 1)
        if collapsed_key:
            body = f"<details><summary>{self.t(collapsed_key)} ({len(frame)})</summary>{body}</details>"
        display(HTML(body))
        self._small_rows(frame)

    def chart(self, figure: go.Figure, printed: str | None = None) -> None:
        """Show a plotly figure through the report renderer.

        ``printed`` is what prints in the chart's place, such as the journey map's tables
        (:func:`cxlib.render.printed.printed_map`; HTML whose client text is already escaped): the
        chart is then shown on screen only, as wide as the page.
        """
        takeaway = pop_takeaway(figure)
        small_rows = pop_small_rows(figure)
        if printed is None:
            figure.show()
        else:
            bundle = pio.renderers[RENDERER_NAME].to_mimebundle(figure.to_dict())  # setup's renderer
            bundle["text/html"] = f'<div class="cx-wide cx-screen-only">{bundle["text/html"]}</div>{printed}'
            display(bundle, raw=True)
        if takeaway is not None:
            key, values = takeaway
            display(HTML(f'<p class="cx-takeaway">{self._text(key, values)}</p>'))
        self._small_rows(small_rows)

    def _small_rows(self, shown: pd.DataFrame | tuple[list[str], list[bool]]) -> None:
        """The one small-sample caution of a table or of a chart's rows (:func:`small_rows_note`)."""
        names, small = pop_small_rows(shown) if isinstance(shown, pd.DataFrame) else shown
        note = small_rows_note(names, small, self.t)
        if note is not None:
            self.caution(note[0], **note[1])

    def _text(self, key: str, values: dict[str, object], plural: float | None = None) -> str:
        escaped = {name: html.escape(str(value)) for name, value in values.items()}
        return self.t(key, **escaped) if plural is None else self.t.plural(key, plural, **escaped)


def setup(client_dir: str | Path, report_dir: str | Path = "", cut: str = "") -> Report:
    """Load and validate the client, install the plotly theme and renderer, and return a :class:`Report`.

    Under ``cxwb run`` the client was validated once by the runner, which left it (cut applied) in
    ``report_dir`` (:func:`cxlib.inputs.client.save_validated`); the step reads that instead.

    Parameters
    ----------
    client_dir
        The client folder; empty (a notebook opened as shipped): the folder ``CXWB_CLIENT`` names, else
        the demo client (the note under the first cell says which, and why).
    report_dir
        Where the step writes its files (``*.results.json``, state, downloads); ``cxwb run`` sets it
        to the client's build folder. Empty in interactive use: ``reports/<slug>/interactive/``
        (:func:`cxlib.core.paths.interactive_report_dir`), never the current folder.
    cut
        ``field=value`` to report on one segment only (:mod:`cxlib.inputs.cuts`); empty: the whole client.

    Raises
    ------
    cxlib.core.exceptions.ValidationError
        When the client folder has problems (``cxwb validate`` lists them).
    cxlib.core.exceptions.ClientNotFoundError
        When no client folder is given, saying how to give one.
    """
    opened_by = (
        "" if str(client_dir).strip() else "environment" if os.environ.get(CLIENT_ENV, "").strip() else "demo"
    )
    client_dir = client_folder(client_dir)
    client = load_validated(Path(report_dir), Path(client_dir)) if str(report_dir) else None
    if client is None:  # interactive use: validate here (under cxwb run, the runner did, once)
        client = load_client(Path(client_dir))
        if cut:
            client = apply_cut(client, resolve_cut(client, cut))
    language_translator = client.translator()
    brand = brand_of(client.config, client.directory)
    install_theme(language_translator.locale, brand)
    folder = Path(report_dir) if str(report_dir) else interactive_report_dir(client.config.slug)
    folder.mkdir(parents=True, exist_ok=True)
    if opened_by:  # a notebook opened as shipped (cxwb lab): say which client it opened, and why
        note = language_translator(
            f"explore.opened.{opened_by}",
            name=client.config.name,
            folder=str(client_dir),
            variable=CLIENT_ENV,
        )
        display(HTML(f'<div class="cx-consultant" role="note">{html.escape(note)}</div>'))
    return Report(
        client=client, t=language_translator, report_dir=folder, brand=brand, interactive=not str(report_dir)
    )
