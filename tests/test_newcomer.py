"""The messages a consultant meets on a first client: a missing mapped column lists the file's columns
and the closest one, near misses in case or spaces are suggested, a cut may name any export column
mapped to a survey field, a skipped step names its files and their columns, and a step notebook
opened without ``client_dir`` opens the client ``CXWB_CLIENT`` names and says so, or says how to
set it. The whole path, from a generated hotel export to a report with a cut, is typed and timed."""

from __future__ import annotations

import itertools
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import synthetic
import yaml

import cxlib
from cxlib.core.exceptions import ClientNotFoundError
from cxlib.core.i18n import translator
from cxlib.core.method import PILLARS
from cxlib.inputs import client as client_module
from cxlib.inputs.client import CLIENT_ENV, DEMO_CLIENT, check_client, client_folder, load_client
from cxlib.inputs.cuts import CutError, resolve_cut
from cxlib.inputs.schema import needed_files, suggest
from cxlib.render import report as report_module


def test_a_missing_mapped_column_lists_the_files_columns_and_the_closest(tmp_path):
    folder = synthetic.minimal_csv(tmp_path / "minimal")
    synthetic.edit_config(folder, lambda config: config["survey"].update(fields={"csat": "CSAT "}))
    message, no_outcome = [str(problem) for problem in check_client(folder)[1]]
    assert no_outcome.startswith("survey.csv: no outcome column")
    assert message == (
        "survey.csv: CSAT : column 'CSAT ' named in client.yaml survey.fields.csat is not in the file "
        "(did you mean 'csat'?); the file's columns are 'response_id', 'csat'; fix the mapping or the export"
    )


def test_near_misses_in_case_accents_or_spaces_are_suggested():
    assert suggest("leisure ", ["Business", "Leisure"]) == " (did you mean 'Leisure'?)"
    assert suggest("nps", ["Q1", "NPS", "Q2"]) == " (did you mean 'NPS'?)"
    assert suggest("Region", ["Región", "Canal"]) == " (did you mean 'Región'?)"
    assert (
        suggest("Satisfacion general", ["Satisfacción General"]) == " (did you mean 'Satisfacción General'?)"
    )
    assert suggest("weather", ["Leisure", "Business"]) == ""


def test_a_segments_dimension_name_gets_a_suggestion(tmp_path):
    folder = synthetic.spss_airline(tmp_path / "airline")
    synthetic.edit_config(
        folder, lambda config: config.update(segments={"Travel_Class": ["Business", "Eco", "Eco Plus"]})
    )
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert messages == [
        "survey.sav: client.yaml segments names 'Travel_Class', which is not a segment column "
        "(did you mean 'travel_class'?); use one of travel_class, travel_type"
    ]


def test_a_cut_may_name_the_export_column_of_any_mapped_field(tmp_path):
    client = load_client(synthetic.parquet_nps(tmp_path / "branches"))  # unit mapped from 'branch'
    for field in ("unit", "branch", "Branch", " BRANCH"):
        cut = resolve_cut(client, f"{field}=c")
        assert (cut.column, cut.value) == ("unit", "C")
    with pytest.raises(CutError, match=r"write field=value with a field of branch, unit"):
        resolve_cut(client, "hotel=C")


def test_a_skipped_step_names_its_files_and_their_columns():
    assert needed_files(["journey", "survey"], translator("en")) == (
        "journey.csv (columns stage, stage_order, touchpoint_id, touchpoint, channel); survey.csv (an "
        "outcome column (nps, csat, ces, satisfied) or a survey: mapping of the export in client.yaml)"
    )
    assert needed_files(["interactions"], translator("es")) == (
        "interactions.csv (columnas timestamp, touchpoint_id, score/success)"
    )


def test_a_notebook_without_client_dir_opens_cxwb_client_else_the_demo(monkeypatch, tmp_path):
    monkeypatch.delenv(CLIENT_ENV, raising=False)
    assert client_folder("") == DEMO_CLIENT and client_folder(" ") == DEMO_CLIENT
    monkeypatch.setattr(client_module, "DEMO_CLIENT", tmp_path / "no-demo")  # an installation without it
    with pytest.raises(ClientNotFoundError, match=r"^client_dir is not set: write the client folder in the"):
        client_folder("")
    monkeypatch.setenv(CLIENT_ENV, str(tmp_path))
    assert client_folder("") == tmp_path and client_folder("elsewhere").name == "elsewhere"


def _child_cpu() -> float:
    """CPU seconds used so far by this process's finished commands (and the kernels they ran)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cxwb(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    """``cxwb ARGUMENTS`` typed in ``folder``, as a command of its own."""
    command = [sys.executable, "-m", "cxlib", *arguments]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=900)


def _paste_hotel_mapping(folder: Path, printed: str, *, segment: str, nps_column: str | None = None) -> None:
    """A newcomer's edits of ``cxwb map``'s output for the hotel export: its blocks pasted, each
    placeholder pillar chosen, ``Hotel`` mapped as the unit (not a segment), ``segment`` typed as the
    first trip type in ``segments:`` and the NPS column retyped as ``nps_column`` when given."""
    mapped = yaml.safe_load(printed)
    fields = mapped["survey"]["fields"]
    fields.update(segment=["Trip type"], unit="Hotel")
    if nps_column:
        fields["nps"]["column"] = nps_column
    pillars = itertools.cycle(PILLARS)
    for item in mapped["survey"]["items"]:
        item["pillar"] = next(pillars)
    mapped["segments"] = {"Trip type": [segment, "Business"]}
    synthetic.edit_config(folder, lambda config: config.update(mapped))


@pytest.mark.slow
def test_the_newcomer_path_from_an_export_to_a_report(tmp_path, monkeypatch, capsys):
    """The whole first client, typed as commands (``cxwb new --industry hotel``, ``cxwb map``, the
    edits it lists, ``cxwb validate`` until OK, ``cxwb run`` of the overview and the diagnosis with
    ``--cut hotel=Leeds``), timed, with each message a newcomer meets on the way."""
    export = synthetic.hotel_export(tmp_path / "exports" / "hotel.csv")
    folder = tmp_path / "grand-hotels"
    laps, cpu = [("start", time.perf_counter())], _child_cpu()
    created = _cxwb(tmp_path, "new", "grand-hotels", "--industry", "hotel", "--language", "en")
    assert (
        created.stdout
        == "created grand-hotels with 9 files; edit them, then run: cxwb validate grand-hotels\n"
    )
    laps.append(("new", time.perf_counter()))
    mapped = _cxwb(tmp_path, "map", "exports/hotel.csv")
    laps.append(("map", time.perf_counter()))
    assert mapped.returncode == 0 and "#   3. replace each CHOOSE_PILLAR (5 item(s))" in mapped.stdout
    (folder / "survey.csv").unlink()
    shutil.copy(export, folder / "survey.csv")
    _paste_hotel_mapping(
        folder, mapped.stdout, segment="leisure ", nps_column="How likely are you to recommend us?"
    )
    first = _cxwb(tmp_path, "validate", "grand-hotels")
    assert first.returncode == 2
    problems = first.stdout.splitlines()
    # a missing mapped column lists the file's columns and the closest one
    assert problems[0] == (
        "survey.csv: How likely are you to recommend us?: column 'How likely are you to recommend us?' named "
        "in client.yaml survey.fields.nps is not in the file (did you mean 'How likely are you to recommend "
        "us to a friend?'?); the file's columns are 'Response ID', 'Stay date', 'Hotel', 'Trip type', "
        "'How likely are you to recommend us to a friend?', 'Check-in was quick', 'Staff knew my "
        "preferences', 'The room was as promised', 'Problems were put right', 'Staff cared about my stay', "
        "'Anything else?'; fix the mapping or the export"
    )
    # 'leisure ' typed in segments: is matched to the export's 'Leisure'
    assert any(
        "Trip type: segment 'Leisure' is not in client.yaml segments (did you mean 'leisure '?)" in problem
        for problem in problems
    ), problems
    _paste_hotel_mapping(folder, mapped.stdout, segment="Leisure")
    units = ["Leeds", "York", "Bath", "Chester", "Durham"]
    (folder / "units.csv").write_text(
        "unit,region,customers,retention,revenue,complaints\n"
        + "".join(
            f"{unit},North,{5000 + 1000 * i},0.8{i},{900000 + i},2{i}\n" for i, unit in enumerate(units)
        )
    )
    for example in ("employees", "initiatives", "assessment", "ecosystem"):
        (folder / f"{example}.csv").unlink()
    validated = _cxwb(tmp_path, "validate", "grand-hotels")
    laps.append(("edits and validate twice", time.perf_counter()))
    assert (validated.returncode, validated.stdout) == (0, f"{folder}: OK\n"), validated.stdout
    ran = _cxwb(
        tmp_path,
        *("run", "grand-hotels", "--out", "reports", "--cut", "hotel=Leeds"),
        *("--steps", "00_overview", "01_diagnosis", "04_human_value_chain"),
    )
    laps.append(("run 00, 01 and 04 with a cut", time.perf_counter()))
    out = tmp_path / "reports"
    assert ran.returncode == 0, ran.stderr
    for report in ("grand-hotels", "grand-hotels--unit-leeds"):  # the cut names the unit by its column
        assert {"00_overview.html", "01_diagnosis.html", "index.html"} <= {
            p.name for p in (out / report).iterdir()
        }
    # a skipped step names its files and their columns on the consultant's page
    checks = (out / "grand-hotels" / "checks.html").read_text(encoding="utf-8")
    assert "Step skipped for missing data: add employees.csv (columns respondent_id, unit, role)" in checks
    # a step notebook opened without client_dir opens the client CXWB_CLIENT names, and says so
    shown = []
    monkeypatch.setattr(report_module, "display", shown.append)
    monkeypatch.setenv(CLIENT_ENV, str(folder))
    report = cxlib.setup("", tmp_path / "interactive")
    assert report.client.config.slug == "grand-hotels"
    assert f"Client opened: grand-hotels ({folder}), named by CXWB_CLIENT." in shown[0].data
    monkeypatch.delenv(CLIENT_ENV)
    report = cxlib.setup("", tmp_path / "interactive")
    assert report.client.config.slug == "demo"
    assert "el cliente de demostración, porque ni el parámetro client_dir ni CXWB_CLIENT" in shown[1].data
    steps = ", ".join(f"{name} {end - begin:.1f} s" for (_, begin), (name, end) in itertools.pairwise(laps))
    with capsys.disabled():
        print(
            f"\nthe newcomer path: {laps[-1][1] - laps[0][1]:.1f} s ({steps}); "
            f"{_child_cpu() - cpu:.1f} s of CPU in its commands"
        )
