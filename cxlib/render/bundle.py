"""One client's report as a single self-contained file (``<slug>-report.html``), for e-mail.

The bundle holds the client index and every step page of the report folder, one after another,
each as a ``<section>`` that starts a new printed page, with the stylesheet and one copy of
plotly.js inline. Links between the pages become links within the file ("03_journey.html#alert-log"
becomes "#alert-log"). Links to other clients, the "back" links and the link to the consultant's
checks page (:mod:`cxlib.render.checks`) are dropped, as they lead outside the file.

Printed (:mod:`cxlib.render.pdf`), the bundle opens with a cover (logo, title, date) and a table
of contents: the summary and each step page, with the page each starts on, which the printer
fills in. Both are hidden on screen, where the index already leads to every page.

Files a page offers for download (the journey workbook) travel inside the bundle as ``data:`` URIs,
so the e-mailed file is whole; a file over :data:`EMBED_LIMIT` bytes (which would make the bundle
too heavy for e-mail) is replaced by a note that it is sent separately.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path

from cxlib.core.files import write_text_atomic
from cxlib.render.brand import HOUSE, Brand
from cxlib.render.export import page_css, plotly_js

#: The part of a page the bundle keeps, and the parts of it that lead outside the bundle.
_MAIN = re.compile(r"<main>(.*)</main>", re.DOTALL)
_DROPPED = re.compile(r'<nav class="cx-nav[^"]*">.*?</nav>|<footer class="cx-footer">.*?</footer>', re.DOTALL)
_PAGE_LINK = re.compile(r'href="(index|\d\d_[a-z_]+)\.html(#[^"]*)?"')
_TITLE = re.compile(r"<h1>(.*?)</h1>", re.DOTALL)
_DOWNLOAD = re.compile(r'<a class="cx-download"[^>]*?href="([^"/:]+)"[^>]*>(.*?)</a>', re.DOTALL)
#: Largest download embedded in the bundle, in bytes (base64 adds a third): 5 MB keeps a bundle
#: with its plotly.js under most mail servers' 10-25 MB attachment limits.
EMBED_LIMIT = 5_000_000
BUNDLE_CSS = (
    ".cx-bundle-page + .cx-bundle-page { break-before: page; border-top: 1px solid #D5D8DC; "
    "margin-top: 48px; padding-top: 24px; }\n"
    "@media print { .cx-bundle-page + .cx-bundle-page { border-top: none; margin-top: 0; padding-top: 0; } "
    "main > footer.cx-footer { display: none; } }\n"
    ".cx-cover { break-after: page; padding-top: 170px; }\n"
    ".cx-cover h1 { font-size: 26pt; color: var(--cx-accent); margin: 0 0 16px; line-height: 1.2; }\n"
    ".cx-cover p { font-size: 13pt; color: var(--cx-muted); }\n"
    ".cx-toc { break-after: page; }\n"
    ".cx-toc ol { list-style: none; padding: 0; margin: 24px 0; font-size: 13pt; }\n"
    ".cx-toc li { display: flex; gap: 12px; padding: 8px 0; border-bottom: 1px dotted var(--cx-line); }\n"
    ".cx-toc li a { flex: 1; color: var(--cx-ink); text-decoration: none; }\n"
    ".cx-toc-page { min-width: 3em; text-align: right; }"
)


def bundle_name(slug: str) -> str:
    """The bundle's file name in the client's report folder."""
    return f"{slug}-report.html"


def _page_anchor(match: re.Match) -> str:
    page, anchor = match.group(1), match.group(2)
    return f'href="{anchor or "#page-" + page}"'


def page_body(page_html: str) -> str:
    """A report page's content without its navigation and footer, with links between pages made
    into links within the bundle."""
    found = _MAIN.search(page_html)
    body = found.group(1) if found else ""
    return _PAGE_LINK.sub(_page_anchor, _DROPPED.sub("", body))


def printed_front(
    title: str, when: str, logo: str, contents_title: str, entries: list[tuple[str, str]]
) -> str:
    """The printed report's cover and table of contents, hidden on screen.

    ``title``, ``when`` and ``contents_title`` are plain text (escaped here); ``logo`` is the brand's
    ``<img>`` (:meth:`cxlib.render.brand.Brand.logo_html`); ``entries`` are (target id, title as
    HTML) pairs, each with an empty page number for the printer to fill.
    """
    rows = "".join(
        f'<li><a href="#{target}">{heading}</a><span class="cx-toc-page" data-target="{target}"></span></li>'
        for target, heading in entries
    )
    return (
        f'<section class="cx-print-only cx-cover" id="cover">{logo}<h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(when)}</p></section>\n"
        f'<nav class="cx-print-only cx-toc" id="contents"><h2>{html.escape(contents_title)}</h2>'
        f"<ol>{rows}</ol></nav>"
    )


def embed_downloads(body: str, report_dir: Path, separate_note: str) -> str:
    """``body`` with each download link to a file of ``report_dir`` made a ``data:`` URI holding the
    file (its name kept for saving), or, for a file over :data:`EMBED_LIMIT` or missing, replaced
    by ``separate_note`` (plain text, escaped here)."""

    def embedded(match: re.Match) -> str:
        name = html.unescape(match.group(1))
        path = report_dir / name
        if not path.is_file() or path.stat().st_size > EMBED_LIMIT:
            return f'<span class="cx-download-note">{html.escape(separate_note)}</span>'
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return (
            f'<a class="cx-download" href="data:{kind};base64,{data}" '
            f'download="{html.escape(name)}">{match.group(2)}</a>'
        )

    return _DOWNLOAD.sub(embedded, body)


def write_bundle(
    report_dir: Path,
    slug: str,
    pages: list[str],
    language: str,
    title: str,
    footer: str,
    brand: Brand = HOUSE,
    separate_note: str = "",
    *,
    contents: tuple[str, str],
) -> Path:
    """Write ``<slug>-report.html`` in ``report_dir`` from its ``index.html`` and the step pages
    named in ``pages`` (file stems, in order; missing files are left out) and return its path.

    ``title``, ``footer``, ``separate_note`` (what replaces a download too large to embed,
    :func:`embed_downloads`) and ``contents`` are plain text (escaped here). ``contents`` names the
    table of contents and the index's entry in it (:func:`printed_front`); each step's entry is its
    page's title.
    """
    sections, entries = [], []
    for page in ["index", *pages]:
        path = report_dir / f"{page}.html"
        if path.is_file():
            body = embed_downloads(page_body(path.read_text(encoding="utf-8")), report_dir, separate_note)
            sections.append(f'<section class="cx-bundle-page" id="page-{page}">\n{body}\n</section>')
            heading = _TITLE.search(body) if page != "index" else None
            entries.append((f"page-{page}", heading.group(1) if heading else html.escape(contents[1])))
    document = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{page_css(brand)}\n{BUNDLE_CSS}</style>\n"
        f"<script>{plotly_js()}</script>\n</head>\n<body>\n<main>\n"
        + printed_front(title, footer, brand.logo_html(), contents[0], entries)
        + "\n"
        + "\n".join(sections)
        + f'\n<footer class="cx-footer">{html.escape(footer)}</footer>\n</main>\n</body>\n</html>\n'
    )
    path = report_dir / bundle_name(slug)
    write_text_atomic(path, document)
    return path
