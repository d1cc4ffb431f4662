"""The diagnosis on the demo clients finds what the generator planted; comment analysis on known text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.core.method import PILLARS
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.inputs.question_bank import question_bank
from cxlib.render.charts import interval_takeaway, pop_takeaway
from cxlib.steps import diagnosis

PLANTED_DRIVERS = {"demo": {"resolution", "personalisation"}, "northwind": {"time_effort", "expectations"}}


def test_planted_drivers_are_found():
    for slug, planted in PLANTED_DRIVERS.items():
        client = load_client(DEMO_CLIENTS_DIR / slug)
        weights = diagnosis.pillar_drivers(client, diagnosis.customer_pillar_frame(client), bootstrap=100)
        assert set(weights.index[:2]) == planted, slug
        # the planted drivers' intervals lie above every other pillar's
        assert weights.loc[list(planted), "low"].min() > weights.drop(index=list(planted))["high"].max()


def test_overconfidence_on_time_and_effort_in_demo():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    customer = diagnosis.customer_pillar_scores(diagnosis.customer_pillar_frame(client))
    comparison = diagnosis.self_vs_customer(
        diagnosis.assessment_pillar_scores(client.tables["assessment"]), customer
    )
    assert comparison.index[comparison["overconfident"]].tolist() == ["time_effort"]


@pytest.mark.parametrize("language", ["es", "en"])
def test_self_assessment_gaps_in_both_directions_carry_interval_and_n(language):
    """The demo's leaders (5 of them) rate time and effort 32 points above customers and resolution
    15 below: both are reported, each with the self-assessment's interval and n."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    customer = diagnosis.customer_pillar_scores(diagnosis.customer_pillar_frame(client))
    comparison = diagnosis.self_vs_customer(
        diagnosis.assessment_pillar_scores(client.tables["assessment"]), customer
    )
    assert comparison.index[comparison["underconfident"]].tolist() == ["resolution"]
    t = translator(language)
    above = diagnosis.overconfident_pillars(comparison, t)
    below = diagnosis.overconfident_pillars(comparison, t, "underconfident")
    row = comparison.loc["time_effort"]
    assert t.interval(row["self"], row["self_low"], row["self_high"], 0) in above
    assert f"n = {int(row['self_n'])}" in above and f"+{t.number(row['gap'], 0)}" in above
    resolution = comparison.loc["resolution"]
    assert t("pillar.resolution") in below and t.number(resolution["gap"], 0) in below
    assert resolution["gap"] < -10 and f"n = {int(resolution['self_n'])}" in below


def test_an_empty_fix_first_quadrant_names_the_largest_gap_to_target():
    """The demo's matrix puts no pillar in "fix first" while time and effort is 27 points below its
    target (resolution 15.5): the sentence says so instead of "the most important pillars already
    perform above average"; with every pillar on target the plain sentence remains."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    frame = diagnosis.customer_pillar_frame(client)
    customer = diagnosis.customer_pillar_scores(frame)
    weights = diagnosis.pillar_drivers(client, frame, bootstrap=50)
    t = translator("es")
    _, matrix = diagnosis.priority_chart(weights, customer["value"], t)
    targets = diagnosis.pillar_targets(client, frame, customer)
    assert not (matrix["quadrant"] == "fix").any()
    key, facts = diagnosis.priority_sentence(matrix, targets, t)
    assert key == "diagnosis.no_fix_gap" and facts["pillar"] == t("pillar.time_effort")
    assert facts["gap"] == t.number(targets["gap"].max(), 1) and targets["gap"].max() > 10
    met = targets.assign(gap=-1.0)
    assert diagnosis.priority_sentence(matrix, met, t) == ("diagnosis.no_fix", {})


def test_targets_fall_back_to_the_internal_benchmark():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")  # its client.yaml sets no target for empathy
    frame = diagnosis.customer_pillar_frame(client)
    targets = diagnosis.pillar_targets(client, frame, diagnosis.customer_pillar_scores(frame))
    assert targets.loc["empathy", "source"] == "internal"
    assert targets.loc["empathy", "target"] > targets.loc["empathy", "current"]
    assert (targets.drop(index="empathy")["source"] == "client").all()


def test_assessment_scoring_on_a_small_table():
    answers = pd.DataFrame(
        {
            "respondent": ["A", "B", "A", "B"],
            "pillar": ["resolution"] * 2 + ["empathy"] * 2,
            "item_id": ["RES1", "RES1", "EMP1", "EMP1"],
            "score": [5.0, 1.0, 3.0, 3.0],
            "evidence": ["report", None, "memo", "memo"],
        }
    )
    bank = question_bank()
    items = diagnosis.assessment_item_scores(answers, bank, "en").set_index("item_id")
    assert (
        items.loc["RES1", "score"] == 50.0
        and bool(items.loc["RES1", "disagreement"])
        and not bool(items.loc["EMP1", "disagreement"])
    )
    pillars = diagnosis.assessment_pillar_scores(answers)
    assert pillars.loc["empathy", "score"] == 50.0 and pillars.loc["resolution", "n"] == 2
    evidence = diagnosis.assessment_evidence(answers, bank, "en")
    assert evidence["supported"].tolist().count(False) == 1


def test_question_bank_covers_every_pillar_and_the_seed_items():
    bank = question_bank()
    assert (bank.groupby("pillar").size().reindex(list(PILLARS)) >= 4).all()
    assert bank["seed"].sum() == 9
    assert bank[["es", "en"]].notna().all().all()


def test_negative_comments_concentrate_among_detractors():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    result = diagnosis.comment_analysis(client).sentiment
    scores = client.tables["survey"].loc[result.index, "nps"]
    negative = result["label"] == "negative"
    assert negative[scores <= 6].mean() > 2 * negative[scores >= 9].mean()


def test_metric_table_is_translated():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    table = diagnosis.metric_table(
        diagnosis.overall_metrics(client.tables["survey"], client.survey_scales), translator("es", "es_MX")
    )
    assert (
        list(table.columns)[:3] == ["Indicador", "Valor", "IC 95 %"] and "Wald ajustado" in table.to_string()
    )


def test_chart_takeaway_never_contradicts_the_intervals():
    t = translator("en")
    apart = pd.DataFrame(
        {"value": [60.0, 40.0], "low": [55.0, 35.0], "high": [65.0, 45.0], "n": [400, 300]}, index=["A", "B"]
    )
    key, values = interval_takeaway(apart, "CSAT", "segment", t)
    assert key == "chart.takeaway.apart" and values["highest"].startswith("A: 60.0 [55.0; 65.0]")
    overlapping = apart.assign(low=[45.0, 35.0], high=[65.0, 50.0])
    assert interval_takeaway(overlapping, "CSAT", "segment", t)[0] == "chart.takeaway.overlap"
    figure = diagnosis.breakdown_chart(overlapping, "csat", "segment", t)
    assert pop_takeaway(figure)[0] == "chart.takeaway.overlap" and pop_takeaway(figure) is None


def test_trend_takeaway_finds_a_planted_trend_and_none_in_noise():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    survey = client.tables["survey"]
    t = translator("en")
    assert diagnosis.trend_takeaway(client, "nps", t)[0] == "diagnosis.takeaway.trend_flat"
    month = survey["date"].dt.month
    rising = survey.assign(
        nps=np.where(month > 6, np.maximum(survey["nps"], 9), np.minimum(survey["nps"], 6))
    )
    client.tables["survey"] = rising
    key, values = diagnosis.trend_takeaway(client, "nps", t)
    assert key == "diagnosis.takeaway.trend_up" and values["p"] == "< 0.001"


def test_themes_differ_only_where_nps_is_linked_to_the_comments():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    themes = diagnosis.shown_themes(diagnosis.comment_analysis(client))
    assert diagnosis.theme_differences(client, themes)["significant"].any()  # planted in the demo
    survey = client.tables["survey"]
    found = []
    for seed in range(20):
        shuffled = np.random.default_rng(seed).permutation(survey["nps"].to_numpy())
        client.tables["survey"] = survey.assign(nps=shuffled)
        differences = diagnosis.theme_differences(client, themes)
        assert ((differences["low"] > 0) | (differences["high"] < 0)).tolist() == differences[
            "significant"
        ].tolist()
        found.append(differences["significant"].any())
    assert sum(found) / len(found) <= 0.05
