"""A report printed to PDF by headless Chromium: Debian's ``/usr/bin/chromium`` (or the browser
named by ``CXWB_CHROMIUM``), driven by Playwright for Python; no browser is ever downloaded.

The page is opened with every request outside the file refused, laid out 1047 px wide (A4
landscape with 10 mm margins at 96 dpi, the size the report's print stylesheet is made for),
printed once every chart is drawn, and written atomically. Page breaks come from the stylesheet:
each page of a bundle starts a printed page, and charts and wide tables are not split; screen-only
instructions (hovering) are hidden. Every page's footer carries the client's name and its page
number of the total (Chromium's print footer template).
"""

from __future__ import annotations

import asyncio
import html
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cxlib.core.exceptions import CxError
from cxlib.core.files import write_bytes_atomic

DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: An A4 landscape page inside 10 mm margins (14 mm at the bottom, for the footer), in CSS pixels.
PRINT_WIDTH, PRINT_HEIGHT = 1047, 703
#: Longest wait for the charts of a page to be drawn, in milliseconds.
DRAW_TIMEOUT_MS = 120_000
#: The print footer: the client's name on the left, "page / pages" on the right, 9 pt (Chromium
#: fills the pageNumber and totalPages spans).
FOOTER_TEMPLATE = (
    '<div style="width:100%; font-size:9pt; color:#5D6D7E; padding:0 10mm; display:flex; '
    'justify-content:space-between; font-family:sans-serif;"><span>{name}</span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)
ALL_CHARTS_DRAWN = (
    "() => [...document.querySelectorAll('.plotly-graph-div')]"
    ".every(chart => chart.querySelector('.main-svg'))"
)


class PdfError(CxError):
    """The PDF could not be printed (no browser, no Playwright, or the browser failed)."""


def chromium_path() -> Path:
    """The browser that prints: ``CXWB_CHROMIUM``, else Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get("CXWB_CHROMIUM", DEFAULT_CHROMIUM))


def check_printer() -> None:
    """Refuse before anything runs when ``--pdf`` cannot work.

    Raises
    ------
    PdfError
        Naming what to install: Playwright for Python, or Debian's chromium package (when
        ``CXWB_CHROMIUM`` or ``/usr/bin/chromium`` is missing, a folder, or not executable).
    """
    try:
        import playwright.sync_api  # noqa: F401 (only whether it is installed)
    except ImportError as error:
        raise PdfError(
            "--pdf needs Playwright for Python: pip install 'cx-workbook[pdf]' (it drives the system "
            "Chromium; no browser is downloaded)"
        ) from error
    problem = chromium_problem()
    if problem:
        raise PdfError(
            f"--pdf needs Chromium at {chromium_path()}, which {problem}: install Debian's package "
            "(apt-get install chromium) or set CXWB_CHROMIUM to another Chromium"
        )


def chromium_problem() -> str | None:
    """Why :func:`chromium_path` cannot be started (missing, a folder, not executable), or ``None``."""
    path = chromium_path()
    if path.is_dir():
        return "is a folder, not the browser's program"
    if not path.is_file():
        return "does not exist"
    if not os.access(path, os.X_OK):
        return f"is not executable (chmod +x {path}, or name the browser's program itself)"
    return None


def print_pdf(html_path: Path, pdf_path: Path, footer: str = "") -> Path:
    """Print the page at ``html_path`` to ``pdf_path`` (A4 landscape) and return ``pdf_path``.

    ``footer`` (plain text, the client's name; escaped here) opens every page's footer, before the
    page number.

    Where an asyncio loop already runs in this thread (a notebook kernel, another Playwright
    session), the browser is driven from a thread of its own, as Playwright's sync API requires.

    Raises
    ------
    PdfError
        When the browser cannot start, open the page or draw its charts in time.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print(html_path, pdf_path, footer)
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(_print, html_path, pdf_path, footer).result()


def _print(html_path: Path, pdf_path: Path, footer: str) -> Path:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium_path()), args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": PRINT_HEIGHT})
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:", "blob:"))
                        else route.abort()
                    ),
                )
                page.goto(html_path.resolve().as_uri())
                page.wait_for_function(ALL_CHARTS_DRAWN, timeout=DRAW_TIMEOUT_MS)
                page.emulate_media(media="print")
                document = page.pdf(
                    prefer_css_page_size=True,  # A4 landscape, margins with room for the footer
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER_TEMPLATE.format(name=html.escape(footer)),
                )
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(
            f"{html_path.name}: Chromium could not print it ({error.message.splitlines()[0]})"
        ) from error
    write_bytes_atomic(pdf_path, document)
    return pdf_path
