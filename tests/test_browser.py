"""Open the reports in real headless Chromium (Debian's, never a downloaded one) with the network blocked."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render.brand import brand_of
from cxlib.render.export import plotly_js
from cxlib.render.pdf import ALL_CHARTS_DRAWN
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load
from cxlib.render.slides import MAIN_SLIDES, STORY_MESSAGES, SlidesError, check_slide_maker, write_summary
from cxlib.run.runner import run
from cxlib.steps import STEPS

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def open_offline(browser, path: Path):
    """Open a file with every non-file request aborted; return the page, errors and blocked URLs."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, blocked = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return page, errors, blocked


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_reports_draw_charts_offline(browser, demo_reports, slug):
    page, errors, blocked = open_offline(browser, demo_reports / "index.html")
    page.click(f'a[href="{slug}/index.html"]')
    page.wait_for_load_state()
    page.click('a[href="00_overview.html"]')
    page.wait_for_selector(".plotly-graph-div .main-svg", timeout=15000)
    charts = page.locator(".plotly-graph-div")
    assert charts.count() >= 5
    drawn = page.locator(".plotly-graph-div .main-svg .bars path, .plotly-graph-div .main-svg .point path")
    assert drawn.count() > 20
    titles = page.locator(".plotly-graph-div .gtitle").evaluate_all(
        "nodes => nodes.map(node => node.textContent)"
    )
    assert any(("Respuestas" if slug == "demo" else "Responses") in title for title in titles)
    assert errors == [] and blocked == []
    page.close()


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_bundle_draws_every_chart_offline_and_links_within_itself(browser, demo_reports, slug):
    bundle = demo_reports / slug / f"{slug}-report.html"
    page, errors, blocked = open_offline(browser, bundle)
    page.wait_for_selector(".plotly-graph-div .main-svg", timeout=15000)
    charts = page.locator(".plotly-graph-div")
    page.wait_for_function(
        "count => document.querySelectorAll('.plotly-graph-div .main-svg').length >= count",
        arg=charts.count(),
        timeout=30000,
    )
    assert charts.count() >= 15
    page.locator('a[href="#page-03_journey"]:visible').first.click()  # the printed contents is hidden
    assert page.evaluate("location.hash") == "#page-03_journey"
    assert page.locator("#page-03_journey .plotly-graph-div").count() >= 2
    assert errors == [] and blocked == []
    page.close()


def test_pdf_prints_the_bundle_on_a4_landscape_pages(tmp_path):
    out = tmp_path / "out"
    assert run(["demo"], out, step_names=["00", "06"], pdf=True, pptx=True) == 0
    # the deck is written too; without the diagnosis or plan it holds the cover and the methods
    deck = [slide_text(slide) for slide in Presentation(out / "demo" / "demo-summary.pptx").slides]
    assert "Así viven hoy sus clientes" in deck[0] and "Anexo: estos métodos" in deck[1]
    reader = PdfReader(out / "demo" / "demo-report.pdf")
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    text = [page.extract_text() for page in reader.pages]
    assert "Banco Meridiano" in text[0]  # the client index opens it
    starts = [
        number for number, page in enumerate(text) if "Balance 9C" in page or "Perfil de los datos" in page
    ]
    assert len(reader.pages) >= 4 and len(starts) >= 2
    assert "Jupyter" not in "".join(text)


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


#: A title is a sentence with a verb: one of these (the verbs the deck's titles are written with).
TITLE_VERBS = re.compile(
    r"\b(viven|proponemos|resumen|se sitúa|es|son|muestra|está|están|da|ordena|lleva|necesitamos|producen|"
    r"completan|explica|experience|propose|sum|stands|is|are|moves|shows|gives|puts|takes|need|produce|"
    r"complete|explains)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_deck_tells_one_story_with_native_charts_from_the_published_results(demo_reports, tmp_path, slug):
    """At most 15 slides before the appendix, each titled with a sentence used once; no picture twice
    (by hash); at least four native charts whose series are the published figures."""
    report = tmp_path / slug
    shutil.copytree(demo_reports / slug, report)
    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = client.translator()
    brand = brand_of(client.config, client.directory)
    deck = Presentation(write_summary(report, slug, client.config.name, t, brand, dt.datetime(2026, 11, 29)))
    slides = list(deck.slides)
    titles = [_title(slide) for slide in slides]
    appendix = next(number for number, title in enumerate(titles) if title == t("slides.methods_title"))
    assert appendix <= MAIN_SLIDES
    assert len(set(titles)) == len(titles)
    for title in titles:
        assert TITLE_VERBS.search(title) and len(title.split()) >= 5, title
    for slide in slides:  # every shape lies whole on its slide
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= deck.slide_width, shape.name
            assert 0 <= shape.top and shape.top + shape.height <= deck.slide_height, shape.name
    images = [
        hashlib.sha256(shape.image.blob).hexdigest()
        for slide in slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(images) == len(set(images)) and len(images) >= 1
    charts = {
        _title_of_chart(shape.chart): shape.chart
        for slide in slides
        for shape in slide.shapes
        if shape.has_chart
    }
    assert len(charts) >= 4
    diagnosis, plan = load(report, "01_diagnosis"), load(report, "05_action_plan")
    pillars = results_frame(diagnosis["pillars"])
    current = charts[t("slides.pillars_chart")].plots[0].series[0]
    # a native chart holds its values as its number format shows them (one decimal; shares in whole %)
    assert list(current.values) == pytest.approx(pillars["current"].tolist(), abs=0.05)
    drivers = next(
        chart for title, chart in charts.items() if title.startswith(t("slides.drivers_chart")[:20])
    )
    shares = sorted(pillars["share"], reverse=True)
    assert list(drivers.plots[0].series[0].values) == pytest.approx(shares, abs=0.005)
    roadmap = next(
        chart
        for title, chart in charts.items()
        if t("slides.series.expected") in [s.name for s in chart.plots[0].series]
    )
    waves = [plan["waves"][wave][0] for wave in ("1", "2", "3")]
    assert list(roadmap.plots[0].series[0].values)[-3:] == pytest.approx(waves, abs=0.05)
    summary = slides[1]
    messages = [line for line in slide_text(summary).split("\n") if line.startswith("• ")]
    # the summary reads the slides' own messages (their titles), in order: a storyline, not readouts
    assert 3 <= len(messages) <= STORY_MESSAGES and all(line[2:] in titles[2:] for line in messages)
    assert "Jupyter" not in "".join(slide_text(slide) for slide in slides)


def _title(slide) -> str:
    """A slide's title: its largest text."""
    boxes = [shape for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]
    return max((box.text_frame.paragraphs[0].runs[0].font.size, box.text_frame.text) for box in boxes)[1]


def _title_of_chart(chart) -> str:
    return chart.chart_title.text_frame.text


def test_slides_are_refused_before_anything_runs_without_their_tools(monkeypatch):
    monkeypatch.setitem(sys.modules, "kaleido", None)
    with pytest.raises(SlidesError, match=r"pip install 'cx-workbook\[pptx\]'"):
        check_slide_maker()
    monkeypatch.delitem(sys.modules, "kaleido")
    monkeypatch.setenv("CXWB_CHROMIUM", "/nowhere/chromium")
    with pytest.raises(SlidesError, match="apt-get install chromium"):
        check_slide_maker()


#: Every pair of visible text boxes in a chart's SVG that meet, and every text box that meets an
#: error bar or a marker (boxes shrunk by a pixel or two: glyph boxes include blank ascent).
OVERLAPS_JS = (Path(__file__).parent / "overlaps.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [1024, 1366])
@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_no_chart_text_overlaps_another_text_a_whisker_or_a_marker(browser, demo_reports, slug, width):
    """On a laptop and a small screen, no value label, category, tick or key of any chart runs into
    another text, an error bar or a marker (the rendered SVG's boxes, as the reader sees them)."""
    found = []
    for step in STEPS:
        page, errors, blocked = open_offline(browser, demo_reports / slug / f"{step.name}.html")
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function(ALL_CHARTS_DRAWN)
        page.wait_for_timeout(300)  # responsive charts re-lay themselves out at the new width
        for number, chart in enumerate(page.query_selector_all(".js-plotly-plot")):
            found += [f"{step.name} chart {number}: {overlap}" for overlap in chart.evaluate(OVERLAPS_JS)]
        assert errors == [] and blocked == []
        page.close()
    assert found == [], "\n".join(found)


def test_the_overlap_check_finds_a_planted_collision(browser, tmp_path):
    """The check above is not vacuous: two labels on one point, and a label across a whisker."""
    figure = go.Figure(
        go.Scatter(
            x=[1, 1, 2],
            y=[1, 1, 1],
            mode="markers+text",
            text=["Resolution", "Empathy", "60.7% [59.1%; 62.2%]"],
            textposition=["top center", "top center", "middle center"],
            error_y={"type": "data", "array": [0, 0, 1]},
        )
    )
    page_path = tmp_path / "planted.html"
    page_path.write_text(
        figure.to_html(include_plotlyjs=False, full_html=True).replace(
            "<head>", f"<head><script>{plotly_js()}</script>", 1
        ),
        encoding="utf-8",
    )
    page, errors, blocked = open_offline(browser, page_path)
    page.wait_for_function(ALL_CHARTS_DRAWN)
    found = page.query_selector(".js-plotly-plot").evaluate(OVERLAPS_JS)
    assert any("Resolution" in overlap and "Empathy" in overlap for overlap in found), found
    assert any("60.7%" in overlap and "whisker" in overlap for overlap in found), found
    page.close()
