"""Cut report folders (issue 26): distinct cuts never share a folder, whatever their script; one cut
named in several ways runs once; and a run is never refused as concurrent with itself."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest
import yaml

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import Client, load_client
from cxlib.inputs.cuts import CutError, resolve_cut
from cxlib.inputs.scaffold import scaffold_client
from cxlib.run.runner import _cut_variants, run


@pytest.fixture(scope="module")
def demo() -> Client:
    return load_client(DEMO_CLIENTS_DIR / "demo")


def _with_segments(client: Client, values: list[str]) -> Client:
    """``client`` whose survey's segment column cycles through ``values``."""
    survey = client.tables["survey"].copy()
    survey["segment"] = [values[row % len(values)] for row in range(len(survey))]
    changed = copy.copy(client)
    changed.tables = {**client.tables, "survey": survey.astype({"segment": "string"})}
    return changed


def test_unicode_values_get_distinct_readable_folders_and_their_own_rows(demo):
    client = _with_segments(demo, ["日本", "中国", "Región Norte", "한국"])
    cuts = [resolve_cut(client, f"segment={value}") for value in ("日本", "中国", "región norte")]
    assert [cut.value for cut in cuts] == ["日本", "中国", "Región Norte"]
    assert [cut.slug for cut in cuts] == ["segment-日本", "segment-中国", "segment-region-norte"]
    assert resolve_cut(client, "segment=한국").slug == "segment-한국"


def test_values_one_folder_name_would_confuse_get_a_hash_of_their_exact_value(demo):
    values = ["Pyme", "PyME", "が", "か", "!!!"]
    client = _with_segments(demo, values)
    slugs = {value: resolve_cut(client, f"segment={value}").slug for value in values}
    assert len(set(slugs.values())) == 5  # exact spelling first: each value is its own cut
    assert slugs["Pyme"].startswith("segment-pyme_") and slugs["が"].startswith("segment-か_")
    assert slugs["!!!"].startswith("segment_")
    assert all(len(slug.split("_")[-1]) == 8 for slug in slugs.values())
    with pytest.raises(CutError, match="names several values \\(PyME, Pyme\\)"):
        resolve_cut(client, "segment=PYME")


def test_one_cut_named_in_several_ways_runs_once(demo, capsys):
    named = ["segment=PyME", "Segmento=pyme", "segment=PYME", "segment=PyME"]
    variants, problems = _cut_variants(demo, named)
    assert problems == [] and [text for _, text in variants] == ["", "segment=PyME"]
    assert capsys.readouterr().err.count("it runs once, into demo--segment-pyme") == 2


def _unicode_client(folder: Path) -> Path:
    """A scaffolded client whose survey answers come from the segments 日本, 中国 and Prepaid."""
    scaffold_client(folder, "en")
    header, row = (folder / "survey.csv").read_text(encoding="utf-8").splitlines()[:2]
    rows = [
        row.replace("R0001", f"R{number:04d}").replace("Mass market", segment)
        for number, segment in enumerate(["日本", "中国", "日本", "中国", "Prepaid"], 1)
    ]
    (folder / "survey.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    config = (folder / "client.yaml").read_text(encoding="utf-8")
    config = config.replace("segments: [Mass market, Premium]", "segments: [日本, 中国, Prepaid]")
    (folder / "client.yaml").write_text(config, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_unicode_cuts_each_get_their_report_and_duplicates_merge(tmp_path, capsys):
    client = _unicode_client(tmp_path / "acme")
    out = tmp_path / "out"
    cuts = ["segment=日本", "segment=中国", "segment=PREPAID", "segment=Prepaid"]
    assert run([str(client)], out, step_names=["00"], cuts=cuts) == 0
    errors = capsys.readouterr().err
    assert "in progress" not in errors and "'segment=Prepaid' is the cut 'segment=PREPAID'" in errors
    reports = sorted(path.name for path in out.iterdir() if (path / "index.html").is_file())
    assert reports == ["acme", "acme--segment-prepaid", "acme--segment-中国", "acme--segment-日本"]
    for value in ("日本", "中国"):  # each report is of the value it was asked for
        index = (out / f"acme--segment-{value}" / "index.html").read_text(encoding="utf-8")
        assert f"segment = {value}" in index


@pytest.mark.slow
def test_a_run_never_finds_its_own_lock(scaffolded, tmp_path, capsys):
    twin = tmp_path / "twin"  # a client whose slug is the folder of acme's cut
    shutil.copytree(scaffolded, twin)
    config = yaml.safe_load((twin / "client.yaml").read_text(encoding="utf-8"))
    config["slug"] = "acme--segment-mass-market"
    (twin / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(scaffolded), str(twin)], out, step_names=["00"], cuts=["segment=Mass market"]) == 2
    errors = capsys.readouterr().err
    assert f"pid {os.getpid()}" not in errors
    assert "cxwb: acme--segment-mass-market: not run; another client or cut of this run" in errors
    assert (out / "acme--segment-mass-market" / "index.html").is_file() and not list(out.glob(".lock-*"))
