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

import ctypes
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import papermill
import yaml
from ipykernel.kernelspec import install as install_kernel
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from cxlib.core.exceptions import EnvironmentSetupError
from cxlib.core.guard import MAX_CONFIG_BYTES, ClientFileError, read_client_bytes
from cxlib.core.paths import CLIENT_CONFIG_NAME
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


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset`` narrows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def planned_jobs(client_dirs: list[Path], step_count: int, cuts: list[str]) -> int:
    """The most jobs a run of ``step_count`` steps can have: every step of every client, once for the
    whole client and once per distinct cut (``--cut`` and the ``cuts:`` of its ``client.yaml``,
    read here without validating: a client that does not validate runs nothing anyway)."""
    total = 0
    for client_dir in client_dirs:
        try:
            config = yaml.safe_load(read_client_bytes(client_dir, CLIENT_CONFIG_NAME, limit=MAX_CONFIG_BYTES))
        except (ClientFileError, ValueError, RecursionError, yaml.YAMLError):
            config = None
        standing = config.get("cuts") if isinstance(config, dict) else None
        distinct = dict.fromkeys([*(standing if isinstance(standing, list) else []), *cuts])
        total += step_count * (1 + len(distinct))
    return total


def worker_count(requested: int, jobs: int) -> tuple[int, str | None]:
    """How many workers ``--jobs requested`` gets: at most one per core and one per job to run.

    Returns
    -------
    tuple[int, str | None]
        The number of workers (at least 1), and a log line saying why when it is fewer than asked.
    """
    cores = available_cores()
    count = max(1, min(requested, cores, jobs))
    if count >= requested:
        return count, None
    limits = [f"{cores} core(s)"] * (cores < requested) + [f"{jobs} job(s)"] * (jobs < requested)
    return count, f"--jobs {requested}: using {count} worker(s) ({', '.join(limits)})"


#: Per worker slot of a :class:`WorkerPool`, the pid of the worker running that slot's step (0: none yet).
_slots = None


def _start_worker(kernel_name: str, slots) -> None:
    """Initialise a worker process of a :class:`WorkerPool` (:func:`cxlib.run.kernels.start_worker`)."""
    global _slots
    _slots = slots
    start_worker(kernel_name)


def _execute_in_slot(slot: int, *arguments) -> StepResult:
    """In a worker: say which worker runs this slot's step, then run it (:func:`execute_step`)."""
    _slots[slot] = os.getpid()
    return execute_step(*arguments)


def _broken(future: Future) -> bool:
    """Whether ``future`` ended because its pool broke (a worker died)."""
    return future.done() and not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


class WorkerPool:
    """``jobs`` worker processes, forked at once so that their kernels boot while the caller goes on
    importing and validating (:mod:`cxlib.run.kernels`), and forked again when one dies. The kernel
    must be registered first (:func:`ensure_kernel`).

    A worker that dies (killed, or by the out-of-memory killer) breaks its ``ProcessPoolExecutor``:
    every step still running on the pool ends in ``BrokenProcessPool``, and the executor terminates
    the other workers. :meth:`died_running` tells the step whose worker died (the runner marks it
    failed) from the steps that were only terminated with the pool (the runner runs them again),
    and starts new workers. Each step runs in a slot of its own (at most ``size`` at once), where
    its worker writes its pid.
    """

    def __init__(self, jobs: int) -> None:
        self.size = max(1, jobs)
        self._slots = multiprocessing.RawArray(ctypes.c_long, self.size)
        self._running: dict[Future, int] = {}
        self._lost: set[Future] = set()
        self._start()

    def _start(self) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=self.size, initializer=_start_worker, initargs=(KERNEL_NAME, self._slots)
        )
        others = set(multiprocessing.active_children())
        self._executor.submit(int)  # a no-op: the pool forks its workers on the first submission
        self.workers = set(multiprocessing.active_children()) - others

    def submit_step(self, *arguments) -> Future:
        """Run :func:`execute_step` with ``arguments`` on a free worker; at most :attr:`size` at once.

        Raises
        ------
        RuntimeError
            When :attr:`size` steps are already running (the caller's bookkeeping is wrong).
        """
        if any(_broken(future) for future in self._running):
            self._renew()  # before forgetting which slot those steps ran in
        self._running = {future: slot for future, slot in self._running.items() if not future.done()}
        free = sorted(set(range(self.size)) - set(self._running.values()))
        if not free:
            raise RuntimeError(f"all {self.size} workers are busy; wait for a step to finish")
        self._slots[free[0]] = 0
        try:
            future = self._executor.submit(_execute_in_slot, free[0], *arguments)
        except BrokenProcessPool:  # a worker died since the last step ended: new workers
            self._renew()
            future = self._executor.submit(_execute_in_slot, free[0], *arguments)
        self._running[future] = free[0]
        return future

    def died_running(self, future: Future) -> bool:
        """For a step that ended in ``BrokenProcessPool``: whether its own worker died while running it
        (``False``: it was terminated with the pool, or had not started). The first such question
        after the pool broke starts new workers."""
        if future in self._running:
            self._renew()
        return future in self._lost

    def _renew(self) -> None:
        """Replace the broken executor with new workers, noting the steps whose worker died: any
        worker that ended otherwise than by the executor's own terminating of the others."""
        self._executor.shutdown(wait=True)  # the broken executor joins all its workers
        dead = {worker.pid for worker in self.workers if worker.exitcode not in (0, -signal.SIGTERM)}
        self._lost |= {future for future, slot in self._running.items() if self._slots[slot] in dead}
        self._running.clear()
        self._start()

    def shutdown(self) -> None:
        """Wait for the steps given to finish, then let the workers exit."""
        self._executor.shutdown()

    def stop(self) -> None:
        """Shut the pool down, cancelling what has not started, and terminate any of its workers
        still alive.

        An interrupted ``cxwb`` (Ctrl-C, or SIGTERM from a dying Dask worker) can leave the pool
        shut down while a worker never got its signal to stop; waiting for it at exit would then
        hang forever. A terminated worker takes SIGTERM's default action, and its kernel exits on
        seeing it gone (:func:`cxlib.run.kernels.start_worker`)."""
        self._executor.shutdown(cancel_futures=True)
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
