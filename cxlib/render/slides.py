"""The executive deck (``<slug>-summary.pptx``): a storyline a partner puts in front of an
executive committee, in the client's language and brand.

Built with python-pptx from the figures the steps published (:mod:`cxlib.render.results`), never
from anything written for a particular client. Before the appendix, at most 15 slides, each titled
with its message as a sentence: the cover; the executive summary (the messages of the slides that
follow, read as a storyline: :func:`storyline`, each with its figure and interval); the
situation (the headline measures, and the pillars against their targets); what drives the outcome;
where the journey breaks (the moments of truth, the journey map, the touchpoints in alarm); what to
do (the initiatives with reach, cost and expected effect, and effect against cost); the roadmap; and
the decisions asked of the client. The appendix holds the methods and the other findings. The
outcome is named by the client's own label wherever it appears.

Charts are native PowerPoint charts (bars, lines, scatter) holding the published figures, so the
consultant can restyle and edit them; only the journey map, which has no native equivalent, is a
picture, drawn by plotly's kaleido through the system Chromium (Debian's ``/usr/bin/chromium`` or
``CXWB_CHROMIUM``; nothing is downloaded) with the reports' own plotly.js. No picture appears twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
import re
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from cxlib.core.exceptions import CxError
from cxlib.core.files import write_bytes_atomic
from cxlib.core.i18n import PERCENT_SIGN, Translator
from cxlib.inputs.outcomes import model_label
from cxlib.render.brand import Brand
from cxlib.render.deck_map import map_parts
from cxlib.render.export import PLOTLY_CORE
from cxlib.render.money import money_cells
from cxlib.render.pdf import chromium_path, chromium_problem
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load
from cxlib.render.summary import Finding, emotion_sentence, findings
from cxlib.stats.monitoring import monitoring_facts

PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Chart images: drawn this wide in CSS pixels, at this scale (sharp on a projector).
IMAGE_WIDTH, IMAGE_SCALE = 1100, 2
#: Where the journey map's pictures start on their slides, in inches from the top (below a one-line
#: title), and the content area's width and foot.
MAP_TOP_IN, CONTENT_WIDTH_IN, CONTENT_FOOT_IN = 1.4, 12.3, 6.9
#: Slides before the appendix, at most; messages on the executive summary slide, at most.
MAIN_SLIDES, SUMMARY_MESSAGES = 15, 5
#: The finding sections the executive summary takes its messages from, one each, in this order.
SUMMARY_SECTIONS = (
    "summary.section.metrics",
    "summary.section.gaps",
    "summary.section.drivers",
    "summary.section.alarms",
    "summary.section.initiatives",
)
#: Initiatives in the recommendations table; findings per appendix slide.
TABLE_ROWS, DETAIL_LINES = 6, 7
TEXT, GREY = "1C2833", "5D6D7E"
#: The catalogue paragraphs that state the methods, in method order, for the appendix slide.
METHOD_KEYS = (
    "summary.intro",
    "diagnosis.metrics_text",
    "diagnosis.segment_tests_text",
    "diagnosis.drivers_text",
    "journey.monitoring_text",
)
#: A slide title's font size by its length, so that a finding's sentence fits above its chart in
#: at most three lines: (longest title in characters, points).
TITLE_SIZES = ((120, 24), (210, 18), (10_000, 14))
_HEADING = re.compile(r'<h[23] id="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")


class SlidesError(CxError):
    """The deck could not be made (python-pptx or kaleido missing, no browser, a chart failed)."""


def summary_name(slug: str) -> str:
    """The deck's file name in the client's report folder."""
    return f"{slug}-summary.pptx"


def check_slide_maker() -> None:
    """Refuse before anything runs when ``--pptx`` cannot work.

    Raises
    ------
    SlidesError
        Naming what to install: the ``pptx`` extra (python-pptx and kaleido), or Debian's chromium.
    """
    try:
        import kaleido  # noqa: F401 (only whether it is installed)
        import pptx  # noqa: F401
    except ImportError as error:
        raise SlidesError(
            f"--pptx needs {error.name}: pip install 'cx-workbook[pptx]' (python-pptx writes the deck, "
            "kaleido draws the charts with the system Chromium; no browser is downloaded)"
        ) from error
    problem = chromium_problem()
    if problem:
        raise SlidesError(
            f"--pptx needs Chromium at {chromium_path()} to draw the charts, which {problem}: install "
            "Debian's package (apt-get install chromium) or set CXWB_CHROMIUM to another Chromium"
        )


def section_charts(notebook_path: Path) -> dict[str, dict]:
    """The first chart after each heading of an executed step notebook, by the heading's anchor."""
    charts: dict[str, dict] = {}
    anchor = None
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            found = _HEADING.search(data.get("text/html", ""))
            if found:
                anchor = found.group(1)
            if PLOTLY_MIME in data and anchor is not None:
                charts.setdefault(anchor, data[PLOTLY_MIME])
    return charts


def draw_charts(figures: dict[str, dict]) -> dict[str, bytes]:
    """PNG images of ``figures`` (plotly figure dicts by name), drawn by kaleido in one browser.

    Raises
    ------
    SlidesError
        When the browser cannot start or a chart cannot be drawn.
    """
    import kaleido

    if not figures:
        return {}
    os.environ.setdefault("BROWSER_PATH", str(chromium_path()))
    with tempfile.TemporaryDirectory(prefix="cxwb-slides-") as folder:
        paths = {name: Path(folder) / f"chart-{number}.png" for number, name in enumerate(figures)}
        jobs = [
            {
                "fig": figure,
                "path": str(paths[name]),
                "opts": {
                    "format": "png",
                    "width": IMAGE_WIDTH,
                    "height": int(figure.get("layout", {}).get("height") or 440),
                    "scale": IMAGE_SCALE,
                },
            }
            for name, figure in figures.items()
        ]
        try:
            errors = kaleido.write_fig_from_object_sync(
                jobs, kopts={"plotlyjs": str(PLOTLY_CORE), "mathjax": False}
            )
        except Exception as error:  # the browser failed to start or died: one message, no traceback
            raise SlidesError(
                f"kaleido could not draw the charts ({type(error).__name__}: {error})"
            ) from error
        if errors:
            raise SlidesError(f"kaleido could not draw a chart ({errors[0]})")
        return {name: path.read_bytes() for name, path in paths.items()}


def _plain(text: str) -> str:
    """A catalogue or finding text as plain slide text (findings are escaped for HTML pages)."""
    return html.unescape(_TAG.sub("", text))


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


class _Deck:
    """A 16:9 deck in the client's brand: every slide has a title, the logo and a footer."""

    def __init__(self, brand: Brand, footer: str, language: str = "en") -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = Inches(13.333), Inches(7.5)
        self.brand, self.footer, self.language = brand, footer, language
        self.logo = base64.b64decode(brand.logo.split(",", 1)[1]) if brand.logo else None
        self.titles: list[str] = []  # every slide's title, in the order the slides were made
        self.frames: set[str] = set()  # the titles that frame a picture, not a finding (storyline)

    def move_last(self, position: int) -> None:
        """Move the last slide made to ``position`` (0 = the cover): a summary written once the
        slides it sums up exist."""
        order = self.presentation.slides._sldIdLst  # python-pptx exposes no public reordering
        last = order[-1]
        order.remove(last)
        order.insert(position, last)

    def slide(self, title: str, kicker: str = "", logo: bool = False):
        """A blank slide with its title (and a kicker above it), the footer and, on the cover, the logo
        (once in the deck, so that no picture repeats)."""
        from pptx.util import Inches, Pt

        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[6])
        self.titles.append(title)
        size = next(points for longest, points in TITLE_SIZES if len(title) <= longest)
        if kicker:
            self.text(slide, kicker, Inches(0.5), Inches(0.3), Inches(10.3), Inches(0.4), Pt(14), GREY)
        self.text(
            slide, title, Inches(0.5), Inches(0.65), Inches(10.3), Inches(1.2), Pt(size), self.brand.primary
        )
        self.text(slide, self.footer, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.35), Pt(10), GREY)
        if logo and self.logo:
            picture = slide.shapes.add_picture(io.BytesIO(self.logo), 0, Inches(0.3), height=Inches(0.5))
            if picture.width > Inches(2.2):  # a wide word-mark: as wide as the corner allows, in proportion
                picture.height, picture.width = int(picture.height * Inches(2.2) / picture.width), Inches(2.2)
            picture.left = self.presentation.slide_width - Inches(0.4) - picture.width  # top right corner
        return slide

    @staticmethod
    def text(slide, text: str, left, top, width, height, size, colour: str):
        """A text box whose paragraphs are the lines of ``text``."""
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for number, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            run.font.size = size
            run.font.color.rgb = _rgb(colour)
        return box

    def picture(self, slide, image: bytes, top) -> None:
        """``image`` centred below ``top``, as large as the space above the footer allows."""
        from pptx.util import Inches

        width_px, height_px = _png_size(image)
        box_width, box_height = Inches(CONTENT_WIDTH_IN), Inches(CONTENT_FOOT_IN) - top
        scale = min(box_width / width_px, box_height / height_px)
        width, height = int(width_px * scale), int(height_px * scale)
        left = int((self.presentation.slide_width - width) / 2)
        slide.shapes.add_picture(io.BytesIO(image), left, top, width=width, height=height)


def _png_size(image: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")


def _chart_kind(name: str):
    from pptx.enum.chart import XL_CHART_TYPE

    return {
        "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
        "scatter": XL_CHART_TYPE.XY_SCATTER,
    }[name]


def format_decimals(number_format: str) -> int:
    """The decimals an Excel number format shows of a value (``0.0`` → 1; ``0%`` → 2, a percent
    showing the share times 100), so the values a native chart holds are the ones it shows: a
    reader who opens the chart's data sees ``69.0``, not ``68.9543450115994``."""
    shown = number_format.split(".", 1)[1] if "." in number_format else ""
    return len(shown) - len(shown.lstrip("0#")) + (2 if "%" in number_format else 0)


def house_percent(number_format: str, language: str) -> str:
    """An Excel percent format in the language's house style (:data:`~cxlib.core.i18n.PERCENT_SIGN`):
    ``0"\u00a0"%`` in Spanish, as the report's text and chart axes write ``42 %``; as given in
    English."""
    sign = PERCENT_SIGN[language]
    return (
        number_format.replace("%", f'"{sign[:-1]}"%')
        if "%" in number_format and sign != "%"
        else number_format
    )


def native_chart(
    deck: _Deck,
    slide,
    kind: str,
    title: str,
    data: dict[str, list],
    categories: list[str] | None = None,
    number_format: str = "0.0",
    box: tuple[float, float, float, float] = (0.5, 1.9, 12.3, 5.0),
    axis_titles: tuple[str, str] | None = None,
):
    """Add an editable PowerPoint chart to ``slide`` and return it.

    Parameters
    ----------
    deck : _Deck
        The deck, for its brand colours.
    slide : pptx.slide.Slide
        Where the chart goes.
    kind : {"bar", "line", "scatter"}
        Clustered columns, lines with markers, or an XY scatter.
    title : str
        The chart's title, in the client's language (plain text).
    data : dict
        Series name → values (bar, line: one per category; scatter: ``(x, y)`` pairs), stored
        rounded to the decimals ``number_format`` shows (:func:`format_decimals`).
    categories : list of str, optional
        The category labels of a bar or line chart.
    number_format : str
        Excel number format of the value labels and axis.
    box : tuple of float
        Left, top, width and height in inches.
    axis_titles : tuple of str, optional
        The horizontal and vertical axes' titles.
    """
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    places = format_decimals(number_format)
    number_format = house_percent(number_format, deck.language)
    if kind == "scatter":
        chart_data = XyChartData()
        for name, points in data.items():
            series = chart_data.add_series(name, number_format=number_format)
            for x, y in points:
                series.add_data_point(round(x, places), round(y, places))
    else:
        chart_data = CategoryChartData(number_format=number_format)
        chart_data.categories = categories or []
        for name, values in data.items():
            chart_data.add_series(name, [None if pd.isna(v) else round(v, places) for v in values])
    left, top, width, height = (Inches(value) for value in box)
    chart = slide.shapes.add_chart(_chart_kind(kind), left, top, width, height, chart_data).chart
    chart.font.size = Pt(12)
    chart.has_title = True
    chart.chart_title.text_frame.text = title
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.has_legend = len(data) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    colours = [deck.brand.primary, deck.brand.accent, GREY, "A9CCE3"]
    for number, series in enumerate(chart.plots[0].series):
        colour = _rgb(colours[number % len(colours)])
        if kind == "bar":
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
        else:
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            if kind == "line":
                series.format.line.color.rgb = colour
            else:
                series.format.line.fill.background()  # a scatter's points are not joined
    if kind != "scatter":
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = number_format, False
        plot.data_labels.font.size = Pt(11)
    for axis, axis_title in zip((chart.category_axis, chart.value_axis), axis_titles or (), strict=False):
        axis.has_title = True
        axis.axis_title.text_frame.text = axis_title
    return chart


def _bullets(deck: _Deck, slide, lines: list[str], box: tuple[float, float, float, float], size: int = 16):
    """``lines`` as a list of paragraphs in a text box (inches: left, top, width, height)."""
    from pptx.util import Inches, Pt

    left, top, width, height = (Inches(value) for value in box)
    box_shape = deck.text(
        slide, "\n".join(f"• {line}" for line in lines), left, top, width, height, Pt(size), TEXT
    )
    for paragraph in box_shape.text_frame.paragraphs:
        paragraph.space_after = Pt(10)


#: The slides whose title frames a picture rather than saying a finding: left out of the storyline.
FRAME_TITLES = ("slides.map_title", "slides.matrix_title")
#: Most messages in the executive summary's storyline.
STORY_MESSAGES = 7


def storyline(titles: list[str], t: Translator, frames: set[str] = frozenset()) -> list[str]:
    """The executive summary's messages: the action titles of the deck's content slides, in the
    order the deck tells them (each a so-what sentence built from the published findings, with its
    figure and interval: "NPS stands at 2.8 [0.8; 4.9], and Time and effort is the pillar furthest
    from its target"), without the titles that only frame a picture (:data:`FRAME_TITLES`); at most
    :data:`STORY_MESSAGES`. This is the "horizontal logic" of a consulting deck: its titles read
    alone tell the story (Zelazny, G. (2006), *Say It with Presentations*, McGraw-Hill, ch. 3).
    ``frames`` adds the titles of the deck's other frame slides (the journey map's later parts)."""
    frames = {t(key) for key in FRAME_TITLES} | set(frames)
    return [_plain(title) for title in titles if title not in frames][:STORY_MESSAGES]


def summary_messages(key_findings: list[Finding]) -> list[Finding]:
    """The key findings the content slides carry (left out of the appendix), which are also the
    executive summary's messages when the deck has no content slide: the first finding of each of
    :data:`SUMMARY_SECTIONS`, then others in order until there are three, at most
    :data:`SUMMARY_MESSAGES`."""
    chosen = [
        next(finding for finding in key_findings if finding.section == section)
        for section in SUMMARY_SECTIONS
        if any(finding.section == section for finding in key_findings)
    ]
    chosen += [finding for finding in key_findings if finding not in chosen][: max(0, 3 - len(chosen))]
    return chosen[:SUMMARY_MESSAGES]


def write_summary(
    report_dir: Path, slug: str, client_name: str, t: Translator, brand: Brand, when: dt.datetime
) -> Path:
    """Write ``<slug>-summary.pptx`` in a published report folder and return its path.

    ``t`` is the client's translator (:meth:`cxlib.inputs.client.Client.translator`), so the outcome
    carries the client's label.

    Raises
    ------
    SlidesError
        When the journey map cannot be drawn (the deck is not written; the HTML report is unaffected).
    """
    from pptx.util import Inches, Pt

    key_findings = findings(report_dir, t)
    diagnosis = load(report_dir, "01_diagnosis")
    journey = load(report_dir, "03_journey")
    plan = load(report_dir, "05_action_plan")
    deck = _Deck(brand, f"{client_name} · {t.date(when, 'long')}", t.language)
    cover = deck.slide(t("slides.title"), client_name, logo=True)
    deck.text(
        cover,
        t("slides.subtitle", date=t.date(when, "long")),
        Inches(0.5),
        Inches(2.4),
        Inches(12),
        Inches(1),
        Pt(18),
        TEXT,
    )
    messages = summary_messages(key_findings)
    first = len(deck.titles)
    if diagnosis:
        _situation_slide(deck, diagnosis, t)
        _drivers_slide(deck, diagnosis, t)
        _emotions_slide(deck, diagnosis, t)
    if journey:
        _journey_slides(deck, report_dir, journey, t)
    if plan:
        _plan_slides(deck, plan, diagnosis, t)
    story = storyline(deck.titles[first:], t, deck.frames) or [_plain(finding.text) for finding in messages]
    if plan:
        _decisions_slide(deck, plan, journey, t)
    if story:
        summary = deck.slide(t("slides.summary_title", count=t.number(len(story))))
        _bullets(deck, summary, story, (0.5, 1.9, 12.3, 5.0), 18 if len(story) <= SUMMARY_MESSAGES else 16)
        deck.move_last(first)
    methods = deck.slide(t("slides.methods_title"))
    deck.text(
        methods,
        "\n".join(_plain(t(key, **_method_values(key, t))) for key in METHOD_KEYS),
        Inches(0.5),
        Inches(1.7),
        Inches(12.3),
        Inches(5.2),
        Pt(13),
        TEXT,
    )
    rest = [_plain(finding.text) for finding in key_findings if finding not in messages]
    pages = -(-len(rest) // DETAIL_LINES)
    for page in range(pages):
        detail = deck.slide(t("slides.detail_title", page=page + 1, pages=pages))
        _bullets(
            deck, detail, rest[page * DETAIL_LINES : (page + 1) * DETAIL_LINES], (0.5, 1.9, 12.3, 5.0), 14
        )
    buffer = io.BytesIO()
    deck.presentation.save(buffer)
    path = report_dir / summary_name(slug)
    write_bytes_atomic(path, buffer.getvalue())
    return path


def _outcome_metric(diagnosis: dict) -> tuple[str, dict] | None:
    """The outcome's name and published estimate (else the first measure's)."""
    metrics = diagnosis.get("metrics") or {}
    name = diagnosis.get("outcome") if diagnosis.get("outcome") in metrics else next(iter(metrics), None)
    return (name, metrics[name]) if name else None


def _situation_slide(deck: _Deck, diagnosis: dict, t: Translator) -> None:
    """The headline measures together (figure, interval, n) beside the pillars against their targets."""
    outcome = _outcome_metric(diagnosis)
    pillars = results_frame(diagnosis["pillars"])
    if outcome is None or pillars.empty:
        return
    name, estimate = outcome
    value = t.interval(estimate["value"], estimate["low"], estimate["high"], 2 if name == "ces" else 1)
    gaps = pillars["gap"].dropna() if "gap" in pillars else pd.Series(dtype=float)
    title = (
        t(
            "slides.situation_title",
            outcome=t(f"metric.{name}"),
            value=value,
            pillar=t(f"pillar.{gaps.idxmax()}"),
        )
        if len(gaps) and gaps.max() > 0
        else t("slides.situation_title_no_gap", outcome=t(f"metric.{name}"), value=value)
    )
    slide = deck.slide(_plain(title))
    lines = [
        _plain(
            t(
                "summary.metric",
                metric=t(f"metric.{metric}"),
                value=t.interval(
                    figures["value"], figures["low"], figures["high"], 2 if metric == "ces" else 1
                ),
                n=t.number(figures["n"]),
            )
        )
        for metric, figures in diagnosis["metrics"].items()
    ]
    _bullets(deck, slide, lines, (0.5, 1.9, 4.6, 5.0), 15)
    series = {t("slides.series.current"): pillars["current"].tolist()}
    if "target" in pillars and pillars["target"].notna().all():
        series[t("slides.series.target")] = pillars["target"].tolist()
    native_chart(
        deck,
        slide,
        "bar",
        t("slides.pillars_chart"),
        series,
        [_plain(t(f"pillar.{pillar}")) for pillar in pillars.index],
        box=(5.2, 1.9, 7.6, 5.0),
    )


def _drivers_slide(deck: _Deck, diagnosis: dict, t: Translator) -> None:
    """What drives the outcome: each pillar's share of its explained variance (relative weights)."""
    pillars = results_frame(diagnosis["pillars"])
    if "share" not in pillars or not diagnosis.get("r2"):
        return
    outcome = model_label(diagnosis, t)
    if diagnosis.get("explains") is False:
        title = t(
            "summary.no_drivers",
            outcome=outcome,
            r2=t.interval(diagnosis["r2"], diagnosis["r2_low"], diagnosis["r2_high"], 1, percent=True),
            n=t.number(diagnosis["n_drivers"]),
        )
    else:
        top = pillars["share"].idxmax()
        row = pillars.loc[top]
        share = t.interval(row["share"], row["share_low"], row["share_high"], 0, percent=True)
        title = t("slides.drivers_title", pillar=t(f"pillar.{top}"), outcome=outcome, share=share)
    ranked = pillars.sort_values("share", ascending=False)
    slide = deck.slide(_plain(title))
    native_chart(
        deck,
        slide,
        "bar",
        _plain(t("slides.drivers_chart", outcome=outcome, n=t.number(diagnosis["n_drivers"]))),
        {t("slides.series.share"): ranked["share"].tolist()},
        [_plain(t(f"pillar.{pillar}")) for pillar in ranked.index],
        number_format="0%",
    )


def _emotions_slide(deck: _Deck, diagnosis: dict, t: Translator) -> None:
    """The emotions in comments: the summary's emotion sentence as the title, each emotion's share
    with its interval and n, and the shares as a chart."""
    emotions = diagnosis.get("emotions")
    title = emotion_sentence(emotions, t)
    if title is None:
        return
    slide = deck.slide(_plain(title))
    shares = emotions["shares"]
    names = [_plain(t(f"emotions.name.{emotion}")) for emotion in shares]
    lines = [
        _plain(
            t(
                "slides.emotions_share",
                emotion=name,
                share=t.interval(share["share"], share["low"], share["high"], percent=True),
                count=t.number(share["count"]),
                n=t.number(share["n"]),
            )
        )
        for name, share in zip(names, shares.values(), strict=True)
    ]
    missing = emotions.get("absent") or []
    if missing:
        names_missing = [t.inline(_plain(t(f"emotions.name.{emotion}"))) for emotion in missing]
        lines.append(_plain(t.plural("emotions.absent", len(missing), names=_listed(names_missing, t))))
    _bullets(deck, slide, lines, (0.5, 1.9, 4.6, 5.0), 12)  # under the smallest title size: six lines
    native_chart(
        deck,
        slide,
        "bar",
        _plain(t("slides.emotions_chart", n=t.number(emotions["comments"]))),
        {t("emotions.col.share"): [share["share"] for share in shares.values()]},
        names,
        number_format="0%",
        box=(5.2, 1.9, 7.6, 5.0),
    )


def _journey_slides(deck: _Deck, report_dir: Path, journey: dict, t: Translator) -> None:
    """Where the journey breaks: the moments of truth (chart), the journey map (the deck's one
    picture) and the touchpoints in alarm (their worst week against centre line and limit)."""
    moments = results_frame(journey.get("moments"))
    truths = journey.get("moments_of_truth") or []
    if not moments.empty and truths:
        ranked = moments.sort_values("r2", ascending=False)
        slide = deck.slide(_plain(t("slides.moments_title", stages=_listed(truths, t))))
        native_chart(
            deck,
            slide,
            "bar",
            t("journey.moments_title", n=t.number(ranked["n"].sum())),
            {t("journey.importance_share"): ranked["r2"].tolist()},
            [_plain(stage) for stage in ranked.index],
            number_format="0%",
        )
    notebook = report_dir / "03_journey.ipynb"
    figure = section_charts(notebook).get("map") if notebook.is_file() else None
    if figure is not None:
        _map_slides(deck, figure, t)
    alarms = journey.get("alarms")
    if alarms is None:
        return
    if not alarms:
        deck.slide(t("slides.no_alarms_title"))
        return
    names = list(dict.fromkeys(alarm["touchpoint"] for alarm in alarms))
    slide = deck.slide(_plain(t.plural("slides.alarms_title", len(names), names=_listed(names, t))))
    promises = [
        _plain(f"{alarm['touchpoint']}: {alarm['promise'] or t('journey.no_promise')}")
        for alarm in {alarm["touchpoint"]: alarm for alarm in alarms}.values()
    ]
    _bullets(deck, slide, promises, (0.5, 1.9, 4.6, 5.0), 14)
    _alarm_panels(deck, slide, alarms, t)


def _map_slides(deck: _Deck, figure: dict, t: Translator) -> None:
    """The journey map over as many slides as its lanes need to read at the report's text size
    (:func:`cxlib.render.deck_map.map_parts`), each picture as wide as the content area; the first
    slide titled by ``slides.map_title``, the others by the lanes they add."""
    from pptx.util import Inches

    room = IMAGE_WIDTH * (CONTENT_FOOT_IN - MAP_TOP_IN) / CONTENT_WIDTH_IN
    parts = map_parts(figure, IMAGE_WIDTH, room)
    images = draw_charts({f"map-{number}": part for number, part in enumerate(parts)})
    for number, part in enumerate(parts):
        heatmap = next(trace for trace in part["data"] if trace.get("type") == "heatmap")
        title = (
            t("slides.map_title")
            if number == 0
            else t(
                "slides.map_part_title",
                lanes=_listed([_plain(str(lane)) for lane in heatmap["y"]], t),
                part=t.number(number + 1),
                parts=t.number(len(parts)),
            )
        )
        deck.frames.add(title)
        deck.picture(deck.slide(title), images[f"map-{number}"], Inches(MAP_TOP_IN))


#: Excel number format of each control-chart measure: a mean score, a success rate (share 0..1).
ALARM_FORMATS = {"score": "0.00", "rate": "0%"}


def _alarm_panels(deck: _Deck, slide, alarms: list[dict], t: Translator) -> None:
    """The touchpoints in alarm, one chart per measure side by side (a mean score and a success rate
    never share an axis): each touchpoint's worst week against its centre line and limit."""
    metrics = list(dict.fromkeys(alarm["metric"] for alarm in alarms))
    width = 7.6 / len(metrics)
    for number, metric in enumerate(metrics):
        shown = [alarm for alarm in alarms if alarm["metric"] == metric]
        native_chart(
            deck,
            slide,
            "bar",
            t("slides.alarms_chart_metric", metric=t(f"journey.metric.{metric}")),
            {
                t(f"slides.series.{key}"): [alarm[key] for alarm in shown]
                for key in ("centre", "limit", "worst")
            },
            [_plain(alarm["touchpoint"]) for alarm in shown],
            number_format=ALARM_FORMATS.get(metric, "0.00"),
            box=(5.2 + number * width, 1.9, width, 5.0),
        )


def _listed(names: list[str], t: Translator) -> str:
    """Names joined as a list in the report's language (``A, B y C``, ``A, B and C``), each once
    (a touchpoint in alarm on two measures is named once)."""
    from babel.lists import format_list

    return format_list(list(dict.fromkeys(str(name) for name in names)), locale=t.locale)


def _method_values(key: str, t: Translator) -> dict[str, str]:
    """The numbers a method paragraph of :data:`METHOD_KEYS` states, in the locale's style."""
    return monitoring_facts(t) if key == "journey.monitoring_text" else {}


def _ranked_initiatives(plan: dict) -> pd.DataFrame:
    """The initiatives with an experience case, most effect per unit of cost first."""
    initiatives = results_frame(plan["initiatives"])
    with_case = initiatives[~initiatives["no_experience_case"].astype(bool)]
    return with_case.sort_values("impact_per_million", ascending=False)


def initiative_rows(
    plan: dict, ranked: pd.DataFrame, t: Translator
) -> tuple[list[str], list[list[str]], list[str]]:
    """The deck's initiatives table: headers, one row per initiative of ``ranked`` (reach, cost,
    expected points, return with ``[low; high]`` and payback where a point's value exists, else the
    cost per expected point, and wave) and the sources of the point's values used. The money texts
    are the plan page's (:func:`cxlib.render.money.money_cells`), so both tell one story."""
    outcome = t(f"metric.{plan['outcome']}")
    cells = money_cells(ranked, plan["currency"], plan["return_months"], t)
    valued = ranked["valued"].fillna(False).astype(bool).to_numpy()
    money = (
        [
            np.where(
                valued, cells["return"], [t("slides.per_point", value=v) for v in cells["cost_per_point"]]
            ),
            cells["payback"].to_numpy(),
        ]
        if valued.any()
        else [cells["cost_per_point"].to_numpy()]
    )
    headers = [
        t("plan.col.initiative"),
        t("plan.col.reach"),
        t("plan.col.cost"),
        t("plan.col.impact", outcome=outcome),
        *(
            [t("slides.col.return", years=t.number(plan["return_months"] // 12)), t("slides.col.payback")]
            if valued.any()
            else [t("plan.col.cost_per_point")]
        ),
        t("plan.col.wave"),
    ]
    columns = [
        ranked["name"].to_numpy(),
        [t.percent(share) for share in ranked["reach"]],
        [t.money(cost, plan["currency"]) for cost in ranked["cost"]],
        [t.interval(*values) for values in ranked[["impact", "impact_low", "impact_high"]].to_numpy()],
        *money,
        [t.number(wave) if pd.notna(wave) else t("plan.not_scheduled") for wave in ranked["wave"]],
    ]
    rows = [list(values) for values in zip(*columns, strict=True)]
    return headers, rows, list(dict.fromkeys(cells.loc[valued, "value_source"]))


def _plan_slides(deck: _Deck, plan: dict, diagnosis: dict | None, t: Translator) -> None:
    """What to do (the initiatives' reach, cost, effect and return), effect against cost, and the
    roadmap (the outcome expected at the end of each wave)."""
    from pptx.util import Inches, Pt

    outcome = t(f"metric.{plan['outcome']}")
    ranked = _ranked_initiatives(plan)
    if not ranked.empty:
        best = ranked.iloc[0]
        slide = deck.slide(
            _plain(
                t(
                    "slides.actions_title",
                    name=best["name"],
                    impact=t.interval(best["impact"], best["impact_low"], best["impact_high"]),
                    outcome=outcome,
                    cost=t.money(best["cost"], plan["currency"]),
                )
            )
        )
        headers, rows, sources = initiative_rows(plan, ranked.head(TABLE_ROWS), t)
        table = slide.shapes.add_table(
            len(rows) + 1, len(headers), Inches(0.5), Inches(1.9), Inches(12.3), Inches(0.5 * (len(rows) + 1))
        ).table
        for number, values in enumerate([headers, *rows]):
            for column, value in enumerate(values):
                cell = table.cell(number, column)
                cell.text = _plain(str(value))
                cell.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        if sources:
            deck.text(
                slide,
                _plain(t("slides.value_source", outcome=outcome, sources="; ".join(sources))),
                Inches(0.5),
                Inches(2.0 + 0.5 * (len(rows) + 1)),
                Inches(12.3),
                Inches(0.6),
                Pt(11),
                TEXT,
            )
        matrix_chart(deck, deck.slide(t("slides.matrix_title")), ranked, outcome, plan["currency"], t)
    _roadmap_slide(deck, plan, diagnosis, outcome, t)


#: The cost axis of the effect-against-cost chart turns logarithmic when the largest cost is at least
#: this many times the smallest: a linear axis then crowds the cheap initiatives against its origin.
LOG_SPAN = 10
#: Longest initiative name a point's label shows, in characters (longer names are cut at a word).
LABEL_CHARACTERS = 32


def short_name(name: str, limit: int = LABEL_CHARACTERS) -> str:
    """An initiative's name for a chart label: whole when it fits ``limit`` characters, else cut at
    the last word that fits, with an ellipsis (plain text; the deck's XML escapes it)."""
    name = " ".join(str(name).split())
    if len(name) <= limit:
        return name
    cut = name[: limit - 1].rsplit(" ", 1)[0] if " " in name[: limit - 1] else name[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"


def log_cost_axis(costs: pd.Series) -> bool:
    """Whether the costs span :data:`LOG_SPAN` times or more, all of them above zero."""
    positive = costs.dropna()
    return bool(len(positive) > 1 and (positive > 0).all() and positive.max() >= LOG_SPAN * positive.min())


def matrix_chart(deck: _Deck, slide, ranked: pd.DataFrame, outcome: str, currency: str, t: Translator):
    """The initiatives' expected effect against their cost, one series per wave, each point labelled
    with its initiative's short name (:func:`short_name`); the cost axis logarithmic, and its title
    saying so, when the costs span :data:`LOG_SPAN` times or more (:func:`log_cost_axis`)."""
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    scheduled = ranked[ranked["wave"].notna()]
    waves = sorted(scheduled["wave"].astype(int).unique())
    logarithmic = log_cost_axis(scheduled["cost"])
    cost_title = t("slides.cost_axis_log" if logarithmic else "slides.cost_axis", currency=currency)
    chart = native_chart(
        deck,
        slide,
        "scatter",
        _plain(t("slides.matrix_chart", outcome=outcome)),
        {
            t("slides.wave", wave=wave): list(
                zip(
                    scheduled.loc[scheduled["wave"] == wave, "cost"],
                    scheduled.loc[scheduled["wave"] == wave, "impact"],
                    strict=True,
                )
            )
            for wave in waves
        },
        number_format="0.00",
        axis_titles=(_plain(cost_title), _plain(t("slides.effect_axis", outcome=outcome))),
    )
    for wave, series in zip(waves, chart.plots[0].series, strict=True):
        names = scheduled.loc[scheduled["wave"] == wave, "name"]
        for point, name in zip(series.points, names, strict=True):
            label = point.data_label
            label.text_frame.text = short_name(str(name))  # client text, as written: the XML escapes it
            label.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
            label.position = XL_LABEL_POSITION.RIGHT
    costs = chart.category_axis  # an XY chart's horizontal value axis
    costs.tick_labels.number_format, costs.tick_labels.number_format_is_linked = "#,##0", False
    if logarithmic:
        scaling = costs._element.find(qn("c:scaling"))  # python-pptx has no logarithmic-axis setting
        scaling.insert(0, scaling.makeelement(qn("c:logBase"), {"val": "10"}))
    return chart


def _roadmap_slide(deck: _Deck, plan: dict, diagnosis: dict | None, outcome: str, t: Translator) -> None:
    """The waves side by side (initiatives, the outcome expected at each wave's end) beside the line
    of the outcome from today to the end of the last wave."""
    waves = sorted(int(wave) for wave in plan.get("waves", {}) if wave.isdigit())
    if not waves:
        return
    initiatives = results_frame(plan["initiatives"])
    now = (diagnosis or {}).get("metrics", {}).get(plan["outcome"])
    last = plan["waves"][str(waves[-1])]
    slide = deck.slide(
        _plain(
            t(
                "slides.roadmap_title",
                outcome=outcome,
                now=t.number(now["value"], 1) if now else "–",
                end=t.interval(*last),
                wave=waves[-1],
            )
        )
    )
    lines = []
    for wave in waves:
        names = initiatives.loc[initiatives["wave"] == wave, "name"].tolist()
        lines.append(f"{t('slides.wave', wave=wave)}: {', '.join(names)}")
    unscheduled = initiatives.loc[initiatives["wave"].isna(), "name"].tolist()
    if unscheduled:
        lines.append(t.plural("slides.unscheduled", len(unscheduled), names=_listed(unscheduled, t)))
    _bullets(deck, slide, [_plain(line) for line in lines], (0.5, 1.9, 4.6, 5.0), 14)
    categories = ([t("slides.today")] if now else []) + [t("slides.wave", wave=wave) for wave in waves]
    start = [[now["value"], now["low"], now["high"]]] if now else []
    points = start + [plan["waves"][str(wave)] for wave in waves]
    native_chart(
        deck,
        slide,
        "line",
        _plain(t("slides.roadmap_chart", outcome=outcome)),
        {
            t(f"slides.series.{key}"): [point[place] for point in points]
            for place, key in enumerate(("expected", "low", "high"))
        },
        categories,
        box=(5.2, 1.9, 7.6, 5.0),
    )


def _decisions_slide(deck: _Deck, plan: dict, journey: dict | None, t: Translator) -> None:
    """What we need from the client: the decisions that start the first wave."""
    ranked = _ranked_initiatives(plan)
    first = ranked[ranked["wave"] == 1]
    lines = []
    if not first.empty:
        lines.append(
            t(
                "slides.decision.approve",
                names=_listed(first["name"].tolist(), t),
                cost=t.money(first["cost"].sum(), plan["currency"]),
            )
        )
    alarms = (journey or {}).get("alarms") or []
    if alarms:
        lines.append(t("slides.decision.owners", names=_listed([alarm["touchpoint"] for alarm in alarms], t)))
    lines += [t("slides.decision.targets"), t("slides.decision.reach")]
    slide = deck.slide(t("slides.decisions_title", count=t.number(len(lines))))
    _bullets(deck, slide, [_plain(line) for line in lines], (0.5, 1.9, 12.3, 5.0), 18)
