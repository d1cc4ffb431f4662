"""``cxwb lab``: the command JupyterLab starts with, and the workbench driven in real JupyterLab
through headless Debian Chromium (never a downloaded browser)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
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
def notebooks(tmp_path_factory) -> Path:
    """A copy of the step notebooks (and their jupytext pairing): JupyterLab saves executed outputs
    into the notebooks it runs, which must never be the repository's."""
    folder = tmp_path_factory.mktemp("notebooks")
    for source in [*NOTEBOOKS_DIR.glob("*.ipynb"), NOTEBOOKS_DIR / "jupytext.toml"]:
        shutil.copy2(source, folder / source.name)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory, notebooks):
    """``cxwb lab demo``'s command line, on a free port and on the copy of the notebooks; yields its
    address with the token."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    argv, environment = lab_command(DEMO_CLIENTS_DIR / "demo", port=_free_port(), browser=False)
    argv = [
        f"--ServerApp.root_dir={notebooks}" if arg.startswith("--ServerApp.root_dir=") else arg
        for arg in argv
    ]
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    with open(log, "w", encoding="utf-8") as stream:
        server = subprocess.Popen(
            argv, env=environment, cwd=notebooks, stdout=stream, stderr=subprocess.STDOUT
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


@pytest.mark.browser
@pytest.mark.slow
def test_clicking_a_bar_lists_the_groups_masked_comments_in_jupyterlab(lab, page):
    """A click on the filtered NPS-by-segment bar (PyME, left by the test above), where plotly
    receives it (the plot's drag layer), lists the responses behind it and their masked comments;
    and no cell of the diagnosis failed."""
    from cxlib.inputs.client import load_client

    page.wait_for_function(CHANGED, arg=["NPS por segmento", None], timeout=300_000)
    plot = page.locator(".js-plotly-plot").filter(has_text="NPS por segmento").last
    plot.scroll_into_view_if_needed()
    box = plot.locator(".bars .point path").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(500)  # plotly's hover finds the point under the pointer, then the click
    page.mouse.click(x, y)
    behind = page.locator(".widget-output").filter(has_text="Detrás de PyME").last
    behind.wait_for(timeout=120_000)
    table = behind.locator("table").filter(has=page.locator("th", has_text="Comentario")).first
    table.wait_for(timeout=60_000)  # the drill-down's outputs arrive one after another
    header = table.locator("thead tr").last.locator("th").all_inner_texts()
    assert "Comentario" in header
    column = header.index("Comentario")
    listed = table.locator("tbody tr").evaluate_all(
        f"rows => rows.map(row => row.children[{column}].innerText.split(/\\s+/).join(' ').trim())"
    )
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    pyme = client.tables["survey"].index[client.tables["survey"]["segment"].astype("string") == "PyME"]
    masked = client.comments()
    assert listed and set(listed) <= {" ".join(str(c).split()) for c in masked[masked.index.isin(pyme)]}
    behind.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/explore-drill.png")
    # the last cell, the workshop editor, opens the client the report opened (client_dir is empty)
    failed = page.locator(
        ".jp-OutputArea-output[data-mime-type*=stderr], .jp-OutputArea-output[data-mime-type*=error]"
    )
    page.locator(".widget-button", has_text="Cargar").or_(failed).last.wait_for(timeout=120_000)
    assert failed.count() == 0, failed.all_inner_texts()


@pytest.mark.browser
@pytest.mark.slow
def test_the_what_if_panel_redraws_the_plans_forecast_in_jupyterlab(lab, page):
    """The action plan run by hand (after the diagnosis above wrote its results) shows the what-if
    panel; leaving out the first initiative redraws the panel's forecast."""
    _run_all(page, lab, "05_action_plan.ipynb")
    panel = page.locator(".widget-vbox").filter(has_text="Brecha que cierra").last
    panel.wait_for(timeout=600_000)
    forecast = panel.locator(".widget-output").last
    page.wait_for_function(
        "el => el.innerText.trim().length > 0", arg=forecast.element_handle(), timeout=120_000
    )
    before = forecast.inner_text()
    panel.scroll_into_view_if_needed()
    panel.locator(".widget-checkbox input").first.click()
    page.wait_for_function(
        "([el, before]) => el.innerText.trim().length > 0 && el.innerText !== before",
        arg=[forecast.element_handle(), before],
        timeout=120_000,
    )
    page.screenshot(path="/tmp/explore-whatif.png")
