"""A correlation matrix with intervals and adjusted p, against psych::corr.test (kept as files
in tests/reference/: psych_corr_test.R, its JSON result and data/corr.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ksresearch as ks
from tests import references


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(references.data("corr.csv"))


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_corr_matrix_equals_psych_corr_test(data, method):
    ref = references.load("psych_corr_test")[method]
    out = ks.corr_matrix(data, method=method, adjust="holm")
    assert len(out) == len(ref) == 6
    for pair in ref.values():
        row = out.loc[(pair["x"], pair["y"])]
        assert row["n"] == pair["n"]
        assert_allclose(
            row[["r", "t", "p", "p_adj", "ci_low", "ci_high"]].to_numpy(dtype=float),
            [pair[k] for k in ("r", "t", "p", "p_adj", "low", "high")],
            rtol=1e-9,
        )


def test_each_pair_rests_on_those_who_answered_both(data):
    out = ks.corr_matrix(data, ["stress", "support"])
    both = data[["stress", "support"]].dropna().index.to_numpy()
    members = ks.members_of(out)
    assert np.array_equal(members[(("stress", "support"), None)], both)
    assert out.loc[("stress", "support"), "n"] == len(both)
    assert out.attrs["method"] == "pearson" and out.attrs["adjust"] == "holm"


def test_a_pair_with_too_few_answers_or_text_is_refused_or_left_empty(data):
    few = data.assign(rare=[1.0, 2.0, 3.0] + [np.nan] * (len(data) - 3))
    out = ks.corr_matrix(few, ["stress", "rare"])
    assert out.loc[("stress", "rare"), "n"] == 3 and np.isnan(out.loc[("stress", "rare"), "p"])
    with pytest.raises(ValueError, match="not numeric"):
        ks.corr_matrix(data.assign(text="a"), ["stress", "text"])
    with pytest.raises(ValueError, match="method"):
        ks.corr_matrix(data, method="kendall")
