"""A follow-up and its baseline in one ``cxwb run``: the follow-up's plan back-tests the baseline's
plan of this run, whatever order the clients are given in, and no run leaves its pointer behind."""

from __future__ import annotations

import json

import pytest

from cxlib.core.paths import BASELINE_BUILD_NAME
from cxlib.run.runner import run


@pytest.mark.slow
def test_the_follow_up_back_tests_the_baseline_run_beside_it(tmp_path):
    out = tmp_path / "reports"
    assert run(["demo-seguimiento", "demo"], out, jobs=2, step_names=["01", "02", "03", "04", "05"]) == 0
    results = json.loads(
        (out / "demo-seguimiento" / "05_action_plan.results.json").read_text(encoding="utf-8")
    )
    assert results["backtest"], "the follow-up found no baseline plan to check"
    index = (out / "demo-seguimiento" / "index.html").read_text(encoding="utf-8")
    assert "El plan anterior frente a lo medido" in index and "El plan pronosticó" in index
    assert not list(out.rglob(BASELINE_BUILD_NAME))
