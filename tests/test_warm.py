"""A survey kept warm (the kernels' fork server reads each year once) is reused only while its
files are unchanged."""

from __future__ import annotations

import os

import ksresearch as ks
from ksresearch import config
from ksresearch.data import survey as survey_module


def test_warm_survey_is_reused_until_its_files_change(tmp_path, monkeypatch):
    monkeypatch.setattr(survey_module, "_WARM", {})
    ks.write_synth(2025, seed=3, data_dir=tmp_path, n_companies=3)
    ks.ingest(2025, tmp_path)
    kept = survey_module.keep_warm(2025, tmp_path)
    again = ks.load(2025, tmp_path, min_group_size=7)
    assert again.responses is kept.responses  # not read again
    assert again.min_group_size == 7 and kept.min_group_size is None
    again.cache["x"] = 1
    assert "x" not in kept.cache  # each caller's cache is its own

    responses = config.processed_dir(2025, tmp_path) / "responses.parquet"
    stat = responses.stat()
    os.utime(responses, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    fresh = ks.load(2025, tmp_path)
    assert fresh.responses is not kept.responses
    assert fresh.responses.equals(kept.responses)
