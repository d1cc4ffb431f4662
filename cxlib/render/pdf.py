"""A report printed to PDF by headless Chromium: Debian's ``/usr/bin/chromium`` (or the browser
named by ``CXWB_CHROMIUM``), driven by Playwright for Python; no browser is ever downloaded.

The page is opened with every request outside the file refused, laid out as wide as the paper
inside its margins (:data:`cxlib.render.printed.PAPERS`: A4 landscape, or A3 with ``--paper a3``),
printed once every chart is drawn, and written atomically. Page breaks come from the stylesheet:
each page of a bundle starts a printed page, and charts, table rows and tables up to three fifths
of a page (:data:`SMALL_TABLE_SHARE`) are not split, a longer table repeating its header row;
collapsed blocks print open; screen-only instructions (hovering) are hidden, and the journey map
prints as tables sized for the paper.
Every page's footer carries the client's name and its page number of the total (Chromium's print
footer template), and the PDF has bookmarks from the headings.

The bundle's table of contents (:mod:`cxlib.render.bundle`) gets its page numbers from the print
itself: the page is printed, the page each entry's target starts on is read from the PDF's named
destinations (Chromium writes one for every target of a link within the page), the numbers are
written into the contents, and the page is printed again, until the numbers no longer change.
"""

from __future__ import annotations

import asyncio
import html
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from cxlib.core.exceptions import CxError
from cxlib.core.files import write_bytes_atomic
from cxlib.render.printed import PAPERS, Paper

if TYPE_CHECKING:
    from playwright.sync_api import Page

DEFAULT_CHROMIUM = "/usr/bin/chromium"
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
#: Writes each contents entry's page number (``.cx-toc-page[data-target]``) from a map of target id
#: to page number; returns whether any number changed.
FILL_CONTENTS = """pages => {
  let changed = false;
  for (const entry of document.querySelectorAll('.cx-toc-page[data-target]')) {
    const number = String(pages[entry.dataset.target] ?? '');
    changed = changed || entry.textContent !== number;
    entry.textContent = number;
  }
  return changed;
}"""
#: A table at most this share of the paper's height tall (three fifths: one that fits a page below its
#: heading and introduction) is kept whole on one page (``cx-keep``, :data:`MARK_SMALL_TABLES`); a
#: taller one runs on between rows, its header row repeated.
SMALL_TABLE_SHARE = 0.6
#: Marks each report table as tall as the print lays it out at most ``limit`` CSS pixels
#: ``cx-keep``, which the print style keeps whole on its page.
MARK_SMALL_TABLES = """limit => {
  for (const table of document.querySelectorAll('table.cx-table')) {
    table.classList.toggle('cx-keep', table.getBoundingClientRect().height <= limit);
  }
}"""
#: Prints at most this many times while the contents' page numbers settle (they settle on the second).
CONTENTS_PASSES = 3


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
        Naming what to install: Playwright for Python and pypdf, or Debian's chromium package (when
        ``CXWB_CHROMIUM`` or ``/usr/bin/chromium`` is missing, a folder, or not executable).
    """
    try:
        import playwright.sync_api  # noqa: F401 (only whether it is installed)
        import pypdf  # noqa: F401 (reads the contents' page numbers back from the print)
    except ImportError as error:
        raise PdfError(
            f"--pdf needs {error.name}: pip install 'cx-workbook[pdf]' (Playwright drives the system "
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


def print_pdf(html_path: Path, pdf_path: Path, footer: str = "", paper: str = "a4") -> Path:
    """Print the page at ``html_path`` to ``pdf_path`` and return ``pdf_path``.

    ``footer`` (plain text, the client's name; escaped here) opens every page's footer, before the
    page number. ``paper`` names the landscape sheet (:data:`cxlib.render.printed.PAPERS`).

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
        return _print(html_path, pdf_path, footer, PAPERS[paper])
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(_print, html_path, pdf_path, footer, PAPERS[paper]).result()


def target_pages(document: bytes) -> dict[str, int]:
    """The 1-based page each named destination of a PDF (a link target's id) points to."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(document))
    return {
        name.lstrip("/"): reader.get_destination_page_number(destination) + 1
        for name, destination in reader.named_destinations.items()
    }


def _print_with_contents(page: Page, options: dict) -> bytes:
    """Print ``page`` with ``options`` (Playwright's ``page.pdf``) until the page numbers its contents show
    are those the print gives their targets (:data:`FILL_CONTENTS`)."""
    document = page.pdf(**options)
    for _ in range(CONTENTS_PASSES - 1):
        if not page.evaluate(FILL_CONTENTS, target_pages(document)):
            break
        document = page.pdf(**options)
    return document


def _print(html_path: Path, pdf_path: Path, footer: str, paper: Paper) -> Path:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium_path()), args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                page = browser.new_page(viewport={"width": paper.width, "height": paper.height})
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
                page.evaluate("paper => { document.documentElement.dataset.paper = paper; }", paper.name)
                page.add_style_tag(content=f"@page {{ size: {paper.name.upper()} landscape; }}")
                page.emulate_media(media="print")
                page.evaluate(MARK_SMALL_TABLES, SMALL_TABLE_SHARE * paper.height)
                document = _print_with_contents(
                    page,
                    {
                        "prefer_css_page_size": True,  # the paper, margins with room for the footer
                        "print_background": True,
                        "display_header_footer": True,
                        "header_template": "<span></span>",
                        "footer_template": FOOTER_TEMPLATE.format(name=html.escape(footer)),
                        "outline": True,
                        "tagged": True,
                    },
                )
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(
            f"{html_path.name}: Chromium could not print it ({error.message.splitlines()[0]})"
        ) from error
    write_bytes_atomic(pdf_path, document)
    return pdf_path
