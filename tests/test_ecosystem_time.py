"""The ecosystem over time, its actors and the legitimacy indicator (issue 34, item 4): known answers,
interval coverage of the measured indicator, and judgements that agree with the data raise no check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from cxlib.core.i18n import translator
from cxlib.core.method import NINE_C
from cxlib.inputs.client import load_client
from cxlib.inputs.strategy import Actor
from cxlib.steps import ecosystem, ecosystem_time, legitimacy

ECOSYSTEM = pd.DataFrame(
    {
        "dimension": ["clients", "culture", "community"],
        "score": [3, 2, 4],
        "score_past": [2, 2, np.nan],
        "score_target": [4, 5, 4],
        "evidence": ["NPS 18", None, "Panel"],
    }
)
ACTORS = [
    Actor(
        name="Regulator", type="regulator", dimension="Comunidad", influence=5, relation=0, target_relation=1
    ),
    Actor(name="Neighbours", type="community", dimension="community", influence=1, relation=2),
    Actor(
        name="Core vendor",
        type="supplier",
        dimension="Creatividad",
        influence=4,
        relation=-1,
        target_relation=1,
    ),
]


def test_the_balance_over_time_known_answer() -> None:
    table = ecosystem.balance(ECOSYSTEM)
    assert table.index.tolist() == list(NINE_C) and ecosystem_time.has_time(table)
    scores = ecosystem_time.over_time(table)
    assert scores.loc["clients", ["score_past", "score", "score_target", "moved", "to_go"]].tolist() == [
        2,
        3,
        4,
        1,
        1,
    ]
    assert np.isnan(scores.at["community", "moved"]) and scores.at["culture", "to_go"] == 3
    facts = ecosystem_time.time_facts(scores, translator("en"))
    assert facts == {"past": "2.0", "present": "3.0", "target": "4.3", "widest": "Culture"}
    assert not ecosystem_time.has_time(ecosystem.balance(ECOSYSTEM[["dimension", "score"]]))
    figure = ecosystem_time.spiral_chart(scores, translator("es"))
    assert [trace.name for trace in figure.data] == ["Pasado", "Presente", "Meta"]


def test_actors_and_their_networks_known_answer() -> None:
    actors = ecosystem_time.actors_frame(ACTORS)
    assert actors["dimension"].tolist() == ["community", "community", "creativity"]
    networks = ecosystem_time.networks(actors)
    assert networks.index.tolist() == ["community", "creativity"]
    assert networks.at["community", "actors"] == 2
    assert networks.at["community", "relation"] == pytest.approx((0 * 5 + 2 * 1) / 6)
    assert networks.at["community", "target_relation"] == pytest.approx((1 * 5 + 2 * 1) / 6)
    table = ecosystem_time.actors_table(actors, translator("en"))
    assert table["Relation: today → sought"].tolist() == [
        "Neutral → Collaborative",
        "Strong alliance",
        "Distant → Collaborative",
    ]
    figure = ecosystem_time.actors_map(actors, translator("en"))
    assert len(figure.layout.annotations) == 2  # two actors seek a different relation


def test_a_bad_actor_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="did you mean 'community'"):
        Actor(name="x", type="ally", dimension="comunity", influence=3, relation=0)
    with pytest.raises(ValidationError, match="less than or equal to 5"):
        Actor(name="x", type="ally", dimension="culture", influence=6, relation=0)


def _employees(rng: np.random.Generator, n: int, mean: float) -> pd.DataFrame:
    """Culture items on 1-5 whose population mean is ``mean`` (a discrete distribution around it)."""
    low = np.floor(mean)
    items = low + (rng.random((n, 3)) < mean - low)
    return pd.DataFrame(items, columns=["culture_values", "culture_voice", "culture_trust"])


def test_legitimacy_sources_and_indicator_known_answer() -> None:
    diagnosis = {"pillars": {"integrity": {"current": 60.0, "low": 58.0, "high": 62.0, "n": 900}}}
    assessment = pd.DataFrame(
        {
            "respondent": ["a", "b", "a", "b"],
            "pillar": ["integrity"] * 2 + ["empathy"] * 2,
            "score": [4, 3, 2, 2],
        }
    )
    employees = pd.DataFrame({"culture_a": [3, 5, 4, 4], "culture_b": [3, 5, 4, 4]})
    table = ecosystem.balance(ECOSYSTEM)
    sources = legitimacy.sources(diagnosis, assessment, employees, table, ecosystem_time.actors_frame(ACTORS))
    assert sources.index.tolist() == [
        "customers",
        "self",
        "employees",
        "ninec.culture",
        "ninec.community",
        "actors",
    ]
    assert sources.loc["self", "value"] == pytest.approx(62.5) and sources.loc["employees", "value"] == 75.0
    assert sources.loc["ninec.culture", "value"] == 25.0 and sources.loc["ninec.community", "value"] == 75.0
    assert sources.loc["actors", "value"] == pytest.approx(((0 * 5 + 2 * 1) / 6 + 2) / 4 * 100)
    estimate = legitimacy.indicator(sources)
    measured = sources.iloc[:3]
    se = (measured["high"] - measured["low"]) / (2 * 1.959964)
    half = 1.959964 * np.sqrt((se**2).sum()) / 3
    assert estimate["value"] == pytest.approx(measured["value"].mean())
    assert estimate["high"] - estimate["value"] == pytest.approx(min(half, 100 - estimate["value"]), rel=1e-4)
    assert estimate["sources"] == 3 and estimate["small"]
    checks = legitimacy.judgement_checks(sources, estimate, translator("en"))
    # Only the culture score (25) falls outside the indicator's wide interval (two self-assessors).
    assert [check["source"] for check in checks] == ["9C balance: Culture"]
    assert legitimacy.indicator(sources[~sources["measured"]]) is None


def test_the_measured_indicator_covers_the_truth() -> None:
    """Over 300 simulated employee surveys (true culture mean 3.6 on 1-5, i.e. 65 on 0-100), the
    indicator's 95% interval covers the truth about 95% of the time."""
    rng = np.random.default_rng(11)
    empty = ecosystem.balance(pd.DataFrame({"dimension": ["clients"], "score": [3]}))
    covered = 0
    for _ in range(300):
        sources = legitimacy.sources(
            None, None, _employees(rng, 120, 3.6), empty, ecosystem_time.actors_frame([])
        )
        estimate = legitimacy.indicator(sources)
        covered += estimate["low"] <= 65.0 <= estimate["high"]
    assert 0.92 <= covered / 300 <= 0.98


def test_judgements_that_agree_with_the_data_raise_no_check() -> None:
    """A consultant's score inside the measured interval (as on data with no disagreement) is not
    flagged; one outside is."""
    measured = pd.DataFrame(
        {
            "value": [60.0, 62.0],
            "low": [55.0, 57.0],
            "high": [65.0, 67.0],
            "n": [100, 100],
            "measured": [True, True],
        },
        index=["customers", "employees"],
    )
    agreeing = pd.concat(
        [
            measured,
            pd.DataFrame(
                {"value": [61.0], "low": [np.nan], "high": [np.nan], "n": [1], "measured": [False]},
                index=["ninec.culture"],
            ),
        ]
    )
    assert legitimacy.judgement_checks(agreeing, legitimacy.indicator(agreeing), translator("es")) == []
    disagreeing = agreeing.assign(value=[60.0, 62.0, 25.0])
    assert (
        len(legitimacy.judgement_checks(disagreeing, legitimacy.indicator(disagreeing), translator("es")))
        == 1
    )


@pytest.mark.parametrize("slug", ["demo", "northwind"])
def test_the_demos_declare_time_and_actors(slug: str) -> None:
    client = load_client(Path("data/clients") / slug)
    table = ecosystem.balance(client.tables["ecosystem"])
    assert ecosystem_time.has_time(table) and table["score_target"].notna().all()
    actors = ecosystem_time.actors_frame(client.config.actors)
    assert len(actors) >= 7 and set(actors["dimension"]) <= set(NINE_C)


def test_a_misdeclared_actor_or_hypothesis_names_its_key(demo_copy: Path) -> None:
    from synthetic import edit_config

    from cxlib.core.exceptions import CxError

    def spoil(config: dict) -> None:
        config["actors"][0]["dimension"] = "Comunidd"
        config["hypotheses"][0]["driver"] = "Resolución"  # a group and a driver at once

    edit_config(demo_copy, spoil)
    with pytest.raises(CxError) as raised:
        load_client(demo_copy)
    message = str(raised.value)
    assert "actors.0.dimension" in message and "did you mean 'community'" in message
    assert "hypotheses.0" in message and "give either group" in message
