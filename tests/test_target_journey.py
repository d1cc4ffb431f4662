"""The target journey (issue 34, item 2): known answers for declared and plan-derived targets, the
target labelled as the consultant's and never as a forecast, and a plan that touches nothing (as
when initiatives are shuffled away from the journey's touchpoints) changes nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.steps import target_journey as tj

JOURNEY = pd.DataFrame(
    {
        "stage": ["Buy", "Buy", "Pay", "Help"],
        "stage_order": [1, 1, 2, 3],
        "touchpoint_id": ["TP1", "TP2", "TP3", "TP4"],
        "touchpoint": ["Checkout", "Store", "Monthly bill", "Call centre"],
        "pain_point": ["Slow form", None, "Bill shock", "Long queues"],
        "declared_emotion": [-1.0, 1.0, -2.0, 0.0],
    }
)
INITIATIVES = pd.DataFrame(
    {
        "name": ["Bill explainer", "Callback", "CRM"],
        "touchpoints": [["TP3"], ["TP4", "TP2"], []],
        "effect_external": [2, 1, 0],
    },
    index=["N1", "N2", "N3"],
)


def test_targets_from_the_plan_known_answer() -> None:
    target = tj.target_touchpoints(JOURNEY, INITIATIVES)
    assert target["target_emotion"].tolist() == [-1.0, 2.0, 0.0, 1.0]  # +1 capped at +2, −2 + 2, 0 + 1
    assert target["source"].tolist() == ["unchanged", "plan", "plan", "plan"]
    assert target["initiatives"].tolist() == [[], ["Callback"], ["Bill explainer"], ["Callback"]]
    assert target["pain_addressed"].tolist() == [False, False, True, True]
    stages = tj.stage_targets(target)
    assert stages.index.tolist() == ["Buy", "Pay", "Help"]
    assert stages["emotion"].tolist() == [0.0, -2.0, 0.0]
    assert stages["target_emotion"].tolist() == [0.5, 0.0, 1.0]
    assert stages["pains"].tolist() == [1, 1, 1] and stages["pains_left"].tolist() == [1, 0, 0]


def test_a_declared_target_wins_over_the_plan() -> None:
    declared = JOURNEY.assign(
        target_emotion=[1.0, np.nan, -1.0, np.nan],
        target_change=["Pre-filled form", None, None, None],
    )
    target = tj.target_touchpoints(declared, INITIATIVES)
    assert target["target_emotion"].tolist() == [1.0, 2.0, -1.0, 1.0]
    assert target["source"].tolist() == ["declared", "plan", "declared", "plan"]
    assert target.at["TP1", "pain_addressed"]  # a higher declared target addresses the pain point
    table = tj.changes_table(target, translator("en"))
    assert table["What changes"].tolist()[0] == "Pre-filled form"
    assert table["Who does it"].tolist()[0] == translator("en")("target.declared")


def test_a_plan_touching_no_journey_touchpoint_changes_nothing() -> None:
    """Initiatives pointed at touchpoints the journey does not have (a shuffled link) or with no
    positive external effect leave the target equal to today."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        elsewhere = INITIATIVES.assign(
            touchpoints=[[f"TPX{rng.integers(100)}"] for _ in range(3)],
            effect_external=rng.integers(-2, 3, 3),
        )
        target = tj.target_touchpoints(JOURNEY, elsewhere)
        assert target["source"].eq("unchanged").all()
        assert target["target_emotion"].equals(target["emotion"])
    no_effect = tj.target_touchpoints(JOURNEY, INITIATIVES.assign(effect_external=[0, -1, 0]))
    assert no_effect["source"].eq("unchanged").all()


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_curve_is_the_consultants_target_not_a_forecast(language: str) -> None:
    t = translator(language)
    target = tj.target_touchpoints(JOURNEY, INITIATIVES)
    stages = tj.stage_targets(target)
    measured = pd.DataFrame(
        {"value": [0.1, -1.0, 0.5], "low": [0.0, -1.2, 0.3], "high": [0.2, -0.8, 0.7], "n": [40, 35, 50]},
        index=["Buy", "Pay", "Help"],
    )
    figure = tj.target_chart(stages, measured, t)
    names = [trace.name for trace in figure.data]
    assert names == [t("journey.declared_emotion"), t("journey.measured_emotion"), t("target.curve")]
    assert ("pronóstico" if language == "es" else "forecast") in t("target.curve")
    facts = tj.target_facts(target, stages, t)
    assert facts["changed"] == "3" and facts["addressed"] == "2" and facts["stage"] == "Pay"


def test_a_touchpoint_already_at_the_top_without_a_pain_point_is_not_a_change() -> None:
    """An initiative acting on a touchpoint at +2 with no pain point leaves it at +2: the target does
    not list it nor count it (the report used to say '12 of 32 change' with rows going 2.0 → 2.0)."""
    top = JOURNEY.assign(declared_emotion=[-1.0, 2.0, 2.0, 0.0])
    target = tj.target_touchpoints(top, INITIATIVES)
    assert target["changes"].tolist() == [False, False, True, True]  # TP3 at +2 still loses its pain
    t = translator("en")
    table = tj.changes_table(target, t)
    assert table[t("target.col.touchpoint")].tolist() == ["Monthly bill", "Call centre"]
    stages = tj.stage_targets(target)
    assert tj.target_facts(target, stages, t)["changed"] == "2" and stages["changes"].tolist() == [0, 1, 1]
