"""The demo's published numbers survive a refactoring: every table of the demo general report
and of three company reports equals the tables recorded before it (tests/demo_tables.py).

Since the safe-release work a cell may also be hidden where it was shown before (companies per
cell, the minimum per statistic, the release audit): it then shows "–", never another number."""

from __future__ import annotations

import json
import re

import pytest

from tests.demo_tables import COMPANIES, REFERENCE, demo_tables

COUNT_HEADERS = {"Antall svar", "Svar", "Rader", "Rows"}  # rows: the data-quality steps


def _published(table: list[list[str]], m: int = 5) -> list[list[str]]:
    """The recorded table as published now: a count under the minimum shows as "< 5" (before
    the groundwork the helper printed such counts exactly; the snapshot's three companies have
    none, so this changes no recorded cell unless the demo itself changes)."""
    header, *rows = table
    counts = [j for j, h in enumerate(header) if h in COUNT_HEADERS]
    out = [header]
    for row in rows:
        row = list(row)
        for j in counts:
            if j < len(row) and re.fullmatch(r"\d+", row[j]) and int(row[j]) < m:
                row[j] = f"< {m}"
        out.append(row)
    return out


@pytest.mark.slow
def test_demo_tables_are_unchanged(demo_data):
    before = json.loads(REFERENCE.read_text(encoding="utf-8"))
    after = demo_tables(demo_data, COMPANIES)
    assert set(after) == set(before)
    for report, tables in before.items():
        assert len(after[report]) == len(tables), report
        for i, (old, new) in enumerate(zip(tables, after[report], strict=True)):
            _same_or_hidden(new, _published(old), (report, i))
    _only_declared_tables_rest_on_the_whole_survey(demo_data / "reports" / "2025" / "ledger")


def _only_declared_tables_rest_on_the_whole_survey(ledgers) -> None:
    """Every published number of the demo release rests on the respondents its analysis
    named; a table whose cells fall back on the whole survey said so in its notebook: the
    general report's steps of the data, response-rate summary, weightings and provenance, a
    company report's provenance and its own customer figures."""
    general = json.loads((ledgers / "general_report.nb.json").read_text(encoding="utf-8"))
    declared = [t for t in general["tables"] if t.get("rests_on") == "survey"]
    assert len(declared) == 4, [t["table"] for t in declared]
    assert {"raw", "analysed"} <= {c["row"] for t in declared for c in t["cells"]}
    for path in (ledgers / "companies").glob("*.json"):
        company = json.loads(path.read_text(encoding="utf-8"))
        declared = [t for t in company["tables"] if t.get("rests_on") == "survey"]
        assert 1 <= len(declared) <= 2, path.name


#: What a cell hidden by design shows: no number, or the benchmark's reason for no pool.
HIDDEN = {"–", "< 5", "For få andre virksomheter"}


def _same_or_hidden(new: list[list[str]], old: list[list[str]], where) -> None:
    assert new[0] == old[0] and len(new) == len(old), where  # same headers, same rows
    for r, (new_row, old_row) in enumerate(zip(new, old, strict=True)):
        assert len(new_row) == len(old_row), (where, r)
        for c, (a, b) in enumerate(zip(new_row, old_row, strict=True)):
            assert a == b or a in HIDDEN, (where, r, c, b, a)
