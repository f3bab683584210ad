"""The ``ksresearch`` Jupyter kernel, and a fork server that runs report notebooks.

The kernel spec (``python -m ksresearch.report.kernel -f {connection_file}``) is the one JupyterLab
and papermill use. Started plainly, it is an ordinary IPython kernel.

A fresh kernel pays about two seconds of imports (pandas, scipy, statsmodels, seaborn,
ksresearch), then a start-up and a round of messages for every cell. For the reports,
:class:`KernelServer` imports the libraries once in a server process that never runs notebook
code, reads the surveys the reports read, and forks a new process for every notebook, which
runs its cells itself (:mod:`ksresearch.report.runner`) and sends the executed notebook back
(:func:`run_forked`). Each run starts from the same pristine, already-imported state, so
nothing one company's notebook does can reach the next, and the imports are paid once.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = [
    "KERNEL_NAME",
    "SERVER_ENV",
    "install_kernelspec",
    "KernelServer",
    "RunHung",
    "RunLost",
    "run_forked",
    "server_running",
    "main",
]

KERNEL_NAME = "ksresearch"
SERVER_ENV = "KSRESEARCH_KERNEL_SERVER"
SERVER_PID_ENV = "KSRESEARCH_KERNEL_SERVER_PID"
#: The pid of the process that started the server, given to it (see _serve).
SERVER_PARENT_ENV = "KSRESEARCH_KERNEL_SERVER_PARENT"
_PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib.pyplot",
    "seaborn",
    "IPython.display",
    "IPython.core.interactiveshell",
    "matplotlib_inline.backend_inline",
    "jupyter_client.jsonutil",
    "ipykernel.jsonutil",
    "pyarrow.parquet",
    "yaml",
    "statsmodels.stats.proportion",
    "statsmodels.stats.multitest",
    "ksresearch",
    # the library is imported lazily: the study's modules come with its warm-up hook
    "ksresearch.report.section",
    "ksresearch.report.runner",
    "ksresearch.study.warm",
    "pandas.io.formats.style",  # every table is a Styler: its Jinja templates load here
)


def _warm_up() -> None:
    """Read the text catalogues and draw and encode one small figure, so that the texts, the
    fonts and the PNG writer are loaded before the fork and no run pays for them."""
    import io

    import matplotlib.pyplot as plt

    from .present import LANGS, catalogue

    for lang in LANGS:
        catalogue(lang)

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.barh(["æøå"], [1.0])
    ax.set_title("Aa", loc="left", fontweight="bold")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


#: How Jupyter starts the ksresearch kernel: this Python, this module.
KERNEL_ARGV = [sys.executable, "-m", "ksresearch.report.kernel", "-f", "{connection_file}"]


def install_kernelspec(prefix: str | None = None) -> Path:
    """Install (or refresh) the ``ksresearch`` kernel spec into ``prefix`` (default: this
    environment), pointing at this Python. Returns the kernel spec folder."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = {
        "argv": KERNEL_ARGV,
        "display_name": "Python (ksresearch)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kernel.json").write_text(json.dumps(spec, indent=1))
        where = KernelSpecManager().install_kernel_spec(
            tmp, KERNEL_NAME, prefix=prefix or sys.prefix, replace=True
        )
    return Path(where)


def _die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies, SIGKILL included
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere the parent-pid checks below stand alone."""
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _server_ready(path: str, timeout: float = 120.0) -> bool:
    """Whether the fork server at ``path`` listens, waiting while it is still importing (the
    batch does not wait for it: it prepares its own work meanwhile) and alive."""
    server = int(os.environ.get(SERVER_PID_ENV, "0") or 0)
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if not server or not _pid_alive(server) or time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m ksresearch.report.kernel -f CONNECTION_FILE`` (a kernel) or ``--serve SOCKET``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--serve"]:
        path, rest, preload = argv[1], argv[2:], []
        if rest[:1] == ["--preload"]:
            preload, rest = rest[1].split(","), rest[2:]
        _serve(path, [json.loads(w) for w in rest], preload)
        return 0
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=argv)
    return 0


# ----------------------------------------------------------------------------- runs
class RunLost(RuntimeError):
    """A forked run's process ended before it sent its notebook (killed, or crashed)."""


class RunHung(RuntimeError):
    """A forked run sent nothing within its time limit: its process was killed."""


def server_running() -> bool:
    """Whether this process started a fork server that is up or starting (:class:`KernelServer`)."""
    pid = int(os.environ.get(SERVER_PID_ENV, "0") or 0)
    return bool(os.environ.get(SERVER_ENV)) and bool(pid) and _pid_alive(pid)


def run_forked(notebook: dict, timeout: float, limit: float, *, cwd: str | Path) -> dict:
    """Run ``notebook``'s cells (``timeout`` seconds each) in a process forked from this
    process's :class:`KernelServer`, in the folder ``cwd``, and return the executed notebook
    (a dict).

    Raises
    ------
    RunLost
        The server is gone, or the run's process ended before it sent its notebook.
    RunHung
        Nothing came back within ``limit`` seconds: the run's process is killed.
    """
    path = os.environ[SERVER_ENV]
    deadline = time.monotonic() + limit
    if not _server_ready(path):
        raise RunLost("the fork server did not start")
    request = {"notebook": notebook, "timeout": timeout, "cwd": str(cwd),
               "env": {k: v for k, v in os.environ.items() if k not in (SERVER_ENV, SERVER_PID_ENV)}}  # fmt: skip
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        try:
            conn.settimeout(30)
            conn.connect(path)
            conn.sendall(json.dumps(request).encode() + b"\n")
            reply = _receive(conn, deadline)
        except OSError as exc:
            raise RunLost(f"the fork server did not answer ({exc})") from exc
    head, _, body = reply.partition(b"\n")
    try:
        json.loads(head)["pid"]
    except (ValueError, KeyError) as exc:
        raise RunLost("its process ended before it started") from exc
    if not body:
        raise RunLost("its process ended before the notebook finished")
    try:
        reply = json.loads(body)
    except ValueError:  # the connection ended: the process is gone, nothing left to stop
        raise RunLost("its process ended before it sent the whole notebook") from None
    if "failed" in reply:
        raise RuntimeError(f"the notebook could not be run: {reply['failed']}")
    return reply["notebook"]


def _receive(conn: socket.socket, deadline: float) -> bytes:
    """Everything ``conn`` sends until it closes; past ``deadline`` the process that sends
    (its pid on the first line) is killed and :class:`RunHung` raised."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            _kill_sender(b"".join(chunks))
            raise RunHung("no answer from its notebook within its time limit: given up as hung")
        conn.settimeout(min(left, 5.0))
        try:
            chunk = conn.recv(1 << 20)
        except TimeoutError:
            continue
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill_sender(received: bytes) -> None:
    head, newline, _ = received.partition(b"\n")
    if newline:
        with contextlib.suppress(ValueError, KeyError, ProcessLookupError):
            os.killpg(int(json.loads(head)["pid"]), signal.SIGKILL)


# ----------------------------------------------------------------------------- server
def _serve(path: str, surveys: list[list], preload: list[str] = ()) -> None:
    """Import the libraries once (:data:`_PRELOAD` and ``preload``), read the surveys
    ``[[year, data_dir], ...]`` the notebooks will load, make the shell they run in, then fork
    one run per request (never run notebook code here)."""
    # The batch that started us, by the pid it gave: asking getppid() here would answer 1 if
    # the batch was killed while this process was still starting, and the server would then
    # wait for ever for a parent that is already gone (seen under load).
    parent = int(os.environ.get(SERVER_PARENT_ENV) or os.getppid())
    _die_with_parent()  # also while importing: the batch may be killed before the first fork
    if os.getppid() != parent:  # it died before the request to be told could be made
        return
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import importlib

    for module in (*_PRELOAD, *preload):
        importlib.import_module(module)
    _warm_up()
    from ksresearch.study.warm import warm

    warm(surveys)
    from .runner import make_shell

    shell = make_shell()  # every run starts from this one, as a fresh kernel would
    # The imported heap moves out of the collector's reach: a run's first collections would
    # otherwise walk (and, copying on write, duplicate) every object of every library.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the runs are reaped automatically
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # The socket's name appears only once it listens: bound under another name and renamed,
    # since a client that finds the file (see _server_ready) connects at once, and a socket
    # bound but not yet listening refuses it.
    server.bind(f"{path}.binding")
    server.listen(16)
    os.replace(f"{path}.binding", path)
    server.settimeout(1.0)
    while True:
        if os.getppid() != parent:  # the process that started us is gone
            break
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        with conn:
            request = json.loads(conn.makefile().readline())
            if os.fork() == 0:  # the notebook's run
                server.close()
                _run_notebook(conn, shell, request)
    server.close()


def _forked_process(request: dict) -> None:
    """A forked run's own process: a session of its own, the asker's folder and environment,
    and an end with the server (and so with the batch)."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    server = os.getppid()
    _die_with_parent(signal.SIGKILL)
    if os.getppid() != server:  # the server went before the request to be told was made
        os._exit(0)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")


def _run_notebook(conn: socket.socket, shell, request: dict) -> None:
    """Run ``request["notebook"]``'s cells here (:mod:`ksresearch.report.runner`) and send the
    executed notebook back on ``conn`` as JSON: first a line with this process's pid (the asker
    kills it when it takes too long), then the notebook, then the connection's end."""
    _forked_process(request)
    try:
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        from jupyter_client.jsonutil import json_default

        from .runner import run_cells

        try:
            nb = run_cells(shell, request["notebook"], float(request["timeout"]))
            reply = {"notebook": nb}
        except Exception as exc:  # the runner's own failure, told rather than lost
            reply = {"failed": f"{type(exc).__name__}: {exc}"}
        conn.sendall(json.dumps(reply, default=json_default).encode())
        conn.shutdown(socket.SHUT_WR)
    finally:  # never back into the server's loop, nor through its exit handlers
        os._exit(0)


class KernelServer:
    """Context manager running the fork server for the duration of a batch or a report:
    :func:`ksresearch.report.execute.execute` runs its notebooks there (:func:`run_forked`).

    Examples
    --------
    >>> with KernelServer() as server:  # notebooks now run in processes forked from it
    ...     os.environ[SERVER_ENV] == server.path and server_running()
    True
    """

    def __init__(
        self, surveys: list[tuple[int, str | None]] = (), *, preload: tuple[str, ...] = ()
    ) -> None:
        #: (year, data_dir) the server reads before its first fork, for every run to reuse
        self.surveys = [[int(year), None if d is None else str(d)] for year, d in surveys]
        #: modules the notebooks import besides :data:`_PRELOAD` (the general report's models)
        self.preload = tuple(preload)
        self._dir: tempfile.TemporaryDirectory | None = None
        self._proc: subprocess.Popen | None = None
        self._old: dict[str, str | None] | None = None

    def __enter__(self) -> KernelServer:
        self._dir = tempfile.TemporaryDirectory(prefix="ks-kernels-")
        self.path = os.path.join(self._dir.name, "server.sock")
        env = {  # one BLAS thread per run (two runs share two cores), unless the
            "OPENBLAS_NUM_THREADS": "1",  # user set a number of their own
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            **os.environ,
            SERVER_PARENT_ENV: str(os.getpid()),
        }
        self._proc = subprocess.Popen(
            [
                sys.executable,
                *("-m", "ksresearch.report.kernel", "--serve", self.path),
                *(("--preload", ",".join(self.preload)) if self.preload else ()),
                *(json.dumps(survey) for survey in self.surveys),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # No waiting here: a run waits for the socket (see _server_ready) while the caller
        # gets on with its own imports and planning.
        self._old = {name: os.environ.get(name) for name in (SERVER_ENV, SERVER_PID_ENV)}
        os.environ[SERVER_ENV] = self.path
        os.environ[SERVER_PID_ENV] = str(self._proc.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, value in (self._old or {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self._proc is not None:
            self._proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            if self._proc.poll() is None:
                self._proc.kill()
        if self._dir is not None:
            self._dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
