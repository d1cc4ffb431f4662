"""Open the reports in real headless Chromium (Debian's, never a downloaded one) with the network blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from cxlib.run.runner import run

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


def test_journey_map_fits_one_landscape_page_in_print(browser, demo_reports):
    """Printed on A4 landscape with 10 mm margins (277 × 190 mm, 1047 × 718 CSS px), the map fits whole."""
    page, errors, blocked = open_offline(browser, demo_reports / "demo" / "03_journey.html")
    page.set_viewport_size({"width": 1047, "height": 718})
    page.emulate_media(media="print")
    page.wait_for_selector(".cx-wide .plotly-graph-div .main-svg", timeout=15000)
    box = page.locator(".cx-wide .plotly-graph-div").first.bounding_box()
    assert box["width"] <= 1047 and box["height"] <= 718, box
    assert page.locator(".cx-wide .heatmaplayer, .cx-wide .hm").count() >= 1
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
    page.click('a[href="#page-03_journey"]')
    assert page.evaluate("location.hash") == "#page-03_journey"
    assert page.locator("#page-03_journey .plotly-graph-div").count() >= 2
    assert errors == [] and blocked == []
    page.close()


def test_pdf_prints_the_bundle_on_a4_landscape_pages(tmp_path):
    out = tmp_path / "out"
    assert run(["demo"], out, step_names=["00", "06"], pdf=True) == 0
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
