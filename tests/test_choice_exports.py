"""Labelled exports beyond SPSS: a Stata ``.dta`` with value labels over its codes, and a Qualtrics
"choice text" CSV whose cells are the answer texts under the two header rows Qualtrics adds; both
validate with no ``values:`` in ``client.yaml`` (issue 31, item 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import synthetic
import yaml

from cxlib.core.i18n import translator
from cxlib.inputs.client import check_client, load_client
from cxlib.steps import overview

SATISFACTION_EN = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neither satisfied nor dissatisfied",
    "Satisfied",
    "Very satisfied",
]


def write_config(folder, survey: dict) -> None:
    config = {
        "name": "Export",
        "slug": folder.name,
        "language": "en",
        "industry": "Retail",
        "currency": "USD",
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(config | {"survey": survey}), encoding="utf-8")


def coded_answers(n: int, seed: int) -> pd.DataFrame:
    """Five 1-5 items, a 1-5 CSAT driven by the first two and a 0-10 likelihood, as codes."""
    rng = np.random.default_rng(seed)
    items = pd.DataFrame({f"q{i}": rng.integers(1, 6, n) for i in range(1, 6)})
    latent = items["q1"] + 0.7 * items["q2"] + rng.normal(0, 0.8, n)
    csat = np.clip(np.round(1 + 4 * (latent - latent.min()) / np.ptp(latent)), 1, 5).astype(int)
    nps = np.clip(np.round(10 * (latent - latent.min()) / np.ptp(latent)), 0, 10).astype(int)
    return items.assign(csat=csat, nps=nps, store=rng.integers(1, 3, n))


ITEM_MAPPINGS = [
    {"column": f"q{i}", "pillar": pillar}
    for i, pillar in enumerate(["personalisation", "integrity", "expectations", "resolution", "empathy"], 1)
]


def test_stata_value_labels_over_codes_that_fit_the_scale_read_as_codes(tmp_path):
    folder = tmp_path / "stata"
    folder.mkdir()
    codes = coded_answers(200, 21)
    agreement = dict(enumerate(synthetic.AGREEMENT_EN, start=1))
    labels = {f"q{i}": agreement for i in range(1, 6)} | {
        "csat": dict(enumerate(SATISFACTION_EN, start=1)),
        "store": {1: "Downtown", 2: "Mall"},
    }
    pyreadstat.write_dta(
        codes,
        str(folder / "survey.dta"),
        column_labels={"q1": "They treat me as a person", "csat": "Overall satisfaction"},
        variable_value_labels=labels,
    )
    write_config(
        folder,
        {
            "fields": {"csat": {"column": "csat", "scale": "1-5"}, "segment": "store"},
            "items": ITEM_MAPPINGS,
        },
    )
    client = load_client(folder)  # no values: anywhere
    survey = client.tables["survey"]
    assert client.formats["survey"] == "stata"
    assert (survey["item_q1"].to_numpy() == codes["q1"].to_numpy()).all()
    assert (survey["csat"].to_numpy() == codes["csat"].to_numpy()).all()
    assert set(survey["segment"]) == {"Downtown", "Mall"}  # a category keeps its labels
    assert client.display_names["q1"] == "They treat me as a person"
    notes = overview.scale_readings(client, translator("en"))
    assert {note["how"] for note in notes} == {
        "the codes the SPSS or Stata file holds under its value labels"
    }


def qualtrics_choice_text(folder, codes: pd.DataFrame) -> None:
    """``codes`` written as a Qualtrics "choice text" export: the answer texts, under the question
    text and ``{"ImportId": …}`` rows; the 0-10 likelihood labelled at its two ends only, as
    Qualtrics writes an NPS question."""
    agreement = dict(enumerate(synthetic.AGREEMENT_EN, start=1))
    likelihood = {0: "Not at all likely", 10: "Extremely likely"}
    cells = pd.DataFrame(
        {"ResponseId": [f"R_{i:05d}" for i in range(len(codes))]}
        | {f"q{i}": codes[f"q{i}"].map(agreement) for i in range(1, 6)}
        | {
            "csat": codes["csat"].map(dict(enumerate(SATISFACTION_EN, start=1))),
            "nps": codes["nps"].map(lambda code: likelihood.get(code, str(code))),
            "store": codes["store"].map({1: "Downtown", 2: "Mall"}),
        }
    )
    questions = ["Response ID"] + [f"Question {column}" for column in cells.columns[1:]]
    import_ids = [f'{{"ImportId":"{column}"}}' for column in cells.columns]
    header = pd.DataFrame([questions, import_ids], columns=cells.columns)
    pd.concat([header, cells]).to_csv(folder / "survey.csv", index=False)


def test_a_qualtrics_choice_text_export_reads_its_answer_texts_as_codes(tmp_path):
    folder = tmp_path / "qualtrics"
    folder.mkdir()
    codes = coded_answers(240, 22)
    qualtrics_choice_text(folder, codes)
    write_config(
        folder,
        {
            "fields": {
                "response_id": "ResponseId",
                "csat": {"column": "csat", "scale": "1-5"},
                "nps": {"column": "nps", "scale": "0-10"},
                "segment": "store",
            },
            "items": ITEM_MAPPINGS,
        },
    )
    client = load_client(folder)  # no values: anywhere
    survey = client.tables["survey"]
    assert client.formats["survey"] == "qualtrics"
    for column in ("q1", "q3", "q5"):
        assert (survey[f"item_{column}"].to_numpy() == codes[column].to_numpy()).all()
    assert (survey["csat"].to_numpy() == codes["csat"].to_numpy()).all()
    assert (survey["nps"].to_numpy() == codes["nps"].to_numpy()).all()
    assert survey.index[0] == 4  # data start at spreadsheet row 4, under the two added header rows
    assert client.display_names["csat"] == "Question csat"
    readings = {note["columns"]: note for note in overview.scale_readings(client, translator("en"))}
    assert "'Strongly Disagree' = 1" in readings["q1, q2, q3, q4, q5"]["mapping"]


@pytest.mark.parametrize("export", ["stata", "qualtrics"])
def test_an_unknown_choice_text_is_one_problem_for_its_column(tmp_path, export):
    folder = tmp_path / export
    folder.mkdir()
    codes = coded_answers(60, 23)
    odd = {1: "Meh", 2: "Okay-ish", 3: "Fine", 4: "Good stuff", 5: "Wow"}
    if export == "stata":  # codes 10-50 do not fit the 1-5 scale: the labels must be read
        tens = codes.assign(csat=codes["csat"] * 10)
        labels = {"csat": {code * 10: label for code, label in odd.items()}}
        pyreadstat.write_dta(tens, str(folder / "survey.dta"), variable_value_labels=labels)
        write_config(folder, {"fields": {"csat": {"column": "csat", "scale": "1-5"}}})
    else:
        qualtrics_choice_text(folder, codes)
        frame = pd.read_csv(folder / "survey.csv", dtype=str)
        frame.loc[2:, "csat"] = codes["csat"].map(odd).to_numpy()
        frame.to_csv(folder / "survey.csv", index=False)
        write_config(folder, {"fields": {"csat": {"column": "csat", "scale": "1-5"}}})
    _, problems = check_client(folder)
    located = [problem for problem in problems if problem.column == "csat"]
    assert len(located) == 1, problems
    assert "'Good stuff'" in located[0].message and "survey.fields.csat.values" in located[0].message
