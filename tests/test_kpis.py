"""Customer KPIs: the file checked like an export, the correlations across companies by hand
and against the relation planted in synth (its interval covers the truth), the company's own
KPIs shown as given."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app


def _companies(data) -> list[str]:
    raw = pd.read_csv(data / "raw" / "2025" / "company_kpis.csv", sep=";", encoding="utf-8-sig")
    return list(raw["company"])


def _write(data, text: str) -> None:
    (data / "raw" / "2025" / "company_kpis.csv").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("firma;oks\n{a};70\n", "line 1: no 'company' column"),
        ("company\n{a}\n", "line 1: no KPI column"),
        ("company;oks;email\n{a};70;x@y.no\n", "line 1, column 'email': unknown column"),
        ("company;oks\n{a};høy\n", "line 2, column 'oks', value 'høy': oks must be a number"),
        ("company;oks\n{a};170\n", "line 2, column 'oks', value '170': oks must be a number from 0"),
        ("company;nps\n{a};-120\n", "line 2, column 'nps', value '-120': nps must be a number from -100"),
        ("company;oks\nNordkraft ASA;70\n", "line 2, column 'company', value 'Nordkraft ASA': company not in"),
        ("company;oks\n{a};70\n{a};71\n", "line 3, column 'company', value '{a}': the same company"),
    ],
)  # fmt: skip
def test_a_bad_kpi_file_is_refused_with_its_place(raw_2025, lines, message):
    a = _companies(raw_2025)[0]
    _write(raw_2025, lines.format(a=a))
    pattern = "company_kpis.csv: " + re.escape(message.format(a=a))
    with pytest.raises(ks.IngestError, match=pattern):
        ks.ingest(2025, raw_2025)
    assert not (raw_2025 / "processed" / "2025").exists()  # nothing written
    check = ks.check_export(2025, raw_2025)  # the dry run says the same
    assert any(message.format(a=a) in p for p in check.problems)
    result = CliRunner().invoke(app, ["ingest", "--year", "2025", "--data-dir", str(raw_2025)])
    assert result.exit_code == 2 and "error:" in result.output
    assert "Traceback" not in result.output


def test_decimal_commas_blanks_and_percent_signs_are_read(raw_2025):
    a, b = _companies(raw_2025)[:2]
    _write(raw_2025, f"company;oks;fcr;nps\n{a};71,5;80 %;\n{b};64;;-12\n")
    ks.ingest(2025, raw_2025)
    kpis = ks.load(2025, raw_2025).kpis.set_index("company")
    assert kpis.loc[a, "oks"] == 71.5 and kpis.loc[a, "fcr"] == 80.0
    assert np.isnan(kpis.loc[a, "nps"]) and kpis.loc[b, "nps"] == -12.0
    own = ks.company_kpis(ks.load(2025, raw_2025), a)
    assert own["value"].to_dict() == {"oks": 71.5, "fcr": 80.0}  # what it gave, as given


def test_correlations_equal_spearman_on_company_means_by_hand(synth_data):
    survey = ks.load(2025, synth_data)
    corr = ks.kpi_correlations(survey, n_boot=500, seed=3)
    df = ks.prepare(survey)
    sizes = df.groupby("company").size()
    big = sizes[sizes >= 5].index
    means = df[df["company"].isin(big)].groupby("company")["stress_index"].mean()
    kpis = survey.kpis.set_index("company")["sick_leave"].reindex(means.index).dropna()
    rho, p = stats.spearmanr(means[kpis.index], kpis)
    row = corr.loc[("stress", "sick_leave")]
    assert row["rho"] == pytest.approx(rho) and row["p"] == pytest.approx(p)
    assert row["n_companies"] == len(kpis)
    assert row["ci_low"] < row["rho"] < row["ci_high"]
    assert (corr["p_adj"] >= corr["p"]).all()
    matrix = ks.kpi_matrix(corr)
    assert matrix.loc["stress", "sick_leave"] == pytest.approx(rho)


def test_bootstrapped_rho_of_one_sample_equals_scipy():
    from ksresearch.study.customers import _spearman_columns

    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(1, 15, 3)), rng.normal(size=(1, 15))
    x[0, :3, 1] = 0.0  # ties
    got = _spearman_columns(x, y)[0]
    want = [stats.spearmanr(x[0, :, j], y[0])[0] for j in range(3)]
    assert got == pytest.approx(want)


def test_the_planted_kpi_relations_are_recovered(demo_data):
    truth = json.loads((demo_data / "raw" / "2025" / "truth.json").read_text())["kpis"]
    corr = ks.kpi_correlations(ks.load(2025, demo_data), n_boot=2000, seed=1)
    for kpi, construct in truth["follows"].items():
        row = corr.loc[(construct, kpi)]
        assert row["ci_low"] <= truth["spearman"][kpi] <= row["ci_high"], (kpi, row.to_dict())
        assert np.sign(row["rho"]) == np.sign(truth["spearman"][kpi])
    clear = corr[corr["p_adj"] < 0.05].index
    assert ("stress", "sick_leave") in clear  # the strongest planted relation holds after Holm


def test_no_kpi_file_no_correlations(raw_2025):
    (raw_2025 / "raw" / "2025" / "company_kpis.csv").unlink()
    ks.ingest(2025, raw_2025)
    survey = ks.load(2025, raw_2025)
    assert survey.kpis is None and ks.company_kpis(survey, _any(survey)).empty
    with pytest.raises(ks.InsufficientDataError, match="company_kpis.csv"):
        ks.kpi_correlations(survey)


def _any(survey) -> str:
    return str(survey.responses["company"].iloc[0])


def test_a_company_mean_rests_on_at_least_the_minimum_who_answered(raw_2025):
    """A company of enough respondents of whom only 4 answered the stress questions: its
    stress mean is not shown (the minimum counts those who answered), its other means are."""
    path = raw_2025 / "raw" / "2025" / "responses.csv"
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sizes = raw["company"].value_counts()
    company = sizes[sizes >= 8].index[-1]
    rows = raw.index[raw["company"] == company][4:]
    items = ks.config.codebook_path(2025)
    stress = ks.load_codebook(items).construct_items("stress")
    raw.loc[rows, stress] = ""
    raw.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    ks.ingest(2025, raw_2025)
    scores = ks.company_scores(ks.load(2025, raw_2025))
    assert np.isnan(scores.loc[company, "stress"])
    assert not np.isnan(scores.loc[company, "leadership"])
