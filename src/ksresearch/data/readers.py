"""Reading survey exports as the tools write them, without interpreting a single value.

One export per year in ``raw/<year>/``: a CSV or TSV (our own layout, an Excel re-save, or
Qualtrics with its three header rows), an XLSX workbook (Microsoft Forms / Questback, or
SurveyXact's ``Dataset``/``Structure``/``Labels`` sheets), SurveyXact's three-file CSV
(``dataset``, ``structure`` and ``labels``), or an SPSS ``.sav``. :func:`read_export` returns
the data as the file holds it and an :class:`ExportMeta` with whatever the tool says about its
columns: question texts, value labels, user-missing codes, the choice an option column stands
for. :mod:`~ksresearch.data.draft` turns that into a codebook; ingestion checks it against one.

A CSV is parsed with the csv module rather than pandas so that its structure can be checked
line by line: NUL bytes, a quote that is never closed, a field over the csv module's size
limit and a row with fewer fields than the header (a record broken over lines) are refused
with their file line; a row with more fields than the header (an unquoted separator) is set
aside as a row problem (``wrong_field_count``) with the fields it adds.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .codebook import Codebook

__all__ = [
    "IngestError",
    "ExportMeta",
    "ReadInfo",
    "EXPORT_SUFFIXES",
    "find_export",
    "read_export",
    "fold_label",
    "read_text",
    "read_side_table",
    "SIDE_FILES",
    "unique_names",
]

EXPORT_SUFFIXES = (".csv", ".tsv", ".xlsx", ".sav")
#: Files beside the export that are not the export (headcounts, the companies' KPIs).
SIDE_FILES = ("headcounts.csv", "company_kpis.csv")
_UTF8_BOM = b"\xef\xbb\xbf"
#: SurveyXact's three-file CSV: the part each file holds, found in its name.
_SX_PARTS = ("dataset", "structure", "labels")
_SX_STRUCTURE = ["questionName", "variableName", "questionType", "questionText", "choiceValue",
                 "choiceText"]  # fmt: skip


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
        where = [f"line {row}"] if row is not None else []
        where += [f"column {column!r}"] if column is not None else []
        where += [f"value {value!r}"] if value is not None else []
        super().__init__(f"{file}: " + (", ".join(where) + ": " if where else "") + message)


@dataclass
class ExportMeta:
    """What the survey tool says about its columns (empty where it says nothing).

    Attributes
    ----------
    texts : dict
        ``{column: question text}``: SPSS variable labels, Qualtrics' second header row,
        SurveyXact's ``questionText`` (with the choice for an option column).
    value_labels : dict
        ``{column: {code: label}}``: SPSS value labels, SurveyXact's ``Labels``.
    user_missing : dict
        ``{column: [codes]}``: SPSS user-missing values.
    choices : dict
        ``{column: (question, code, text)}``: the choice a 0/1 option column stands for
        (SurveyXact's ``Structure``: ``v_1_14`` may be choice 16).
    import_ids : dict
        ``{column: ImportId}`` from Qualtrics' third header row.
    """

    texts: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    user_missing: dict[str, list[float]] = field(default_factory=dict)
    choices: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    import_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadInfo:
    """How an export was read: format, dialect, the tool, the file line of every data row,
    the rows with a structural problem, and the tool's own metadata."""

    path: Path
    format: str
    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    sha256: str = ""
    first_row: int = 2  # the file row of the first data row
    tool: str = "table"  # "qualtrics", "surveyxact", "spss" when recognised
    lines: tuple[int, ...] | None = None  # the file line of each data row (CSV)
    row_problems: dict[int, tuple[str, str]] = field(default_factory=dict)
    meta: ExportMeta = field(default_factory=ExportMeta)


# ----------------------------------------------------------------------------- finding
def find_export(raw_dir: str | Path) -> Path:
    """The one export in ``raw_dir``: a ``.csv``/``.tsv``/``.xlsx``/``.sav`` file, or the
    ``dataset`` file of SurveyXact's three-file CSV (its ``structure`` and ``labels`` files
    beside it are read with it)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise IngestError(raw_dir, "folder not found")
    found = sorted(
        p
        for p in raw_dir.iterdir()
        if p.suffix.lower() in EXPORT_SUFFIXES and p.is_file() and p.name not in SIDE_FILES
    )
    if not found:
        raise IngestError(raw_dir, f"no survey export ({', '.join(EXPORT_SUFFIXES)}) in the folder")
    parts = _surveyxact_parts(found)
    if parts:
        return parts["dataset"]
    if len(found) > 1:
        raise IngestError(
            raw_dir, f"more than one export: {[p.name for p in found]}; keep one per year"
        )
    return found[0]


def _surveyxact_parts(files: list[Path]) -> dict[str, Path]:
    """``{part: file}`` when ``files`` are exactly SurveyXact's dataset, structure and labels
    CSV files; else empty."""
    csvs = [p for p in files if p.suffix.lower() == ".csv"]
    if len(csvs) != len(files) or len(csvs) != 3:
        return {}
    parts = {}
    for p in csvs:
        named = [part for part in _SX_PARTS if part in p.stem.lower()]
        if len(named) != 1:
            return {}
        parts[named[0]] = p
    return parts if len(parts) == 3 else {}


# ----------------------------------------------------------------------------- reading
def read_export(
    path: str | Path, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, ReadInfo]:
    """Read an export as the survey tool wrote it, without interpreting any value.

    CSV and TSV: UTF-8 (with or without BOM), UTF-16 with its mark, or Windows-1252; ``;``,
    ``,`` or tab separated (sniffed from the header); Excel's quoting; Qualtrics' three header
    rows recognised by the ImportId row. Every CSV value is text (empty -> missing). XLSX (read
    with calamine) and SPSS ``.sav`` come back with their own types; a SurveyXact workbook's
    ``Dataset(1)``, ``Dataset(2)``, ... sheets are joined column-wise. Given a codebook, value
    labels are checked against it and a company coded with labels comes back as its names.

    Returns the frame and a :class:`ReadInfo` describing the dialect and the tool's metadata.

    Parameters
    ----------
    path : str or Path
        The export file (.csv, .tsv, .xlsx or .sav).
    codebook : Codebook, optional
        The codebook to check value labels against.

    Returns
    -------
    tuple of (DataFrame, ReadInfo)
        The rows as written, and the dialect and metadata found.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> path = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> frame, info = ks.read_export(path)
    >>> len(frame) > 0, "company" in frame.columns
    (True, True)
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(path, "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise IngestError(path, "the file is empty")
    suffix = path.suffix.lower()
    sha = hashlib.sha256(data).hexdigest()
    if suffix in (".csv", ".tsv"):
        siblings = _surveyxact_parts(
            sorted(p for p in path.parent.iterdir() if p.suffix.lower() in EXPORT_SUFFIXES)
        )
        if siblings.get("dataset") == path:
            df, info = _read_surveyxact_csv(siblings, sha)
        else:
            df, info = _read_csv(path, data, sha, tab=suffix == ".tsv")
    elif suffix == ".xlsx":
        df, info = _read_xlsx(path, sha)
    elif suffix == ".sav":
        df, info = _read_sav(path, sha)
    else:
        raise IngestError(
            path, f"unsupported file type {suffix!r}; use {', '.join(EXPORT_SUFFIXES)}"
        )
    if len(df.columns) == 0 or len(df) == 0:
        raise IngestError(path, "no data rows: the export holds a header at most")
    df.columns = unique_names([str(c) for c in df.columns])
    if codebook is not None and info.meta.value_labels:
        _check_labels(path, info.meta.value_labels, codebook)
        df = _names_from_labels(df, info.meta.value_labels, codebook)
    return df, info


# ----------------------------------------------------------------------------- CSV
def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(_UTF8_BOM):
        try:
            text, _ = codecs.utf_8_decode(memoryview(data)[len(_UTF8_BOM) :], "strict", True)
            return text, "utf-8-sig"  # decoded past the mark without a copy of the bytes
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc.start + len(_UTF8_BOM)) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark (Qualtrics TSV)
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, data, exc.start) from None
    if b"\x00" in data[:4096] and data[:4096].count(b"\x00") > 8:
        raise IngestError(
            path,
            "contains NUL bytes: looks like UTF-16 without its byte-order mark or a binary "
            "file; export the CSV as UTF-8 or Windows-1252 (cp1252)",
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


def read_text(path: str | Path) -> tuple[str, str, str]:
    """A small CSV beside the export (headcounts, KPIs) as text, decoded as an export is
    (UTF-8 with or without BOM, UTF-16 with its mark, Windows-1252): ``(text, encoding,
    separator)``, the separator sniffed from the header (``;``, ``,`` or tab)."""
    path = Path(path)
    text, encoding = _decode(path, path.read_bytes())
    _refuse_nul(path, text)
    header = text.splitlines()[0] if text.strip() else ""
    return text, encoding, _sniff_separator(header)


#: The largest side file (headcounts, KPIs) read: a few thousand lines at most in practice.
SIDE_FILE_MAX_BYTES = 50_000_000


def read_side_table(path: str | Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV beside the export, read with the export's structural checks: ``(header, rows)``
    with each row's file line, cells stripped, blank lines skipped, an Excel re-save's
    trailing empty column dropped.

    Raises
    ------
    IngestError
        Larger than :data:`SIDE_FILE_MAX_BYTES`, undecodable, a NUL byte, a quote never
        closed, or a row with more or fewer fields than the header: a separator inside a value
        (a decimal comma in a comma-separated file reads ``94,8`` as two columns) would shift
        every value after it, so it stops the read rather than be read shifted.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > SIDE_FILE_MAX_BYTES:
        raise IngestError(path, f"{size:,} bytes: larger than a side file can be "
                          f"({SIDE_FILE_MAX_BYTES:,})")  # fmt: skip
    text, _, sep = read_text(path)
    records = _records(path, text.lstrip("\ufeff"), sep)
    if not records or not any(c.strip() for c in records[0][2]):
        raise IngestError(path, "empty file: expected a header row")
    header = [c.strip() for c in records[0][2]]
    while len(header) > 1 and header[-1] == "":
        header.pop()
    rows = []
    for start, _, record in records[1:]:
        if not any(c.strip() for c in record):
            continue
        if len(record) > len(header) and not any(c.strip() for c in record[len(header) :]):
            record = record[: len(header)]
        if len(record) != len(header):
            decimal = " (a decimal comma in a comma-separated file?)" if sep == "," else ""
            raise IngestError(
                path,
                f"{len(record)} fields where the header has {len(header)}: a separator "
                f"{sep!r} inside a value{decimal}; quote such values or use ';' as the separator",
                row=start,
                value=sep.join(record),
            )
        rows.append((start, [c.strip() for c in record]))
    return header, rows


def _undecodable(path: Path, data: bytes, offset: int) -> IngestError:
    line = data[:offset].count(b"\n") + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return IngestError(
        path,
        f"cannot decode byte 0x{data[offset]:02x} at byte offset {offset} as UTF-8 or "
        "Windows-1252 (cp1252); re-export the file as UTF-8",
        row=line,
        value=data[max(start, offset - 20) : offset + 1].decode("utf-8", errors="replace"),
    )


def _sniff_separator(header: str) -> str:
    with _field_limit(len(header) + 1):  # a header of thousands of long question texts
        counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


@contextmanager
def _field_limit(at_least: int):
    """The csv module's field limit raised to ``at_least`` for one read, then set back."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, at_least))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _refuse_nul(path: Path, text: str) -> None:
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise IngestError(
            path,
            "a NUL byte (\\x00) in the file: it is damaged or not a text export; "
            "re-export it (nothing was read)",
            row=line,
        )


def _records(path: Path, text: str, sep: str) -> list[tuple[int, int, list[str]]]:
    """Every non-blank record with its first and last file line; structural errors raise."""
    return list(_iter_records(path, text, sep))


def _lines(text: str):
    """The lines of ``text`` with their endings (``\\r\\n``, ``\\r`` or ``\\n``), one at a time:
    what ``io.StringIO(text, newline="")`` gives, without its copy of the whole text at four
    bytes a character."""
    for match in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text):
        yield match.group(0)


def _iter_records(path: Path, text: str, sep: str):
    """:func:`_records` one record at a time (a large file is checked without keeping it)."""
    reader = csv.reader(_lines(text), delimiter=sep, strict=True)
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if record:
                yield start, end, record
    except csv.Error as exc:
        start = end + 1
        if "field larger than field limit" in str(exc):
            raise IngestError(
                path,
                f"a field longer than the csv module's limit ({csv.field_size_limit():,} "
                "characters) starts in this record: a quote that is never closed, or a "
                "damaged file",
                row=start,
            ) from None
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise IngestError(
                path,
                "a quote opened in this record is never closed: it swallows every line to "
                "the end of the file; close or remove the quote",
                row=start,
            ) from None
        raise IngestError(
            path,
            f"a quote in the record starting here swallows lines {start}-{reader.line_num} and "
            f"closes inside a value ({exc}); a value holding quotes must be quoted, with its "
            "quotes doubled",
            row=start,
        ) from None


def _fit_records(
    path: Path, records: list[tuple[int, int, list[str]]], width: int
) -> tuple[list[list[str]], dict[int, tuple[str, str]]]:
    """Rows of the header's width. Trailing empty fields (an Excel re-save) are dropped; a row
    with fewer fields is a record broken over lines (refused); one with more fields carries an
    unquoted separator (kept as a row problem, with the fields it adds)."""
    rows: list[list[str]] = []
    problems: dict[int, tuple[str, str]] = {}
    for start, end, record in records:
        if len(record) > width and not any(f.strip() for f in record[width:]):
            record = record[:width]
        if end > start and len(record) != width:
            raise IngestError(
                path,
                f"a quote opened in the record starting here swallows lines {start}-{end} "
                f"({len(record)} fields where the header has {width}); close or remove the "
                "quote (nothing was written)",
                row=start,
            )
        if len(record) < width:
            raise IngestError(
                path,
                f"{len(record)} fields where the header has {width}: a value broken over two "
                "lines without quotes, or a cut-off row; fix the export (nothing was written)",
                row=start,
            )
        if len(record) > width:
            extra = ", ".join(repr(f) for f in record[width:])
            problems[len(rows)] = (
                "wrong_field_count",
                f"{len(record)} fields where the header has {width} (line {start}): an unquoted "
                f"separator in a value? the fields beyond the header: {extra}",
            )
            record = record[:width]
        rows.append(record)
    return rows, problems


def _read_csv(path: Path, data: bytes, sha: str, *, tab: bool) -> tuple[pd.DataFrame, ReadInfo]:
    text, enc = _decode(path, data)
    text = text.lstrip("\ufeff")
    _refuse_nul(path, text)
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = "\t" if tab else _sniff_separator(first)
    heads, shapes = [], []  # the first three records; (first line, last line, fields) of all
    for start, end, record in _iter_records(path, text, sep):
        if len(heads) < 3:
            heads.append((start, end, record))
        shapes.append((start, end, len(record)))
    if not shapes:
        raise IngestError(path, "no data rows: the export holds a header at most")
    header = list(heads[0][2])
    while header and not header[-1].strip() and len(header) > 1:  # an Excel re-save's empty column
        header.pop()
    header = unique_names(header)
    qualtrics = len(heads) >= 3 and any('"ImportId"' in f for f in heads[2][2])
    meta = ExportMeta()
    if qualtrics:
        texts, ids = heads[1][2], heads[2][2]
        meta.texts = {h: t for h, t in zip(header, texts, strict=False) if t.strip()}
        meta.import_ids = {h: _import_id(i) for h, i in zip(header, ids, strict=False)}
    n_head = 3 if qualtrics else 1
    body = shapes[n_head:]
    head = text[: _line_offset(text, heads[n_head - 1][1])]
    source = data if enc.startswith("utf-8") else text.encode()
    if source is data:
        del text  # a million rows: the file's bytes are read as they are, the text not kept
    frame, problems = _columnar_body(head, source, sep, body, len(heads[0][2]), header)
    if frame is None:  # rows of another width: read record by record, each checked
        if source is data:
            text = _decode(path, data)[0].lstrip("\ufeff")
        rows, problems = _fit_records(path, _records(path, text, sep)[n_head:], len(header))
        frame = _frame_of_text(rows, header)
    info = ReadInfo(path, "csv", enc, sep, "," if sep == ";" else ".", sha,
                    first_row=body[0][0] if body else 2, tool="qualtrics" if qualtrics else "table",
                    lines=tuple(start for start, _, _ in body), row_problems=problems, meta=meta)  # fmt: skip
    return frame, info


def _line_offset(text: str, lines: int) -> int:
    """Where line ``lines + 1`` of ``text`` starts (the end of the header's lines)."""
    ends = re.finditer(r"\r\n|\r|\n", text)
    offset = 0
    for _ in range(lines):
        match = next(ends, None)
        offset = match.end() if match else len(text)
    return offset


def _columnar_body(
    head: str, utf8: bytes, sep: str, body: list, width: int, header: list[str]
) -> tuple[pd.DataFrame | None, dict]:
    """The data rows read column-wise by pyarrow when every record (already checked by the csv
    module) has the header's width: no Python object per cell, so a million rows fit in
    memory. None where any record differs, or an Excel re-save's extra column holds a value:
    those files are read record by record (:func:`_fit_records`)."""
    if not body or any(w != width for _, _, w in body):
        return None, {}
    from pyarrow import csv as pa_csv

    # the UTF-8 bytes without a copy, past the byte-order mark and the header's lines
    start = (len(_UTF8_BOM) if utf8.startswith(_UTF8_BOM) else 0) + len(head.encode())
    source = pa.py_buffer(utf8)[start:]
    names = [f"c{j}" for j in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(source),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(  # an empty cell is missing as it is read
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # the csv module's reading stands
        return None, {}
    if table.num_rows != len(body):
        return None, {}
    columns = [_text_column(table.column(j)) for j in range(width)]  # chunks kept: no copy
    if any(c.notna().any() for c in columns[len(header) :]):
        return None, {}
    return pd.DataFrame(dict(zip(header, columns[: len(header)], strict=True))), {}


def _text_column(text: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Text cells as Arrow strings in pandas (``string[pyarrow]``, the Arrow buffers as they
    were read: no Python object per cell), empty (or blank) cells as missing."""
    blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(text), ""), False)
    if pc.any(blank).as_py():
        text = pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return pd.Series(pd.arrays.ArrowExtensionArray(text))


def unique_names(names: list[str]) -> list[str]:
    """Header names exactly as exported, a repeated name told apart by its position: the
    second ``Q3`` becomes ``Q3#2``, the third ``Q3#3`` (Qualtrics reuses export tags). Names
    are never stripped: ``" Q3"`` (a leading space) is not ``Q3``.

    >>> unique_names(["Q1", "Q3", "Q3", " Q3", "Q3"])
    ['Q1', 'Q3', 'Q3#2', ' Q3', 'Q3#3']
    """
    seen: dict[str, int] = {}
    taken = set(names)
    out = []
    for name in names:
        k = seen.get(name, 0) + 1
        seen[name] = k
        new = name
        while k > 1 and (new == name or new in taken):
            new = f"{name}#{k}"
            k += 1
        if new != name:
            seen[name] = k - 1
            taken.add(new)
        out.append(new)
    return out


def _import_id(cell: str) -> str:
    match = re.search(r'"ImportId"\s*:\s*"([^"]*)"', cell)
    return match.group(1) if match else cell


def _frame_of_text(rows: list[list[str]], header: list[str]) -> pd.DataFrame:
    """Text cells as Arrow-backed strings, empty (or blank) cells as missing."""
    cells = np.empty((len(rows), len(header)), dtype=object)
    if rows:
        cells[:] = rows
    columns = [_text_column(pa.array(cells[:, k], type=pa.string())) for k in range(len(header))]
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(len(rows)))
    frame.columns = header
    return frame


# ----------------------------------------------------------------------------- XLSX
def _read_xlsx(path: Path, sha: str) -> tuple[pd.DataFrame, ReadInfo]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, engine="calamine", header=None)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise IngestError(path, f"not a readable XLSX workbook: {exc}") from None
    if _dataset_sheets(sheets) and "Structure" in sheets:
        frame, meta = _surveyxact(path, sheets)
        return frame, ReadInfo(path, "xlsx", sha256=sha, tool="surveyxact", meta=meta)
    first = next(iter(sheets.values()))
    return _with_header(first), ReadInfo(path, "xlsx", sha256=sha)


def _with_header(sheet: pd.DataFrame) -> pd.DataFrame:
    """A sheet read without a header, with its first row as the header; empty trailing rows
    and unnamed empty columns (formatting left behind in Excel) dropped."""
    filled = np.flatnonzero(sheet.notna().any(axis=1).to_numpy())
    if not len(filled):
        return pd.DataFrame()
    sheet = sheet.iloc[filled[0] : filled[-1] + 1]  # empty rows inside are rows of the export
    header = ["" if pd.isna(h) else _header_text(h) for h in sheet.iloc[0]]
    body = sheet.iloc[1:].reset_index(drop=True).infer_objects()
    body.columns = header
    keep = [bool(h.strip()) or body.iloc[:, i].notna().any() for i, h in enumerate(header)]
    return body.loc[:, keep]


def _header_text(value: object) -> str:
    """A header cell as exported (not stripped), a whole number without its ``.0``."""
    return _cell_text(value) if not isinstance(value, str) else value


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _dataset_sheets(sheets: dict[str, pd.DataFrame]) -> list[str]:
    """SurveyXact's data sheets in order: ``Dataset``, or ``Dataset(1)``, ``Dataset(2)``, ..."""
    numbered = {}
    for name in sheets:
        match = re.fullmatch(r"\s*Dataset\s*(?:\((\d+)\))?\s*", name, flags=re.IGNORECASE)
        if match:
            numbered[int(match.group(1) or 0)] = name
    return [numbered[k] for k in sorted(numbered)]


def _surveyxact(path: Path, sheets: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ExportMeta]:
    parts = [_with_header(sheets[name]) for name in _dataset_sheets(sheets)]
    frame = _join_columnwise(path, parts)
    structure = _with_header(sheets["Structure"])
    labels = sheets.get("Labels", pd.DataFrame())
    return frame, _surveyxact_meta(path, structure, labels)


def _join_columnwise(path: Path, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Dataset sheets side by side; a key column repeated at the front of each is kept once."""
    frame = parts[0]
    for k, part in enumerate(parts[1:], start=2):
        if len(part) > len(frame):
            raise IngestError(
                path,
                f"sheet {k} of the dataset has {len(part)} rows where the first has "
                f"{len(frame)}: the sheets cannot be joined",
            )
        part = part.reindex(range(len(frame)))  # Excel stores no empty rows at the end
        repeated = [c for c in part.columns if c in frame.columns]
        for c in repeated:
            if not frame[c].equals(part[c]):
                raise IngestError(
                    path, f"column {c!r} appears in two dataset sheets with different values"
                )
        frame = pd.concat([frame, part.drop(columns=repeated)], axis=1)
    return frame


def _surveyxact_meta(path: Path, structure: pd.DataFrame, labels: pd.DataFrame) -> ExportMeta:
    missing = [c for c in _SX_STRUCTURE if c not in structure.columns]
    if missing:
        raise IngestError(
            path,
            f"the Structure part lacks the columns {missing} (it has {list(structure.columns)})",
        )
    meta = ExportMeta()
    for row in structure.itertuples(index=False):
        name = _cell_text(row.variableName)
        question = "" if pd.isna(row.questionText) else str(row.questionText).strip()
        if pd.notna(row.choiceValue) and pd.notna(row.choiceText):
            code = _integer(path, row.choiceValue, "choiceValue")
            text = str(row.choiceText).strip()
            meta.choices[name] = (_cell_text(row.questionName), code, text)
            meta.texts[name] = f"{question} - {text}" if question else text
        elif question:
            meta.texts[name] = question
    labels = labels.dropna(how="all")
    if not labels.empty and labels.shape[1] < 3:
        raise IngestError(path, "the Labels part needs three columns: variable, value, label")
    for row in labels.itertuples(index=False):
        variable, value, label = row[0], row[1], row[2]
        if pd.isna(variable) or pd.isna(value) or pd.isna(label):
            continue
        code = float(_integer(path, value, "value"))
        meta.value_labels.setdefault(_cell_text(variable), {})[code] = str(label).strip()
    return meta


def _integer(path: Path, value: object, what: str) -> int:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        number = np.nan
    if not np.isfinite(number) or not number.is_integer():
        raise IngestError(path, f"{what} {value!r} is not a whole number", value=value)
    return int(number)


def _read_surveyxact_csv(parts: dict[str, Path], sha: str) -> tuple[pd.DataFrame, ReadInfo]:
    """SurveyXact's three-file CSV: the dataset, its structure and its labels (no header)."""
    path = parts["dataset"]
    frame, info = _read_csv(path, path.read_bytes(), sha, tab=False)
    structure, _ = _read_csv(parts["structure"], parts["structure"].read_bytes(), "", tab=False)
    labels_data = parts["labels"].read_bytes()
    text, _ = _decode(parts["labels"], labels_data)
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    records = _records(parts["labels"], text, _sniff_separator(first))
    labels = pd.DataFrame([r for _, _, r in records])
    meta = _surveyxact_meta(parts["structure"], structure, labels)
    return frame, ReadInfo(path, "csv", info.encoding, info.separator, info.decimal, sha,
                           first_row=info.first_row, tool="surveyxact", lines=info.lines,
                           row_problems=info.row_problems, meta=meta)  # fmt: skip


# ----------------------------------------------------------------------------- SPSS
def _read_sav(path: Path, sha: str) -> tuple[pd.DataFrame, ReadInfo]:
    import pyreadstat

    try:
        df, sav = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise IngestError(path, f"not a readable SPSS file: {exc}") from None
    for col in df.columns:  # pyreadstat gives "" for missing strings
        if df[col].dtype == object:
            df[col] = df[col].replace("", None)
    meta = ExportMeta(
        texts={k: v for k, v in sav.column_names_to_labels.items() if v},
        value_labels={
            k: {float(c): str(t) for c, t in v.items()}
            for k, v in sav.variable_value_labels.items()
        },
        user_missing=_user_missing(sav),
    )
    return df, ReadInfo(path, "sav", sha256=sha, tool="spss", meta=meta)


def _user_missing(sav) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for col, ranges in (getattr(sav, "missing_ranges", None) or {}).items():
        for r in ranges:
            lo, hi = r.get("lo"), r.get("hi")
            if isinstance(lo, (int, float)) and lo == hi:
                out.setdefault(col, []).append(float(lo))
    for col, values in (getattr(sav, "missing_user_values", None) or {}).items():
        out.setdefault(col, []).extend(float(v) for v in values if isinstance(v, (int, float)))
    return {k: sorted(set(v)) for k, v in out.items()}


# ----------------------------------------------------------------------------- value labels
def fold_label(text: object) -> str:
    """A label as compared: case, spacing and dashes ignored (``"Helt  enig"`` = ``"helt enig"``)."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return " ".join(text.split()).casefold()


def _norm(label: str) -> str:
    return " ".join(str(label).split()).casefold()


def _names_from_labels(
    df: pd.DataFrame, labels: dict[str, dict], codebook: Codebook
) -> pd.DataFrame:
    """Segments of free identifiers (the company) coded with value labels: the labels are the
    names (a company is never published as a code)."""
    for col in codebook.columns:
        if col.kind == "segment" and col.dtype == "string" and col.export in labels:
            names = {float(k): v for k, v in labels[col.export].items()}
            df[col.export] = df[col.export].map(
                lambda v, names=names: names.get(_as_float(v), v) if pd.notna(v) else None
            )
    return df


def _as_float(value: object) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _check_labels(path: Path, labels: dict[str, dict], codebook: Codebook) -> None:
    """The export's value labels must agree with the codebook's (nb or en) label for a code."""
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
