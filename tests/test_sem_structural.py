"""Structural models in lavaan's syntax, against lavaan's own output (tests/reference/
lavaan_sem.R and its JSON result): Bollen's political democracy model as lavaan's tutorial
fits it (regressions between factors, residual covariances), the same with loadings made
equal across the two years by labels, and Holzinger-Swineford with freed markers, fixed
variances, a fixed covariance and a fixed residual variance, and with an ``==`` constraint.

On the flat likelihood of the labelled model lavaan stops a little short of the optimum
(its estimates give a larger discrepancy than ours: tested below), so parameters are
compared at 2e-3 relative and fit measures at 1e-5; the other models agree far closer."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import semopy

import ksresearch as ks
from tests import references

MODELS = ("tutorial", "labelled", "fixed", "constrained")


def _syntax(name: str) -> str:
    script = (references.HERE / "lavaan_sem.R").read_text()
    return re.search(rf'{name} <- "(.*?)"', script, re.S).group(1)


def _data(name: str) -> pd.DataFrame:
    if name in ("tutorial", "labelled"):
        return pd.read_csv(references.data("political_democracy.csv"))
    return semopy.examples.holzinger39.get_data()


@pytest.fixture(scope="module")
def fits() -> dict:
    return {name: ks.cfa(_data(name), _syntax(name)) for name in MODELS}


def _row(table: pd.DataFrame, lhs: str, op: str, rhs: str) -> pd.Series:
    here = table[(table["op"] == op) & (table["lhs"] == lhs) & (table["rhs"] == rhs)]
    if here.empty and op == "~~":
        here = table[(table["op"] == op) & (table["lhs"] == rhs) & (table["rhs"] == lhs)]
    assert len(here) == 1, (lhs, op, rhs)
    return here.iloc[0]


@pytest.mark.parametrize("name", MODELS)
def test_every_parameter_equals_lavaan(fits, name):
    ref = references.load("lavaan_sem")[name]["params"]
    ours = fits[name].parameters_
    assert len(ours) == len(ref["est"])
    labels = ref["label"] or [""] * len(ref["est"])  # lavaan leaves the column out when unused
    for i in range(len(ref["est"])):
        row = _row(ours, ref["lhs"][i], ref["op"][i], ref["rhs"][i])
        expected = [ref[k][i] for k in ("est", "se", "z", "low", "high")]
        got = row[["estimate", "se", "z", "ci_low", "ci_high"]].to_numpy(float)
        assert got == pytest.approx(expected, rel=2e-3, abs=1e-4), (ref["lhs"][i], ref["rhs"][i])
        assert row["p"] == pytest.approx(ref["p"][i], rel=1e-2, abs=1e-10)
        assert row["label"] == labels[i]


@pytest.mark.parametrize("name", MODELS)
def test_fit_measures_equal_lavaan(fits, name):
    ref = references.load("lavaan_sem")[name]["fit"]
    fit = fits[name].fit_
    assert fit["df"] == ref["df"] and fit["npar"] == ref["npar"]
    for ours, theirs in [("chi2", "chisq"), ("p", "pvalue"), ("cfi", "cfi"), ("tli", "tli"),
                         ("rmsea", "rmsea"), ("srmr", "srmr"), ("logl", "logl"), ("aic", "aic"),
                         ("bic", "bic")]:  # fmt: skip
        assert fit[ours] == pytest.approx(ref[theirs], rel=1e-5, abs=1e-8), ours


def test_where_lavaan_differs_our_estimates_fit_better(fits):
    """lavaan's estimates of the labelled model, put into our engine, give a discrepancy no
    smaller than ours: the differences are where lavaan stopped, not another optimum."""
    from ksresearch.stats.sem import _parameter_rows

    fitter, theta = fits["labelled"]._fitted
    ref = references.load("lavaan_sem")["labelled"]["params"]
    theirs = theta.copy()
    where = {(lhs, op, rhs): idx for _, lhs, op, rhs, idx in
             _parameter_rows(fitter, fitter.groups, False)}  # fmt: skip
    for lhs, op, rhs, est in zip(ref["lhs"], ref["op"], ref["rhs"], ref["est"], strict=True):
        theirs[where.get((lhs, op, rhs), where.get((rhs, op, lhs)))] = est
    assert fitter.objective(theta)[0] <= fitter.objective(theirs)[0]
    assert np.abs(theirs - theta).max() > 1e-5  # the test compares two different points


def test_labelled_parameters_are_one_and_named_by_their_label(fits):
    params = fits["labelled"].params_
    assert {"a", "b", "c"} <= set(params.index) and "dem60~ind60.g1" in params.index
    table = fits["labelled"].parameters_.set_index(["lhs", "op", "rhs"])
    assert (
        table.loc[("dem60", "=~", "y2"), "estimate"] == table.loc[("dem65", "=~", "y6"), "estimate"]
    )
    constrained = fits["constrained"].parameters_.set_index(["lhs", "op", "rhs"])
    assert constrained.loc[("visual", "=~", "x2"), "estimate"] == pytest.approx(
        constrained.loc[("visual", "=~", "x3"), "estimate"], abs=0
    )


def test_fixed_values_stay_fixed(fits):
    table = fits["fixed"].parameters_
    assert not ((table["lhs"] == "x1") & (table["rhs"] == "x1")).any()  # fixed: not a parameter
    assert fits["fixed"].factor_correlations_.loc["textual", "speed"] == 0
    assert fits["fixed"].loadings_.query("item == 'x1'")["estimate"].iloc[0] != 1.0  # freed


def test_the_summary_shows_the_regressions(fits):
    text = str(fits["tutorial"].summary())
    assert "dem65 ~ dem60" in text and "Loglikelihood" in text


def test_the_gradient_of_a_structural_model_is_the_derivative_of_its_discrepancy(fits):
    """The analytic gradient (beta through A = (I - B)^-1) against central differences."""
    fitter, theta = fits["labelled"]._fitted
    rng = np.random.default_rng(1)
    point = theta + rng.normal(0, 0.05, len(theta))
    analytic = fitter.objective(point)[1]
    numeric = np.array([(fitter.objective(point + e)[0] - fitter.objective(point - e)[0]) / 2e-6
                        for e in np.eye(len(point)) * 1e-6])  # fmt: skip
    assert analytic == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_the_syntax_reads_back():
    model = ks.parse_model(_syntax("labelled"))
    assert ks.parse_model(model.syntax()).syntax() == model.syntax()
    assert "dem60 =~ y1 + a*y2 + b*y3 + c*y4" in model.syntax()


@pytest.mark.parametrize(
    ("syntax", "message"),
    [
        ("f =~ x1 + x2 + x3\nx4 ~ f", r"regressions are between two different factors"),
        ("f =~ NA*x1 + x2 + x3", r"factor 'f' has no scale"),
        ("f =~ x1 + a*x2 + x3\na == b", r"unknown label\(s\) \['b'\]"),
        ("f =~ x1 + x2 + x3\nf ~~ x1", r"must join two indicators or two factors"),
        ("f =~ x1 + 2a*x2", r"cannot read '2a\*x2'"),
    ],
)
def test_models_lavaan_would_refuse_get_a_clear_error(syntax, message):
    with pytest.raises(ValueError, match=message):
        ks.parse_model(syntax)


def test_ordered_items_refuse_what_wlsmv_does_not_fit():
    data = pd.read_csv(references.data("ordinal.csv"))
    items = list(data.columns[:3])
    with pytest.raises(ValueError, match=r"regressions, fixed values, freed markers and labels"):
        ks.cfa(data, f"f =~ {items[0]} + a*{items[1]} + a*{items[2]}", ordered=True)
