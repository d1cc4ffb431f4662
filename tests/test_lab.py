"""``cxwb lab``: the command JupyterLab starts with, and the workbench driven in real JupyterLab
through headless Debian Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxlib.core.paths import DEMO_CLIENTS_DIR, NOTEBOOKS_DIR
from cxlib.run.lab import lab_command

CHROMIUM = Path("/usr/bin/chromium")


def test_the_lab_opens_the_notebooks_with_the_workbook_kernel_for_the_client():
    argv, environment = lab_command(DEMO_CLIENTS_DIR / "demo", port=9999, browser=False)
    assert argv[1] == "lab" and f"--ServerApp.root_dir={NOTEBOOKS_DIR}" in argv
    assert "--MappingKernelManager.default_kernel_name=cxwb" in argv
    hidden = next(arg for arg in argv if arg.startswith("--ContentsManager.hide_globs="))
    assert "*.py" in json.loads(hidden.split("=", 1)[1]) and "__pycache__" in hidden
    assert ("--allow-root" in argv) == (os.geteuid() == 0)
    assert "--no-browser" in argv and "--ServerApp.port=9999" in argv
    assert environment["CXWB_CLIENT"] == str(DEMO_CLIENTS_DIR / "demo")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``cxwb lab demo`` on a free port; yields its address with the token."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w", encoding="utf-8") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "cxlib", "lab", "demo", "--no-browser", "--port", str(port)],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180
        while not (found := re.search(r"http://127\.0\.0\.1:\d+/lab\?token=\w+", log.read_text())):
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(1)
        yield found.group(0)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def _run_all(page, lab: str, notebook: str) -> None:
    """Open ``notebook`` in the lab and run every cell (Run › Run All Cells)."""
    page.goto(lab.replace("/lab?", f"/lab/tree/{notebook}?reset&"), timeout=180_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    page.wait_for_selector("text=(cx-workbook) | Idle", timeout=180_000)  # the kernel is up
    page.click("text=Run", timeout=60_000)
    page.click("text=Run All Cells", timeout=60_000)


@pytest.mark.browser
@pytest.mark.slow
def test_the_diagnosis_opens_with_its_filter_bar_in_jupyterlab(lab, page):
    """Real JupyterLab: each step listed once, the workbook's kernel, and after Run All the demo's
    diagnosis shows its filter bar (the filter's effect on the figures is checked in-kernel in
    tests/test_explore.py)."""
    _run_all(page, lab, "01_diagnosis.ipynb")
    listed = page.locator(".jp-DirListing-itemText").all_inner_texts()
    assert "01_diagnosis.ipynb" in listed and not any(name.endswith(".py") for name in listed)
    assert page.locator("text=Python (cx-workbook)").count() >= 1
    bar = page.locator(".widget-select-multiple").first
    bar.wait_for(timeout=600_000)
    assert "PyME" in bar.locator("select").inner_text()
    bar.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/explore-filter.png")


#: The values of the last chart whose title holds a text, any case (the explorer's chart, drawn
#: after the report's), as JSON; ``null`` while there is none.
CHART_VALUES = """(title) => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.layout && p.layout.title
        && (p.layout.title.text || '').toLowerCase().includes(title.toLowerCase()));
    const data = plots.length ? plots[plots.length - 1].data : [];
    return data && data.length ? JSON.stringify(data[0].x) : null;  // no trace while it is redrawn
}"""
CHANGED = (
    f"([title, before]) => {{ const now = ({CHART_VALUES})(title); return now !== null && now !== before; }}"
)


@pytest.mark.browser
@pytest.mark.slow
def test_the_segment_filter_redraws_the_chart_in_jupyterlab(lab, page):
    """Choosing PyME in the running diagnosis (left by the test above) redraws its NPS by segment."""
    bar = page.locator(".widget-select-multiple").first
    bar.wait_for(timeout=600_000)
    page.wait_for_function(CHANGED, arg=["NPS por segmento", None], timeout=300_000)
    before = page.evaluate(CHART_VALUES, "NPS por segmento")
    bar.scroll_into_view_if_needed()
    bar.locator("select").select_option(label="PyME")
    page.wait_for_function(CHANGED, arg=["NPS por segmento", before], timeout=180_000)
    page.screenshot(path="/tmp/explore-filtered.png")
