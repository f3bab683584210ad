"""Reading survey exports, validating them against the codebook, quarantining bad rows.

``raw/<year>/`` holds one export (``.csv``, ``.xlsx`` or ``.sav``) and its ``codebook.yaml``.
:func:`ingest` reads it, checks it and writes ``processed/<year>/``:

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

import csv
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from .. import config
from .codebook import Codebook, CodebookError, Column, load_codebook

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
]

EXPORT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".sav")
#: An unexplained value in at least this many cells stops the ingest (a codebook question).
REPEATED_VALUE = 5
_UTF8_BOM = b"\xef\xbb\xbf"


class IngestError(ValueError):
    """A problem with a whole export: nothing is written. Names file, row, column and value."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file, self.row, self.column, self.value = str(file), row, column, value
        where = [f"row {row}"] if row is not None else []
        where += [f"column {column!r}"] if column is not None else []
        where += [f"value {value!r}"] if value is not None else []
        super().__init__(f"{file}: " + (", ".join(where) + ": " if where else "") + message)


@dataclass(frozen=True)
class ReadInfo:
    """How an export was read."""

    path: Path
    format: str
    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    sha256: str = ""
    first_row: int = 2  # the file row of the first data row
    tool: str = "table"  # "qualtrics" when its three header rows were found


@dataclass
class IngestResult:
    """What :func:`process` / :func:`ingest` produced."""

    responses: pd.DataFrame
    quarantine: pd.DataFrame
    dont_know: pd.DataFrame
    quality: dict
    out_dir: Path | None = None
    cell_issues: pd.DataFrame | None = None


# ----------------------------------------------------------------------------- reading
def find_export(raw_dir: str | Path) -> Path:
    """The one export file (``.csv``, ``.xlsx`` or ``.sav``) in ``raw_dir``."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise IngestError(raw_dir, "folder not found")
    found = sorted(
        p for p in raw_dir.iterdir() if p.suffix.lower() in EXPORT_SUFFIXES and p.is_file()
    )
    if not found:
        raise IngestError(raw_dir, f"no survey export ({', '.join(EXPORT_SUFFIXES)}) in the folder")
    if len(found) > 1:
        raise IngestError(
            raw_dir, f"more than one export: {[p.name for p in found]}; keep one per year"
        )
    return found[0]


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc.start + len(_UTF8_BOM)) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Qualtrics TSV)
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc.start) from None
    if b"\x00" in data[:4096]:
        raise IngestError(
            path,
            "contains NUL bytes: looks like UTF-16 or a binary file; "
            "export the CSV as UTF-8 or Windows-1252 (cp1252)",
            row=1,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _undecodable(path, data, exc.start) from None


def _undecodable(path: Path, data: bytes, offset: int) -> IngestError:
    line = data[:offset].count(b"\n") + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return IngestError(
        path,
        f"cannot decode byte 0x{data[offset]:02x} at byte offset {offset} (line {line}) as "
        "UTF-8 or Windows-1252 (cp1252); re-export the file as UTF-8",
        row=line,
        value=data[max(start, offset - 20) : offset + 1].decode("utf-8", errors="replace"),
    )


def _sniff_separator(header: str) -> str:
    counts = {sep: next(csv.reader([header], delimiter=sep)).__len__() for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def read_export(
    path: str | Path, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, ReadInfo]:
    """Read an export as the survey tool wrote it, without interpreting any value.

    CSV: UTF-8, UTF-8 with BOM or Windows-1252; ``;``, ``,`` or tab separated (sniffed from
    the header); Excel's quoting. Every CSV value is returned as text (empty -> missing) so that
    nothing is lost before validation. XLSX and SPSS ``.sav`` come back with their own types.

    Returns the frame and a :class:`ReadInfo` describing the dialect.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(path, "file not found")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise IngestError(path, "the file is empty")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        text, enc = _decode(path, data)
        lines = text.lstrip("\ufeff").splitlines()
        sep = "\t" if suffix == ".tsv" else _sniff_separator(lines[0] if lines else "")
        qualtrics = len(lines) >= 3 and '"ImportId"' in lines[2].replace('""', '"')
        try:
            df = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                quotechar='"',
                doublequote=True,
                skip_blank_lines=True,
                skiprows=[1, 2] if qualtrics else None,
            )
        except pd.errors.ParserError as exc:
            raise IngestError(path, f"not a readable CSV: {exc}") from None
        info = ReadInfo(path, "csv", enc, sep, "," if sep == ";" else ".", digest,
                        first_row=4 if qualtrics else 2, tool="qualtrics" if qualtrics else "table")  # fmt: skip
    elif suffix == ".xlsx":
        str_cols = _string_columns(codebook)
        try:
            df = pd.read_excel(path, engine="openpyxl", dtype=dict.fromkeys(str_cols, str))
        except Exception as exc:  # openpyxl raises many types for broken files
            raise IngestError(path, f"not a readable XLSX workbook: {exc}") from None
        info = ReadInfo(path, "xlsx", sha256=digest)
    elif suffix == ".sav":
        import pyreadstat

        try:
            df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
        except Exception as exc:  # pyreadstat.ReadstatError and friends
            raise IngestError(path, f"not a readable SPSS file: {exc}") from None
        if codebook is not None:
            _check_sav_labels(path, meta.variable_value_labels, codebook)
            df = _names_from_labels(df, meta.variable_value_labels, codebook)
        for col in df.columns:  # pyreadstat gives "" for missing strings
            if df[col].dtype == object:
                df[col] = df[col].replace("", None)
        info = ReadInfo(path, "sav", sha256=digest)
    else:
        raise IngestError(
            path, f"unsupported file type {suffix!r}; use {', '.join(EXPORT_SUFFIXES)}"
        )
    if len(df.columns) == 0 or len(df) == 0:
        raise IngestError(path, "no data rows: the export holds a header at most")
    df.columns = [str(c).strip() for c in df.columns]
    return df, info


def _string_columns(codebook: Codebook | None) -> list[str]:
    if codebook is None:
        return []
    return [c.export for c in codebook.columns if c.dtype in ("string", "datetime") and c.export]


def _norm(label: str) -> str:
    return " ".join(str(label).split()).casefold()


def _names_from_labels(
    df: pd.DataFrame, labels: dict[str, dict], codebook: Codebook
) -> pd.DataFrame:
    """Segments of free identifiers (the company) coded with SPSS value labels: the labels are
    the names (a company is never published as a code)."""
    for col in codebook.columns:
        if col.kind == "segment" and col.dtype == "string" and col.export in labels:
            names = {float(k): v for k, v in labels[col.export].items()}
            df[col.export] = df[col.export].map(
                lambda v, names=names: names.get(float(v), v) if pd.notna(v) else None
            )
    return df


def _check_sav_labels(path: Path, labels: dict[str, dict], codebook: Codebook) -> None:
    """SPSS value labels must agree with the codebook's (nb or en) labels for the same code."""
    for col in codebook.columns:
        if col.export not in labels or col.kind == "option" or col.dtype == "string":
            continue
        try:
            expected = {
                k: (_norm(v), _norm(codebook.labels(col.source, "en")[k]))
                for k, v in codebook.labels(col.source, "nb").items()
            }
        except KeyError:
            continue
        for code, label in labels[col.export].items():
            if code != code or float(code) != int(code):
                continue
            want = expected.get(int(code))
            if want is not None and _norm(label) not in want:
                raise IngestError(
                    path,
                    f"the export labels code {int(code)} {label!r}, the codebook says "
                    f"{codebook.labels(col.source, 'nb')[int(code)]!r}: the codebook does not "
                    "match the export",
                    column=col.name,
                    value=int(code),
                )


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
    arr = pa_arrow.array(raw.to_numpy(dtype=object), type=pa_arrow.string(), from_pandas=True)
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


def _parse_datetime(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return raw.astype("datetime64[ns]"), pd.Series(False, index=raw.index)
    text = raw.astype("string").str.strip().replace("", pd.NA)
    out = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = text.notna() & out.isna()
    if retry.any():  # Norwegian style: 14.09.2025 13:45(:02)
        out[retry] = [_one_datetime(v) for v in text[retry]]
    # pandas 3 reads e.g. "-1" as the year -1: no survey was answered outside these years.
    out = out.where((out >= pd.Timestamp("1900-01-01")) & (out < pd.Timestamp("2200-01-01")))
    out = out.astype("datetime64[ns]")
    return out, text.notna() & out.isna()


def _one_datetime(value: str) -> pd.Timestamp:
    # pandas' mixed-format parser raises OutOfBoundsDatetime for e.g. "-1" even with errors="coerce".
    try:
        return pd.to_datetime(value, dayfirst=True)
    except (ValueError, OverflowError):
        return pd.NaT


def _as_text(raw: pd.Series) -> pd.Series:
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        s = str(v).strip()
        return s or None

    return raw.map(one).astype(object)


def _is_blank_column(name: str, values: pd.Series) -> bool:
    """A column an Excel re-save adds: no header (or pandas' ``Unnamed: N``) and no values."""
    unnamed = not name.strip() or re.fullmatch(r"Unnamed: \d+", name) is not None
    return unnamed and values.map(lambda v: pd.isna(v) or not str(v).strip()).all()


def _map_columns(
    path: Path, raw: pd.DataFrame, codebook: Codebook
) -> tuple[pd.DataFrame, list[str]]:
    """The export's columns the codebook reads (by ``source``), and the ignored ones.

    Columns matching an ``ignore:`` name or glob pattern are dropped; a blank column of an
    Excel re-save is dropped; any other column neither mapped nor ignored stops the ingest."""
    dupes = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if dupes:
        raise IngestError(
            path, f"column names appear twice in the header: {dupes}", row=1, column=dupes[0]
        )
    wanted = codebook.export_columns
    used = set(wanted) | ({codebook.responses.column} if codebook.responses.column else set())
    ignored = [
        c
        for c in raw.columns
        if c not in used and any(fnmatch.fnmatchcase(c, p) for p in codebook.ignore)
    ]
    blank = [c for c in raw.columns if c not in used and _is_blank_column(c, raw[c])]
    missing = [c for c in used if c not in raw.columns]
    if missing:
        missing = [c for c in [*wanted, codebook.responses.column] if c in missing]
        raise IngestError(
            path,
            f"{len(missing)} column(s) of the codebook missing from the export: {missing} "
            f"(codebook {codebook.year} v{codebook.version}; a column is found by its 'source')",
            row=1,
            column=missing[0],
        )
    unmapped = [c for c in raw.columns if c not in used and c not in ignored and c not in blank]
    if unmapped:
        line = "ignore: [" + ", ".join(json.dumps(c, ensure_ascii=False) for c in unmapped) + "]"
        raise IngestError(
            path,
            f"{len(unmapped)} column(s) of the export are neither in the codebook nor ignored: "
            f"{unmapped}; map each to an item or segment with 'source:', or drop them with\n  {line}",
            row=1,
            column=unmapped[0],
        )
    return raw, ignored


def _not_responses(raw: pd.DataFrame, codebook: Codebook) -> np.ndarray:
    """Rows that are not responses: a status outside ``responses.values``, fewer questions
    answered than ``responses.min_answered``, or nothing answered at all."""
    rules = codebook.responses
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    if rules.column:
        allowed = {_token(v) for v in rules.values}
        bad |= ~raw[rules.column].map(_token).isin(allowed).to_numpy()
    answers = [c for c in codebook.export_columns if c in _answer_exports(codebook)]
    if answers:
        values = raw[answers]
        given = (values.notna() & (values.astype("string").fillna("") != "")).to_numpy()
        share = given.mean(axis=1)
        bad |= share == 0
        bad |= share < rules.min_answered
    return bad


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


def _fold(text: str) -> str:
    """A label as compared: case, spacing and dashes ignored."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return " ".join(text.split()).casefold()


@dataclass
class _Cells:
    """Cell problems found while typing: (row position, column, raw value, reason code, text)."""

    issues: list[tuple[int, str, str, str, str]]
    unexplained: dict[tuple[str, str], list[int]]  # (column, raw value) -> rows

    def add(self, rows, column: str, values, reason: str, text: str) -> None:
        for i, v in zip(rows, values, strict=True):
            self.issues.append((int(i), column, _token(v), reason, text))


def _codes(raw: pd.Series, col: Column, cells: _Cells) -> pd.Series:
    """A coded column: numbers, or answer texts of the scale (nb or en), as codes; a value that
    neither explains is missing and remembered (it may repeat: then the ingest stops)."""
    num, bad = _parse_numeric(raw)
    if bad.any() and col.labels:
        lookup = {_fold(text): code for code, text in col.labels}
        texts = raw[bad].map(lambda v: lookup.get(_fold(v)))
        found = texts.notna()
        num[texts.index[found]] = texts[found].astype(float)
        bad = bad.copy()
        bad[texts.index[found]] = False
    outside = num.notna() & ~num.isin(sorted(col.valid or ()))
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
    out, bad = _parse_datetime(raw)
    rows = np.flatnonzero(bad.to_numpy())
    cells.add(rows, col.name, raw.iloc[rows], "unparseable", "not a date and time")
    return out


def _options(raw: pd.Series, item, cells: _Cells) -> dict[str, pd.Series]:
    """A multi item held in one cell (``"1,3,4"``, ``"Chat;E-post;"``): one 0/1 column per
    option; an empty cell is missing for every option."""
    lookup = {_fold(t): code for code, o in item.options.items() for t in (o.nb, o.en, str(code))}
    chosen = {code: np.zeros(len(raw)) for code in item.options}
    answered = np.zeros(len(raw), dtype=bool)
    for i, cell in enumerate(raw):
        tokens = [t for t in _token(cell).split(item.delimiter) if t.strip()]
        answered[i] = bool(tokens)
        for token in tokens:
            code = lookup.get(_fold(token))
            if code is None:
                cells.unexplained.setdefault((item.id, token.strip()), []).append(i)
            else:
                chosen[code][i] = 1.0
    return {
        f"{item.id}_{code}": pd.Series(np.where(answered, v, np.nan)).astype("Float64")
        for code, v in chosen.items()
    }


def _typed(raw: pd.DataFrame, codebook: Codebook, cells: _Cells) -> pd.DataFrame:
    """Every codebook column typed: codes, numbers, dates and text."""
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
        s = raw[col.export]
        if col.dtype == "int":
            typed[col.name] = _codes(s, col, cells)
        elif col.dtype == "float":
            typed[col.name] = _numbers(s, col, cells)
        elif col.dtype == "datetime":
            typed[col.name] = _dates(s, col, cells)
        else:
            typed[col.name] = _as_text(s)
    meta = codebook.meta
    if meta.duration is not None and meta.duration.computed:
        seconds = (typed[meta.submitted_at.id] - typed[meta.started_at.id]).dt.total_seconds()
        typed[meta.duration.id] = seconds.where(seconds >= 0).astype("Float64")
    return pd.DataFrame({c.name: typed[c.name] for c in codebook.columns})


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
    frame: pd.DataFrame, codebook: Codebook, not_response: np.ndarray
) -> list[list[tuple[str, str]]]:
    """Why each row is not kept: not a response, a required value missing, or a submission
    superseded by a later one with the same respondent id."""
    n = len(frame)
    reasons: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for i in np.flatnonzero(not_response):
        reasons[i].append(
            ("not_a_response", "not a response (status, or too few questions answered)")
        )
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
    raw = raw.reset_index(drop=True)
    n = len(raw)
    file_row = np.arange(n) + first_row
    not_response = _not_responses(raw, codebook)
    cells = _Cells([], {})
    frame = _typed(raw, codebook, cells)
    reasons = _row_problems(frame, codebook, not_response)
    bad_rows = np.array([bool(r) for r in reasons], dtype=bool)
    _check_company_names(path, frame, codebook, ~bad_rows)
    kept_cells = _Cells(
        [], {k: [i for i in v if not bad_rows[i]] for k, v in cells.unexplained.items()}
    )
    kept_cells.unexplained = {k: v for k, v in kept_cells.unexplained.items() if v}
    kept_cells.issues = [c for c in cells.issues if not bad_rows[c[0]]]
    _stop_on_repeated_values(path, kept_cells, codebook)
    quarantine = _quarantine(raw, reasons, bad_rows, file_row, frame, codebook)
    kept = frame.loc[~bad_rows]
    codebook_schema(codebook).validate(kept, lazy=False)  # a failure here is a bug
    issues = _cell_issues(kept_cells.issues, frame, codebook)
    kept = kept.reset_index(drop=True)
    dont_know = _split_missing_codes(kept, codebook)
    kept = _final_types(kept, codebook)
    kept = _flag(kept, codebook, speeder_ratio, min_straightline_items)
    quality = _quality(raw, kept, quarantine, dont_know, codebook)
    quality["ignored_columns"] = ignored
    quality["cell_issues"] = {
        str(k): int(v) for k, v in issues["reason"].value_counts().sort_index().items()
    }
    return IngestResult(kept, quarantine, dont_know, quality, cell_issues=issues)


def _quarantine(raw, reasons, bad_rows, file_row, frame, codebook) -> pd.DataFrame:
    rid = codebook.meta.respondent_id.id
    last = {v: i for i, v in enumerate(frame[rid]) if v is not None and not bad_rows[i]}
    texts = []
    for i in np.flatnonzero(bad_rows):
        parts = [
            t.replace("{row}", str(file_row[last.get(frame[rid].iloc[i], i)]))
            for _, t in reasons[i]
        ]
        texts.append("; ".join(parts))
    quarantine = raw.loc[bad_rows].astype("string")
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


def _flag(
    kept: pd.DataFrame, codebook: Codebook, speeder_ratio: float, min_items: int
) -> pd.DataFrame:
    likert = codebook.items_of_type("likert")
    values = kept[likert].astype("float64").to_numpy()
    answered = (~np.isnan(values)).sum(axis=1)
    spread = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=1) - np.nanmin(
        np.where(np.isnan(values), np.inf, values), axis=1
    )
    kept["qc_straightliner"] = (answered >= min_items) & (spread == 0)
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
    row_hash = pd.util.hash_pandas_object(kept[[codebook.roles.company, *answers]], index=False)
    enough = kept[answers].notna().sum(axis=1) >= min_items
    kept["qc_duplicate_answers"] = (row_hash.duplicated(keep=False) & enough).to_numpy()
    return kept


def _quality(
    raw: pd.DataFrame,
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
        "rows_raw": int(len(raw)),
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
            for k, v in kept[codebook.roles.company].value_counts().sort_index().items()
        },
        "dont_know": {
            str(k): int(v) for k, v in dont_know["item"].value_counts().sort_index().items()
        },
        "item_missing": {c: int(kept[c].isna().sum()) for c in items},
    }


# ----------------------------------------------------------------------------- the command
def ingest(
    year: int, data_dir: str | Path | None = None, *, export: str | Path | None = None
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

    Returns
    -------
    IngestResult
        With ``out_dir`` set to ``processed/<year>``.

    Raises
    ------
    IngestError
        For any problem with the file as a whole (nothing is written then).
    """
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
    path = Path(export) if export is not None else find_export(raw_dir)
    raw, info = read_export(path, codebook)
    result = process(raw, codebook, source=path, first_row=info.first_row)
    result.quality["source"] = {
        "file": path.name,
        "format": info.format,
        "tool": info.tool,
        "encoding": info.encoding,
        "separator": info.separator,
        "decimal": info.decimal,
        "sha256": info.sha256,
    }
    out = config.processed_dir(year, data_dir)
    _write_atomically(out, result)
    result.out_dir = out
    return result


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
