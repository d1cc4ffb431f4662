"""The client's deliverables: the bundle's embedded downloads, the one translator that carries the
client's labels (through every format), and the storyline deck reopened."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render import bundle
from cxlib.render.bundle import embed_downloads
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
