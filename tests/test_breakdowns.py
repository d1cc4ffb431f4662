"""``breakdowns:`` in client.yaml: the diagnosis draws exactly the configured metric × field charts,
a bad entry is a located error with a did-you-mean, and without the key the default is unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import check_client, load_client
from cxlib.run.runner import run
from cxlib.steps import diagnosis


def with_breakdowns(folder: Path, entries: str) -> Path:
    """``folder``'s client.yaml with ``breakdowns: <entries>`` added."""
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("industry:", f"breakdowns: {entries}\nindustry:", 1), encoding="utf-8")
    return folder


def test_configured_breakdowns_are_exactly_the_charts_drawn(demo_copy, tmp_path):
    with_breakdowns(demo_copy, "[{metric: nps, by: unit}, {metric: csat, by: quarter}]")
    client = load_client(demo_copy)
    assert diagnosis.available_breakdowns(client) == [("nps", "unit"), ("csat", "quarter")]
    quarters = diagnosis.breakdown(client, "csat", "quarter")
    assert quarters["n"].sum() == client.tables["survey"]["csat"].notna().sum()
    assert run([str(demo_copy)], tmp_path / "out", step_names=["01"]) == 0
    page = (tmp_path / "out" / "demo" / "01_diagnosis.html").read_text(encoding="utf-8")
    titles = set(re.findall(r"(?:NPS|CSAT|CES|Satisf[^\"<]*?) [^\"<]{0,40}por [^\"<]{0,30}\(IC 95 %\)", page))
    assert titles == {
        "NPS por unidad (IC 95 %)",
        "CSAT (% en las dos notas superiores) por trimestre (IC 95 %)",
    }


def test_a_field_is_named_by_its_export_column_in_any_case(demo_copy):
    with_breakdowns(demo_copy, "[{metric: NPS, by: sucursal}, {metric: ces, by: Punto de contacto}]")
    client = load_client(demo_copy)
    assert diagnosis.available_breakdowns(client) == [("nps", "unit"), ("ces", "touchpoint_id")]
    chart = diagnosis.breakdown_chart(
        diagnosis.breakdown(client, "nps", "unit"), "nps", "unit", client.translator()
    )
    assert chart.layout.title.text == "NPS por unidad (IC 95 %)"


def test_an_empty_list_draws_no_breakdown(demo_copy):
    assert diagnosis.available_breakdowns(load_client(with_breakdowns(demo_copy, "[]"))) == []


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            "[{metric: npss, by: unit}]",
            "client.yaml: breakdowns.0.metric: metric 'npss' is not an outcome (did you mean 'nps'?); "
            "use one of nps, csat, ces, satisfied",
        ),
        (
            "[{metric: nps, by: unit}, {metric: csat, by: Sucursl}]",
            "client.yaml: breakdowns.1.by: 'Sucursl' is not a field this survey can be broken down by "
            "(did you mean 'Sucursal'?); use one of Segmento, Canal, Sucursal, Etapa, Punto de contacto, "
            "month, quarter",
        ),
        (
            "[{metric: nps, by: quartr}]",
            "client.yaml: breakdowns.0.by: 'quartr' is not a field this survey can be broken down by "
            "(did you mean 'quarter'?)",
        ),
        (
            "[{metric: nps, by: comment}]",
            "client.yaml: breakdowns.0.by: 'comment' is not a field this survey can be broken down by; "
            "use one of",
        ),
        ("[{metric: nps}]", "client.yaml: breakdowns.0.by: Field required; add this key"),
    ],
)
def test_a_bad_breakdown_is_a_located_error(demo_copy, entries, expected):
    _, problems = check_client(with_breakdowns(demo_copy, entries))
    assert any(str(problem).startswith(expected) for problem in problems), problems


def test_an_outcome_the_survey_lacks_is_named_with_those_it_has(demo_copy):
    path = demo_copy / "client.yaml"
    ces = "    ces:\n      column: P3 Esfuerzo para resolver (1-7)\n      scale: 1-7\n"
    path.write_text(path.read_text(encoding="utf-8").replace(ces, "", 1), encoding="utf-8")
    _, problems = check_client(with_breakdowns(demo_copy, "[{metric: ces, by: channel}]"))
    located = [str(problem) for problem in problems if problem.column == "breakdowns.0.metric"]
    assert (
        located and "'ces' is not in this survey" in located[0] and "map it under survey.fields" in located[0]
    )


@pytest.mark.parametrize("name", ["demo", "northwind"])
def test_the_default_is_unchanged(name):
    client = load_client(DEMO_CLIENTS_DIR / name)
    assert client.config.breakdowns is None
    assert diagnosis.available_breakdowns(client) == [
        ("nps", "segment"),
        ("nps", "channel"),
        ("csat", "segment"),
        ("ces", "channel"),
        ("satisfied", "segment"),
    ]
