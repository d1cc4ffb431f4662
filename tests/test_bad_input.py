"""A corpus of bad client folders: each gives its own located message, exit 2, and no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest


def cxwb(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cxlib", *arguments], capture_output=True, text=True, timeout=120
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_row(path: Path, row: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(row + "\n")


CASES = {
    "missing client.yaml": (
        lambda d: (d / "client.yaml").unlink(),
        "not a client folder (no client.yaml found",
    ),
    "yaml syntax": (lambda d: edit(d / "client.yaml", "language: en", "language: [en"), "YAML syntax error"),
    "unknown config key": (
        lambda d: edit(d / "client.yaml", "industry:", "industri: x\nindustry:"),
        "industri: Extra inputs are not permitted; remove this key",
    ),
    "bad language": (
        lambda d: edit(d / "client.yaml", "language: en", "language: fr"),
        "client.yaml: language:",
    ),
    "bad pillar target": (
        lambda d: edit(d / "client.yaml", "resolution: 80", "speed: 80"),
        "unknown pillar 'speed'",
    ),
    "missing column": (
        lambda d: edit(d / "journey.csv", "stage,stage_order", "phase,stage_order"),
        "journey.csv: stage: missing required column",
    ),
    "unknown column": (
        lambda d: edit(d / "units.csv", "region", "regoin"),
        "units.csv: regoin: unknown column (did you mean 'region'?)",
    ),
    "wrong type": (
        lambda d: append_row(d / "ecosystem.csv", "community,high,"),
        "ecosystem.csv:3: score: 'high' is not a number",
    ),
    "out of range": (
        lambda d: edit(d / "survey.csv", "Branch,North,Onboarding,TP01,9", "Branch,North,Onboarding,TP01,11"),
        "survey.csv:2: nps: 11 is outside 0..10",
    ),
    "duplicate id": (
        lambda d: append_row(d / "units.csv", "North,Centre,1,0.5,1,1"),
        "units.csv:3: unit: duplicate id 'North'",
    ),
    "unknown pillar": (
        lambda d: edit(d / "assessment.csv", "resolution", "velocity"),
        "assessment.csv:2: pillar: unknown pillar 'velocity'",
    ),
    "unknown stage": (
        lambda d: edit(d / "survey.csv", ",Onboarding,", ",Checkout,"),
        "survey.csv:2: stage: 'Checkout' is not a stage in journey.csv",
    ),
    "unknown touchpoint": (
        lambda d: edit(d / "interactions.csv", "TP01", "TP99"),
        "interactions.csv:2: touchpoint_id: 'TP99' is not a touchpoint_id",
    ),
    "bad date": (
        lambda d: edit(d / "interactions.csv", "2025-03-14 10:32", "yesterday"),
        "interactions.csv:2: timestamp: 'yesterday' is not a date",
    ),
    "empty file": (lambda d: (d / "units.csv").write_bytes(b""), "units.csv: is empty"),
    "header only": (
        lambda d: (d / "units.csv").write_text("unit,region\n"),
        "units.csv: has a header but no data rows",
    ),
    "corrupt xlsx": (
        lambda d: ((d / "units.csv").unlink(), (d / "units.xlsx").write_bytes(b"not a zip"))[-1],
        "units.xlsx: is not a valid .xlsx workbook",
    ),
    "csv and xlsx": (lambda d: (d / "units.xlsx").write_bytes(b"x"), "both units.csv and units.xlsx exist"),
    "mapped column absent": (
        lambda d: edit(d / "client.yaml", "nps: {column: nps", "nps: {column: LTR"),
        "column 'LTR' named in client.yaml survey.fields.nps is not in the file",
    ),
    "unknown segment": (
        lambda d: edit(d / "survey.csv", "Mass market", "VIP"),
        "survey.csv:2: segment: segment 'VIP' is not in client.yaml segments",
    ),
    "not yes/no": (
        lambda d: edit(d / "survey.csv", ",yes,", ",maybe,"),
        "survey.csv:2: satisfied: 'maybe' is not yes/no",
    ),
    "no outcome": (
        lambda d: (d / "survey.csv").write_text("response_id,segment\nR1,Mass market\n"),
        "survey.csv: no outcome column",
    ),
    "bad slug": (
        lambda d: edit(d / "client.yaml", "slug: acme", "slug: Acme Corp"),
        "client.yaml: slug: String should match pattern",
    ),
    "nps on wrong scale": (
        lambda d: edit(
            d / "client.yaml", "nps: {column: nps, scale: 0-10}", "nps: {column: nps, scale: 1-5}"
        ),
        "NPS needs a 0-10 scale",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_folder_gives_located_message(scaffolded, case):
    breaker, expected = CASES[case]
    breaker(scaffolded)
    result = cxwb("validate", str(scaffolded))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert expected in output
    assert "Traceback" not in output


def test_clean_scaffold_validates(scaffolded):
    result = cxwb("validate", str(scaffolded))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_every_problem_is_reported_in_one_pass(scaffolded):
    for case in ("unknown column", "wrong type", "unknown pillar", "bad date"):
        CASES[case][0](scaffolded)
    result = cxwb("validate", str(scaffolded))
    for case in ("unknown column", "wrong type", "unknown pillar", "bad date"):
        assert CASES[case][1] in result.stdout


def test_many_bad_rows_are_summarised(demo_copy):
    interactions = demo_copy / "interactions.csv"
    lines = interactions.read_text(encoding="utf-8").splitlines()
    lines[1:51] = [line.replace("TP-", "XX-", 1) for line in lines[1:51]]
    interactions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cxwb("validate", str(demo_copy))
    assert result.returncode == 2
    # one line per distinct unknown value, with its rows and the closest known id; ten at most
    listed = re.findall(
        r"^interactions\.csv:\d+: touchpoint_id: 'XX-[^']+' .*did you mean 'TP-", result.stdout, re.M
    )
    assert len(listed) == 10
    assert "15 more distinct value(s)" in result.stdout


def test_unknown_client_is_a_clear_error():
    result = cxwb("validate", "no-such-client")
    assert result.returncode == 2
    assert "not a client folder" in result.stderr and "Traceback" not in result.stderr


def test_run_refuses_bad_input_and_keeps_previous_report(demo_copy, tmp_path):
    out = tmp_path / "out"
    (out / "demo").mkdir(parents=True)
    (out / "demo" / "index.html").write_text("previous good report")
    edit(demo_copy / "ecosystem.csv", "Clientes,3", "Clientes,9")
    result = cxwb("run", str(demo_copy), "--out", str(out))
    assert result.returncode == 1
    assert "ecosystem.csv:2: score: 9 is outside 1..5" in result.stderr
    assert (out / "demo" / "index.html").read_text() == "previous good report"
    assert "Traceback" not in result.stderr


def test_new_refuses_to_overwrite(scaffolded):
    result = cxwb("new", str(scaffolded))
    assert result.returncode == 2 and "not empty" in result.stderr
