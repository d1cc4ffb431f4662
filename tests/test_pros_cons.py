"""Pros and cons of each investment (issue 34, item 6): known answers on a small plan, Pareto fronts,
the Ferrari and utility-car flags, and a plan whose effects are indistinguishable from zero (as on
shuffled data) where no initiative is called a clear experience gain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.steps import pros_cons


def _plan(**changes: list) -> pd.DataFrame:
    plan = pd.DataFrame(
        {
            "name": ["Callback", "CRM", "Bill explainer", "Single owner"],
            "cost": [100.0, 5000.0, 200.0, 400.0],
            "effort": [1, 5, 2, 3],
            "months_to_effect": [3.0, 18.0, 4.0, 12.0],
            "pillars": [["time_effort"], [], ["expectations"], ["resolution"]],
            "touchpoints": [["TP15"], [], ["TP13"], ["TP15", "TP20"]],
            "impact": [2.0, np.nan, 3.0, 4.0],
            "impact_low": [1.0, np.nan, 2.0, -0.5],
            "impact_high": [3.0, np.nan, 4.0, 8.0],
            "reach": [0.2, 1.0, 0.5, 0.3],
            "reach_low": [0.15, 1.0, 0.45, 0.25],
            "reach_high": [0.25, 1.0, 0.55, 0.35],
            "effect_internal": [0, 0, 1, -1],
            "staff_reach": [np.nan, np.nan, np.nan, 0.1],
            "staff_reach_low": [np.nan, np.nan, np.nan, 0.08],
            "staff_reach_high": [np.nan, np.nan, np.nan, 0.12],
            "loads_capacity": [True, False, False, True],
            "no_experience_case": [False, True, False, False],
            "touches_moment": [False, False, True, False],
            "touches_alarm": [True, False, False, False],
        },
        index=["N04", "N03", "N02", "N05"],
    )
    return plan.assign(**changes)


JOURNEY = pd.DataFrame(
    {
        "touchpoint_id": ["TP13", "TP15", "TP20"],
        "touchpoint": ["Monthly bill", "Call centre support", "Live chat"],
        "pain_point": ["Bill shock", "Long queues", None],
        "pain_severity": [4.0, 5.0, np.nan],
        "human_served": pd.array([False, True, True], dtype="boolean"),
    }
)


def test_pareto_fronts_known_answer() -> None:
    objectives = np.array([[1.0, 1.0], [2.0, 2.0], [1.0, 3.0], [3.0, 0.5], [np.nan, 1.0]])
    assert pros_cons.pareto_fronts(objectives).tolist() == [1, 2, 2, 1, 2]


def test_pros_and_cons_from_the_data() -> None:
    weighed = pros_cons.weigh(_plan(), JOURNEY)
    # Bill explainer: cheapest but one, clearly positive, no risk → front 1; Callback: cheapest, front 1.
    assert weighed.index.tolist() == ["N02", "N04", "N05", "N03"]
    assert weighed["front"].tolist() == [1, 1, 2, 2]
    assert weighed.at["N05", "pains"] == [("Call centre support", "Long queues", 5.0)]
    assert weighed.at["N05", "human_touchpoints"] == ["Call centre support", "Live chat"]
    assert weighed.at["N05", "risks"] == 2  # loads capacity, hurts employees
    # Median cost 300, median effect 3: the CRM (dear, no case) is the Ferrari; the explainer the utility car.
    assert weighed["ferrari"].tolist() == [False, False, False, True]
    assert weighed["utility"].tolist() == [True, False, False, False]
    assert pros_cons.names(weighed, "front") == "Bill explainer, Callback"


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_table_reads_in_the_clients_language(language: str) -> None:
    t = translator(language)
    table = pros_cons.pros_cons_table(pros_cons.weigh(_plan(), JOURNEY), "nps", "GBP", t)
    assert list(table.columns) == [
        t("plan.col.initiative"),
        t("pros.col.pros"),
        t("pros.col.cons"),
        t("pros.col.balance"),
    ]
    pros, cons, balance = (
        table.set_index(t("plan.col.initiative"))[t(c)]
        for c in ("pros.col.pros", "pros.col.cons", "pros.col.balance")
    )
    assert "Bill shock" in pros["Bill explainer"] and t("pros.employees") in pros["Bill explainer"]
    assert t("pros.effect_unclear", outcome="NPS", value=t.interval(4.0, -0.5, 8.0)) in pros["Single owner"]
    assert t.interval(0.1, 0.08, 0.12, 0, percent=True) in cons["Single owner"]
    assert t("plan.flag.no_case") in cons["CRM"] and t("pros.ferrari") in balance["CRM"]
    assert t("pros.utility") in balance["Bill explainer"]


def test_effects_indistinguishable_from_zero_make_no_utility_car() -> None:
    """On shuffled data the diagnosis finds no driver worth claiming: every effect's interval
    includes zero, so no initiative is a clear experience gain (no utility car, every effect said to
    be indistinguishable from zero)."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        centre = rng.normal(0, 1, 4)
        plan = _plan(impact=centre, impact_low=centre - 3, impact_high=centre + 3)
        plan["impact_low"] = np.minimum(plan["impact_low"], -0.01)
        plan["impact_high"] = np.maximum(plan["impact_high"], 0.01)
        weighed = pros_cons.weigh(plan, JOURNEY)
        assert not weighed["utility"].any()
        table = pros_cons.pros_cons_table(weighed, "nps", "GBP", translator("en"))
        assert (
            table["Pros (the experience it delivers)"].str.contains("not distinguishable from zero").sum()
            == 4
        )
