"""Random bytes, encodings and shapes thrown at every reader of client files: each gives a correct
table (or configuration, commentary, logo) or problems that name their file, never an exception."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.core.exceptions import Problem
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.commentary import read_commentary
from cxlib.inputs.config import Brand, load_config, logo_problems
from cxlib.inputs.schema import POPULATION, ProblemCollector, type_table
from cxlib.inputs.tables import NotAppendedError, read_appended_csv, read_table

#: The suite replays the same 40 examples per reader (derandomised: a CI run never fails on a case no
#: earlier run saw); CXWB_FUZZ_EXAMPLES=5000 runs a fresh random campaign of that size.
CAMPAIGN = int(os.environ.get("CXWB_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=CAMPAIGN or 40,
    derandomize=not CAMPAIGN,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le")
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def delimited(draw) -> bytes:
    """Text tables of any shape: ragged rows, quotes, blank lines, any separator and encoding."""
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(separator.join(row) for row in rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


@st.composite
def spreadsheet(draw) -> bytes:
    """A real workbook of random cells (possibly empty, repeated headers), or one cut short."""
    width = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=0, max_size=5))
    buffer = io.BytesIO()
    pd.DataFrame(rows).to_excel(buffer, index=False, header=False)
    return cut_short(draw, buffer.getvalue())


@st.composite
def columnar(draw) -> bytes:
    """A real Parquet file of random cells, or one cut short."""
    rows = draw(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=0, max_size=5))
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=["a", "b"]).to_parquet(buffer, index=False)
    return cut_short(draw, buffer.getvalue())


def cut_short(draw, data: bytes) -> bytes:
    """``data`` whole, or cut at a drawn share of its length (a workbook's length varies with the
    time it is written, so the cut is drawn as a share, not as a byte count)."""
    if not draw(st.booleans()):
        return data
    return data[: len(data) * draw(st.integers(0, 1000)) // 1000]


payloads = st.one_of(st.binary(max_size=2000), delimited())


def located(problems: list[Problem], name: str) -> bool:
    return bool(problems) and all(problem.file == name and problem.message for problem in problems)


def assert_table_or_located(raw, problems, name) -> None:
    if raw is None:
        assert located(problems, name), problems
    else:
        assert problems == [] and not raw.frame.empty
        assert all(isinstance(column, str) for column in raw.frame.columns)
        assert raw.frame.index.min() >= 2  # spreadsheet rows, after the header


@pytest.mark.parametrize(
    ("extension", "strategy"),
    [
        (".csv", payloads),
        (".xlsx", st.one_of(spreadsheet(), st.binary(max_size=500))),
        (".parquet", st.one_of(columnar(), st.binary(max_size=500))),
        (".sav", st.binary(max_size=500)),
    ],
)
def test_any_table_file_is_read_or_refused_with_a_located_problem(tmp_path, extension, strategy):
    @FUZZ
    @given(data=strategy)
    def check(data: bytes) -> None:
        path = tmp_path / f"survey{extension}"
        path.write_bytes(data)
        assert_table_or_located(*read_table(path, tmp_path), path.name)

    check()


@FUZZ
@given(data=payloads)
def test_any_population_file_is_typed_or_refused_with_located_problems(tmp_path, data):
    path = tmp_path / "population.csv"
    path.write_bytes(b"field,category,share\n" + data if data[:1] != b"\xff" else data)
    raw, problems = read_table(path, tmp_path)
    if raw is not None:
        collector = ProblemCollector(path.name)
        typed = type_table(raw.frame, POPULATION, collector, raw.decimal_comma)
        problems = collector.problems
        if not problems:
            assert typed["share"].notna().all() and (typed["share"] >= 0).all()
            return
    assert located(problems, path.name), problems


@FUZZ
@given(data=payloads)
def test_any_appended_measurement_file_is_read_or_refused_with_a_value_error(tmp_path, data):
    path = tmp_path / "interactions.csv"
    path.write_bytes(data)
    try:
        frame, _ = read_appended_csv(path, None)
    except ValueError as error:  # NotAppendedError or MalformedLinesError: the watcher locates both
        assert str(error)
    else:
        assert isinstance(frame, pd.DataFrame)


@pytest.fixture(scope="module")
def client_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "northwind"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", folder)
    return folder


@FUZZ
@given(data=st.one_of(payloads, st.text().map(lambda text: f"---\n{text}\n---\n## summary\n\n".encode())))
def test_any_commentary_is_read_or_refused_with_located_problems(client_folder, data):
    (client_folder / "commentary.md").write_bytes(data)
    commentary, problems = read_commentary(client_folder, "en")
    assert commentary is not None or located(problems, "commentary.md")
    assert all(problem.file == "commentary.md" for problem in problems)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.text().map(str.encode)))
def test_any_client_yaml_is_read_or_refused_with_located_problems(client_folder, data):
    original = (client_folder / "client.yaml").read_bytes()
    try:
        (client_folder / "client.yaml").write_bytes(data)
        config, problems = load_config(client_folder)
    finally:
        (client_folder / "client.yaml").write_bytes(original)
    assert config is not None or located(problems, "client.yaml")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_logo_is_embedded_or_refused_with_a_located_problem(client_folder, data):
    (client_folder / "logo.png").write_bytes(data)
    problems = logo_problems(Brand(logo="logo.png"), client_folder)
    assert problems == [] or located(problems, "client.yaml")


def test_a_workbook_whose_first_rows_are_blank_is_read_or_located(tmp_path):
    """Found by the fuzz test on CI: a sheet whose first two rows are blank made the header check
    index an empty frame."""
    workbook = openpyxl.Workbook()
    workbook.active.cell(row=3, column=1, value="0")
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    assert_table_or_located(*read_table(path, tmp_path), path.name)


def test_a_workbook_with_damaged_xml_is_a_located_problem(tmp_path):
    """Found by a fuzz campaign: a sheet whose XML is not well formed raised ParseError."""
    buffer = io.BytesIO()
    pd.DataFrame({"score": ["4"]}).to_excel(buffer, index=False)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(
                item, data.replace(b"<sheetData>", b"<sheetData>\x01<") if "sheet1" in item.filename else data
            )
    path = tmp_path / "survey.xlsx"
    path.write_bytes(damaged.getvalue())
    raw, problems = read_table(path, tmp_path)
    assert raw is None and located(problems, "survey.xlsx"), problems


def test_a_measurement_file_starting_with_a_blank_line_is_read_whole(tmp_path):
    """Found by a fuzz campaign: an empty first line gave the line reader no header."""
    path = tmp_path / "interactions.csv"
    path.write_bytes(b"\n\r\x01\n")
    with pytest.raises(NotAppendedError):
        read_appended_csv(path, None)
