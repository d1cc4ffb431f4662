"""Human value chain statistics on known answers, planted and null linkage."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.steps import chain, human_value_chain


def test_correlation_with_fisher_interval_by_hand():
    link = human_value_chain.correlation(
        pd.Series([1, 2, 3, 4, 5.0], name="x"), pd.Series([2, 4, 5, 4, 5.0], name="y")
    )
    # r = 6 / sqrt(10 × 6) = 0.774597; z = atanh(r) = 1.031718; half-width = 1.959964 / sqrt(2) = 1.385904
    assert link.r == pytest.approx(0.774597, abs=1e-6)
    assert (link.low, link.high) == pytest.approx(
        (np.tanh(1.031718 - 1.385904), np.tanh(1.031718 + 1.385904)), abs=1e-5
    )
    assert link.n == 5 and not link.finding


def test_ex_cx_slope_is_the_ols_slope_with_its_t_interval():
    rng = np.random.default_rng(4)
    units = pd.DataFrame({"enablement": rng.normal(60, 8, 14), "thin": [False] * 13 + [True]})
    units["nps"] = 1.5 * units["enablement"] - 60 + rng.normal(0, 6, 14)
    units.loc[units.index[-1], "nps"] = 500.0  # a thin unit stays out, as in the linkage
    fit = sm.OLS(units["nps"][:13], sm.add_constant(units["enablement"][:13])).fit()
    slope = human_value_chain.ex_cx_slope(units, "enablement")
    assert slope["slope"] == pytest.approx(fit.params["enablement"])
    assert [slope["slope_low"], slope["slope_high"]] == pytest.approx(
        fit.conf_int().loc["enablement"].tolist()
    )
    assert slope["slope_finding"] and slope["ex_benchmark"] == pytest.approx(
        units["enablement"][:13].quantile(0.75)
    )
    flat = human_value_chain.ex_cx_slope(units.assign(nps=rng.normal(0, 6, 14)), "enablement")
    assert flat["slope_low"] < 0 < flat["slope_high"] and not flat["slope_finding"]


def test_the_step_publishes_no_standardised_effect_outside_minus_one_and_one():
    """The demo's employees and customers correlate at 0.98 across 14 units; the retired partial
    path model's bootstrap gave an indirect effect of 0.83 [-1.94; 3.18] there. Every effect the
    step publishes now (correlations, the chains' links, indirect effects and totals) is a
    standardised one within [-1, 1]."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    units = human_value_chain.unit_scores(client)
    ex = human_value_chain.ex_measure(units)
    links = human_value_chain.linkage(units, ex, "nps", human_value_chain.result_columns(units))
    published = human_value_chain.step_results(links, ex, None) | {
        "chains": chain.chain_results(chain.fit_chains(units, ex))
    }
    assert "path" not in published and len(published["chains"]) == 2
    effects = [published["ex_cx"]] + published["links"]
    for fitted in published["chains"]:
        effects += [fitted["indirect"], fitted["total"]] + fitted["links"]
    bounds = [
        value
        for effect in effects
        for key, value in effect.items()
        if key in {"r", "beta", "value", "low", "high"}
    ]
    assert len(bounds) > 40 and all(-1 <= value <= 1 for value in bounds)


def test_thin_cells_show_no_number():
    employees = pd.DataFrame(
        {"role": ["A"] * 12 + ["B"] * 4 + ["C"] * 15, "enable_resolution": [5] * 12 + [1] * 4 + [3] * 15}
    )
    cells = human_value_chain.pillar_role_matrix(employees).set_index("group")
    assert cells.at["C", "mean"] == 50 and bool(cells.at["C", "shown"]) and bool(cells.at["C", "small"])
    assert not bool(cells.at["B", "shown"])
    # B alone hidden would be recoverable from A, C and the overall mean: A, the smallest, goes too
    assert not bool(cells.at["A", "shown"])
    figure = human_value_chain.matrix_chart(cells.reset_index(), "t", "g", translator("en"))
    assert "n < 10" in figure.data[0].text[1][0] and np.isnan(figure.data[0].z[1][0])


def test_privacy_min_group_hides_small_units_and_outlier_leads():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    employees = client.tables["employees"]
    smallest = employees["unit"].value_counts().idxmin()
    client.tables["employees"] = employees[
        (employees["unit"] != smallest) | ~employees.index.duplicated()
    ].copy()
    keep = employees.index[employees["unit"] == smallest][:3]
    client.tables["employees"] = pd.concat([employees[employees["unit"] != smallest], employees.loc[keep]])
    units = human_value_chain.unit_scores(client)
    assert (
        units.loc[smallest, "employees_n"] == 3 and units.loc[smallest, ["enps", "enablement"]].isna().all()
    )
    table = human_value_chain.explain_outliers(
        client, units, [u for u in units.index if u != smallest][:2], "enablement", "nps", translator("en")
    )
    leads = " ".join(table.iloc[:, -1])
    sizes = [int(size) for size in re.findall(r"n = (\d+)", leads)]
    assert all(size >= human_value_chain.cell_minimum(client.config.privacy.min_group) for size in sizes)


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_no_employee_group_under_the_promised_threshold_is_shown(slug):
    """The page promises cells under N people show no number; the outlier leads, the matrix and
    the unit scores keep that one N (the demo once showed role cells of 5 and 8 people)."""
    client = load_client(DEMO_CLIENTS_DIR / slug)
    t = translator(client.config.language)
    minimum = human_value_chain.cell_minimum(client.config.privacy.min_group)
    promise = t("value_chain.matrix_text", minimum=t.number(minimum))
    assert re.findall(r"(?:menos de|fewer than) (\d+) (?:personas|respondents)", promise) == [str(minimum)]
    units = human_value_chain.unit_scores(client)
    ex = human_value_chain.ex_measure(units)
    outliers = human_value_chain.outlier_units(units, ex, "nps", distance=0.0, most=len(units))
    table = human_value_chain.explain_outliers(client, units, outliers, ex, "nps", t)
    sizes = [int(size) for size in re.findall(r"n = (\d+)", " ".join(table.iloc[:, -1]))]
    assert sizes and min(sizes) >= minimum
    cells = human_value_chain.pillar_role_matrix(client.tables["employees"], "role", minimum)
    assert (cells.loc[cells["shown"], "n"] >= minimum).all()
    shown = units[units["employees_n"] < minimum]
    assert shown[[c for c in human_value_chain.EMPLOYEE_MEASURES if c in units]].isna().all().all()


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_planted_linkage_is_found(slug):
    units = human_value_chain.unit_scores(load_client(DEMO_CLIENTS_DIR / slug))
    links = human_value_chain.linkage(
        units, human_value_chain.ex_measure(units), "nps", human_value_chain.result_columns(units)
    )
    assert links[0].finding and links[0].r > 0.5
    retention = next(link for link in links if link.x == "nps" and link.y == "retention")
    assert retention.finding


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_null_data_gives_no_finding(seed):
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    employees = client.tables["employees"]
    rng = np.random.default_rng(seed)
    client.tables["employees"] = employees.assign(
        unit=rng.permutation(employees["unit"].to_numpy())
    )  # EX unrelated to units
    units = human_value_chain.unit_scores(client)
    links = human_value_chain.linkage(
        units, human_value_chain.ex_measure(units), "nps", human_value_chain.result_columns(units)
    )
    assert not links[0].finding


def test_culture_behaviour_correlations():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    table = human_value_chain.culture_behaviour(client.tables["employees"])
    assert (
        len(table) == 6 and (table["low"] > 0).all() and (table["n"] == len(client.tables["employees"])).all()
    )


def test_a_points_value_names_its_currency():
    """The demo's point value sits beside plan costs in pesos: "$36,391" alone reads as dollars, so
    the amount, its bounds and the code travel together."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    value = human_value_chain.point_value(human_value_chain.unit_scores(client))
    t = translator(client.config.language, client.config.locale)
    facts = human_value_chain.point_value_facts(value, client.config.currency, t)
    assert value["units"] == 14 and facts["value"].count("MXN") == 3
    assert re.fullmatch(r"\$[\d,]+\xa0MXN \[\$[\d,]+\xa0MXN; \$[\d,]+\xa0MXN\]", facts["value"])
