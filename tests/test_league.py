"""The unit league table: funnel limits with over-dispersion, shrinkage, rank intervals, the
planted weak branches of a 300-unit network, shuffled unit labels, privacy and the summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic import unit_network

from cxlib.core.i18n import translator
from cxlib.inputs.client import load_client
from cxlib.render import results
from cxlib.render.summary import findings
from cxlib.stats.league import ALARM_LEVEL, WATCH_LEVEL, league, overdispersion, rank_intervals, shrink
from cxlib.steps import units

CLIENTS = Path(__file__).resolve().parents[1] / "data" / "clients"
SEEDS = range(20)


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    folder, planted = unit_network(tmp_path_factory.mktemp("network") / "network")
    return load_client(folder), planted


def _simulated(seed: int, units_count: int = 200, spread: float = 0.0) -> tuple[pd.Series, pd.Series, float]:
    """Unit means of 0/100 points, sizes 20-150, true unit rates 0.6 plus ``spread`` (sd)."""
    rng = np.random.default_rng(seed)
    n = pd.Series(rng.integers(20, 151, units_count))
    rates = np.clip(0.6 + rng.normal(0, spread, units_count), 0.01, 0.99)
    values = pd.Series(100 * rng.binomial(n, rates) / n)
    return values, n, float(np.average(values, weights=n))


def test_limits_and_intervals_stay_within_the_scale():
    values, n, target = _simulated(1)
    table = league(values, n, 49.0, target, bounds=(0, 100))
    columns = ["watch_low", "watch_high", "alarm_low", "alarm_high", "shrunk_low", "shrunk_high"]
    assert table[columns].ge(0).all().all() and table[columns].le(100).all().all()
    assert (table["alarm_low"] <= table["watch_low"]).all() and (
        table["watch_high"] <= table["alarm_high"]
    ).all()
    assert (table["rank_low"] <= table["rank"]).all() and (table["rank"] <= table["rank_high"]).all()


def test_overdispersion_is_found_where_planted_and_not_otherwise():
    found = [overdispersion(*_args(seed, 0.08)).present for seed in SEEDS]
    null = [overdispersion(*_args(seed, 0.0)).present for seed in SEEDS]
    assert all(found) and sum(null) <= 3  # nominal 5 % of 20


def _args(seed: int, spread: float) -> tuple[np.ndarray, np.ndarray, float]:
    values, n, target = _simulated(seed, spread=spread)
    return values.to_numpy(), 49.0 / np.sqrt(n.to_numpy()), target


def test_shrinkage_pulls_small_units_furthest():
    values = np.array([90.0, 90.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0])
    se = np.array([20.0, 2.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    shrunk, low, high, mean, tau2 = shrink(values, se)
    assert tau2 > 0 and 50 < mean < 90
    assert shrunk[0] < shrunk[1] < 90  # the noisy unit is pulled more
    assert (low <= shrunk).all() and (shrunk <= high).all()


def test_rank_intervals_widen_with_noise():
    values = np.arange(10.0)
    rank, low, high = rank_intervals(values, np.full(10, 0.01))
    assert rank.tolist() == list(range(10, 0, -1)) and (low == rank).all() and (high == rank).all()
    rank, low, high = rank_intervals(values, np.full(10, 10.0))
    assert (high - low).min() >= 5  # too noisy to tell the 3rd from the 8th


def test_planted_weak_branches_of_a_300_unit_network_are_found(network):
    client, planted = network
    tables = units.league_tables(client)
    assert set(tables) == {"nps", "csat", "ces", "satisfied"}
    for metric, table in tables.items():
        weak = set(table.index[table["side"] == "weak"])
        assert set(planted) <= weak, metric
        assert len(weak - set(planted)) <= 3, metric  # the network's own real spread, rarely
        assert table.loc[planted, "rank_high"].ge(280).all(), metric  # ranked last, with intervals
        worse = table.loc[planted, "value"] > table.attrs["target"]  # more effort is worse
        assert (worse if metric in units.LOWER_IS_BETTER else ~worse).all(), metric


def _shuffled_shares(client, seeds=SEEDS) -> tuple[float, float, int]:
    """Over ``seeds`` shuffles of the unit labels: the share of unit-metric cells outside the alarm
    limits and outside the watch limits, and how many cells were judged."""
    survey = client.tables["survey"]
    original = survey["unit"].copy()
    alarm = watch = total = 0
    try:
        for seed in seeds:
            survey["unit"] = original.sample(frac=1, random_state=seed).to_numpy()
            for table in units.league_tables(client, seed=seed).values():
                alarm += int(table["position"].isin(["below", "above"]).sum())
                watch += int((table["position"] != "within").sum())
                total += len(table)
    finally:
        survey["unit"] = original
    return alarm / total, watch / total, total


@pytest.mark.parametrize("source", ["demo", "northwind", "network"])
def test_shuffled_unit_labels_flag_at_most_the_nominal_share(source, network):
    client = network[0] if source == "network" else load_client(CLIENTS / source)
    alarm, watch, total = _shuffled_shares(client)
    for share, level in ((alarm, ALARM_LEVEL), (watch, WATCH_LEVEL)):
        nominal = 1 - level
        # at most nominal, up to Monte Carlo error (2 standard errors of the pooled share)
        assert share <= nominal + 2 * np.sqrt(nominal * (1 - nominal) / total), (source, level, share)


def test_demo_units_differ_for_real_and_none_is_a_lone_outlier():
    tables = units.league_tables(load_client(CLIENTS / "demo"))
    nps = tables["nps"]
    assert nps.attrs["overdispersed"]  # the demo plants branch effects through employee experience
    assert nps.loc[["Sucursal Guadalajara", "Sucursal Oaxaca"], "rank_low"].ge(11).all()


def test_northwind_finds_its_weakest_store():
    tables = units.league_tables(load_client(CLIENTS / "northwind"))
    assert tables["nps"].loc["Glasgow Buchanan", "side"] == "weak"
    assert tables["nps"]["side"].eq("weak").sum() == 1


def test_units_under_min_group_are_never_shown(network):
    client, _ = network
    survey = client.tables["survey"]
    few = survey.index[survey["unit"] == "Branch 001"][3:]
    client.tables["survey"] = survey.drop(few)
    try:
        tables = units.league_tables(client)
    finally:
        client.tables["survey"] = survey
    assert all("Branch 001" not in table.index for table in tables.values())
    assert units.hidden_count(tables) == 1


@pytest.mark.parametrize("language", ["es", "en"])
def test_report_table_chart_and_summary(network, tmp_path, language):
    client, planted = network
    t = translator(language)
    tables = units.league_tables(client)
    shown = units.league_display(tables["nps"], "nps", t)
    assert len(shown) == 300 and shown.iloc[-1, 5].endswith("300")
    figure = units.funnel_chart(tables["nps"], "nps", t)
    takeaway = figure.layout.meta["cx_takeaway"]
    assert takeaway["key"] == "units.led" and takeaway["values"]["funnel"].startswith(t("metric.nps"))
    results.publish(
        tmp_path, "01_diagnosis", {"metrics": {}, "pillars": {}} | {"league": units.league_results(tables)}
    )
    found = [f for f in findings(tmp_path, t) if f.section == "summary.section.units"]
    published = units.league_results(tables)["nps"]["flagged"]
    assert {unit["unit"] for unit in published if unit["side"] == "weak"} >= set(planted)
    below = {"es": "peor que la red", "en": "worse than the network"}[language]
    weak = [f.text for f in found if below in f.text]
    assert len(weak) == 2 * len(tables)  # the two furthest below the network, per metric
    assert all(any(unit in text for unit in planted) for text in weak)
    more = t.plural("summary.units_more", len(published) - 4, metric=t("metric.nps"))
    assert more in [f.text for f in found] and len(found) <= len(tables) * 5 + 1  # + the spread, first
    assert all(f.href == "01_diagnosis.html#units" for f in found)
