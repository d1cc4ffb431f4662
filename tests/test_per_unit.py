"""Per-unit deliverables (``cxwb run --per-unit``): one page per unit from the network's tables, the
planted weak units said to be weak, themes against the network, privacy, and the same pages
whichever way they are spread over workers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import page_scan
import pandas as pd
import pytest
from synthetic import edit_config, unit_network

from cxlib.run.per_unit import PerUnitError, unit_file, write_unit_pages


def _network(folder: Path) -> tuple[Path, list[str]]:
    """40 branches of 40-80 responses, 3 planted weak ones; a comment on most responses, the weak
    branches' customers complaining of queues far more often; Branch 040 has 4 comments only."""
    folder, planted = unit_network(folder, units=40, weak=3, sizes=(40, 80), seed=8)
    survey = pd.read_csv(folder / "survey.csv")
    rng = np.random.default_rng(2)
    queue = rng.random(len(survey)) < np.where(survey["branch"].isin(planted), 0.7, 0.1)
    survey["comment"] = np.where(queue, "I waited in a long queue", "Friendly staff, fair fees")
    last = survey.index[survey["branch"] == "Branch 040"]
    survey.loc[last[4:], "comment"] = ""
    survey.to_csv(folder / "survey.csv", index=False)

    def edit(config: dict) -> None:
        config["survey"]["fields"]["comment"] = "comment"
        config["comments"] = {"keywords": {"Queues": ["queue"], "Fees": ["fees"]}}

    edit_config(folder, edit)
    return folder, planted


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("per-unit")
    folder, planted = _network(root / "network")
    count, _, index = write_unit_pages(str(folder), root / "out", jobs=1)
    return count, index, planted, folder, root


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", page, flags=re.S)))


def test_one_page_per_unit_with_an_index(pages):
    count, index, _, _, _ = pages
    files = sorted(path.name for path in index.parent.glob("*.html"))
    assert count == 40 and len(files) == 41
    links = re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8"))
    assert sorted(link for link in links if link != "../index.html") == [
        f for f in files if f != "index.html"
    ]
    assert "40 units" in _text(index)


def test_planted_weak_units_are_said_to_be_weak_with_their_rank_interval(pages):
    _, index, planted, _, _ = pages
    for unit in planted:
        text = _text(index.parent / unit_file(unit, set()))
        assert "Below the network, beyond what chance explains, on: NPS" in text
        ranks = re.findall(r"(\d+) \((\d+)–(\d+)\) of 40", text)
        assert ranks and all(int(low) <= int(rank) <= int(high) for rank, low, high in ranks)
        assert int(ranks[0][0]) >= 36  # among the last, as planted
        queues = re.search(r"Queues (\d+)% \[(\d+)%; (\d+)%\] (\d+)%", text)
        assert queues and int(queues.group(2)) > int(queues.group(4))  # above the network's share


def test_a_unit_with_few_comments_shows_no_themes(pages):
    _, index, _, _, _ = pages
    text = _text(index.parent / "branch-040.html")
    assert "fewer than 5 comments" in text and "Queues" not in text


def test_pages_pass_the_page_scanner(pages):
    _, index, planted, _, _ = pages
    for path in (index, index.parent / unit_file(planted[0], set()), index.parent / "branch-040.html"):
        assert page_scan.scan(path.read_text(encoding="utf-8"), "en") == [], path.name


def test_two_workers_write_the_same_pages(pages):
    _, index, _, folder, root = pages
    count, _, other = write_unit_pages(str(folder), root / "out2", jobs=2)
    assert count == 40
    for path in index.parent.glob("*.html"):
        assert (other.parent / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.slow
def test_a_local_dask_cluster_writes_the_same_pages(pages):
    _, index, _, folder, root = pages
    count, _, other = write_unit_pages(str(folder), root / "out3", jobs=2, scheduler="local")
    assert count == 40
    assert all((other.parent / p.name).read_bytes() == p.read_bytes() for p in index.parent.glob("*.html"))


def test_a_survey_without_units_is_refused_with_the_fix(tmp_path):
    folder, _ = unit_network(tmp_path / "network", units=8, weak=1, sizes=(10, 12))
    edit_config(folder, lambda config: config["survey"]["fields"].pop("unit"))
    with pytest.raises(PerUnitError, match=r"survey.fields.unit"):
        write_unit_pages(str(folder), tmp_path / "out")


def test_unit_file_names_are_plain_and_unique():
    taken: set[str] = set()
    assert unit_file("Sucursal León", taken) == "sucursal-leon.html"
    assert unit_file("Sucursal  Leon!", taken) == "sucursal-leon-2.html"
    assert unit_file("北京", taken) == "unit.html"
