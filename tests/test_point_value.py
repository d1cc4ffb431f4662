"""The value of one NPS point measured across units: found where retention follows NPS, never on
shuffled units beyond the nominal rate, and used by the plan only where no value is declared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.steps import action_plan
from cxlib.steps.human_value_chain import MIN_VALUE_UNITS, point_value


def network(units: int, slope: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    nps = rng.uniform(-30, 40, units)
    return pd.DataFrame(
        {
            "nps": nps,
            "retention": 0.85 + slope * nps + rng.normal(0, 0.01, units),
            "revenue": np.full(units, 1_000_000.0),
            "thin": False,
        }
    )


def test_a_planted_retention_slope_is_valued_at_the_network_revenue():
    units = network(30, 0.002, seed=1)
    value = point_value(units)
    assert value["units"] == 30 and value["low"] < 0.002 * 30_000_000 < value["high"]


def test_no_value_on_shuffled_units_beyond_the_nominal_rate():
    units = network(20, 0.002, seed=2)
    rng = np.random.default_rng(3)
    found = sum(
        point_value(units.assign(nps=rng.permutation(units["nps"].to_numpy()))) is not None
        for _ in range(400)
    )
    assert found / 400 <= 0.05  # one-sided 2.5 % nominal


def test_too_few_units_or_no_retention_give_no_value():
    assert point_value(network(MIN_VALUE_UNITS - 1, 0.002, seed=4)) is None
    assert point_value(network(30, 0.002, seed=5).drop(columns="retention")) is None


@pytest.mark.parametrize("declared", [np.nan, 5_000.0])
def test_the_plan_uses_the_measured_value_only_where_none_is_declared(declared):
    plan = pd.DataFrame(
        {
            "value_per_point": [declared],
            "value_low": [declared],
            "value_high": [declared],
            "value_source": ["Finance" if declared == declared else None],
        }
    )
    chain = {"point_value": {"value": 60_000.0, "low": 20_000.0, "high": 90_000.0, "units": 14}}
    filled = action_plan.valued(plan, chain, "nps", translator("en"))
    if np.isnan(declared):
        assert filled.loc[0, ["value_per_point", "value_low", "value_high"]].tolist() == [
            60_000,
            20_000,
            90_000,
        ]
        assert "14 units" in filled.loc[0, "value_source"]
    else:
        assert filled.loc[0, "value_per_point"] == 5_000 and filled.loc[0, "value_source"] == "Finance"
    assert action_plan.valued(plan, chain, "csat", translator("en")).equals(plan)
