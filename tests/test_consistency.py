"""Each cross-step consistency rule, with its contradiction planted in published results."""

from __future__ import annotations

import pytest

from cxlib.core.i18n import translator
from cxlib.render.checks import Check
from cxlib.render.consistency import RULES, consultant_checks, reconcile
from cxlib.render.results import load, publish
from cxlib.render.summary import findings
from cxlib.run.runner import run


def _plant(folder, strengths: list[str], gaps: dict[str, float]) -> None:
    pillars = {
        p: {
            "gap": g,
            "current": 70 - g,
            "low": 69 - g,
            "high": 71 - g,
            "target": 70,
            "source": "client",
            "n": 500,
        }
        for p, g in gaps.items()
    }
    publish(folder, "01_diagnosis", {"metrics": {}, "pillars": pillars})
    publish(
        folder,
        "06_ecosystem",
        {"scores": {"channels": 4.0}, "strengths": strengths, "links": {"channels": ["time_effort"]}},
    )


def test_rules_are_declared_as_data():
    assert [rule.name for rule in RULES] == [
        "strength_with_a_large_gap",
        "largest_gap_outside_fix_first",
        "target_already_reached",
        "alarm_in_its_current_state",
    ]


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


def _diagnosis(folder, pillars: dict[str, tuple[float, float, float]]) -> None:
    """Publish a diagnosis whose drivers explain NPS: per pillar (share, current score, target)."""
    published = {
        pillar: {
            "share": share,
            "share_low": share - 0.01,
            "share_high": share + 0.01,
            "current": current,
            "low": current - 0.6,
            "high": current + 0.6,
            "n": 6000,
            "target": target,
            "source": "client",
            "gap": target - current,
        }
        for pillar, (share, current, target) in pillars.items()
    }
    publish(folder, "01_diagnosis", {"metrics": {}, "pillars": published, "explains": True, "outcome": "nps"})


def _plan(folder, waves: dict[str, tuple[int, list[str]]]) -> None:
    """Publish a plan: per initiative, its wave and the pillars it works on."""
    figures = {"cost": 1e6, "impact": 1.0, "impact_low": 0.5, "impact_high": 1.5, "impact_per_million": 1.0}
    initiatives = {
        f"IN{i}": {"name": name, "wave": wave, "closures": dict.fromkeys(pillars, 0.5)}
        | figures
        | {"no_experience_case": False}
        for i, (name, (wave, pillars)) in enumerate(waves.items())
    }
    publish(folder, "05_action_plan", {"initiatives": initiatives, "outcome": "nps", "currency": "MXN"})


#: The demo's shape: time and effort has the largest gap but explains little of NPS ("monitor").
DEMO_LIKE = {
    "time_effort": (0.08, 48.0, 75),
    "resolution": (0.42, 64.5, 80),
    "personalisation": (0.28, 64.2, 75),
    "integrity": (0.07, 63.9, 80),
    "expectations": (0.07, 64.3, 75),
    "empathy": (0.08, 64.1, 70),
}


def _by_rule(found, name):
    return [item for item in found if item.rule == name]


def test_a_largest_gap_outside_fix_first_is_reconciled_with_wave_1(tmp_path):
    _diagnosis(tmp_path, DEMO_LIKE)
    _plan(tmp_path, {"Transferencias SPEI estables": (1, ["time_effort"]), "CRM": (2, ["personalisation"])})
    t = translator("es", "es_MX")
    found = _by_rule(reconcile(tmp_path, t), "largest_gap_outside_fix_first")
    assert len(found) == 1 and not found[0].check
    text = found[0].text
    assert text.startswith(
        "Tiempo y esfuerzo tiene la mayor brecha frente a su meta (27.0 [26.4; 27.6] puntos"
    )
    assert "y la ola 1 lo atiende (Transferencias SPEI estables)" in text and "CRM" not in text
    assert "«Vigilar (menos importante y débil)»: aporta 8\u00a0% [7\u00a0%; 9\u00a0%]" in text
    assert "menos que el pilar promedio (17\u00a0%)" in text
    finding = next(item for item in findings(tmp_path, t) if item.text == text)
    assert finding.href == "01_diagnosis.html#drivers"


def test_a_largest_gap_above_the_average_score_is_reconciled_without_a_plan(tmp_path):
    _diagnosis(tmp_path, DEMO_LIKE | {"resolution": (0.42, 70.0, 99)})  # important and strong: "keep"
    found = _by_rule(reconcile(tmp_path, translator("en")), "largest_gap_outside_fix_first")
    assert len(found) == 1
    assert "Resolution has the largest gap to its target (29.0" in found[0].text
    assert "wave 1" not in found[0].text and "“Keep (important and strong)”" in found[0].text
    assert "its score (70.0) is already above the pillars' average (62.4)" in found[0].text


def test_no_reconciliation_when_the_largest_gap_is_fix_first_or_nothing_is_explained(tmp_path):
    _diagnosis(tmp_path, DEMO_LIKE | {"time_effort": (0.42, 48.0, 75), "resolution": (0.08, 64.5, 80)})
    _plan(tmp_path, {"Transferencias SPEI estables": (1, ["time_effort"])})
    assert _by_rule(reconcile(tmp_path, translator("en")), "largest_gap_outside_fix_first") == []
    publish(tmp_path, "01_diagnosis", load(tmp_path, "01_diagnosis") | {"explains": False})
    assert _by_rule(reconcile(tmp_path, translator("en")), "largest_gap_outside_fix_first") == []


def test_a_wave_1_that_leaves_every_fix_first_pillar_to_later_is_a_consultant_check(tmp_path):
    _diagnosis(tmp_path, DEMO_LIKE | {"resolution": (0.42, 55.0, 80)})  # resolution: important and weak
    _plan(tmp_path, {"Cita previa": (1, ["empathy"]), "Resolución al primer contacto": (2, ["resolution"])})
    t = translator("en")
    checks = [item for item in reconcile(tmp_path, t) if item.check]
    assert [item.text for item in checks] == [
        "Wave 1 works on Empathy, but none of its initiatives addresses the pillars the priority matrix"
        " places in “fix first” (Resolution): review the wave column of initiatives.csv."
    ]
    assert consultant_checks(tmp_path, t) == [Check("consistency", checks[0].text)]
    assert all(item.text != checks[0].text for item in findings(tmp_path, t))  # never on a client page
    _plan(tmp_path, {"Resolución al primer contacto": (None, ["resolution"])})  # no wave: the first
    assert [item for item in reconcile(tmp_path, t) if item.check] == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (60, "The target for Empathy (60) is already exceeded: its current score is 64.1 [63.5; 64.7]"),
        (64, "The target for Empathy (64) lies within the interval of its current score, 64.1 [63.5; 64.7]"),
        (70, None),
    ],
)
def test_a_target_the_current_score_already_reaches_is_a_consultant_check(tmp_path, target, expected):
    _diagnosis(tmp_path, DEMO_LIKE | {"empathy": (0.08, 64.1, target)})
    _plan(tmp_path, {"Cita previa": (2, ["empathy"])})
    found = _by_rule(reconcile(tmp_path, translator("en")), "target_already_reached")
    if expected is None:
        assert found == []
        return
    assert len(found) == 1 and found[0].check
    assert found[0].text.startswith(expected)
    assert found[0].text.endswith("The plan still works on this pillar: Cita previa.")


def _journey(folder, ongoing: bool) -> None:
    alarm = {"touchpoint_id": "TP-1", "touchpoint": "Simulador de crédito", "metric": "score"}
    alarm |= {"since": "2025-08-25T00:00:00", "weeks": 3, "worst": 2.8, "limit": 3.5, "centre": 3.7}
    episode = {"touchpoint_id": "TP-1", "metric": "score", "since": "2025-08-25T00:00:00"}
    episode |= {"until": "2025-09-08T00:00:00", "ongoing": ongoing}
    publish(folder, "03_journey", {"alarms": [alarm | {"promise": None}], "episodes": [episode]})


def test_the_summary_never_calls_an_ended_alarm_current_and_the_consultant_is_told(tmp_path):
    t = translator("es", "es_MX")
    _journey(tmp_path, ongoing=False)
    alarms = [item.text for item in findings(tmp_path, t) if item.section == "summary.section.alarms"]
    assert alarms == [t("journey.none_in_alarm")]
    assert [item.text for item in consultant_checks(tmp_path, t)] == [
        "El resumen omite la alarma de Simulador de crédito (Puntaje medio, desde el 25 ago 2025): el"
        " episodio terminó el 8 sep 2025, pero el paso del recorrido la publicó como vigente. Vuelva a"
        " ejecutar el paso 03."
    ]
    _journey(tmp_path, ongoing=True)
    alarms = [item.text for item in findings(tmp_path, t) if item.section == "summary.section.alarms"]
    assert len(alarms) == 1 and alarms[0].startswith("Simulador de crédito:")
    assert consultant_checks(tmp_path, t) == []


def test_the_rules_checks_reach_the_consultants_page_and_no_client_page(demo_copy, tmp_path):
    config = demo_copy / "client.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  empathy: 70", "  empathy: 60"), "utf-8")
    out = tmp_path / "out"
    assert run([str(demo_copy)], out, step_names=["01_diagnosis"]) == 0
    checks = (out / "demo" / "checks.html").read_text(encoding="utf-8")
    assert "Coherencia entre pasos" in checks and "La meta de Empatía (60) ya está superada" in checks
    for page in (out / "demo").glob("*.html"):
        if page.name != "checks.html":
            assert "ya está superada" not in page.read_text(encoding="utf-8")
