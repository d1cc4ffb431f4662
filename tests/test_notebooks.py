"""Committed notebooks: no outputs, the workbook's kernel, and identical to notebooks/build_notebooks.py."""
from __future__ import annotations

import importlib.util

import nbformat
import pytest

from cxlib.paths import NOTEBOOKS_DIR
from cxlib.runner import KERNEL_NAME, check_parameters
from cxlib.steps import STEPS

spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS_DIR / "build_notebooks.py")
builder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(builder)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.name)
def test_notebook_is_committed_clean(step):
    notebook = nbformat.read(step.notebook, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == KERNEL_NAME
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert notebook == builder.build(step.name, builder.NOTEBOOKS[step.name])
    check_parameters(step)


def test_every_notebook_is_a_step():
    assert sorted(path.stem for path in NOTEBOOKS_DIR.glob("*.ipynb")) == sorted(step.name for step in STEPS)
