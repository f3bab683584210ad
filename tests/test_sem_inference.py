"""Standard errors, z, p, intervals, log-likelihood, AIC and BIC of the ML CFA against lavaan
(tests/reference/lavaan_se.R and its JSON result): Holzinger-Swineford complete (expected
information), two schools with equal loadings, and the planted missing answers under FIML
(observed information, lavaan's default there). Estimates agree to the optimisers' tolerance
(1e-5), so everything derived from them is compared at 1e-4."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import semopy

import ksresearch as ks
from tests import references

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def fits() -> dict:
    hs = semopy.examples.holzinger39.get_data()
    holes = pd.read_csv(references.data("hs_missing.csv"))
    return {
        "complete": ks.cfa(hs, HS),
        "metric": ks.CFA(HS, group="school", level="metric").fit(hs),
        "fiml": ks.cfa(holes, HS, missing="fiml"),
    }


def _row(table: pd.DataFrame, group, lhs: str, op: str, rhs: str) -> pd.Series:
    """lavaan's row in ours (a covariance may be written either way round)."""
    for a, b in ((lhs, rhs), (rhs, lhs)):
        found = table[(table["group"] == group) & (table["lhs"] == a) & (table["op"] == op)
                      & (table["rhs"] == b)]  # fmt: skip
        if len(found):
            return found.iloc[0]
    raise AssertionError(f"no {lhs} {op} {rhs} in group {group}")


@pytest.mark.parametrize("name", ["complete", "metric", "fiml"])
def test_every_free_parameter_with_its_se_equals_lavaan(fits, name):
    ref = references.load("lavaan_se")[name]["params"]
    ours = fits[name].parameters_
    groups = list(dict.fromkeys(ours["group"]))
    assert len(ours) == len(ref["est"])
    for i in range(len(ref["est"])):
        row = _row(ours, groups[ref["group"][i] - 1], ref["lhs"][i], ref["op"][i],
                   ref["rhs"][i] if ref["op"][i] != "~1" else "")  # fmt: skip
        expected = [ref[k][i] for k in ("est", "se", "z", "low", "high")]
        got = row[["estimate", "se", "z", "ci_low", "ci_high"]].to_numpy(float)
        assert got == pytest.approx(expected, rel=1e-4, abs=1e-6), (ref["lhs"][i], ref["rhs"][i])
        assert row["p"] == pytest.approx(ref["p"][i], rel=1e-3, abs=1e-12)


@pytest.mark.parametrize("name", ["complete", "metric", "fiml"])
def test_log_likelihood_aic_and_bic_equal_lavaan(fits, name):
    info = references.load("lavaan_se")[name]["info"]
    fit = fits[name].fit_
    assert fit["npar"] == info["npar"]
    for ours, theirs in (("logl", "logl"), ("aic", "aic"), ("bic", "bic")):
        assert fit[ours] == pytest.approx(info[theirs], rel=1e-8)


def test_summary_reads_as_lavaans(fits):
    text = fits["metric"].summary()
    assert "AIC" in text and "Group Grant-White:" in text and "visual =~ x2" in text
    assert repr(text) == str(text)  # shown as text in a notebook, not a quoted string
    assert np.isfinite(fits["complete"].parameters_["se"]).all()


def test_compare_models_is_lavtestlrt_on_the_invariance_levels(fits):
    """The chi-square differences of configural, metric and scalar on HS by school, as
    lavaan's lavTestLRT (tests/reference/lavaan_cfa.json); AIC and BIC beside them."""
    hs = semopy.examples.holzinger39.get_data()
    levels = {lv: ks.CFA(HS, group="school", level=lv).fit(hs)
              for lv in ("configural", "metric", "scalar")}  # fmt: skip
    ref = references.load("lavaan_cfa")["invariance"]
    out = ks.compare_models(*levels.values(), names=list(levels))
    assert list(out.index) == ["configural", "metric", "scalar"]
    assert out["delta_chi2"].iloc[1:].to_numpy() == pytest.approx(ref["delta_chi2"], rel=1e-5)
    assert out["p"].iloc[1:].to_numpy() == pytest.approx(ref["p_delta"], rel=1e-4)
    assert out.loc["metric", "aic"] == pytest.approx(
        references.load("lavaan_se")["metric"]["info"]["aic"], rel=1e-8
    )
    with pytest.raises(ValueError, match="at least two"):
        ks.compare_models(fits["complete"])


def test_modification_indices_equal_lavaan(fits):
    """Every fixed cross-loading and residual covariance of the HS model: the score test and
    the expected parameter change, as lavaan's modindices (tests/reference/lavaan_modindices.R)."""
    ref = references.load("lavaan_modindices")
    out = ks.modification_indices(fits["complete"])
    assert len(out) == len(ref["mi"]) == 54
    assert (out.iloc[0]["lhs"], out.iloc[0]["rhs"]) == ("visual", "x9")
    for lhs, op, rhs, mi, epc in zip(ref["lhs"], ref["op"], ref["rhs"], ref["mi"], ref["epc"],
                                     strict=True):  # fmt: skip
        row = _row(out.assign(group=0), 0, lhs, op, rhs)
        assert row["mi"] == pytest.approx(mi, rel=1e-3, abs=1e-4)
        assert row["epc"] == pytest.approx(epc, rel=1e-3, abs=1e-4)
    with pytest.raises(ValueError, match="single-group"):
        ks.modification_indices(fits["metric"])
