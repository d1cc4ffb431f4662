"""Key drivers against a published worked example, and on data with known structure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.stats.drivers import priority_matrix, relative_weights

# R's mtcars (Henderson & Velleman 1981): mpg, cyl, disp, hp, gear for the 32 cars.
MTCARS = """mpg cyl disp hp gear
21.0 6 160.0 110 4
21.0 6 160.0 110 4
22.8 4 108.0 93 4
21.4 6 258.0 110 3
18.7 8 360.0 175 3
18.1 6 225.0 105 3
14.3 8 360.0 245 3
24.4 4 146.7 62 4
22.8 4 140.8 95 4
19.2 6 167.6 123 4
17.8 6 167.6 123 4
16.4 8 275.8 180 3
17.3 8 275.8 180 3
15.2 8 275.8 180 3
10.4 8 472.0 205 3
10.4 8 460.0 215 3
14.7 8 440.0 230 3
32.4 4 78.7 66 4
30.4 4 75.7 52 4
33.9 4 71.1 65 4
21.5 4 120.1 97 3
15.5 8 318.0 150 3
15.2 8 304.0 150 3
13.3 8 350.0 245 3
19.2 8 400.0 175 3
27.3 4 79.0 66 4
26.0 4 120.3 91 5
30.4 4 95.1 113 5
15.8 8 351.0 264 5
19.7 6 145.0 175 5
15.0 8 301.0 335 5
21.4 4 121.0 109 4"""


def test_matches_published_rwa_example():
    """The worked example of the R package rwa (Chan, github.com/martinctc/rwa, README "Basic
    example"): rwa(mtcars, "mpg", c("cyl", "disp", "hp", "gear")) gives R² = 0.7791896 and raw
    weights cyl 0.2284797, disp 0.2221469, hp 0.2321744, gear 0.0963886."""
    rows = [line.split() for line in MTCARS.splitlines()]
    cars = pd.DataFrame(rows[1:], columns=rows[0]).astype(float)
    weights = relative_weights(cars, "mpg", ["cyl", "disp", "hp", "gear"], bootstrap=0)
    assert weights.attrs["r2"] == pytest.approx(0.7791896, abs=1e-6)
    expected = {"cyl": 0.2284797, "disp": 0.2221469, "hp": 0.2321744, "gear": 0.0963886}
    for driver, weight in expected.items():
        assert weights.loc[driver, "weight"] == pytest.approx(weight, abs=1e-6)
    assert weights["share"].sum() == pytest.approx(1.0)


def test_uncorrelated_drivers_get_their_squared_correlation():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(4000, 3)), columns=["a", "b", "c"])
    frame["y"] = 0.6 * frame["a"] + 0.3 * frame["b"] + rng.normal(scale=0.5, size=4000)
    weights = relative_weights(frame, "y", ["a", "b", "c"], bootstrap=200)
    correlations = frame.corr()["y"]
    for driver in "abc":
        assert weights.loc[driver, "weight"] == pytest.approx(correlations[driver] ** 2, abs=0.01)
    assert list(weights.index) == ["a", "b", "c"]
    assert (weights["low"] <= weights["weight"]).all() and (weights["weight"] <= weights["high"]).all()
    assert weights.loc["c", "low"] < 0.01


def test_too_few_rows_is_an_error():
    with pytest.raises(ValueError, match="complete rows"):
        relative_weights(pd.DataFrame({"a": [1.0, 2.0], "y": [1.0, 3.0]}), "y", ["a"])


def test_priority_matrix_quadrants():
    weights = pd.DataFrame({"share": [0.5, 0.3, 0.1, 0.1]}, index=["p", "q", "r", "s"])
    matrix = priority_matrix(weights, pd.Series({"p": 40.0, "q": 90.0, "r": 30.0, "s": 95.0}))
    assert matrix["quadrant"].to_dict() == {"p": "fix", "q": "keep", "r": "monitor", "s": "maintain"}


def _survey(seed: int, n: int = 600, linked: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    drivers = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    drivers["b"] += 0.5 * drivers["a"]  # correlated drivers, as pillars are
    outcome = 0.6 * drivers["a"] + 0.3 * drivers["c"] + rng.normal(size=n)
    return drivers.assign(y=outcome if linked else rng.permutation(outcome.to_numpy()))


def test_intervals_respect_their_bounds_and_contain_the_estimate():
    weights = relative_weights(_survey(1), "y", ["a", "b", "c", "d"], bootstrap=300)
    r2 = weights.attrs["r2"]
    assert (weights["low"] >= 0).all() and (weights["high"] <= weights.attrs["r2_high"] + 1e-12).all()
    assert (weights["share_low"] >= 0).all() and (weights["share_high"] <= 1).all()
    assert weights.attrs["r2_low"] <= r2 <= weights.attrs["r2_high"]
    assert ((weights["low"] <= weights["weight"]) & (weights["weight"] <= weights["high"])).all()


def test_planted_drivers_are_found_and_separable():
    weights = relative_weights(_survey(2), "y", ["a", "b", "c", "d"], bootstrap=300)
    assert weights.attrs["explains"] and weights.attrs["f_p"] < 0.001
    assert weights.index[0] == "a" and bool(weights.loc["a", "separable"])


def test_no_driver_is_a_finding_on_shuffled_outcomes():
    """With the link destroyed, 'explains' is as rare as the test's level says (40 seeds)."""
    findings = [
        relative_weights(_survey(seed, linked=False), "y", ["a", "b", "c", "d"], bootstrap=0).attrs[
            "explains"
        ]
        for seed in range(40)
    ]
    assert sum(findings) / len(findings) <= 0.05


def test_groups_of_dummies_weigh_as_the_sum_of_their_columns():
    frame = _survey(3)
    frame["segment_x"] = (frame["a"] > 0).astype(float)
    frame["segment_y"] = (frame["c"] > 0.5).astype(float)
    columns = ["a", "b", "segment_x", "segment_y"]
    single = relative_weights(frame, "y", columns, bootstrap=0)
    grouped = relative_weights(
        frame,
        "y",
        columns,
        bootstrap=0,
        groups={"a": ["a"], "b": ["b"], "segment": ["segment_x", "segment_y"]},
    )
    assert grouped.loc["segment", "weight"] == pytest.approx(
        single.loc[["segment_x", "segment_y"], "weight"].sum()
    )
    assert grouped.attrs["r2"] == pytest.approx(single.attrs["r2"])
