"""Labelled scales: SPSS codes under value labels, common scales written as words (es/en), labels
carrying their number, named scales under ``scales:``, and one located problem per column for
labels none of these reads."""

from __future__ import annotations

import numpy
import pandas as pd
import pyreadstat
import synthetic

from cxlib.core.i18n import translator
from cxlib.inputs.client import check_client, load_client
from cxlib.inputs.config import parse_scale
from cxlib.inputs.scales import known_scales, recognise
from cxlib.steps import overview


def test_spss_value_labels_over_codes_that_fit_the_scale_read_as_codes(tmp_path):
    folder = synthetic.spss_labelled_scale(tmp_path / "retail")
    client = load_client(folder)  # no values: anywhere
    codes, _ = pyreadstat.read_sav(str(folder / "survey.sav"))
    survey = client.tables["survey"]
    assert (survey["item_rc1"].to_numpy() == codes["RC1"].to_numpy()).all()
    assert (survey["csat"].to_numpy() == codes["overall"].to_numpy()).all()
    assert survey["segment"].iloc[:3].isin(["Downtown", "Mall", "Outlet"]).all()  # text keeps its labels
    notes = overview.scale_readings(client, translator("en"))
    assert len(notes) == 2  # the five items share one reading, noted once
    items = next(note for note in notes if note["columns"].startswith("RC1"))
    assert items["columns"] == "RC1, RC2, RC3, RC4, RC5"
    assert items["mapping"].startswith("'Strongly Disagree' = 1, 'Disagree' = 2")
    assert items["how"] == "the codes the SPSS or Stata file holds under its value labels"


def test_spss_codes_running_opposite_to_their_labels_are_noted(tmp_path):
    folder = tmp_path / "reversed"
    folder.mkdir()
    frame = pd.DataFrame({"id": range(1, 41), "q": [1, 2, 3, 4, 5] * 8, "csat": [1, 2, 3, 4, 5] * 8})
    labels = dict(enumerate(reversed(synthetic.AGREEMENT_EN), start=1))
    pyreadstat.write_sav(frame, str(folder / "survey.sav"), variable_value_labels={"q": labels})
    synthetic._write_config(
        folder,
        synthetic._config(
            "reversed", "en", {"items": [{"column": "q", "pillar": "empathy", "scale": "1-5"}]}
        ),
    )
    client = load_client(folder)
    assert client.scale_readings["q"].family == "codes_reversed"
    assert "run opposite to the labels" in overview.scale_readings(client, translator("en"))[0]["how"]


def test_labels_only_excel_export_is_read_through_common_scales(tmp_path):
    folder = synthetic.labels_only_excel(tmp_path / "labels")
    client = load_client(folder)  # no values: anywhere
    raw = pd.read_excel(folder / "survey.xlsx", dtype=str)
    survey = client.tables["survey"]
    english = {label: code for code, label in enumerate(synthetic.AGREEMENT_EN, start=1)}
    spanish = {label: code for code, label in enumerate(synthetic.AGREEMENT_ES, start=1)}
    same = numpy.testing.assert_array_equal  # blank cells (missing) compare equal
    same(survey["item_online_boarding"].to_numpy(float), raw["Online boarding"].map(english).to_numpy(float))
    same(survey["item_seat_comfort"].to_numpy(float), raw["Seat comfort"].map(spanish).to_numpy(float))
    nps = raw["Recomendaría"].replace({"Not at all likely": "0", "Extremely likely": "10"}).astype(int)
    assert (survey["nps"].to_numpy() == nps.to_numpy()).all()
    how = {note["how"] for note in overview.scale_readings(client, translator("es"))}
    assert how == {
        "etiquetas de una escala de acuerdo",
        "etiquetas de una escala de satisfacción",
        "etiquetas de una escala de probabilidad",
    }


def test_the_labels_carry_the_planted_relation_and_a_shuffled_copy_shows_none(tmp_path):
    linked = load_client(synthetic.labels_only_excel(tmp_path / "linked"))
    shuffled = load_client(synthetic.labels_only_excel(tmp_path / "shuffled", linked=False))
    assert overview.outcome_relation(linked)["p"] < 0.001
    assert overview.outcome_relation(shuffled)["p"] > 0.05


def test_recognition_needs_one_family_holding_every_label():
    five, seven = parse_scale("1-5"), parse_scale("1-7")
    (reading,) = recognise(["Muy de acuerdo", "En desacuerdo"], five)
    assert dict(reading.codes) == {"En desacuerdo": 2, "Muy de acuerdo": 5}
    (reading,) = recognise(["Somewhat agree", "Strongly agree"], seven)
    assert dict(reading.codes) == {"Somewhat agree": 5, "Strongly agree": 7}
    assert len(recognise(["Good", "Very good", "Fair"], five)) == 2  # two quality scales: ambiguous
    assert recognise(["Strongly agree", "Very satisfied"], five) == []
    assert recognise(["Blue", "Green"], five) == []


def test_no_spelling_names_two_points_of_one_scale():
    for family, lengths in known_scales().items():
        for points, positions in lengths.items():
            spellings = [spelling for position in positions for spelling in position]
            assert len(spellings) == len(set(spellings)), (family, points)
            assert points == "anchors" or len(positions) == points


def test_numbered_labels_are_read_by_their_number(tmp_path):
    folder = synthetic.minimal_csv(tmp_path / "numbered")
    frame = pd.read_csv(folder / "survey.csv")
    frame["csat"] = (
        frame["csat"].map({1: "1 - Very poor", 5: "5 = Excellent"}).fillna(frame["csat"].astype(str))
    )
    frame.to_csv(folder / "survey.csv", index=False)
    client = load_client(folder)
    assert client.tables["survey"]["csat"].between(1, 5).all()
    assert client.scale_readings["csat"].family == "numbered"


def test_unknown_labels_are_one_problem_per_column_pointing_at_values_and_scales(tmp_path):
    folder = synthetic.labels_only_excel(tmp_path / "labels")
    raw = pd.read_excel(folder / "survey.xlsx", dtype=str)
    raw["Online boarding"] = raw["Online boarding"].replace("Agree", "Mostly").replace("Disagree", "Hardly")
    raw.to_excel(folder / "survey.xlsx", index=False)
    messages = [str(problem) for problem in check_client(folder)[1]]
    assert len(messages) == 1, messages
    assert messages[0].startswith("survey.xlsx: Online boarding: label(s) '")
    assert "'Mostly' (" in messages[0] and "'Hardly' (" in messages[0]
    assert "neither numbers on the 1-5 scale nor the labels of a common scale" in messages[0]
    assert "client.yaml survey.items.values, or define the scale once under scales:" in messages[0]


def test_a_named_scale_is_defined_once_and_referred_to(tmp_path):
    folder = synthetic.labels_only_excel(tmp_path / "named")
    raw = pd.read_excel(folder / "survey.xlsx", dtype=str)
    words = dict(zip(synthetic.AGREEMENT_EN, ["Never", "Seldom", "Half", "Mostly", "Always!"], strict=True))
    raw["Online boarding"] = raw["Online boarding"].replace(words)
    raw.to_excel(folder / "survey.xlsx", index=False)

    def named(config):
        config["scales"] = {
            "house": {"scale": "1-5", "values": {w: i for i, w in enumerate(words.values(), 1)}}
        }
        config["survey"]["items"][0]["scale"] = "house"

    synthetic.edit_config(folder, named)
    client = load_client(folder)
    assert client.tables["survey"]["item_online_boarding"].between(1, 5).sum() > 200

    synthetic.edit_config(folder, lambda config: config["survey"]["items"][0].update(scale="hause"))
    (message,) = [str(problem) for problem in check_client(folder)[1]]
    assert message.startswith(
        "client.yaml: survey.items (Online boarding).scale 'hause' (did you mean 'house'?)"
    )
    assert "define the scale under scales:" in message
