"""The method's steps: the registry (which notebook each runs, which input tables it needs, which
steps it reads) and one module per step, named after its notebook: ``overview``, ``diagnosis``,
``participation``, ``journey``, ``human_value_chain``, ``action_plan`` and ``ecosystem``.

Step modules import :mod:`cxlib.core`, :mod:`cxlib.stats`, :mod:`cxlib.inputs` and
:mod:`cxlib.render`, never each other's runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cxlib.core.exceptions import CxError
from cxlib.core.paths import NOTEBOOKS_DIR


@dataclass(frozen=True)
class Step:
    """A step of the method, run as ``notebooks/<name>.ipynb``.

    ``requires`` lists the tables without which the step is skipped (the report says which to
    provide); ``after`` the steps whose published results it reads, which run first;
    ``after_baseline`` the steps of the client's baseline (``baseline`` in ``client.yaml``) it reads,
    which run first when the baseline runs in the same ``cxwb run``.
    """

    name: str
    requires: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    after_baseline: tuple[str, ...] = ()
    directory: Path = NOTEBOOKS_DIR

    @property
    def notebook(self) -> Path:
        return self.directory / f"{self.name}.ipynb"


STEPS: tuple[Step, ...] = (
    Step("00_overview"),
    Step("01_diagnosis", requires=("survey",)),
    Step("02_participation", requires=("journey",)),
    Step("03_journey", requires=("journey",)),
    Step("04_human_value_chain", requires=("employees",)),
    Step(
        "05_action_plan",
        requires=("initiatives",),
        after=("01_diagnosis", "02_participation", "03_journey", "04_human_value_chain"),
        after_baseline=("01_diagnosis", "05_action_plan"),  # the back-test of the baseline's plan
    ),
    Step("06_ecosystem", requires=("ecosystem",), after=("01_diagnosis", "04_human_value_chain")),
)
STEP_BY_NAME = {step.name: step for step in STEPS}
#: The steps the client's report places at its end, as annexes (the data profile describes the data
#: the findings rest on; it runs first, but a reader starts with the findings).
ANNEXES: tuple[str, ...] = ("00_overview",)


def report_order(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """``steps`` in the order the client's report shows them (index, bundle, PDF): the method's
    order with the :data:`ANNEXES` moved to the end."""
    return tuple(step for step in steps if step.name not in ANNEXES) + tuple(
        step for step in steps if step.name in ANNEXES
    )


def select_steps(names: list[str] | None) -> tuple[Step, ...]:
    """The steps named on the command line (by full name, number or title part), in method order."""
    if not names:
        return STEPS
    chosen = []
    for name in names:
        matches = [
            step
            for step in STEPS
            if name == step.name or step.name.split("_", 1)[0] == name or step.name.split("_", 1)[1] == name
        ]
        if not matches:
            raise CxError(f"unknown step {name!r}; steps are {', '.join(step.name for step in STEPS)}")
        chosen += matches
    return tuple(step for step in STEPS if step in chosen)


@cache
def chain_length(name: str) -> int:
    """How many steps, this one included, the longest chain of steps waiting on step ``name`` holds
    (``05_action_plan`` reads ``01_diagnosis``: 2 for the diagnosis, 1 for the plan). The runner
    starts the steps with the longest chains first, so the steps others wait for are done early."""
    dependents = [step.name for step in STEPS if name in step.after]
    return 1 + max((chain_length(dependent) for dependent in dependents), default=0)
