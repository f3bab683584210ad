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
import hashlib
import io
import json
import os
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

EXPORT_SUFFIXES = (".csv", ".xlsx", ".sav")
#: A file where more than this share of rows would be quarantined is refused as a whole.
MAX_QUARANTINE_SHARE = 0.5
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


@dataclass
class IngestResult:
    """What :func:`process` / :func:`ingest` produced."""

    responses: pd.DataFrame
    quarantine: pd.DataFrame
    dont_know: pd.DataFrame
    quality: dict
    out_dir: Path | None = None


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
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
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
    if suffix == ".csv":
        text, enc = _decode(path, data)
        header = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        sep = _sniff_separator(header)
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
            )
        except pd.errors.ParserError as exc:
            raise IngestError(path, f"not a readable CSV: {exc}") from None
        info = ReadInfo(path, "csv", enc, sep, "," if sep == ";" else ".", digest)
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
    return [c.name for c in codebook.columns if c.dtype in ("string", "datetime")]


def _norm(label: str) -> str:
    return " ".join(str(label).split()).casefold()


def _check_sav_labels(path: Path, labels: dict[str, dict], codebook: Codebook) -> None:
    """SPSS value labels must agree with the codebook's (nb or en) labels for the same code."""
    for col in codebook.columns:
        if col.name not in labels or col.kind == "option":
            continue
        try:
            expected = {
                k: (_norm(v), _norm(codebook.labels(col.source, "en")[k]))
                for k, v in codebook.labels(col.source, "nb").items()
            }
        except KeyError:
            continue
        for code, label in labels[col.name].items():
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


def _check_columns(path: Path, df: pd.DataFrame, codebook: Codebook) -> None:
    expected = codebook.column_names
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dupes:
        raise IngestError(
            path, f"column names appear twice in the header: {dupes}", row=1, column=dupes[0]
        )
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise IngestError(
            path,
            f"{len(missing)} required column(s) missing from the export: {missing} "
            f"(codebook {codebook.year} v{codebook.version})",
            row=1,
            column=missing[0],
        )
    extra = [c for c in df.columns if c not in expected]
    if extra:
        raise IngestError(
            path,
            f"{len(extra)} column(s) not in the codebook: {extra}; add them to "
            "codebook.yaml or remove them from the export",
            row=1,
            column=extra[0],
        )


def process(
    raw: pd.DataFrame,
    codebook: Codebook,
    *,
    source: str | Path = "<export>",
    speeder_ratio: float = 0.3,
    min_straightline_items: int = 10,
) -> IngestResult:
    """Validate and clean an export already read into ``raw`` (nothing is written).

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

    Returns
    -------
    IngestResult
        ``responses`` (kept, typed, missing codes as NA, with ``qc_*`` flags), ``quarantine``
        (``row``, ``reason_code``, ``reason`` and the raw values as text), ``dont_know``
        (``respondent_id``, ``item``, ``code``) and ``quality``.

    Raises
    ------
    IngestError
        Missing or unknown columns, or when most rows would be quarantined.
    """
    path = Path(source)
    _check_columns(path, raw, codebook)
    raw = raw[codebook.column_names]
    n = len(raw)
    file_row = np.arange(n) + 2  # spreadsheet row: the header is row 1
    reasons: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    typed: dict[str, pd.Series] = {}
    for col in codebook.columns:
        s = raw[col.name].reset_index(drop=True)
        if col.dtype in ("int", "float"):
            typed[col.name], bad = _parse_numeric(s)
        elif col.dtype == "datetime":
            typed[col.name], bad = _parse_datetime(s)
        else:
            typed[col.name], bad = _as_text(s), pd.Series(False, index=s.index)
        for i in np.flatnonzero(bad.to_numpy()):
            reasons[i].append(
                ("unparseable", f"unparseable value {_show(s.iloc[i])} in column {col.name!r}")
            )
    frame = pd.DataFrame(typed)
    schema = codebook_schema(codebook)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        kinds = {c.name: c for c in codebook.columns}
        for col_name, idx, value in zip(fc["column"], fc["index"], fc["failure_case"], strict=True):
            reasons[int(idx)].append(
                _reason_for(kinds[col_name], raw[col_name].iloc[int(idx)], value)
            )
    rid = codebook.meta.respondent_id
    seen: dict[str, int] = {}
    for i, value in enumerate(frame[rid]):
        if value is None:
            continue
        if value in seen:
            reasons[i].append(
                ("duplicate_id", f"duplicate respondent id {value!r} (first at row {seen[value]})")
            )
        else:
            seen[value] = int(file_row[i])
    bad_rows = np.array([bool(r) for r in reasons])
    n_bad = int(bad_rows.sum())
    if n and n_bad / n > MAX_QUARANTINE_SHARE:
        common = pd.Series([r[0][0] for r in reasons if r]).value_counts()
        first = next(i for i in range(n) if reasons[i])
        raise IngestError(
            path,
            f"{n_bad} of {n} rows ({n_bad / n:.0%}) would be quarantined (most often: "
            f"{common.index[0]}); refusing the whole file: is this the right codebook "
            f"for this export? First problem: {reasons[first][0][1]}",
            row=int(file_row[first]),
        )

    quarantine = raw.reset_index(drop=True).loc[bad_rows].astype("string")
    quarantine.insert(0, "reason", ["; ".join(t for _, t in r) for r in reasons if r])
    quarantine.insert(0, "reason_code", [r[0][0] for r in reasons if r])
    quarantine.insert(0, "row", file_row[bad_rows])
    quarantine = quarantine.reset_index(drop=True)

    kept = frame.loc[~bad_rows].reset_index(drop=True)
    dont_know = _split_missing_codes(kept, codebook)
    for col in codebook.columns:
        if col.dtype == "int":
            kept[col.name] = kept[col.name].astype("Int64")
        elif col.dtype == "float":
            kept[col.name] = kept[col.name].astype("float64")
        elif col.dtype == "string":
            kept[col.name] = kept[col.name].astype("string")
    kept = _flag(kept, codebook, speeder_ratio, min_straightline_items)
    quality = _quality(raw, kept, quarantine, dont_know, codebook)
    return IngestResult(kept, quarantine, dont_know, quality)


def _show(value: object) -> str:
    return repr(value if not isinstance(value, float) or not value.is_integer() else int(value))


def _reason_for(col: Column, raw_value: object, value: object) -> tuple[str, str]:
    if pd.isna(raw_value) or pd.isna(value):
        return "missing_required", f"missing required value in column {col.name!r}"
    if col.valid is not None:
        return (
            "out_of_range",
            f"out-of-range code {_show(raw_value)} in column {col.name!r} (allowed: {sorted(col.valid)})",
        )
    if col.min is not None or col.max is not None:
        return (
            "out_of_range",
            f"out-of-range value {_show(raw_value)} in column {col.name!r} (allowed: {col.min}..{col.max})",
        )
    return "invalid", f"invalid value {_show(raw_value)} in column {col.name!r}"


def _split_missing_codes(kept: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Replace "don't know" and other missing codes by NA (in place); return them as a long table."""
    rid = codebook.meta.respondent_id
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
    duration = kept[codebook.meta.duration]
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
    result = process(raw, codebook, source=path)
    result.quality["source"] = {
        "file": path.name,
        "format": info.format,
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
