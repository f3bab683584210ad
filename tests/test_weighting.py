"""Raking and weighted means against R's survey package (tests/reference/survey_rake.R, its
JSON and data/rake.csv), the margins reproduced, and Kish's design effect by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ksresearch as ks
from tests import references


@pytest.fixture(scope="module")
def ref():
    return references.load("survey_rake")


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(references.data("rake.csv"))


def _margins(ref) -> dict:
    company = pd.Series(ref["margins"]["company"], dtype=float)
    role = pd.Series({int(k): v for k, v in ref["margins"]["role"].items()}, dtype=float)
    return {"company": company, "role": role}


def test_raked_weights_equal_r_survey_rake_and_reproduce_the_margins(ref, data):
    margins = _margins(ref)
    w = ks.rake(data, margins)
    assert_allclose(w.to_numpy(), ref["weights"], rtol=1e-6)
    for column, target in margins.items():
        assert_allclose(w.groupby(data[column]).sum().reindex(target.index), target, rtol=1e-9)
    assert w.attrs["design_effect"] == pytest.approx(ref["kish_deff"], rel=1e-6)
    assert w.attrs["effective_n"] == pytest.approx(len(data) / w.attrs["design_effect"])


def test_weighted_means_equal_r_svymean(ref, data):
    w = ks.rake(data, _margins(ref))
    assert ks.weighted_mean(data["y"], w) == pytest.approx(ref["mean_y"], rel=1e-9)
    for company, mean in ref["mean_y_by_company"].items():
        here = data["company"] == company
        assert ks.weighted_mean(data.loc[here, "y"], w[here]) == pytest.approx(mean, rel=1e-9)


def test_design_effect_by_hand():
    w = np.array([1.0, 2.0, 2.0, 5.0])
    assert ks.design_effect(w) == pytest.approx(4 * 34 / 100)
    assert ks.effective_n(w) == pytest.approx(100 / 34)


def test_bad_margins_are_refused(data, ref):
    margins = _margins(ref)
    with pytest.raises(ValueError, match="sum to the same population total"):
        ks.rake(data, {**margins, "role": margins["role"] * 2})
    with pytest.raises(ValueError, match="categories of 'company' with no margin: \\['E'\\]"):
        ks.rake(
            data, {"company": margins["company"].drop("E") * 1800 / 1550, "role": margins["role"]}
        )
    with pytest.raises(ValueError, match="no respondent in \\['F'\\]"):
        extra = pd.concat([margins["company"], pd.Series({"F": 10.0})])
        ks.rake(data, {"company": extra, "role": margins["role"] * 1810 / 1800})
    with pytest.raises(ValueError, match="missing values"):
        ks.rake(data.assign(role=data["role"].where(data.index > 0)), margins)
    # a zero margin where respondents are: refused before any iteration, with the category
    company = margins["company"].copy()
    moved, first = company.iloc[0], company.index[0]
    company.iloc[0], company.iloc[1] = 0.0, company.iloc[1] + moved
    with pytest.raises(
        ValueError, match=f"respondents in \\['{first}'\\] but a population count of 0"
    ):
        ks.rake(data, {"company": company, "role": margins["role"]})


# --------------------------------------------------------------------------- the survey
def test_raked_survey_weights_reproduce_the_headcount_margins(synth_data):
    survey = ks.load(2025, synth_data)
    df = ks.prepare(survey)
    w = ks.survey_weights(survey, "raking")
    counts = survey.headcounts
    assert list(counts.columns) == ["company", "role", "invited"]  # synth: company x role
    by_company = w.groupby(df["company"]).sum()
    target = counts.groupby("company")["invited"].sum().reindex(by_company.index)
    assert_allclose(by_company, target, rtol=1e-6)
    by_role = w.groupby(df["role"]).sum()
    assert_allclose(
        by_role, counts.groupby("role")["invited"].sum().reindex(by_role.index), rtol=1e-6
    )
    assert w.attrs["design_effect"] == pytest.approx(ks.design_effect(w))
    assert w.attrs["effective_n"] < len(w)


def test_company_weights_count_every_company_the_same(synth_data):
    survey = ks.load(2025, synth_data)
    df = ks.prepare(survey)
    w = ks.survey_weights(survey, "company")
    totals = w.groupby(df["company"]).sum()
    assert_allclose(totals, len(df) / df["company"].nunique())
    assert ks.survey_weights(survey, "respondent").eq(1).all()
    table = ks.weighting_summary(survey)
    assert list(table.index) == ["respondent", "company", "raking"]
    assert table.loc["respondent", "design_effect"] == 1
    assert table.loc["company", "effective_n"] == pytest.approx(ks.effective_n(w))


def test_raking_needs_headcounts_for_every_company(raw_2025):
    raw = raw_2025 / "raw" / "2025" / "headcounts.csv"
    counts = pd.read_csv(raw, sep=";", encoding="utf-8-sig")
    first = counts["company"].iloc[0]
    counts[counts["company"] != first].to_csv(raw, sep=";", index=False)
    ks.ingest(2025, raw_2025)
    with pytest.raises(ValueError, match=f"none for \\['{first}'\\]"):
        ks.survey_weights(ks.load(2025, raw_2025), "raking")
    raw.unlink()
    ks.ingest(2025, raw_2025)
    with pytest.raises(ValueError, match="raking needs headcounts"):
        ks.survey_weights(ks.load(2025, raw_2025), "raking")
    with pytest.raises(ValueError, match="weighting must be one of"):
        ks.survey_weights(ks.load(2025, raw_2025), "census")


def test_the_benchmark_weighted_by_raking_is_the_raked_mean(synth_data):
    survey = ks.load(2025, synth_data)
    df = ks.prepare(survey)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].sort_values("n").index[-1]
    bench = ks.benchmark(survey, company, weighting="raking")
    assert bench.attrs["weighting"] == "raking"
    w = ks.survey_weights(survey, "raking")
    mine, others = df["company"] == company, df["company"] != company
    for construct in ("leadership", "stress"):
        col = f"{construct}_index"
        assert bench.loc[construct, "company"] == pytest.approx(
            ks.weighted_mean(df.loc[mine, col], w[mine])
        )
        if not np.isnan(bench.loc[construct, "pool"]):
            assert bench.loc[construct, "pool"] == pytest.approx(
                ks.weighted_mean(df.loc[others, col], w[others])
            )


def test_weighted_clustered_error_equals_statsmodels_wls():
    import statsmodels.api as sm

    from ksresearch.stats.benchmark import clustered_mean_se

    rng = np.random.default_rng(1)
    y, g, w = rng.normal(size=300), rng.integers(0, 12, 300), rng.uniform(0.5, 3, 300)
    fit = sm.WLS(y, np.ones(300), weights=w).fit(cov_type="cluster", cov_kwds={"groups": g})
    assert clustered_mean_se(y, g, w) == pytest.approx(fit.bse[0], rel=1e-10)


def test_a_margin_nobody_can_meet_is_named_and_the_summary_leaves_raking_out(raw_2025):
    raw = raw_2025 / "raw" / "2025" / "headcounts.csv"
    counts = pd.read_csv(raw, sep=";", encoding="utf-8-sig")
    first = counts["company"].iloc[0]
    extra = pd.DataFrame({"company": [first], "role": [3], "invited": [5]})
    survey_rows = pd.read_csv(raw_2025 / "raw" / "2025" / "responses.csv", sep=";", dtype=str)
    survey_rows.loc[survey_rows["role"] == "3", "role"] = "1"  # nobody answers as a manager
    survey_rows.to_csv(raw_2025 / "raw" / "2025" / "responses.csv", sep=";", index=False)
    pd.concat([counts[counts["role"] != 3], extra]).to_csv(raw, sep=";", index=False)
    ks.ingest(2025, raw_2025)
    survey = ks.load(2025, raw_2025)
    with pytest.raises(ValueError, match=r"margin 'role': no respondent in \[3\]"):
        ks.survey_weights(survey, "raking")
    assert list(ks.weighting_summary(survey).index) == ["respondent", "company"]


@pytest.mark.slow
def test_batch_weighting_by_raking_says_so_and_keeps_it_in_the_ledger(synth_data, tmp_path):
    import json

    from typer.testing import CliRunner

    from ksresearch.cli import app

    survey = ks.load(2025, synth_data)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].sort_values("n").index[-1]
    args = ["batch", "--year", "2025", "--data-dir", str(synth_data), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--company", company, "--weighting", "raking"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "2025" / "companies" / "manifest.json").read_text())
    page = (tmp_path / "2025" / "companies" / manifest[company]["file"]).read_text()
    assert ks.report.present.text("weighting.raking", "nb").split(":")[0] in page
    ledgers = list((tmp_path / "2025" / "ledger" / "companies").glob("*.json"))
    (ledger,) = [json.loads(p.read_text()) for p in ledgers]
    assert ledger["meta"]["parameters"]["weighting"] == "raking"
    bad = CliRunner().invoke(app, [*args, "--company", company, "--weighting", "census"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_batch_refuses_raking_without_headcounts_before_any_report(raw_2025, tmp_path):
    from typer.testing import CliRunner

    from ksresearch.cli import app

    (raw_2025 / "raw" / "2025" / "headcounts.csv").unlink()
    ks.ingest(2025, raw_2025)
    args = ["batch", "--year", "2025", "--data-dir", str(raw_2025), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--weighting", "raking"])
    assert result.exit_code == 2
    assert "error:" in result.output and "raking needs headcounts" in result.output
    assert not (tmp_path / "2025" / "companies" / "manifest.json").exists()


# --------------------------------------------------------------------------- the general report
def test_weighted_segment_means_equal_r_svyby(ref, data):
    w = pd.Series(ref["weights"], index=data.index).rename("weight")
    table = ks.segment_summary(data, "company", {"mean_y": "y"}, weights=w)
    for company, mean in ref["mean_y_by_company"].items():
        assert table.loc[company, "mean_y"] == pytest.approx(mean, rel=1e-9)
    assert table.attrs["weighting"] == "custom"  # weights not made by survey_weights
    assert (table["n"] == data["company"].value_counts().reindex(table.index)).all()


def test_weighted_enps_by_hand():
    x = pd.Series([10, 9, 7, 3, 0, np.nan])
    w = pd.Series([2.0, 1.0, 1.0, 4.0, np.nan, 5.0])
    # promoters 3 of weight 8 (the 0 has no weight, the missing answer none to give)
    assert ks.enps(x, weights=w) == pytest.approx(100 * (3 - 4) / 8)
    assert ks.enps(x) == pytest.approx(100 * (2 - 2) / 5)


@pytest.mark.parametrize("scheme", ["company", "raking"])
def test_general_tables_weighted_equal_the_weighted_means_by_hand(synth_data, scheme):
    survey = ks.load(2025, synth_data)
    df = ks.prepare(survey)
    w = ks.survey_weights(survey, scheme)
    size = survey.codebook.role("centre_size")
    table = ks.by_centre_size(survey, weighting=scheme)
    plain = ks.by_centre_size(survey)
    assert table.attrs["weighting"] == scheme and plain.attrs["weighting"] == "respondent"
    shown = table.index[table["leadership"].notna()]
    assert len(shown) >= 1
    for band in shown:
        here = df[size] == band
        assert table.loc[band, "leadership"] == pytest.approx(
            ks.weighted_mean(df.loc[here, "leadership_index"], w[here])
        )
        assert table.loc[band, "enps"] == pytest.approx(ks.enps(df.loc[here, "enps"], weights=w))
        assert table.loc[band, "n"] == plain.loc[band, "n"]  # counts stay respondents
    assert not np.allclose(table.loc[shown, "enps"], plain.loc[shown, "enps"])
    cases = ks.ai_use_cases(survey, weighting=scheme)
    users = df[df["ai_user"] == 1]
    code = cases.index[0]
    x = users[f"{cases.index.name}_{code}"]
    assert cases.loc[code, "share"] == pytest.approx(ks.weighted_mean(x, w[x.index]))
    assert cases.loc[code, "ci_low"] < cases.loc[code, "share"] < cases.loc[code, "ci_high"]


def test_the_general_section_says_how_it_is_weighted(synth_data):
    from ksresearch.report import execute as nbexec

    params = {"year": 2025, "lang": "en", "min_group_size": 5, "data_dir": str(synth_data)}
    path = nbexec.NOTEBOOK_DIR / "general" / "08_centre_size.py"
    for scheme in ("respondent", "raking"):
        nb = nbexec.execute(path, {**params, "weighting": scheme})
        page = " ".join(
            str(o.get("data", {}).get("text/html", ""))
            for c in nb.cells
            for o in c.get("outputs", [])
        )
        said = ks.report.present.text(f"tables_weighting.{scheme}", "en")
        assert said.split("(")[0].strip() in page


def test_the_report_command_refuses_a_weighting_it_cannot_make(raw_2025, tmp_path):
    from typer.testing import CliRunner

    from ksresearch.cli import app

    (raw_2025 / "raw" / "2025" / "headcounts.csv").unlink()
    ks.ingest(2025, raw_2025)
    args = ["report", "--year", "2025", "--data-dir", str(raw_2025), "--out", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--weighting", "raking"])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "raking needs headcounts" in result.output
    assert not (tmp_path / "2025").exists() or not list((tmp_path / "2025").glob("*.html"))
