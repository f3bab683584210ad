""" "Don't know" beside each index, identical answer vectors keeping one copy, and the main
results with and without the careless-response exclusions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks


def test_identical_answer_vectors_keep_one_copy(raw_2025):
    raw = raw_2025 / "raw" / "2025" / "responses.csv"
    df = pd.read_csv(raw, sep=";", dtype=str, keep_default_na=False)
    df = df.drop_duplicates("respondent_id", keep="last").reset_index(drop=True)
    copy = df.iloc[[10, 10, 20]].copy()  # one answer vector twice more, another once more
    copy["respondent_id"] = ["COPY1", "COPY2", "COPY3"]
    pd.concat([df, copy]).to_csv(raw, sep=";", index=False, encoding="utf-8-sig")
    ks.ingest(2025, raw_2025)
    out = ks.load(2025, raw_2025).responses.set_index("respondent_id")
    for original, copies in (
        (df.loc[10, "respondent_id"], ["COPY1", "COPY2"]),
        (df.loc[20, "respondent_id"], ["COPY3"]),
    ):
        assert not out.loc[original, "qc_duplicate_answers"]  # the first copy is analysed
        assert out.loc[copies, "qc_duplicate_answers"].all()
    assert int(out["qc_duplicate_answers"].sum()) == 3


def test_dont_know_share_beside_each_index(synth_data):
    survey = ks.load(2025, synth_data)
    table = ks.dont_know_by_construct(survey)
    cb = survey.codebook
    df = ks.prepare(survey)
    ids = ks.study.prepare.kept(survey)[cb.meta.respondent_id.id]
    dk = survey.dont_know[survey.dont_know["respondent_id"].isin(set(ids))]
    for construct in ("leadership", "technology", "motivation"):
        items = cb.construct_items(construct)
        by_hand = (dk["item"].isin(items)).sum() / (len(ids) * len(items))
        assert table.loc[construct, "dont_know"] == pytest.approx(by_hand)
        who = dk.loc[dk["item"].isin(items), "respondent_id"].nunique()
        assert table.loc[construct, "any_dont_know"] == pytest.approx(who / len(ids))
        assert table.loc[construct, "index"] == pytest.approx(df[f"{construct}_index"].mean())
    assert table.loc["leadership", "dont_know"] > 0 and table.loc["motivation", "dont_know"] == 0


def test_a_company_report_gives_its_dont_know_share(synth_data):
    survey = ks.load(2025, synth_data)
    eligible = ks.eligible_companies(survey)
    company = eligible.index[eligible["n"] >= ks.config.MIN_SHARE_N][0]
    bench = ks.benchmark(survey, company)
    df = ks.prepare(survey)
    own = df[df[survey.codebook.role("company")] == company]
    assert bench.loc["leadership", "dont_know"] == pytest.approx(own["leadership_dont_know"].mean())
    assert np.isnan(bench.loc["enps", "dont_know"])


def test_a_company_under_the_share_minimum_gets_no_share_whatever_its_value(synth_data):
    """A share of 0 % or 100 % in a group of six tells what each one answered; hiding only
    those would tell it too, so every share of a company under MIN_SHARE_N is left out, with
    its eNPS, while its means stay."""
    survey = ks.load(2025, synth_data)
    eligible = ks.eligible_companies(survey)
    small = eligible[eligible["eligible"] & (eligible["n"] < ks.config.MIN_SHARE_N)]
    assert not small.empty, "the synthetic survey should have a company of 5-9 respondents"
    bench = ks.benchmark(survey, small.index[0])
    shares = [m for m in ("enps", *ks.study.benchmarking.SHARE_MEASURES) if m in bench.index]
    assert shares and bench.loc[shares, ["company", "diff"]].isna().all().all()
    assert bench["dont_know"].isna().all()
    assert bench.loc["leadership", "company"] == bench.loc["leadership", "company"]  # a mean


def test_results_with_and_without_the_exclusions(synth_data):
    survey = ks.load(2025, synth_data)
    table = ks.exclusion_sensitivity(survey)
    kept, everyone = ks.prepare(survey), ks.prepare(survey, exclude_flagged=False)
    row = table.loc["stress"]
    assert row["n"] == kept["stress_index"].notna().sum() < row["n_all"]
    assert row["index_all"] == pytest.approx(everyone["stress_index"].mean())
    assert row["difference"] == pytest.approx(row["index"] - row["index_all"])


def test_few_exclusions_are_not_published_as_a_difference(synth_data):
    flags = ["qc_straightliner", "qc_speeder", "qc_duplicate_answers"]
    responses = ks.load(2025, synth_data).responses
    n_flagged = int(responses[flags].any(axis=1).sum())
    assert n_flagged > 0
    # under a minimum larger than the number left out, their mean would follow by subtraction
    strict = ks.load(2025, synth_data, min_group_size=n_flagged + 1)
    table = ks.exclusion_sensitivity(strict)
    assert table["index_all"].isna().all() and table["n_all"].isna().all()
    assert table["index"].notna().all()
    shown = ks.exclusion_sensitivity(ks.load(2025, synth_data, min_group_size=n_flagged))
    assert shown.loc["stress", "index_all"] == pytest.approx(
        ks.prepare(strict, exclude_flagged=False)["stress_index"].mean()
    )


def test_a_scale_without_dont_know_gives_no_share(synth_data):
    survey = ks.load(2025, synth_data)
    scales = survey.codebook.scales  # as a questionnaire without the option:
    scales["agree5"] = scales["agree5"].model_copy(update={"dont_know": []})
    table = ks.dont_know_by_construct(survey)
    assert table["dont_know"].isna().all() and table["any_dont_know"].isna().all()
    assert table["index"].notna().all()
    assert ("leadership", "dont_know") not in table.attrs["members"]


def test_quality_exclusions_follow_the_codebook_and_can_be_turned_off(raw_2025):
    """``quality: {exclude: [speeder]}`` leaves only speeders out; ``ingest
    --no-quality-exclusions`` leaves nobody out; every flag is still set and counted, and the
    data-quality table says which were analysed."""
    from typer.testing import CliRunner

    from ksresearch.cli import app

    path = raw_2025 / "raw" / "2025" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nquality: {exclude: [speeder]}\n", encoding="utf-8")
    ks.ingest(2025, raw_2025)
    survey = ks.load(2025, raw_2025)
    flags = survey.responses[["qc_straightliner", "qc_speeder"]]
    assert flags["qc_straightliner"].any() and flags["qc_speeder"].any()
    assert len(ks.prepare(survey)) == int((~flags["qc_speeder"]).sum())
    steps = ks.response_summary(survey)["rows"]
    assert steps["flagged: speeder"] == flags["qc_speeder"].sum()
    assert steps["kept_flag: straightliner"] == flags["qc_straightliner"].sum()
    run = CliRunner().invoke(
        app, ["ingest", "--year", "2025", "--data-dir", str(raw_2025), "--no-quality-exclusions"]
    )
    assert run.exit_code == 0 and "left out of the analyses: none" in run.output, run.output
    survey = ks.load(2025, raw_2025)
    assert len(ks.prepare(survey)) == len(survey.responses)
    assert survey.responses["qc_speeder"].sum() == flags["qc_speeder"].sum()  # still flagged


def test_an_unknown_quality_rule_is_refused(raw_2025):
    path = raw_2025 / "raw" / "2025" / "codebook.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nquality: {exclude: [slow]}\n", "utf-8")
    with pytest.raises(ks.data.codebook.CodebookError, match="quality"):
        ks.load_codebook(path)
