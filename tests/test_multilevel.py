"""The intraclass correlation of a random-intercept model, against lme4 and performance (kept
as files in tests/reference/: lme4_icc.R, its JSON result and data/icc.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ksresearch as ks
from tests import references


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(references.data("icc.csv"))


@pytest.mark.parametrize("outcome", ["stress", "flat"])
def test_icc_equals_lme4_reml_and_performance(data, outcome):
    ref = references.load("lme4_icc")[outcome]
    out = ks.icc(data, [outcome], "cluster").loc[outcome]
    assert out["n"] == ref["n"] and out["n_clusters"] == ref["n_clusters"]
    assert_allclose(
        out[["mean", "tau2", "sigma2", "icc"]].to_numpy(dtype=float),
        [ref["intercept"], ref["tau2"], ref["sigma2"], ref["icc"]],
        rtol=1e-6,
    )
    m = ref["n"] / ref["n_clusters"]
    assert out["design_effect"] == pytest.approx(1 + (m - 1) * ref["icc"], rel=1e-6)


def test_no_variance_between_clusters_gives_zero_and_too_few_clusters_an_error():
    rng = np.random.default_rng(3)
    g = np.repeat(np.arange(10), 20)
    means = np.repeat(rng.normal(0, 1, 20), 10)  # each cluster's mean the same in expectation
    flat = pd.DataFrame({"y": rng.permutation(means + rng.normal(0, 1, 200)), "site": g})
    flat["y"] = flat["y"] - flat.groupby("site")["y"].transform("mean")  # exactly equal means
    assert ks.icc(flat, "y", "site").loc["y", "icc"] == pytest.approx(0, abs=1e-8)
    with pytest.raises(ValueError, match="1 clusters: too few"):
        ks.icc(flat.assign(site=1), "y", "site")
    with pytest.raises(ValueError, match="both an outcome and the cluster"):
        ks.icc(flat, ["site"], "site")
