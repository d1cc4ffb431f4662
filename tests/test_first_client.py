"""A first client in ten minutes: ``cxwb new --industry`` writes examples of the client's trade (or
neutral ones) that validate, and ``cxwb map`` prints a survey mapping that validates after the edits
it lists."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import synthetic
import yaml

from cxlib.cli import main
from cxlib.core.method import PILLARS
from cxlib.inputs.industries import INDUSTRIES, industry_examples
from cxlib.inputs.survey_map import PILLAR_PLACEHOLDER

#: Words of a bank's examples that no other industry's scaffold may carry.
BANK_WORDS = ("bank", "banca", "account", "cuenta", "branch", "sucursal", "kyc")


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_scaffolds_a_client_that_validates(tmp_path, capsys, industry, language):
    folder = tmp_path / f"{industry}-{language}"
    assert main(["new", str(folder), "--industry", industry, "--language", language]) == 0
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out
    examples = industry_examples()[industry][language]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())).casefold()
    for key in ("industry", "touchpoint", "initiative", "role", "unit", "evidence", "value_promise"):
        assert examples[key].casefold() in text, key
    assert all(segment.casefold() in text for segment in examples["segments"])
    if industry != "bank":
        assert not [word for word in BANK_WORDS if word in text]


def test_every_industry_gives_every_example_in_both_languages():
    keys = set(industry_examples()["generic"]["en"])
    assert set(industry_examples()) == set(INDUSTRIES)
    for industry in INDUSTRIES:
        assert set(industry_examples()[industry]) == {"es", "en"}
        for language in ("es", "en"):
            assert set(industry_examples()[industry][language]) == keys, (industry, language)
    hotel = industry_examples()["hotel"]
    assert hotel["es"]["touchpoint"] != hotel["en"]["touchpoint"]


def test_an_unknown_industry_is_one_cxwb_line(tmp_path, capsys):
    assert main(["new", str(tmp_path / "x"), "--industry", "bakery"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cxwb: argument --industry: invalid choice: 'bakery'") and "hotel" in error
    assert not (tmp_path / "x").exists()


def _paste(folder: Path, export: Path, printed: str) -> int:
    """Make the edits ``cxwb map``'s output lists, as a consultant would; return how many it lists.

    1. the export copied in as survey.<ext> (the scaffold's survey.csv removed); 2. its segments: and
    survey: pasted over the scaffold's; 3. each pillar placeholder replaced by a pillar."""
    edits = re.findall(r"^#   \d+\. ", printed, flags=re.MULTILINE)
    (folder / "survey.csv").unlink()
    shutil.copy(export, folder / f"survey{export.suffix}")
    pillars = itertools.cycle(PILLARS)
    chosen = re.sub(PILLAR_PLACEHOLDER, lambda _: next(pillars), printed)
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    config.update(yaml.safe_load(chosen))
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return len(edits)


@pytest.mark.parametrize(
    "fixture", ["spss_airline", "qualtrics_csat", "labels_only_excel", "spss_labelled_scale"]
)
def test_cxwb_map_prints_a_mapping_that_validates_after_the_edits_it_lists(tmp_path, capsys, fixture):
    export = next(getattr(synthetic, fixture)(tmp_path / "export").glob("survey.*"))
    assert main(["map", str(export)]) == 0
    printed = capsys.readouterr().out
    folder = tmp_path / "client"
    assert main(["new", str(folder), "--industry", "hotel", "--language", "en"]) == 0
    assert main(["validate", str(folder)]) == 0
    edits = _paste(folder, export, printed)
    assert edits == (2 if fixture == "spss_labelled_scale" else 3)  # its items' questions name their pillars
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out


def _mixed_export(path: Path, n: int = 80) -> Path:
    """A ';'-separated Spanish CSV: an id, day-first dates, a 0-10 score, a yes/no recommendation,
    an ease rating, comments, a region, tenure in years with decimal commas, and e-mail addresses."""
    rng = np.random.default_rng(7)
    pd.DataFrame(
        {
            "folio": [f"F{i:03d}" for i in range(n)],
            "Fecha": pd.date_range("2025-01-01", periods=n).strftime("%d/%m/%Y"),
            "Puntaje": rng.integers(0, 11, n),
            "Antigüedad": [f"{value:.1f}".replace(".", ",") for value in rng.random(n) * 10],
            "¿Recomendaría a un amigo?": rng.choice(["Sí", "No"], n),
            "Comentarios": rng.choice(["Excelente servicio, muy rápido y amable", "Tardaron demasiado"], n),
            "Región": rng.choice(["Norte", "Sur"], n),
            "email": [f"c{i}@example.com" for i in range(n)],
            "Facilidad (esfuerzo)": rng.integers(1, 8, n),
        }
    ).to_csv(path, index=False, sep=";")
    return path


def test_cxwb_map_guesses_every_kind_of_column_and_lists_the_rest(tmp_path, capsys):
    export = _mixed_export(tmp_path / "encuesta.csv")
    assert main(["map", str(export)]) == 0
    printed = capsys.readouterr().out
    fields = yaml.safe_load(printed)["survey"]["fields"]
    assert fields == {
        "segment": ["Región"],
        "response_id": "folio",
        "date": "Fecha",
        "nps": {"column": "Puntaje", "scale": "0-10"},
        "ces": {"column": "Facilidad (esfuerzo)", "scale": "1-7"},
        "satisfied": {"column": "¿Recomendaría a un amigo?", "scale": "yes/no"},
        "comment": "Comentarios",
    }
    assert re.search(r"^#   'Antigüedad': number, \d+ distinct values$", printed, flags=re.MULTILINE)
    assert "#   'email': text, 80 distinct values\n" in printed
    folder = tmp_path / "client"
    assert main(["new", str(folder), "--industry", "retail"]) == 0
    assert _paste(folder, export, printed) == 2
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out


def test_an_unmapped_column_gets_a_did_you_mean_towards_a_canonical_field(tmp_path, capsys):
    export = tmp_path / "survey.csv"
    export.write_text(
        "id,csat,tenure yrs,Chanel\n" + "".join(f"{i},{i % 5 + 1},{i}.5,App\n" for i in range(30))
    )
    assert main(["map", str(export)]) == 0
    printed = capsys.readouterr().out
    assert "#   'tenure yrs': number, 30 distinct values (did you mean 'tenure_years'?)\n" in printed
    assert 'segment: ["Chanel"]' in printed


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("absent.csv", None, "absent.csv: no such file; give the path of the survey export"),
        (
            "client.yaml",
            "name: x\n",
            "client.yaml: is not a survey export; give a .csv, .xlsx, .parquet, .sav or .dta",
        ),
        ("empty.csv", "", "empty.csv: is empty; add a header row and data, or delete the file"),
        ("survey.xlsx", "PK\x03\x04 not a workbook", "survey.xlsx: is not a valid .xlsx workbook"),
    ],
)
def test_cxwb_map_on_a_bad_file_is_one_cxwb_line(tmp_path, capsys, name, content, message):
    if content is not None:
        (tmp_path / name).write_text(content)
    assert main(["map", str(tmp_path / name)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("cxwb: ") and message in error and error.count("\n") == 1


def test_the_rating_whose_question_names_an_outcome_takes_it(tmp_path, capsys):
    rows = "".join(f"{i % 11},{(i * 7) % 11},{'yes' if i % 3 else 'no'}\n" for i in range(40))
    export = tmp_path / "survey.csv"
    export.write_text("Q1 value for money,How likely are you to recommend us?,Used the app\n" + rows)
    assert main(["map", str(export)]) == 0
    printed = capsys.readouterr().out
    survey = yaml.safe_load(printed)["survey"]
    assert survey["fields"] == {"nps": {"column": "How likely are you to recommend us?", "scale": "0-10"}}
    assert survey["items"] == [
        {"column": "Q1 value for money", "pillar": PILLAR_PLACEHOLDER, "scale": "0-10"}
    ]
    assert "#   'Used the app': yes/no\n" in printed
    folder = tmp_path / "client"
    assert main(["new", str(folder), "--industry", "telco", "--language", "en"]) == 0
    assert _paste(folder, export, printed) == 3
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out


def _mapped(folder: Path, data: pd.DataFrame) -> str:
    """What ``cxwb map`` prints for ``data`` written as ``folder/survey.sav`` with an agreement scale
    and two no-answer codes labelled on its ``staff`` column."""
    pyreadstat.write_sav(
        data,
        str(folder / "survey.sav"),
        column_labels={"staff": "Staff knew my history"},
        variable_value_labels={
            "staff": dict(enumerate(synthetic.AGREEMENT_EN, start=1)) | {0: "Not applicable", 99: "No answer"}
        },
    )
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(["map", str(folder / "survey.sav")]) == 0
    return output.getvalue()


def test_a_labelled_scale_with_no_answer_codes_is_an_item_with_missing_codes(tmp_path, capsys):
    rng = np.random.default_rng(8)
    data = pd.DataFrame({"id": range(1, 101), "staff": rng.choice([0, 1, 2, 3, 4, 5, 99], 100)})
    assert "#   3. map an outcome (nps, csat, ces, satisfied): no column reads as one;" in _mapped(
        tmp_path, data
    )
    data["satisfaction"] = rng.integers(1, 6, 100)
    printed = _mapped(tmp_path, data)
    assert yaml.safe_load(printed)["survey"]["items"] == [
        {"column": "staff", "pillar": PILLAR_PLACEHOLDER, "scale": "1-5", "missing": [0, 99]}
    ]
    folder = tmp_path / "client"
    assert main(["new", str(folder)]) == 0
    assert _paste(folder, tmp_path / "survey.sav", printed) == 3
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().out


def test_the_scripted_newcomer_path_as_a_consultant_types_it(tmp_path):
    """``cxwb new --industry hotel``, ``cxwb map`` on a Qualtrics export, the listed edits, ``cxwb
    validate``: each a command of its own, as typed, the whole path timed."""

    def cxwb(*arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "cxlib", *arguments]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    export = synthetic.qualtrics_csat(tmp_path / "export") / "survey.csv"
    folder = tmp_path / "hotel"
    start = time.perf_counter()
    created = cxwb("new", str(folder), "--industry", "hotel", "--language", "es")
    assert created.stdout == f"created {folder} with 9 files; edit them, then run: cxwb validate {folder}\n"
    mapped = cxwb("map", str(export))
    assert mapped.returncode == 0 and mapped.stderr == ""
    assert _paste(folder, export, mapped.stdout) == 3
    validated = cxwb("validate", str(folder))
    elapsed = time.perf_counter() - start
    assert (validated.returncode, validated.stdout) == (0, f"{folder}: OK\n")
    assert "Check-in en recepción" in (folder / "journey.csv").read_text(encoding="utf-8")
    assert elapsed < 60, f"the newcomer path took {elapsed:.1f} s"
