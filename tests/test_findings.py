"""The year's findings and the company benchmark on the synthetic survey's known truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ksresearch as ks
from ksresearch.data.synth import write_export
from ksresearch.stats.diagnostics import EstimationWarning


@pytest.fixture(scope="module")
def survey(demo_data):
    return ks.load(2025, demo_data)


@pytest.fixture(scope="module")
def truth(demo_data):
    return json.loads((demo_data / "raw" / "2025" / "truth.json").read_text())


def _en(table: pd.DataFrame, survey) -> pd.DataFrame:
    """A finding's table of codes with its rows labelled in English, as a report shows it."""
    return table.rename(index=survey.codebook.labels(table.index.name, "en"))


def test_prepare_drops_flagged_and_scores(survey):
    df = ks.prepare(survey)
    flagged = (
        survey.responses[["qc_straightliner", "qc_speeder", "qc_duplicate_answers"]]
        .any(axis=1)
        .sum()
    )
    assert len(df) == len(survey.responses) - flagged
    assert len(ks.prepare(survey, exclude_flagged=False)) == len(survey.responses)
    assert df["involvement_index"].between(0, 100).all() or df["involvement_index"].isna().any()


def test_ai_adoption_gradient(survey, truth, monkeypatch):
    # The truth is per industry; the demo's industries of one or two companies are hidden in
    # a report (the companies-per-cell rule, tested in test_anonymity), not here.
    monkeypatch.setattr(ks.config, "MIN_COMPANIES", 1)
    monkeypatch.setattr(ks.config, "MAX_COMPANY_SHARE", 1.0)
    by_industry = _en(ks.ai_adoption_by(survey, "industry"), survey)
    assert (
        by_industry.loc["Telecom", "user_share"]
        > by_industry.loc["Passenger transport", "user_share"] + 0.2
    )
    rates = pd.Series(
        {
            survey.codebook.labels("industry", "en")[int(k)]: v
            for k, v in truth["ai"]["use_rate_by_industry"].items()
        }
    )
    shown = by_industry.dropna(subset=["user_share"])
    assert stats.spearmanr(shown["user_share"], rates[shown.index]).statistic > 0.7
    # larger centres use AI more: logit slope per size band, industry held constant
    import statsmodels.formula.api as smf

    df = ks.prepare(survey).dropna(subset=["ai_user", "centre_size", "industry"])
    df = df.astype({"centre_size": float, "industry": float, "role": float})
    fit = smf.logit("ai_user ~ centre_size + C(industry) + C(role)", df).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(df["company"])[0]}
    )
    low, high = fit.conf_int().loc["centre_size"]
    assert low > 0 and low < truth["ai"]["logit_per_size_band"] < high


def test_ai_use_cases_and_usefulness(survey):
    cases = _en(ks.ai_use_cases(survey), survey)
    assert cases.index[0] == "Drafting replies" and cases["share"].is_monotonic_decreasing
    assert ((cases["ci_low"] <= cases["share"]) & (cases["share"] <= cases["ci_high"])).all()
    useful = ks.ai_usefulness_by(survey, "role")
    assert useful["usefulness_index"].dropna().between(40, 90).all()
    assoc = ks.ai_association(survey)
    assert set(assoc.index) == {
        "stress_index",
        "satisfaction_index",
        "technology_index",
        "turnover_intention_index",
    }


def test_education_relevance_is_low_and_matters(survey, truth):
    edu = ks.education_relevance(survey).loc["all"]
    assert edu["mean"] < truth["education_relevance_mean"] + 0.3 < 2.8
    assert edu["agree_share"] < 0.2 < edu["disagree_share"]
    links = ks.competence_links(survey)
    assert links.loc[("edu_rel", "turnover_intention"), "ci_high"] < 0
    assert links.loc[("development", "attractiveness"), "ci_low"] > 0
    ei = ks.education_and_involvement(survey)
    assert ei.loc[("edu_rel", "low"), "quit_share"] > ei.loc[("edu_rel", "high"), "quit_share"]
    assert (
        ei.loc[("involvement", "low"), "turnover_index"]
        > ei.loc[("involvement", "high"), "turnover_index"] + 10
    )


def test_selfservice_by_industry_follows_the_truth(survey, truth):
    table = _en(ks.selfservice_by_industry(survey), survey).dropna(subset=["selfservice_index"])
    true = pd.Series(
        {
            survey.codebook.labels("industry", "en")[int(k)]: v
            for k, v in truth["selfservice_by_industry"].items()
        }
    )
    assert stats.spearmanr(table["selfservice_index"], true[table.index]).statistic > 0.7


def test_turnover_by_segment_and_centre_size(survey):
    by_role = _en(ks.turnover_by(survey, "role"), survey)
    assert set(by_role.index) == {"Agent / adviser", "Team leader", "Manager", "Specialist / other"}
    sizes = ks.by_centre_size(survey)
    assert {"involvement", "stress", "enps"} <= set(sizes.columns)
    assert sizes.loc[sizes["suppressed"] == "", "enps"].between(-100, 100).all()


def test_benchmark_values_and_directions(survey):
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].sort_values("n").index[-1]
    table = ks.benchmark(survey, company)
    df = ks.prepare(survey)
    own, pool = df[df.company == company], df[df.company != company]
    assert table.loc["involvement", "company"] == pytest.approx(own["involvement_index"].mean())
    assert table.loc["involvement", "pool"] == pytest.approx(pool["involvement_index"].mean())
    assert table.loc["enps", "company"] == pytest.approx(ks.enps(own["enps"]))
    assert table.loc["quit_intent", "company"] == pytest.approx(100 * own["quit_intent"].mean())
    assert (table["diff"] == table["company"] - table["pool"]).all()
    shown = table["percentile"].dropna()  # a percentile of too wide an interval is left out
    assert len(shown) and shown.between(0, 100).all()
    assert table.attrs["n_companies_pool"] >= 5
    stress = table.loc["stress"]
    if stress["assessment"] == "strength":
        assert stress["diff"] < 0  # less stress is better
    by_company = ks.benchmark(survey, company, weighting="company")
    means = pool.groupby("company")["involvement_index"].agg(["mean", "size"])
    means = means[means["size"] >= 5]
    assert by_company.loc["involvement", "pool"] == pytest.approx(means["mean"].mean())


def test_percentile_needs_five_reportable_companies(tmp_path):
    ks.write_synth(2025, seed=3, data_dir=tmp_path, n_companies=6)
    ks.ingest(2025, tmp_path)
    survey = ks.load(2025, tmp_path)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[0]
    table = ks.benchmark(survey, company)
    assert table.attrs["n_companies_pool"] < 5 and table["percentile"].isna().all()


def test_a_percentile_whose_interval_spans_most_of_the_range_is_not_shown(survey, monkeypatch):
    """Shown percentiles have intervals of at most MAX_PERCENTILE_SPAN points; the others
    are left out with their interval, whatever the percentile."""
    eligible = ks.eligible_companies(survey)
    big = eligible[eligible["n"] >= ks.config.MIN_PERCENTILE_N].index
    ranks = ks.benchmark_ranks(survey)
    spans = ranks["percentile_high"] - ranks["percentile_low"]
    assert (spans > ks.config.MAX_PERCENTILE_SPAN).any() and (spans <= 50).any()
    shown = wide = 0
    for company in big[:6]:
        table = ks.benchmark(survey, company)
        for measure, row in table.iterrows():
            if (measure, company) not in ranks.index:
                continue
            span = spans.loc[(measure, company)]
            if span > ks.config.MAX_PERCENTILE_SPAN:
                assert row[["percentile", "percentile_low", "percentile_high"]].isna().all()
                wide += 1
            else:
                assert row["percentile"] == ranks.loc[(measure, company), "percentile"]
                shown += 1
    assert shown and wide


def test_company_drivers_need_enough_answers(survey):
    eligible = ks.eligible_companies(survey).sort_values("n")
    big = eligible.index[-1]
    assert ks.company_drivers(survey, big)["share"].sum() == pytest.approx(1)
    mid = eligible[eligible["n"].between(20, 60)].index[0]
    with pytest.raises(ValueError, match="needs at least 100"):
        ks.company_drivers(survey, mid)


def test_measurement_check_and_trends_respect_invariance(demo_data, tmp_path):
    cur, prev = ks.load(2025, demo_data), ks.load(2024, demo_data)
    across_years = ks.measurement_check([prev, cur], None)
    assert across_years["comparable_means"].all(), across_years
    assert ks.measurement_check(cur, "shift_work")["comparable_means"].all()
    trends = ks.construct_trends(cur, prev)
    assert trends["comparable"].all() and trends.loc["technology_index", "change_low"] > 0
    items = ks.item_trends(cur, prev)
    assert items.loc["KS.INV.1", "item"] == "inv_1"
    assert (
        cur.codebook.text(items.loc["KS.INV.1", "item"], "en")
        == "I am involved in decisions that matter for my work"
    )
    assert "KS.ENPS" in items.index and "KS.HOURS" not in items.index

    # plant item bias in 2025: involvement is no longer comparable, and its trend is withheld
    survey = ks.generate(2025, seed=2025, n_companies=30, item_bias={"inv_1": 0.8})
    (tmp_path / "raw" / "2025").mkdir(parents=True)
    write_export(survey.responses, tmp_path / "raw" / "2025" / "responses.csv", survey.codebook)
    (tmp_path / "raw" / "2025" / "codebook.yaml").write_bytes(
        ks.config.codebook_path(2025).read_bytes()
    )
    ks.ingest(2025, tmp_path)
    biased = ks.load(2025, tmp_path)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", EstimationWarning)  # recorded, not printed
        check = ks.measurement_check([prev, biased], None, ["involvement", "stress"])
    assert (
        check.loc["involvement", "verdict"] == "metric"
        and check.loc["stress", "verdict"] == "scalar"
    )
    # the scalar model of the biased construct is improper: the table says so, naming the item
    assert (
        "Heywood" in check.loc["involvement", "note"]
        and "inv_1" in check.loc["involvement", "note"]
    )
    assert check.loc["stress", "note"] == ""
    withheld = ks.construct_trends(biased, prev)
    assert not withheld.loc["involvement_index", "comparable"]
    assert np.isnan(withheld.loc["involvement_index", "change"])
    assert withheld.loc["stress_index", "comparable"]


def test_shift_work_flags_noninvariant_constructs(survey):
    out = ks.shift_work(survey)
    assert out["comparable"].all()
    assert not ks.shift_work(survey, check_invariance=False).empty
