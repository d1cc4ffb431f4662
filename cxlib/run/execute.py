"""Executing step notebooks in worker processes: the workbook's kernel, the worker pool and one
step's execution by papermill.

This module imports only papermill and Jupyter's client, not the workbook's analysis (pandas,
scikit-learn, plotly). The command line starts the worker pool from here before it imports the
runner, so each worker's kernel boots and loads the workbook (:mod:`cxlib.run.kernels`) while the
runner itself is still importing, on a core that would otherwise wait. Workers forked this early
stay small, and everything a worker is sent (:func:`execute_step` and its plain arguments) is
defined here.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import papermill
from ipykernel.kernelspec import install as install_kernel
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from cxlib.core.exceptions import EnvironmentSetupError
from cxlib.run.kernels import discard_kernel, start_worker, warm_kernel

KERNEL_NAME = "cxwb"
KERNEL_DISPLAY_NAME = "Python (cx-workbook)"


@dataclass
class StepResult:
    """What happened to one job."""

    step: str
    status: str  # ok | failed | timed_out | skipped | not_run
    seconds: float = 0.0
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    parameters: dict[str, str] = field(default_factory=dict)


def ensure_kernel(manager: KernelSpecManager | None = None, prefix: str = sys.prefix) -> str:
    """Make sure the workbook's notebook kernel exists, registering it on first use; say which runs.

    ``make install`` registers the ``cxwb`` kernel; after a plain ``pip install`` it is missing, so
    the first ``cxwb run`` registers it for the current interpreter in ``prefix`` (the active
    environment, like ``python -m ipykernel install --sys-prefix``).

    Returns
    -------
    str
        A log line naming the kernel and the interpreter it runs.

    Raises
    ------
    EnvironmentSetupError
        When the kernel is missing and cannot be registered (e.g. a read-only environment).
    """
    manager = manager or KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(KERNEL_NAME)
        return f"kernel '{KERNEL_NAME}': {spec.argv[0]} ({spec.resource_dir})"
    except NoSuchKernel:
        pass
    try:
        folder = install_kernel(
            kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME, prefix=prefix, user=False
        )
    except OSError as error:
        raise EnvironmentSetupError(
            f"the '{KERNEL_NAME}' notebook kernel is not installed and could not be registered in {prefix} "
            f"({error}); run: {sys.executable} -m ipykernel install --user --name {KERNEL_NAME}"
        ) from error
    return f"kernel '{KERNEL_NAME}' was not registered: registered it for {sys.executable} in {folder}"


class WorkerPool(ProcessPoolExecutor):
    """``jobs`` worker processes, forked at once so that their kernels boot while the caller goes on
    importing and validating (:mod:`cxlib.run.kernels`). The kernel must be registered first
    (:func:`ensure_kernel`)."""

    def __init__(self, jobs: int) -> None:
        super().__init__(max_workers=max(1, jobs), initializer=start_worker, initargs=(KERNEL_NAME,))
        others = set(multiprocessing.active_children())
        self.submit(int)  # a no-op: the pool forks its workers on the first submission
        self.workers = set(multiprocessing.active_children()) - others

    def stop(self) -> None:
        """Shut the pool down, cancelling what has not started, and terminate any of its workers
        still alive.

        An interrupted ``cxwb`` (Ctrl-C, or SIGTERM from a dying Dask worker) can leave the pool
        shut down while a worker never got its signal to stop; waiting for it at exit would then
        hang forever. A terminated worker takes SIGTERM's default action, and its kernel exits on
        seeing it gone (:func:`cxlib.run.kernels.start_worker`)."""
        self.shutdown(cancel_futures=True)
        for worker in self.workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def execute_step(
    step: str, notebook: str, executed: str, parameters: dict[str, str], timeout: int
) -> StepResult:
    """Execute one step notebook into ``executed`` on the worker's warm kernel (runs in a worker
    process); a failure, a timeout or a dead kernel is recorded in the result, never raised."""
    started = time.perf_counter()
    error, status = None, "failed"
    try:
        papermill.execute_notebook(
            notebook,
            executed,
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            km=warm_kernel(KERNEL_NAME),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except PapermillExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}"
    except CellTimeoutError:
        status = "timed_out"
        error = f"timed out: a cell ran longer than {timeout} s (raise it with --timeout)"
        discard_kernel()  # still busy with the cell: the next step gets a new one
    except Exception as failure:  # a kernel that dies or cannot start: recorded, the run goes on
        error = f"{type(failure).__name__}: {failure}"
        discard_kernel()
    return StepResult(
        step, status if error else "ok", time.perf_counter() - started, error, parameters=parameters
    )
