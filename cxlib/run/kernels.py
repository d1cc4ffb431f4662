"""Warm kernels: each worker process of ``cxwb run`` keeps one notebook kernel and runs its steps on it.

A cold kernel start (a Python process importing pandas, plotly and the workbook) costs about as much
as a small step. Each worker therefore starts its kernel as soon as the worker exists (the command
line forks the workers before it imports the runner, :mod:`cxlib.run.execute`), and executes every
step it is given on that kernel, one after another. Before each step the kernel's namespace is
cleared (IPython's ``%reset -f``), so a step sees only its own variables; imported modules stay
loaded, which is the point. A step that times out or whose kernel dies gets its kernel replaced
before the next step. The kernel is shut down when its worker exits.

Each step is still executed by papermill as its own notebook, with its own executed ``.ipynb`` and
HTML (papermill and nbclient accept a running kernel's manager, ``km``, and then leave the kernel
alive). The client it executes a step with (:class:`StepClient`) starts as soon as the kernel
answers, without jupyter_client's idle wait for IOPub to fall silent.
"""

from __future__ import annotations

import os
import signal
import time
from multiprocessing.util import Finalize
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager

#: Seconds a kernel may take to start and answer.
READY_TIMEOUT = 120
#: The client papermill's nbclient gets for the kernel (``KernelManager.client()``).
STEP_CLIENT = "cxlib.run.kernels.StepClient"
#: Seconds to wait for a reply on the shell channel, and for the first IOPub message, per attempt.
SHELL_WAIT, IOPUB_WAIT = 1.0, 0.2
RESET_CODE = "get_ipython().run_line_magic('reset', '-f')\nimport gc\ngc.collect()"
#: What every step imports, loaded while the runner validates: steps then start with it in memory.
WARM_UP_CODE = (
    "import cxlib\n"
    "from cxlib.steps import action_plan, diagnosis, ecosystem, human_value_chain, journey, overview, "
    "participation"
)

_kernel: KernelManager | None = None


class StepClient(AsyncKernelClient):
    """The kernel client nbclient executes a step with: asynchronous, and ready without idling.

    nbclient polls the kernel from an asyncio loop: with the default blocking client its wait for
    output blocks the loop and ``--timeout`` is never enforced, hence an asynchronous client.

    Its :meth:`wait_for_ready` is jupyter_client's handshake, a ``kernel_info`` request answered on
    the shell channel and any IOPub message received (so the new IOPub subscription is known to be
    live), without the IOPub flush that follows it there: that flush waits until IOPub has been
    silent for 0.2 s, an idle pause before every step. Nothing needs it: nbclient keeps only the
    IOPub messages whose parent is the request it is waiting for.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel answers on the shell channel and this client hears it on IOPub.

        Raises
        ------
        RuntimeError
            When the kernel dies or does not answer within ``timeout`` seconds (as jupyter_client's).
        """
        timeout = READY_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=SHELL_WAIT)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.iopub_channel.get_msg(timeout=IOPUB_WAIT)
                    self._handle_kernel_info_reply(reply)
                    return
            except Empty:
                pass
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


def start_worker(kernel_name: str) -> None:
    """Initialise a worker process: quiet its stderr, start its kernel and load the workbook into it,
    shut the kernel down at exit.

    Kernels print start-up noise to stderr; errors in a notebook still reach the report and the
    manifest through papermill.

    SIGTERM gets its default action back: a worker is forked from ``cxwb``, whose own handler turns
    SIGTERM into an interrupt to clean up; inherited, that handler let a worker that ``cxwb``
    terminates (:meth:`cxlib.run.execute.WorkerPool.stop`, when ``cxwb`` itself is interrupted) live on,
    waiting for work, and ``cxwb`` wait for it forever. Its kernel exits when it sees its parent gone
    (ipykernel's parent poller).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    _start(kernel_name)
    Finalize(None, discard_kernel, exitpriority=10)
    _execute(WARM_UP_CODE)


def _start(kernel_name: str) -> KernelManager:
    global _kernel
    _kernel = KernelManager(kernel_name=kernel_name, client_class=STEP_CLIENT)
    _kernel.start_kernel()
    return _kernel


def warm_kernel(kernel_name: str) -> KernelManager:
    """The worker's kernel, ready and with an empty namespace (started if there is none or it died)."""
    if _kernel is None or not _kernel.is_alive():
        discard_kernel()
        _start(kernel_name)
        _execute(RESET_CODE)  # a new kernel: waits until it answers
    else:
        _reset()
    return _kernel


def _reset() -> None:
    """Clear the namespace of the worker's kernel, which has answered before. The request and its
    reply go over the shell channel alone, so the client skips the readiness handshake (whose IOPub
    flush alone waits 0.2 s before every step) and listens to no output."""
    client = _kernel.blocking_client()
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        request = client.execute(RESET_CODE, silent=True, store_history=False)
        while client.get_shell_msg(timeout=READY_TIMEOUT)["parent_header"].get("msg_id") != request:
            pass  # a reply to an earlier request
    finally:
        client.stop_channels()


def _execute(code: str) -> None:
    """Run ``code`` on the worker's kernel once it is ready, and wait for it to finish."""
    client = _kernel.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=READY_TIMEOUT)
        client.execute_interactive(code, store_history=False, timeout=READY_TIMEOUT)
    finally:
        client.stop_channels()


def discard_kernel() -> None:
    """Shut the worker's kernel down (after a timeout or a crash, and when the worker exits)."""
    global _kernel
    if _kernel is not None:
        try:
            if _kernel.has_kernel:
                _kernel.shutdown_kernel(now=True)
        finally:
            _kernel.cleanup_resources()
            _kernel = None
