"""Shared fixtures: demo reports are built once per session, in a temporary output folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxlib.core.paths import DEMO_CLIENTS_DIR
from cxlib.inputs.scaffold import scaffold_client
from cxlib.run.runner import run


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> Path:
    """``cxwb run demo northwind --jobs 2`` into a temporary folder; returns that folder."""
    out = tmp_path_factory.mktemp("reports")
    assert run(["demo", "northwind"], out, jobs=2) == 0
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
