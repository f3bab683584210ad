"""CFA and measurement invariance beyond the lavaan reference files (tests/test_r_lavaan.py):
semopy as a second implementation, brute-force likelihoods, and the error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import semopy

import ksresearch as ks

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def hs():
    return semopy.examples.holzinger39.get_data()


@pytest.fixture(scope="module")
def fit(hs):
    return ks.cfa(hs, HS)


def test_cfa_agrees_with_semopy(hs, fit):
    model = semopy.Model(HS)
    model.fit(hs)
    ref = semopy.calc_stats(model).T["Value"]
    assert fit.fit_["chi2"] == pytest.approx(ref["chi2"], rel=1e-4)
    assert fit.fit_["cfi"] == pytest.approx(ref["CFI"], abs=1e-4)
    assert fit.fit_["tli"] == pytest.approx(ref["TLI"], abs=1e-4)
    # semopy's RMSEA divides by N - 1; lavaan (and ksresearch) by N
    n = fit.fit_["n"]
    assert fit.fit_["rmsea"] == pytest.approx(ref["RMSEA"] * np.sqrt((n - 1) / n), abs=1e-5)


def test_invariance_verdict(hs):
    # the fit of each level equals lavaan/semTools (tests/test_r_lavaan.py); the verdict
    # follows: metric holds (delta CFI .002), scalar does not (.038)
    mi = ks.invariance(hs, HS, group="school")
    assert mi.table_["holds"].tolist() == [True, True, False]
    assert mi.verdict_ == "metric"


def test_a_configural_model_that_does_not_fit_stops_the_invariance_tests(hs):
    one_factor = "g =~ " + " + ".join(f"x{i}" for i in range(1, 10))
    mi = ks.invariance(hs, one_factor, group="school")
    configural = mi.table_.loc["configural"]
    assert configural["cfi"] < 0.90 and not configural["holds"]
    assert mi.verdict_ == "none"  # metric and scalar are not judged on a model that fails
    lenient = ks.invariance(
        hs, one_factor, group="school", min_configural_cfi=0.5, max_configural_rmsea=0.5
    )
    assert lenient.table_.loc["configural", "holds"]


def test_metric_model_really_equates_loadings(hs):
    fit = ks.cfa(hs, HS, group="school", level="metric")
    est = fit.loadings_.pivot_table(index="item", columns="group", values="estimate")
    np.testing.assert_allclose(est["Pasteur"], est["Grant-White"])
    free = ks.cfa(hs, HS, group="school", level="configural").loadings_
    est_free = free.pivot_table(index="item", columns="group", values="estimate")
    assert not np.allclose(est_free["Pasteur"], est_free["Grant-White"], atol=1e-3)


def test_residual_covariance_and_listwise_deletion(hs):
    data = hs.copy()
    data.loc[data.index[:5], "x1"] = np.nan
    fit = ks.cfa(data, HS + "\nx7 ~~ x8")
    assert fit.fit_["df"] == 23 and fit.fit_["n"] == 296 and fit.fit_["n_dropped"] == 5
    assert fit.fit_["chi2"] < 85


def test_model_from_codebook_and_parse_model():
    cb = ks.load_codebook(ks.config.codebook_path(2025))
    syntax = ks.model_from_codebook(cb, ["stress", "ai_usefulness"])
    assert syntax == "stress =~ str_1 + str_2 + str_3\nai_usefulness =~ ai_useful_1 + ai_useful_2"
    model = ks.parse_model("# comment\nf =~ a + b + c ; g =~ d + e\n a ~~ d")
    assert model.items == ["a", "b", "c", "d", "e"] and model.residual_covariances == (("a", "d"),)


@pytest.mark.parametrize(
    ("model", "kwargs", "message"),
    [
        ("visual =~ x1 + x2 + x99", {}, r"not in the data: \['x99'\]"),
        ("visual =~ x1", {}, r"at least two indicators"),
        ("visual ~ x1 + x2", {}, r"defines no factor"),
        ("", {}, r"model is empty"),
        (HS, {"group": "nope"}, r"group column 'nope' is not in the data"),
        (HS, {"level": "metric"}, r"needs a group column"),
        (HS, {"group": "school", "level": "strict"}, r"level must be one of"),
    ],
)
def test_bad_models_raise_clear_errors(hs, model, kwargs, message):
    with pytest.raises(ValueError, match=message):
        ks.cfa(hs, model, **kwargs)


def test_small_group_and_constant_item_are_refused(hs):
    small = pd.concat([hs[hs.school == "Pasteur"], hs[hs.school == "Grant-White"].head(6)])
    with pytest.raises(ValueError, match=r"group 'Grant-White' has 6 complete cases; at least 10"):
        ks.invariance(small, HS, "school")
    with pytest.raises(ValueError, match=r"constant items in group 'all': \['x1'\]"):
        ks.cfa(hs.assign(x1=1.0), HS)


def test_improper_solution_is_flagged_with_a_heywood_warning_and_nothing_else(hs):
    import warnings

    from ksresearch.stats.diagnostics import HeywoodWarning

    rng = np.random.default_rng(5)
    small = hs.sample(25, random_state=5).copy()
    small["x3"] = rng.normal(size=25)  # an indicator unrelated to its factor, in a tiny sample
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = ks.cfa(small, HS)
    assert caught and all(w.category is HeywoodWarning for w in caught), [
        str(w.message) for w in caught
    ]
    negative = [i for i in fit.model_.items if fit.params_.get(f"{i}~~{i}.g1", 0) < 0]
    assert negative and all(i in str(caught[0].message) for i in negative)  # names the items
    assert fit.fit_["improper"]
    assert (fit.params_.filter(like="~~").to_numpy() < 0).any()  # a negative variance estimate
    assert not ks.cfa(hs, HS).fit_["improper"]


def _casewise_nll(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> float:
    """-log L computed row by row on each respondent's answered items: no patterns, no EM."""
    from scipy import stats

    total = 0.0
    for row in x:
        o = ~np.isnan(row)
        total -= stats.multivariate_normal.logpdf(row[o], mean[o], cov[np.ix_(o, o)])
    return total


def test_fiml_is_the_casewise_maximum_likelihood():
    from ksresearch.stats import sem

    rng = np.random.default_rng(4)
    n = 200
    f = rng.standard_normal(n)
    x = np.outer(f, [1.0, 0.8, 0.7, 0.6]) + rng.standard_normal((n, 4)) * np.sqrt(
        [0.5, 0.6, 0.7, 0.8]
    )
    x += [3, 2, 1, 0]
    x[rng.uniform(size=x.shape) < 0.15] = np.nan
    df = pd.DataFrame(x, columns=list("abcd"))
    fit = ks.cfa(df, "f =~ a + b + c + d", missing="fiml")
    assert fit.fit_["fiml"] == 1 and fit.fit_["n"] == n and fit.fit_["df"] == 2

    def implied(t):  # loadings b, c, d; factor variance; residual variances; intercepts
        lam = np.r_[1.0, t[:3]]
        return t[8:12], t[3] * np.outer(lam, lam) + np.diag(t[4:8])

    est = fit.params_.to_numpy()
    names = list(fit.params_.index)
    order = [
        names.index(k)
        for k in (
            "f=~b.g1",
            "f=~c.g1",
            "f=~d.g1",
            "f~~f.g1",
            "a~~a.g1",
            "b~~b.g1",
            "c~~c.g1",
            "d~~d.g1",
            "a~1.g1",
            "b~1.g1",
            "c~1.g1",
            "d~1.g1",
        )
    ]
    t = est[order]
    # a stationary point of the independently computed likelihood (brute force reaches it too:
    # loadings 0.9533, 0.6084, 0.6032 and chi-square 1.9393, checked once; 70 s)
    h = 1e-5
    grad = [
        (_casewise_nll(x, *implied(t + h * e)) - _casewise_nll(x, *implied(t - h * e))) / (2 * h)
        for e in np.eye(len(t))
    ]
    assert np.abs(grad).max() < 1e-3
    np.testing.assert_allclose(
        fit.loadings_["estimate"].to_numpy()[1:], [0.9533, 0.6084, 0.6032], atol=1e-4
    )
    # chi-square = 2 (log L of the saturated model by EM - log L of the model)
    groups, _ = sem._groups(df, list("abcd"), None, "fiml")
    saturated = _casewise_nll(x, groups[0].mean, groups[0].cov)
    assert fit.fit_["chi2"] == pytest.approx(
        2 * (_casewise_nll(x, *implied(t)) - saturated), abs=1e-6
    )


def test_fiml_keeps_everyone_and_equals_ml_on_complete_data(hs):
    assert ks.cfa(hs, HS, missing="fiml").fit_["chi2"] == pytest.approx(85.306, abs=1e-3)
    rng = np.random.default_rng(1)
    holes = hs.copy()
    items = [f"x{i}" for i in range(1, 10)]
    holes[items] = holes[items].mask(rng.uniform(size=(len(hs), 9)) < 0.12)
    listwise = ks.cfa(holes, HS)
    fiml = ks.cfa(holes, HS, missing="fiml")
    assert listwise.fit_["n"] < 120 and fiml.fit_["n"] == 301
    mi = ks.invariance(holes, HS, "school", missing="fiml")
    assert mi.table_["df"].tolist() == [48, 54, 60] and mi.table_["chi2"].is_monotonic_increasing
    with pytest.raises(ValueError, match="missing must be 'listwise' or 'fiml'"):
        ks.cfa(hs, HS, missing="pairwise")


def test_fit_measures_are_numbers_a_researcher_can_round():
    """``fit_`` held a text ("missing") and truth values, so ``fit_.round(3)`` raised; now
    every entry is a float (the flags 1 or 0), in ML, FIML and WLSMV fits alike."""
    rng = np.random.default_rng(4)
    f = rng.standard_normal((400, 1))
    x = pd.DataFrame(
        f @ np.ones((1, 4)) * 0.8 + rng.standard_normal((400, 4)), columns=list("abcd")
    )
    ml = ks.cfa(x, "f =~ a + b + c + d")
    x.iloc[:40, 0] = np.nan
    fiml = ks.cfa(x, "f =~ a + b + c + d", missing="fiml")
    ordered = ks.cfa(
        x.dropna().apply(lambda c: pd.cut(c, 4, labels=False)), "f =~ a + b + c + d", ordered=True
    )
    for fit in (ml, fiml, ordered):
        assert fit.fit_.dtype == float
        assert fit.fit_.round(3)["cfi"] <= 1 and fit.fit_["converged"] == 1
    assert ml.fit_["fiml"] == 0 and fiml.fit_["fiml"] == 1


def test_both_engines_name_their_parameters_alike():
    """One parameter layout: the ML and the WLSMV engine write a model's loadings and factor
    (co)variances by the same names, groups numbered from 1 as lavaan does."""
    rng = np.random.default_rng(12)
    n = 600
    f = rng.normal(size=n)
    x = 0.8 * f[:, None] + rng.normal(size=(n, 4))
    ordinal = pd.DataFrame(np.digitize(x, [-1.0, 0.0, 1.0]) + 1, columns=list("abcd"))
    ordinal["g"] = np.repeat(["x", "y"], n // 2)
    model = "f =~ a + b + c + d"
    ml = ks.CFA(model, group="g").fit(ordinal)
    wlsmv = ks.CFA(model, group="g", ordered=True).fit(ordinal)
    structural = [name for name in ml.params_.index if "=~" in name or name.startswith("f~~f")]
    assert structural == [name for name in wlsmv.params_.index if name in set(structural)]
    assert "f=~b.g1" in structural and "f=~b.g2" in structural
