"""The minimum-group rule, attacked: small cells, differencing, free text, other companies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ksresearch as ks
from ksresearch.stats.disclosure import COMPLEMENTARY, protect


def _recoverable(table: pd.DataFrame, counts: list[int], means: list[float], m: int) -> list[int]:
    """Groups an attacker can isolate from the shown rows and the shown total (n and mean)."""
    hidden = [i for i in range(len(counts)) if table["suppressed"].iloc[i] != ""]
    if len(hidden) == 1:
        return hidden  # total minus the shown groups gives it exactly
    if hidden and sum(counts[i] for i in hidden) < m:
        return hidden  # the hidden groups together are themselves a group below the minimum
    return []


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(0, 40), min_size=1, max_size=8), m=st.integers(2, 10))
def test_no_shown_cell_is_small_and_no_small_group_can_be_derived(counts, m):
    means = list(np.linspace(1, 5, len(counts)))
    table = protect(pd.DataFrame({"n": counts, "mean": means}), min_group_size=m)
    shown = table[table["suppressed"] == ""]
    assert (shown["n"] >= m).all()
    assert table.loc[table["suppressed"] != "", "mean"].isna().all()
    assert table.loc[table["suppressed"] != "", "n"].isna().all()
    hidden = table[table["suppressed"] != ""]
    reasons = table["suppressed"].tolist()
    expected = [f"< {m}" if c < m else "–" for c, r in zip(counts, reasons, strict=True) if r]
    assert hidden["n_shown"].tolist() == expected  # "< 5" is said only of a small group
    if not (table["suppressed"] != "").all():
        assert _recoverable(table, counts, means, m) == []


def test_complementary_suppression_hides_the_next_smallest():
    t = protect(
        pd.DataFrame({"n": [3, 50, 12, 30], "mean": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    )
    assert t.loc["a", "suppressed"].startswith("fewer than 5")
    assert t.loc["c", "suppressed"] == COMPLEMENTARY
    assert t.loc[["b", "d"], "mean"].tolist() == [2.0, 4.0]


def test_protect_without_partition_only_hides_small_cells():
    t = protect(pd.DataFrame({"n": [3, 50]}), partition=False)
    assert t["suppressed"].tolist()[1] == "" and t["n_shown"].tolist() == ["< 5", "50"]


def test_minimum_is_configurable_and_validated():
    t = protect(pd.DataFrame({"n": [8, 20, 30]}), min_group_size=10)
    assert t["n_shown"].tolist()[0] == "< 10"
    with pytest.raises(ValueError, match="at least 1"):
        protect(pd.DataFrame({"n": [1]}), min_group_size=0)


def test_group_comparison_hides_both_groups_when_one_is_small():
    df = pd.DataFrame({"g": [1] * 3 + [2] * 40, "y": np.r_[np.ones(3) * 5, np.linspace(1, 3, 40)]})
    out = ks.compare_groups(df, ["y"], "g", cluster=None)
    # with the overall mean shown elsewhere, showing group 2 would reveal group 1
    assert np.isnan(out.loc["y", "mean_1"]) and np.isnan(out.loc["y", "mean_2"])
    assert np.isnan(out.loc["y", "n_1"]) and np.isnan(out.loc["y", "n_2"])
    assert "diff" not in out or np.isnan(out.loc["y", "diff"])
    assert out.loc["y", "suppressed"]


def test_segment_trend_suppresses_complements():
    prev = pd.DataFrame({"s": [1] * 4 + [2] * 30 + [3] * 30, "y": np.arange(64.0)})
    cur = pd.DataFrame({"s": [1] * 20 + [2] * 30 + [3] * 8, "y": np.arange(58.0)})
    out = ks.trend(cur, prev, ["y"], segment="s")
    hidden = out["suppressed"] != ""
    assert hidden.sum() == 2 and hidden.loc[(1, "y")]


def test_findings_never_show_small_cells(demo_data):
    survey = ks.load(2025, demo_data)
    for table in (
        ks.turnover_by(survey, "centre_size"),
        ks.ai_adoption_by(survey, "company"),
        ks.by_centre_size(survey),
        ks.selfservice_by_industry(survey),
    ):
        shown = table[table["suppressed"] == ""]
        assert (shown["n"] >= 5).all()
        hidden = table[table["suppressed"] != ""]
        assert hidden.drop(columns=["n_shown", "suppressed"]).isna().all().all()
        assert len(hidden) != 1  # one hidden row could be derived from the total


def test_free_text_never_reaches_an_aggregate(demo_data):
    survey = ks.load(2025, demo_data)
    assert "comment" not in ks.prepare(survey).columns
    with pytest.raises(ValueError, match="free text is never aggregated"):
        ks.compare_groups(survey.responses, ["comment"], "shift_work", cluster=None)


def test_benchmark_names_no_other_company(demo_data):
    survey = ks.load(2025, demo_data)
    companies = ks.eligible_companies(survey)
    own = companies[companies["eligible"]].index[0]
    others = [c for c in companies.index if c != own]
    for weighting in ("respondent", "company"):
        table = ks.benchmark(survey, own, weighting=weighting)
        text = table.to_string() + repr(table.attrs) + " ".join(map(str, table.index))
        assert not [c for c in others if c in text]
        assert not [c for c in others if c.split(" ")[0] in text]


def test_small_company_gets_no_benchmark(demo_data):
    survey = ks.load(2025, demo_data)
    companies = ks.eligible_companies(survey)
    small = companies[~companies["eligible"]].index
    assert len(small) >= 2
    with pytest.raises(ks.AnonymityError, match="fewer than 5 respondents"):
        ks.benchmark(survey, small[0])
    with pytest.raises(ks.AnonymityError):
        ks.company_drivers(survey, small[0])
