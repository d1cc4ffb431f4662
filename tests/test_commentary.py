"""The consultant's commentary: placement at its anchor, the verdict on the index, sanitising,
and validation of sections against the anchors the notebooks have."""

from __future__ import annotations

import base64
import re
import shutil

import pytest

from cxlib.core.images import MAX_IMAGE_BYTES
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client, load_client
from cxlib.inputs.commentary import render_markdown, step_anchors
from cxlib.render import report as report_module
from cxlib.render.report import setup
from cxlib.run.runner import run

#: The smallest valid PNG (1×1 transparent pixel).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
PAYLOADS = (
    "<script>alert('x')</script>\n\n"
    '<img src="https://evil.example/track.png" onerror="alert(1)">\n\n'
    '[click](javascript:alert(1)) <a href="#" onclick="alert(1)">here</a>\n\n'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>\n\n'
)


def commentary_client(tmp_path, sections: str):
    folder = tmp_path / "northwind"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", folder)
    (folder / "logo.png").write_bytes(PNG)
    (folder / "commentary.md").write_text(
        f"---\nauthor: Ana Ruiz\ndate: 2026-11-20\n---\n\n{sections}", encoding="utf-8"
    )
    return folder


def test_markdown_is_rendered_and_every_payload_is_removed(tmp_path):
    (tmp_path / "logo.png").write_bytes(PNG)
    html = render_markdown(
        "**Bold** and a table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![logo](logo.png)\n\n" + PAYLOADS,
        tmp_path,
    )
    assert "<strong>Bold</strong>" in html and "<table>" in html
    assert 'src="data:image/png;base64,' in html  # local image embedded
    # a javascript: link is left as plain text by CommonMark, never as a link
    for forbidden in (
        "<script",
        "onerror",
        "onclick",
        'href="javascript',
        "evil.example",
        "<iframe",
        "<style",
    ):
        assert forbidden not in html


def test_commentary_sits_at_its_anchor_and_the_verdict_opens_the_index(tmp_path):
    folder = commentary_client(
        tmp_path,
        "## summary\n\nThe **verdict**: fix complaints first.\n\n"
        "## 01_diagnosis#drivers\n\nResolution drives NPS here; see ![logo](logo.png)\n\n" + PAYLOADS,
    )
    out = tmp_path / "reports"
    assert run([str(folder)], out, step_names=["01"]) == 0
    page = (out / "northwind" / "01_diagnosis.html").read_text(encoding="utf-8")
    heading = page.index('id="drivers"')
    aside = page.index('data-section="01_diagnosis#drivers"')
    assert heading < aside < page.index("<h2", heading + 1)
    assert page.count('class="cx-commentary"') == 1 and "Resolution drives NPS here" in page
    assert re.search(r"Consultant(&#39;|')s commentary · Ana Ruiz · 20 November 2026", page)  # locale date
    assert "data:image/png;base64," in page
    aside_end = page.index("</aside>", aside)
    for forbidden in ("<script", "onerror", "onclick", 'href="javascript', "evil.example", "<iframe"):
        assert forbidden not in page[aside:aside_end]
    index = (out / "northwind" / "index.html").read_text(encoding="utf-8")
    assert index.index('id="verdict"') < index.index('id="findings"')
    assert "<strong>verdict</strong>" in index and "Ana Ruiz · 20 November 2026" in index


def test_unknown_sections_are_validation_errors_naming_the_anchors(tmp_path):
    folder = commentary_client(tmp_path, "## 01_diagnosis#nope\n\nx\n\n## 09_magic#drivers\n\ny\n")
    _, problems = check_client(folder)
    messages = [str(problem) for problem in problems]
    anchors = ", ".join(step_anchors()["01_diagnosis"])
    assert (
        f"commentary.md:6: 01_diagnosis#nope: 01_diagnosis has no anchor 'nope'; its anchors are: {anchors}"
        in messages
    )
    assert any(
        message.startswith("commentary.md:10: 09_magic#drivers: unknown section") for message in messages
    )


def test_language_specific_file_wins_and_a_section_whose_heading_never_shows_is_kept(tmp_path, monkeypatch):
    folder = commentary_client(tmp_path, "## 01_diagnosis#quotes\n\nIgnored: the English file wins.\n")
    (folder / "commentary.en.md").write_text("## 01_diagnosis#quotes\n\nKept at the end.\n", encoding="utf-8")
    client = load_client(folder)
    assert "Kept at the end." in client.commentary.sections["01_diagnosis#quotes"]
    shown = []
    monkeypatch.setattr(report_module, "display", lambda item: shown.append(item.data))
    report = setup(folder, tmp_path / "out")
    report.title("01_diagnosis")
    report.heading("diagnosis.metrics_heading")
    assert not any("Kept at the end" in item for item in shown)
    report.end()
    report.end()
    assert sum("Kept at the end" in item for item in shown) == 1


@pytest.mark.parametrize("front", ["---\n- a list\n---\n", "---\nauthor: [unclosed\n---\n"])
def test_bad_front_matter_is_reported(tmp_path, front):
    folder = commentary_client(tmp_path, "")
    (folder / "commentary.md").write_text(front + "## summary\n\nok\n", encoding="utf-8")
    _, problems = check_client(folder)
    assert any(str(problem).startswith("commentary.md:1: front matter") for problem in problems)


def test_a_calendar_refused_date_and_a_cp1252_file_get_located_messages(tmp_path):
    folder = commentary_client(tmp_path, "")
    (folder / "commentary.md").write_text(
        "---\nauthor: Ana\ndate: 2026-13-45\n---\n## summary\n\nok\n", encoding="utf-8"
    )
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert any(m.startswith("commentary.md:3: date: month must be in 1..12") for m in messages), messages
    (folder / "commentary.md").write_bytes(
        "## summary\n\nAtención al cliente: señal clara.\n".encode("cp1252")
    )
    client, problems = check_client(folder)
    assert problems == [] and "Atención al cliente: señal clara." in client.commentary.sections["summary"]


def test_commentary_images_are_checked_by_their_bytes_and_their_size(tmp_path):
    folder = commentary_client(tmp_path, "## summary\n\nVerdict.\n\n![chart](chart.png)\n")
    (folder / "chart.png").write_text("not a picture", encoding="utf-8")
    client, problems = check_client(folder)
    assert [str(p) for p in problems] == [
        "commentary.md:10: image chart.png: is not a PNG, JPEG, GIF or WebP image; export it as PNG"
    ]
    assert "data:" not in client.commentary.sections["summary"]
    (folder / "chart.png").write_bytes(PNG + b"\0" * (MAX_IMAGE_BYTES + 1))  # 12 MB made every page 16 MB
    messages = [str(p) for p in check_client(folder)[1]]
    assert messages == [
        "commentary.md:10: image chart.png: is 512.1 KB, more than the 512.0 KB allowed; "
        "save the image smaller"
    ]
    (folder / "chart.png").write_bytes(PNG)
    client, problems = check_client(folder)
    assert problems == [] and "data:image/png;base64," in client.commentary.sections["summary"]


def test_a_truncated_logo_is_refused(tmp_path):
    folder = commentary_client(tmp_path, "")
    (folder / "logo.png").write_bytes((DEMO_CLIENTS_DIR / "northwind" / "logo.png").read_bytes()[:40])
    messages = [str(p) for p in check_client(folder)[1]]
    assert messages == [
        "client.yaml: brand.logo: 'logo.png' is not a whole PNG or JPEG image; export the logo again as PNG"
    ]
