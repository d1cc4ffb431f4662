"""The client's deliverables: the bundle's embedded downloads, the one translator that carries the
client's labels (through every format), and the storyline deck reopened."""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches
from pypdf import PdfReader

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render import bundle
from cxlib.render.brand import HOUSE, brand_of
from cxlib.render.bundle import embed_downloads
from cxlib.render.deck_map import map_parts
from cxlib.render.results import load
from cxlib.render.slides import (
    CONTENT_FOOT_IN,
    CONTENT_WIDTH_IN,
    IMAGE_SCALE,
    IMAGE_WIDTH,
    _Deck,
    _ranked_initiatives,
    matrix_chart,
    section_charts,
    short_name,
    write_summary,
)
from cxlib.run.runner import run

CHROMIUM = Path("/usr/bin/chromium")

LINK = '<p><a class="cx-download" download="" href="03_journey_map.xlsx">Download the map as Excel</a></p>'


def test_a_download_travels_inside_the_bundle_as_a_data_uri(tmp_path: Path) -> None:
    (tmp_path / "03_journey_map.xlsx").write_bytes(b"PK\x03\x04 workbook")
    body = embed_downloads(LINK, tmp_path, "sent separately")
    found = re.search(r'href="data:([^;]+);base64,([^"]+)" download="03_journey_map.xlsx"', body)
    assert found and found.group(1).endswith("spreadsheetml.sheet")
    assert base64.b64decode(found.group(2)) == b"PK\x03\x04 workbook"
    assert 'href="03_journey_map.xlsx"' not in body


def test_a_download_over_the_limit_becomes_a_note(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "03_journey_map.xlsx").write_bytes(b"x" * 11)
    monkeypatch.setattr(bundle, "EMBED_LIMIT", 10)
    body = embed_downloads(LINK, tmp_path, "The <workbook> is sent separately")
    assert "cx-download-note" in body and "The &lt;workbook&gt; is sent separately" in body
    assert "href=" not in body


def test_the_clients_translator_carries_its_labels_escaped_for_pages(tmp_path: Path) -> None:
    client = load_client(labelled_northwind(tmp_path / "northwind", "Likely <to> recommend"))
    assert client.translator()("metric.nps") == "Likely &lt;to&gt; recommend"
    assert client.translator(escaped=False)("metric.nps") == "Likely <to> recommend"


def labelled_northwind(target: Path, outcome_label: str) -> Path:
    """A copy of the northwind demo whose outcome (NPS) and whose "need resolved" measure carry the
    client's own ``label:``."""
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", target)
    config = target / "client.yaml"
    text = config.read_text(encoding="utf-8")
    for mapping, label in (
        ("      column: LTR (0-10)\n      scale: 0-10\n", outcome_label),
        ("      column: Issue fixed?\n      scale: yes/no\n", SATISFIED_LABEL),
    ):
        assert mapping in text
        text = text.replace(mapping, mapping + f"      label: {{en: '{label}'}}\n")
    config.write_text(text, encoding="utf-8")
    return target


SATISFIED_LABEL = "Issue fixed for good"
OUTCOME_LABEL = "Likelihood to recommend"


def _deck_titles(path: Path) -> list[str]:
    """Each slide's title: its largest text (the kicker and the footer are smaller)."""
    titles = []
    for slide in Presentation(path).slides:
        boxes = [shape for shape in slide.shapes if shape.has_text_frame and shape.text_frame.text]
        sized = [(box.text_frame.paragraphs[0].runs[0].font.size or 0, box.text_frame.text) for box in boxes]
        titles.append(max(sized)[1])
    return titles


def _visible(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_a_custom_outcome_label_reaches_every_format(tmp_path: Path) -> None:
    """Pages, index, bundle, PDF and deck all say the client's labels, never the default ones."""
    client = labelled_northwind(tmp_path / "northwind", OUTCOME_LABEL)
    out = tmp_path / "out"
    assert run([str(client)], out, jobs=2, pdf=True, pptx=True) == 0
    report = out / "northwind"
    deck = Presentation(report / "northwind-summary.pptx")
    deck_text = "\n".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
    )
    formats = {
        "index": _visible(report / "index.html"),
        "diagnosis": _visible(report / "01_diagnosis.html"),
        "bundle": _visible(report / "northwind-report.html"),
        "pdf": " ".join(page.extract_text() for page in PdfReader(report / "northwind-report.pdf").pages),
        "deck": deck_text,
    }
    for name, text in formats.items():
        assert "% need resolved" not in text, name
        assert SATISFIED_LABEL in text, name
    titles = _deck_titles(report / "northwind-summary.pptx")
    naming = [title for title in titles if OUTCOME_LABEL in title]
    assert len(naming) >= 4  # situation, drivers, recommendations, roadmap
    assert not [title for title in titles if re.search(r"\bNPS\b", title)]


#: Text size of the report's journey map, in CSS pixels (cxlib.steps.journey.MAP_FONT), and the
#: smallest size it may take on a slide, in points.
MAP_FONT_PX, SLIDE_TEXT_PT = 11, 8


def test_a_short_name_keeps_whole_words_and_client_text_as_it_is():
    assert short_name("Bill explainer in app") == "Bill explainer in app"
    assert (
        short_name("Resolución al primer contacto en centro de contacto") == "Resolución al primer contacto…"
    )
    assert short_name("<Caja> & rápida") == "<Caja> & rápida"


def _matrix(costs: list[float]):
    ranked = pd.DataFrame(
        {
            "name": ["<Caja> & rápida", "Resolución al primer contacto en centro de contacto", "App"],
            "cost": costs,
            "impact": [0.2, 1.4, 0.8],
            "wave": [1.0, 2.0, 1.0],
        }
    )
    deck = _Deck(HOUSE, "Footer", "es")
    chart = matrix_chart(deck, deck.slide("Efecto contra costo"), ranked, "NPS", "MXN", translator("es"))
    labels = {
        point.data_label.text_frame.text: (x, y)
        for series in chart.plots[0].series
        for point, x, y in zip(series.points, series.iter_values(), series.values, strict=False)
    }
    return chart, labels


def test_the_effect_against_cost_chart_labels_each_initiative_and_goes_log_over_a_wide_span():
    chart, labels = _matrix([20_000, 9_000_000, 150_000])
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    assert set(labels) == {"<Caja> & rápida", "Resolución al primer contacto…", "App"}
    axis = chart.category_axis
    assert axis._element.xpath("c:scaling/c:logBase/@val") == ["10"]
    assert "logarítmica" in axis.axis_title.text_frame.text and "MXN" in axis.axis_title.text_frame.text
    narrow, _ = _matrix([200_000, 900_000, 300_000])  # 4.5 times: a linear axis reads them well
    assert narrow.category_axis._element.xpath("c:scaling/c:logBase") == []
    assert "logarítmica" not in narrow.category_axis.axis_title.text_frame.text


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_map_parts_hold_every_lane_once_in_order_each_fitting_the_content_area(demo_reports, slug):
    figure = section_charts(demo_reports / slug / "03_journey.ipynb")["map"]
    lanes = next(trace for trace in figure["data"] if trace["type"] == "heatmap")["y"]
    room = 480
    parts = map_parts(figure, IMAGE_WIDTH, room)
    cut = [list(next(t for t in part["data"] if t["type"] == "heatmap")["y"]) for part in parts]
    assert sum(cut, []) == list(lanes) and len(parts) >= 2
    assert all(part["layout"]["height"] <= room for part in parts)
    assert [trace["type"] for trace in parts[0]["data"]].count("scatter") >= 1  # the emotion curve
    assert all(t["type"] == "heatmap" for part in parts[1:] for t in part["data"])


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_deck_map_fills_the_content_width_at_a_readable_size_and_the_matrix_names_its_points(
    demo_reports, tmp_path, slug
):
    """Each picture of the journey map is as wide as the slide's content area (12.3 in of 13.3 in),
    lies above the footer, and its text is at least 8 pt on the slide; the effect-against-cost chart
    labels each scheduled initiative by its short name."""
    report = tmp_path / slug
    shutil.copytree(demo_reports / slug, report)
    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = client.translator()
    path = write_summary(
        report,
        slug,
        client.config.name,
        t,
        brand_of(client.config, client.directory),
        dt.datetime(2026, 12, 6),
    )
    deck = Presentation(path)
    maps = [
        shape
        for slide in deck.slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE and shape.width > deck.slide_width / 3
    ]
    assert len(maps) >= 2
    for shape in maps:
        assert shape.width >= 0.98 * Inches(CONTENT_WIDTH_IN) and shape.width <= deck.slide_width
        assert shape.top + shape.height <= Inches(CONTENT_FOOT_IN) + 1
        css_width = shape.image.size[0] / IMAGE_SCALE
        assert MAP_FONT_PX * shape.width / 12700 / css_width >= SLIDE_TEXT_PT  # 12,700 EMU a point
    scatter = next(
        shape.chart
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_chart and shape.chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    )
    ranked = _ranked_initiatives(load(report, "05_action_plan"))
    scheduled = ranked[ranked["wave"].notna()]
    labels = sorted(p.data_label.text_frame.text for series in scatter.plots[0].series for p in series.points)
    assert labels == sorted(short_name(name) for name in scheduled["name"])
