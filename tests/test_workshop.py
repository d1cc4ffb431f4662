"""The workshop editor's save and load logic, without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlib.core.exceptions import CxError
from cxlib.inputs.client import check_client
from cxlib.inputs.workshop import AssessmentStore, assessment_editor


def test_save_is_atomic_with_backup_and_reloads(scaffolded):
    store = AssessmentStore(scaffolded)
    before = (scaffolded / "assessment.csv").read_text()
    store.save(
        "Ana López",
        "Operations",
        {"RES1": (4, "72% first-contact resolution"), "TIE1": (2, ""), "EMP1": (None, "")},
    )
    assert store.answers_for("Ana López") == {"RES1": (4, "72% first-contact resolution"), "TIE1": (2, "")}
    backups = list((scaffolded / "backups").iterdir())
    assert len(backups) == 1 and backups[0].read_text() == before
    _, problems = check_client(scaffolded)
    assert problems == []
    saved = pd.read_csv(scaffolded / "assessment.csv")
    assert set(saved["respondent"]) == {"Ana López"}  # the template row was Ana López's too, and is replaced


def test_bad_answer_is_not_saved(scaffolded):
    store = AssessmentStore(scaffolded)
    before = (scaffolded / "assessment.csv").read_text()
    with pytest.raises(CxError, match="not saved"):
        store.save("Luis", "IT", {"NOPE1": (3, "")})
    assert (scaffolded / "assessment.csv").read_text() == before
    assert not (scaffolded / "backups").exists()


def test_widget_saves_and_reopens_answers(demo_copy):
    editor = assessment_editor(demo_copy)
    editor.respondent.value = "Consultora"
    editor.area.value = "Taller"
    editor.scores["PER2"].value = 5
    editor.evidence["PER2"].value = "El CRM muestra el historial <completo>"
    editor.save_button.click()
    assert "assessment.csv" in editor.status.value
    reopened = assessment_editor(demo_copy, respondent="Consultora")
    assert reopened.scores["PER2"].value == 5
    assert reopened.evidence["PER2"].value == "El CRM muestra el historial <completo>"
    assert reopened.scores["PER1"].value is None
