"""A kernel manager and client that start and stop a fresh kernel without idle waits.

jupyter_client's client, once the kernel answers ``kernel_info``, still reads the IOPub
channel until it has been silent for 0.2 s (to flush what an older session left), and its
manager checks every 0.1 s whether a kernel it asked to stop has exited. For the fresh,
single-use kernels of a batch, both are idle time on every notebook (about 0.3 s of 1).

:class:`ReadyKernelClient` is ready when the kernel has answered ``kernel_info`` on the shell
channel and the idle status of that very request has come on IOPub: IOPub is connected, and
nothing older can follow, since the kernel was started for this client. It asks again, as
jupyter_client does, while IOPub is not yet connected. :class:`ReadyKernelManager` polls a
stopping kernel every 10 ms.

The manager connects to its kernel over Unix sockets in a folder of its own (zmq's ``ipc``
transport), not over TCP. A TCP kernel is given ports that were free a moment before it binds
them; with kernels starting in several processes at once (a batch, the test suite on two
cores), an outgoing connection may take such a port in between, and the kernel dies before it
answers. A socket file in a fresh folder cannot be taken by anyone else. A kernel that still
fails to start raises :class:`KernelStartError`: no cell has run, so it can be started again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import CaselessStrEnum, DottedObjectName, Type

__all__ = ["KernelStartError", "ReadyKernelClient", "ReadyKernelManager"]

#: How long the IOPub reply of one ``kernel_info`` is awaited before asking again (s).
IOPUB_WAIT = 0.05
#: How soon a client tries again to reach a kernel that is not yet listening (ms; zmq: 100).
RECONNECT = 5
#: How often a stopping kernel is checked (s).
SHUTDOWN_POLL = 0.01


class KernelStartError(RuntimeError):
    """The kernel died, or did not answer, before it ran anything."""


class ReadyKernelClient(AsyncKernelClient):
    """:class:`~jupyter_client.asynchronous.AsyncKernelClient` whose ``wait_for_ready`` ends as
    soon as the kernel and its IOPub channel have answered."""

    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT)  # the kernel may not listen yet
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._idle_after(msg_id):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise KernelStartError("the kernel died before it answered")
            if time.monotonic() > deadline:
                raise KernelStartError(
                    f"the kernel did not answer within {timeout:g} s of its start"
                )

    async def _idle_after(self, msg_id: str) -> bool:
        """Whether IOPub brings the idle status of request ``msg_id`` within
        :data:`IOPUB_WAIT` (other messages are read past)."""
        end = time.monotonic() + IOPUB_WAIT
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["parent_header"].get("msg_id") == msg_id
                and msg["content"].get("execution_state") == "idle"
            ):
                return True
        return False


class ReadyKernelManager(AsyncKernelManager):
    """:class:`~jupyter_client.manager.AsyncKernelManager` with :class:`ReadyKernelClient`
    clients, Unix sockets in a folder of its own (where there are Unix sockets), and a check of
    a stopping kernel every :data:`SHUTDOWN_POLL` seconds."""

    client_class = DottedObjectName("ksresearch.report.kernelclient.ReadyKernelClient")
    client_factory = Type(klass=ReadyKernelClient)
    transport = CaselessStrEnum(
        ["tcp", "ipc"], default_value="ipc" if os.name == "posix" else "tcp", config=True
    )
    _socket_dir: str | None = None

    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return super()._ip_default()
        self._socket_dir = tempfile.mkdtemp(prefix="ks-kernel-")  # short: a socket path is
        return os.path.join(self._socket_dir, "k")  # at most 107 bytes

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None

    cleanup_resources = _async_cleanup_resources

    async def _async_wait(self, pollinterval: float = SHUTDOWN_POLL) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, SHUTDOWN_POLL))
