"""CFA, FIML and measurement invariance against lavaan and semTools, kept as files in
tests/reference/ (lavaan_cfa.R, its JSON result and data/hs_missing.csv)."""

from __future__ import annotations

import pandas as pd
import pytest
import semopy
from numpy.testing import assert_allclose

import ksresearch as ks
from tests import references

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
MEASURES = {  # ours: lavaan's fitMeasures name
    "chi2": "chisq",
    "df": "df",
    "p": "pvalue",
    "cfi": "cfi",
    "tli": "tli",
    "rmsea": "rmsea",
    "rmsea_low": "rmsea.ci.lower",
    "rmsea_high": "rmsea.ci.upper",
    "srmr": "srmr",
    "baseline_chi2": "baseline.chisq",
    "baseline_df": "baseline.df",
}


@pytest.fixture(scope="module")
def ref():
    return references.load("lavaan_cfa")


@pytest.fixture(scope="module")
def hs():
    return semopy.examples.holzinger39.get_data()


@pytest.fixture(scope="module")
def holes():
    return pd.read_csv(references.data("hs_missing.csv"))


def _same_fit(ours: pd.Series, theirs: dict, rtol: float = 1e-5) -> None:
    for mine, name in MEASURES.items():
        if name in theirs and mine in ours.index:
            assert_allclose(ours[mine], theirs[name], rtol=rtol, atol=1e-9, err_msg=mine)


def _same_loadings(fit, theirs: dict) -> None:
    lo = fit.loadings_.set_index("item").loc[theirs["item"]]
    assert_allclose(lo["estimate"], theirs["est"], rtol=1e-4)
    assert_allclose(lo["std_all"], theirs["std_all"], rtol=1e-4)


def test_cfa_equals_lavaan(hs, ref):
    fit = ks.cfa(hs, HS)
    _same_fit(fit.fit_, ref["complete"]["fit"])
    _same_loadings(fit, ref["complete"]["loadings"])
    cors = ref["complete"]["factor_correlations"]
    for a, b, r in zip(cors["lhs"], cors["rhs"], cors["r"], strict=True):
        assert_allclose(fit.factor_correlations_.loc[a, b], r, rtol=1e-4)


def test_fiml_equals_lavaan_missing_ml_srmr_with_mean_residuals(holes, ref):
    fit = ks.cfa(holes, HS, missing="fiml")
    assert fit.fit_["n"] == ref["fiml"]["n"]
    _same_fit(fit.fit_, ref["fiml"]["fit"])
    _same_loadings(fit, ref["fiml"]["loadings"])


@pytest.mark.parametrize("case, missing", [("invariance", "listwise"), ("invariance_fiml", "fiml")])
def test_invariance_equals_lavaan(hs, holes, ref, case, missing):
    data = hs if missing == "listwise" else holes
    table = ks.invariance(data, HS, group="school", missing=missing).table_
    theirs = ref[case]
    for level in ("configural", "metric", "scalar"):
        _same_fit(table.loc[level], theirs[level], rtol=1e-4)
    assert_allclose(table.loc[["metric", "scalar"], "delta_chi2"], theirs["delta_chi2"], rtol=1e-4)
    assert_allclose(table.loc[["metric", "scalar"], "p_delta"], theirs["p_delta"], rtol=1e-4)
