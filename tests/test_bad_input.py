"""A corpus of bad client folders: each gives its own located message, exit 2, and no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
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


def replace_cell(path: Path, column: str, value: str) -> None:
    """Set ``column`` of the first data row of a comma-separated table."""
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[header.split(",").index(column)] = value
    path.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")


def widen(path: Path, extra: int) -> None:
    """Add ``extra`` unknown columns to a comma-separated table."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0] + "," + ",".join(f"extra_{k}" for k in range(extra))
    rows = [line + "," + ",".join("1" for _ in range(extra)) for line in lines[1:]]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


CASES = {
    "brand logo missing": (
        lambda d: edit(d / "client.yaml", "industry:", "brand: {logo: logo.png}\nindustry:"),
        "client.yaml: brand.logo: 'logo.png' not found in the client folder",
    ),
    "brand logo not an image": (
        lambda d: (
            (d / "logo.png").write_text("not a picture", encoding="utf-8"),
            edit(d / "client.yaml", "industry:", "brand: {logo: logo.png}\nindustry:"),
        ),
        "client.yaml: brand.logo: 'logo.png' is not a whole PNG or JPEG image",
    ),
    "brand logo outside the folder": (
        lambda d: edit(d / "client.yaml", "industry:", "brand: {logo: ../logo.png}\nindustry:"),
        "client.yaml: brand.logo: '../logo.png' is outside the client folder",
    ),
    "brand colour not hex": (
        lambda d: edit(d / "client.yaml", "industry:", "brand: {primary: blue}\nindustry:"),
        "client.yaml: brand.primary:",
    ),
    "brand primary too light": (
        lambda d: edit(d / "client.yaml", "industry:", "brand: {primary: '#FFE066'}\nindustry:"),
        "client.yaml: brand.primary: #FFE066 is too light to read on white (contrast 1.3:1",
    ),
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
        lambda d: edit(d / "survey.csv", "Phone,North,Onboarding,TP01,9", "Phone,North,Onboarding,TP01,11"),
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
        lambda d: edit(d / "client.yaml", 'slug: "acme"', "slug: Acme Corp"),
        "client.yaml: slug: String should match pattern",
    ),
    "plan_start not a date": (
        lambda d: edit(d / "client.yaml", "# plan_start: 2026-01-01", "plan_start: 2025-13-01"),
        ": plan_start: Input should be a valid date or datetime, month value is outside expected range",
    ),
    "yaml nested too deep": (
        lambda d: append_row(d / "client.yaml", "deep: " + "[" * 5000 + "]" * 5000),
        "client.yaml: is nested too deeply",
    ),
    "table is a folder": (
        lambda d: ((d / "journey.csv").unlink(), (d / "journey.csv").mkdir()),
        "journey.csv: is a folder, not a file",
    ),
    "table links outside the folder": (
        lambda d: (
            (d.parent / "elsewhere.csv").write_bytes((d / "units.csv").read_bytes()),
            (d / "units.csv").unlink(),
            (d / "units.csv").symlink_to(d.parent / "elsewhere.csv"),
        ),
        "units.csv: is a link to",
    ),
    "table links nowhere": (
        lambda d: ((d / "units.csv").unlink(), (d / "units.csv").symlink_to(d / "gone.csv")),
        "units.csv: is a link to a missing file",
    ),
    "non-finite number": (
        lambda d: replace_cell(d / "initiatives.csv", "cost", "inf"),
        "initiatives.csv:2: cost: 'inf' is not a number",
    ),
    "absurd duration": (
        lambda d: replace_cell(d / "initiatives.csv", "duration_months", "100000"),
        "initiatives.csv:2: duration_months: 100000 is outside 0..120",
    ),
    "utf-16 without byte-order mark": (
        lambda d: (d / "units.csv").write_bytes((d / "units.csv").read_text().encode("utf-16-le")),
        "units.csv: cannot be read: it contains NUL bytes",
    ),
    "repeated column name": (
        lambda d: edit(d / "journey.csv", "owner", "touchpoint"),
        "journey.csv:1: touchpoint: appears 2 times in the header",
    ),
    "thousands of unknown columns": (
        lambda d: widen(d / "units.csv", 5000),
        "units.csv: 4990 more unknown column(s)",
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
    assert result.returncode == 2  # bad input, as the README says
    assert "ecosystem.csv:2: score: 9 is outside 1..5" in result.stderr
    assert (out / "demo" / "index.html").read_text() == "previous good report"
    assert "Traceback" not in result.stderr


def test_new_refuses_to_overwrite(scaffolded):
    result = cxwb("new", str(scaffolded))
    assert result.returncode == 2 and "not empty" in result.stderr


@pytest.mark.parametrize(
    "breaker",
    [
        lambda d: append_row(d / "interactions.csv", "2025-03-14T10:00:00+02:00,TP01,4,yes,340"),
        lambda d: (d / "units.csv").write_bytes((d / "units.csv").read_text().encode("utf-16")),
    ],
    ids=["timestamp with a UTC offset among plain ones", "utf-16 with byte-order mark"],
)
def test_accepted_variants_validate(scaffolded, breaker):
    breaker(scaffolded)
    result = cxwb("validate", str(scaffolded))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["2025", "Acme: Bank #1", "Café «Norte» & Co"])
def test_new_writes_a_valid_scaffold_for_any_folder_name(tmp_path, name):
    assert cxwb("new", str(tmp_path / name)).returncode == 0
    result = cxwb("validate", str(tmp_path / name))
    assert result.returncode == 0, result.stdout + result.stderr


def test_us_dates_are_read_through_date_format_and_a_bad_format_is_refused():
    import pydantic

    from cxlib.inputs.config import FieldMapping
    from cxlib.inputs.schema import parse_dates

    parsed, bad = parse_dates(pd.Series(["9/28/2023", "13/28/2023", None]), "%m/%d/%Y")
    assert parsed[0] == pd.Timestamp("2023-09-28") and bad.tolist() == [False, True, False]
    assert parse_dates(pd.Series(["9/28/2023"]))[1].all()  # day-first by default: month 28 is refused
    with pytest.raises(pydantic.ValidationError, match="has no date directive"):
        FieldMapping(column="date", date_format="mm/dd/yyyy")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["no-such-client"], "no-such-client"), (["demo", "--steps", "99"], "99")],
    ids=["unknown client", "unknown step"],
)
def test_run_refuses_a_mistyped_client_or_step_before_starting_kernels(tmp_path, arguments, message):
    result = cxwb("run", *arguments, "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and message in result.stderr
    assert "kernel 'cxwb'" not in result.stderr  # printed as the workers start: none were started
    assert "Traceback" not in result.stderr
