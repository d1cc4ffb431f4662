"""Participation ladder, recommendations and the four myth checks on small tables with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from page_scan import scan

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import Client, load_client
from cxlib.inputs.config import ClientConfig
from cxlib.render.charts import pop_takeaway
from cxlib.render.touchpoints import touchpoint_names
from cxlib.steps import participation

T = translator("en")
CONFIG = ClientConfig(name="Acme", slug="acme", language="en", industry="Retail", currency="GBP")


def client_with(**tables: pd.DataFrame) -> Client:
    return Client(Path("."), CONFIG, tables=dict(tables))


def journey(**columns) -> pd.DataFrame:
    base = {
        "stage": ["Buy", "Buy", "Use"],
        "stage_order": [1, 1, 2],
        "touchpoint_id": ["T1", "T2", "T3"],
        "touchpoint": ["Web checkout", "Store counter", "Usage alerts"],
        "channel": ["Web", "Store", "App"],
    }
    return pd.DataFrame(base | columns)


def test_ladder_has_six_levels_with_examples_and_policies():
    steps = participation.ladder("es", "bank")
    assert list(steps.index) == [0, 1, 2, 3, 4, 5]
    assert steps["example"].str.len().gt(0).all() and "intellectual_property" in steps.at[4, "policies"]


def test_ladder_examples_are_of_the_clients_industry_or_none():
    assert participation.industry_key("Banca minorista") == "bank"
    assert participation.industry_key("Mobile telecommunications") == "telco"
    assert participation.industry_key("Seguros") is None
    bank = " ".join(participation.ladder("es", "bank")["example"])
    assert "vuelo" not in bank and "Waze" not in bank and "cajero" in bank
    assert "flight" not in " ".join(participation.ladder("en", "telco")["example"])
    assert (participation.ladder_table(T, None)[T("participation.col.example")] == "–").all()


def test_no_step_beyond_what_the_touchpoint_can_be():
    """A card delivery or an identity check never gets 'contribution' (serving other customers)."""
    frame = journey(
        touchpoint=["Card delivery", "Identity check by video call", "Online banking"],
        channel=["Courier", "App", "Web"],
        participation_level=[2, 2, 2],
        target_participation_level=[3, 4, 3],
    )
    table = participation.recommendations(frame, "en")
    assert table["status"].tolist() == ["unfit", "unfit", "step"] and table["next"].iloc[2] == 3
    assert participation.step_counts(table)["unfit"] == 2
    lower = participation.recommendations(frame.assign(participation_level=[1, 1, 1]), "en")
    assert lower["next"].tolist() == [2, 2, 2]


def test_next_step_is_one_level_and_never_beyond_target():
    table = participation.recommendations(
        journey(participation_level=[1, 3, None], target_participation_level=[4, 3, None]), "en"
    )
    assert table["next"].iloc[0] == 2 and pd.isna(table["next"].iloc[1]) and pd.isna(table["next"].iloc[2])
    assert table["status"].tolist() == ["step", "at_target", "not_assessed"]
    assert table["policies"].iloc[0] == ["privacy", "liability"]
    no_target = participation.recommendations(
        journey(participation_level=[5, 0, 2], target_participation_level=[None, None, 6]), "en"
    )
    assert no_target["next"].isna().tolist() == [True, True, False] and no_target["next"].iloc[2] == 3
    assert no_target["status"].tolist() == ["no_target", "no_target", "step"]
    assert participation.step_counts(no_target) == {"steps": 1, "at_target": 0, "open": 2, "unfit": 0}
    assert participation.touchpoints_with(no_target, "no_target").count("(") == 2


def test_archetypes_declared_win_over_inferred():
    frame = journey(archetype=pd.array([pd.NA, "automatic_execution", pd.NA], dtype="string"))
    experiences = participation.connected_experiences(frame, "en")
    assert experiences["current"].tolist() == ["respond_to_desire", "automatic_execution", "coach_behaviour"]
    assert experiences["current_source"].tolist() == ["inferred", "declared", "inferred"]
    assert experiences["continuous"].tolist() == [False, True, True]
    assert experiences["potential"].tolist() == [
        "curated_offering",
        "automatic_execution",
        "automatic_execution",
    ]


def human_interactions(late_share_end: float, growth: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(4)
    days = rng.integers(0, 364, 20000)
    keep = rng.random(len(days)) < (1 + growth * days / 364) / (1 + growth)
    days = days[keep]
    late = rng.random(len(days)) < 0.05 + (late_share_end - 0.05) * days / 364
    hours = np.where(late, 22, 11)
    stamps = pd.Timestamp("2025-01-06") + pd.to_timedelta(days, unit="D") + pd.to_timedelta(hours, unit="h")
    stamps = stamps[stamps.day_of_week < 5]
    interactions = pd.DataFrame({"timestamp": stamps, "touchpoint_id": "T2"})
    return interactions, journey(human_served=pd.array([False, True, False], dtype="boolean"))


def test_capacity_check_triggers_on_out_of_hours_growth():
    interactions, frame = human_interactions(late_share_end=0.3, growth=0.0)
    assert (
        participation.capacity_check(client_with(journey=frame, interactions=interactions), T).status
        == "risk"
    )


def test_capacity_check_quiet_on_stable_demand():
    interactions, frame = human_interactions(late_share_end=0.05, growth=0.0)
    assert (
        participation.capacity_check(client_with(journey=frame, interactions=interactions), T).status == "ok"
    )


def test_capacity_check_needs_data():
    check = participation.capacity_check(client_with(journey=journey()), T)
    assert check.status == "not_assessable" and "provide" in T(*check.evidence[0][:1], **check.evidence[0][1])


def test_data_check():
    measured = pd.DataFrame({"timestamp": pd.to_datetime(["2025-01-01"] * 2), "touchpoint_id": ["T1", "T2"]})
    risky = journey(pain_point=[None, None, "App crashes"], kpi=[None, "Wait", None])
    check = participation.data_check(client_with(journey=risky, interactions=measured), T)
    assert check.status == "risk"
    assert check.evidence[0][1]["examples"] == "T1" and check.evidence[1][1]["examples"] == "T3"
    tidy = journey(pain_point=["Slow", None, None], kpi=[None, "Wait", None])
    assert participation.data_check(client_with(journey=tidy, interactions=measured), T).status == "ok"


def test_complexity_check():
    redundant = journey(customer_action=["Pay", "Pay", "Pay"])
    assert participation.complexity_check(client_with(journey=redundant), T).status == "risk"
    simple = journey(customer_action=["Pay", "Ask", "Pay"])
    assert participation.complexity_check(client_with(journey=simple), T).status == "ok"
    assert participation.complexity_check(client_with(journey=journey()), T).status == "not_assessable"


def test_internal_check():
    assert (
        participation.internal_check(
            client_with(journey=journey(internal=pd.array([False, False, True], dtype="boolean"))), T
        ).status
        == "ok"
    )
    assert (
        participation.internal_check(
            client_with(journey=journey(internal=pd.array([False] * 3, dtype="boolean"))), T
        ).status
        == "risk"
    )


def test_demo_clients_trigger_their_planted_risks():
    demo = {
        check.myth: check.status
        for check in participation.myth_checks(load_client(DEMO_CLIENTS_DIR / "demo"), translator("es"))
    }
    northwind = {
        check.myth: check.status
        for check in participation.myth_checks(load_client(DEMO_CLIENTS_DIR / "northwind"), translator("en"))
    }
    assert demo["capacity"] == "risk" and northwind["capacity"] == "ok"
    assert demo["internal"] == "risk" and northwind["internal"] == "ok"


def test_willingness_by_segment():
    table = participation.willingness(load_client(DEMO_CLIENTS_DIR / "demo"))
    assert table["value"].idxmax() == "Preferente"  # the generator makes this segment twice as willing
    assert (table["low"] < table["value"]).all() and (table["n"] > 500).all()


def test_needs_count_only_continuous_experiences_as_the_paragraph_does():
    """A need served only by episodic or respond-to-desire touchpoints is not counted as having a
    continuous experience (the takeaway used to call every non-episodic need connected)."""
    frame = journey(
        archetype=pd.array(["respond_to_desire", "episodic", "coach_behaviour"], dtype="string"),
        target_archetype=pd.array([pd.NA, "automatic_execution", pd.NA], dtype="string"),
    )
    experiences = participation.connected_experiences(frame, "en")
    assert participation.continuous_needs(experiences) == (1, 2)
    key, values = pop_takeaway(participation.needs_matrix_chart(experiences, T))
    takeaway = T(key, **values)
    assert "1 already has a continuous experience" in takeaway and "2 could" in takeaway


def test_complexity_check_names_as_many_tasks_as_it_counts():
    tasks = [f"Task {i}" for i in range(6)]
    frame = pd.DataFrame(
        {
            "stage": "Buy",
            "touchpoint_id": [f"T{i}" for i in range(18)],
            "touchpoint": "x",
            "channel": ["Web", "App", "Store"] * 6,
            "customer_action": np.repeat(tasks, 3),
        }
    )
    check = participation.complexity_check(client_with(journey=frame), T)
    sentence = T(check.evidence[0][0], **check.evidence[0][1])
    assert "6 can be done through 3 channels or more" in sentence
    assert sentence.count("(3)") == 4 and sentence.endswith("and 2 more.")


CONNECTED_RULE = "episodic experiences counted as connected"


@pytest.mark.parametrize(
    ("language", "text", "rule"),
    [
        ("es", "Transferencias SPEI en app (TP-APP-03)", "internal code in parentheses"),
        ("en", "Credit check (TP04)", "internal code in parentheses"),
        ("es", "Las 7 necesidades ya tienen una experiencia conectada.", CONNECTED_RULE),
        ("en", "All 7 needs already have a connected experience.", CONNECTED_RULE),
    ],
)
def test_the_page_scanner_keeps_these_fixes(language: str, text: str, rule: str) -> None:
    assert rule in {hit.rule for hit in scan(f"<main><p>{text}</p></main>", language)}
    assert not scan("<main><p>Queja formal (UNE) (n = 30)</p></main>", language)


def test_client_pages_name_touchpoints_without_their_codes() -> None:
    frame = journey(participation_level=[1, 1, 1], target_participation_level=[2, 2, 2])
    shown = participation.recommendation_table(participation.recommendations(frame, "en"), T)
    assert not shown.map(lambda cell: "T1" in str(cell)).any().any()
    twice = frame.assign(touchpoint=["Live chat", "Live chat", "Usage alerts"])
    assert touchpoint_names(twice).tolist() == ["Live chat · Web", "Live chat · Store", "Usage alerts"]
