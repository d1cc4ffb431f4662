"""Strategic hypotheses (issue 34, item 5): planted effects found, known answers, shuffled data
supports nothing beyond the nominal share, and fields the data lack are not testable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy import stats as scipy_stats

from cxlib.core.i18n import translator
from cxlib.inputs.client import load_client
from cxlib.inputs.strategy import Hypothesis
from cxlib.stats.metrics import nps_difference
from cxlib.steps import hypotheses as hyp


def _survey(n: int = 400, seed: int = 0, linked: bool = True) -> pd.DataFrame:
    """Responses where resolution drives NPS strongly, time & effort weakly, and app users (half)
    score 1.5 points higher; ``linked=False`` shuffles the outcomes (every link destroyed)."""
    rng = np.random.default_rng(seed)
    resolution = rng.uniform(0, 100, n)
    time_effort = rng.uniform(0, 100, n)
    app = rng.random(n) < 0.5
    latent = 2 + 0.05 * resolution + 0.012 * time_effort + 1.5 * app + rng.normal(0, 1.2, n)
    frame = pd.DataFrame(
        {
            "resolution": resolution,
            "time_effort": time_effort,
            "channel": np.where(app, "App", "Sucursal"),
            "nps": np.clip(np.round(latent), 0, 10),
            "csat": np.clip(np.round(latent / 2), 1, 5),
        }
    )
    frame["satisfied"] = pd.array(frame["nps"] >= 7, dtype="boolean")
    if not linked:
        outcomes = ["nps", "csat", "satisfied"]
        frame[outcomes] = frame[outcomes].iloc[rng.permutation(n)].to_numpy()
        frame["satisfied"] = frame["satisfied"].astype("boolean")
    return frame


HYPOTHESES = [
    Hypothesis(
        statement="App users recommend more", group={"field": "channel", "equals": "app"}, outcome="nps"
    ),
    Hypothesis(statement="Resolution drives NPS", driver="Resolución", outcome="nps"),
    Hypothesis(
        statement="Resolution more than effort", driver="resolution", than="time_effort", outcome="nps"
    ),
    Hypothesis(
        statement="App users are more often satisfied",
        group={"field": "channel", "equals": "App", "versus": "Sucursal"},
        outcome="satisfied",
    ),
    Hypothesis(
        statement="App users rate CSAT higher", group={"field": "channel", "equals": "App"}, outcome="csat"
    ),
]


def test_planted_effects_are_supported_with_known_answers() -> None:
    data = _survey()
    results = hyp.evaluate_hypotheses(HYPOTHESES, data)
    assert results["verdict"].tolist() == ["supported"] * 5
    app, branch = data["channel"] == "App", data["channel"] == "Sucursal"
    assert results.at[0, "effect"] == pytest.approx(
        nps_difference(data.loc[app, "nps"], data.loc[branch, "nps"]).difference
    )
    assert results.at[1, "effect"] == pytest.approx(scipy_stats.spearmanr(data["resolution"], data["nps"])[0])
    assert results.at[4, "effect"] == pytest.approx(
        data.loc[app, "csat"].mean() - data.loc[branch, "csat"].mean()
    )
    raw = scipy_stats.ttest_ind(data.loc[app, "csat"], data.loc[branch, "csat"], equal_var=False).pvalue
    assert results.at[4, "p_adjusted"] == pytest.approx(min(raw * 5, 1))
    assert (results["low"] <= results["effect"]).all() and (results["effect"] <= results["high"]).all()
    assert results["n"].tolist() == [400] * 5


def test_the_opposite_expectation_is_contradicted() -> None:
    opposite = [h.model_copy(update={"expect": "lower"}) for h in HYPOTHESES[:2]]
    assert hyp.evaluate_hypotheses(opposite, _survey())["verdict"].tolist() == ["contradicted"] * 2


def test_the_weaker_driver_first_is_contradicted() -> None:
    swapped = Hypothesis(
        statement="Effort more than resolution", driver="time_effort", than="resolution", outcome="nps"
    )
    result = hyp.evaluate_hypotheses([swapped], _survey()).iloc[0]
    assert result["verdict"] == "contradicted" and result["high"] < 0


def test_where_restricts_the_responses() -> None:
    data = _survey()
    only_app = Hypothesis(statement="s", where={"channel": "App"}, driver="resolution", outcome="nps")
    assert hyp.evaluate_hypotheses([only_app], data).at[0, "n"] == (data["channel"] == "App").sum()


def test_shuffled_outcomes_support_nothing_beyond_the_nominal_share() -> None:
    """Bonferroni keeps the family-wise error at 5 %: over 200 shuffled surveys, the share with any
    hypothesis supported or contradicted stays near it (binomial upper bound at 200 runs)."""
    runs = 200
    any_found = sum(
        hyp.evaluate_hypotheses(HYPOTHESES, _survey(300, seed, linked=False))["verdict"]
        .isin(["supported", "contradicted"])
        .any()
        for seed in range(runs)
    )
    assert any_found / runs <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / runs)


def test_unmeasured_fields_and_tiny_groups_are_not_testable() -> None:
    data = _survey(60)
    declared = [
        Hypothesis(statement="Frequent buyers recommend more", driver="purchase_frequency", outcome="nps"),
        Hypothesis(statement="Kiosk users", group={"field": "channel", "equals": "Kiosk"}, outcome="nps"),
        Hypothesis(statement="Resolution", driver="resolution", outcome="nps"),
    ]
    results = hyp.evaluate_hypotheses(declared, data)
    assert results["verdict"].tolist()[:2] == ["not_testable"] * 2
    assert "purchase_frequency" in results.at[0, "reason"] and "0 and 60" in results.at[1, "reason"]
    # Only testable hypotheses count in the correction.
    assert results.at[2, "p_adjusted"] == pytest.approx(results.at[2, "p_value"])


def test_a_hypothesis_has_one_form() -> None:
    with pytest.raises(ValidationError, match="either group"):
        Hypothesis(statement="s", outcome="nps")
    with pytest.raises(ValidationError, match="than: compares two drivers"):
        Hypothesis(statement="s", outcome="nps", group={"field": "channel", "equals": "App"}, than="x")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_table_speaks_the_clients_language(language: str) -> None:
    results = hyp.evaluate_hypotheses(
        HYPOTHESES[:2] + [Hypothesis(statement="x", driver="nope", outcome="nps")], _survey()
    )
    table = hyp.hypotheses_table(results, translator(language))
    verdicts = table.iloc[:, -1].tolist()
    assert verdicts[0] == translator(language)("hypotheses.verdict.supported")
    assert verdicts[2] == translator(language)("hypotheses.verdict.not_testable")
    assert "nope" not in table.to_string()
    assert hyp.verdict_counts(results) == {
        "supported": 2,
        "contradicted": 0,
        "not_supported": 0,
        "not_testable": 1,
    }


@pytest.mark.parametrize(
    ("slug", "verdicts"),
    [
        ("demo", ["supported", "supported", "not_supported", "not_supported", "supported"]),
        ("northwind", ["supported", "contradicted", "not_supported", "not_supported"]),
    ],
)
def test_the_demos_hypotheses(slug: str, verdicts: list[str]) -> None:
    """The demos declare hypotheses by export column and pillar label, each on a field their survey
    measures (the bank's cross-sell question, not an unmeasured purchase frequency), and northwind's
    time & effort outweighs resolution (its planted weights)."""
    client = load_client(Path("data/clients") / slug)
    results = hyp.evaluate_hypotheses(client.config.hypotheses, hyp.hypothesis_data(client), client)
    assert results["verdict"].tolist() == verdicts


def test_the_index_lists_the_verdicts(tmp_path: Path) -> None:
    from cxlib.render import results as published
    from cxlib.render.summary import findings

    declared = HYPOTHESES[:2] + [Hypothesis(statement="Frequent buyers", driver="frequency", outcome="nps")]
    tested = hyp.evaluate_hypotheses(declared, _survey())
    published.publish(tmp_path, "03_journey", {"alarms": None, "hypotheses": hyp.published(tested)})
    found = [f for f in findings(tmp_path, translator("en")) if f.section == "summary.section.hypotheses"]
    # The untestable one carries no figure: the journey page lists it, the summary does not.
    assert [f.href for f in found] == ["03_journey.html#hypotheses"] * 2
    assert found[0].text.startswith("“App users recommend more”: Supported (NPS difference: ")
    assert found[0].text.endswith("points; n = 400).")
    assert all("[" in f.text and "n = " in f.text for f in found)
