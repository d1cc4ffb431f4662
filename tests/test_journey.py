"""Journey map cells, moments of truth on the demo clients, and the Excel export."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cxlib.core.i18n import translator
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.client import load_client
from cxlib.stats.monitoring import monitor
from cxlib.steps import journey


def small_journey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage": ["Buy", "Buy", "Use"],
            "stage_order": [1, 1, 2],
            "touchpoint_id": ["T1", "T2", "T3"],
            "touchpoint": ["Web checkout", "Store", "App"],
            "channel": ["Web", "Store", "App"],
            "pain_point": ["Slow", None, "Crashes"],
            "pain_severity": [2.0, None, 5.0],
            "moment_of_truth": pd.array([False, True, False], dtype="boolean"),
            "owner": ["Digital", "Retail", "Digital"],
        }
    )


def test_map_cells_by_lane_and_stage():
    short, full, code = journey.map_cells(small_journey(), translator("en"))
    assert list(short.columns) == ["Buy", "Use"]
    assert short.at["touchpoint", "Buy"] == "Web checkout (Web)<br>Store (Store)"
    assert short.at["pain_point", "Use"] == "Crashes [5]"
    assert (
        code.at["pain_point", "Buy"] == journey.PAIN_LANE_CODE + 2
        and code.at["pain_point", "Use"] == journey.PAIN_LANE_CODE + 5
    )
    assert (
        code.at["moment_of_truth", "Buy"] == journey.TRUTH_LANE_CODE
        and code.at["moment_of_truth", "Use"] == 0
    )
    assert short.at["owner", "Use"] == "Digital"


def test_map_takes_the_page_width_and_wraps_whole_items():
    """No fixed width (the page's, on any screen; test_browser checks one printed page); cell text is
    wrapped, never cut with "…", so each pain point keeps its severity; a stage without a pain
    point is not shaded."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    t = translator("es", "es_MX")
    figure = journey.journey_map(client, t)
    assert figure.layout.width is None and figure.layout.height > 0
    assert figure.layout.title.text == "Recorrido del cliente de Banco Meridiano"
    short, _, code = journey.map_cells(client.tables["journey"], t)
    assert not any("…" in text for text in short.to_numpy().ravel())
    for text in short.loc["pain_point"]:
        joined = text.replace("<br>", " ")
        assert joined.count("[") == joined.count("]"), joined
        assert len(text.split("<br>")) <= journey.CELL_LINES
    empty = short.loc["pain_point"] == ""
    assert empty.any() and (code.loc["pain_point", empty] == 0).all()


def test_planted_moments_of_truth_are_found():
    for slug, planted in (
        ("demo", {"Soporte", "Resolución de problemas"}),
        ("northwind", {"Set up", "Get help"}),
    ):
        weights = journey.stage_drivers(load_client(DEMO_CLIENTS_DIR / slug))
        assert set(journey.moments_of_truth(weights)) == planted
        others = weights.drop(index=list(planted))
        assert weights.loc[list(planted), "low"].min() > others["high"].max()


def test_stage_r2_is_the_within_stage_squared_correlation_and_says_so():
    """Known answer: each stage's r² is the squared correlation of CSAT and NPS among that stage's
    responses only (n per stage), not a share of all customers' NPS variance; the copy says so
    (northwind's set-up stage shares 73 % while the pillar model explains 41 % over everyone)."""
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    weights = journey.stage_drivers(client)
    survey = journey._survey_with_stage(client).dropna(subset=["nps", "csat", "stage"])
    for stage, group in survey.groupby("stage"):
        if stage in weights.index:
            assert weights.at[stage, "r2"] == pytest.approx(group["nps"].corr(group["csat"]) ** 2)
            assert weights.at[stage, "n"] == len(group)
    assert weights["share"].sum() == pytest.approx(1.0)
    for language, among in (("es", "entre quienes pasaron por cada etapa"), ("en", "among those who went")):
        t = translator(language)
        assert among in t("journey.moments_title", n="4,000")
        assert t("journey.moments_title", n="1") != t("journey.importance_share")


def test_investment_is_split_over_touchpoints():
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    investment = journey.investment_by_stage(client)
    assert investment.sum() == 1.0 or abs(investment.sum() - 1) < 1e-9
    assert "Descubrimiento" not in investment.index  # no initiative touches discovery


def test_excel_export(tmp_path):
    client = load_client(DEMO_CLIENTS_DIR / "northwind")
    t = translator("en", "en_GB")
    run = monitor(client.tables["interactions"], client.config.touchpoint_promises)
    path = journey.export_workbook(tmp_path / "map.xlsx", client, t, journey.scorecard(client, run), run)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Map", "Scorecard", "Alerts", "Journey"]
    assert workbook["Map"]["A2"].value == "Customer actions"
    assert any(
        "Your new phone set up in store" in str(cell.value)
        for row in workbook["Alerts"].iter_rows()
        for cell in row
    )
    assert not list(tmp_path.glob(".*tmp*"))


def test_the_journey_workbook_never_stores_a_formula(tmp_path):
    """Client text that a spreadsheet would run (OWASP CSV injection) is stored as text."""
    client = load_client(DEMO_CLIENTS_DIR / "demo")
    journey_table = client.tables["journey"].copy()
    first = journey_table.index[0]
    journey_table.loc[first, "touchpoint"] = '=HYPERLINK("http://x","y")'
    journey_table.loc[first, "owner"] = "=cmd|' /C calc'!A0"
    journey_table.loc[first, "pain_point"] = "+1+1"
    journey_table["stage"] = journey_table["stage"].replace(journey_table.loc[first, "stage"], "@SUM(1)")
    client.tables["journey"] = journey_table
    path = journey.export_workbook(tmp_path / "map.xlsx", client, translator("es", "es_MX"))
    workbook = openpyxl.load_workbook(path)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'=cmd|' /C calc'!A0" in texts and "'@SUM(1)" in texts
