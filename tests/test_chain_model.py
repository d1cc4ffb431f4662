"""The human value chain as one serial path model: planted chains, a planted break, shuffled units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render.charts import pop_takeaway
from cxlib.stats import value_chain
from cxlib.stats.estimators import fisher_interval
from cxlib.steps import chain, human_value_chain

STRENGTH = 0.8


def planted(units: int, seed: int = 0, broken: str | None = None) -> pd.DataFrame:
    """Unit scores where each node is ``STRENGTH`` × the one before plus noise (unit variance), and
    the node ``broken`` is pure noise (its incoming link is zero)."""
    rng = np.random.default_rng(seed)
    previous = rng.normal(size=units)
    frame = {value_chain.NODES[0]: previous}
    for node in value_chain.NODES[1:]:
        slope = 0.0 if node == broken else STRENGTH
        previous = slope * previous + np.sqrt(1 - slope**2) * rng.normal(size=units)
        frame[node] = previous
    return pd.DataFrame(frame)


def test_links_are_the_ols_betas_on_standardised_scores_with_fisher_intervals():
    frame = planted(30, seed=3)
    model = value_chain.chain_model(frame, value_chain.NODES, bootstrap=200, permutations=200)
    standard = (frame - frame.mean()) / frame.std(ddof=1)
    for link in model.links:
        fit = sm.OLS(standard[link.target], sm.add_constant(standard[link.source])).fit()
        assert link.beta == pytest.approx(fit.params[link.source])
        low, high = fisher_interval(fit.params[link.source], len(frame))
        assert [link.low, link.high] == pytest.approx([low, high])
        assert -1 < link.low < link.high < 1
        assert link.p_value == pytest.approx(fit.pvalues[link.source])
    assert model.indirect == pytest.approx(np.prod([link.beta for link in model.links]))
    assert model.total == pytest.approx(frame[value_chain.NODES[0]].corr(frame[value_chain.NODES[-1]]))


def test_a_planted_chain_holds_and_carries_the_association():
    model = value_chain.chain_model(planted(80, seed=1), value_chain.NODES)
    assert model.holds and model.weakest is None
    assert model.low <= STRENGTH**5 <= model.high
    assert model.permutation_p < 0.01
    # each node depends only on the one before: the chain carries the whole association
    assert model.carried_low <= 1 <= model.carried_high
    assert not model.few_units


def test_a_planted_break_is_where_the_chain_breaks():
    model = value_chain.chain_model(planted(80, seed=2, broken="cx"), value_chain.NODES)
    assert not model.holds
    assert (model.weakest.source, model.weakest.target) == ("employee_behaviour", "cx")
    assert [link.finding for link in model.links] == [True, True, False, True, True]
    assert not model.finding
    assert np.isnan(model.carried)  # no total association to share out


def test_shuffled_unit_labels_break_the_chain_across_seeds():
    found = broken_there = 0
    for seed in range(20):
        frame = value_chain.shuffle_units(planted(40, seed=seed), value_chain.EMPLOYEE_SIDE, seed=seed)
        model = value_chain.chain_model(frame, value_chain.NODES, bootstrap=500, permutations=500, seed=seed)
        found += model.finding or model.permutation_p < 0.05
        broken_there += model.weakest is not None and model.weakest.target == "cx"
    assert found <= 3  # about 5% by chance; the planted chain is found every time
    assert broken_there >= 16


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bootstrap_interval_of_a_standardised_effect_stays_within_minus_one_and_one(seed):
    """Fourteen units, the first two nodes almost collinear (r about 0.98, as in the demo): each
    resample is standardised on its own, so every drawn link is a correlation and the product of
    links, its interval and the total all lie in [-1, 1]; known answer: the point estimate is the
    product of the adjacent correlations."""
    rng = np.random.default_rng(seed)
    ex = rng.normal(size=14)
    frame = pd.DataFrame({"ex": ex, "cx": ex + rng.normal(scale=0.2, size=14)})
    frame["result"] = 0.5 * frame["cx"] - 0.4 * frame["ex"] + rng.normal(scale=0.5, size=14)
    model = value_chain.chain_model(frame, ("ex", "cx", "result"), ("ex",), bootstrap=2000)
    product = frame["ex"].corr(frame["cx"]) * frame["cx"].corr(frame["result"])
    assert model.indirect == pytest.approx(product)
    assert -1 <= model.low <= model.indirect <= model.high <= 1
    assert -1 <= model.total_low <= model.total <= model.total_high <= 1


def test_few_units_no_chain_and_a_caution():
    assert value_chain.chain_model(planted(4), value_chain.NODES) is None
    small = value_chain.chain_model(planted(8, seed=5), value_chain.NODES, bootstrap=200, permutations=200)
    assert small.few_units and small.n == 8
    wide = value_chain.chain_model(planted(80, seed=5), value_chain.NODES, bootstrap=200, permutations=200)
    assert (small.high - small.low) > (wide.high - wide.low)


def test_a_constant_node_gives_no_chain():
    frame = planted(20).assign(cx=1.0)
    assert value_chain.chain_model(frame, value_chain.NODES) is None


@pytest.mark.parametrize(("slug", "language"), [("demo", "es"), ("northwind", "en")])
def test_demo_chain_from_culture_to_each_result(slug, language):
    client = load_client(DEMO_CLIENTS_DIR / slug)
    units = human_value_chain.unit_scores(client)
    ex = human_value_chain.ex_measure(units)
    models = chain.fit_chains(units, ex)
    experience = ("culture", "enablement", "employee_behaviour", "nps")
    # complaints follow the customers' experience, never their retention (a complaint comes first)
    assert [model.nodes for model in models] == [
        (*experience, "retention", "revenue_per_customer"),
        (*experience, "complaints_rate"),
    ]
    t = translator(language)
    revenue, complaints = models
    # the demo generators tie revenue per customer only weakly to the experience: the chain breaks there
    assert (revenue.weakest.source, revenue.weakest.target) == ("retention", "revenue_per_customer")
    assert chain.verdict(revenue, t)[0] == "value_chain.chain.breaks"
    assert complaints.links[-1].beta < 0 and complaints.links[-1].finding
    figure = chain.chain_chart(complaints, t)
    key, facts = pop_takeaway(figure)
    assert key.startswith("value_chain.chain.") and facts["n"] == str(complaints.n)
    table = chain.chain_table(complaints, t)
    assert len(table) == len(complaints.links) + 2
    published = chain.chain_results(models)
    assert published[0]["breaks_at"] == ["retention", "revenue_per_customer"]


def test_demo_chain_on_shuffled_employees_claims_nothing():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    units = human_value_chain.unit_scores(client)
    side = ("culture", "enablement", "employee_behaviour")
    nodes = (*side, "nps", "retention", "complaints_rate")
    claims = 0
    for seed in range(10):
        shuffled = value_chain.shuffle_units(units[~units["thin"]], side, seed)
        model = value_chain.chain_model(shuffled, nodes, side, bootstrap=500, permutations=500, seed=seed)
        claims += model.holds
    assert claims <= 1


def test_without_retention_the_survey_buying_behaviour_is_the_customers_behaviour():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    units = human_value_chain.unit_scores(client)
    assert units["cross_sell"].between(0, 100).all()  # % of each unit's customers
    head = ("culture", "enablement", "employee_behaviour", "nps")
    without = units.drop(columns="retention")
    assert chain.chain_columns(without, "enablement")[0] == (*head, "cross_sell", "revenue_per_customer")
    assert chain.chain_columns(units, "enablement")[0] == (*head, "retention", "revenue_per_customer")
