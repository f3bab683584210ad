"""The release audit, attacked: cells of two reports set against each other, a table's total
less its other cells, the companies-per-cell rule, and suppression that settles every leak."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch.report.ledger import (
    decode_members,
    encode_members,
    fingerprint,
    table_record,
)
from ksresearch.report.release import check_release, choose_suppressions
from ksresearch.stats.disclosure import Members, owners_rule
from ksresearch.study.prepare import KEY_BASE

YEAR = 2025


def _frame() -> pd.DataFrame:
    """Industry 1 holds two companies, A (9 respondents) and B (2); industry 2 holds C, D, E
    (20 each). Indexed by respondent key as :func:`ksresearch.prepare` does."""
    companies = ["A"] * 9 + ["B"] * 2 + ["C"] * 20 + ["D"] * 20 + ["E"] * 20
    industry = [1] * 11 + [2] * 60
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {"company": companies, "industry": industry, "y": rng.integers(1, 6, 71).astype(float)}
    )
    return df.set_axis(YEAR * KEY_BASE + np.arange(len(df)), axis=0)


def _ledger(report: str, *records: dict) -> dict:
    sets = {fp: enc for r in records for fp, enc in r["sets"].items()}
    tables = [{"table": f"{i}:{r['table']}", "cells": r["cells"]} for i, r in enumerate(records)]
    return {"meta": {"report": report}, "tables": tables, "sets": sets}


def _record(name: str, table: pd.DataFrame, columns: list[str], df: pd.DataFrame) -> dict:
    shown = table[columns].map(lambda v: "–" if pd.isna(v) else f"{v:.2f}")
    return table_record(name, shown, table.attrs.get("members"), df.index.to_numpy())


def _company_table(df: pd.DataFrame, company: str) -> pd.DataFrame:
    own = df[df["company"] == company]
    members = Members()
    members.add("y", "company", own.index, "y")
    members.add("y", "n_company", own.index, "respondents")
    out = pd.DataFrame({"company": [own["y"].mean()], "n_company": [len(own)]}, index=["y"])
    out.attrs["members"] = members
    return out


def test_members_round_trip_through_the_ledger_encoding():
    keys = np.array([YEAR * KEY_BASE + 3, YEAR * KEY_BASE + 700, 2024 * KEY_BASE])
    decoded = decode_members(encode_members(keys))
    assert decoded == {YEAR: (1 << 3) | (1 << 700), 2024: 1}
    assert fingerprint(encode_members(keys)) == fingerprint(encode_members(keys[::-1]))


def test_two_reports_that_difference_to_two_respondents_are_caught_and_settled():
    df = _frame()
    by_industry = ks.segment_summary(df, "industry", {"mean_y": "y"})  # no company rule
    general = _ledger("general", _record("industry", by_industry, ["n", "mean_y"], df))
    own = _ledger("companies/A.html", _record("bench", _company_table(df, "A"), ["company"], df))
    leaks = check_release([general, own])
    assert [leak.difference for leak in leaks] == [2]  # 11 in industry 1 less A's 9 = B
    assert "leaves 2 respondent(s)" in leaks[0].where
    chosen = set(choose_suppressions(leaks))
    assert chosen & set(leaks[0].candidates())

    def without(ledger):
        tables = [
            {**t, "cells": [c for c in t["cells"] if c["set"] not in chosen]}
            for t in ledger["tables"]
        ]
        return {**ledger, "tables": tables}

    assert check_release([without(general), without(own)]) == []


def test_the_companies_per_cell_rule_hides_the_industry_of_two_companies():
    df = _frame()
    table = ks.segment_summary(df, "industry", {"mean_y": "y"}, company="company")
    assert table.loc[1, "suppressed"] == "respondents from fewer than 3 companies"
    assert np.isnan(table.loc[1, "mean_y"]) and table.loc[1, "n_shown"] == "–"
    general = _ledger("general", _record("industry", table, ["n", "mean_y"], df))
    own = _ledger("companies/A.html", _record("bench", _company_table(df, "A"), ["company"], df))
    assert check_release([general, own]) == []
    # B's mean is no published cell and no difference of two
    b = df.loc[df["company"] == "B", "y"].mean()
    shown = {c["value"] for t in general["tables"] + own["tables"] for c in t["cells"]}
    assert f"{b:.2f}" not in shown or b == df.loc[df["company"] != "B", "y"].mean()


def test_one_company_dominating_a_cell_is_hidden():
    groups = pd.Series([1] * 20 + [2] * 20)
    owners = pd.Series(["a"] * 17 + ["b", "c", "d"] + ["a", "b", "c", "d"] * 5)
    rule = owners_rule(groups, owners)
    assert rule[1] == "one company holds more than 80 % of the respondents" and rule[2] == ""


def test_a_total_less_the_other_cells_of_a_table_is_caught():
    df = _frame().iloc[:63]  # industry 1: 11, industry 2: 52
    df = df.assign(band=np.r_[[1] * 40, [2] * 3, [3] * 20])
    # the small band hidden alone, as a table without complementary suppression would
    table = ks.segment_summary(df, "band", {"mean_y": "y"}, min_group_size=1)
    table = table.assign(mean_y=table["mean_y"].where(table.index != 2))
    members = table.attrs["members"]
    total = pd.DataFrame({"mean_y": [df["y"].mean()]}, index=["all"])
    total.attrs["members"] = Members()
    total.attrs["members"].add("all", "mean_y", df.index, "y")
    leaks = check_release(
        [
            _ledger("a", _record("bands", table, ["mean_y"], df)),
            _ledger("b", _record("total", total, ["mean_y"], df)),
        ]
    )
    assert [leak.difference for leak in leaks] == [3]
    assert "the other cells of" in leaks[0].where
    assert members  # the table carried its members into the ledger
    # the same table turned (bands as columns, as a wide table is shown): still caught
    turned = ks.transposed(table[["mean_y"]])
    leaks = check_release(
        [
            _ledger("a", _record("bands", turned, list(turned.columns), df)),
            _ledger("b", _record("total", total, ["mean_y"], df)),
        ]
    )
    assert [leak.difference for leak in leaks] == [3]


def test_a_cell_under_the_minimum_and_different_variables():
    df = _frame()
    small = pd.DataFrame({"mean_y": [1.0], "other": [2.0]}, index=["b"])
    b = df.index[df["company"] == "B"]
    small.attrs["members"] = Members()
    small.attrs["members"].add("b", "mean_y", b, "y")
    leaks = check_release([_ledger("r", _record("t", small, ["mean_y"], df))])
    assert len(leaks) == 1 and "rests on 2 respondents" in leaks[0].where
    # those who answered one question beside those who answered another: no leak
    two = pd.DataFrame({"x": [1.0], "z": [2.0]}, index=["all"])
    two.attrs["members"] = Members()
    two.attrs["members"].add("all", "x", df.index, "x")
    two.attrs["members"].add("all", "z", df.index[:-1], "z")
    assert check_release([_ledger("r", _record("t", two, ["x", "z"], df))]) == []


def test_a_model_statistic_under_the_minimum_is_caught_too():
    """Not additive (a difference, a test) is no licence: the minimum holds for every number,
    and the cells of its set are hidden like a count's."""
    df = _frame()
    b = df.index[df["company"] == "B"]
    model = pd.DataFrame({"diff": [0.8], "p": [0.03]}, index=["b"])
    model.attrs["members"] = Members.model(["b"], b)  # a model fitted on B's two
    ledger = _ledger("r", _record("t", model, ["diff", "p"], df))
    assert all(not c["additive"] for c in ledger["tables"][0]["cells"])
    leaks = check_release([ledger])
    assert len(leaks) == 1 and "rests on 2 respondents" in leaks[0].where
    assert choose_suppressions(leaks) == [leaks[0].small]
    model.attrs["members"] = Members.model(["b"], df.index[:9])  # nine: enough
    assert check_release([_ledger("r", _record("t", model, ["diff", "p"], df))]) == []


def test_the_minimum_applies_to_each_statistic_counted_on_those_who_answered():
    df = _frame()
    df.loc[df["industry"] == 2, "y"] = np.nan
    df.loc[df.index[df["industry"] == 2][:1], "y"] = 10.0  # 1 of 60 answered
    table = ks.segment_summary(df, "industry", {"mean_y": "y"})
    assert table.loc[2, "n"] == 60 and np.isnan(table.loc[2, "mean_y"])
    assert table.loc[1, "mean_y"] == pytest.approx(df.loc[df["industry"] == 1, "y"].mean())


def test_all_others_of_too_few_companies_get_no_pool(tmp_path):
    ks.write_synth(YEAR, seed=3, data_dir=tmp_path, n_companies=3)
    ks.ingest(YEAR, tmp_path)
    survey = ks.load(YEAR, tmp_path)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[0]
    bench = ks.benchmark(survey, company)  # the other two companies are "all others"
    assert bench["pool"].isna().all() and bench["company"].notna().any()
    assert set(bench["assessment"]) <= {
        "not reported (too few other companies)",
        "not reported (too few answers)",
    }
    assert "pool" not in {c for (_, c) in bench.attrs["members"]}


def test_all_others_held_mostly_by_one_company_get_no_pool(tmp_path):
    """Where one company is over 80 % of "all others", the pool is that company's figure in all
    but name: the pool columns say so and the company's own figures stay."""
    import csv

    ks.write_synth(YEAR, seed=4, data_dir=tmp_path, n_companies=4)
    export = tmp_path / "raw" / str(YEAR) / "responses.csv"
    with export.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    at = rows[0].index("company")
    big, *small = pd.Series([r[at] for r in rows[1:]]).value_counts().index
    kept, seen = [rows[0]], dict.fromkeys(small, 0)
    for r in rows[1:]:  # the largest company whole, two of the others down to six answers
        if r[at] == big or r[at] == small[0] or seen[r[at]] < 6:
            kept.append(r)
            seen[r[at]] = seen.get(r[at], 0) + 1
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(kept)
    for side in ("company_kpis.csv", "headcounts.csv"):
        (export.parent / side).unlink(missing_ok=True)
    ks.ingest(YEAR, tmp_path)
    survey = ks.load(YEAR, tmp_path)
    others = survey.responses[survey.responses["company"] != small[0]]["company"]
    assert others.value_counts(normalize=True).iloc[0] > ks.config.MAX_COMPANY_SHARE
    bench = ks.benchmark(survey, small[0])
    assert bench["pool"].isna().all() and bench["company"].notna().any()
    assert "not reported (too few other companies)" in set(bench["assessment"])
    assert "pool" not in {c for (_, c) in bench.attrs["members"]}


def _counted(df: pd.DataFrame, rows: dict[str, pd.Index], name: str) -> dict:
    """A ledger record of one count per row ("n", variable "responded")."""
    table = pd.DataFrame({"n": [len(v) for v in rows.values()]}, index=list(rows))
    members = Members()
    for row, labels in rows.items():
        members.add(row, "n", labels, "responded")
    table.attrs["members"] = members
    shown = table.map(str)
    return table_record(name, shown, members, df.index.to_numpy())


def test_a_unit_without_a_report_is_not_the_total_less_the_other_units():
    """B (2 respondents) gets no report; every other company's report gives its count, and
    the general report the total: 71 less 9 + 20 + 20 + 20 is B. The audit finds it and the
    hiding it chooses settles it."""
    df = _frame()
    general = _ledger("general", _counted(df, {"all": df.index}, "participation"))
    general["meta"]["kind"] = "general"
    units = []
    for company in ("A", "C", "D", "E"):
        own = _ledger(f"companies/{company}.html", _counted(
            df, {company: df.index[df["company"] == company]}, "participation"))  # fmt: skip
        own["meta"]["kind"] = "company"
        units.append(own)
    assert check_release([general, units[0]]) == []  # one unit against the total: 62 apart
    leaks = check_release([general, *units])
    assert [leak.difference for leak in leaks] == [2]
    assert "unit reports" in leaks[0].where
    chosen = set(choose_suppressions(leaks))
    hidden = [
        {**ledger, "tables": [
            {**t, "cells": [c for c in t["cells"] if c["set"] not in chosen]}
            for t in ledger["tables"]]}
        for ledger in (general, *units)
    ]  # fmt: skip
    assert check_release(hidden) == []


def test_last_years_published_cells_are_never_chosen_for_hiding():
    from ksresearch.report.release import Leak

    leaks = [Leak("old", "new", 2, "x"), Leak("old", "newer", 3, "y")]
    assert choose_suppressions(leaks) == ["old"]  # settles both
    assert choose_suppressions(leaks, allowed={"new", "newer"}) == ["new", "newer"]
    assert choose_suppressions([Leak("old", "older", 1, "z")], allowed={"new"}) == []


def test_about_this_report_states_the_confidentiality_rules(monkeypatch):
    from ksresearch import config, load_codebook
    from ksresearch.report.present import provenance

    monkeypatch.setattr(config, "MIN_COMPANIES", 4)
    survey = ks.Survey(
        pd.DataFrame({"company": ["A AS"]}), load_codebook(config.codebook_path(2025))
    )
    for lang, row in (("en", "Confidentiality"), ("nb", "Anonymitet")):
        about = provenance(survey, {"year": YEAR}, lang)
        rule = about.loc[row].iloc[0]
        assert "5" in rule and "4" in rule and "80 %" in rule


def test_a_release_still_unsafe_after_suppression_stops_with_its_cells(monkeypatch):
    from ksresearch.report import release
    from ksresearch.report.execute import ReportError

    leak = release.Leak("a", "b", 2, "general, table 1, row 'x' less companies/A.html leaves 2")
    unsafe = release.ReleaseResult(leaks=[leak], rounds=3)
    monkeypatch.setattr(release, "audit_release", lambda *a, **k: unsafe)
    with pytest.raises(ReportError, match=r"not safe to publish after 3 round\(s\).*leaves 2"):
        release.finish_release(YEAR, Path("out"), None, 5)


def test_every_ledger_carries_the_rules_it_was_made_with(tmp_path):
    """One frozen set of rules (config.Rules): written into each ledger, with the minimum of
    the report's own parameters."""
    import json

    from ksresearch.report.ledger import write_ledger

    path = tmp_path / "r.json"
    write_ledger(path, [], {"report": "r.html", "parameters": {"min_group_size": 7}})
    rules = json.loads(path.read_text())["meta"]["rules"]
    assert rules == ks.config.Rules(min_group_size=7).as_dict()
    assert rules["min_companies"] == ks.config.MIN_COMPANIES and rules["alpha"] == 0.05
    with pytest.raises(AttributeError):
        ks.config.RULES.min_group_size = 3  # frozen
