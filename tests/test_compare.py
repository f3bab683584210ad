"""Group comparisons, proportions and trends against scipy, pingouin and statsmodels, and
the company-adjusted shift-work effect against the synthetic truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

import ksresearch as ks


@pytest.fixture(scope="module")
def two_groups():
    rng = np.random.default_rng(11)
    return pd.DataFrame(
        {
            "g": np.repeat([1, 2], [60, 80]),
            "y": np.r_[rng.normal(3, 1, 60), rng.normal(3.5, 1.3, 80)],
            "z": rng.normal(0, 1, 140),
            "company": np.tile(list("abcdefg"), 20),
        }
    )


def test_two_group_statistics_match_references(two_groups):
    out = ks.compare_groups(two_groups, ["y", "z"], "g", cluster="company")
    a = two_groups.loc[two_groups.g == 1, "y"].to_numpy()
    b = two_groups.loc[two_groups.g == 2, "y"].to_numpy()
    t = stats.ttest_ind(b, a, equal_var=False)
    row = out.loc["y"]
    assert row["t"] == pytest.approx(t.statistic) and row["p"] == pytest.approx(t.pvalue)
    assert row["diff_low"] == pytest.approx(t.confidence_interval().low)
    # pingouin's J is the approximation 1 - 3 / (4 N - 9); ours is exact, as effectsize
    # (tests/test_r_compare.py checks g and its noncentral-t interval against effectsize)
    assert row["hedges_g"] == pytest.approx(pg.compute_effsize(b, a, eftype="hedges"), rel=1e-5)
    mwu = pg.mwu(b, a)
    assert row["mw_p"] == pytest.approx(mwu["p_val"].iloc[0]) and row[
        "rank_biserial"
    ] == pytest.approx(mwu["RBC"].iloc[0])
    from statsmodels.stats.multitest import multipletests

    assert out["p_adj"].tolist() == pytest.approx(
        multipletests(out["p"], method="holm")[1].tolist()
    )


def test_more_groups_use_anova_and_kruskal():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {"g": np.repeat([1, 2, 3], 30), "y": rng.normal(np.repeat([0, 0.5, 1], 30), 1)}
    )
    out = ks.compare_groups(df, ["y"], "g", cluster=None, adjust="bh").loc["y"]
    samples = [df.y[df.g == k] for k in (1, 2, 3)]
    assert out["f"] == pytest.approx(stats.f_oneway(*samples).statistic)
    assert out["kw_p"] == pytest.approx(stats.kruskal(*samples).pvalue)
    aov = pg.anova(data=df, dv="y", between="g", effsize="n2")
    assert out["eta2"] == pytest.approx(aov["n2"].iloc[0])


def test_company_adjusted_difference_is_within_company():
    # group 2 sits in the high-y company: the raw gap is all between companies
    df = pd.DataFrame(
        {"company": ["a"] * 40 + ["b"] * 40, "g": [1] * 30 + [2] * 10 + [1] * 10 + [2] * 30}
    )
    df["y"] = np.where(df.company == "b", 5.0, 1.0) + np.tile([0.1, -0.1], 40)
    out = ks.compare_groups(df, ["y"], "g", cluster="company").loc["y"]
    assert out["diff"] > 1.5 and abs(out["adjusted_diff"]) < 0.05


def test_shift_work_stress_recovers_the_truth_after_company_adjustment(demo_data):
    survey = ks.load(2025, demo_data)
    out = ks.shift_work(survey)
    stress = out.loc["stress_index"]
    assert stress["adjusted_low"] > 0  # shift workers are more stressed within companies
    assert stress["adjusted_diff"] > stress["diff"]  # the raw gap is confounded by company
    sd = ks.prepare(survey)["stress_index"].std()
    truth = json.loads((demo_data / "raw" / "2025" / "truth.json").read_text())["shift_work"]
    # latent effect 0.40 sd, attenuated by the scale's reliability
    assert (
        0.5 * truth["stress_effect_within_company"]
        < stress["adjusted_diff"] / sd
        < truth["stress_effect_within_company"]
    )
    for other in ("satisfaction_index", "involvement_index", "leadership_index"):
        assert out.loc[other, "adjusted_low"] < 0 < out.loc[other, "adjusted_high"]


def test_noninvariant_outcomes_are_flagged(two_groups):
    out = ks.compare_groups(two_groups, ["y", "z"], "g", cluster="company", noninvariant={"y"})
    assert out["comparable"].tolist() == [False, True]


def test_proportions_wilson_and_chi_square():
    from statsmodels.stats.proportion import proportion_confint

    df = pd.DataFrame(
        {"g": ["a"] * 50 + ["b"] * 70, "y": [1] * 20 + [0] * 30 + [1] * 49 + [0] * 21}
    )
    out = ks.compare_proportions(df, "y", "g")
    assert out.loc["a", "share"] == 0.4
    assert (out.loc["b", "ci_low"], out.loc["b", "ci_high"]) == pytest.approx(
        proportion_confint(49, 70, method="wilson")
    )
    chi = stats.chi2_contingency([[20, 30], [49, 21]], correction=False)
    assert out.attrs["chi2"] == pytest.approx(chi.statistic) and out.attrs["p"] == pytest.approx(
        chi.pvalue
    )


def test_trend_between_years(demo_data):
    cur = ks.prepare(ks.load(2025, demo_data))
    prev = ks.prepare(ks.load(2024, demo_data))
    outcomes = ["involvement_index", "technology_index", "leadership_index"]
    out = ks.trend(cur, prev, outcomes)
    t = stats.ttest_ind(
        cur["involvement_index"].dropna(), prev["involvement_index"].dropna(), equal_var=False
    )
    assert out.loc["involvement_index", "p"] == pytest.approx(t.pvalue)
    # the generator raised technology (+0.15 sd) and involvement (+0.10 sd) in 2025
    assert out.loc["technology_index", "change_low"] > 0
    assert out.loc["involvement_index", "change"] > 0
    flagged = ks.trend(cur, prev, outcomes, noninvariant={"technology_index"})
    assert not flagged.loc["technology_index", "comparable"] and np.isnan(
        flagged.loc["technology_index", "change"]
    )
    by_role = ks.trend(cur, prev, ["involvement_index"], segment="role")
    assert set(by_role.index.get_level_values("role")) == {1, 2, 3, 4}


def test_bad_input():
    df = pd.DataFrame({"g": [1, 1, 1], "y": [1.0, 2, 3]})
    with pytest.raises(ValueError, match="has 1 level"):
        ks.compare_groups(df, ["y"], "g", cluster=None)
    with pytest.raises(ValueError, match=r"outcomes not in the data: \['q'\]"):
        ks.compare_groups(df, ["q"], "g", cluster=None)
    with pytest.raises(ValueError, match="adjust must be one of"):
        ks.compare_groups(
            df.assign(g=[1, 2, 2]), ["y"], "g", cluster=None, adjust="sidak", min_group_size=1
        )
    with pytest.raises(ValueError, match="must be binary"):
        ks.compare_proportions(df, "y", "g")


@pytest.mark.parametrize("n", [1200, 20000])
def test_hedges_g_holds_for_a_large_negative_difference(n):
    """1,200 against 1,200 with d = -0.5 failed (scipy's noncentral t is NaN deep in its lower
    tail); effectsize::hedges_g gives [-0.58, -0.42]. The interval agrees with the
    large-sample one, g +/- z sqrt(1/nx + 1/ny + g^2 / (2 df)), and is the mirror image of
    the positive difference's."""
    from ksresearch.stats.compare import hedges_g

    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(n), rng.standard_normal(n)
    x = (x - x.mean()) / x.std(ddof=1)
    y = (y - y.mean()) / y.std(ddof=1) + 0.5
    g, low, high = _three(hedges_g(x, y))
    half = 1.959964 * np.sqrt(2 / n + g**2 / (2 * (2 * n - 2)))
    assert (low, high) == pytest.approx((g - half, g + half), abs=2e-3)
    if n == 1200:
        assert (round(low, 2), round(high, 2)) == (-0.58, -0.42)
    assert _three(hedges_g(y, x)) == pytest.approx((-g, -high, -low))


def test_a_reference_group_turns_the_difference_and_the_adjusted_p_is_corrected_too():
    rng = np.random.default_rng(8)
    n = 240
    df = pd.DataFrame({
        "g": np.repeat([1.0, 2.0], n // 2),
        "c": np.tile(np.repeat(list("abcdefgh"), 15), 2),
        "y": rng.normal(size=n), "z": rng.normal(size=n),
    })  # fmt: skip
    df.loc[df["g"] == 2.0, "y"] += 0.8
    base = ks.compare_groups(df, ["y", "z"], "g", cluster="c")
    turned = ks.compare_groups(df, ["y", "z"], "g", cluster="c", reference=2)
    assert turned["diff"].to_numpy() == pytest.approx(-base["diff"].to_numpy())
    assert turned["adjusted_diff"].to_numpy() == pytest.approx(-base["adjusted_diff"].to_numpy())
    assert turned.loc["y", "groups"] == "2 vs 1" and "n_2" in turned.columns
    assert base["adjusted_p_adj"].to_numpy() == pytest.approx(
        ks.stats.multitest.adjust_p(base["adjusted_p"].to_numpy(), "holm")
    )
    with pytest.raises(ValueError, match="reference 3 is not a level"):
        ks.compare_groups(df, ["y"], "g", reference=3)


def test_the_former_company_argument_still_works_with_a_warning(two_groups):
    """cluster= is the column's name in every stats function; company= is read as it for a
    while, saying so, and giving both is an error."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name warns of nothing
        new = ks.compare_groups(two_groups, ["y"], "g", cluster="company")
    with pytest.warns(FutureWarning, match=r"compare_groups\(\): company= is now cluster="):
        old = ks.compare_groups(two_groups, ["y"], "g", company="company")
    pd.testing.assert_frame_equal(new, old)
    with pytest.raises(TypeError, match="both company= and cluster="):
        ks.compare_groups(two_groups, ["y"], "g", company="company", cluster="company")


def _three(table):
    """(g, low, high) of :func:`ksresearch.hedges_g`'s one row."""
    return tuple(table.iloc[0][["hedges_g", "ci_low", "ci_high"]].astype(float))


def test_levels_can_name_the_columns(two_groups):
    """names= puts a level's name in the columns (n_shift, not n_1); codes stay the default,
    and a name that is no identifier, or two levels under one name, is refused."""
    levels = sorted(two_groups["g"].unique())
    named = ks.compare_groups(two_groups, ["y"], "g", names={levels[0]: "day", levels[1]: "shift"})
    plain = ks.compare_groups(two_groups, ["y"], "g")
    assert {"n_day", "mean_shift"} <= set(named.columns)
    assert named["mean_shift"].iloc[0] == plain[f"mean_{levels[1]}"].iloc[0]
    with pytest.raises(ValueError, match="identifiers"):
        ks.compare_groups(two_groups, ["y"], "g", names={levels[0]: "day shift"})
    with pytest.raises(ValueError, match="share a column name"):
        ks.compare_groups(two_groups, ["y"], "g", names={levels[0]: "x", levels[1]: "x"})
