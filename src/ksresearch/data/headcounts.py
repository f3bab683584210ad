"""Headcounts: how many people each company invited, for response rates and weighting.

``data/raw/<year>/headcounts.csv`` (optional, never edited by the project): a header row with
``company`` and ``invited``, and optionally segment columns (codebook segment ids, values as
codes) for headcounts by segment (e.g. company x role, the margins of raking). Read and checked
like an export: every problem names the file, line, column and value, and nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .readers import IngestError, read_side_table

__all__ = ["HEADCOUNTS_FILE", "read_headcounts"]

HEADCOUNTS_FILE = "headcounts.csv"


def read_headcounts(path: str | Path, codebook: Codebook, responses: pd.DataFrame) -> pd.DataFrame:
    """Read and check a headcounts file against the year's codebook and its kept responses.

    Parameters
    ----------
    path : str or Path
        The headcounts file (``headcounts.csv``).
    codebook : Codebook
        The year's codebook.
    responses : DataFrame
        The kept responses (a company cannot have fewer invited than answered).

    Returns
    -------
    DataFrame
        ``company``, the segment columns given (codes, ``Int64``) and ``invited`` (int), one
        row per company (and segment values).

    Raises
    ------
    IngestError
        No ``company`` or ``invited`` column, an unknown column, a count that is not a whole
        number of 0 or more, a company not in the export, an unknown segment code, a line
        given twice, or fewer invited than answered.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> raw = survey.path.parents[1] / "raw" / "2025" / "headcounts.csv"
    >>> table = ks.read_headcounts(raw, survey.codebook, survey.responses)
    >>> list(table.columns)[:1], int(table["invited"].sum()) >= len(survey.responses)
    (['company'], True)
    """
    path = Path(path)
    header, rows = read_side_table(path)
    segments = {s.id: s for s in codebook.segments if s.type == "category"}
    for name in ("company", "invited"):
        if name not in header:
            raise IngestError(
                path, f"no {name!r} column; the header must name company and invited", row=1
            )
    for name in header:
        if name not in ("company", "invited") and name not in segments:
            raise IngestError(
                path,
                f"unknown column; use company, invited and segment ids of the codebook "
                f"({', '.join(segments)})",
                row=1,
                column=name,
            )
    company = codebook.roles.company
    answered = responses[company].astype(str).value_counts()
    records, seen = [], {}
    for line, raw in rows:
        cells = dict(zip(header, raw, strict=True))
        record = {"company": cells.get("company", "")}
        if record["company"] not in answered.index:
            raise IngestError(
                path,
                "company not in the export (names must be written as in the export; a company "
                "where nobody answered has no response rate to show)",
                row=line, column="company", value=record["company"],
            )  # fmt: skip
        for name in header:
            if name in segments:
                record[name] = _code(path, line, name, cells.get(name, ""), segments[name])
        record["invited"] = _count(path, line, cells.get("invited", ""))
        key = tuple(record[k] for k in header if k != "invited")
        if key in seen:
            raise IngestError(
                path, f"the same company and segment values as line {seen[key]}", row=line,
                column="company", value=record["company"],
            )  # fmt: skip
        seen[key] = line
        records.append(record)
    out = pd.DataFrame(records, columns=[h for h in header if h != "invited"] + ["invited"])
    totals = out.groupby("company")["invited"].sum()
    for name, invited in totals.items():
        if invited < answered[name]:
            raise IngestError(
                path,
                f"{name}: {invited} invited but {answered[name]} answered; check the headcount",
                row=seen[next(k for k in seen if k[0] == name)], column="invited", value=int(invited),
            )  # fmt: skip
    for name in segments:
        if name in out:
            out[name] = out[name].astype("Int64")
    return out.astype({"invited": "int64"})


def _count(path: Path, line: int, value: str) -> int:
    clean = value.replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{1,9}", clean):  # ASCII digits: isdigit() takes "4²" too
        raise IngestError(
            path, "invited must be a whole number of 0 or more", row=line, column="invited",
            value=value,
        )  # fmt: skip
    return int(clean)


def _code(path: Path, line: int, name: str, value: str, segment) -> int:
    codes = {int(k) for k in segment.values}
    code = int(value) if re.fullmatch(r"-?[0-9]{1,9}", value) else None
    if code not in codes:
        raise IngestError(
            path, f"not a code of segment {name!r} ({sorted(codes)})", row=line, column=name,
            value=value,
        )  # fmt: skip
    return code
