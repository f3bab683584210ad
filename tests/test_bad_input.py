"""Bad input to the presentation and orchestration helpers gets a clear error."""

from __future__ import annotations

import pandas as pd
import pytest

import ksresearch as ks


def test_presentation_helpers_refuse_bad_input():
    with pytest.raises(KeyError, match="no report text 'nope'"):
        ks.report.present.text("nope")
    with pytest.raises(ValueError, match="lang must be 'nb' or 'en', got 'sv'"):
        ks.report.present.text("report.toc", "sv")
    with pytest.raises(ValueError, match="level must be 1, 2 or 3, got 4"):
        ks.report.present.heading("x", 4)
    with pytest.raises(ValueError, match=r"columns not in the table: \['zz'\]"):
        ks.report.present.table(pd.DataFrame({"n": [10]}), "nb", columns=["zz"])


def test_segment_summary_and_priority_matrix_refuse_bad_input():
    with pytest.raises(ValueError, match="segment 'role' is not in the data"):
        ks.segment_summary(pd.DataFrame({"y": [1.0]}), "role", {"m": "y"})
    with pytest.raises(ValueError, match="must cover the same drivers"):
        ks.priority_matrix(pd.Series({"a": 0.5}), pd.Series({"b": 50.0}))
    with pytest.raises(ValueError, match="the table has no count column 'n'"):
        ks.protect(pd.DataFrame({"count": [3]}))


def test_batch_and_measurement_check_refuse_bad_options(demo_data):
    with pytest.raises(ValueError, match="workers must be at least 1"):
        ks.batch(2025, data_dir=demo_data, workers=0)
    with pytest.raises(ValueError, match="executor must be 'local' or 'dask'"):
        ks.batch(2025, data_dir=demo_data, executor="ray")
    with pytest.raises(ValueError, match="the dask executor needs --scheduler"):
        ks.batch(2025, data_dir=demo_data, executor="dask")
    survey = ks.load(2025, demo_data)
    with pytest.raises(ValueError, match="name the group column"):
        ks.measurement_check(survey, None, ["stress"])
    with pytest.raises(ValueError, match="leave group=None"):
        ks.measurement_check([survey, survey], "role", ["stress"])
    with pytest.raises(ValueError, match="weighting must be one of .*'raking'"):
        ks.benchmark(survey, survey.responses["company"].iloc[0], weighting="industry")
    with pytest.raises(ValueError, match="company 'No Such AS' is not in the 2025 data"):
        ks.benchmark(survey, "No Such AS")
