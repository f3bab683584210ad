"""The ksresearch command: help everywhere, clear errors with a non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ksresearch.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["synth"], ["ingest"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_synth_then_ingest(tmp_path):
    r = runner.invoke(
        app,
        ["synth", "--year", "2025", "--seed", "3", "--data-dir", str(tmp_path), "--companies", "4"],
    )
    assert r.exit_code == 0, r.output
    assert "responses.csv" in r.output
    r = runner.invoke(app, ["ingest", "--year", "2025", "--data-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "kept" in r.output and "quarantined, duplicate_id" in r.output
    assert (tmp_path / "processed" / "2025" / "responses.parquet").is_file()


def test_ingest_error_exits_non_zero_with_message(tmp_path):
    (tmp_path / "raw" / "2025").mkdir(parents=True)
    r = runner.invoke(app, ["ingest", "--year", "2025", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2
    assert "codebook.yaml: file not found" in r.output


def test_console_script_is_installed():
    out = subprocess.run(
        [sys.executable, "-m", "ksresearch.cli", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "synth" in out.stdout and "ingest" in out.stdout


def test_a_command_whose_extra_is_missing_says_which_to_install(tmp_path):
    """Without the [report] extra, `ksresearch report` and `batch` name the extra at once
    (before looking for data: here there is none), with no traceback."""
    import subprocess
    import sys

    for command in ("report", "batch"):
        code = ("import sys; sys.modules['papermill'] = None\n"
                "from ksresearch.cli import main\n"
                f"sys.argv = ['ksresearch', '{command}', '--year', '2025', '--data-dir', "
                f"{str(tmp_path)!r}]\nmain()")  # fmt: skip
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=tmp_path)  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: ") and "ksresearch[report]" in done.stderr
        assert "Traceback" not in done.stderr
