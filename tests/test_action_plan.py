"""Impact prediction, roadmap, 9C balance, the executive summary and progress between waves."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.inputs.client import Client
from cxlib.inputs.config import ClientConfig
from cxlib.render.results import frame as results_frame
from cxlib.render.results import load, publish
from cxlib.render.slides import initiative_rows
from cxlib.render.summary import findings, progress
from cxlib.run.runner import run
from cxlib.stats import forecast
from cxlib.steps import action_plan, ecosystem

CONFIG = ClientConfig(name="Acme", slug="acme", language="en", industry="Retail", currency="GBP")
DIAGNOSIS = {  # known gaps and impact slopes (outcome points per pillar point)
    "metrics": {"nps": {"value": 10.0, "low": 5.0, "high": 15.0, "n": 1000}},
    "pillars": {
        "resolution": {
            "current": 60.0,
            "low": 59.0,
            "high": 61.0,
            "n": 1000,
            "target": 80.0,
            "gap": 20.0,
            "slope": 1.0,
            "slope_low": 0.8,
            "slope_high": 1.2,
        },
        "empathy": {
            "current": 70.0,
            "low": 69.0,
            "high": 71.0,
            "n": 1000,
            "target": 70.0,
            "gap": 0.0,
            "slope": 2.0,
            "slope_low": 1.5,
            "slope_high": 2.5,
        },
    },
    "impact_outcome": "nps",
    "explains": True,
}


def initiatives() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "initiative_id": ["A", "B", "C"],
            "name": ["Fix first contact", "Empathy training", "New CRM"],
            "cost": [100.0, 50.0, 1000.0],
            "effort": [2, 1, 5],
            "duration_months": [4.0, 2.0, 12.0],
            "wave": [1, 1, 2],
            "owner": ["Care", "HR", "IT"],
            "kpi": ["FCR", "eNPS", "Go-live"],
            "pillars": [["resolution"], ["empathy"], []],
            "touchpoints": [[], [], []],
            "roles": [[], [], []],
            "effect_external": [2, 1, 0],
            "loads_human_capacity": pd.array([False, True, False], dtype="boolean"),
            "months_to_effect": [0.0, 0.0, 0.0],  # whole effect at go-live: the arithmetic alone
        }
    )


def test_impact_from_known_weights_and_gaps():
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives()})
    evaluation = action_plan.evaluate(client, DIAGNOSIS, None, None)
    # A: effect +2 closes 50% (central; 25%-75% low-high) of the 20-point gap × slope 1.0 [0.8; 1.2]:
    # central 10; low 20 × 25% × 0.8 = 4; high 20 × 75% × 1.2 = 18
    assert evaluation.loc["A", ["impact", "impact_low", "impact_high"]].tolist() == pytest.approx(
        [10.0, 4.0, 18.0]
    )
    assert evaluation.loc["A", "closures"] == {"resolution": 1.0}
    # B: empathy is already at target, so no gap to close
    assert evaluation.loc["B", "impact"] == 0.0 and bool(evaluation.loc["B", "loads_capacity"])
    assert bool(evaluation.loc["C", "no_experience_case"]) and not bool(
        evaluation.loc["A", "no_experience_case"]
    )
    assert evaluation.index[0] == "A"  # ranked by impact per cost


def test_schedule_overlaps_waves_and_targets_accumulate():
    with_case = initiatives().assign(
        pillars=[["resolution"], ["empathy"], ["empathy"]], effect_external=[2, 1, 1]
    )
    client = Client(Path("."), CONFIG, tables={"initiatives": with_case})
    evaluation = action_plan.evaluate(client, DIAGNOSIS, None, None)
    plan = action_plan.schedule(evaluation, pd.Timestamp("2026-01-01"))
    assert plan.loc["A", "start"] == pd.Timestamp("2026-01-01") and plan.loc["C", "start"] == pd.Timestamp(
        "2026-04-01"
    )  # wave 1 median 3 months
    waves = action_plan.wave_table(plan, DIAGNOSIS, "nps", translator("en"))
    assert "Resolution 60.0 → 70.0" in waves.iloc[0]["Pillars at the end of the wave (0-100)"]
    assert waves.iloc[0]["Expected NPS at the end [low; high scenario]"] == "20.0 [9.0; 33.0]"


def test_a_gap_closes_at_most_once_and_predictions_stay_on_scale():
    # three initiatives at +2 on one pillar: 1 − 0.5³ = 87.5% of the gap, never more than all of it
    assert forecast.union(np.full((3, 1), 0.5)) == pytest.approx([0.875])
    assert forecast.union(np.full((9, 1), 0.75))[0] < 1.0
    pillars = pd.DataFrame(
        {"gap": [400.0], "slope": [1.0], "slope_low": [0.5], "slope_high": [2.0]}, index=["resolution"]
    )
    plan = initiatives().assign(closures=[{"resolution": 1.0}] * 3, wave=[1, 1, 1])
    diagnosis = {
        "pillars": pillars.assign(current=0.0, target=400.0).to_dict(orient="index"),
        "metrics": {"nps": {"value": 10.0}},
        "explains": True,
    }
    plan = plan.assign(
        start=pd.Timestamp("2026-01-01"), end=pd.Timestamp("2026-06-01"), office="front", reach=1.0
    ).assign(reach_low=1.0, reach_high=1.0, closure=action_plan.CENTRAL_CLOSURE)
    waves = action_plan.wave_table(plan, diagnosis, "nps", translator("en"))
    assert waves.iloc[0]["Expected NPS at the end [low; high scenario]"] == "100.0 [100.0; 100.0]"


def test_roadmap_starts_after_the_run_date_without_plan_start():
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives()})
    assert action_plan.plan_start(client, pd.Timestamp("2026-11-23")) == pd.Timestamp("2026-12-01")


def test_ecosystem_balance():
    table = ecosystem.balance(
        pd.DataFrame(
            {
                "dimension": ["clients", "culture", "channels"],
                "score": [5.0, 1.0, 3.0],
                "evidence": ["a", None, "c"],
            }
        )
    )
    assert (
        len(table) == 9
        and ecosystem.strengths(table) == ["clients"]
        and ecosystem.weaknesses(table) == ["culture"]
    )
    t = translator("en")
    assert ecosystem.balance_facts(table, t) == {"mean": "3.0", "spread": "4"}
    rows = ecosystem.dimension_table(table, DIAGNOSIS, t).set_index("Dimension")
    related = rows.at["Culture", "Related pillars: customer score [95% CI] and gap"]
    assert rows.at["Culture", "Evidence"] == "⚠ No evidence" and "Empathy 70.0 [69.0; 71.0]" in related


@pytest.mark.parametrize(
    "slug,language,expected",
    [
        (
            "demo",
            "es",
            [
                "Resolución aporta",
                "Transferencias SPEI en app",
                "r = 0.9",
                "Sin caso de experiencia: CRM corporativo",
            ],
        ),
        (
            "northwind",
            "en",
            [
                "Time &amp; effort accounts for",
                "In-store device setup",
                "have better customer NPS",
                "No experience case: Enterprise CRM replacement",
            ],
        ),
    ],
)
def test_summary_on_the_demo_clients(demo_reports, slug, language, expected):
    index = (demo_reports / slug / "index.html").read_text(encoding="utf-8")
    for text in expected:
        assert text in index, text
    assert index.count('class="cx-finding"') >= 8 and 'href="03_journey.html#alerts"' in index
    texts = [finding.text for finding in findings(demo_reports / slug, translator(language))]
    assert all(
        "[" in text or "%" in text or "n =" in text or "CRM" in text or "alarm" in text.lower()
        for text in texts
    )


def test_summary_with_steps_skipped(scaffolded, tmp_path):
    for table in ("interactions", "employees", "initiatives", "ecosystem"):
        (scaffolded / f"{table}.csv").unlink()
    out = tmp_path / "out"
    assert run([str(scaffolded)], out) == 0
    index = (out / "acme" / "index.html").read_text(encoding="utf-8")
    assert 'data-status="skipped"' in index and "Data for this step is missing" in index
    assert "Touchpoints in alarm" not in index and "Priority initiatives" not in index
    assert "NPS: " in index


def test_progress_flags_only_real_changes(tmp_path):
    before, now, same = tmp_path / "before", tmp_path / "now", tmp_path / "same"
    base = {
        "metrics": {
            "nps": {
                "value": 0.0,
                "low": -6.0,
                "high": 6.0,
                "n": 1000,
                "counts": {"d": 350, "p": 300, "pr": 350},
            }
        },
        "pillars": {"resolution": {"current": 60.0, "low": 59.0, "high": 61.0, "n": 1000, "sd": 15.0}},
    }
    better = {
        "metrics": {
            "nps": {
                "value": 20.0,
                "low": 14.0,
                "high": 26.0,
                "n": 1000,
                "counts": {"d": 250, "p": 300, "pr": 450},
            }
        },
        "pillars": {"resolution": {"current": 60.5, "low": 59.5, "high": 61.5, "n": 1000, "sd": 15.0}},
    }
    for folder, payload in ((before, base), (now, better), (same, base)):
        folder.mkdir()
        publish(folder, "01_diagnosis", payload)
    table = progress(now, before).set_index("measure")
    assert bool(table.at["metric.nps", "significant"]) and table.at["metric.nps", "change"] == pytest.approx(
        20.0
    )
    assert not bool(table.at["pillar.resolution", "significant"])
    assert not progress(same, before)["significant"].any()


def test_follow_up_demo_reports_progress(tmp_path):
    out = tmp_path / "out"
    assert run(["demo", "demo-seguimiento"], out, jobs=2, step_names=["01"]) == 0
    index = (out / "demo-seguimiento" / "index.html").read_text(encoding="utf-8")
    assert "Avance frente a la medición base" in index
    rows = {line.split("</td>")[0].split(">")[-1]: line for line in index.split("<tr data-change=")[1:]}
    assert '"up"' in rows["Resolución"] and '"up"' in rows["Tiempo y esfuerzo"] and '"up"' in rows["NPS"]


def _published_wave(folder, rng, shift: float = 0.0) -> None:
    """A diagnosis result drawn from one fixed population (``shift`` moves resolution)."""
    scores = rng.integers(0, 11, 800)
    counts = {
        "d": int((scores <= 6).sum()),
        "p": int(((scores >= 7) & (scores <= 8)).sum()),
        "pr": int((scores >= 9).sum()),
    }
    value = 100 * (counts["pr"] - counts["d"]) / 800
    pillars = {}
    for pillar in ("resolution", "empathy", "integrity"):
        ratings = rng.normal(60 + (shift if pillar == "resolution" else 0), 15, 800)
        mean = float(ratings.mean())
        pillars[pillar] = {
            "current": mean,
            "low": mean - 1,
            "high": mean + 1,
            "n": 800,
            "sd": float(ratings.std(ddof=1)),
        }
    folder.mkdir()
    publish(
        folder,
        "01_diagnosis",
        {
            "metrics": {
                "nps": {"value": value, "low": value - 5, "high": value + 5, "n": 800, "counts": counts}
            },
            "pillars": pillars,
        },
    )


def test_wave_to_wave_changes_are_not_found_where_there_are_none(tmp_path):
    """Two waves from one population, 40 seeds: family-wise false findings at or below 5%."""
    findings = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        _published_wave(tmp_path / f"before-{seed}", rng)
        _published_wave(tmp_path / f"now-{seed}", rng)
        table = progress(tmp_path / f"now-{seed}", tmp_path / f"before-{seed}")
        assert ((table["low"] > 0) | (table["high"] < 0)).tolist() == table["significant"].tolist()
        findings.append(table["significant"].any())
    assert sum(findings) / len(findings) <= 0.05


def test_a_planted_wave_to_wave_change_is_found(tmp_path):
    rng = np.random.default_rng(1)
    _published_wave(tmp_path / "before", rng)
    _published_wave(tmp_path / "now", rng, shift=5.0)
    table = progress(tmp_path / "now", tmp_path / "before").set_index("measure")
    assert (
        bool(table.at["pillar.resolution", "significant"])
        and not table.drop("pillar.resolution")["significant"].any()
    )


def _valued_plan() -> pd.DataFrame:
    """The known-answer plan, A valued at 200 a point a year by finance (B and C have no value)."""
    table = initiatives().assign(
        value_per_point=[200.0, np.nan, np.nan], value_source=["Finance: churn model", None, None]
    )
    client = Client(Path("."), CONFIG, tables={"initiatives": table})
    return action_plan.evaluate(client, DIAGNOSIS, None, None)


def test_returns_from_a_known_value_of_a_point():
    money = action_plan.returns(_valued_plan())
    # A: 10 [4; 18] points × 200 a year = 2,000 [800; 3,600]; whole effect at go-live, so 3 years
    # accrue 6,000 [2,400; 10,800] against a cost of 100: return 59 [23; 107]; paid back within
    # month 1 (2,000 / 12 ≥ 100), month 2 at the low end (800 / 12 < 100 ≤ 2 × 800 / 12)
    assert money.loc["A", ["benefit", "benefit_low", "benefit_high"]].tolist() == pytest.approx(
        [2000.0, 800.0, 3600.0]
    )
    assert money.loc["A", ["return", "return_low", "return_high"]].tolist() == pytest.approx(
        [59.0, 23.0, 107.0]
    )
    assert money.loc["A", ["payback", "payback_low", "payback_high"]].tolist() == [1.0, 2.0, 1.0]
    assert not money.loc["B", "valued"] and np.isnan(money.loc["B", "return"])


def test_the_deck_shows_the_money_of_the_plan_page(tmp_path):
    t = translator("en")
    evaluation = _valued_plan()
    page = action_plan.money_table(evaluation, "GBP", t).set_index("Initiative")
    publish(tmp_path, "05_action_plan", action_plan.step_results(evaluation, "nps", {}, "GBP"))
    plan = load(tmp_path, "05_action_plan")
    assert plan["initiatives"]["A"]["return"] == pytest.approx(59.0) and plan["return_months"] == 36
    headers, rows, sources = initiative_rows(plan, results_frame(plan["initiatives"]), t)
    deck = pd.DataFrame(rows, columns=headers).set_index("Initiative")
    assert (
        deck.at["Fix first contact", "Return over 3 years [low; high]"]
        == page.at["Fix first contact", "Return over 3 years [low; high]"]
        == "5,900% [2,300%; 10,700%]"
    )
    assert (
        deck.at["Fix first contact", "Months to pay back"]
        == page.at["Fix first contact", "Months to pay back [low; high]"]
        == "1 [2; 1]"
    )
    assert sources == ["Finance: churn model"]
    # without a value: the cost per expected point, as on the page (B adds no point: none)
    assert deck.at["Empathy training", "Return over 3 years [low; high]"] == "– per expected point"
    assert deck.at["New CRM", "Wave"] == "Not scheduled"


def test_an_initiative_without_an_experience_case_is_not_scheduled():
    evaluation = _valued_plan()
    assert np.isnan(evaluation.loc["C", "wave"]) and evaluation.loc["C", "wave_source"] == "unscheduled"
    plan = action_plan.schedule(evaluation, pd.Timestamp("2026-01-01"))
    assert "C" not in plan.index and set(plan["wave"]) == {1}
    t = translator("en")
    table = action_plan.evaluation_table(evaluation, "nps", "GBP", t).set_index("Initiative")
    assert table.at["New CRM", "Wave"] == "Not scheduled"
    assert not any("New CRM" in label for label in action_plan.gantt(plan, t).data[0].y)
    assert pd.isna(action_plan.step_results(evaluation, "nps", {}, "GBP")["initiatives"]["C"]["wave"])


def test_waves_are_derived_by_effect_per_cost_where_none_is_declared():
    evaluation = _valued_plan().assign(wave=np.nan)
    evaluation.loc["D"] = evaluation.loc["A"].copy()
    evaluation.loc["D", ["name", "impact_per_million"]] = ["Second best", 50000.0]
    ranked = action_plan.assign_waves(evaluation.sort_values("impact_per_million", ascending=False))
    # three scheduled (A, D, B), one a wave, best effect per cost first; C has no case
    assert ranked["wave"].to_dict() == pytest.approx({"A": 1.0, "D": 2.0, "B": 3.0, "C": np.nan}, nan_ok=True)
    assert set(ranked["wave_source"]) == {"derived", "unscheduled"}


def test_a_later_wave_holding_a_clearly_better_initiative_is_a_consultant_check():
    evaluation = _valued_plan()
    evaluation.loc["D"] = evaluation.loc["A"].copy()
    # D: the same points for ten times the cost, in wave 1 (declared), ahead of A moved to wave 2
    evaluation.loc["D", ["name", "cost", "wave"]] = ["Costly twin", 1000.0, 1]
    evaluation.loc["A", "wave"] = 2
    conflicts = action_plan.sequencing_conflicts(evaluation)
    # A: 10 [4; 18] points for 100 = 100,000 [40,000; 180,000] per million; D: 10,000 [4,000; 18,000]
    assert sorted(conflicts[["later", "earlier"]].values.tolist()) == [
        ["Fix first contact", "Costly twin"],
        ["Fix first contact", "Empathy training"],  # B adds no point: 0 [0; 0]
    ]
    (fact,) = action_plan.sequencing_facts(evaluation, translator("en"))  # one check, naming both
    assert (
        fact["later"] == "Fix first contact" and fact["later_ratio"] == "100,000.00 [40,000.00; 180,000.00]"
    )
    assert "“Costly twin” (wave 1) 10,000.00 [4,000.00; 18,000.00]" in fact["earlier"]
    # overlapping intervals are no conflict: at twice the cost, D's best (90,000) beats A's worst
    evaluation.loc["D", "cost"] = 200.0
    assert "Costly twin" not in set(action_plan.sequencing_conflicts(evaluation)["earlier"])


def test_money_scale_is_a_consultant_check_when_no_measured_value_pays_back():
    t = translator("en")
    units = pd.DataFrame(
        {"unit": ["North", "South"], "customers": [1000, 3000], "revenue": [100_000.0, 300_000.0]}
    )
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives(), "units": units})
    chain = {"point_value": {"value": 400.0, "low": 100.0, "high": 700.0, "retention": 0.001, "units": 12}}
    evaluation = action_plan.valued(action_plan.evaluate(client, DIAGNOSIS, None, None), chain, "nps", t)
    # A: 10 points × 400 a year = 4,000, 12,000 over 3 years against a cost of 100: it pays back
    assert action_plan.money_scale_facts(evaluation, chain, client, "nps", t) is None
    dear = evaluation.assign(cost=evaluation["cost"] * 1000)  # A now costs 100,000: −88 %
    assert action_plan.money_scale_facts(dear, chain, client, "nps", t) == {
        "outcome": "NPS",
        "value": "£400",
        "units": "2",
        "revenue": "£400,000",
        "per_customer": "£100",
    }


@pytest.mark.slow
@pytest.mark.parametrize("slug,language", [("demo", "es"), ("northwind", "en")])
def test_the_deck_and_the_plan_page_tell_one_money_story(demo_reports, slug, language):
    plan = load(demo_reports / slug, "05_action_plan")
    t = translator(language, locale={"demo": "es_MX", "northwind": "en_GB"}[slug])
    initiatives = results_frame(plan["initiatives"])
    headers, rows, sources = initiative_rows(plan, initiatives, t)
    page = html.unescape((demo_reports / slug / "05_action_plan.html").read_text(encoding="utf-8"))
    deck = pd.DataFrame(rows, columns=headers)
    returns_column = t("slides.col.return", years="3")
    assert deck[returns_column].str.contains(r"\[").all() and sources  # both demos value a point
    for _, row in deck.iterrows():  # every figure of the deck's money is on the page, in that row
        page_row = page[page.index(f"<td>{row.iloc[0]}</td>", page.index('id="money"')) :]
        page_row = page_row[: page_row.index("</tr>")]
        assert f"<td>{row[returns_column]}</td>" in page_row and f"<td>{row.iloc[5]}</td>" in page_row
    unscheduled = initiatives.loc[initiatives["wave"].isna(), "name"]
    assert len(unscheduled) == 1 and "CRM" in unscheduled.iloc[0]
