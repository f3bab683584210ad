"""Each result once: a slow study result is kept beside its survey and read back by the next
call with the same arguments (another section, the other language), and computed afresh when
anything it rests on changes."""

from __future__ import annotations

import shutil
import warnings
from dataclasses import replace

import pytest

import ksresearch as ks
from ksresearch.study.cache import CACHE_FOLDER, once

CALLS: list[str] = []


@once
def _slow(survey, column: str, *, seed: int = 0):
    """A stand-in for a slow study function: counts its runs and warns once a run."""
    CALLS.append(column)
    warnings.warn(f"fitted {column}", RuntimeWarning, stacklevel=2)
    return survey.responses[column].mean() + seed


@pytest.fixture
def survey(synth_data, tmp_path):
    shutil.copytree(synth_data / "raw" / "2025", tmp_path / "raw" / "2025")
    shutil.copytree(synth_data / "processed" / "2025", tmp_path / "processed" / "2025")
    shutil.rmtree(tmp_path / "processed" / "2025" / CACHE_FOLDER, ignore_errors=True)
    CALLS.clear()
    return ks.load(2025, tmp_path)


def _column(survey) -> str:
    return next(c for c in survey.responses.columns if survey.responses[c].dtype.kind == "f")


def test_a_second_call_reads_the_kept_result_and_warns_the_same(survey):
    column = _column(survey)
    with pytest.warns(RuntimeWarning, match=f"fitted {column}"):
        first = _slow(survey, column, seed=1)
    with pytest.warns(RuntimeWarning, match=f"fitted {column}"):  # said again when read
        again = _slow(ks.load(2025, survey.path.parent.parent), column, seed=1)
    assert again == first and CALLS == [column]
    assert len(list((survey.path / CACHE_FOLDER).glob("_slow-*.pkl"))) == 1


def test_anything_the_result_rests_on_computes_it_afresh(survey):
    column = _column(survey)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _slow(survey, column)
        _slow(survey, column, seed=2)  # another argument
        changed = replace(survey, responses=survey.responses.iloc[1:])  # a filtered survey
        assert _slow(changed, column) == changed.responses[column].mean()
        _slow(replace(survey, min_group_size=10), column)  # another minimum
    assert len(CALLS) == 4


def test_no_keeping_without_a_folder_to_keep_in_or_when_switched_off(survey, monkeypatch):
    column = _column(survey)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _slow(replace(survey, path=None), column)
        _slow(replace(survey, path=None), column)
        monkeypatch.setenv("KS_NO_CACHE", "1")
        _slow(survey, column)
        _slow(survey, column)
        monkeypatch.delenv("KS_NO_CACHE")
        (survey.path / CACHE_FOLDER).write_text("a file where the folder would be")
        _slow(survey, column)  # cannot be written: computed, nothing kept, no error
        _slow(survey, column)
    assert len(CALLS) == 6


def test_an_argument_the_key_cannot_describe_means_no_keeping(survey):
    @once
    def with_object(survey, thing):
        CALLS.append("object")
        return 1

    with_object(survey, object())
    with_object(survey, object())
    assert CALLS == ["object", "object"]
    assert not (survey.path / CACHE_FOLDER).exists() or not list(
        (survey.path / CACHE_FOLDER).glob("with_object-*")
    )


def test_the_turnover_drivers_read_back_equal_those_computed(survey):
    first = ks.turnover_drivers(survey, n_boot=50, seed=3)
    again = ks.turnover_drivers(ks.load(2025, survey.path.parent.parent), n_boot=50, seed=3)
    assert again.equals(first) and again.attrs.keys() == first.attrs.keys()
    assert list((survey.path / CACHE_FOLDER).glob("turnover_drivers-*.pkl"))
