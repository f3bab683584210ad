"""The batch's kernel manager and client (ksresearch.report.kernelclient): ready as soon as the
kernel and its IOPub channel answer, a kernel that dies while starting reported as such (the
batch then tries once more), and a stopped kernel gone."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from ksresearch.report.execute import _ensure_kernel
from ksresearch.report.kernel import KERNEL_NAME
from ksresearch.report.kernelclient import ReadyKernelClient, ReadyKernelManager


async def _run(code: str) -> tuple[list[str], bool]:
    """Start a kernel, run ``code``, return its stream output and whether the kernel lived on
    after shutdown."""
    km = ReadyKernelManager(kernel_name=KERNEL_NAME)
    await km.start_kernel()
    kc = km.client()
    assert isinstance(kc, ReadyKernelClient)
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        msg_id = kc.execute(code)
        streams = []
        while True:
            msg = await kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue  # e.g. the kernel's "starting" status
            if msg["msg_type"] == "stream":
                streams.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    finally:
        kc.stop_channels()
        await km.shutdown_kernel()
    return streams, await km.is_alive()


def test_a_ready_kernel_runs_code_and_is_gone_after_shutdown():
    _ensure_kernel()
    streams, alive = asyncio.run(_run("print(6 * 7)"))
    assert "".join(streams) == "42\n" and not alive


def test_a_kernel_that_dies_while_starting_is_reported():
    _ensure_kernel()

    async def start_and_kill() -> None:
        km = ReadyKernelManager(kernel_name=KERNEL_NAME)
        await km.start_kernel()
        os.kill(km.provisioner.process.pid, signal.SIGKILL)
        kc = km.client()
        kc.start_channels()
        try:
            with pytest.raises(RuntimeError, match="died before replying to kernel_info"):
                await kc.wait_for_ready(timeout=30)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(start_and_kill())
