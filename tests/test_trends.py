"""Trends within companies: the change planted in synth is recovered, an unchanged construct is
not flagged, and a change in which companies took part does not pass for a change."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ksresearch as ks

PLANTED = ("technology", "involvement")  # synth's year change in 2025 (latent SD units)


def _expected_index_change(truth: dict, construct: str, items: list[str]) -> float:
    """The 0-100 index change the synthetic model implies: each item is
    clip(round(mean + lambda L + sqrt(1 - lambda^2) e), 1, 5) with L ~ N(delta, 1 + company
    sd^2); the index is (mean item - 1) / 4 * 100."""
    delta = truth["year_change_vs_2024"][construct]
    mean = truth["item_means"][construct]
    cuts = np.arange(1.5, 5.5)  # answer k for mean + star in [k - .5, k + .5)

    def expected(shift: float, lam: float) -> float:
        sd = np.sqrt(lam**2 * (1 + truth["company_sd"] ** 2) + 1 - lam**2)
        below = stats.norm.cdf((cuts - mean - lam * shift) / sd)
        return 1 + (1 - below).sum()  # E[x] = 1 + sum_k P(x > k)

    lams = [truth["item_loadings"][i] for i in items]
    change = np.mean([expected(delta, lam) - expected(0.0, lam) for lam in lams])
    return change / 4 * 100


@pytest.fixture(scope="module")
def years(demo_data):
    return ks.load(2025, demo_data), ks.load(2024, demo_data)


@pytest.fixture(scope="module")
def trends(years):
    return ks.construct_trends(*years)


def test_within_company_change_recovers_the_planted_change(demo_data, years, trends):
    truth = json.loads((demo_data / "raw" / "2025" / "truth.json").read_text(encoding="utf-8"))
    for construct in PLANTED:
        row = trends.loc[f"{construct}_index"]
        items = years[0].codebook.construct_items(construct)
        expected = _expected_index_change(truth, construct, items)
        assert row["change_low"] <= expected <= row["change_high"], (construct, expected, row)
        assert row["p_adj"] < 0.05
    assert (trends["n_companies"] == 30).all()


def test_no_construct_is_flagged_when_nothing_changed(years):
    # two halves of the same year, split at random within each company: no true change
    cur = ks.prepare(years[0])
    half = np.random.default_rng(4).permutation(len(cur)) % 2 == 0
    outcomes = [c for c in cur.columns if c.endswith("_index")]
    out = ks.trend(cur[half], cur[~half], outcomes, cluster="company")
    assert len(outcomes) >= 8 and out["change"].notna().all()
    assert (out["p_adj"] >= 0.05).all(), out["p_adj"]


@pytest.mark.slow
def test_within_company_interval_covers_the_true_change_95_percent_of_the_time():
    # companies of very different sizes, own levels and own changes (random slopes)
    rng = np.random.default_rng(12)
    truth, hits, flagged_null = 1.5, 0, 0
    reps = 1000
    sizes = np.clip(np.exp(rng.normal(3.5, 1.0, 30)).astype(int), 5, 300)
    for _ in range(reps):
        level = rng.normal(60, 6, 30)
        change = truth + rng.normal(0, 1.0, 30)
        frames = []
        for year in (0, 1):
            n = rng.binomial(sizes, 0.8) + 2
            company = np.repeat(np.arange(30), n)
            y = level[company] + year * change[company] + rng.normal(0, 20, len(company))
            frames.append(pd.DataFrame({"y": y, "null": y - year * change[company], "c": company}))
        out = ks.trend(frames[1], frames[0], ["y", "null"], cluster="c", adjust="none")
        hits += out.loc["y", "change_low"] <= truth <= out.loc["y", "change_high"]
        flagged_null += out.loc["null", "p"] < 0.05
    assert 0.93 <= hits / reps <= 0.97, hits / reps
    assert flagged_null / reps <= 0.075, flagged_null / reps


def test_a_changed_mix_of_companies_biases_the_pooled_change_not_the_within(years):
    cur, prev = (ks.prepare(s) for s in years)
    # this year, the half of the companies with the best technology scores last year stay away
    best = prev.groupby("company")["technology_index"].mean().nlargest(15).index
    cur = cur[~cur["company"].isin(best)]
    full = ks.trend(ks.prepare(years[0]), prev, ["technology_index"], cluster="company")
    mixed = ks.trend(cur, prev, ["technology_index"], cluster="company")
    pooled, within = mixed["pooled_change"].iloc[0], mixed["change"].iloc[0]
    assert pooled < full["change"].iloc[0] - 1  # the pooled change is biased downwards
    assert mixed["change_low"].iloc[0] > 0 and abs(within - full["change"].iloc[0]) < 1.5
    assert mixed["n_companies"].iloc[0] == 15


def test_within_change_equals_fixed_effects_ols_with_clustered_t(years):
    import statsmodels.formula.api as smf

    cur, prev = (ks.prepare(s) for s in years)
    out = ks.trend(cur, prev, ["stress_index"], cluster="company").iloc[0]
    both = pd.concat([prev.assign(year=0), cur.assign(year=1)])
    both = both[["stress_index", "year", "company"]].dropna().reset_index(drop=True)
    fit = smf.ols("stress_index ~ year + C(company)", both).fit(
        cov_type="cluster", cov_kwds={"groups": both["company"].factorize()[0]}, use_t=True
    )
    assert out["change"] == pytest.approx(fit.params["year"])
    assert out["p"] == pytest.approx(fit.pvalues["year"])
    assert fit.df_resid_inference == 29  # companies - 1


def test_one_or_two_companies_give_no_within_change(years):
    cur, prev = (ks.prepare(s) for s in years)
    two = cur["company"].drop_duplicates().iloc[2:4]
    out = ks.trend(
        cur[cur["company"].isin(two)],
        prev[prev["company"].isin(two)],
        ["stress_index"],
        cluster="company",
    ).iloc[0]
    assert np.isnan(out["change"]) and not np.isnan(out["pooled_change"])
    assert out["n_companies"] == 2
