"""The action plan's what-if panel, driven in-process: widgets set, the forecast read back."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_action_plan import CONFIG, DIAGNOSIS, initiatives

from cxlib import explore
from cxlib.core.i18n import translator
from cxlib.core.paths import interactive_report_dir
from cxlib.inputs.client import Client
from cxlib.render.report import Report
from cxlib.steps import action_plan

START = pd.Timestamp("2026-01-01")


def _panel(tmp_path: Path, months: float = 0.0) -> tuple[explore.WhatIf, pd.DataFrame]:
    """The panel on three initiatives: A closes the 20-point resolution gap (slope 1 [0.8; 1.2]) for
    everyone, B touches a pillar already at target, C touches none."""
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives().assign(months_to_effect=months)})
    evaluation = action_plan.evaluate(client, DIAGNOSIS, None, None)
    report = Report(client=client, t=translator("en"), report_dir=tmp_path)
    return explore.WhatIf(report, evaluation, DIAGNOSIS, START), evaluation


def test_the_panel_as_configured_is_the_report(tmp_path):
    panel, evaluation = _panel(tmp_path, months=12.0)
    plan = action_plan.schedule(evaluation, START)
    assert panel.waves == action_plan.wave_predictions(plan, DIAGNOSIS, "nps")
    assert panel.sensitivity.equals(action_plan.sensitivity(plan, DIAGNOSIS, "nps"))
    assert panel.points == pytest.approx([10.0, 4.0, 18.0])  # A alone: 20 × 50% × 1 [25% × 0.8; 75% × 1.2]
    assert (
        "2 initiatives in the plan" in panel.status.value  # C, without an experience case, is not scheduled
        and "10.0 [4.0; 18.0] NPS points" in panel.status.value
    )


def test_halving_reach_halves_the_points_at_full_effect(tmp_path):
    panel, _ = _panel(tmp_path)
    panel.controls["A"].reach.value = 0.5
    assert panel.evaluation.at["A", "reach_declared"] == 0.5  # moved: the consultant's assumption now
    assert panel.evaluation.at["A", "impact"] == pytest.approx(5.0) and panel.points[0] == pytest.approx(5.0)
    assert (
        panel.evaluation.at["B", "reach_declared"] != panel.evaluation.at["B", "reach_declared"]
    )  # untouched


def test_time_to_effect_zero_gives_the_full_effect_at_the_wave_end(tmp_path):
    panel, _ = _panel(tmp_path, months=12.0)
    assert panel.waves["1"][0] == pytest.approx(10.0)  # A goes live at the end of wave 1: nothing yet
    panel.controls["A"].months_to_effect.value = 0.0
    assert panel.waves["1"][0] == pytest.approx(DIAGNOSIS["metrics"]["nps"]["value"] + 10.0)
    assert panel.waves["1"] == pytest.approx(panel.waves["full"])


def test_closure_and_budget(tmp_path):
    panel, _ = _panel(tmp_path)
    panel.closure.value = 0.25  # half the central closure: half the points, the scenarios follow
    assert panel.points == pytest.approx([5.0, 20 * 0.125 * 0.8, 20 * 0.375 * 1.2])
    panel.budget.value = 120.0  # A (100) fits; B and C, behind it by points per cost, do not
    assert list(panel.plan.index) == ["A"] and panel.over_budget == ["Empathy training", "New CRM"]
    assert "Beyond the budget" in panel.status.value


def test_deselecting_every_initiative_leaves_no_points(tmp_path):
    panel, _ = _panel(tmp_path)
    for controls in panel.controls.values():
        controls.include.value = False
    assert panel.plan.empty and panel.waves == {} and panel.sensitivity.empty
    assert list(panel.points) == [0.0, 0.0, 0.0] and panel.money.empty
    assert np.isclose(panel.evaluation.at["A", "impact"], 10.0)  # the initiative itself is unchanged


def test_the_panel_shows_only_when_run_by_hand(tmp_path):
    _, evaluation = _panel(tmp_path)
    client = Client(Path("."), CONFIG, tables={"initiatives": initiatives()})
    built = Report(client=client, t=translator("en"), report_dir=tmp_path)  # cxwb run's build folder
    assert explore.what_if(built, evaluation, DIAGNOSIS, START) is None
    by_hand = Report(client=client, t=translator("en"), report_dir=interactive_report_dir(CONFIG.slug))
    assert isinstance(explore.what_if(by_hand, evaluation, DIAGNOSIS, START), explore.WhatIf)


KERNEL_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
import pandas as pd
from test_explore import _panel
import copy
from pathlib import Path
panel, _ = _panel(Path({folder!r}))
seen = {{"configured": panel.points.tolist()}}
panel.controls["A"].reach.value = 0.5
seen["half_reach"] = panel.points.tolist()
for controls in panel.controls.values():
    controls.include.value = False
seen["none"] = list(panel.points)
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_the_panel_is_driven_in_a_notebook_kernel(tmp_path):
    """The workbook's own kernel (as JupyterLab runs it) builds the panel, its widgets are set there,
    and the forecast read back follows the formula."""
    import json

    from jupyter_client.manager import start_new_kernel

    from cxlib.run.execute import KERNEL_NAME

    manager, client = start_new_kernel(kernel_name=KERNEL_NAME)
    output: list[str] = []
    try:
        code = KERNEL_SCRIPT.format(tests=str(Path(__file__).parent), folder=str(tmp_path))
        reply = client.execute_interactive(
            code,
            timeout=120,
            output_hook=lambda message: (
                output.append(message["content"].get("text", "")) if message["msg_type"] == "stream" else None
            ),
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    seen = json.loads("".join(output))
    assert seen["configured"] == pytest.approx([10.0, 4.0, 18.0])
    assert seen["half_reach"] == pytest.approx([5.0, 2.0, 9.0])
    assert seen["none"] == [0.0, 0.0, 0.0]


# --- Issue 32: the filter bar, drill-down, driver explorer and saved views on the demo client ---


@pytest.fixture(scope="module")
def demo():
    """The Spanish demo client, loaded once for these tests."""
    from cxlib.core.paths import DEMO_CLIENTS_DIR
    from cxlib.inputs.client import load_client

    return load_client(DEMO_CLIENTS_DIR / "demo")


def _report(client, tmp_path: Path) -> Report:
    return Report(client=client, t=client.translator(), report_dir=tmp_path, interactive=True)


def _points(figure) -> list:
    """A chart's first trace: its (x, y) points."""
    return list(zip(figure.data[0].x, figure.data[0].y, strict=True))


def _numbers(shown: list[explore.Shown]) -> dict[str, object]:
    """Every figure's first trace's values and every table's cells, by slot."""
    return {
        item.key: _points(item.figure)
        if item.figure is not None
        else (item.table.to_dict("list") if item.table is not None else item.caution)
        for item in shown
    }


def _cut_figures(client, text: str, step: str) -> list[explore.Shown]:
    """The step's figures on the client as ``cxwb run --cut`` cuts it."""
    from cxlib.inputs.cuts import apply_cut, resolve_cut

    cut = apply_cut(client, resolve_cut(client, text))
    return explore.STEP_FIGURES[step](cut, client.translator())


@pytest.mark.parametrize("step", ["01_diagnosis", "03_journey", "04_human_value_chain"])
def test_a_filter_redraws_the_step_as_its_cut(demo, tmp_path, step):
    panel = explore.Explorer(_report(demo, tmp_path), step)
    before = _numbers(panel.shown)
    charts = {key: slot.figure for key, slot in panel.slots.items() if slot.figure.data}
    drawn_before = {key: _points(figure) for key, figure in charts.items()}
    panel.bar.choices["segment"].value = ("PyME",)
    assert panel.view.cut_text() == "segment=PyME"
    assert _numbers(panel.shown) == _numbers(_cut_figures(demo, "segment=PyME", step))
    assert _numbers(panel.shown) != before
    redrawn = {key: _points(charts[key]) for key in charts if charts[key].data}
    assert redrawn != drawn_before  # the same FigureWidgets, their data replaced in place
    assert {key: redrawn[key] for key in redrawn if key in _numbers(panel.shown)} == {
        key: value for key, value in _numbers(panel.shown).items() if key in redrawn
    }


def test_two_filters_side_by_side_compare_groups(demo, tmp_path):
    box = explore.compare(_report(demo, tmp_path), "01_diagnosis")
    left, right = box.explorers
    left.bar.choices["segment"].value = ("PyME",)
    right.bar.choices["segment"].value = ("Masivo",)
    assert _numbers(left.shown) == _numbers(_cut_figures(demo, "segment=PyME", "01_diagnosis"))
    assert _numbers(right.shown) == _numbers(_cut_figures(demo, "segment=Masivo", "01_diagnosis"))


def test_a_date_range_keeps_the_responses_of_those_days(demo, tmp_path):
    panel = explore.Explorer(_report(demo, tmp_path), "01_diagnosis")
    panel.bar.start.value = pd.Timestamp("2025-06-01").date()
    panel.bar.end.value = pd.Timestamp("2025-06-30").date()
    dates = panel.client.tables["survey"]["date"]
    assert dates.min() >= pd.Timestamp("2025-06-01") and dates.max() < pd.Timestamp("2025-07-01")
    survey = demo.tables["survey"]
    assert len(dates) == survey["date"].between("2025-06-01", "2025-06-30 23:59:59").sum()


def test_clicking_a_bar_lists_its_responses_and_masked_comments(demo, tmp_path):
    panel = explore.Explorer(_report(demo, tmp_path), "01_diagnosis")
    shown = next(item for item in panel.shown if item.key == "breakdown:nps:segment")
    panel.open(shown, [shown.groups.index("PyME")])
    keys = [item.key for item in panel.drilled]
    assert keys[:2] == ["drill:title", "drill:metrics"] and "drill:comments" in keys
    comments = next(item.table for item in panel.drilled if item.key == "drill:comments")
    masked = set(demo.comments())
    pyme = demo.tables["survey"]["segment"] == "PyME"
    assert set(comments.iloc[:, 1]) <= masked  # only ever the masked text
    assert len(comments) == min(20, demo.comments().index.isin(demo.tables["survey"].index[pyme]).sum())


def test_a_touchpoint_drill_lists_its_weekly_measurements(demo, tmp_path):
    panel = explore.Explorer(_report(demo, tmp_path), "03_journey")
    shown = next(item for item in panel.shown if item.by == "touchpoint_id")
    touchpoint = shown.groups[0]
    panel.open(shown, [0])
    weekly = next(item.table for item in panel.drilled if item.key == "drill:weekly")
    interactions = demo.tables["interactions"]
    mine = interactions[interactions["touchpoint_id"] == touchpoint]
    assert weekly.iloc[:, 1].map(lambda text: int(text.replace(",", "").replace(".", ""))).sum() == (
        mine["score"].notna().sum()
    )


def test_the_bar_offers_touchpoints_by_their_names_and_keeps_their_ids(demo, tmp_path):
    box = explore.Explorer(_report(demo, tmp_path), "03_journey").bar.choices["touchpoint_id"]
    journey = demo.tables["journey"].set_index("touchpoint_id")["touchpoint"]
    labels, ids = zip(*box.options, strict=True)
    assert set(ids) <= set(journey.index) and all(label.startswith(journey[i]) for label, i in box.options)
    assert not any(label.startswith("TP") for label in labels)
    box.value = (ids[0],)
    assert box.value == (ids[0],)


def test_a_filter_under_min_group_shows_no_unit_score(demo, tmp_path):
    """A unit of k employees and responses, viewed with privacy.min_group above k: no employee
    score, no league place, and its drill-down lists nothing."""
    unit = demo.tables["employees"]["unit"].value_counts().index[-1]
    employees = int((demo.tables["employees"]["unit"] == unit).sum())
    private = copy.copy(demo)
    private.config = demo.config.model_copy(
        update={"privacy": demo.config.privacy.model_copy(update={"min_group": employees + 1})}
    )
    value_chain = explore.Explorer(_report(private, tmp_path), "04_human_value_chain")
    value_chain.bar.choices["unit"].value = (unit,)
    scores = next(item.table for item in value_chain.shown if item.key == "unit_scores")
    assert list(scores.iloc[:, 0]) == [unit]
    assert (scores.filter(like="eNPS") == "").all().all()
    assert not any(item.key.startswith(("funnel", "league")) for item in value_chain.shown)
    diagnosis_view = explore.Explorer(_report(private, tmp_path), "01_diagnosis")
    diagnosis_view.bar.choices["unit"].value = (unit,)
    diagnosis_view.bar.choices["segment"].value = ("PyME",)
    assert not any(item.key.startswith(("funnel", "league")) for item in diagnosis_view.shown)
    few = copy.copy(demo)
    few.config = demo.config.model_copy(
        update={"privacy": demo.config.privacy.model_copy(update={"min_group": 10_000})}
    )
    panel = explore.Explorer(_report(few, tmp_path), "01_diagnosis")
    shown = next(item for item in panel.shown if item.key == "breakdown:nps:segment")
    panel.open(shown, [0])
    assert [item.key for item in panel.drilled] == ["drill:title", "drill:private"]


def test_the_driver_explorer_fits_the_chosen_model(demo, tmp_path):
    from cxlib.drivers import relative_weights
    from cxlib.steps import diagnosis

    panel = explore.explorer(_report(demo, tmp_path), "01_diagnosis", drivers=True)
    panel.bar.choices["segment"].value = ("PyME",)
    explorer = panel.drivers
    explorer.outcome.value = "nps"
    explorer.chosen.value = ("pillar:resolution", "pillar:empathy", "pillar:integrity")
    explorer.update()
    cut = _cut_client(demo, "segment=PyME")
    pillars = diagnosis.customer_pillar_frame(cut)[["resolution", "empathy", "integrity"]]
    expected = relative_weights(
        pillars.assign(nps=cut.tables["survey"]["nps"].astype("float64")),
        "nps",
        ["resolution", "empathy", "integrity"],
        bootstrap=explore.drivers.EXPLORER_BOOTSTRAP,
    )
    got = explorer.weights.rename(index=lambda key: key.split(":")[1])
    assert got["weight"].to_dict() == pytest.approx(expected["weight"].to_dict())
    assert got["low"].to_dict() == pytest.approx(expected["low"].to_dict())
    assert (got["low"] <= got["weight"]).all() and (got["weight"] <= got["high"]).all()


def _cut_client(client, text):
    from cxlib.inputs.cuts import apply_cut, resolve_cut

    return apply_cut(client, resolve_cut(client, text))


def test_a_one_value_view_is_saved_as_a_standing_cut(demo_copy, tmp_path):
    import yaml

    from cxlib.inputs.client import load_client
    from cxlib.inputs.config import load_config

    client = load_client(demo_copy)
    before = (demo_copy / "client.yaml").read_text(encoding="utf-8")
    message = explore.save_view(client, explore.View((("segment", ("PyME",)),)))
    assert "segment = PyME" in message or "PyME" in message
    config, problems = load_config(demo_copy)
    assert problems == [] and config.cuts == ["segment=PyME"]
    after = (demo_copy / "client.yaml").read_text(encoding="utf-8")
    kept = {key: value for key, value in yaml.safe_load(after).items() if key != "cuts"}
    assert kept == {key: value for key, value in yaml.safe_load(before).items() if key != "cuts"}
    assert [path.read_text(encoding="utf-8") for path in (demo_copy / "backups").glob("client-*.yaml")] == [
        before
    ]
    assert "already" in explore.save_view(client, explore.View((("Segmento", ("pyme",)),)))
    with pytest.raises(explore.save.SaveViewError):
        explore.save_view(client, explore.View((("segment", ("PyME", "Masivo")),)))
    assert load_config(demo_copy)[0].cuts == ["segment=PyME"]


def test_nothing_is_shown_under_cxwb_run(demo, tmp_path):
    built = Report(client=demo, t=demo.translator(), report_dir=tmp_path)  # cxwb run's build folder
    assert explore.explorer(built, "01_diagnosis", drivers=True) is None
    assert explore.explorer(built, "03_journey") is None


@pytest.mark.slow
def test_the_explorer_matches_cxwb_run_cut(demo, tmp_path):
    """The figures the filter bar shows for segment=PyME are those ``cxwb run --cut`` publishes."""
    from cxlib.render.results import load
    from cxlib.run.runner import run

    assert run(["demo"], tmp_path, step_names=["01"], cuts=["segment=PyME"]) == 0
    folder = next(path for path in tmp_path.iterdir() if path.name.startswith("demo--segment"))
    published = load(folder, "01_diagnosis")
    panel = explore.Explorer(_report(demo, tmp_path), "01_diagnosis")
    panel.bar.choices["segment"].value = ("PyME",)
    from cxlib.steps import diagnosis

    shown = diagnosis.overall_metrics(panel.client.tables["survey"], demo.survey_scales)
    for name, estimate in shown.items():
        assert published["metrics"][name]["value"] == pytest.approx(estimate.value)
        assert published["metrics"][name]["n"] == estimate.n
    html = (folder / "01_diagnosis.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget" not in html and "cx-drill" not in html
