"""Executing report notebooks: papermill's parameters and error markers, the cells run in a
fork of the report's server (:func:`ksresearch.report.kernel.run_forked`) or, without one, in
the ksresearch Jupyter kernel.

The notebooks in ``notebooks/`` are jupytext ``py:percent`` files, executed in memory.
"""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config
from .kernel import KERNEL_ARGV, KERNEL_NAME, install_kernelspec

if TYPE_CHECKING:  # nbformat validates with jsonschema, a second to import: not in the kernels
    import nbformat

__all__ = [
    "NOTEBOOK_DIR",
    "BENCHMARK_NOTEBOOK",
    "DEFAULT_TIMEOUT",
    "KERNEL_TRIES",
    "START_TIMEOUT",
    "time_limit",
    "general_notebooks",
    "ReportError",
    "read_notebook",
    "execute",
]


NOTEBOOK_DIR = config.PROJ_ROOT / "notebooks"
BENCHMARK_NOTEBOOK = NOTEBOOK_DIR / "company_benchmark.py"
DEFAULT_TIMEOUT = 600
#: How long a kernel may take to answer once started (s); then it is replaced (KERNEL_TRIES).
START_TIMEOUT = 60


def general_notebooks() -> list[Path]:
    """The general report's section notebooks, in order."""
    return sorted((NOTEBOOK_DIR / "general").glob("*.py"))


class ReportError(RuntimeError):
    """A notebook failed, or a report failed the audit; ``notebook`` holds the executed notebook."""

    def __init__(self, message: str, notebook: nbformat.NotebookNode | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """A jupytext ``py:percent`` (or ``.ipynb``) notebook as a notebook node (a copy of its
    own: the file is parsed once for as long as it does not change)."""
    stat = Path(path).stat()
    return copy.deepcopy(_parsed(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _parsed(path: str, _mtime: int, _size: int) -> nbformat.NotebookNode:
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (ksresearch)",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


_kernel_ready = threading.Lock()
_kernel_checked = False


def _ensure_kernel() -> None:
    """Install the ksresearch kernel spec once, if this environment does not have it."""
    global _kernel_checked
    with _kernel_ready:
        if _kernel_checked:
            return
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        try:
            spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
            if spec.argv != KERNEL_ARGV:  # another Python, or a spec from an older layout
                install_kernelspec()
        except NoSuchKernel:
            install_kernelspec()
        _kernel_checked = True


#: How often a notebook is started when its kernel dies or cannot start. Its cells only read
#: the survey and display, so a second run repeats nothing that the first one wrote.
KERNEL_TRIES = 2


def execute(
    notebook: str | Path | nbformat.NotebookNode,
    parameters: dict,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    kernel_name: str = KERNEL_NAME,
) -> nbformat.NotebookNode:
    """Execute a notebook with ``parameters`` and return the executed notebook: in a fork of
    the running :class:`~ksresearch.report.kernel.KernelServer`, else in a Jupyter kernel.

    A fork or kernel that dies, or a kernel that does not answer when it starts, is replaced by
    a fresh one and the notebook run again, up to :data:`KERNEL_TRIES` times in all.

    Raises
    ------
    ReportError
        A cell failed or timed out, the run hung, or every try died; ``.notebook`` is the partly
        executed notebook.
    """
    import nbformat

    _ensure_kernel()
    nb = read_notebook(notebook) if not isinstance(notebook, nbformat.NotebookNode) else notebook
    for _ in range(KERNEL_TRIES):
        try:
            return _execute_once(nb, parameters, timeout=timeout, kernel_name=kernel_name)
        except ReportError as exc:
            if not _kernel_lost(exc.__cause__):
                raise
            lost = exc
    raise ReportError(f"{lost} (tried {KERNEL_TRIES} times)", lost.notebook) from lost


def time_limit(notebook: nbformat.NotebookNode, timeout: int) -> float:
    """The longest :func:`execute` can take on ``notebook`` with a cell timeout of ``timeout``:
    every try's start-up and every cell at its limit. A wait longer than this is a hang."""
    cells = sum(cell.cell_type == "code" for cell in notebook.cells) + 1  # + the parameters
    return KERNEL_TRIES * (START_TIMEOUT + cells * timeout) + 60.0  # + shutdowns and export


def _kernel_lost(exc: BaseException | None) -> bool:
    """Whether ``exc`` says the kernel (or the forked run) died or never started, rather than a
    cell failing."""
    from nbclient.exceptions import DeadKernelError

    from .kernel import RunLost
    from .kernelclient import KernelStartError

    return isinstance(exc, KernelStartError | DeadKernelError | RunLost)


def _execute_once(
    nb: nbformat.NotebookNode, parameters: dict, *, timeout: int, kernel_name: str
) -> nbformat.NotebookNode:
    """Papermill's ``execute_notebook`` in memory: its parameters cell, its engine and its error
    markers, without the file it writes at the end (its JSON, indented by the pure-Python
    encoder, cost the batch more than a tenth of a second a report). A failed or timed-out run
    keeps what it executed: papermill's engine works on the notebook in place.

    Under a :class:`~ksresearch.report.kernel.KernelServer` (a batch, the general report), the
    cells of a ``ksresearch`` notebook run in a process forked from the server instead of a
    Jupyter kernel (:func:`~ksresearch.report.kernel.run_forked`): the same outputs, without a
    kernel's start-up and messages."""
    from papermill.execute import raise_for_execution_errors
    from papermill.parameterize import parameterize_notebook

    from .kernel import server_running

    run = _loaded(nb)
    if parameters:  # as papermill: no injected cell without parameters
        run = parameterize_notebook(run, parameters, kernel_name=kernel_name, language="python")
    run.metadata.papermill.update(input_path=None, output_path=None)
    forked = kernel_name == KERNEL_NAME and server_running()
    try:
        run = _run_forked(run, timeout) if forked else _run_in_kernel(run, timeout, kernel_name)
        raise_for_execution_errors(run, None)
    except Exception as exc:  # papermill raises its own, nbclient's and timeout errors
        message = str(exc).strip()
        raise ReportError(
            f"{type(exc).__name__}: {message.splitlines()[-1] if message else ''}", run
        ) from exc
    return run


def _run_in_kernel(
    run: nbformat.NotebookNode, timeout: int, kernel_name: str
) -> nbformat.NotebookNode:
    """Papermill's engine: the cells run in a Jupyter kernel, ``run`` is executed in place."""
    from papermill.engines import papermill_engines
    from papermill.utils import chdir

    from .kernelclient import ReadyKernelManager

    with chdir(str(NOTEBOOK_DIR)):
        return papermill_engines.execute_notebook_with_engine(
            None,
            run,
            input_path=None,
            output_path=None,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            start_timeout=START_TIMEOUT,
            execution_timeout=timeout,
            kernel_manager_class=ReadyKernelManager,
            shutdown_kernel="immediate",  # a used kernel has nothing to save: no waiting
        )


def _run_forked(run: nbformat.NotebookNode, timeout: int) -> nbformat.NotebookNode:
    """The cells run in a process forked from the kernel server, in ``notebooks/`` as in a
    kernel. ``run`` is left as it was when the process dies or hangs; otherwise it is updated
    with the executed cells (errors included) and returned."""
    import nbformat

    from .kernel import run_forked

    cells = sum(cell.cell_type == "code" for cell in run.cells)
    executed = run_forked(run, timeout, START_TIMEOUT + cells * timeout, cwd=NOTEBOOK_DIR)
    run.cells = nbformat.from_dict(executed).cells
    return run


def _loaded(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the metadata papermill's ``load_notebook_node`` gives it (which
    would write the notebook to JSON and read it back to make the copy)."""
    from papermill import __version__

    nb = copy.deepcopy(nb)
    nb.metadata.setdefault(
        "papermill",
        {"default_parameters": {}, "parameters": {}, "environment_variables": {},
         "version": __version__},
    )  # fmt: skip
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    return nb
