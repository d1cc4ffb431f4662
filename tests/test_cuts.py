"""Per-segment deliverables: a cut equals a run on hand-filtered tables, names itself on every page,
and a cut that names no field or value is refused with the fields or values there are."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import yaml

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.inputs.cuts import CutError, apply_cut, resolve_cut
from cxlib.run.runner import run


def test_cut_resolves_fields_and_values_case_and_accent_insensitively():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    cut = resolve_cut(client, "Segmento = pyme")  # the export's own column name, lower case
    assert (cut.column, cut.value, cut.slug) == ("segment", "PyME", "segment-pyme")
    filtered = apply_cut(client, cut)
    survey = filtered.tables["survey"]
    assert (survey["segment"] == "PyME").all() and 0 < len(survey) < len(client.tables["survey"])
    assert filtered.config.slug == "demo--segment-pyme" and filtered.config.name.endswith("Segmento = PyME")
    assert len(client.tables["survey"]) > len(survey)  # the whole client is untouched
    with pytest.raises(CutError, match="its values are Masivo, Preferente, PyME"):
        resolve_cut(client, "segment=Corporativo")
    with pytest.raises(CutError, match="write field=value with a field of .*channel.*segment"):
        resolve_cut(client, "region=Norte")


@pytest.mark.slow
def test_a_cut_equals_the_same_run_on_hand_filtered_tables(tmp_path):
    by_hand = tmp_path / "pyme-by-hand"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo", by_hand)
    survey = pd.read_csv(by_hand / "survey.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    survey[survey["Segmento"].str.lower() == "pyme"].to_csv(
        by_hand / "survey.csv", sep=";", encoding="cp1252", index=False
    )
    config = yaml.safe_load((by_hand / "client.yaml").read_text(encoding="utf-8"))
    config["slug"] = "pyme-by-hand"
    (by_hand / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "reports"
    assert run(["demo", str(by_hand)], out, jobs=2, step_names=["01"], cuts=["segment=PyME"]) == 0
    cut = json.loads((out / "demo--segment-pyme" / "01_diagnosis.results.json").read_text(encoding="utf-8"))
    hand = json.loads((out / "pyme-by-hand" / "01_diagnosis.results.json").read_text(encoding="utf-8"))
    assert cut == hand and cut["metrics"]["nps"]["n"] == len(survey[survey["Segmento"].str.lower() == "pyme"])
    page = (out / "demo--segment-pyme" / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "Banco Meridiano · Segmento = PyME" in page
    index = (out / "demo" / "index.html").read_text(encoding="utf-8")
    assert 'href="../demo--segment-pyme/index.html"' in index


@pytest.mark.slow
def test_standing_cuts_in_client_yaml_and_a_bad_cut_exits_2_leaving_the_rest(tmp_path, capsys):
    folder = tmp_path / "northwind"
    shutil.copytree(DEMO_CLIENTS_DIR / "northwind", folder)
    config = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    config["cuts"] = ["channel=Store"]
    (folder / "client.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "reports"
    assert run([str(folder)], out, step_names=["00"], cuts=["channel=Moon"]) == 2
    assert "--cut 'channel=Moon': channel has no value 'Moon'" in capsys.readouterr().err
    assert (out / "northwind" / "index.html").is_file() and (
        out / "northwind--channel-store" / "index.html"
    ).is_file()
