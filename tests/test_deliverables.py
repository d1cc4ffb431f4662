"""The client's deliverables, without running the steps: the bundle's embedded downloads and the
one translator that carries the client's labels."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render import bundle
from cxlib.render.bundle import embed_downloads

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


def labelled_northwind(target: Path, label: str) -> Path:
    """A copy of the northwind demo whose outcome (NPS) has the client's own ``label:``."""
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", target)
    config = target / "client.yaml"
    text = config.read_text(encoding="utf-8")
    mapping = "      column: LTR (0-10)\n      scale: 0-10\n"
    assert mapping in text
    config.write_text(text.replace(mapping, mapping + f"      label: {{en: '{label}'}}\n"), encoding="utf-8")
    return target
