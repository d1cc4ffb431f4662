"""The action plan's forecast: reach from data, ramp-up, the shuffled-outcome control, the back-test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_action_plan import CONFIG, DIAGNOSIS, initiatives

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import Client, load_client
from cxlib.render.results import load, publish
from cxlib.render.summary import progress
from cxlib.stats import forecast
from cxlib.steps import action_plan, diagnosis, human_value_chain


def test_ramp_is_an_s_curve_from_go_live_to_full_effect():
    months = np.array([-1.0, 0.0, 3.0, 6.0, 9.0, 12.0, 30.0])
    shares = forecast.ramp(months, 12.0)
    assert shares[0] == 0 and shares[1] == pytest.approx(0) and shares[-2:] == pytest.approx([1, 1])
    assert shares[3] == pytest.approx(0.5) and (np.diff(shares) >= 0).all()
    assert shares[2] < 0.25  # slow start, as adoption curves have
    assert forecast.ramp(0.0, 0.0) == 1.0  # no ramp-up declared as 0 months


def test_wave_forecast_counts_only_the_effect_reached_by_the_wave_end():
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives().assign(months_to_effect=12.0)})
    plan = action_plan.schedule(
        action_plan.evaluate(client, DIAGNOSIS, None, None), pd.Timestamp("2026-01-01")
    )
    waves = action_plan.wave_predictions(plan, DIAGNOSIS, "nps")
    # A goes live at month 4 (the end of wave 1): nothing yet; fully 12 months later: +10 [4; 18],
    # on top of today's 10 [5; 15]: the range carries both, so it is never narrower than today's
    assert waves["1"] == pytest.approx([10.0, 5.0, 15.0]) and waves["full"] == pytest.approx(
        [20.0, 9.0, 33.0]
    )
    assert waves["1"][0] < waves["full"][0] and "2" not in waves  # C (no experience case) is not scheduled


def test_reach_of_a_segment_initiative_is_the_segment_share_of_respondents():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    table = client.tables["initiatives"].set_index("initiative_id")
    reach = action_plan.measured_reach(client, table, "nps")
    survey = client.tables["survey"]
    preferente = (survey["segment"] == "Preferente").sum() / survey["nps"].notna().sum()
    assert reach.at["IN04", "basis"] == "customers" and reach.at["IN04", "reach"] == pytest.approx(preferente)
    assert reach.at["IN04", "reach_low"] < preferente < reach.at["IN04", "reach_high"]
    touchpoint = survey["touchpoint_id"].isin(["TP-APP-03"]).mean()
    assert reach.at["IN02", "reach"] == pytest.approx(touchpoint)  # one touchpoint: its respondents only
    # the overall effect is the effect on the reached customers times the reach
    pillars = {
        "personalisation": {
            "current": 60.0,
            "target": 75.0,
            "gap": 15.0,
            "slope": 1.0,
            "slope_low": 0.8,
            "slope_high": 1.2,
        }
    }
    model = {
        "pillars": pillars,
        "explains": True,
        "impact_outcome": "nps",
        "metrics": {"nps": {"value": 0.0}},
    }
    overall = action_plan.evaluate(client, model, None, None).at["IN04", "impact"]
    client.tables["initiatives"] = client.tables["initiatives"].assign(reach=1.0)
    everyone = action_plan.evaluate(client, model, None, None)
    assert (
        overall == pytest.approx(preferente * everyone.at["IN04", "impact"])
        and overall <= everyone.at["IN04", "impact"]
    )
    assert everyone.at["IN04", "reach_declared"] == 1.0 and everyone.at[
        "IN04", "reach_measured"
    ] == pytest.approx(preferente)


def _diagnosis_of(client: Client) -> dict:
    """What the diagnosis publishes for the plan, computed on ``client``'s survey."""
    frame = diagnosis.customer_pillar_frame(client)
    weights = diagnosis.pillar_drivers(client, frame, bootstrap=0)
    slopes = diagnosis.impact_slopes(client, frame, bootstrap=100)
    means = frame.mean()
    pillars = {
        pillar: {
            "current": means[pillar],
            "gap": max(client.config.pillar_targets.get(pillar, 75.0) - means[pillar], 0.0),
            "slope": slopes.at[pillar, "slope"],
            "slope_low": slopes.at[pillar, "low"],
            "slope_high": slopes.at[pillar, "high"],
        }
        for pillar in frame.columns
    }
    nps = diagnosis.outcome_points(client)[1].mean()
    return {
        "pillars": pillars,
        "explains": weights.attrs["explains"],
        "impact_outcome": "nps",
        "metrics": {"nps": {"value": nps}},
    }


def _value_chain_of(client: Client) -> dict:
    """What the human value chain publishes for the plan, computed on ``client``'s data."""
    units = human_value_chain.unit_scores(client)
    ex = human_value_chain.ex_measure(units)
    links = human_value_chain.linkage(units, ex, "nps", [])
    return human_value_chain.step_results(links, ex, None, slope=human_value_chain.ex_cx_slope(units, ex))


def test_on_a_shuffled_outcome_the_plan_claims_no_points():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    linked = _diagnosis_of(client)
    evaluation = action_plan.evaluate(client, linked, None, None)
    assert linked["explains"] and (evaluation["impact"] > 0).any()
    link = action_plan.internal_link(_value_chain_of(client), "nps")
    internal = action_plan.internal_lines(evaluation, link, pd.Series(1.0, index=evaluation.index))
    assert link is not None and internal["quantified"].all() and (internal["points"] != 0).all()
    survey = client.tables["survey"]
    client.tables["survey"] = survey.assign(
        nps=np.random.default_rng(5).permutation(survey["nps"].to_numpy())
    )
    shuffled = _diagnosis_of(client)
    evaluation = action_plan.evaluate(client, shuffled, None, None)
    assert not shuffled["explains"] and evaluation["impact"].isna().all()
    plan = action_plan.schedule(evaluation, pd.Timestamp("2027-01-01"))
    assert action_plan.wave_predictions(plan, shuffled, "nps") == {}
    assert action_plan.sensitivity(plan, shuffled, "nps").empty
    # the internal effect claims no points either: units' NPS no longer follows their EX
    chain = _value_chain_of(client)
    assert not chain["ex_cx"]["finding"] and action_plan.internal_link(chain, "nps") is None
    internal = action_plan.internal_lines(
        plan, action_plan.internal_link(chain, "nps"), action_plan.own_wave_progress(plan)
    )
    assert len(internal) == 8 and not internal["quantified"].any() and internal["points"].isna().all()
    table = action_plan.decomposition_table(
        action_plan.decomposition(
            plan, action_plan.pillar_model(shuffled), action_plan.own_wave_progress(plan)
        ),
        "nps",
        translator("es"),
        internal,
    )
    assert table["Puntos de NPS [escenario bajo; alto]"].str.startswith("Sin cuantificar").all()


def test_the_internal_effect_goes_through_the_measured_link():
    """Employees reached × EX points moved × the EX → CX slope × ramp, signed, with the interval of
    the pillar lines; unquantified without a link, or when the link is on another outcome."""
    plan = pd.DataFrame(
        {
            "name": ["Listen", "Overload", "None"],
            "closure": 0.5,
            "effect_internal": [2.0, -2.0, 0.0],
            "staff_reach": 0.5,
            "staff_reach_low": 0.4,
            "staff_reach_high": 0.6,
        },
        index=["A", "B", "C"],
    )
    chain = {
        "ex_measure": "enablement",
        "ex_cx": {
            "finding": True,
            "slope_finding": True,
            "slope": 2.0,
            "slope_low": 1.0,
            "slope_high": 3.0,
            "ex_mean": 60.0,
            "ex_benchmark": 70.0,
            "n": 12,
        },
    }
    link = action_plan.internal_link(chain, "nps")
    lines = action_plan.internal_lines(plan, link, pd.Series([1.0, 0.5, 1.0], index=plan.index))
    assert list(lines.index) == ["A", "B"]  # no declared internal effect, no line
    # A: +2 moves EX by 50% of the 10-point room among the half of employees reached: 0.5 × 5 × 2 = 5;
    # low 0.4 × 2.5 × 1 = 1, high 0.6 × 7.5 × 3 = 13.5
    assert lines.loc["A", ["gap_closed", "points", "points_low", "points_high"]].tolist() == pytest.approx(
        [5.0, 5.0, 1.0, 13.5]
    )
    # B lowers EX as much, at half its effect by the date
    assert lines.loc["B", ["points", "points_low", "points_high"]].tolist() == pytest.approx(
        [-2.5, -6.75, -0.5]
    )
    assert action_plan.internal_link(chain, "csat") is None  # measured on NPS, not on the plan's outcome
    unmeasured = {**chain, "ex_cx": {**chain["ex_cx"], "slope_finding": False}}
    assert (
        action_plan.internal_link(unmeasured, "nps") is None
        and action_plan.internal_link(None, "nps") is None
    )


def test_the_tornado_gives_reach_a_range_of_its_own():
    """Measured reach moves within its Wilson interval; a declared one between the declared and the
    measured reach, or ±50% of the declared where none was measured: not the closure's swing."""
    plan = pd.DataFrame(
        {
            "reach_declared": [np.nan, 0.5, 0.8, 0.1],
            "reach_measured": [0.25, 0.25, np.nan, 0.3],
            "reach_measured_low": [0.2, 0.2, np.nan, 0.25],
            "reach_measured_high": [0.3, 0.3, np.nan, 0.35],
        }
    )
    low, high = action_plan.reach_range(plan)
    assert low.tolist() == pytest.approx([0.2, 0.25, 0.4, 0.1]) and high.tolist() == pytest.approx(
        [0.3, 0.5, 1.0, 0.3]
    )
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives().assign(months_to_effect=0.0)})
    plan = action_plan.schedule(
        action_plan.evaluate(client, DIAGNOSIS, None, None), pd.Timestamp("2026-01-01")
    )
    table = action_plan.sensitivity(plan, DIAGNOSIS, "nps").set_index("assumption")
    # everyone is reached (measured, no interval): reach moves nothing, while closure moves ±5
    assert table.loc["reach"].tolist() == pytest.approx([20.0, 20.0])
    assert table.loc["closure"].tolist() == pytest.approx([15.0, 25.0])


def _wave(folder: Path, rng: np.random.Generator, shift: float, reached: float) -> None:
    """A published diagnosis of 2,000 respondents whose resolution moves by ``shift`` points
    among a ``reached`` share of them."""
    n = 2000
    resolution = rng.normal(60, 15, n) + shift * (rng.random(n) < reached)
    empathy = rng.normal(60, 15, n)
    folder.mkdir()
    pillars = {
        name: {
            "current": float(v.mean()),
            "low": float(v.mean() - 1),
            "high": float(v.mean() + 1),
            "n": n,
            "sd": float(v.std(ddof=1)),
            "gap": 80.0 - float(v.mean()),
            "slope": 1.0,
            "slope_low": 0.8,
            "slope_high": 1.2,
        }
        for name, v in (("resolution", resolution), ("empathy", empathy))
    }
    publish(folder, "01_diagnosis", {"metrics": {}, "pillars": pillars, "explains": True})


@pytest.mark.parametrize("planted,verdict", [(True, "consistent"), (False, "over")])
def test_back_test_recovers_a_planted_effect(tmp_path, planted, verdict):
    """The baseline plan: one initiative reaching 40% of customers and closing half the resolution
    gap (20 points) among them, so +4 points overall; the next wave has that effect planted or not."""
    rng = np.random.default_rng(11)
    _wave(tmp_path / "before", rng, 0.0, 0.0)
    _wave(tmp_path / "now", rng, 10.0 if planted else 0.0, 0.4)
    plan = {
        "outcome": "nps",
        "initiatives": {
            "A": {
                "name": "Fix",
                "closures": {"resolution": 1.0},
                "reach": 0.4,
                "reach_low": 0.4,
                "reach_high": 0.4,
            },
            "B": {
                "name": "Not done",
                "closures": {"empathy": 1.0},
                "reach": 1.0,
                "reach_low": 1.0,
                "reach_high": 1.0,
            },
        },
    }
    baseline = load(tmp_path / "before", "01_diagnosis")
    baseline["pillars"] = {p: {**v, "gap": 20.0} for p, v in baseline["pillars"].items()}
    rows = action_plan.backtest(plan, baseline, progress(tmp_path / "now", tmp_path / "before"), ["A"])
    assert list(rows.index) == ["pillar.resolution"]  # B is not done: empathy is not checked
    row = rows.loc["pillar.resolution"]
    assert row["predicted"] == pytest.approx(4.0) and row["predicted_low"] == pytest.approx(2.0)
    assert row["verdict"] == verdict
    if planted:
        assert row["observed_low"] <= 4.0 <= row["observed_high"]
