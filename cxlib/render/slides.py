"""The executive summary as a PowerPoint deck (``<slug>-summary.pptx``), for consultants who deliver
decks.

Built with python-pptx from what a published report holds, nothing written for a particular
client: a title slide; one slide per key finding of the client index (:func:`cxlib.render.summary
.findings`: its sentence, which carries the figure, its interval and n, and the chart of the
report section it links to); the three-wave roadmap (initiatives per wave and the outcome
expected at its end, with the roadmap chart); and an appendix of the methods. Text is in the
client's language, in its brand colours, with its logo.

Charts are taken from the executed notebooks (the figure each chart cell showed, already in the
brand's colours and with the report locale) and drawn as PNG images by plotly's kaleido through the
system Chromium (Debian's ``/usr/bin/chromium`` or ``CXWB_CHROMIUM``; nothing is downloaded),
with the reports' own plotly.js, so month names follow the locale.
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

from cxlib.core.exceptions import CxError
from cxlib.core.files import write_bytes_atomic
from cxlib.core.i18n import Translator
from cxlib.render.brand import Brand
from cxlib.render.export import PLOTLY_CORE
from cxlib.render.pdf import chromium_path, chromium_problem
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load
from cxlib.render.summary import Finding, findings

PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Chart images: drawn this wide in CSS pixels, at this scale (sharp on a projector).
IMAGE_WIDTH, IMAGE_SCALE = 1100, 2
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

    def __init__(self, brand: Brand, footer: str) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = Inches(13.333), Inches(7.5)
        self.brand, self.footer = brand, footer
        self.logo = base64.b64decode(brand.logo.split(",", 1)[1]) if brand.logo else None

    def slide(self, title: str, kicker: str = ""):
        from pptx.util import Inches, Pt

        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[6])
        size = next(points for longest, points in TITLE_SIZES if len(title) <= longest)
        if kicker:
            self.text(slide, kicker, Inches(0.5), Inches(0.3), Inches(10.3), Inches(0.4), Pt(14), "5D6D7E")
        self.text(
            slide, title, Inches(0.5), Inches(0.65), Inches(10.3), Inches(1.2), Pt(size), self.brand.primary
        )
        self.text(slide, self.footer, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.35), Pt(10), "5D6D7E")
        if self.logo:
            logo = slide.shapes.add_picture(io.BytesIO(self.logo), 0, Inches(0.3), height=Inches(0.5))
            if logo.width > Inches(2.2):  # a wide word-mark: as wide as the corner allows, in proportion
                logo.height, logo.width = int(logo.height * Inches(2.2) / logo.width), Inches(2.2)
            logo.left = self.presentation.slide_width - Inches(0.4) - logo.width  # the top right corner
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
        box_width, box_height = Inches(12.3), Inches(6.9) - top
        scale = min(box_width / width_px, box_height / height_px)
        width, height = int(width_px * scale), int(height_px * scale)
        left = int((self.presentation.slide_width - width) / 2)
        slide.shapes.add_picture(io.BytesIO(image), left, top, width=width, height=height)


def _png_size(image: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")


def write_summary(
    report_dir: Path, slug: str, client_name: str, t: Translator, brand: Brand, when: dt.datetime
) -> Path:
    """Write ``<slug>-summary.pptx`` in a published report folder and return its path.

    Raises
    ------
    SlidesError
        When a chart cannot be drawn (the deck is not written; the HTML report is unaffected).
    """
    from pptx.util import Inches, Pt

    key_findings = findings(report_dir, t)
    charts: dict[str, dict] = {}
    for page in {finding.href.split("#")[0] for finding in key_findings} | {"05_action_plan.html"}:
        notebook = report_dir / page.replace(".html", ".ipynb")
        if notebook.is_file():
            charts |= {f"{page}#{anchor}": figure for anchor, figure in section_charts(notebook).items()}
    wanted = {finding.href for finding in key_findings} | {"05_action_plan.html#roadmap"}
    images = draw_charts({href: charts[href] for href in sorted(wanted) if href in charts})

    deck = _Deck(brand, f"{client_name} · {t.date(when, 'long')}")
    cover = deck.slide(t("slides.title"), client_name)
    deck.text(
        cover,
        t("slides.subtitle", date=t.date(when, "long")),
        Inches(0.5),
        Inches(2.2),
        Inches(12),
        Inches(1),
        Pt(18),
        "1C2833",
    )
    for finding in key_findings:
        _finding_slide(deck, finding, images.get(finding.href), t)
    _roadmap_slide(deck, load(report_dir, "05_action_plan"), images.get("05_action_plan.html#roadmap"), t)
    methods = deck.slide(t("slides.methods_title"))
    deck.text(
        methods,
        "\n".join(_plain(t(key)) for key in METHOD_KEYS),
        Inches(0.5),
        Inches(1.7),
        Inches(12.3),
        Inches(5.2),
        Pt(13),
        "1C2833",
    )
    buffer = io.BytesIO()
    deck.presentation.save(buffer)
    path = report_dir / summary_name(slug)
    write_bytes_atomic(path, buffer.getvalue())
    return path


def _finding_slide(deck: _Deck, finding: Finding, image: bytes | None, t: Translator) -> None:
    from pptx.util import Inches

    slide = deck.slide(_plain(finding.text), t(finding.section))
    if image is not None:
        deck.picture(slide, image, Inches(2.0))


def _roadmap_slide(deck: _Deck, plan: dict | None, image: bytes | None, t: Translator) -> None:
    """The three waves side by side (initiatives and the outcome expected at each wave's end), then
    the roadmap chart on a slide of its own."""
    from pptx.util import Inches, Pt

    if not plan:
        return
    initiatives = results_frame(plan["initiatives"])
    outcome = t(f"metric.{plan['outcome']}")
    slide = deck.slide(t("slides.roadmap_title"))
    for position, wave in enumerate(sorted(initiatives["wave"].dropna().astype(int).unique())):
        names = initiatives.loc[initiatives["wave"] == wave, "name"]
        expected = plan["waves"].get(str(wave))
        lines = [t("slides.wave", wave=wave), *(f"• {name}" for name in names)]
        if expected:
            lines.append(t("slides.expected", outcome=outcome, value=t.interval(*expected)))
        left = Inches(0.5 + position * 4.2)
        deck.text(slide, "\n".join(lines), left, Inches(1.8), Inches(4.0), Inches(5.0), Pt(15), "1C2833")
    if image is not None:
        chart = deck.slide(t("plan.gantt_title"), t("slides.roadmap_title"))
        deck.picture(chart, image, Inches(1.6))
