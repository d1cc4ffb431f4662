"""Control-chart maths by hand, alerts with and without a shift, incremental equals full."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.stats.monitoring import control_charts, ewma, ewma_variance, monitor, weekly_aggregates


def measurements(rows: list[tuple[str, str, int, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["timestamp", "touchpoint_id", "score", "success"]).assign(
        timestamp=lambda frame: pd.to_datetime(frame["timestamp"]),
        success=lambda frame: frame["success"].astype("boolean"),
    )


def test_ewma_recursion_and_limits_by_hand():
    # z1 = 0.2*4 + 0.8*3 = 3.2; z2 = 0.2*2 + 0.8*3.2 = 2.96
    assert ewma(np.array([4.0, 2.0]), start=3.0) == pytest.approx([3.2, 2.96])
    # v1 = 0.04 σ²/n1; v2 = 0.64 v1 + 0.04 σ²/n2; σ² = 2, n = 4 then 1 (a week still filling up)
    assert ewma_variance(np.array([4, 1]), 2.0) == pytest.approx([0.02, 0.64 * 0.02 + 0.08])
    # equal weekly counts n: σ²/n λ/(2−λ)(1−(1−λ)^{2t}), tending to σ²/n λ/(2−λ) = 0.1111 σ²/n
    equal = ewma_variance(np.full(1000, 9), 9.0)
    assert equal[[0, 999]] == pytest.approx([0.04, 0.2 / 1.8])


def test_control_charts_by_hand():
    rows = [("2025-01-06", "A", s, ok) for s, ok in zip([4, 4, 5, 3], [True, True, True, False], strict=True)]
    rows += [("2025-01-13", "A", 4, True)] * 4
    rows += [("2025-01-20", "A", 1, ok) for ok in [True, False, False, False]]
    rows += [("2025-01-27", "A", 1, False)] * 4
    charts = control_charts(weekly_aggregates(measurements(rows)), baseline_weeks=2)
    # μ0 = 32/8 = 4; σ² = (130 − 8·16)/7 = 2/7; n̄ = 4 → σ_x̄ = 0.26726; m = 8/4 = 2 baseline weeks
    assert charts["centre"].iloc[0] == pytest.approx(4.0)
    # z3 = 0.2·1 + 0.8·4 = 3.4; z4 = 0.2·1 + 0.8·3.4 = 2.92
    assert charts["ewma"].tolist() == pytest.approx([4.0, 4.0, 3.4, 2.92])
    # LCL3 = 4 − 3 sqrt(0.1111 (1 − 0.8⁶) + 1/2) 0.26726 = 3.3883; LCL4 = 4 − 3 sqrt(0.1111 (1 − 0.8⁸) + 1/2)
    # 0.26726 = 3.3829
    assert charts["ewma_low"].iloc[2] == pytest.approx(
        4 - 3 * np.sqrt(0.2 / 1.8 * (1 - 0.8**6) + 0.5) * np.sqrt(2 / 7) / 2
    )
    assert charts["ewma_low"].iloc[3] == pytest.approx(
        4 - 3 * np.sqrt(0.2 / 1.8 * (1 - 0.8**8) + 0.5) * np.sqrt(2 / 7) / 2
    )
    # p̄ = 7/8 from n0 = 8; LCL = 0.875 − 3 sqrt(0.875 × 0.125 × (1/4 + 1/8)) = 0.26744
    assert charts["rate_low"].iloc[2] == pytest.approx(0.875 - 3 * np.sqrt(0.875 * 0.125 * (1 / 4 + 1 / 8)))
    assert charts["score_alert"].tolist() == [False, False, False, True]
    assert charts["rate_alert"].tolist() == [False, False, True, True]


def synthetic(shift_week: int | None, weeks: int = 52, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    stamps = pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.uniform(0, 7 * weeks, 100 * weeks), unit="D")
    quality = np.full(len(stamps), 0.75)
    if shift_week is not None:
        quality[stamps >= pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=shift_week)] -= 0.12
    score = np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.8, len(stamps))), 1, 5).astype(int)
    success = rng.random(len(stamps)) < quality + 0.1
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "touchpoint_id": "A",
            "score": score,
            "success": pd.array(success, dtype="boolean"),
        }
    )


def test_no_alarm_without_a_shift():
    """A stable touchpoint over a year, 20 seeds: alarms (two or more weeks out of control) stay
    rarer than the nominal 5% per touchpoint-year."""
    alarmed = [
        (monitor(synthetic(None, seed=seed), {}).alerts["level"] == "alarm").any() for seed in range(20)
    ]
    assert sum(alarmed) / len(alarmed) <= 0.05


def test_shift_raises_an_alarm_tied_to_the_promise():
    run = monitor(synthetic(shift_week=30), {"A": "Served in five minutes"})
    alarms = run.alerts[run.alerts["level"] == "alarm"]
    assert len(alarms) >= 1
    first = alarms["first_week"].min()
    assert (
        pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=30)
        <= first
        <= pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=33)
    )
    assert set(alarms["promise"]) == {"Served in five minutes"}


@pytest.mark.parametrize(
    "slug,touchpoint,start", [("demo", "TP-APP-03", "2025-07-01"), ("northwind", "TP07", "2025-06-01")]
)
def test_planted_degradation_is_caught_within_its_month(slug, touchpoint, start):
    client = load_client(DEMO_CLIENTS_DIR / slug)
    run = monitor(client.tables["interactions"], client.config.touchpoint_promises)
    alarms = run.alerts[(run.alerts["touchpoint_id"] == touchpoint) & (run.alerts["level"] == "alarm")]
    detected = alarms["first_week"].min() + pd.Timedelta(days=6)  # the end of the first alerting week
    start = pd.Timestamp(start)
    assert start <= detected <= start + pd.offsets.MonthEnd(0)
    assert alarms["promise"].notna().all()


def test_incremental_runs_match_a_full_run(tmp_path):
    interactions = load_client(DEMO_CLIENTS_DIR / "demo").tables["interactions"]
    state = tmp_path / "monitoring.state.json"
    first = monitor(interactions[interactions["timestamp"] < "2025-08-15 12:00"], {}, state)
    assert first.mode == "full"
    second = monitor(interactions, {}, state)
    full = monitor(interactions, {})
    assert (
        second.mode == "incremental"
        and second.new_rows == (interactions["timestamp"] >= "2025-08-15 12:00").sum()
    )
    pd.testing.assert_frame_equal(second.charts, full.charts)
    pd.testing.assert_frame_equal(second.alerts, full.alerts)
    edited = interactions.drop(index=interactions.index[:5])
    assert monitor(edited, {}, state).mode == "reprocessed"
