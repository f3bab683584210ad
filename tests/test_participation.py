"""Response rates from headcounts.csv: equal to hand counts, bad files refused with their
place, and a company report that warns when its rate is low."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch import config
from ksresearch.cli import app


def test_response_rates_equal_hand_counts(synth_data):
    survey = ks.load(2025, synth_data)
    raw = pd.read_csv(synth_data / "raw" / "2025" / "headcounts.csv", sep=";", encoding="utf-8-sig")
    answered = pd.read_parquet(synth_data / "processed" / "2025" / "responses.parquet")
    answered = answered["company"].value_counts()
    rates = ks.response_rates(survey)
    assert set(rates.index) == set(answered.index)
    totals = raw.groupby("company")["invited"].sum()  # synth gives them by role
    for company, invited in totals.items():
        assert rates.at[company, "invited"] == invited
        assert rates.at[company, "n"] == answered[company]
        assert rates.at[company, "rate"] == pytest.approx(answered[company] / invited)
        assert rates.at[company, "low"] == (answered[company] / invited < 0.30)
    summary = ks.response_rate_summary(survey).loc["all"]
    assert summary["rate"] == pytest.approx(answered.sum() / totals.sum())
    big = rates[rates["n"] >= 5]
    assert summary["companies"] == len(big)
    assert summary["median"] == pytest.approx(big["rate"].median())
    assert summary["below"] == int(big["low"].sum())
    assert survey.quality["headcounts"]["without_headcount"] == []


def _write(data, text: str) -> None:
    (data / "raw" / "2025" / "headcounts.csv").write_text(text, encoding="utf-8")


def _first_companies(data) -> list[str]:
    raw = pd.read_csv(data / "raw" / "2025" / "headcounts.csv", sep=";", encoding="utf-8-sig")
    return list(raw["company"].unique())


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("firma;invited\n{a};100\n", "line 1: no 'company' column"),
        ("company;invited;email\n{a};100;x@y.no\n", "line 1, column 'email': unknown column"),
        (
            "company;invited\n{a};ti\n",
            "line 2, column 'invited', value 'ti': invited must be a whole",
        ),
        ("company;invited\n{a};-3\n", "line 2, column 'invited', value '-3'"),
        ("company;invited\n{a};12,5\n", "line 2, column 'invited', value '12,5'"),
        (
            "company;invited\nNordkraft ASA;100\n",
            "line 2, column 'company', value 'Nordkraft ASA': company not in the export",
        ),
        (
            "company;invited\n{a};500\n{a};600\n",
            "line 3, column 'company', value '{a}': the same company",
        ),
        ("company;invited\n{a};1\n", "line 2, column 'invited', value 1: {a}: 1 invited but"),
        (
            "company;role;invited\n{a};9;100\n",
            "line 2, column 'role', value '9': not a code of segment 'role'",
        ),
    ],
)
def test_a_bad_headcounts_file_is_refused_with_its_place(raw_2025, lines, message):
    a = _first_companies(raw_2025)[0]
    _write(raw_2025, lines.format(a=a))
    with pytest.raises(ks.IngestError, match="headcounts.csv: " + re.escape(message.format(a=a))):
        ks.ingest(2025, raw_2025)
    assert not (raw_2025 / "processed" / "2025").exists()  # nothing written
    check = ks.check_export(2025, raw_2025)  # the dry run says the same
    assert any(message.format(a=a) in p for p in check.problems)


def test_the_ingest_command_reports_a_bad_headcount_without_a_traceback(raw_2025):
    a = _first_companies(raw_2025)[0]
    _write(raw_2025, f"company;invited\n{a};ti\n")
    result = CliRunner().invoke(app, ["ingest", "--year", "2025", "--data-dir", str(raw_2025)])
    assert result.exit_code == 2
    assert "error:" in result.output and "headcounts.csv" in result.output
    assert "Traceback" not in result.output


def test_headcounts_by_segment_add_up_and_are_not_taken_for_the_export(raw_2025):
    companies = _first_companies(raw_2025)
    lines = ["company;role;invited"]
    for c in companies:
        lines += [f"{c};1;400", f"{c};2;100"]
    _write(raw_2025, "\n".join(lines) + "\n")
    ks.ingest(2025, raw_2025)
    survey = ks.load(2025, raw_2025)
    assert list(survey.headcounts.columns) == ["company", "role", "invited"]
    assert (ks.response_rates(survey)["invited"] == 500).all()


@pytest.mark.slow
def test_a_company_report_warns_when_its_rate_is_low(raw_2025, tmp_path):
    survey_rows = pd.read_csv(
        raw_2025 / "raw" / "2025" / "responses.csv", sep=";", dtype=str, encoding="utf-8-sig"
    )
    company = survey_rows["company"].value_counts().index[0]
    raw = pd.read_csv(raw_2025 / "raw" / "2025" / "headcounts.csv", sep=";", encoding="utf-8-sig")
    raw = raw[raw["company"] != company]  # one line of 100,000 for it: a rate far under 30 %
    raw = pd.concat([raw, pd.DataFrame({"company": [company], "role": [1], "invited": [100_000]})])
    raw.to_csv(raw_2025 / "raw" / "2025" / "headcounts.csv", sep=";", index=False)
    ks.ingest(2025, raw_2025)
    result = ks.batch(2025, companies=[company], data_dir=raw_2025, out=tmp_path, workers=1)
    page = result.written[company].read_text(encoding="utf-8")
    low = ks.report.present.text("participation.low", "nb", rate="30\u00a0%")
    assert "Svarprosent" in page and low.split(":")[0] in page
    assert "100\u202f000" in page  # the headcount, as the report prints it
    shutil.rmtree(tmp_path)
    assert config.MIN_RESPONSE_RATE == 0.30
