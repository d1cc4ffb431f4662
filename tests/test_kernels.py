"""The kernel client steps are executed with (cxlib.run.kernels.StepClient)."""

from __future__ import annotations

import asyncio

import pytest
from jupyter_client.manager import KernelManager

from cxlib.run.execute import KERNEL_NAME, ensure_kernel
from cxlib.run.kernels import STEP_CLIENT


@pytest.fixture
def kernel():
    ensure_kernel()
    manager = KernelManager(kernel_name=KERNEL_NAME, client_class=STEP_CLIENT)
    manager.start_kernel()
    yield manager
    if manager.has_kernel:
        manager.shutdown_kernel(now=True)
    manager.cleanup_resources()


async def _printed(manager: KernelManager, code: str) -> str:
    """What ``code`` prints, through a new client made ready by its ``wait_for_ready`` (as nbclient
    does before every step), read from IOPub as nbclient reads it: by the request's id."""
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        request = client.execute(code)
        printed = []
        while True:
            message = await client.get_iopub_msg(timeout=30)
            if message["parent_header"].get("msg_id") != request:
                continue  # e.g. the status messages of the kernel_info handshake
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed)
    finally:
        client.stop_channels()


def test_each_new_client_hears_all_output_of_its_request(kernel):
    """Without the IOPub flush, each new client is ready before it executes, first while the kernel
    still boots (the handshake retries until it answers), then one client after another on the same
    warm kernel: no step's output is lost and none is taken for another's."""
    for attempt in range(8):
        assert asyncio.run(_printed(kernel, f"print('step', {attempt})")) == f"step {attempt}\n"


def test_a_dead_kernel_is_reported_not_waited_for(kernel):
    kernel.shutdown_kernel(now=True)
    client = kernel.client()
    client.start_channels()
    try:
        with pytest.raises(RuntimeError, match="died"):
            asyncio.run(client.wait_for_ready(timeout=5))
    finally:
        client.stop_channels()  # as nbclient does: open sockets would hang their context's release
