"""The release audit: all reports of a year set against each other before any is published.

One table can be safe and two together not: a general report's industry cell of 11 next to a
company report's own 9 gives away the other 2 by subtraction. The audit reads the ledgers of
the whole release (both languages of the general report, every company report) and finds

- **nested cells**: a published count, mean or share whose respondents A lie inside those of
  another published one, B, with 1 to ``min_group_size - 1`` respondents between them (|B \\ A|);
- **a table's total less its other cells**: the disjoint cells of one table column together
  (their union) set against any published cell that contains them, in the same way;
- **a total less the sum of the units**: the same column of one variable across the company
  reports (each company's own cell), their union set against the general report's total, in
  the same way (a company without a report would otherwise be its total less the others);
- **cells under the minimum**: any number, additive or not, resting on 1 to ``min_group_size - 1``
  respondents.

Model statistics (differences, tests, intervals, ranks, fit) are registered too but are not
additive: subtraction cannot isolate a respondent's answer from them, so they are held to the
minimum only.

Where the release is unsafe, :func:`choose_suppressions` picks the sets of respondents whose
cells to hide (as few as possible: those that settle the most problems, the smallest first),
they are written beside the release's ledgers, ``<out>/<year>/ledger/release_suppressed.json``
(the report helpers of that release hide every cell resting on them; another output folder's
release is not touched), the reports concerned are rebuilt, and the audit runs again.
"""

from __future__ import annotations

import bisect
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..stats.disclosure import min_size
from .execute import ReportError
from .ledger import SUPPRESSED_FILE, SURVEY, decode_members, read_ledgers, suppressed_path

__all__ = [
    "Leak",
    "ReleaseResult",
    "SUPPRESSED_FILE",
    "check_release",
    "choose_suppressions",
    "audit_release",
    "read_suppressed",
    "finish_release",
    "drop_other_formats",
]

#: The kinds of report the release step can rebuild (the others are only read).
REBUILDABLE = ("general", "company")


@dataclass(frozen=True)
class Leak:
    """Two published cells that differ by too few respondents (``large`` None: one cell under
    the minimum). ``small``/``large`` are set fingerprints; ``where`` says which cells."""

    small: str
    large: str | None
    difference: int
    where: str
    parts: tuple[str, ...] = ()

    def candidates(self) -> tuple[str, ...]:
        """The sets whose hiding settles this leak."""
        if self.large is None:
            return (self.small,)
        if self.parts:  # a derived union: hide the containing cell or the table's smallest cell
            return (self.large, self.parts[0])
        return (self.small, self.large)


@dataclass
class ReleaseResult:
    """What the release step found and did.

    Parameters
    ----------
    leaks, suppressed, reasons, rebuilt, rebuilt_pages, rounds, seconds, unaccounted
        As :func:`ksresearch.audit_release` fills them.

    Examples
    --------
    >>> result = ReleaseResult()
    >>> result.leaks, result.suppressed
    ([], [])
    """

    leaks: list[Leak] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    rebuilt: list[str] = field(default_factory=list)
    #: each rebuilt report as (its HTML, its company or None, the formats it had: PDF and
    #: deck made from the HTML as it was are removed, :func:`publish` makes them again)
    rebuilt_pages: list[tuple[Path, str | None, tuple[str, ...]]] = field(default_factory=list)
    rounds: int = 0
    seconds: float = 0.0
    #: files in the release folder the audit cannot vouch for: a report without its ledger, a
    #: company's file its manifest does not list (left by an earlier run)
    unaccounted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No leak across the reports (``audit --release`` also fails on ``unaccounted``)."""
        return not self.leaks


def _size(members: dict[int, int]) -> int:
    return sum(v.bit_count() for v in members.values())


def _within(a: dict[int, int], b: dict[int, int]) -> bool:
    return all(y in b and (bits & b[y]) == bits for y, bits in a.items())


def _union(sets: list[dict[int, int]]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for s in sets:
        for y, bits in s.items():
            out[y] |= bits
    return dict(out)


class _Release:
    """The ledgers of a release, indexed for the checks: additive cells by (set, variable)."""

    def __init__(self, ledgers: list[dict]) -> None:
        self.members: dict[str, dict[int, int]] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.models: dict[str, str] = {}  # set -> where a model statistic rests on it
        self.columns: list[tuple[str, str, list[str]]] = []  # (where, variable, sets)
        #: the same column of one variable across the unit (company) reports: each unit's
        #: cell, so that all units together are set against the total of the general report
        self.units: dict[tuple[str, str], list[str]] = defaultdict(list)
        for ledger in ledgers:
            report = ledger["meta"].get("report", "?")
            unit = ledger["meta"].get("kind") == "company"
            for fp, encoded in ledger["sets"].items():
                if fp not in self.members:
                    self.members[fp] = decode_members(encoded)
            for table in ledger["tables"]:
                self._add_table(report, table, unit)
        self.size = {fp: _size(m) for fp, m in self.members.items()}
        for (column, variable), fps in self.units.items():
            where = f"the unit reports' {column!r} cells of {variable!r}"
            self.columns.append((where, variable, fps))

    def _add_table(self, report: str, table: dict, unit: bool = False) -> None:
        by_variable = defaultdict(list)
        for cell in table["cells"]:
            if not cell["additive"]:  # a model statistic: held to the minimum, no subtraction
                if table.get("rests_on") != SURVEY:  # not the export's own rows and steps
                    self.models.setdefault(cell["set"], f"{report}, table {table['table']}, "
                                           f"row {cell['row']!r}, column {cell['column']!r}")  # fmt: skip
                continue
            if unit:
                self.units[(cell["column"], cell["variable"])].append(cell["set"])
            key = (cell["set"], cell["variable"])
            self.where.setdefault(
                key,
                f"{report}, table {table['table']}, row {cell['row']!r}, "
                f"column {cell['column']!r} ({cell['value']})",
            )
            by_variable[cell["variable"]].append(cell["set"])
        for variable, fps in by_variable.items():  # a column, or a row of a turned table
            where = f"{report}, table {table['table']}, variable {variable!r}"
            self.columns.append((where, variable, fps))

    def derived(self) -> list[tuple[str, str, dict[int, int], tuple[str, ...]]]:
        """The union of each table's disjoint cells of one variable (a total less the other
        cells), wherever they stand in it: down a column or, in a turned table, along a row."""
        out = []
        for where, variable, fps in self.columns:
            distinct = list(dict.fromkeys(fps))
            if len(distinct) < 2:
                continue
            union = _union([self.members[fp] for fp in distinct])
            if _size(union) != sum(self.size[fp] for fp in distinct):
                continue  # overlapping cells are no partition
            parts = tuple(sorted(distinct, key=lambda fp: self.size[fp]))
            out.append((where, variable, union, parts))
        return out


def check_release(ledgers: list[dict], *, min_group_size: int | None = None) -> list[Leak]:
    """Every pair of published cells of a release that gives away 1 to ``min_group_size - 1``
    respondents by subtraction, and every additive cell under the minimum.

    Two cells are set against each other when they hold the same variable (the mean of one
    question over nested groups, or two headcounts); a count of those who answered one
    question beside a count of those who answered another says only who skipped one.

    Parameters
    ----------
    ledgers : list of dict
        The release's ledgers (:func:`ksresearch.report.ledger.read_ledgers`).
    min_group_size : int, optional
        The minimum group size (default: the configured 5).

    Returns
    -------
    list of Leak
        Empty when the release is safe.

    Examples
    --------
    >>> check_release([])
    []
    """
    m = min_size(min_group_size)
    rel = _Release(ledgers)
    small = {fp: where for (fp, _), where in sorted(rel.where.items())}
    small |= {fp: where for fp, where in rel.models.items() if fp not in small}
    leaks = [  # every statistic, additive or not, rests on at least the minimum
        Leak(fp, None, rel.size[fp], f"{where} rests on {rel.size[fp]} respondents")
        for fp, where in small.items()
        if 0 < rel.size.get(fp, 0) < m
    ]
    by_variable: dict[str, list[str]] = defaultdict(list)
    for fp, variable in sorted(rel.where):
        by_variable[variable].append(fp)
    candidates = [(fp, v, rel.members[fp], rel.where[(fp, v)], ()) for fp, v in sorted(rel.where)]
    candidates += [
        ("+".join(parts), v, union, f"the other cells of {where}", parts)
        for where, v, union, parts in rel.derived()
    ]
    for variable in by_variable:
        by_variable[variable].sort(key=lambda fp: rel.size[fp])
    seen = set()
    for fp, variable, members, where, parts in candidates:
        targets = by_variable[variable]
        sizes = [rel.size[t] for t in targets]
        n = _size(members)
        for big in targets[bisect.bisect_right(sizes, n) : bisect.bisect_left(sizes, n + m)]:
            if big in parts or (fp, big) in seen or not _within(members, rel.members[big]):
                continue
            seen.add((fp, big))
            diff = rel.size[big] - n
            text = f"{rel.where[(big, variable)]} less {where} leaves {diff} respondent(s)"
            leaks.append(Leak(fp, big, diff, text, parts))
    return leaks


def choose_suppressions(
    leaks: list[Leak], sizes: dict[str, int] | None = None, allowed: set[str] | None = None
) -> list[str]:
    """The respondent sets whose cells to hide so that no leak is left: greedily the set that
    settles the most leaks, the smallest first among equals. Only sets in ``allowed`` may be
    chosen (None: any), so that a published release (last year's) is never asked to change;
    a leak none of whose sets is allowed is left."""
    sizes = sizes or {}
    ok = (lambda fp: True) if allowed is None else allowed.__contains__
    open_ = [leak for leak in leaks if any(ok(fp) for fp in leak.candidates())]
    chosen: list[str] = []
    while open_:
        count: dict[str, int] = defaultdict(int)
        for leak in open_:
            for fp in filter(ok, leak.candidates()):
                count[fp] += 1
        best = min(count, key=lambda fp: (-count[fp], sizes.get(fp, 0), fp))
        chosen.append(best)
        open_ = [leak for leak in open_ if best not in leak.candidates()]
    return chosen


def read_suppressed(release: str | Path | None, year: int) -> set[str]:
    """The respondent sets hidden across the release ``<release>/<year>`` (none without a
    release folder: a notebook run on its own)."""
    if release is None:
        return set()
    path = suppressed_path(release, year)
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8"))["sets"])


def _write_suppressed(path: Path, fps: set[str], reasons: dict[str, str]) -> None:
    from .export import write_atomic

    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"sets": []}
    old_reasons = old.get("reasons", {})
    text = json.dumps(
        {"sets": sorted(fps), "reasons": {**old_reasons, **reasons}}, indent=1, sort_keys=True
    )
    write_atomic(path, text)


def _affected(ledgers: list[dict], fps: set[str]) -> list[dict]:
    """The metadata of the reports that show a cell resting on one of ``fps``."""
    out = []
    for ledger in ledgers:
        used = {c["set"] for t in ledger["tables"] for c in t["cells"]}
        if used & fps and ledger["meta"].get("kind") in REBUILDABLE:
            out.append(ledger["meta"])
    return out


def _hideable(ledgers: list[dict], published: list[dict]) -> set[str]:
    """The sets whose hiding can settle a leak: shown in reports this step rebuilds, and in no
    report it cannot change (last year's, or one from elsewhere), where the set would stay."""
    outside = [x for x in ledgers if x["meta"].get("kind") not in REBUILDABLE] + published
    fixed = {fp for ledger in outside for fp in ledger["sets"]}
    return {
        fp
        for ledger in ledgers
        if ledger["meta"].get("kind") in REBUILDABLE
        for fp in ledger["sets"]
    } - fixed


def drop_other_formats(meta: dict) -> tuple[Path, tuple[str, ...]]:
    """Remove the PDF and PowerPoint of a report about to be rebuilt: made from the HTML as it
    was, they would show what the release audit hides (:func:`publish` makes them again from
    the rebuilt HTML). Returns the report's HTML and the formats removed."""
    page, had = Path(meta["out"]) / str(meta["parameters"]["year"]) / meta["report"], []
    for kind in ("pdf", "pptx"):
        if page.with_suffix(f".{kind}").exists():
            page.with_suffix(f".{kind}").unlink()
            had.append(kind)
    return page, tuple(had)


def audit_release(
    year: int,
    *,
    out: str | Path | None = None,
    data_dir: str | Path | None = None,
    min_group_size: int | None = None,
    fix: bool = True,
    rounds: int = 3,
    rebuild: Callable[[dict], tuple[Path, str | None, tuple[str, ...]]] | None = None,
) -> ReleaseResult:
    """Check the whole release of ``year`` (every report with a ledger under
    ``<out>/<year>/ledger``, set against last year's release under ``<out>/<year - 1>/ledger``
    too, since trends show last year's respondents); with ``fix``, hide the cells of this
    year's reports that leak, rebuild them and check again, up to ``rounds`` times. Last
    year's reports are published: they are read, never changed.

    Returns
    -------
    ReleaseResult
        ``leaks`` left (empty: the release is safe), the sets ``suppressed`` and the reports
        ``rebuilt``.
    """
    start = time.perf_counter()
    m = min_size(min_group_size)
    base = (Path(out) if out is not None else config.REPORTS_DIR) / str(year)
    result = ReleaseResult()
    hidden = read_suppressed(base.parent, year)
    published = read_ledgers(base.parent / str(year - 1) / "ledger")
    for _ in range(rounds + 1):
        ledgers = read_ledgers(base / "ledger")
        current = {fp for ledger in ledgers for fp in ledger["sets"]}
        result.leaks = [
            leak
            for leak in check_release(ledgers + published, min_group_size=m)
            if {leak.small, leak.large, *leak.parts} & current
        ]
        if not result.leaks or not fix or result.rounds == rounds:
            break
        if rebuild is None:
            raise ValueError(
                "fix=True needs rebuild= (how to rebuild a report: ksresearch.audit_release "
                "gives it), or fix=False to only check"
            )
        sizes = _Release(ledgers + published).size
        chosen = choose_suppressions(result.leaks, sizes, allowed=_hideable(ledgers, published))
        if not chosen:
            break
        reasons = {
            fp: next(leak.where for leak in result.leaks if fp in leak.candidates())
            for fp in chosen
        }
        hidden |= set(chosen)
        _write_suppressed(suppressed_path(base.parent, year), hidden, reasons)
        result.suppressed += chosen
        result.reasons.update(reasons)
        for meta in _affected(ledgers, set(chosen)):
            result.rebuilt_pages.append(rebuild(meta))
            result.rebuilt.append(meta["report"])
        result.rounds += 1
    result.unaccounted = unaccounted_files(base)
    result.seconds = time.perf_counter() - start
    return result


def unaccounted_files(base: Path) -> list[str]:
    """Files of the release folder ``<out>/<year>`` that no ledger or manifest vouches for:
    a report (HTML, PDF, deck) whose HTML has no ledger, and a company file the manifest of
    ``companies/`` does not list; each as ``path: why``."""
    from .ledger import ledger_path

    out = []
    reports = [p for p in base.glob("*") if p.suffix in (".html", ".pdf", ".pptx")]
    companies = base / "companies"
    listed: set[str] | None = None
    if (companies / "manifest.json").exists():
        entries = json.loads((companies / "manifest.json").read_text(encoding="utf-8"))
        listed = {Path(e["file"]).stem for e in entries.values()}
    if companies.is_dir():
        reports += [p for p in companies.glob("*") if p.suffix in (".html", ".pdf", ".pptx")]
    for path in sorted(reports):
        html = path.with_suffix(".html")
        if path.parent == companies and listed is not None and path.stem not in listed:
            out.append(f"{path.relative_to(base)}: not in the manifest (left by an earlier run?)")
        elif not ledger_path(html, base).exists():
            out.append(f"{path.relative_to(base)}: no ledger (its numbers cannot be checked)")
    return out


def finish_release(year: int, out: Path, data_dir, m: int, rebuild=None):
    """Run the release audit after a report or batch (``rebuild``: how to rebuild a report,
    :func:`audit_release`); raise if the release stays unsafe."""
    result = audit_release(year, out=out, data_dir=data_dir, min_group_size=m, rebuild=rebuild)
    if not result.ok:
        raise ReportError(
            f"the {year} release is not safe to publish after {result.rounds} round(s) of "
            "suppression: " + "; ".join(leak.where for leak in result.leaks[:5])
        )
    return result
