"""Notebooks run in processes forked from the kernel server (ksresearch.report.runner and
kernel.run_forked): the outputs a Jupyter kernel gives, a cell past its time limit failed as
timed out, a process that dies tried again, and one that never answers killed as hung."""

from __future__ import annotations

import os
import re
import time

import nbformat
import pytest

from ksresearch.report.execute import KERNEL_TRIES, ReportError, _ensure_kernel, execute
from ksresearch.report.kernel import (
    KERNEL_NAME,
    KernelServer,
    RunHung,
    RunLost,
    run_forked,
    server_running,
)

#: Every kind of output a report's cells make: streams, displays (HTML, a raw mime bundle as
#: the ledger's), a cell's value, a figure left open and one shown, and a failing cell.
CELLS = [
    "import sys\nprint('out', 1)\nprint('more')\n_ = sys.stderr.write('warned\\n')",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>æøå</b>'))\n"
    "display({'application/x-test+json': {'a': [1, 2.5, None]}, 'text/plain': ''}, raw=True)",
    "import numpy as np\nimport pandas as pd\npd.DataFrame({'x': [1.5, np.nan]}, index=['a', 'b'])",
    "x = np.float64(2.5)\nx",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([1, 2])",
    "fig, ax = plt.subplots(figsize=(2, 1))\nax.bar(['a'], [1])\nplt.show()",
    "y = 1  # a value assigned shows nothing",
    "  \n",
    "1 / 0",
    "print('never run')",
]


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "ks", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


@pytest.fixture(scope="module")
def server():
    _ensure_kernel()
    with KernelServer() as running:
        yield running


def _outputs(nb) -> list[list[dict]]:
    """The cells' outputs, without what differs between two runs of the same code (the
    traceback's formatting and an object's address)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            out = dict(out)
            if out["output_type"] == "error":
                out.pop("traceback")
            if "data" in out:
                out["data"] = {
                    k: re.sub(" at 0x[0-9a-f]+", "", v) if k == "text/plain" else v
                    for k, v in out["data"].items()
                }
            outs.append(out)
        cells.append((cell.get("execution_count"), outs))
    return cells


def test_a_forked_run_gives_the_outputs_of_a_jupyter_kernel(server):
    assert server_running()
    with pytest.raises(ReportError, match="ZeroDivisionError") as forked:
        execute(_notebook(*CELLS), {"n": 3})
    os.environ.pop("KSRESEARCH_KERNEL_SERVER_PID")  # now a plain Jupyter kernel
    try:
        assert not server_running()
        with pytest.raises(ReportError, match="ZeroDivisionError") as kernel:
            execute(_notebook(*CELLS), {"n": 3})
    finally:
        os.environ["KSRESEARCH_KERNEL_SERVER_PID"] = str(server._proc.pid)
    got, want = _outputs(forked.value.notebook), _outputs(kernel.value.notebook)
    assert got == want
    kinds = [[o["output_type"] for o in outs] for _, outs in got]
    assert kinds[1:10] == [  # after the injected parameters
        ["stream", "stream"],
        ["display_data", "display_data"],
        ["execute_result"],
        ["execute_result"],
        ["execute_result", "display_data"],
        ["display_data"],
        [],
        [],
        ["error"],
    ]
    assert got[-1] == (None, [])  # not run after the error
    assert "image/png" in got[5][1][1]["data"] and got[5][1][1]["data"]["image/png"].startswith(
        "iVBOR"
    )  # base64 PNG, as the kernel sends it


def test_what_c_code_writes_to_stderr_is_in_its_cells_outputs(server):
    """As a kernel captures file descriptors 1 and 2: a library's own message on stderr is
    an output the audit sees, not lost with the server's stderr."""
    nb = execute(
        _notebook("import os\n_ = os.write(2, b'from C\\n')", "_ = os.write(1, b'out\\n')"), {}
    )
    outputs = [cell.outputs for cell in nb.cells]
    assert outputs == [
        [{"output_type": "stream", "name": "stderr", "text": "from C\n"}],
        [{"output_type": "stream", "name": "stdout", "text": "out\n"}],
    ]


def test_a_cell_past_its_time_limit_fails_as_timed_out(server):
    t0 = time.monotonic()
    with pytest.raises(ReportError, match="timed out") as caught:
        execute(_notebook("print('before')", "import time\ntime.sleep(60)"), {}, timeout=1)
    assert time.monotonic() - t0 < 20
    cells = caught.value.notebook.cells
    assert any(o.get("ename") == "CellTimeoutError" for c in cells for o in c.get("outputs", []))


def test_a_forked_run_whose_process_dies_is_tried_again_then_fails(server, tmp_path):
    marks = tmp_path / "runs"
    suicide = f"open({str(marks)!r}, 'a').write('x'); import os; os.kill(os.getpid(), 9)"
    with pytest.raises(ReportError, match=f"tried {KERNEL_TRIES} times") as caught:
        execute(_notebook(suicide), {})
    assert marks.read_text() == "x" * KERNEL_TRIES
    assert isinstance(caught.value.__cause__.__cause__, RunLost)


def test_a_forked_run_that_never_answers_is_killed_as_hung(server, tmp_path):
    """A cell that blocks its time limit's signal: the asker's own limit kills its process."""
    pid_file = tmp_path / "pid"
    stuck = (
        "import os, signal, time\n"
        f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        "time.sleep(120)"
    )
    t0 = time.monotonic()
    with pytest.raises(RunHung, match="given up as hung"):
        run_forked(_notebook(stuck), 1, 3.0, cwd=tmp_path)
    assert time.monotonic() - t0 < 15
    pid = int(pid_file.read_text())
    for _ in range(100):  # killed: gone as soon as the server has reaped it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the hung run's process {pid} still lives")


def test_a_run_whose_runner_fails_says_why_and_is_not_tried_again(server, tmp_path):
    bad = _notebook("1")
    del bad.cells[0]["source"]  # a cell the runner cannot run
    with pytest.raises(RuntimeError, match="could not be run: KeyError"):
        run_forked(bad, 1, 30.0, cwd=tmp_path)
