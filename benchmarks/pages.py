"""Weight and first paint of the reports: each client's folder and bundle in MB, and for every page
the milliseconds from navigation to the first frame painted with a chart, in headless Chromium.

Runs ``cxwb run demo northwind`` into a temporary folder (or measures ``--out FOLDER`` as it is),
then opens every page with Debian's Chromium (``/usr/bin/chromium``, through Playwright; nothing is
downloaded) with every non-file request aborted, each page loaded ``--repeat`` times (median shown).
Run ``python benchmarks/pages.py [--out FOLDER] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CLIENTS = ("demo", "northwind")
#: Runs in the page before its own scripts: the time of the first animation frame (the frame that
#: paints) after a chart's SVG enters the page, on the page's own clock. Asking the page for the time
#: once the harness has seen the chart would add however long the page's main thread then stays busy
#: drawing the next charts.
FIRST_FRAME_WITH_A_CHART = """
new MutationObserver(function (changes, observer) {
  if (document.querySelector('.plotly-graph-div .main-svg')) {
    observer.disconnect();
    requestAnimationFrame(function () { window.cxFirstChartFrame = performance.now(); });
  }
}).observe(document, {childList: true, subtree: true});
"""


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def first_chart_ms(browser, path: Path, repeat: int) -> str:
    """Median milliseconds from navigation start to the first drawn chart over ``repeat`` loads, each
    in a new browser context ("no chart" for pages without)."""
    times = [_first_chart_once(browser, path) for _ in range(repeat)]
    if None in times:
        return "no chart"
    return f"{statistics.median(times):6.0f} ms (of {', '.join(f'{t:.0f}' for t in times)})"


def _first_chart_once(browser, path: Path) -> float | None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    page.add_init_script(FIRST_FRAME_WITH_A_CHART)
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_load_state("load")
    if page.locator(".plotly-graph-div").count() == 0:
        page.close()
        return None
    drawn = page.wait_for_function("window.cxFirstChartFrame", timeout=30000).json_value()
    page.close()
    return drawn


def measure(out: Path, repeat: int) -> None:
    shared = out / "assets"
    print(f"shared plotly.js ({shared.name}/): {folder_mb(shared):.2f} MB, once for the whole output folder")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for slug in CLIENTS:
            folder = out / slug
            bundle = folder / f"{slug}-report.html"
            print(
                f"{slug}: folder {folder_mb(folder):.2f} MB (bundle {bundle.stat().st_size / 1e6:.2f} MB, "
                f"pages {sum(p.stat().st_size for p in folder.glob('*.html') if p != bundle) / 1e6:.2f} MB)"
            )
            for page in sorted(folder.glob("*.html")):
                print(f"  {page.name:<28} first chart {first_chart_ms(browser, page, repeat)}", flush=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="an output folder of cxwb run holding demo and northwind")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page (the median is printed)")
    arguments = parser.parse_args()
    if arguments.out:
        measure(arguments.out, arguments.repeat)
        return
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(temporary)
        command = [sys.executable, "-m", "cxlib", "run", *CLIENTS, "--out", str(out), "--jobs", "2"]
        subprocess.run(command, check=True, capture_output=True)
        measure(out, arguments.repeat)


if __name__ == "__main__":
    main()
