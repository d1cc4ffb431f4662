"""Survey fields on client pages: named by a declared label, their question text or the catalogue's
wording of the question, never by a short export column (partner review: 'LTR (0-10)',
'Overall sat' on the data profile)."""

from __future__ import annotations

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.steps import overview


def test_short_export_columns_are_named_by_their_question() -> None:
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    t = translator("en").with_labels(client.labels)
    names = overview.answer_coverage(client, t).iloc[:, 0].tolist()
    assert names[:4] == [
        "Likelihood to recommend us (0-10)",
        "Overall satisfaction (1-7)",
        "Effort to get done what they needed (1-7)",
        "Was what they needed resolved?",
    ]
    assert not {"LTR (0-10)", "Overall sat", "Effort score", "Issue fixed?"} & set(names)
    assert "Q5 Staff knew my history" in names  # a pillar item keeps its question as written
    assert overview.column_name(client, "survey", "csat", t) == "Overall satisfaction (1-7)"
    spanish = translator("es").with_labels(client.labels)
    assert overview.survey_label(client, "csat", spanish) == "Satisfacción general (1-7)"


def test_a_declared_label_or_question_text_wins() -> None:
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    client.labels["metric.csat"] = {"es": "Satisfacción con la tienda", "en": "Satisfaction with the store"}
    assert overview.survey_label(client, "csat", translator("en")) == "Satisfaction with the store"
    del client.labels["metric.csat"]
    question = "How easy was it to get your issue sorted?"
    client.display_names[client.source_of("ces")] = question
    assert overview.survey_label(client, "ces", translator("en")) == question
