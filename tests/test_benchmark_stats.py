"""The benchmark's statistics: the clustered standard error, its coverage under company random
effects, Holm-controlled labels with a minimum size, and empirical-Bayes percentile ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as scipy_stats

import ksresearch as ks
from ksresearch import config
from ksresearch.stats.benchmark import clustered_mean_se, label_differences, shrunken_ranks
from ksresearch.stats.multitest import adjust_p, holm_adjust
from ksresearch.study import benchmarking


@pytest.fixture(scope="module")
def survey(demo_data):
    return ks.load(2025, demo_data)


def test_clustered_se_equals_statsmodels_cluster_robust():
    rng = np.random.default_rng(4)
    groups = rng.integers(0, 15, 400)
    y = rng.normal(50, 15, 400) + rng.normal(0, 6, 15)[groups]
    fit = sm.OLS(y, np.ones(len(y))).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert clustered_mean_se(y, groups) == pytest.approx(fit.bse[0], rel=1e-12)


def _simulated_difference(rng, n_companies=30, tau=5.0, sigma=15.0):
    """One survey with company random effects; the first company is benchmarked. The truth:
    its own effect (the pool's expectation over companies is the grand mean)."""
    effects = rng.normal(0, tau, n_companies)
    sizes = rng.integers(10, 150, n_companies)
    company = np.repeat(np.arange(n_companies), sizes)
    y = 60 + effects[company] + rng.normal(0, sigma, len(company))
    others = pd.DataFrame({"y": y[company != 0], "company": company[company != 0]})
    pool, se_pool, _ = benchmarking._pool(others, "y", "company", "company", "respondent", 5)
    own = y[company == 0]
    se = np.hypot(benchmarking._se(own, "mean"), se_pool)
    return own.mean() - pool, se, effects[0]


@pytest.mark.slow
def test_benchmark_interval_covers_the_true_difference_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    hits = []
    for _ in range(2000):
        diff, se, truth = _simulated_difference(rng)
        hits.append(abs(diff - truth) <= 1.959964 * se)
    assert 0.93 <= np.mean(hits) <= 0.97


def test_the_pool_error_without_clustering_would_undercover():
    """The reason for the clustered error: the respondent-level error is far too small."""
    rng = np.random.default_rng(5)
    naive, clustered = [], []
    for _ in range(300):
        effects = rng.normal(0, 5, 30)
        company = np.repeat(np.arange(30), 80)
        y = effects[company] + rng.normal(0, 15, len(company))
        naive.append(np.std(y, ddof=1) / np.sqrt(len(y)))
        clustered.append(clustered_mean_se(y, company))
    assert np.mean(clustered) > 1.5 * np.mean(naive)


def test_labels_need_holm_and_the_minimum_size_and_never_judge_a_description():
    diff = pd.Series([8.0, 8.0, 3.0, -9.0, 12.0, -7.0], index=list("abcdef"))
    p = pd.Series([0.001, 0.02, 0.0001, 0.0001, 0.0001, 0.0001], index=diff.index)
    direction = pd.Series([1, 1, 1, -1, 0, 1], index=diff.index)
    out = label_differences(diff, p, direction, pd.Series(5.0, index=diff.index))
    holm = out["p_holm"]
    assert holm["a"] == pytest.approx(0.001 * 2)  # the second largest p of six: times 2
    assert holm["b"] == pytest.approx(0.02) and out.loc["b", "assessment"] == "strength"
    assert out.loc["c", "assessment"] == "on par"  # significant but under 5 points
    assert out.loc["d", "assessment"] == "strength"  # lower is better, and it is lower
    assert out.loc["e", "assessment"] == "higher"  # descriptive: no judgement
    assert out.loc["f", "assessment"] == "weakness"
    many = pd.Series([0.01] * 10)  # each 1 % raw, but ten tests: Holm .1
    labels = label_differences(many * 1000, many, pd.Series([1] * 10), pd.Series([5.0] * 10))
    assert (labels["assessment"] == "on par").all()


def test_benchmark_labels_follow_the_rule(survey):
    eligible = ks.eligible_companies(survey)
    for company in eligible[eligible["eligible"]].index:
        bench = ks.benchmark(survey, company)
        descriptive = bench[bench["direction"] == 0]
        assert {"edu_relevant", "ai_user"} <= set(descriptive.index)
        assert not descriptive["assessment"].isin(["strength", "weakness"]).any()
        labelled = bench[bench["assessment"].isin(["strength", "weakness", "higher", "lower"])]
        assert (labelled["p_holm"] < 0.05).all()
        minimum = np.where(labelled.index == "enps", 2, 1) * config.MIN_BENCHMARK_DIFF
        assert (labelled["diff"].abs() >= minimum).all()
        good = bench["assessment"] == "strength"
        assert (np.sign(bench.loc[good, "diff"]) == bench.loc[good, "direction"]).all()
        assert (
            bench.loc["stress", "direction"] == -1 and bench.loc["quit_intent", "direction"] == -1
        )


def test_no_percentile_under_min_percentile_n(survey):
    eligible = ks.eligible_companies(survey)
    small = eligible[eligible["n"].between(5, config.MIN_PERCENTILE_N - 1)].index
    large = eligible[eligible["n"] >= config.MIN_PERCENTILE_N].index
    assert len(small) and len(large) > benchmarking.MIN_COMPANIES_FOR_RANK
    assert ks.benchmark(survey, small[0])["percentile"].isna().all()
    ranked = ks.benchmark(survey, large[0])
    shown = ranked["percentile"].notna()
    assert shown.any()
    inside = ranked.loc[shown, "percentile_low"] <= ranked.loc[shown, "percentile"]
    assert (
        inside & (ranked.loc[shown, "percentile"] <= ranked.loc[shown, "percentile_high"])
    ).all()


def test_every_report_shows_its_row_of_the_same_ranks_computed_by_hand(survey):
    ranks = ks.benchmark_ranks(survey)
    df = ks.prepare(survey)
    sizes = df.dropna(subset=["stress_index"]).groupby("company").size()
    big = sorted(sizes[sizes >= config.MIN_PERCENTILE_N].index)
    y = [df.loc[df["company"] == c, "stress_index"].dropna() for c in big]
    means = pd.Series([v.mean() for v in y], index=big)
    ses = pd.Series([v.std(ddof=1) / np.sqrt(len(v)) for v in y], index=big)
    by_hand = shrunken_ranks(means, ses, direction=-1)  # less stress ranks above
    pd.testing.assert_frame_equal(ranks.loc["stress"], by_hand, check_names=False)
    for company in big[:3]:  # each company's benchmark reads its own row
        bench = ks.benchmark(survey, company)
        row = by_hand.loc[company, ["percentile", "percentile_low", "percentile_high"]]
        if row["percentile_high"] - row["percentile_low"] > config.MAX_PERCENTILE_SPAN:
            assert bench.loc["stress", row.index].isna().all()  # too wide to be shown
        else:
            assert bench.loc["stress", row.index].tolist() == pytest.approx(row.tolist())


def test_shrunken_ranks_by_the_formula_and_in_the_good_direction():
    values = pd.Series([40.0, 50, 60, 70, 80], index=list("abcde"))
    se = pd.Series([10.0, 2, 2, 2, 10], index=values.index)
    out = shrunken_ranks(values, se)
    tau2 = np.var(values, ddof=1) - np.mean(se**2)
    b = tau2 / (tau2 + se**2)
    assert out["shrunken"].to_numpy() == pytest.approx(60 + b * (values - 60))
    assert out.loc["e", "shrunken"] < 80 and out.loc["a", "shrunken"] > 40  # noisy ends pulled in
    reverse = shrunken_ranks(values, se, direction=-1)  # lower is better: "a" is best
    assert reverse.loc["a", "percentile"] == 100 and reverse.loc["e", "percentile"] == 0
    flat = shrunken_ranks(pd.Series([50.0, 51, 49]), pd.Series([5.0, 5, 5]))  # no real spread
    assert (flat["percentile"] == 50).all()


def test_holm_equals_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(2).uniform(0, 0.2, 17)
    p[[3, 9]] = p[5]  # ties
    assert holm_adjust(p) == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)


def test_holm_counts_only_the_tests_made_as_r_does():
    """A missing p (no test: too few answers) is no comparison to correct for: R's
    ``p.adjust(c(.01, NA, .03, .02), "holm")`` gives 0.03 NA 0.04 0.04 (counting the NA as a
    test gave 0.04 NA 0.06 0.06, and hid differences that hold)."""
    out = holm_adjust(np.array([0.01, np.nan, 0.03, 0.02]))
    assert np.isnan(out[1])
    assert out[[0, 2, 3]] == pytest.approx([0.03, 0.04, 0.04], abs=1e-15)
    assert np.isnan(holm_adjust(np.array([np.nan, np.nan]))).all()
    assert holm_adjust(np.array([])).shape == (0,)


@pytest.mark.parametrize("method", ["bh", "bonferroni", "holm"])
def test_every_adjustment_equals_statsmodels_and_counts_only_the_tests_made(method):
    """One NaN-aware mechanism for every caller: statsmodels' numbers where every p is
    there, and R's p.adjust where some are missing (``p.adjust(c(.01, NA, .03, .02), "BH")``
    gives 0.03 NA 0.03 0.03; "bonferroni" 0.03 NA 0.09 0.06)."""
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(3).uniform(0, 0.3, 23)
    p[[4, 11]] = p[7]  # ties
    name = {"bh": "fdr_bh"}.get(method, method)
    assert adjust_p(p, method) == pytest.approx(multipletests(p, method=name)[1], abs=1e-15)
    with_missing = adjust_p([0.01, np.nan, 0.03, 0.02], method)
    r = {"bh": [0.03, 0.03, 0.03], "bonferroni": [0.03, 0.09, 0.06], "holm": [0.03, 0.04, 0.04]}
    assert np.isnan(with_missing[1])
    assert with_missing[[0, 2, 3]] == pytest.approx(r[method], abs=1e-15)
    assert adjust_p([0.2, np.nan], "none")[0] == 0.2
    with pytest.raises(ValueError, match="adjust must be one of"):
        adjust_p([0.1], "sidak")


def test_a_difference_clear_alone_but_not_over_all_comparisons_reads_not_clear(survey):
    """Issue 24: one company's theme index moved so that its difference lies between the
    one-at-a-time and the simultaneous interval's reach. The label is «not clear», never
    «on par» beside an interval that leaves out 0; the table prints it in words with the
    interval the label used, and the figure draws that interval and the same words."""
    import dataclasses

    from ksresearch.report import plots, present
    from ksresearch.study.prepare import prepare

    eligible = ks.eligible_companies(survey)
    z_one = 1.959964
    planted = None
    for company in eligible[eligible["eligible"]].sort_values("n").index:
        bench = ks.benchmark(survey, company)
        k = int(bench["p"].notna().sum())
        z_all = float(scipy_stats.norm.ppf(1 - 0.05 / (2 * k)))
        se = (bench["diff_high"] - bench["diff"]) / z_all
        for measure in [c for c in survey.codebook.constructs if c in bench.index]:
            s_m = se.get(measure)
            target = max(config.MIN_BENCHMARK_DIFF + 0.5, (z_one + z_all) / 2 * (s_m or 0))
            if s_m and z_one * s_m < target < z_all * s_m - 0.3:
                planted = company, measure, target - bench.at[measure, "diff"]
                break
        if planted:
            break
    assert planted, "no company with a wide enough interval to plant in"
    company, measure, shift = planted

    moved = dataclasses.replace(survey, cache={})
    prepare(moved)
    (key,) = [k for k in moved.cache if k[0] == "prepare" and k[1]]
    frame = moved.cache[key]
    own = frame[survey.codebook.role("company")] == company
    frame.loc[own, f"{measure}_index"] += shift
    bench = ks.benchmark(moved, company)
    row = bench.loc[measure]
    one_at_a_time = row["diff"] - z_one * (row["diff_high"] - row["diff"]) / z_all
    assert row["assessment"] == "not clear"
    assert row["diff_low"] < 0 < row["diff_high"] and one_at_a_time > 0
    assert abs(row["diff"]) >= config.MIN_BENCHMARK_DIFF

    words = present.text("not clear", "en")
    columns = ["company", "pool", "diff", "diff_low", "diff_high", "assessment"]
    page = present.table(bench, "en", columns=columns).to_html()
    line = next(tr for tr in page.split("<tr") if measure in tr)
    for value in (row["diff_low"], row["diff_high"]):
        assert present.fmt_number(value, "en", 1) in line
    assert words in line

    fig = plots.benchmark_diffs(bench, lang="en")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    y = names.index(measure)
    said = [t for t in ax.texts if t.get_text() == words]
    assert [round(t.get_position()[1]) for t in said] == [y]
    (segments,) = [c.get_segments() for c in ax.collections if len(c.get_segments()) == len(names)]
    (x0, _), (x1, _) = segments[y]
    assert (x0, x1) == pytest.approx((row["diff_low"], row["diff_high"]))
