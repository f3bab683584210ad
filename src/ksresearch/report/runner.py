"""Executing a notebook's cells in this very process, as a Jupyter kernel would.

A batch's company reports run in processes forked from a server that has imported the
libraries and read the surveys (:mod:`ksresearch.report.kernel`). A Jupyter kernel in such a
process costs a kernel's start-up and a round of ZeroMQ messages for every cell and every
output, on both sides: about a quarter of a report's time. Here the forked process runs the
cells itself, in an IPython shell, and keeps what a kernel would have sent as the cells'
outputs: streams, displays, results and errors, in the notebook format (images in base64 and
data made JSON-safe with ipykernel's own functions, so the executed notebook is the one
nbclient would have built).

Each cell runs under a time limit (a ``SIGALRM`` in the cell's process: the cell fails with a
``CellTimeoutError``, as nbclient's); the process that asked for the run watches the whole
(see :func:`ksresearch.report.kernel.run_forked`).
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import time
from datetime import UTC, datetime

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

__all__ = ["CellTimeoutError", "NotebookShell", "make_shell", "run_cells"]


class CellTimeoutError(Exception):
    """A cell ran past its time limit."""


class _Outputs:
    """The outputs of the cell being run, in the notebook format."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def stream(self, name: str, text: str) -> None:
        last = self.items[-1] if self.items else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def display(self, data: dict, metadata: dict | None) -> None:
        from ipykernel.jsonutil import encode_images, json_clean

        self.items.append(
            {
                "output_type": "display_data",
                "data": json_clean(encode_images(data)),
                "metadata": json_clean(metadata or {}),
            }
        )

    def result(self, data: dict, metadata: dict | None, count: int) -> None:
        from ipykernel.jsonutil import encode_images, json_clean

        self.items.append(
            {
                "output_type": "execute_result",
                "data": json_clean(encode_images(data)),
                "metadata": json_clean(metadata or {}),
                "execution_count": count,
            }
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.items.append(
            {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
        )


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` of the cells: what they print becomes a stream output."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        self._outputs, self.name = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            self._outputs.stream(self.name, str(text))
        return len(text)


class _Publisher(DisplayPublisher):
    """``display()``: a display_data output."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.shell.outputs.display(data, metadata)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.items.clear()


class _ResultHook(DisplayHook):
    """A cell's last expression: an execute_result output (no prompt printed)."""

    def start_displayhook(self) -> None:
        self._result: tuple | None = None

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self._result = (format_dict, md_dict)

    def finish_displayhook(self) -> None:
        if getattr(self, "_result", None) is not None:
            self.shell.outputs.result(*self._result, self.prompt_count)
        self._result = None


class NotebookShell(InteractiveShell):
    """An IPython shell whose outputs are kept as a notebook's (``.outputs``), not printed."""

    display_pub_class = _Publisher
    displayhook_class = _ResultHook

    def __init__(self, **kwargs) -> None:
        self.outputs = _Outputs()
        super().__init__(**kwargs)

    def enable_gui(self, gui=None) -> None:  # the inline backend has no event loop to run
        pass

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.outputs.error(etype.__name__, str(evalue), list(stb))


def make_shell() -> NotebookShell:
    """The shell the cells run in, matplotlib's inline backend hooked in (figures left open at
    the end of a cell are displayed, as in a kernel). Its history lives in memory only."""
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.autocall = 0
    shell = NotebookShell.instance(config=config)
    shell.enable_matplotlib("inline")
    return shell


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`CellTimeoutError` in this (main) thread after ``seconds``."""

    def expire(_signum: int, _frame: object) -> None:
        raise CellTimeoutError(
            f"A cell timed out while it was being executed, after {seconds:g} seconds."
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cells(shell: NotebookShell, nb: dict, timeout: float) -> dict:
    """Run the code cells of ``nb`` (a notebook as a dict, changed in place and returned) in
    ``shell``, in order, up to the first that fails (its error is its last output, as in
    nbclient and papermill). Each cell gets ``timeout`` seconds. What the cells print goes to
    their outputs, and so does what C code writes to file descriptors 1 and 2 (as a kernel
    captures it: the audit takes any stderr for an error)."""
    streams = (_Stream(shell.outputs, "stdout"), _Stream(shell.outputs, "stderr"))
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = streams
    try:
        with _descriptors(shell.outputs) as drain:
            for cell in nb["cells"]:
                if cell["cell_type"] != "code" or not cell["source"].strip():
                    continue  # nbclient leaves an empty cell unrun, without an execution count
                done = _run_cell(shell, cell, timeout)
                drain()  # into this cell's outputs
                if not done:
                    break
    finally:
        sys.stdout, sys.stderr = saved
    return nb


@contextlib.contextmanager
def _descriptors(outputs: _Outputs):
    """File descriptors 1 and 2 written to files while the cells run; ``drain()`` moves what
    came since into ``outputs`` as streams."""
    import os
    import tempfile

    files, saved = {}, {}
    for fd, name in ((1, "stdout"), (2, "stderr")):
        files[name] = tempfile.TemporaryFile()
        saved[fd] = os.dup(fd)
        os.dup2(files[name].fileno(), fd)

    def drain() -> None:
        for name, file in files.items():
            file.seek(0)
            written = file.read()
            file.seek(0)
            file.truncate()
            if written:
                outputs.stream(name, written.decode("utf-8", errors="replace"))

    try:
        yield drain
    finally:
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        for file in files.values():
            file.close()


def _run_cell(shell: NotebookShell, cell: dict, timeout: float) -> bool:
    shell.outputs.items = []
    meta = cell.setdefault("metadata", {}).setdefault("papermill", {})
    start = time.monotonic()
    meta["start_time"] = _now()
    try:
        with _time_limit(timeout):
            result = shell.run_cell(cell["source"], store_history=True)
    except CellTimeoutError as exc:  # it struck outside the cell's own code
        shell.outputs.error(type(exc).__name__, str(exc), [f"{type(exc).__name__}: {exc}"])
        result = None
    cell["outputs"] = shell.outputs.items
    cell["execution_count"] = shell.execution_count - 1
    failed = result is None or not result.success
    meta.update(
        end_time=_now(),
        duration=time.monotonic() - start,
        status="failed" if failed else "completed",
        exception=failed,
    )
    return not failed
