"""Customer metrics on small inputs with hand-computed answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cxlib.stats.metrics import csat, mean, metric_by, nps, nps_difference, nps_segment_tests, proportion

# 20 detractors, 30 passives, 50 promoters: NPS 30.
SCORES = [0] * 20 + [7] * 30 + [10] * 50


def test_nps_adjusted_wald_follows_rocks_2016():
    """Rocks (2016), The American Statistician 70(4) 365-372, eq. for the adjusted Wald: add 0.75
    detractors, 1.5 passives and 0.75 promoters (n + 3), then
    var = (p_pro + p_det - (p_pro - p_det)^2) / (n + 3). By hand: p_pro = 50.75/103 = 0.492718,
    p_det = 20.75/103 = 0.201456, centre = 0.291262, var = 0.609338/103 = 0.0059159,
    half-width = 1.959964 * 0.076915 = 0.150751 → [14.05, 44.20]."""
    estimate = nps(SCORES)
    assert estimate.value == pytest.approx(30.0)
    assert estimate.n == 100
    assert estimate.low == pytest.approx(14.0511, abs=1e-3)
    assert estimate.high == pytest.approx(44.2013, abs=1e-3)


def test_nps_wald_variance():
    """Wald: var = (0.5 + 0.2 - 0.3^2) / 100 = 0.0061 (Rocks 2016, eq. 2) → 30 ± 15.308."""
    estimate = nps(SCORES, method="wald")
    half = 1.959964 * math.sqrt(0.0061) * 100
    assert (estimate.low, estimate.high) == pytest.approx((30 - half, 30 + half), abs=1e-3)


def test_nps_rejects_unknown_method_and_ignores_missing():
    with pytest.raises(ValueError):
        nps(SCORES, method="exact")
    assert nps(pd.Series(SCORES + [None])).n == 100


def test_csat_top_two_box_and_binary():
    estimate = csat([5, 4, 3, 2, 1, 5, 4, 4, 1, 2], scale_high=5)
    assert estimate.value == pytest.approx(50.0) and estimate.n == 10 and estimate.small
    seven = csat([7, 6, 5, 1], scale_high=7)
    assert seven.value == pytest.approx(50.0)
    satisfied = proportion(pd.Series([True, False, True, True], dtype="boolean"))
    assert satisfied.value == pytest.approx(75.0)
    agresti = csat([5] * 8 + [1] * 2, scale_high=5, method="adjusted-wald")
    # Agresti-Coull: p~ = (8 + 1.92)/(10 + 3.84) = 0.7168, half = 1.96*sqrt(p~(1-p~)/13.84) = 0.2373
    assert (agresti.low, agresti.high) == pytest.approx((47.95, 95.41), abs=0.05)


def test_ces_mean_t_interval():
    estimate = mean([1, 2, 3, 4])
    # mean 2.5, sd 1.291, t(3, 0.975) = 3.182 → ± 2.054
    assert (estimate.value, estimate.low, estimate.high) == pytest.approx((2.5, 0.4457, 4.5543), abs=1e-3)


def test_metric_by_matches_single_group_estimates():
    frame = pd.DataFrame({"nps": SCORES + [10, 0], "segment": ["a"] * 100 + ["b", "b"]})
    table = metric_by(frame, "nps", "segment")
    assert table.loc["a", "value"] == pytest.approx(nps(SCORES).value)
    assert table.loc["a", "low"] == pytest.approx(nps(SCORES).low)
    assert table.loc["b", "n"] == 2 and bool(table.loc["b", "small"]) and not bool(table.loc["a", "small"])


def test_two_sample_nps_test():
    rng = np.random.default_rng(3)
    same = nps_difference(rng.integers(0, 11, 2000), rng.integers(0, 11, 2000))
    assert same.p_value > 0.01
    different = nps_difference([10] * 300 + [0] * 100, [10] * 100 + [0] * 300)
    assert different.difference == pytest.approx(100.0) and different.p_value < 1e-6


def test_segment_tests_flag_only_the_planted_segment():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"segment": np.repeat(["a", "b", "c"], 800), "nps": rng.integers(0, 11, 2400)})
    frame.loc[frame["segment"] == "c", "nps"] = rng.choice([9, 10, 8], 800)
    tests = nps_segment_tests(frame, "segment")
    assert bool(tests.loc["c", "significant"]) and tests.loc["c", "difference"] > 0
    assert (tests["p_adjusted"] >= tests["p_value"]).all()
    excludes_zero = (tests["low"] > 0) | (tests["high"] < 0)
    assert (excludes_zero == tests["significant"]).all()


def test_a_shown_nps_always_lies_inside_its_interval():
    for scores in ([0], [10], [0, 1], [10, 10, 9]):
        estimate = nps(scores)
        assert estimate.low <= estimate.value <= estimate.high
        assert -100 <= estimate.low and estimate.high <= 100


def _segmented(seed: int, planted: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    segments = rng.choice(["A", "B", "C", "D"], 1200)
    scores = rng.integers(0, 11, 1200) + np.where(segments == "A", planted, 0)
    return pd.DataFrame({"nps": np.clip(scores, 0, 10), "segment": segments})


def test_segment_tests_find_no_difference_where_there_is_none():
    """Family-wise false findings across 40 seeds stay at the nominal 5% (Bonferroni)."""
    false_findings = [
        nps_segment_tests(_segmented(seed, 0), "segment")["significant"].any() for seed in range(40)
    ]
    assert sum(false_findings) / len(false_findings) <= 0.05


def test_segment_tests_find_a_planted_difference():
    for seed in range(5):
        tests = nps_segment_tests(_segmented(seed, 2.5), "segment")
        assert bool(tests.loc["A", "significant"]) and tests.loc["A", "low"] > 0
