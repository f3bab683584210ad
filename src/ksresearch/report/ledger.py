"""The disclosure ledger: every published number with the respondents it rests on.

The table and figure helpers (never notebook code) register each number they show: its table,
row, column, the text shown, and its respondents, as an output of a MIME type of its own
(:data:`LEDGER_MIME`) that the HTML export leaves out. The orchestrator takes these outputs
from the executed notebook and writes them beside the report, as
``<out>/<year>/ledger/<report>.json`` (``reports/`` is never in git).

Respondents are the keys of :func:`ksresearch.prepare` (``year * KEY_BASE + row``), kept per
year as a bitmap (base64 of ``numpy.packbits``, little bit order: row r is bit r), so that the release audit
(:mod:`ksresearch.report.release`) can set every published cell against every other one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..study.prepare import respondent_key

__all__ = [
    "LEDGER_MIME",
    "encode_members",
    "decode_members",
    "fingerprint",
    "table_record",
    "UnregisteredCellError",
    "SURVEY",
    "take_records",
    "write_ledger",
    "ledger_path",
    "read_ledgers",
]

LEDGER_MIME = "application/vnd.ksresearch.ledger+json"

#: ``rests_on=SURVEY``: a table or figure says that its cells without an entry of their own
#: rest on the whole survey (a model fitted on every respondent, the report's provenance).
SURVEY = "survey"


class UnregisteredCellError(ValueError):
    """A published number whose respondents nobody named: the analysis forgot its
    ``attrs["members"]`` entry, and the release audit could not check it. The ledger fails
    closed: a table whose numbers rest on the whole survey must say so (``rests_on="survey"``).
    """


def encode_members(keys: np.ndarray) -> dict[str, str]:
    """``{year: base64 bitmap of rows}`` of respondent keys."""
    years, rows = respondent_key(np.asarray(keys, dtype=np.int64))
    out = {}
    for year in np.unique(years):
        mask = np.zeros(int(rows[years == year].max()) + 1, dtype=bool)
        mask[rows[years == year]] = True
        out[str(int(year))] = base64.b64encode(
            np.packbits(mask, bitorder="little").tobytes()
        ).decode("ascii")
    return out


def decode_members(encoded: dict[str, str]) -> dict[int, int]:
    """``{year: rows as the bits of one integer}``: set operations and counts are then
    ``&``, ``|`` and ``int.bit_count``."""
    return {int(y): int.from_bytes(base64.b64decode(t), "little") for y, t in encoded.items()}


def fingerprint(encoded: dict[str, str]) -> str:
    """A short, stable name of a set of respondents."""
    text = json.dumps(encoded, sort_keys=True).encode()
    return hashlib.sha256(text).hexdigest()[:16]


def table_record(
    table: str,
    shown: pd.DataFrame,
    members,
    everyone: np.ndarray,
    rests_on: str | None = None,
    made: dict | None = None,
) -> dict:
    """The ledger record of one displayed table.

    Parameters
    ----------
    table : str
        The table's stable id.
    shown : DataFrame
        The text of each published cell, by the result's row labels and column names; an
        empty string, "–" or "< m" is no number and is not registered.
    members : Members or None
        The result's ``attrs["members"]``.
    everyone : ndarray
        The respondents of the whole analysis (the survey's prepared respondents).
    rests_on : {None, "survey"}
        None (the default): every cell that shows a number needs an entry in ``members``
        (its own or its row's), else :class:`UnregisteredCellError`. ``"survey"``: a cell
        without an entry rests on ``everyone``, as the caller says.
    made : dict, optional
        The encodings of respondent sets already made, to share across a report's tables
        (filled here; it holds each set it encoded, so no other can take its ``id``).

    Raises
    ------
    UnregisteredCellError
        A number without respondents where the caller did not say it rests on the survey.
    """
    if rests_on not in (None, SURVEY):
        raise ValueError(f"rests_on must be None or {SURVEY!r}, got {rests_on!r}")
    sets: dict[str, dict[str, str]] = {}
    cells = []
    made = {} if made is None else made  # a row's set stands behind each of its cells: encoded once
    values = shown.to_numpy(dtype=object)  # read as arrays: .at per cell is slow
    for i, row in enumerate(shown.index):
        for j, column in enumerate(shown.columns):
            value = str(values[i, j])
            if value in ("", "–") or value.startswith("<"):
                continue
            labels = members.get((row, column)) if members is not None else None
            variable = members.variables.get((row, column)) if labels is not None else None
            if labels is None and members is not None:
                labels = members.get((row, None))
            if labels is None and rests_on is None and any(ch.isdigit() for ch in value):
                raise UnregisteredCellError(
                    f"{table}: the number {value!r} (row {row!r}, column {column!r}) has no "
                    "respondents: give the result's attrs['members'] an entry for it, or say "
                    "the table rests on the whole survey (rests_on='survey')"
                )
            keys = everyone if labels is None else labels
            if id(keys) not in made:
                encoded = encode_members(keys)
                made[id(keys)] = (keys, encoded, fingerprint(encoded))
            _, encoded, fp = made[id(keys)]
            sets[fp] = encoded
            cells.append(
                {
                    "row": str(row),
                    "column": str(column),
                    "value": value,
                    "set": fp,
                    "additive": variable is not None,
                    "variable": variable,
                }
            )
    record = {"table": table, "cells": cells, "sets": sets}
    if rests_on is not None:
        record["rests_on"] = rests_on
    return record


def take_records(nb) -> list[dict]:
    """Remove the ledger outputs from an executed notebook (in place) and return them."""
    records = []
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if LEDGER_MIME in data:
                record = data[LEDGER_MIME]
                records.append(json.loads(record) if isinstance(record, str) else dict(record))
            else:
                kept.append(out)
        if "outputs" in cell:
            cell["outputs"] = kept
    return records


def write_report(page_path: Path, page: str, path: Path, records: list[dict], meta: dict) -> None:
    """Write a report and then its ledger, so that neither stands without the other: a report
    whose ledger cannot be written (a full disk) is removed again, and a ledger is never
    written for a report that was not."""
    from .export import write_atomic

    write_atomic(page_path, page)
    try:
        write_ledger(path, records, meta)
    except BaseException:
        page_path.unlink(missing_ok=True)
        raise


def write_ledger(path: Path, records: list[dict], meta: dict) -> None:
    """Write a report's ledger (atomically): ``meta`` says how the report was made, and
    ``meta["rules"]`` every rule it kept (:class:`ksresearch.config.Rules`, with the minimum
    group of its parameters)."""
    from .. import config
    from .export import write_atomic

    m = meta.get("parameters", {}).get("min_group_size") or config.MIN_GROUP_SIZE
    meta = {**meta, "rules": config.Rules(min_group_size=int(m)).as_dict()}

    sets: dict[str, dict] = {}
    tables = []
    for i, record in enumerate(records):
        sets.update(record["sets"])
        table = {"table": f"{i}:{record['table']}", "cells": record["cells"]}
        if "rests_on" in record:  # said by the notebook: cells without an entry rest on all
            table["rests_on"] = record["rests_on"]
        tables.append(table)
    text = json.dumps({"meta": meta, "tables": tables, "sets": sets}, sort_keys=True)
    write_atomic(path, text)


def ledger_path(report: Path, out_year: Path) -> Path:
    """Where the ledger of a report in ``out_year`` (``<out>/<year>``) lives:
    ``<out>/<year>/ledger/<the report's path there>.json``."""
    return out_year / "ledger" / report.relative_to(out_year).with_suffix(".json")


#: Beside the ledgers of a release (``<out>/<year>/ledger/``): the respondent sets whose cells
#: the release audit hides in every report of that release, and why.
SUPPRESSED_FILE = "release_suppressed.json"


def suppressed_path(release: str | Path, year: int) -> Path:
    """Where the release ``<release>/<year>`` keeps its hidden sets (:data:`SUPPRESSED_FILE`):
    with its ledgers, so that another output folder's release never hides cells here."""
    return Path(release) / str(year) / "ledger" / SUPPRESSED_FILE


def read_ledgers(folder: Path) -> list[dict]:
    """Every ledger of a release folder (``<out>/<year>/ledger``), in file order; a ledger
    that is not JSON raises ValueError naming it."""
    out = []
    for p in sorted(Path(folder).rglob("*.json")):
        if p.name == SUPPRESSED_FILE and p.parent == Path(folder):
            continue
        try:
            out.append(json.loads(p.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{p}: not a readable ledger ({exc})") from None
    return out
