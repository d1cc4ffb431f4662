"""The workshop editor cannot lose answers: formats kept, identities matched, merges under a lock,
conflicts refused, read-only files respected, backups restorable; property-based on random edits."""

from __future__ import annotations

import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.core.exceptions import CxError
from cxlib.core.guard import ClientFileError
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client
from cxlib.inputs.scaffold import scaffold_client
from cxlib.inputs.tables import read_table
from cxlib.inputs.workshop import AssessmentStore, ConflictError, assessment_editor, identity

ITEMS = ["RES1", "TIE1", "EMP1", "INT1"]


def test_save_is_atomic_with_backup_and_reloads(scaffolded):
    store = AssessmentStore(scaffolded)
    before = (scaffolded / "assessment.csv").read_text()
    store.answers_for("Ana López")
    store.save(
        "Ana López",
        "Operations",
        {"RES1": (4, "72% first-contact resolution"), "TIE1": (2, ""), "EMP1": (None, "")},
    )
    assert store.answers_for("Ana López") == {"RES1": (4, "72% first-contact resolution"), "TIE1": (2, "")}
    backups = store.backups()
    assert len(backups) == 1 and backups[0].read_text() == before
    assert check_client(scaffolded)[1] == []


def test_bad_answer_is_not_saved(scaffolded):
    store = AssessmentStore(scaffolded)
    before = (scaffolded / "assessment.csv").read_text()
    with pytest.raises(CxError, match="not saved"):
        store.save("Luis", "IT", {"NOPE1": (3, "")})
    assert (scaffolded / "assessment.csv").read_text() == before
    assert store.backups() == []


@pytest.mark.parametrize("separator,encoding", [(";", "utf-8"), (";", "cp1252"), ("\t", "utf-8-sig")])
def test_the_file_keeps_its_separator_encoding_and_other_rows(scaffolded, separator, encoding):
    path = scaffolded / "assessment.csv"
    rows = pd.read_csv(path, dtype=str)
    extra = rows.assign(respondent="Dirección Comercial", area="Ventas", item_id="TIE1", pillar="time_effort")
    pd.concat([rows, extra]).to_csv(path, sep=separator, encoding=encoding, index=False)
    store = AssessmentStore(scaffolded)
    store.answers_for("Consultora")
    store.save("Consultora", "Taller", {"EMP1": (5, "Visitas con evidencia «completa»")})
    raw, problems = read_table(path)
    assert problems == [] and raw.separator == separator and raw.encoding == encoding
    saved = raw.frame
    assert len(saved) == 3 and set(saved["respondent"]) == {"Ana López", "Dirección Comercial", "Consultora"}
    assert check_client(scaffolded)[1] == []


def test_identities_are_case_and_accent_insensitive_and_untouched_answers_keep_everything(scaffolded):
    store = AssessmentStore(scaffolded)
    original = store.load().iloc[0].to_dict()
    store.answers_for("ana lopez")
    store.save("ana lopez", "", {"TIE1": (2, "Queue report")})
    saved = store.load()
    assert set(saved["respondent"]) == {"Ana López"}  # the spelling on file is kept
    untouched = saved[saved["item_id"] == "RES1"].iloc[0].to_dict()
    assert untouched == original  # area, evidence and date unchanged
    assert saved.loc[saved["item_id"] == "TIE1", "area"].iloc[0] == original["area"]


def test_a_change_made_since_loading_is_not_overwritten(scaffolded):
    first, second = AssessmentStore(scaffolded), AssessmentStore(scaffolded)
    first.answers_for("Ana López")
    second.answers_for("Ana López")
    first.save("Ana López", "", {"RES1": (5, "Q2 report")})
    with pytest.raises(ConflictError, match="RES1 .* changed since you loaded"):
        second.save("Ana López", "", {"RES1": (1, "my view")})
    second.save("Ana López", "", {"TIE1": (3, "")})  # a different answer merges
    assert AssessmentStore(scaffolded).answers_for("Ana López") == {"RES1": (5, "Q2 report"), "TIE1": (3, "")}


def test_a_read_only_file_is_respected(scaffolded):
    path = scaffolded / "assessment.csv"
    before = path.read_text()
    path.chmod(0o444)
    store = AssessmentStore(scaffolded)
    store.answers_for("Luis")
    with pytest.raises(CxError, match="read-only"):
        store.save("Luis", "IT", {"TIE1": (3, "")})
    assert path.read_text() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_backups_can_be_listed_and_restored(scaffolded):
    store = AssessmentStore(scaffolded)
    original = (scaffolded / "assessment.csv").read_text()
    store.answers_for("Luis")
    store.save("Luis", "IT", {"TIE1": (3, "")})
    store.restore(store.backups()[0].name)
    assert (scaffolded / "assessment.csv").read_text() == original
    assert len(store.backups()) == 2  # the restored-over table was kept too


def test_widget_loads_on_choice_and_saves(demo_copy):
    editor = assessment_editor(demo_copy)
    editor.respondent.value = "Consultora"
    editor.area.value = "Taller"
    editor.scores["PER2"].value = 5
    editor.evidence["PER2"].value = "El CRM muestra el historial <completo>"
    editor.save_button.click()
    assert "assessment.csv" in editor.status.value
    reopened = assessment_editor(demo_copy)
    reopened.respondent.value = "consultora"  # chosen from the list, in any case: loads by itself
    assert reopened.scores["PER2"].value == 5
    assert reopened.evidence["PER2"].value == "El CRM muestra el historial <completo>"
    assert reopened.scores["PER1"].value is None


def _fresh_client() -> Path:
    folder = Path(tempfile.mkdtemp()) / "acme"
    scaffold_client(folder, "en")
    return folder


def _on_file(folder: Path) -> dict[tuple[str, str], tuple[int, str]]:
    answers = AssessmentStore(folder).load().fillna("")
    return {
        (identity(row.respondent), row.item_id): (int(row.score), row.evidence)
        for row in answers.itertuples()
    }


respondents = st.sampled_from(["Ana López", "ana lopez", "ANA LÓPEZ", "Luis", "luis ", "CEO"])
evidence = st.text(alphabet="abc ;,\"'=+-@\n«»ñ", max_size=12).map(str.strip)
edits = st.lists(st.tuples(respondents, st.sampled_from(ITEMS), st.integers(1, 5), evidence), max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_no_sequence_of_edits_loses_an_answer(sequence):
    folder = _fresh_client()
    expected = _on_file(folder)
    for respondent, item, score, text in sequence:
        store = AssessmentStore(folder)
        store.answers_for(respondent)
        store.save(respondent, "Area", {item: (score, text)})
        expected[(identity(respondent), item)] = (score, text)
    assert _on_file(folder) == expected
    shutil.rmtree(folder.parent)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sets(st.tuples(st.sampled_from(["Ana", "Luis", "Eva", "Raúl"]), st.sampled_from(ITEMS)), min_size=2)
)
def test_concurrent_saves_of_different_answers_all_survive(saves):
    folder = _fresh_client()
    expected = _on_file(folder)
    errors = []

    def save(respondent: str, item: str) -> None:
        try:
            store = AssessmentStore(folder)
            store.answers_for(respondent)
            store.save(respondent, "Area", {item: (4, f"{respondent} {item}")})
        except Exception as error:  # collected, so the assertion names it
            errors.append(error)

    threads = [threading.Thread(target=save, args=pair) for pair in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected |= {(identity(r), item): (4, f"{r} {item}") for r, item in saves}
    assert _on_file(folder) == expected
    shutil.rmtree(folder.parent)


def test_a_workshop_workbook_stores_formulas_as_text(scaffolded):
    import openpyxl

    path = scaffolded / "assessment.xlsx"
    pd.read_csv(scaffolded / "assessment.csv", dtype=str).to_excel(path, index=False)
    (scaffolded / "assessment.csv").unlink()
    store = AssessmentStore(scaffolded)
    store.answers_for("=cmd|' /C calc'!A0")
    store.save("=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', {"TIE1": (3, "+1+1")})
    cells = [cell for row in openpyxl.load_workbook(path).active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "'+1+1" in {cell.value for cell in cells}


def test_a_client_with_a_logo_saves_validated_in_its_own_folder(tmp_path):
    """northwind's client.yaml names logo.png: the trial table is validated where the logo is."""
    client = tmp_path / "northwind"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", client)
    store = AssessmentStore(client)
    store.answers_for("CEO")
    assert (
        store.save("CEO", "Dirección", {"PER1": (5, "taller"), "PER2": (1, "")}) == client / "assessment.csv"
    )
    assert store.answers_for("CEO")["PER1"] == (5, "taller")
    assert [problem for problem in check_client(client)[1] if problem.file == "assessment.csv"] == []
    with pytest.raises(CxError) as refused:
        store.save("CEO", "", {"NOPE1": (3, "")})
    message = str(refused.value)
    assert "  assessment.csv:" in message and "unknown question 'NOPE1'" in message
    assert ".workshop-" not in message and "logo" not in message


@pytest.fixture
def outside(tmp_path) -> Path:
    """A file outside the client folder, that the workshop must neither read nor overwrite."""
    path = tmp_path / "outside" / "secret.csv"
    path.parent.mkdir()
    path.write_text("respondent,item_id\nSECRET,RES1\n", encoding="utf-8")
    return path


def test_a_backup_outside_the_client_folder_is_refused_unread(scaffolded, outside):
    store = AssessmentStore(scaffolded)
    store.answers_for("Luis")
    store.save("Luis", "IT", {"TIE1": (3, "")})
    before = (scaffolded / "assessment.csv").read_text()
    with pytest.raises(CxError, match="no backup named passwd"):
        store.restore("../../etc/passwd")
    (scaffolded / "backups" / "assessment-20990101T000000000000.csv").symlink_to(outside)
    with pytest.raises(ClientFileError, match="is a link to a file outside the client folder"):
        store.restore("assessment-20990101T000000000000.csv")
    assert (scaffolded / "assessment.csv").read_text() == before


def test_a_backups_folder_leading_out_is_never_written(scaffolded, outside):
    (scaffolded / "backups").symlink_to(outside.parent)
    store = AssessmentStore(scaffolded)
    store.answers_for("Luis")
    with pytest.raises(ClientFileError, match="backups: is a link to a folder outside"):
        store.save("Luis", "IT", {"TIE1": (3, "")})
    with pytest.raises(ClientFileError):
        store.backups()
    assert [path.name for path in outside.parent.iterdir()] == ["secret.csv"]


def test_an_assessment_linked_outside_is_neither_saved_through_nor_backed_up(scaffolded, outside):
    store = AssessmentStore(scaffolded)
    store.answers_for("Luis")
    store.save("Luis", "IT", {"TIE1": (3, "")})
    (scaffolded / "assessment.csv").unlink()
    (scaffolded / "assessment.csv").symlink_to(outside)
    with pytest.raises(CxError, match="assessment.csv: is a link to a file outside the client folder"):
        store.save("Luis", "IT", {"TIE1": (5, "")})
    with pytest.raises(ClientFileError, match="assessment.csv: is a link to a file outside"):
        store.restore(store.backups()[0].name)
    assert outside.read_text(encoding="utf-8") == "respondent,item_id\nSECRET,RES1\n"
    assert (scaffolded / "assessment.csv").is_symlink()
    assert not any("SECRET" in path.read_text(encoding="utf-8") for path in store.backups())
    (scaffolded / "assessment.csv").unlink()
    (scaffolded / ".assessment.lock").unlink()
    (scaffolded / ".assessment.lock").symlink_to(outside.parent / "lock")
    with pytest.raises(ClientFileError, match="assessment.lock: is a link"):
        store.save("Luis", "IT", {"TIE1": (5, "")})
    assert not (outside.parent / "lock").exists()


def test_a_folder_that_cannot_be_written_is_named_not_the_staging_folder(scaffolded, monkeypatch):
    def refused(suffix=None, prefix=None, dir=None):  # as os.mkdir refuses in a read-only folder
        raise PermissionError(13, "Permission denied", str(Path(dir) / f"{prefix}x1y2z3"))

    store = AssessmentStore(scaffolded)
    store.answers_for("Luis")
    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    with pytest.raises(CxError) as error:
        store.save("Luis", "IT", {"TIE1": (3, "")})
    assert str(error.value).startswith(f"not saved: {scaffolded} cannot be written (permission denied)")
