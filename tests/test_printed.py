"""The printed report: the journey map as tables that fit their pages, a cover, a table of contents
whose page numbers are right, a page number on every page, and no nearly empty page.

The PDF tests read the demos' PDFs with pypdf, printed once per session from the shared demo
reports (:func:`printed`); font sizes come from the text matrices (``visitor_text``).
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render.brand import HOUSE
from cxlib.render.bundle import bundle_name, printed_front
from cxlib.render.export import page_css
from cxlib.render.pdf import print_pdf, target_pages
from cxlib.render.printed import PAGE_SHARE, PAPERS, column_groups, printed_map, table_height
from cxlib.steps import journey

CHROMIUM = Path("/usr/bin/chromium")
#: Smallest text on the journey map's pages, in points.
SMALLEST_PT = 7
#: A page whose text ends above this share of its height is nearly empty.
NEARLY_EMPTY = 1 / 3
#: Below this height, in points, text is the page footer (name and page number).
FOOTER_PT = 30


def test_map_columns_split_into_groups_that_fit_a_page_in_order():
    items = pd.DataFrame(
        [[["a long item of a journey stage"] * 2] * 9] * 12,
        index=[f"lane {number}" for number in range(12)],
        columns=[f"stage {number}" for number in range(9)],
    )
    a4 = column_groups(items, PAPERS["a4"], room_above=200)
    assert 1 < len(a4) < 9 and sum(a4, []) == list(items.columns)
    assert table_height(items[a4[0]], PAPERS["a4"].width) <= PAGE_SHARE * PAPERS["a4"].height - 200
    assert all(table_height(items[group], PAPERS["a4"].width) <= PAGE_SHARE * 703 for group in a4)
    assert len(a4[0]) <= len(a4[-1])  # the first group shares its page: the smaller ones come first
    assert len(column_groups(items, PAPERS["a3"])) < len(a4)


def test_the_printed_map_repeats_the_row_labels_and_escapes_client_text():
    items = pd.DataFrame(
        [[["<script>alert(1)</script>"], []], [["Caja"], ["App"]]],
        index=["Acciones", "Puntos de contacto"],
        columns=["Descubrimiento", "Compra & pago"],
    )
    shades = items.map(lambda _: "")
    shades.iloc[0, 0] = "#CB4335"
    page = printed_map(items, shades, lambda first, last, count: f"Mapa {first}-{last}/{count}")
    assert "<script>" not in page and "&lt;script&gt;" in page and "Compra &amp; pago" in page
    assert "color:#FFFFFF" in page  # white text on a dark cell
    assert page.startswith('<div class="cx-print-only cx-printed-map">')
    for paper in PAPERS:
        assert f'class="cx-paper-{paper}"' in page


def test_the_demo_map_prints_on_a4_pages_in_groups_or_on_one_a3_page():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    page = journey.printed_map(client, client.translator())
    a4, a3 = page.split('class="cx-paper-a3"')
    assert a4.count("<table") >= 2 and a3.count("<table") == 1
    assert a4.count("Puntos de dolor [severidad]") == a4.count("<table")  # the row labels on each page
    assert "n = " in a3 and "[" in a3  # the measured emotion with its interval and n


def test_the_cover_and_contents_link_every_section():
    front = printed_front("Informe: A & B", "Generado hoy", "", "Contenido", [("page-index", "Hallazgos")])
    assert "Informe: A &amp; B" in front and 'href="#page-index"' in front
    assert '<span class="cx-toc-page" data-target="page-index"></span>' in front


def _matrix(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def page_text(page) -> list[tuple[str, float, float]]:
    """A PDF page's text runs: (text, size in points, height of the baseline above the page's foot)."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            matrix = _matrix(tm, cm)
            runs.append((text, size * math.hypot(matrix[2], matrix[3]), matrix[5]))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.fixture(scope="session")
def printed(demo_reports, tmp_path_factory) -> dict[str, Path]:
    """The demos' bundles printed on A4 (``demo``, ``northwind``) and on A3 (``demo-a3``)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    out = tmp_path_factory.mktemp("printed")
    readers = {}
    for slug, paper in [("demo", "a4"), ("northwind", "a4"), ("demo", "a3")]:
        name = slug if paper == "a4" else f"{slug}-{paper}"
        folder = out / name
        shutil.copytree(demo_reports / slug, folder)
        readers[name] = print_pdf(folder / bundle_name(slug), folder / f"{name}.pdf", "Footer name", paper)
    return readers


def _map_pages(reader: PdfReader, title: str) -> list[int]:
    return [number for number, page in enumerate(reader.pages) if title in page.extract_text()]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", ["demo", "northwind", "demo-a3"])
def test_the_journey_map_prints_whole_with_every_stage_and_row_and_no_text_under_7_pt(printed, name):
    client = load_client(DEMO_CLIENTS_DIR / name.removesuffix("-a3"))
    t = client.translator()
    reader = PdfReader(printed[name])
    pages = _map_pages(reader, t("journey.map_title", name=client.config.name))
    assert len(pages) == 1 if name.endswith("a3") else len(pages) >= 2
    lanes = [t(f"journey.lane.{lane}") for lane in journey.LANES]
    texts = {number: reader.pages[number].extract_text() for number in pages}
    for number in pages:  # each group whole on its page, every row label repeated
        for lane in lanes:
            assert lane in texts[number].replace("\n", " "), (number, lane)
        sizes = [size for _, size, _ in page_text(reader.pages[number])]
        assert min(sizes) >= SMALLEST_PT, (number, min(sizes))
    for stage in journey.stages(client.tables["journey"]):
        assert any(stage in text for text in texts.values()), stage


def _contents(reader: PdfReader) -> list[tuple[str, int]]:
    """The table of contents' entries (title, page number) from the page titled "Contenido"/"Contents"."""
    page = next(page for page in reader.pages[:3] if re.search(r"^(Contenido|Contents)", page.extract_text()))
    lines = page.extract_text().splitlines()[1:-1]  # between the heading and the footer
    return [(found[1], int(found[2])) for line in lines if (found := re.match(r"(.+?)\s*(\d+)$", line))]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", ["demo", "northwind"])
def test_every_page_is_numbered_and_the_contents_give_each_section_its_page(printed, name):
    reader = PdfReader(printed[name])
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        footer = " ".join(text for text, _, height in page_text(page) if height < FOOTER_PT)
        assert re.search(rf"\b{number}\s*/\s*{total}\b", footer), (number, footer)
    entries = _contents(reader)
    assert len(entries) >= 7
    for title, number in entries:
        assert title.split(":")[0] in reader.pages[number - 1].extract_text().replace("\n", " "), title
    sections = target_pages(printed[name].read_bytes())
    assert [number for _, number in entries] == sorted(
        sections[key] for key in sections if key.startswith("page-")
    )


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", ["demo", "northwind", "demo-a3"])
def test_no_page_is_nearly_empty_unless_a_section_ends_there(printed, name):
    reader = PdfReader(printed[name])
    starts = set(target_pages(printed[name].read_bytes()).values())
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)
        body = [baseline for _, _, baseline in page_text(page) if baseline > FOOTER_PT]
        filled = (height - min(body, default=height)) / height
        ends_section = number + 1 in starts or number == len(reader.pages) or number <= 2
        assert filled >= NEARLY_EMPTY or ends_section, (number, round(filled, 2))


#: Heights of the space above each probe of :func:`_layout_page`, in CSS pixels: from a probe near
#: the top of its page to one that reaches past its foot, so that some probes would be split or parted
#: without the print style.
SPACERS = range(150, 700, 25)


def _layout_page(folder: Path) -> Path:
    """A page in the report's style holding, each on its own page below a spacer of every height of
    :data:`SPACERS`, a chart with its caption and a small table; then a table of 120 rows and a
    collapsed evidence block."""
    rows = "".join
    probes = []
    for number, height in enumerate(SPACERS):
        small = rows(f"<tr><td>Short-{number}-{row}</td><td>{row}</td></tr>" for row in range(1, 9))
        probes.append(
            f'<section style="break-before: page"><div style="height:{height}px"></div>'
            f'<div style="height:320px"><div class="plotly-graph-div" style="height:300px">'
            f'<svg class="main-svg" width="10" height="10"></svg>Chart-{number}-end</div></div>'
            f'<p class="cx-takeaway">Caption-{number}-end</p>'
            f'<table class="cx-table"><thead><tr><th>Small</th><th>n</th></tr></thead>'
            f"<tbody>{small}</tbody></table></section>"
        )
    long = rows(f"<tr><td>Long-{row}-row</td><td>{row}</td></tr>" for row in range(1, 121))
    evidence = rows(f"<tr><td>Evidence-{row}-row</td></tr>" for row in range(1, 41))
    page = (
        f"<!DOCTYPE html><html><head><style>{page_css(HOUSE)}</style></head><body><main>"
        + "".join(probes)
        + '<section style="break-before: page"><table class="cx-table"><thead><tr><th>Long-header</th>'
        f"<th>n</th></tr></thead><tbody>{long}</tbody></table>"
        f'<details><summary>Every answer</summary><table class="cx-table"><thead><tr><th>Evidence</th>'
        f"</tr></thead><tbody>{evidence}</tbody></table></details></section></main></body></html>"
    )
    path = folder / "layout.html"
    path.write_text(page, encoding="utf-8")
    return path


def _pages_holding(texts: list[str], word: str) -> set[int]:
    return {number for number, text in enumerate(texts) if re.search(rf"\b{re.escape(word)}\b", text)}


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_print_keeps_rows_small_tables_and_captions_whole_repeats_headers_and_opens_evidence(tmp_path):
    """Printed by the real browser: a chart and its caption on one page, a small table on one page,
    a long table's header on every page it runs onto, and every row of a collapsed block printed."""
    reader = PdfReader(print_pdf(_layout_page(tmp_path), tmp_path / "layout.pdf", "Footer", "a4"))
    texts = [page.extract_text() for page in reader.pages]
    for number, _ in enumerate(SPACERS):
        chart = _pages_holding(texts, f"Chart-{number}-end")
        assert len(chart) == 1 and chart == _pages_holding(texts, f"Caption-{number}-end"), number
        first, last = _pages_holding(texts, f"Short-{number}-1"), _pages_holding(texts, f"Short-{number}-8")
        assert len(first) == 1 and first == last, number
    long = set().union(*(_pages_holding(texts, f"Long-{row}-row") for row in range(1, 121)))
    assert len(long) >= 2 and long <= _pages_holding(texts, "Long-header")
    for row in range(1, 41):
        assert _pages_holding(texts, f"Evidence-{row}-row"), row


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("name", ["demo", "northwind"])
def test_the_demos_evidence_prints_expanded(printed, demo_reports, name):
    """Every answer's evidence, collapsed on screen, prints whole: its last row is in the PDF."""
    bundle = (demo_reports / name / bundle_name(name)).read_text(encoding="utf-8")
    block = re.search(r"<details>.*?</details>", bundle, re.S).group(0)
    last_row = re.findall(r"<tr>\s*<td>([^<]+)</td>", block)[-1]
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(printed[name]).pages))
    assert re.sub(r"\s+", " ", last_row.strip())[:40] in text
