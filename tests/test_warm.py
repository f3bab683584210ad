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


def test_the_study_warms_what_every_report_reads_once_before_the_fork(tmp_path, monkeypatch):
    """ksresearch.study.warm, the fork server's one hook: each survey's company-independent
    tables are in its cache, and a step that cannot run (no company: no ranks) leaves the
    others made."""
    import yaml

    from ksresearch.study.warm import warm

    monkeypatch.setattr(survey_module, "_WARM", {})
    ks.write_synth(2025, seed=3, data_dir=tmp_path, n_companies=3)
    ks.ingest(2025, tmp_path)
    other = tmp_path / "other"
    ks.write_synth(2025, seed=3, data_dir=other, n_companies=3)
    path = other / "raw" / "2025" / "codebook.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    book["roles"] = {}
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    for side in ("headcounts.csv", "company_kpis.csv"):
        (other / "raw" / "2025" / side).unlink(missing_ok=True)
    ks.ingest(2025, other)

    for data, ranked in ((tmp_path, True), (other, False)):
        survey = warm([(2025, str(data))])[2025]
        assert {"question_frame", "said_dont_know"} <= set(survey.cache)
        assert (
            any(isinstance(k, tuple) and k[0] == "benchmark_ranks" for k in survey.cache) == ranked
        )
        assert ks.load(2025, data).cache.keys() == survey.cache.keys()  # what kernels get
