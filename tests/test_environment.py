"""pyproject.toml and environment.yml declare the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from cxlib.core.paths import PROJECT_DIR

#: conda-forge packages named differently from their PyPI project.
CONDA_NAMES = {"python-kaleido": "kaleido"}


def _name(requirement: str) -> str:
    name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
    return CONDA_NAMES.get(name, name)


def test_environment_matches_pyproject():
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"].values()
    declared = {_name(r) for r in project["dependencies"] + [r for extra in extras for r in extra]}
    environment = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text())
    conda = {_name(r) for r in environment["dependencies"] if isinstance(r, str)} - {"python", "pip"}
    assert conda == declared
    pinned = {
        _name(r): r.split(_name(r).replace("-", "_"), 1)[-1]
        for r in environment["dependencies"]
        if isinstance(r, str)
    }
    assert "conda-forge" in environment["channels"] and pinned
