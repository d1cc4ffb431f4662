"""The messages a consultant meets on a first client: a missing mapped column lists the file's columns
and the closest one, near misses in case or spaces are suggested, a cut may name any export column
mapped to a survey field, a skipped step names its files and their columns, and a step notebook
opened without ``client_dir`` says how to set it."""

from __future__ import annotations

import pytest
import synthetic

import cxlib
from cxlib.core.exceptions import ClientNotFoundError
from cxlib.core.i18n import translator
from cxlib.inputs.client import CLIENT_ENV, check_client, client_folder, load_client
from cxlib.inputs.cuts import CutError, resolve_cut
from cxlib.inputs.schema import needed_files, suggest


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


def test_a_notebook_without_client_dir_says_how_to_set_it(monkeypatch, tmp_path):
    monkeypatch.delenv(CLIENT_ENV, raising=False)
    with pytest.raises(ClientNotFoundError, match=r"^client_dir is not set: write the client folder in the"):
        cxlib.setup("", "")
    monkeypatch.setenv(CLIENT_ENV, str(tmp_path))
    assert client_folder("") == tmp_path and client_folder("elsewhere").name == "elsewhere"
