"""A network's hierarchy (units.csv ``parent``: branch → region → country): roll-ups with known
answers, the league table at every level, and a circle of parents named with its fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cxlib.core.i18n import translator
from cxlib.inputs.client import load_client
from cxlib.steps import units


def _network(folder: Path, seed: int = 3, weak_region: str = "Region 04") -> Path:
    """60 branches of 60-120 responses in 12 regions (5 each) in 3 countries; every branch of
    ``weak_region`` has customers 2 points lower on the 0-10 recommendation."""
    rng = np.random.default_rng(seed)
    branches = [f"Branch {k:02d}" for k in range(1, 61)]
    regions = [f"Region {k // 5 + 1:02d}" for k in range(60)]
    countries = {f"Region {k:02d}": f"Country {(k - 1) // 4 + 1}" for k in range(1, 13)}
    counts = rng.integers(60, 121, 60)
    branch = np.repeat(np.arange(60), counts)
    shift = np.where(np.array(regions) == weak_region, -2.0, 0.0)[branch]
    mood = shift + rng.normal(0, 2.0, len(branch))
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "id": np.arange(len(branch)),
            "branch": np.array(branches)[branch],
            "ltr": np.clip(np.rint(7.5 + mood), 0, 10).astype(int),
            "sat": np.clip(np.rint(3.8 + 0.45 * mood), 1, 5).astype(int),
        }
    ).to_csv(folder / "survey.csv", index=False)
    rows = [{"unit": b, "parent": r} for b, r in zip(branches, regions, strict=True)]
    rows += [{"unit": region, "parent": country} for region, country in countries.items()]
    pd.DataFrame(rows).to_csv(folder / "units.csv", index=False)
    config = {
        "name": "Network",
        "slug": "network",
        "language": "es",
        "industry": "Banca",
        "currency": "EUR",
        "survey": {
            "fields": {
                "response_id": "id",
                "unit": "branch",
                "nps": {"column": "ltr", "scale": "0-10"},
                "csat": {"column": "sat", "scale": "1-5"},
            }
        },
    }
    (folder / "client.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    return load_client(_network(tmp_path_factory.mktemp("hierarchy") / "network"))


def test_levels_follow_the_parents(network):
    levels = units.hierarchy(network)
    assert len(levels) == 2
    assert levels[0]["Branch 07"] == "Region 02" and levels[1]["Branch 07"] == "Country 1"
    assert levels[1]["Branch 60"] == "Country 3" and levels[1].nunique() == 3


def test_a_region_rolls_up_its_branches_responses(network):
    survey = network.tables["survey"]
    region = survey["unit"].isin([f"Branch {k:02d}" for k in range(16, 21)])  # Region 04
    scores = survey.loc[region, "nps"]
    expected = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    table = units.league_tables(network, level=1)["nps"]
    assert table.loc["Region 04", "value"] == pytest.approx(expected)
    assert table.loc["Region 04", "n"] == region.sum()
    assert table.loc["Region 04", "low"] < expected < table.loc["Region 04", "high"]
    assert table["n"].sum() == len(survey)  # every response counted once at every level


def test_the_league_works_at_every_level(network):
    branch, region = units.league_tables(network)["nps"], units.league_tables(network, level=1)["nps"]
    assert len(branch) == 60 and len(region) == 12
    assert set(region.index[region["side"] == "weak"]) == {"Region 04"}
    assert region.loc["Region 04", "rank_low"] >= 11  # last, and its interval says so
    assert units.league_tables(network, level=2) == {}  # 3 countries: too few for a league
    shown = units.level_table(network, 2, translator("es"))
    assert shown.iloc[:, 0].tolist() == ["Country 1", "Country 2", "Country 3"]
    country_n = int(network.tables["survey"]["unit"].isin([f"Branch {k:02d}" for k in range(1, 21)]).sum())
    assert shown.iloc[0, 1].endswith(f"(n = {translator('es').number(country_n)})")
    assert units.level_facts(network, 1, translator("en")) == {"depth": "2", "count": "12"}


def test_shuffled_branches_find_no_weak_region(network):
    survey = network.tables["survey"]
    original = survey["unit"].copy()
    flagged = total = 0
    try:
        for seed in range(20):
            survey["unit"] = original.sample(frac=1, random_state=seed).to_numpy()
            for table in units.league_tables(network, level=1, seed=seed).values():
                flagged += int((table["side"] != "").sum())
                total += len(table)
    finally:
        survey["unit"] = original
    assert flagged / total <= 0.002 + 2 * np.sqrt(0.002 * 0.998 / total)


def test_a_circle_of_parents_is_named_with_its_fix(tmp_path):
    folder = _network(tmp_path / "network")
    table = pd.read_csv(folder / "units.csv")
    table.loc[table["unit"] == "Region 01", "parent"] = "Branch 01"
    table.to_csv(folder / "units.csv", index=False)
    client = load_client(folder)
    with pytest.raises(units.HierarchyError, match=r"units.csv:\d+: parent: .*circle"):
        units.hierarchy(client)


def test_without_parents_there_are_no_levels(tmp_path):
    folder = _network(tmp_path / "network")
    pd.read_csv(folder / "units.csv").drop(columns="parent").to_csv(folder / "units.csv", index=False)
    assert units.hierarchy(load_client(folder)) == []
