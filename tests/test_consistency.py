"""Each cross-step consistency rule, with its contradiction planted in published results."""

from __future__ import annotations

from cxlib.core.i18n import translator
from cxlib.render.consistency import RULES, reconcile
from cxlib.render.results import publish
from cxlib.render.summary import findings


def _plant(folder, strengths: list[str], gaps: dict[str, float]) -> None:
    pillars = {
        p: {"gap": g, "current": 70 - g, "low": 69 - g, "high": 71 - g, "target": 70, "n": 500}
        for p, g in gaps.items()
    }
    publish(folder, "01_diagnosis", {"metrics": {}, "pillars": pillars})
    publish(
        folder,
        "06_ecosystem",
        {"scores": {"channels": 4.0}, "strengths": strengths, "links": {"channels": ["time_effort"]}},
    )


def test_rules_are_declared_as_data():
    assert [rule.name for rule in RULES] == ["strength_with_a_large_gap"]


def test_a_9c_strength_whose_pillar_has_the_largest_gap_is_reconciled_in_the_summary(tmp_path):
    _plant(tmp_path, ["channels"], {"time_effort": 26.9, "empathy": 5.9, "integrity": 16.1})
    t = translator("es", "es_MX")
    found = reconcile(tmp_path, t)
    assert len(found) == 1 and not found[0].check
    assert "Canales y circulación es una fortaleza" in found[0].text and "Tiempo y esfuerzo" in found[0].text
    assert "26.9 [25.9; 27.9] puntos; n = 500" in found[0].text
    assert any(finding.text == found[0].text for finding in findings(tmp_path, t))


def test_no_reconciliation_without_the_contradiction_or_its_results(tmp_path):
    _plant(tmp_path, ["channels"], {"time_effort": 3.0, "empathy": 5.9, "integrity": 16.1})
    assert reconcile(tmp_path, translator("en")) == []
    _plant(tmp_path, [], {"time_effort": 26.9})
    assert reconcile(tmp_path, translator("en")) == []
    assert reconcile(tmp_path / "absent", translator("en")) == []
