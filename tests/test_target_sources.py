"""Targets say where they come from: declared in client.yaml or the internal best-quartile benchmark
(only with enough units), on the targets table and the summary's gaps; a target the current score
already reaches is a consultant check that says which kind of target it is and what to do."""

from __future__ import annotations

import pandas as pd

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.render.consistency import reconcile
from cxlib.render.results import publish
from cxlib.render.summary import findings
from cxlib.steps import diagnosis


def _targets(client):
    frame = diagnosis.customer_pillar_frame(client)
    return diagnosis.pillar_targets(client, frame, diagnosis.customer_pillar_scores(frame))


def test_the_targets_table_names_each_source_and_the_benchmark_units():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")  # no declared target for empathy
    targets = _targets(client)
    units = client.tables["survey"]["unit"].value_counts()
    assert targets.loc["empathy", "units"] == (units >= diagnosis.UNIT_MIN_RESPONSES).sum()
    assert targets.drop(index="empathy")["units"].isna().all()
    table = diagnosis.target_table(targets, translator("en")).set_index("Pillar")
    sources = table.iloc[:, list(table.columns).index("Target source")]
    assert (
        sources["Empathy"]
        == f"Internal benchmark: best quartile of {int(targets.loc['empathy', 'units'])} units"
    )
    assert sources["Integrity"] == "Target agreed with the client"


def test_no_internal_target_from_too_few_units():
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    survey = client.tables["survey"]
    kept = survey["unit"].value_counts().index[: diagnosis.MIN_BENCHMARK_UNITS - 1]
    client.tables["survey"] = survey.assign(unit=survey["unit"].where(survey["unit"].isin(kept)))
    targets = _targets(client)
    assert targets.loc["empathy", "source"] == "none" and pd.isna(targets.loc["empathy", "target"])


def _publish(folder, target: float, source: str, units: float | None) -> None:
    pillars = {
        "integrity": {
            "current": 50.0,
            "low": 49.0,
            "high": 51.0,
            "n": 900,
            "target": 80.0,
            "source": "client",
        },
        "empathy": {"current": 50.6, "low": 49.6, "high": 51.6, "n": 900, "target": target, "source": source},
    }
    pillars["empathy"]["units"] = units
    for row in pillars.values():
        row["gap"] = row["target"] - row["current"]
    publish(folder, "01_diagnosis", {"metrics": {}, "pillars": pillars})


def test_the_summary_gaps_say_where_each_target_comes_from(tmp_path):
    _publish(tmp_path, 60.0, "internal", 6)
    gaps = [
        item.text for item in findings(tmp_path, translator("en")) if item.section == "summary.section.gaps"
    ]
    assert gaps == [
        "Integrity: 30.0 points below target (50.0 [49.0; 51.0] against 80; n = 900). "
        "Target agreed with the client.",
        "Empathy: 9.4 points below target (50.6 [49.6; 51.6] against 60; n = 900). "
        "Internal benchmark: best quartile of 6 units.",
    ]
    spanish = [item.text for item in findings(tmp_path, translator("es", "es_MX"))]
    assert any(text.endswith("Referencia interna: cuartil superior de 6 unidades.") for text in spanish)


def test_an_internal_target_within_the_interval_is_a_check_that_asks_for_a_declared_one(tmp_path):
    _publish(tmp_path, 51.0, "internal", 4)  # issue 33: four hotels set Integrity at 51 against 50.6
    checks = [item for item in reconcile(tmp_path, translator("en")) if item.rule == "target_already_reached"]
    assert len(checks) == 1 and checks[0].check
    assert checks[0].text == (
        "The target for Empathy (51) lies within the interval of its current score, 50.6 [49.6; 51.6] "
        "(n = 900): the gap cannot be told apart from zero. Internal benchmark: best quartile of 4 units, "
        "not a declared target: declare this pillar's target in client.yaml (pillar_targets)."
    )
    assert all(item.text != checks[0].text for item in findings(tmp_path, translator("en")))
    _publish(tmp_path, 45.0, "client", None)
    checks = [item for item in reconcile(tmp_path, translator("es", "es_MX")) if item.check]
    assert checks[0].text.endswith(
        "Meta acordada con el cliente: confírmela o elévela en client.yaml (pillar_targets)."
    )
