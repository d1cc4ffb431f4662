"""Shared fixtures: demo reports are built once per session, in a temporary output folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.scaffold import scaffold_client
from cxlib.run.runner import run


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> Path:
    """``cxwb run demo northwind --jobs 2`` into a temporary folder; returns that folder.

    Under pytest-xdist (``make test`` runs two workers) the first worker to need the reports builds
    them in the run's shared temporary folder while the other waits on a lock, so the demos run once
    per test session, not once per worker. Tests only read this folder."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        out = tmp_path_factory.mktemp("reports")
        assert run(["demo", "northwind"], out, jobs=2) == 0
        return out
    shared = tmp_path_factory.getbasetemp().parent
    out, built = shared / "demo-reports", shared / "demo-reports.built"
    with FileLock(shared / "demo-reports.lock"):
        if not built.exists():
            shutil.rmtree(out, ignore_errors=True)
            assert run(["demo", "northwind"], out, jobs=2) == 0
            built.touch()
    return out


@pytest.fixture
def scaffolded(tmp_path) -> Path:
    """A fresh, valid client folder from ``cxwb new``."""
    folder = tmp_path / "acme"
    scaffold_client(folder, "en")
    return folder


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    """A writable copy of the Spanish demo client."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO_CLIENTS_DIR / "demo", target)
    return target
