"""What a new user meets first: the kernel registered on first use, interactive runs kept out of
the current folder."""

from __future__ import annotations

import json

from jupyter_client.kernelspec import KernelSpecManager

import cxlib
import cxlib.core.paths
from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.run.execute import KERNEL_NAME, ensure_kernel
from cxlib.run.runner import _seed_build
from cxlib.steps import STEPS


def test_missing_kernel_is_registered_on_first_use(tmp_path):
    manager = KernelSpecManager(kernel_dirs=[str(tmp_path / "share" / "jupyter" / "kernels")])
    first = ensure_kernel(manager, str(tmp_path))
    assert "was not registered: registered it" in first
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert spec["display_name"] == "Python (cx-workbook)" and "ipykernel_launcher" in spec["argv"]
    second = ensure_kernel(manager, str(tmp_path))
    assert second.startswith(f"kernel '{KERNEL_NAME}': ") and "registered" not in second


def test_interactive_setup_writes_under_reports_never_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(cxlib.core.paths, "DEFAULT_REPORTS_DIR", tmp_path / "reports")
    working = tmp_path / "notebooks"
    working.mkdir()
    monkeypatch.chdir(working)
    report = cxlib.setup(DEMO_CLIENTS_DIR / "demo")
    assert report.report_dir == tmp_path / "reports" / "demo" / "interactive"
    assert report.report_dir.is_dir()
    assert cxlib.setup(DEMO_CLIENTS_DIR / "demo", tmp_path / "run").report_dir == tmp_path / "run"
    assert list(working.iterdir()) == []


def test_a_batch_run_keeps_the_interactive_folder(tmp_path):
    published, build = tmp_path / "demo", tmp_path / ".build-demo"
    (published / "interactive").mkdir(parents=True)
    (published / "interactive" / "01_diagnosis.results.json").write_text("{}")
    build.mkdir()
    _seed_build(build, published, STEPS)
    assert (build / "interactive" / "01_diagnosis.results.json").read_text() == "{}"
