"""The batch's kernel manager and client (ksresearch.report.kernelclient): ready as soon as the
kernel and its IOPub channel answer, a kernel that dies while starting reported as such and
replaced by execute(), Unix sockets, and a stopped kernel gone."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from ksresearch.report.execute import _ensure_kernel
from ksresearch.report.kernel import KERNEL_NAME
from ksresearch.report.kernelclient import KernelStartError, ReadyKernelClient, ReadyKernelManager


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
            with pytest.raises(KernelStartError, match="died before it answered"):
                await kc.wait_for_ready(timeout=30)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    asyncio.run(start_and_kill())


def test_kernels_talk_over_sockets_in_a_folder_of_their_own_that_goes_with_them():
    """No TCP port that another process could take between the choice and the kernel's bind:
    Unix sockets in a fresh folder, removed at shutdown."""
    _ensure_kernel()

    async def start_and_stop() -> tuple[dict, bool, bool]:
        km = ReadyKernelManager(kernel_name=KERNEL_NAME)
        await km.start_kernel()
        info, folder = km.get_connection_info(), os.path.dirname(km.ip)
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            there = os.path.isdir(folder)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()
        return info, there, os.path.exists(folder)

    info, there, left = asyncio.run(start_and_stop())
    assert info["transport"] == "ipc" and os.path.isabs(info["ip"])
    assert there and not left


def _notebook(*sources: str):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "ks", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def test_execute_starts_another_kernel_when_the_first_dies_while_starting(kill_first_kernel):
    from ksresearch.report.execute import execute

    nb = execute(_notebook("print(6 * 7)"), {})
    assert len(kill_first_kernel) == 1
    assert nb.cells[0].outputs[0]["text"] == "42\n"


def test_a_kernel_that_dies_in_every_run_fails_the_notebook_after_the_tries(tmp_path):
    """A cell that kills its kernel: tried KERNEL_TRIES times (each run leaves a mark), then a
    ReportError that says so; a cell that raises is not tried again."""
    from ksresearch.report.execute import KERNEL_TRIES, ReportError, execute

    marks = tmp_path / "runs"
    suicide = f"open({str(marks)!r}, 'a').write('x'); import os; os.kill(os.getpid(), 9)"
    with pytest.raises(ReportError, match=f"tried {KERNEL_TRIES} times"):
        execute(_notebook(suicide), {})
    assert marks.read_text() == "x" * KERNEL_TRIES

    marks.unlink()
    with pytest.raises(ReportError, match="ZeroDivisionError") as caught:
        execute(_notebook(f"open({str(marks)!r}, 'a').write('x'); 1 / 0"), {})
    assert marks.read_text() == "x" and "tried" not in str(caught.value)


def test_a_company_whose_notebook_never_returns_is_given_up_as_hung(monkeypatch):
    """The batch's watchdog: past the time limit the company fails as hung (its thread is left
    behind as a daemon) and the caller goes on."""
    import time

    from ksresearch.report import batch

    monkeypatch.setattr(batch, "_render_in_thread", lambda params, timeout: time.sleep(60))
    monkeypatch.setattr(batch, "_time_limit", lambda timeout: 1.0)
    t0 = time.monotonic()
    status, message, _ = batch._render_company({"company": "X"}, 600)
    assert time.monotonic() - t0 < 10
    assert status == "failed" and "given up as hung" in message


def test_the_time_limit_counts_every_try_and_every_cell():
    from ksresearch.report.execute import KERNEL_TRIES, START_TIMEOUT, time_limit

    nb = _notebook("1", "2", "3")
    assert time_limit(nb, 10) >= KERNEL_TRIES * (START_TIMEOUT + 3 * 10)
