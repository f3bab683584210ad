"""The ledger fails closed: a published number whose respondents no analysis named is refused
by the table and figure helpers, unless the notebook says in so many words that the table rests
on the whole survey; what is said is kept in the ledger."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch.report.ledger import UnregisteredCellError, table_record
from ksresearch.stats.disclosure import Members, renamed


@pytest.fixture(scope="module")
def section(synth_data):
    return ks.Section(2025, "en", 5, synth_data)


def _forgetful() -> pd.DataFrame:
    """An analysis that gives the respondents of its means but forgot its counts'."""
    table = pd.DataFrame({"n": [40, 60], "mean": [3.5, 3.9]}, index=["a", "b"])
    members = Members()
    members.add("a", "mean", np.arange(40), "y")
    members.add("b", "mean", np.arange(40, 100), "y")
    table.attrs["members"] = members
    return table


def test_a_table_that_forgets_its_members_is_refused(section):
    with pytest.raises(UnregisteredCellError, match=r"'40'.*row 'a'.*column 'n'"):
        section.table(_forgetful())
    with pytest.raises(UnregisteredCellError):
        section.table(_forgetful().drop(columns="n").assign(sd=1.2))  # a column of no analysis
    plain = pd.DataFrame({"n": [40]}, index=["a"])  # no attrs["members"] at all
    with pytest.raises(UnregisteredCellError):
        section.table(plain)


def test_a_figure_that_forgets_its_members_is_refused(section):
    with pytest.raises(UnregisteredCellError):
        section.bar_ci(_forgetful(), "n")


def test_the_whole_survey_must_be_said_and_is_kept_in_the_record():
    table = _forgetful()
    everyone = 2025 * ks.study.prepare.KEY_BASE + np.arange(100)
    shown = table.astype(str)
    with pytest.raises(UnregisteredCellError):
        table_record("t1", shown, table.attrs["members"], everyone)
    record = table_record("t1", shown, table.attrs["members"], everyone, rests_on="survey")
    assert record["rests_on"] == "survey"
    counts = [c for c in record["cells"] if c["column"] == "n"]
    assert {c["set"] for c in counts} == {c["set"] for c in counts[:1]}  # the whole survey
    with pytest.raises(ValueError, match="rests_on"):
        table_record("t1", shown, None, everyone, rests_on="everyone")


def test_a_row_set_covers_its_row_and_text_needs_none():
    members = Members.model(["a", "b"], np.arange(10))
    table = pd.DataFrame({"r": ["0.41", "0.12"], "verdict": ["clear", "not clear"]}, ["a", "b"])
    everyone = 2025 * ks.study.prepare.KEY_BASE + np.arange(100)
    record = table_record("t1", table, members, everyone)
    assert len(record["cells"]) == 4
    words = pd.DataFrame({"verdict": ["Full (scalar)"]}, index=["a"])
    assert table_record("t2", words, None, everyone)["cells"][0]["value"] == "Full (scalar)"


def test_renaming_columns_or_rows_keeps_the_members():
    table = _forgetful()
    moved = renamed(table, {"mean": "average"}, index=str.upper)
    assert moved.attrs["members"][("A", "average")].tolist() == list(range(40))
    assert moved.attrs["members"].variables[("B", "average")] == "y"
    assert ("a", "mean") in table.attrs["members"]  # the original is left as it was


def test_results_of_two_analyses_concatenate_and_stack_with_their_members(section):
    """A researcher's loop over groups: ``pd.concat`` of two results no longer fails on the
    respondents in ``attrs`` (it drops them when they differ, and then the ledger refuses
    the table), and ``ks.stacked`` keeps them, each row's under its new label, so the
    stacked table is published like its parts."""
    survey = section.survey
    cb = survey.codebook
    df = ks.prepare(survey)
    constructs = ks.tracked_constructs(cb)[:2]
    parts = {
        role: ks.compare_groups(df, constructs, cb.role(role))
        for role in ("shift_worker", "work_location")
    }
    plain = pd.concat(parts.values())
    assert "members" not in plain.attrs
    with pytest.raises(UnregisteredCellError):
        section.table(plain[["diff"]])
    same = pd.concat([parts["shift_worker"], parts["shift_worker"]])
    assert same.attrs["members"] == parts["shift_worker"].attrs["members"]
    both = ks.stacked(parts, name="segment")
    assert both.index.names[0] == "segment" and len(both) == sum(map(len, parts.values()))
    moved = both.attrs["members"]
    for key, table in parts.items():
        for (row, column), labels in table.attrs["members"].items():
            assert np.array_equal(moved[((key, row), column)], labels)
    shown = ks.renamed(both[["diff"]], index=lambda label: " ".join(map(str, label)))
    section.table(shown)  # every cell registered: no error


def _results(survey, previous) -> dict:
    """The public results of the findings and of every report section's building blocks."""
    cb = survey.codebook
    df = ks.prepare(survey)
    company = ks.eligible_companies(survey).sort_values("n").index[-1]
    return {
        "benchmark": ks.benchmark(survey, company),
        "benchmark_ranks": ks.benchmark_ranks(survey),
        "question_results": ks.question_results(survey),
        "question_benchmark": ks.question_benchmark(survey, company),
        "choice_results": ks.choice_results(survey),
        "compare_groups": ks.compare_groups(
            df, ks.tracked_constructs(cb)[:2], cb.role("shift_worker")
        ),  # fmt: skip
        "shift_work": ks.shift_work(survey),
        "segment_heatmap": ks.segment_heatmap(
            survey, ks.study.heatmaps.COMPANY_SEGMENTS, company=company
        ),  # fmt: skip
        "ai_use_cases": ks.ai_use_cases(survey),
        "ai_association": ks.ai_association(survey),
        "education_relevance": ks.education_relevance(survey),
        "competence_links": ks.competence_links(survey),
        "by_centre_size": ks.by_centre_size(survey),
        "selfservice_by_industry": ks.selfservice_by_industry(survey),
        "construct_trends": ks.construct_trends(survey, previous),
        "response_rates": ks.response_rates(survey),
        "comments": ks.comments(survey),
    }


def test_every_public_result_concatenates_and_goes_to_parquet_without_its_respondents(
    section, synth_data, tmp_path
):
    """pandas writes ``attrs`` into Parquet as JSON: the respondents stay in memory (the file
    holds Members.TEXT in their place), and a table read back has none, so the report's table
    helper refuses it; ``pd.concat`` of a result with itself keeps them."""
    results = _results(section.survey, ks.load(2024, synth_data))
    for name, result in results.items():
        path = tmp_path / f"{name}.parquet"
        result.to_parquet(path)
        back = pd.read_parquet(path)
        assert back.shape == result.shape, name
        members = ks.members_of(result)
        if members is None:
            continue
        assert back.attrs["members"] == ks.Members.TEXT and ks.members_of(back) is None, name
        assert ks.members_of(pd.concat([result, result])) == members, name
        numeric = back.select_dtypes("number")
        if numeric.notna().to_numpy().any():
            with pytest.raises(UnregisteredCellError):
                section.table(numeric)
    assert sum(ks.members_of(r) is not None for r in results.values()) >= 15
    heat = results["segment_heatmap"]
    back = pd.read_parquet(tmp_path / "segment_heatmap.parquet")
    low = pd.read_json(io.StringIO(back.attrs["low"]), orient="table")
    assert np.allclose(low.to_numpy(float), heat.attrs["low"].to_numpy(float), equal_nan=True)
