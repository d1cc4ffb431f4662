"""The action plan's what-if panel, driven in-process: widgets set, the forecast read back."""

from __future__ import annotations

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
        "3 initiatives in the plan" in panel.status.value
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
