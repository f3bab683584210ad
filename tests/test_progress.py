"""Progress bars: shown after their delay where someone watches (a Jupyter kernel, a
terminal), never with KS_PROGRESS=0 and never in a report's kernel."""

from __future__ import annotations

import pytest

import ksresearch as ks
from ksresearch.stats import progress


@pytest.fixture
def watched(monkeypatch):
    """As in JupyterLab: bars on, shown at once."""
    monkeypatch.setenv(progress.ENV, "1")
    monkeypatch.setattr(progress, "_in_kernel", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setenv("KS_NO_CACHE", "1")  # the work is done here, not read from a cache


def test_long_calls_show_a_bar_where_someone_watches(watched, capsys, demo_data):
    demo_survey = ks.load(2025, demo_data)
    ks.measurement_check(demo_survey, demo_survey.codebook.role("shift_worker"), ["stress"])
    assert "measurement_check" in capsys.readouterr().err
    items = ks.prepare(demo_survey, items=True)[demo_survey.codebook.construct_items("stress")]
    ks.parallel_analysis(items.assign(extra=items.iloc[:, 0] + items.iloc[:, 1]), n_iter=3)
    err = capsys.readouterr().err
    assert "parallel_analysis" in err and "/3" in err  # its total known


def test_bars_are_off_with_ks_progress_0(watched, monkeypatch, capsys, demo_data):
    demo_survey = ks.load(2025, demo_data)
    monkeypatch.setenv(progress.ENV, "0")
    ks.measurement_check(demo_survey, demo_survey.codebook.role("shift_worker"), ["stress"])
    assert capsys.readouterr().err == ""


def test_a_report_turns_the_bars_off(watched, monkeypatch, demo_data):
    import os

    ks.Section(2025, "en", data_dir=demo_data)
    assert os.environ[progress.ENV] == "0" and not progress.shown()


def test_a_quick_call_shows_nothing_and_a_plain_pipe_nothing_at_all(monkeypatch, capsys):
    monkeypatch.setenv(progress.ENV, "1")
    monkeypatch.setattr(progress, "_in_kernel", lambda: False)  # stderr is a pipe under pytest
    assert list(progress.progress(range(3), desc="x")) == [0, 1, 2]
    with progress.progress(total=2) as bar:
        bar.update()
    assert capsys.readouterr().err == ""
