"""Impact prediction, roadmap, 9C balance, the executive summary and progress between waves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.inputs.client import Client
from cxlib.inputs.config import ClientConfig
from cxlib.render.results import publish
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
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives()})
    evaluation = action_plan.evaluate(client, DIAGNOSIS, None, None)
    plan = action_plan.schedule(evaluation, pd.Timestamp("2026-01-01"))
    assert plan.loc["A", "start"] == pd.Timestamp("2026-01-01") and plan.loc["C", "start"] == pd.Timestamp(
        "2026-04-01"
    )  # wave 1 median 3 months
    waves = action_plan.wave_table(plan, DIAGNOSIS, "nps", translator("en"))
    assert "Resolution 60 → 70" in waves.iloc[0]["Pillars at the end of the wave (0-100)"]
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
    assert (
        rows.at["Culture", "Evidence"] == "⚠ No evidence"
        and "Empathy 70 [69; 71]" in rows.at["Culture", "Related pillars: customer score [95% CI] and gap"]
    )


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
