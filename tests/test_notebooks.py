"""Committed notebooks: each a jupytext pair in sync, without outputs, on the workbook's kernel."""

from __future__ import annotations

import jupytext
import nbformat
import pytest

from cxlib.core.paths import NOTEBOOKS_DIR
from cxlib.run.execute import KERNEL_NAME
from cxlib.run.runner import check_parameters
from cxlib.steps import STEPS


def _cells(notebook) -> list[tuple[str, str, list[str]]]:
    return [(cell.cell_type, cell.source.strip(), cell.metadata.get("tags", [])) for cell in notebook.cells]


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.name)
def test_notebook_is_committed_clean(step):
    notebook = nbformat.read(step.notebook, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == KERNEL_NAME
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    parameter_cells = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameter_cells) == 1
    check_parameters(step)


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.name)
def test_notebook_pair_is_in_sync(step):
    """The percent script and the .ipynb hold the same cells (run `jupytext --sync notebooks/*.py`)."""
    script = step.notebook.with_suffix(".py")
    paired = jupytext.read(script)
    assert _cells(paired) == _cells(nbformat.read(step.notebook, as_version=4)), (
        f"{script.name} and {step.notebook.name} differ; run: jupytext --sync {script}"
    )
    assert paired.metadata["kernelspec"]["name"] == KERNEL_NAME


def test_every_notebook_is_a_step():
    steps = sorted(step.name for step in STEPS)
    assert sorted(path.stem for path in NOTEBOOKS_DIR.glob("*.ipynb")) == steps
    assert sorted(path.stem for path in NOTEBOOKS_DIR.glob("*.py")) == steps
