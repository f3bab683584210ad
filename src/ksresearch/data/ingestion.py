"""Validating an export against its codebook, quarantining what is not a response.

``raw/<year>/`` holds one export (see :mod:`~ksresearch.data.readers`) and its
``codebook.yaml``. :func:`ingest` reads it, checks it and writes ``processed/<year>/``:

- ``responses.parquet``: the kept rows, typed, "don't know" and other missing codes as missing,
  plus quality flags ``qc_straightliner``, ``qc_speeder``, ``qc_duplicate_answers``;
- ``quarantine.parquet``: every rejected row, verbatim (as text), with its file row and reason;
- ``dont_know.parquet``: which kept respondent answered "don't know" (or another missing code)
  to which item, so that "don't know" shares stay available after recoding;
- ``quality.json``: counts, responses per company, flags, provenance of the raw file.

Problems with the whole file raise :class:`IngestError` (naming file, row, column and value)
and write nothing; problems with single rows put the row in quarantine. Raw rows always equal
kept plus quarantined rows, the raw file is only read, and re-running gives identical output.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from .. import config
from .codebook import Codebook, CodebookError, Column, load_codebook
from .dates import AmbiguousDates, parse_dates
from .headcounts import HEADCOUNTS_FILE, read_headcounts
from .kpis import KPIS_FILE, read_kpis
from .readers import EXPORT_SUFFIXES, IngestError, ReadInfo, find_export, fold_label, read_export
from .redact import redact

__all__ = [
    "IngestError",
    "ReadInfo",
    "IngestResult",
    "EXPORT_SUFFIXES",
    "find_export",
    "read_export",
    "codebook_schema",
    "process",
    "ingest",
    "check_export",
    "CheckResult",
    "write_text_atomically",
]

#: An unexplained value in at least this many cells stops the ingest (a codebook question).
REPEATED_VALUE = 5


@dataclass
class IngestResult:
    """What :func:`process` / :func:`ingest` produced."""

    responses: pd.DataFrame
    quarantine: pd.DataFrame
    dont_know: pd.DataFrame
    quality: dict
    out_dir: Path | None = None
    cell_issues: pd.DataFrame | None = None
    comments: pd.DataFrame | None = None
    headcounts: pd.DataFrame | None = None
    kpis: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- validation
def codebook_schema(codebook: Codebook) -> pa.DataFrameSchema:
    """A pandera schema for the typed export: allowed codes, ranges, required values.

    Example
    -------
    >>> from ksresearch import config, load_codebook
    >>> schema = codebook_schema(load_codebook(config.codebook_path(2024)))
    >>> schema.columns["mot_1"].checks
    [<Check isin: isin([1, 2, 3, 4, 5, 9])>]
    """
    cols = {}
    for c in codebook.columns:
        checks = []
        if c.valid is not None:
            checks.append(pa.Check.isin(sorted(c.valid)))
        if c.min is not None or c.max is not None:
            lo = -np.inf if c.min is None else c.min
            hi = np.inf if c.max is None else c.max
            checks.append(pa.Check.in_range(lo, hi))
        dtype = {
            "int": "Float64",
            "float": "Float64",
            "string": object,
            "datetime": "datetime64[ns]",
        }[c.dtype]
        cols[c.name] = pa.Column(
            dtype, checks, nullable=not c.required, required=True, coerce=False
        )
    return pa.DataFrameSchema(cols, strict=True, ordered=False)


def _parse_numeric(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers (decimal comma or point) -> Float64; returns values and a mask of unparseable cells."""
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return raw.astype("Float64"), pd.Series(False, index=raw.index)
    if isinstance(raw.dtype, pd.ArrowDtype) and pa_arrow.types.is_string(raw.dtype.pyarrow_dtype):
        arr = pa_arrow.array(raw)  # a CSV's text as read: no Python object per cell
    else:
        values = raw.to_numpy(dtype=object)
        try:
            arr = pa_arrow.array(values, type=pa_arrow.string(), from_pandas=True)
        except (pa_arrow.ArrowTypeError, pa_arrow.ArrowInvalid):  # numbers and texts (XLSX)
            values = np.array([_token(v) or None for v in values], dtype=object)
            arr = pa_arrow.array(values, type=pa_arrow.string(), from_pandas=True)
    if pc.any(pc.match_substring(arr, ",")).as_py():
        arr = pc.replace_substring(arr, ",", ".")
    try:  # fast path: a clean column casts in one go
        num = pd.Series(pd.array(arr.cast(pa_arrow.float64()), dtype="Float64"), index=raw.index)
        return num, pd.Series(False, index=raw.index)
    except (pa_arrow.ArrowInvalid, pa_arrow.ArrowNotImplementedError):
        pass
    text = (
        pd.Series(arr.to_pandas(), index=raw.index, dtype="string").str.strip().replace("", pd.NA)
    )
    num = pd.to_numeric(text, errors="coerce").astype("Float64")
    return num, text.notna() & num.isna()


def _parse_datetime(raw: pd.Series, fmt: str | None = None) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw.astype("datetime64[ns]"), pd.Series(False, index=raw.index)
    return parse_dates(raw, fmt)


def _as_text(raw: pd.Series) -> pd.Series:
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v).strip()
        return s or None

    return raw.map(one).astype(object)


def _named(text: pd.Series, codebook: Codebook, col: Column) -> pd.Series:
    """An id segment's codes as the names its ``values`` give them (other values as they are)."""
    if col.kind != "segment" or not col.labels:
        return text
    names = {str(code): v.nb for code, v in codebook.segment(col.name).values.items()}
    return text.map(lambda v: names.get(v, v) if v is not None else None).astype(object)


def _is_blank_column(name: str, values: pd.Series) -> bool:
    """A column an Excel re-save adds: no header (or pandas' ``Unnamed: N``) and no values."""
    unnamed = not name.strip() or re.fullmatch(r"Unnamed: \d+", name) is not None
    return unnamed and values.map(lambda v: pd.isna(v) or not str(v).strip()).all()


def _column_map(raw: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Every export column and what the codebook makes of it, then every codebook column
    the export lacks: ``column``, ``status`` (mapped, responses, ignored, blank, unmapped,
    missing) and ``maps_to`` (the processed columns it becomes)."""
    targets: dict[str, list[str]] = {}
    for col in codebook.columns:
        if col.export is not None:
            targets.setdefault(col.export, []).append(col.name)
    for item in codebook.items:
        if item.type == "multi" and item.delimiter:
            targets[item.source or item.id] = [f"{item.id}_{c}" for c in item.options]
    rule_columns = codebook.responses.columns
    rows = []
    for c in raw.columns:
        if c in targets:
            rows.append((c, "mapped", ", ".join(targets[c])))
        elif c in rule_columns:
            rows.append((c, "responses", _rule_text(c, codebook.responses)))
        elif any(fnmatch.fnmatchcase(c, p) for p in codebook.ignore):
            rows.append((c, "ignored", ""))
        elif _is_blank_column(c, raw[c]):
            rows.append((c, "blank", ""))
        else:
            rows.append((c, "unmapped", ""))
    present = set(raw.columns)
    for c in [*targets, *rule_columns]:
        if c not in present:
            rows.append((c, "missing", ", ".join(targets.get(c, ["responses"]))))
    return pd.DataFrame(rows, columns=["column", "status", "maps_to"])


def _rule_text(column: str, rules) -> str:
    if column == rules.column:
        return f"responses: {rules.values}"
    return f"responses.finished: {rules.finished.values}"


def _map_columns(
    path: Path, raw: pd.DataFrame, codebook: Codebook
) -> tuple[pd.DataFrame, list[str]]:
    """The export's columns the codebook reads (by ``source``), and the ignored ones.

    Columns matching an ``ignore:`` name or glob pattern are dropped; a blank column of an
    Excel re-save is dropped; any other column neither mapped nor ignored stops the ingest."""
    dupes = sorted(c for c, k in Counter(raw.columns).items() if k > 1)
    if dupes:
        raise IngestError(
            path, f"column names appear twice in the header: {dupes}", row=1, column=dupes[0]
        )
    table = _column_map(raw, codebook)
    missing = list(table.loc[table["status"] == "missing", "column"])
    if missing:
        near = {" ".join(c.split()).casefold(): c for c in raw.columns}
        hints = [
            f"the export has {near[k]!r} where the codebook says {m!r}"
            for m in missing
            if (k := " ".join(m.split()).casefold()) in near
        ]
        hint = f"; {'; '.join(hints[:3])} (names are matched exactly)" if hints else ""
        raise IngestError(
            path,
            f"{len(missing)} column(s) of the codebook missing from the export: {missing} "
            f"(codebook {codebook.year} v{codebook.version}; a column is found by its 'source')"
            f"{hint}",
            row=1,
            column=missing[0],
        )
    unmapped = list(table.loc[table["status"] == "unmapped", "column"])
    if unmapped:
        raise IngestError(
            path,
            f"{len(unmapped)} column(s) of the export are neither in the codebook nor ignored: "
            f"{unmapped}; map each to an item or segment with 'source:', or drop them with\n  "
            f"{_ignore_line(unmapped)}",
            row=1,
            column=unmapped[0],
        )
    ignored = list(table.loc[table["status"] == "ignored", "column"])
    return raw.drop(columns=ignored), ignored


def _ignore_line(columns: list[str]) -> str:
    return "ignore: [" + ", ".join(json.dumps(c, ensure_ascii=False) for c in columns) + "]"


def _not_responses(raw: pd.DataFrame, codebook: Codebook) -> list[str]:
    """Why each row is not a response ('' for a response): a status outside
    ``responses.values``, nothing answered, or fewer questions answered than
    ``responses.min_answered`` (unless the tool marks the respondent as finished)."""
    rules = codebook.responses
    n = len(raw)
    why = np.full(n, "", dtype=object)
    questions = _question_exports(codebook, set(raw.columns))
    if questions:
        share = _answered_share(raw, questions)
        finished = np.zeros(n, dtype=bool)
        if rules.finished is not None:
            done = {_token(v) for v in rules.finished.values}
            finished = raw[rules.finished.column].map(_token).isin(done).to_numpy()
        few = (share < rules.min_answered) & ~finished
        k = len(questions)
        for i in np.flatnonzero(few):
            why[i] = (
                f"{round(share[i] * k)} of {k} questions answered, under responses.min_answered "
                f"({rules.min_answered:.0%})"
                + (f" and not finished ({rules.finished.column})" if rules.finished else "")
            )
        why[share == 0] = "no question answered"
    if rules.column:
        allowed = {_token(v) for v in rules.values}
        status = raw[rules.column].map(_token)
        for i in np.flatnonzero(~status.isin(allowed).to_numpy()):
            why[i] = (
                f"{rules.column} is {status.iloc[i]!r}, not one of responses.values "
                f"{sorted(allowed)}"
            )
    return list(why)


def _question_exports(codebook: Codebook, present: set[str]) -> list[list[str]]:
    """The export columns of each closed question, in export order: one list per item (a
    multi item's option columns together: an option left unchosen is no question
    unanswered); free-text items are left out."""
    exports = _answer_exports(codebook)
    by_item: dict[str, list[str]] = {}
    for c in codebook.columns:  # free text ("other, namely ...") is optional: not counted
        if c.dtype == "string":
            continue
        if c.kind in ("item", "option") and c.export in exports and c.export in present:
            by_item.setdefault(c.source, []).append(c.export)
    for item in codebook.items:
        if item.type == "multi" and item.delimiter and (item.source or item.id) in present:
            by_item.setdefault(item.id, []).append(item.source or item.id)
    return list(by_item.values())


def _answered_share(raw: pd.DataFrame, questions: list[list[str]]) -> np.ndarray:
    """Each row's share of ``questions`` answered: a question is answered when any of its
    columns holds a value (a blank text is none: an SPSS string column holds "" where
    nothing was given). Blocks of columns, not one pandas call per column (10,000 columns)
    nor one copy of the whole export (a million rows)."""
    columns = [c for q in questions for c in q]
    given = np.empty((len(raw), len(columns)), dtype=bool)
    step = max(1, 2_000_000 // max(len(raw), 1))  # a few million cells at a time: bounded memory
    for start in range(0, len(columns), step):  # and few pandas calls for 10,000 columns
        block = raw[columns[start : start + step]]
        part = block.notna().to_numpy(dtype=bool, copy=True)  # writable: pandas may lend its own
        text = [j for j, t in enumerate(block.dtypes) if not pd.api.types.is_numeric_dtype(t)]
        if text:
            part[:, text] &= (block.iloc[:, text] != "").fillna(False).to_numpy(dtype=bool)
        given[:, start : start + step] = part
    if all(len(q) == 1 for q in questions):
        return given.mean(axis=1)
    bounds = np.cumsum([0, *map(len, questions)])
    answered = np.logical_or.reduceat(given, bounds[:-1], axis=1)
    return answered.mean(axis=1)


def _answer_exports(codebook: Codebook) -> set[str]:
    out = {c.export for c in codebook.columns if c.kind in ("item", "option") and c.export}
    return out | {i.source or i.id for i in codebook.items if i.type == "multi" and i.delimiter}


def _token(value: object) -> str:
    """A value as text for comparing: 1, 1.0 and "1" alike; spaces trimmed."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Cells:
    """Cell problems found while typing: (row position, column, raw value, reason code, text)."""

    issues: list[tuple[int, str, str, str, str]]
    unexplained: dict[tuple[str, str], list[int]]  # (column, raw value) -> rows
    path: Path = Path("<export>")  # the export, for messages

    def add(self, rows, column: str, values, reason: str, text: str) -> None:
        for i, v in zip(rows, values, strict=True):
            self.issues.append((int(i), column, _token(v), reason, text))


def _codes(raw: pd.Series, col: Column, cells: _Cells) -> pd.Series:
    """A coded column: numbers, or answer texts of the scale (nb or en), as codes; a value that
    neither explains is missing and remembered (it may repeat: then the ingest stops)."""
    num, bad = _parse_numeric(raw)
    if bad.any() and col.labels:
        lookup = {fold_label(text): code for code, text in col.labels}
        texts = raw[bad].map(lambda v: lookup.get(fold_label(v)))
        found = texts.notna()
        num[texts.index[found]] = texts[found].astype(float)
        bad = bad.copy()
        bad[texts.index[found]] = False
    if col.chosen is not None:  # an option column marked with its own code
        num = num.mask((num == col.chosen).fillna(False).astype(bool), 1.0)
    values = num.to_numpy(dtype=float, na_value=np.nan)
    outside = pd.Series(
        ~np.isnan(values) & ~np.isin(values, sorted(col.valid or ())), index=num.index
    )
    for mask in (bad, outside):
        for i in np.flatnonzero(mask.to_numpy()):
            cells.unexplained.setdefault((col.name, _token(raw.iloc[i])), []).append(int(i))
    return num.mask(outside)


def _numbers(raw: pd.Series, col: Column, cells: _Cells) -> pd.Series:
    num, bad = _parse_numeric(raw)
    rows = np.flatnonzero(bad.to_numpy())
    cells.add(rows, col.name, raw.iloc[rows], "unparseable", "not a number")
    lo = -np.inf if col.min is None else col.min
    hi = np.inf if col.max is None else col.max
    outside = num.notna() & ((num < lo) | (num > hi))
    rows = np.flatnonzero(outside.to_numpy())
    cells.add(rows, col.name, raw.iloc[rows], "out_of_range", f"outside {col.min}..{col.max}")
    return num.mask(outside)


def _dates(raw: pd.Series, col: Column, cells: _Cells) -> pd.Series:
    try:
        out, bad = _parse_datetime(raw, col.format)
    except AmbiguousDates as exc:
        kind = col.kind if col.kind in ("submitted_at", "started_at") else col.name
        raise IngestError(
            cells.path,
            f"the dates {exc.examples} could be day or month first ({exc}); say which with "
            f'the codebook key `meta.{kind}.format`, e.g. "%m/%d/%y %H:%M" (month first) or '
            f'"%d/%m/%y %H:%M" (day first)',
            column=col.export,
            value=exc.examples[0],
        ) from None
    rows = np.flatnonzero(bad.to_numpy())
    cells.add(rows, col.name, raw.iloc[rows], "unparseable", "not a date and time")
    return out


def _options(raw: pd.Series, item, cells: _Cells) -> dict[str, pd.Series]:
    """A multi item held in one cell (``"1,3,4"``, ``"Chat;E-post;"``): one 0/1 column per
    option; an empty cell is missing for every option."""
    lookup = {
        fold_label(t): code for code, o in item.options.items() for t in (o.nb, o.en, str(code))
    }
    chosen = {code: np.zeros(len(raw)) for code in item.options}
    answered = np.zeros(len(raw), dtype=bool)
    for i, cell in enumerate(raw):
        tokens = [t for t in _token(cell).split(item.delimiter) if t.strip()]
        answered[i] = bool(tokens)
        for token in tokens:
            code = lookup.get(fold_label(token))
            if code is None:
                cells.unexplained.setdefault((item.id, token.strip()), []).append(i)
            else:
                chosen[code][i] = 1.0
    return {
        f"{item.id}_{code}": pd.Series(np.where(answered, v, np.nan)).astype("Float64")
        for code, v in chosen.items()
    }


def _typed(
    raw: pd.DataFrame, codebook: Codebook, cells: _Cells, file_row: np.ndarray
) -> pd.DataFrame:
    """Every codebook column typed: codes, numbers, dates and text; a computed respondent id
    is the row's line in the file."""
    raw = raw.reset_index(drop=True)
    typed: dict[str, pd.Series] = {}
    for item in codebook.items:
        if item.type == "multi" and item.delimiter:
            typed.update(_options(raw[item.source or item.id], item, cells))
    for col in codebook.columns:
        if col.name in typed:
            continue
        if col.export is None and col.kind == "duration":
            continue  # computed below
        if col.export is None and col.kind == "respondent_id":
            typed[col.name] = pd.Series([str(r) for r in file_row], dtype=object)
            continue
        s = raw[col.export]
        if col.dtype == "int":
            typed[col.name] = _codes(s, col, cells)
        elif col.dtype == "float":
            typed[col.name] = _numbers(s, col, cells)
        elif col.dtype == "datetime":
            typed[col.name] = _dates(s, col, cells)
        else:
            typed[col.name] = _named(_as_text(s), codebook, col)
    meta = codebook.meta
    if meta.duration is not None and meta.duration.computed:
        seconds = (typed[meta.submitted_at.id] - typed[meta.started_at.id]).dt.total_seconds()
        typed[meta.duration.id] = seconds.where(seconds >= 0).astype("Float64")
    return pd.DataFrame({c.name: typed[c.name] for c in codebook.columns}, copy=False)


def _stop_on_repeated_values(path: Path, cells: _Cells, codebook: Codebook) -> None:
    """A value no code or label explains, repeated in many cells, is a codebook question (is 6
    "Vet ikke"?), not noise: stop and say which line would declare it. Isolated ones become
    cell issues."""
    by_value: dict[str, dict[str, list[int]]] = {}
    for (column, value), rows in cells.unexplained.items():
        by_value.setdefault(value, {})[column] = rows
    for value, columns in sorted(by_value.items(), key=lambda kv: -sum(map(len, kv[1].values()))):
        count = sum(len(r) for r in columns.values())
        if count >= REPEATED_VALUE:
            raise IngestError(path, _repeated_hint(value, count, list(columns), codebook), column=list(columns)[0],
                              value=value)  # fmt: skip
    for (column, value), rows in cells.unexplained.items():
        cells.add(
            rows, column, [value] * len(rows), "unexplained", "no code or label of the question"
        )


def _repeated_hint(value: str, count: int, columns: list[str], codebook: Codebook) -> str:
    shown = columns[:6] + (["..."] if len(columns) > 6 else [])
    scales = sorted({i.scale for i in codebook.items if i.id in columns and i.scale})
    head = f"the value {value!r} appears {count} times in {shown} and no code or label of the codebook explains it"
    if not scales:
        return head + "; add it to the codebook, or correct the export"
    scale = scales[0]
    if re.fullmatch(r"-?\d+", value):
        return (
            f"{head}: is {value} 'Vet ikke' / \"don't know\"? add {value} to `scales.{scale}.dont_know` "
            f"(or to `scales.{scale}.missing`), with a label under `scales.{scale}.labels`"
        )
    return (
        f"{head}: if it is an answer, add it as a label of its code under `scales.{scale}.labels` "
        f"(e.g. `9: {{nb: {json.dumps(value, ensure_ascii=False)}, en: ...}}` with 9 in "
        f'`scales.{scale}.dont_know` for "don\'t know")'
    )


def _row_problems(
    frame: pd.DataFrame,
    codebook: Codebook,
    not_response: list[str],
    structural: dict[int, tuple[str, str]],
) -> list[list[tuple[str, str]]]:
    """Why each row is not kept: a structural problem found while reading (more fields than
    the header), not a response, a required value missing, or a submission superseded by a
    later one with the same respondent id."""
    n = len(frame)
    reasons: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for i, problem in structural.items():
        reasons[i].append(problem)
    for i, why in enumerate(not_response):
        if why:
            reasons[i].append(("not_a_response", f"not a response: {why}"))
    for col in codebook.columns:
        if col.required:
            for i in np.flatnonzero(frame[col.name].isna().to_numpy()):
                reasons[i].append(
                    ("missing_required", f"missing required value in column {col.name!r}")
                )
    rid = codebook.meta.respondent_id.id
    last: dict[str, int] = {}
    for i, value in enumerate(frame[rid]):
        if value is not None and not reasons[i]:
            last[value] = i
    for i, value in enumerate(frame[rid]):
        if value is not None and not reasons[i] and last[value] != i:
            reasons[i].append(
                ("duplicate_id", f"respondent id {value!r} submitted again later (row {{row}})")
            )
    return reasons


def _check_company_names(
    path: Path, frame: pd.DataFrame, codebook: Codebook, keep: np.ndarray
) -> None:
    """Companies are names: a company column of bare codes ('1', '2', ...) stops the ingest."""
    if codebook.roles.company is None:
        return
    column = codebook.role("company")
    names = frame.loc[keep, column].dropna().astype(str)
    if len(names) and names.str.fullmatch(r"\s*\d+\s*").mean() > 0.5:
        raise IngestError(
            path,
            f"the company column {column!r} holds codes ({', '.join(sorted(set(names))[:5])}, ...), not names: "
            "a company is published by its name; export value labels (SPSS) or put the names in the export",
            column=column,
            value=names.iloc[0],
        )


def process(
    raw: pd.DataFrame,
    codebook: Codebook,
    *,
    source: str | Path = "<export>",
    speeder_ratio: float = 0.3,
    min_straightline_items: int = 10,
    first_row: int = 2,
    info: ReadInfo | None = None,
) -> IngestResult:
    """Validate and clean an export already read into ``raw`` (nothing is written).

    The steps: map the export's columns to the codebook (``source``, ``ignore``); set aside
    rows that are not responses (``responses``); type every cell (answer texts become codes;
    a multi item in one cell becomes its option columns); a bad cell becomes missing and is
    recorded as a cell issue, unless the same unexplained value repeats (then the ingest stops
    with the codebook line that would declare it); quarantine rows with a row problem (not a
    response, no id, no company, a submission superseded by a later one with the same id).

    Parameters
    ----------
    raw : DataFrame
        The export as :func:`read_export` returns it.
    codebook : Codebook
        The questionnaire the export must follow.
    source : str or Path
        Name of the file, for messages.
    speeder_ratio : float
        A respondent is flagged as a speeder below this share of the median completion time.
    min_straightline_items : int
        Straight-lining is flagged when at least this many likert items are answered, all alike.
    first_row : int
        The file row of the first data row (2 after one header row; 4 in a Qualtrics export).
    info : ReadInfo, optional
        How :func:`read_export` read the file: the file line of each row and the rows with a
        structural problem (quarantined as ``wrong_field_count``).

    Returns
    -------
    IngestResult
        ``responses`` (kept, typed, missing codes as NA, with ``qc_*`` flags), ``quarantine``
        (``row``, ``reason_code``, ``reason`` and the raw values as text), ``dont_know``
        (``respondent_id``, ``item``, ``code``), ``cell_issues`` (``respondent_id``,
        ``column``, ``value``, ``reason``) and ``quality``.

    Raises
    ------
    IngestError
        Missing or unmapped columns, company codes instead of names, or an unexplained value
        that repeats.
    """
    path = Path(source)
    raw, ignored = _map_columns(path, raw, codebook)
    ex = _examine(raw, codebook, info, first_row, path)
    _check_company_names(path, ex.frame, codebook, ~ex.bad_rows)
    _stop_on_repeated_values(path, ex.kept_cells, codebook)
    quarantine = _quarantine(ex, codebook)
    issues = _cell_issues(ex.kept_cells.issues, ex.frame, codebook)
    companies, rows_raw = _companies(ex.frame, codebook), len(ex.raw)
    kept = ex.frame.loc[~ex.bad_rows] if ex.bad_rows.any() else ex.frame  # no copy when all kept
    del ex, raw  # kept holds the typed rows alone, so each column retyped below is let go
    schema = codebook_schema(codebook)  # a failure here is a bug; its checks are per cell,
    for start in range(0, len(kept), 200_000):  # so blocks of rows: no copy of all at once
        schema.validate(kept.iloc[start : start + 200_000], lazy=False)
    kept = kept.reset_index(drop=True)
    dont_know = _split_missing_codes(kept, codebook)
    kept = _final_types(kept, codebook)
    comments = _redact_comments(kept, codebook, companies)
    kept = _flag(kept, codebook, speeder_ratio, min_straightline_items)
    quality = _quality(rows_raw, kept, quarantine, dont_know, codebook)
    quality["ignored_columns"] = ignored
    quality["cell_issues"] = {
        str(k): int(v) for k, v in issues["reason"].value_counts().sort_index().items()
    }
    quality["comments"] = _comment_quality(comments)
    return IngestResult(kept, quarantine, dont_know, quality, cell_issues=issues, comments=comments)


#: the columns of ``comments.parquet``
COMMENT_COLUMNS = [
    "respondent_id",
    "company",
    "item",
    "text",
    "redacted",
    "needs_review",
    "unplaced",
]


def _redact_comments(kept: pd.DataFrame, codebook: Codebook, companies: pd.Series) -> pd.DataFrame:
    """Redact every free-text answer in place (before anything else reads it) and return them
    as a long table: ``respondent_id``, ``company``, ``item``, ``text`` (redacted),
    ``redacted`` (the kinds replaced, comma-separated), ``needs_review`` and ``unplaced`` (the
    capitalised words that could not be placed)."""
    names = sorted({str(c) for c in companies.dropna().unique()})
    rid = codebook.meta.respondent_id.id
    company = _companies(kept, codebook)
    memo: dict[str, object] = {}
    rows = []
    ids = kept[rid].astype(str).to_numpy()
    owners = company.astype(str).to_numpy()
    for item in codebook.items_of_type("text"):
        column = kept[item].astype("string")
        answered = (column.notna() & (column.str.strip() != "")).to_numpy()
        texts = column.to_numpy(dtype=object, na_value=None)
        out = np.full(len(texts), None, dtype=object)  # one array, assigned once: linear
        for i in np.flatnonzero(answered):
            raw = str(texts[i])
            done = memo.get(raw) or memo.setdefault(raw, redact(raw, names))
            out[i] = done.text
            rows.append(
                (ids[i], owners[i], item, done.text, ",".join(done.kinds), done.needs_review,
                 ",".join(done.unplaced))
            )  # fmt: skip
        kept[item] = pd.Series(out, index=kept.index, dtype="string")
    table = pd.DataFrame(rows, columns=COMMENT_COLUMNS)
    return table.astype({c: "string" for c in COMMENT_COLUMNS if c != "needs_review"}).astype(
        {"needs_review": bool}
    )


def _companies(frame: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """Each row's company; one unnamed organisation ('') for a survey without a company."""
    if codebook.roles.company is None:
        return pd.Series("", index=frame.index, dtype=object, name="company")
    return frame[codebook.roles.company]


def _comment_quality(comments: pd.DataFrame) -> dict:
    kinds = comments["redacted"][comments["redacted"] != ""].str.split(",").explode()
    return {
        "n": int(len(comments)),
        "needs_review": int(comments["needs_review"].sum()),
        "redacted": {str(k): int(v) for k, v in kinds.value_counts().sort_index().items()},
    }


@dataclass
class _Examined:
    """An export read against its codebook, before anything is decided: the raw rows, the
    typed frame, each row's problems, and the cell problems of the rows that would be kept."""

    raw: pd.DataFrame
    frame: pd.DataFrame
    reasons: list[list[tuple[str, str]]]
    bad_rows: np.ndarray
    file_row: np.ndarray
    kept_cells: _Cells


def _examine(
    raw: pd.DataFrame,
    codebook: Codebook,
    info: ReadInfo | None,
    first_row: int = 2,
    path: Path = Path("<export>"),
) -> _Examined:
    """Type every cell and find every row problem (the columns already mapped)."""
    raw = raw.reset_index(drop=True)
    file_row = np.arange(len(raw)) + (info.first_row if info is not None else first_row)
    if info is not None and info.lines is not None:
        file_row = np.asarray(info.lines, dtype=np.int64)
    not_response = _not_responses(raw, codebook)
    cells = _Cells([], {}, path)
    frame = _typed(raw, codebook, cells, file_row)
    reasons = _row_problems(frame, codebook, not_response, info.row_problems if info else {})
    bad_rows = np.array([bool(r) for r in reasons], dtype=bool)
    kept = _Cells([], {})
    for key, rows in cells.unexplained.items():
        rows = [i for i in rows if not bad_rows[i]]
        if rows:
            kept.unexplained[key] = rows
    kept.issues = [c for c in cells.issues if not bad_rows[c[0]]]
    return _Examined(raw, frame, reasons, bad_rows, file_row, kept)


def _quarantine(ex: _Examined, codebook: Codebook) -> pd.DataFrame:
    """The rows not kept, verbatim as text, with their file line and reasons: only the
    columns the codebook reads (an ignored column, often personal data, never reaches
    ``data/processed``)."""
    rid = codebook.meta.respondent_id.id
    frame, reasons, bad_rows, file_row = ex.frame, ex.reasons, ex.bad_rows, ex.file_row
    last = {v: i for i, v in enumerate(frame[rid]) if v is not None and not bad_rows[i]}
    texts = []
    for i in np.flatnonzero(bad_rows):
        parts = [
            t.replace("{row}", str(file_row[last.get(frame[rid].iloc[i], i)]))
            for _, t in reasons[i]
        ]
        texts.append("; ".join(parts))
    read = set(codebook.export_columns) | set(codebook.responses.columns)
    quarantine = ex.raw.loc[bad_rows, [c for c in ex.raw.columns if c in read]].astype("string")
    quarantine.insert(0, "reason", texts)
    quarantine.insert(0, "reason_code", [reasons[i][0][0] for i in np.flatnonzero(bad_rows)])
    quarantine.insert(0, "row", file_row[bad_rows])
    return quarantine.reset_index(drop=True)


def _cell_issues(issues: list, frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    rid = frame[codebook.meta.respondent_id.id]
    rows = sorted(set(issues), key=lambda t: (t[0], t[1]))
    return pd.DataFrame(
        {
            "respondent_id": pd.Series([rid.iloc[i] for i, *_ in rows], dtype="string"),
            "column": pd.Series([c for _, c, *_ in rows], dtype="string"),
            "value": pd.Series([v for _, _, v, *_ in rows], dtype="string"),
            "reason": pd.Series([r for *_, r, _ in rows], dtype="string"),
        }
    )


def _final_types(kept: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    for col in codebook.columns:
        if col.dtype == "int":
            kept[col.name] = kept[col.name].astype("Int64")
        elif col.dtype == "float":
            kept[col.name] = kept[col.name].astype("float64")
        elif col.dtype == "string":
            kept[col.name] = kept[col.name].astype("string")
    return kept


def _split_missing_codes(kept: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Replace "don't know" and other missing codes by NA (in place); return them as a long table."""
    rid = codebook.meta.respondent_id.id
    parts = []
    for col in codebook.columns:
        if not col.missing:
            continue
        mask = kept[col.name].isin(sorted(col.missing)).fillna(False).to_numpy(dtype=bool)
        if mask.any():
            parts.append(
                pd.DataFrame(
                    {
                        "respondent_id": kept.loc[mask, rid].to_numpy(),
                        "item": col.name,
                        "code": kept.loc[mask, col.name].astype("int64").to_numpy(),
                    }
                )
            )
            kept.loc[mask, col.name] = pd.NA
    if not parts:
        return pd.DataFrame(
            {
                "respondent_id": pd.Series(dtype="string"),
                "item": pd.Series(dtype="string"),
                "code": pd.Series(dtype="int64"),
            }
        )
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"respondent_id": "string", "item": "string"})


def _straightliners(kept: pd.DataFrame, codebook: Codebook, min_items: int) -> np.ndarray:
    """One answer to every item of a scale, judged per scale on the scales with at least
    ``min_items`` likert items, where the respondent answered at least ``min_items`` of them
    (a survey with several scales flags whoever gives one answer to all of one)."""
    flagged = np.zeros(len(kept), dtype=bool)
    by_scale: dict[str, list[str]] = {}
    for item in codebook.items:
        if item.type == "likert":
            by_scale.setdefault(item.scale, []).append(item.id)
    for items in by_scale.values():
        if len(items) < min_items:
            continue
        answered = np.zeros(len(kept), dtype=np.int64)
        high = np.full(len(kept), -np.inf)
        low = np.full(len(kept), np.inf)
        for item in items:  # column by column: no copy of the whole block
            values = kept[item].to_numpy(dtype="float64", na_value=np.nan)
            seen = ~np.isnan(values)
            answered += seen
            np.maximum(high, np.where(seen, values, -np.inf), out=high)
            np.minimum(low, np.where(seen, values, np.inf), out=low)
        flagged |= (answered >= min_items) & (high == low)
    return flagged


def _flag(
    kept: pd.DataFrame, codebook: Codebook, speeder_ratio: float, min_items: int
) -> pd.DataFrame:
    kept["qc_straightliner"] = _straightliners(kept, codebook, min_items)
    duration = (
        kept[codebook.meta.duration.id]
        if codebook.meta.duration
        else pd.Series(np.nan, index=kept.index)
    )
    median = duration.median()
    kept["qc_speeder"] = (
        (duration < speeder_ratio * median).fillna(False).astype(bool)
        if pd.notna(median)
        else False
    )
    answers = [
        c.name for c in codebook.columns if c.kind in ("item", "option") and c.dtype != "string"
    ]
    row_hash = _row_hash([_companies(kept, codebook), *(kept[c] for c in answers)])
    enough = sum(kept[c].notna().to_numpy(dtype=bool) for c in answers) >= min_items
    # identical answer vectors in one company: the first is kept, the copies are flagged
    kept["qc_duplicate_answers"] = (row_hash.duplicated(keep="first") & enough).to_numpy()
    return kept


def _row_hash(columns: list[pd.Series]) -> pd.Series:
    """One hash per row of these columns, combined column by column (no copy of the frame:
    a million rows of 120 answers would take a gigabyte more)."""
    out = np.zeros(len(columns[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in columns:
            out = (
                out * np.uint64(1_000_003)
                ^ pd.util.hash_pandas_object(column, index=False).to_numpy()
            )
    return pd.Series(out, index=columns[0].index)


def _quality(
    rows_raw: int,
    kept: pd.DataFrame,
    quarantine: pd.DataFrame,
    dont_know: pd.DataFrame,
    codebook: Codebook,
) -> dict:
    items = [c.name for c in codebook.columns if c.kind in ("item", "option")]
    return {
        "year": codebook.year,
        "codebook_version": codebook.version,
        "codebook_sha256": codebook.checksum,
        "rows_raw": int(rows_raw),
        "rows_kept": int(len(kept)),
        "rows_quarantined": int(len(quarantine)),
        "quarantine_reasons": {
            str(k): int(v) for k, v in quarantine["reason_code"].value_counts().sort_index().items()
        },
        "flags": {
            f: int(kept[f"qc_{f}"].sum()) for f in ("straightliner", "speeder", "duplicate_answers")
        },
        "responses_per_company": {
            str(k): int(v)
            for k, v in _companies(kept, codebook).value_counts().sort_index().items()
        },
        "dont_know": {
            str(k): int(v) for k, v in dont_know["item"].value_counts().sort_index().items()
        },
        "item_missing": {c: int(kept[c].isna().sum()) for c in items},
    }


# ----------------------------------------------------------------------------- the command
def ingest(
    year: int,
    data_dir: str | Path | None = None,
    *,
    export: str | Path | None = None,
    quality_exclusions: bool = True,
) -> IngestResult:
    """Read, validate and clean ``raw/<year>/`` and write ``processed/<year>/``.

    Parameters
    ----------
    year : int
        Survey year.
    data_dir : str or Path, optional
        Folder holding ``raw/`` and ``processed/``; defaults to the repository's ``data/``.
    export : str or Path, optional
        The export file; by default the one ``.csv``/``.xlsx``/``.sav`` in ``raw/<year>/``.
    quality_exclusions : bool
        Whether the quality flags the codebook's ``quality: exclude`` names leave respondents
        out of the analyses (recorded in ``quality.json`` as ``excluded_flags``); False: every
        flag is set and counted, nobody is left out.

    Returns
    -------
    IngestResult
        With ``out_dir`` set to ``processed/<year>``.

    Raises
    ------
    IngestError
        For any problem with the file as a whole (nothing is written then).

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> result = ks.ingest(2025, folder)
    >>> result.out_dir.name, len(result.responses) > 0
    ('2025', True)
    """
    codebook, path = _year_files(year, data_dir, export)
    raw, info = read_export(path, codebook)
    result = _everything_but_writing(year, data_dir, codebook, path, raw, info)
    excluded = list(codebook.quality.exclude) if quality_exclusions else []
    result.quality["excluded_flags"] = excluded
    out = config.processed_dir(year, data_dir)
    _write_atomically(out, result)
    result.out_dir = out
    return result


def _everything_but_writing(
    year: int, data_dir, codebook: Codebook, path: Path, raw: pd.DataFrame, info: ReadInfo
) -> IngestResult:
    """What :func:`ingest` does before it writes; :func:`check_export` runs the same, so that
    whatever ingest would refuse, check refuses with the same message."""
    result = process(raw, codebook, source=path, info=info)
    _add_headcounts(result, config.raw_dir(year, data_dir) / HEADCOUNTS_FILE, codebook)
    _add_kpis(result, config.raw_dir(year, data_dir) / KPIS_FILE, codebook)
    result.quality["source"] = {
        "file": path.name,
        "format": info.format,
        "tool": info.tool,
        "encoding": info.encoding,
        "separator": info.separator,
        "decimal": info.decimal,
        "sha256": info.sha256,
    }
    return result


def _add_headcounts(result: IngestResult, path: Path, codebook: Codebook) -> None:
    """The year's headcounts, checked against the kept responses (when the file is there)."""
    if not path.is_file():
        return
    _needs_company(path, codebook)
    result.headcounts = read_headcounts(path, codebook, result.responses)
    counted = set(result.headcounts["company"])
    companies = result.responses[codebook.roles.company].astype(str).unique()
    result.quality["headcounts"] = {
        "file": path.name,
        "companies": len(counted),
        "invited": int(result.headcounts["invited"].sum()),
        "without_headcount": sorted(set(companies) - counted),
    }


def _add_kpis(result: IngestResult, path: Path, codebook: Codebook) -> None:
    """The year's customer KPIs, checked against the kept responses (when the file is there)."""
    if not path.is_file():
        return
    _needs_company(path, codebook)
    result.kpis = read_kpis(path, codebook, result.responses)
    result.quality["kpis"] = {
        "file": path.name,
        "companies": len(result.kpis),
        "kpis": [c for c in result.kpis.columns if c != "company"],
    }


def _needs_company(path: Path, codebook: Codebook) -> None:
    if codebook.roles.company is None:
        raise IngestError(
            path,
            "a file per company, but the codebook names no company (roles.company): "
            "remove the file, or map the export's company column",
        )


def _year_files(
    year: int, data_dir: str | Path | None, export: str | Path | None = None
) -> tuple[Codebook, Path]:
    """The year's codebook (loaded, for the right year) and its export file."""
    raw_dir = config.raw_dir(year, data_dir)
    cb_path = raw_dir / "codebook.yaml"
    try:
        codebook = load_codebook(cb_path)
    except CodebookError as exc:
        raise IngestError(cb_path, str(exc).removeprefix(f"codebook {cb_path}: ")) from None
    if codebook.year != year:
        raise IngestError(
            cb_path,
            f"the codebook is for {codebook.year}, not {year}",
            column="year",
            value=codebook.year,
        )
    return codebook, Path(export) if export is not None else find_export(raw_dir)


@dataclass
class CheckResult:
    """What :func:`check_export` found; nothing was written.

    Parameters
    ----------
    file, columns, values, rows, problems
        As the attributes below; made by :func:`check_export`.

    Attributes
    ----------
    file : Path
        The export.
    columns : DataFrame
        ``column``, ``status`` (mapped, responses, ignored, blank, unmapped, missing) and
        ``maps_to``: every export column, then every codebook column the export lacks.
    values : DataFrame
        ``column``, ``value``, ``count``, ``reason``: values of the rows that would be kept that
        no code or label explains (``unexplained``), that are not numbers or dates
        (``unparseable``), or lie outside a numeric item's range (``out_of_range``).
    rows : dict
        ``raw``, ``kept``, ``quarantined`` and the count of each quarantine reason
        (``not_a_response`` among them).
    problems : list of str
        What would stop the ingest; empty when it would go through.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> check = ks.check_export(2025, survey.path.parents[1])
    >>> check.problems, check.rows["kept"] > 0
    ([], True)
    """

    file: Path
    columns: pd.DataFrame
    values: pd.DataFrame
    rows: dict[str, int]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_export(year: int, data_dir: str | Path | None = None) -> CheckResult:
    """Read ``raw/<year>/`` against its codebook as :func:`ingest` would, and write nothing.

    Says what every export column maps to, which values no code or label explains (with
    counts), how many rows would be kept, quarantined and set aside as non-responses, and
    what would stop the ingest. File-level problems (unreadable export or codebook) raise
    :class:`IngestError` as in :func:`ingest`.

    The command line's ``ksresearch codebook check --year YEAR`` prints this result.

    Parameters
    ----------
    year : int
        The survey year.
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).

    Returns
    -------
    CheckResult
        Columns, unexplained values, row counts and problems.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> check = ks.check_export(2025, survey.path.parents[1])
    >>> check.problems, sorted(set(check.columns["status"]))
    ([], ['mapped'])
    """
    codebook, path = _year_files(year, data_dir)
    raw, info = read_export(path, codebook)
    columns = _column_map(raw, codebook)
    problems = []
    try:
        _everything_but_writing(year, data_dir, codebook, path, raw, info)
    except IngestError as exc:
        problems.append(str(exc))
    empty = pd.DataFrame({"column": [], "value": [], "count": [], "reason": []})
    if (columns["status"] == "missing").any():
        return CheckResult(path, columns, empty, {"raw": len(raw)}, problems)
    try:
        ex = _examine(raw, codebook, info, path=path)
    except IngestError:
        return CheckResult(path, columns, empty, {"raw": len(raw)}, problems)
    values = _value_table(ex.kept_cells)
    first = pd.Series([r[0][0] for r in ex.reasons if r], dtype="string")
    rows = {
        "raw": len(raw),
        "kept": int((~ex.bad_rows).sum()),
        "quarantined": int(ex.bad_rows.sum()),
    }
    rows |= {str(k): int(v) for k, v in first.value_counts().sort_index().items()}
    return CheckResult(path, columns, values, rows, problems)


def _value_table(cells: _Cells) -> pd.DataFrame:
    """Unexplained, unparseable and out-of-range values with their counts."""
    counts: dict[tuple[str, str, str], int] = {}
    for (column, value), rows in cells.unexplained.items():
        counts[(column, value, "unexplained")] = len(rows)
    for _, column, value, reason, _ in cells.issues:
        counts[(column, value, reason)] = counts.get((column, value, reason), 0) + 1
    out = pd.DataFrame(
        [(c, v, n, r) for (c, v, r), n in counts.items()],
        columns=["column", "value", "count", "reason"],
    )
    return out.sort_values(["count", "column"], ascending=[False, True]).reset_index(drop=True)


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary sibling: never a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write_atomically(out: Path, result: IngestResult) -> None:
    """Write into a temporary sibling folder, then swap it into place: never a partial output."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        result.responses.to_parquet(tmp / "responses.parquet", index=False)
        if result.cell_issues is not None:
            result.cell_issues.to_parquet(tmp / "cell_issues.parquet", index=False)
        result.quarantine.to_parquet(tmp / "quarantine.parquet", index=False)
        result.dont_know.to_parquet(tmp / "dont_know.parquet", index=False)
        if result.comments is not None:
            result.comments.to_parquet(tmp / "comments.parquet", index=False)
        if result.headcounts is not None:
            result.headcounts.to_parquet(tmp / "headcounts.parquet", index=False)
        if result.kpis is not None:
            result.kpis.to_parquet(tmp / "company_kpis.parquet", index=False)
        text = json.dumps(result.quality, indent=2, ensure_ascii=False, sort_keys=True)
        (tmp / "quality.json").write_text(text + "\n", encoding="utf-8")
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
