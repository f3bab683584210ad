"""Key findings: a result planted in the synthetic survey gives its sentence with its number,
an absent one gives none; every template fills in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch import config
from ksresearch.report import present
from ksresearch.study import keyfindings as kf


@pytest.fixture(scope="module")
def years(synth_data):
    return ks.load(2025, synth_data), ks.load(2024, synth_data)


@pytest.fixture(scope="module")
def general(demo_data):
    """The general report's key findings on the demo-sized survey (30 companies)."""
    current, previous = ks.load(2025, demo_data), ks.load(2024, demo_data)
    return ks.general_key_findings(current, previous, n_boot=200, seed=1)


def _truth(data, year):
    import json

    return json.loads((data / "raw" / str(year) / "truth.json").read_text())


def _sentences(table, survey, lang="en"):
    page = present.key_findings(table, survey.codebook, lang, year=survey.year).html
    return [s.removesuffix("</ul>") for s in page.split("<li>")[1:]]


# ----------------------------------------------------------------------------- general report
def test_the_planted_strongest_driver_of_turnover_is_said(general, demo_data):
    from ksresearch.study.findings import driver_columns

    truth = _truth(demo_data, 2025)["turnover"]
    first = general[general["key"] == "driver"]
    assert list(first["subject"]) == [truth["order"][0]]
    row = first.iloc[0]
    assert row["reference"] == pytest.approx(1 / len(driver_columns(ks.load(2025, demo_data))))
    assert row["low"] > row["reference"]


def test_the_planted_changes_since_last_year_and_no_other(general, demo_data):
    planted = set(_truth(demo_data, 2025)["year_change_vs_2024"])  # involvement, technology
    changes = general[general["key"].str.startswith("change_")]
    assert len(changes) >= 1 and set(changes["subject"]) <= planted
    assert (changes["key"] == "change_up").all() and (changes["low"] > 0).all()


def test_shift_workers_planted_stress_within_companies(general, demo_data):
    assert _truth(demo_data, 2025)["shift_work"]["stress_effect_within_company"] > 0
    shift = general[general["key"].str.startswith("shift_")]
    assert list(shift.index) == ["shift:stress_index"]
    assert shift.iloc[0]["key"] == "shift_higher" and shift.iloc[0]["low"] > config.MIN_KEY_DIFF - 1


def test_ai_use_share_and_its_spread_by_industry(general, demo_data):
    df = ks.prepare(ks.load(2025, demo_data))
    row = general.loc["ai_use"]
    assert row["value"] == pytest.approx(df["ai_user"].mean())
    assert row["low"] < _truth(demo_data, 2025)["ai"]["user_rate_observed"] < row["high"]
    if "ai_spread:industry" in general.index:
        spread = general.loc["ai_spread:industry"]
        rates = _truth(demo_data, 2025)["ai"]["use_rate_by_industry"]
        assert rates[str(spread["subject"])] > rates[str(spread["subject2"])]  # the planted order


def test_a_year_without_the_questions_or_a_year_before_says_none_of_it(synth_data):
    early = ks.general_key_findings(ks.load(2024, synth_data), None, n_boot=100, seed=1)
    keys = set(early["key"])
    assert not keys & {"change_up", "change_down", "shift_higher", "shift_lower", "ai_use"}
    assert "driver" in keys  # turnover was asked in 2024 too


def test_rules_leave_out_what_does_not_hold():
    drivers = pd.DataFrame(
        {"share": [0.3, 0.25, 0.25, 0.2], "share_low": [0.2, 0.1, 0.1, 0.1], "share_high": 0.4},
        index=list("abcd"),
    )
    assert kf.driver_statements(drivers).empty  # no interval above an equal share (0.25)
    trends = pd.DataFrame(
        {
            "comparable": [True, False, True, True],
            "p_adj": [0.001, 0.001, 0.2, 0.001],
            "change": [3.0, 5.0, 4.0, 0.5],
            "change_low": [1.0, 2.0, -1.0, 0.2],
            "change_high": [5.0, 8.0, 9.0, 0.8],
            "mean_previous": 50.0,
            "mean_current": 52.0,
        },
        index=["a_index", "b_index", "c_index", "d_index"],
    )
    # b is not comparable across years, c not significant, d under the smallest change
    assert list(kf.trend_statements(trends).index) == ["change:a_index"]
    shift = pd.DataFrame(
        {
            "comparable": [True, True],
            "adjusted_p": [0.04, 0.03],  # Holm across two: 0.06 and 0.06
            "adjusted_diff": [3.0, -2.0],
            "adjusted_low": [0.1, -3.9],
            "adjusted_high": [5.9, -0.1],
        },
        index=["x_index", "y_index"],
    )
    assert kf.shift_statements(shift).empty


# ----------------------------------------------------------------------------- company report
def _plant(raw: pd.DataFrame, company: str, items: list[str], step: int) -> pd.DataFrame:
    """Move the company's answers on ``items`` up by ``step`` scale points (1-5 kept)."""
    out = raw.copy()
    here = out["company"] == company
    for item in items:
        x = pd.to_numeric(out.loc[here, item], errors="coerce")
        moved = x.where(~x.between(1, 5), (x + step).clip(1, 5))
        out.loc[here, item] = moved.map(lambda v: "" if pd.isna(v) else str(int(v)))
    return out


@pytest.fixture(scope="module")
def planted(synth_data, tmp_path_factory):
    """The survey with one company's leadership answers raised in 2025 only."""
    import shutil

    data = tmp_path_factory.mktemp("planted")
    for year in (2024, 2025):
        shutil.copytree(synth_data / "raw" / str(year), data / "raw" / str(year))
    survey = ks.load(2025, synth_data)
    eligible = ks.eligible_companies(survey)
    sizes = eligible[eligible["eligible"]]["n"].sort_values()
    company = sizes.index[len(sizes) // 2]  # a middle-sized company
    path = data / "raw" / "2025" / "responses.csv"
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    items = survey.codebook.construct_items("leadership")
    _plant(raw, company, items, 1).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    for year in (2024, 2025):
        ks.ingest(year, data)
    return data, company


def test_a_planted_strength_and_its_own_change_are_said(planted, synth_data):
    data, company = planted
    before = ks.company_key_findings(
        ks.load(2025, synth_data), company, previous=ks.load(2024, synth_data)
    )
    assert "strength:leadership" not in before.index  # absent before planting
    assert "company_change:leadership_index" not in before.index
    survey, previous = ks.load(2025, data), ks.load(2024, data)
    found = ks.company_key_findings(survey, company, previous=previous)
    row = found.loc["strength:leadership"]
    bench = ks.benchmark(survey, company)
    assert row["diff"] == pytest.approx(bench.loc["leadership", "diff"])
    assert row["diff"] >= config.MIN_BENCHMARK_DIFF and row["low"] > 0
    change = found.loc["company_change:leadership_index"]
    assert change["key"] == "company_change_up" and change["low"] > 0
    said = " ".join(_sentences(found, survey))
    name = present.names(survey.codebook, "en")["leadership"]
    assert f"{name} is a clear strength" in said
    assert present.fmt_number(row["diff"], "en", 1) in said
    assert f"{name} has risen since 2024" in said


def test_response_rate_is_said_and_a_low_one_is_called_uncertain(years):
    survey, _ = years
    rates = ks.response_rates(survey)
    for company in rates.index[:6]:
        found = kf.response_rate_statement(survey, company)
        row = found.loc["response_rate"]
        assert row["value"] == pytest.approx(rates.at[company, "rate"])
        assert row["key"] == ("response_rate_low" if rates.at[company, "low"] else "response_rate")


def test_on_par_only_when_the_benchmark_finds_nothing(years):
    survey, _ = years
    eligible = ks.eligible_companies(survey)
    for company in eligible[eligible["eligible"]].index:
        bench = ks.benchmark(survey, company)
        found = kf.benchmark_statements(bench)
        counts = bench["assessment"].value_counts()
        strengths, weaknesses = counts.get("strength", 0), counts.get("weakness", 0)
        assert ("on_par" in found.index) == (strengths + weaknesses == 0)
        assert (found["key"] == "strength").sum() == min(strengths, 2)
        assert (found["key"] == "weakness").sum() == min(weaknesses, 2)
        for key, total in (("strength", strengths), ("weakness", weaknesses)):
            more = found[found["key"] == f"{key}_more"]  # how many the table lists beyond
            assert (more["count"].tolist() if len(more) else [0]) == [max(total - 2, 0)]


def test_the_findings_say_how_many_more_areas_the_table_lists():
    bench = pd.DataFrame(
        {
            "assessment": ["weakness"] * 4 + ["strength", "on par"],
            "diff": [-9.0, -7.0, -6.0, -12.0, 8.0, 1.0],
            "diff_low": [-12.0, -10.0, -9.0, -15.0, 5.0, -2.0],
            "diff_high": [-6.0, -4.0, -3.0, -9.0, 11.0, 4.0],
            "company": [50.0] * 6,
            "pool": [58.0] * 6,
            "p": [0.001] * 6,
        },
        index=["a", "b", "c", "d", "e", "f"],
    )
    found = kf.benchmark_statements(bench)
    assert found.loc["weakness_more", "count"] == 2 and "strength_more" not in found.index
    assert list(found[found["key"] == "weakness"]["subject"]) == ["d", "a"]  # largest first


# ----------------------------------------------------------------------------- words
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_template_fills_escapes_and_a_hidden_number_drops_its_sentence(years, lang):
    survey, _ = years
    rows = [
        {
            "key": k,
            "subject": "leadership",
            "value": 55.0,
            "reference": 50.0,
            "diff": -5.0,
            "low": -8.0,
            "high": -2.0,
            "count": 12,
            "total": 40,
        }  # fmt: skip
        for k in (
            "strength",
            "weakness",
            "on_par",
            "change_up",
            "change_down",
            "company_change_up",
            "company_change_down",
            "shift_higher",
            "shift_lower",
            "strength_more",
            "weakness_more",
        )  # fmt: skip
    ]
    rows += [
        {"key": "response_rate", "value": 0.4, "count": 12, "total": 30, "unit": "share"},
        {
            "key": "response_rate_low",
            "value": 0.2,
            "reference": 0.3,
            "count": 6,
            "total": 30,
            "unit": "share",
        },  # fmt: skip
        {
            "key": "driver",
            "subject": "stress",
            "value": 0.3,
            "low": 0.2,
            "high": 0.4,
            "reference": 0.1,
            "unit": "share",
        },  # fmt: skip
        {
            "key": "driver_also",
            "subject": "stress",
            "value": 0.3,
            "low": 0.2,
            "high": 0.4,
            "unit": "share",
        },  # fmt: skip
        {"key": "ai_use", "value": 0.5, "low": 0.45, "high": 0.55, "unit": "share"},
        {
            "key": "ai_spread_industry",
            "subject": 1,
            "subject2": 2,
            "segment": "industry",
            "value": 0.6,
            "reference": 0.4,
            "diff": 0.2,
            "low": 0.1,
            "high": 0.3,
            "unit": "share",
        },  # fmt: skip
    ]
    table = pd.DataFrame(rows, index=[f"s{i}" for i in range(len(rows))])
    said = _sentences(table, survey, lang)
    assert len(said) == len(rows) and not [s for s in said if "{" in s]
    shift = said[7]  # "lower by 5.0 (2.0 to 8.0)": the size, with the interval turned
    assert present.fmt_number(5.0, lang) in shift and present.fmt_number(2.0, lang) in shift
    assert present.fmt_number(-8.0, lang) not in shift
    spread = said[-1]
    assert survey.codebook.labels("industry", lang)[1] in spread and "20" in spread
    table.loc["s0", "value"] = np.nan  # hidden by the release audit
    assert len(_sentences(table, survey, lang)) == len(rows) - 1
    evil = table.iloc[:1].assign(value=55.0, subject="<script>alert(1)</script>")
    page = present.key_findings(evil, survey.codebook, lang).html
    assert "<script>" not in page and "&lt;script&gt;" in page


# ----------------------------------------------------------------------------- the company's trend
def test_company_trend_is_welch_on_its_own_respondents_of_both_years(years):
    from scipy import stats

    current, previous = years
    eligible = ks.eligible_companies(current)
    company = eligible[eligible["eligible"]].index[0]
    own = ks.company_trends(current, previous, company)
    now, before = ks.prepare(current), ks.prepare(previous)
    a = now.loc[now["company"] == company, "leadership_index"].dropna()
    b = before.loc[before["company"] == company, "leadership_index"].dropna()
    row = own.loc["leadership_index"]
    assert row["change"] == pytest.approx(a.mean() - b.mean())
    test = stats.ttest_ind(a, b, equal_var=False)
    assert row["p"] == pytest.approx(test.pvalue, rel=1e-6)
    low, high = test.confidence_interval()
    assert (row["change_low"], row["change_high"]) == pytest.approx((low, high), rel=1e-6)
    assert (row["n_previous"], row["n_current"]) == (len(b), len(a))
    members = own.attrs["members"]
    assert set(members[("leadership_index", "mean_current")]) == set(a.index)


def test_company_trend_gated_by_invariance_and_absent_last_year(synth_data, tmp_path):
    """2025 with item bias planted in an involvement item (scalar invariance across the years
    fails) and 2024 without one company."""
    import shutil

    from ksresearch.data.synth import write_export

    shutil.copytree(synth_data / "raw" / "2024", tmp_path / "raw" / "2024")
    path = tmp_path / "raw" / "2024" / "responses.csv"
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    first = raw["company"].iloc[0]
    raw[raw["company"] != first].to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    for side in ("headcounts.csv", "company_kpis.csv"):  # they name the company
        (tmp_path / "raw" / "2024" / side).unlink()
    biased = ks.generate(2025, seed=7, n_companies=12, item_bias={"inv_1": 0.8})
    (tmp_path / "raw" / "2025").mkdir()
    write_export(biased.responses, tmp_path / "raw" / "2025" / "responses.csv", biased.codebook)
    (tmp_path / "raw" / "2025" / "codebook.yaml").write_bytes(
        config.codebook_path(2025).read_bytes()
    )
    for year in (2024, 2025):
        ks.ingest(year, tmp_path)
    current, previous = ks.load(2025, tmp_path), ks.load(2024, tmp_path)
    with pytest.raises(ks.InsufficientDataError, match="did not take part"):
        ks.company_trends(current, previous, first)
    found = ks.company_key_findings(current, first, previous=previous)
    assert not found["key"].str.startswith("company_change").any()
    check = ks.year_comparability(current, previous)
    assert not check.loc["involvement", "comparable_means"]
    others = [c for c in ks.eligible_companies(current).query("eligible").index if c != first]
    for company in others:
        own = ks.company_trends(current, previous, company)
        assert np.isnan(own.loc["involvement_index", "change"])
        assert not own.loc["involvement_index", "comparable"]
        for construct, comparable in check["comparable_means"].items():
            row = own.loc[f"{construct}_index"]
            assert pd.notna(row["change"]) == (comparable and row["suppressed"] == "")
