"""A draft codebook from an export's own metadata: ``ksresearch codebook draft``.

Writing a codebook by hand is some 240 lines of YAML, though an SPSS file already holds every
variable and value label, a Qualtrics CSV its question texts, SurveyXact its ``Structure`` and
``Labels``, and a Forms workbook its question texts as headers and its answers as text.
:func:`draft_codebook` reads all of that and writes a codebook that ingests as it is:

- every export column gets a ``source``; columns that look like personal data (e-mail, name,
  IP address, location, phone) go under ``ignore``, as do the tool's own bookkeeping columns;
- the respondent id, the start and submit times and the duration are found by their names;
  a status column whose labels say "completed" becomes the ``responses`` rule;
- the company segment is the column named company/virksomhet/bedrift (or the labelled column
  whose labels look like organisation names);
- answers are matched to known scales (``known_scales.yaml``: agreement, frequency,
  satisfaction, 0-10, in Norwegian and English, "don't know" included); scales are shared
  where the labels agree; 0/1 option columns and cells like ``"1,3,4"`` or ``"a;b;"`` become
  multi items; few repeated text answers become a segment, the rest free text;
- ``# TODO`` comments mark what a person must decide: constructs, reverse keys, roles,
  the names of values the export does not label, English texts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .codebook import Codebook
from .readers import ExportMeta, fold_label, read_export

__all__ = ["DraftError", "Draft", "draft_codebook"]

#: Column-name keys (case, spaces and punctuation removed) of the technical columns, best first.
_ID_KEYS = ("responseid", "respondentid", "respondent", "respid", "recordid", "svarid", "id")
_START_KEYS = ("startdate", "starttime", "startedat", "started", "starttid", "start")
_SUBMIT_KEYS = ("recordeddate", "submittedat", "submitted", "completiontime", "closetime",
                "enddate", "endtime", "submitdate", "sluttid", "completed")  # fmt: skip
_DURATION_KEYS = ("durationinseconds", "durationsec", "durationseconds", "duration", "varighet")
_STATUS_KEYS = ("status", "responsestatus", "responsetype", "statoverall")
#: Bookkeeping columns of the tools, dropped unless used: Qualtrics, SurveyXact, Forms.
_TOOL_KEYS = ("progress", "finished", "userlanguage", "distributionchannel", "lastmodifiedtime",
              "language", "statoverall")  # fmt: skip
#: Words in a column name that mark personal data.
_PERSONAL = ("email", "epost", "mail", "name", "navn", "fornavn", "etternavn", "firstname",
             "lastname", "ip", "ipaddress", "location", "latitude", "longitude", "phone",
             "telefon", "mobil", "mobile", "address", "adresse", "externalreference",
             "externaldatareference", "recipient")  # fmt: skip
_COMPANY = ("company", "virksomhet", "bedrift", "organisasjon", "organisation", "organization",
            "foretak", "företag", "arbeidsgiver", "employer", "firma", "selskap", "arbetsgivare",
            "virksomhed", "arbejdsgiver", "empresa", "institución", "institucion", "organización",
            "organizacion", "empleador")  # fmt: skip
_ORG_SUFFIX = re.compile(
    r"(?:^|\s)(AS|ASA|AB|A/S|Oy|Oyj|ApS|Ltd|Inc|SA|BA|HF|IKS|KF|GmbH|kommune|Group|Gruppen)\.?$",
    re.IGNORECASE,
)
_COMPLETED = ("gjennomført", "fullført", "ferdig", "besvart", "completed", "complete",
              "finished", "genomförd", "slutförd")  # fmt: skip
_CHOSEN = ("valgt", "selected", "chosen", "ja", "yes", "checked", "markert", "vald")
_YAML_WORDS = ("true", "false", "null", "yes", "no", "on", "off", "y", "n")
_RESERVED = ("respondent_id", "submitted_at", "started_at", "duration_sec", "company")


class DraftError(ValueError):
    """An export from which no codebook can be drafted (no company or no respondent id)."""


@dataclass
class Draft:
    """A drafted codebook: ``text`` (the YAML) and what each export column became.

    Parameters
    ----------
    text, columns, todo
        The codebook's YAML, what each export column became, and what is left to decide.

    Examples
    --------
    >>> d = Draft("survey: x", None, ["name the company column"])
    >>> d.todo
    ['name the company column']
    """

    text: str
    columns: pd.DataFrame  # export column, became, id, note
    todo: list[str]


@dataclass
class _Col:
    """One export column as the draft sees it."""

    name: str
    text: str
    values: pd.Series  # the non-missing values, as read
    rows: int
    labels: dict[int, str] = field(default_factory=dict)
    user_missing: list[int] = field(default_factory=list)

    @property
    def answered(self) -> float:
        return len(self.values) / self.rows if self.rows else 0.0

    @property
    def key(self) -> str:
        return _key(self.name)


@dataclass
class _Plan:
    """What the draft decided, in the codebook's sections."""

    meta: dict[str, str] = field(default_factory=dict)  # kind -> export column
    duration_computed: bool = False
    row_id: bool = False  # no respondent id in the export: the file row
    responses: dict | None = None
    ignore: list[tuple[str, str]] = field(default_factory=list)  # (column, why)
    segments: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    scales: dict[str, dict] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)
    became: list[tuple[str, str, str, str]] = field(default_factory=list)
    ids: set[str] = field(default_factory=lambda: set(_RESERVED))
    company: bool = False  # a company column was found or given
    suffix: dict[str, int] = field(default_factory=dict)  # next number for a repeated id
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # codes per question
    label_sets: dict[tuple, int] = field(default_factory=dict)  # how many columns share labels

    def take(self, column: str, became: str, ident: str = "", note: str = "") -> None:
        self.became.append((column, became, ident, note))


# ----------------------------------------------------------------------------- the command
def draft_codebook(
    path: str | Path,
    year: int,
    *,
    company: str | None = None,
    survey: str | None = None,
    respondent_id: str | None = None,
) -> Draft:
    """Draft a codebook for an export from the export's own metadata.

    Parameters
    ----------
    path : str or Path
        The export: CSV/TSV (Qualtrics or a plain table), XLSX (Forms/Questback or
        SurveyXact), SurveyXact's ``dataset`` CSV, or SPSS ``.sav``.
    year : int
        The survey year the codebook is for.
    company : str, optional
        The export column holding the company (any column of the export), where the draft
        cannot tell.
    survey : str, optional
        The survey's name (default: the file's name).
    respondent_id : str, optional
        The export column holding the respondent id (``--id``); by default a column named
        ResponseId, respondent, ID, ... with one value per row, else the file row number
        (``computed: row``).

    Returns
    -------
    Draft
        ``text`` is a valid codebook (it ingests as it is) with ``# TODO`` comments;
        ``columns`` says what every export column became.

    Raises
    ------
    DraftError
        A column given as the company or the respondent id is not in the export, or cannot
        be one (a constant company; a respondent id that repeats).
    IngestError
        The export cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> export = pathlib.Path(tempfile.mkdtemp()) / "svar.csv"
    >>> _ = export.write_text("ID;Virksomhet;Jeg trives\\n1;Alfa AS;Helt enig\\n"
    ...                       "2;Beta AS;Litt uenig\\n3;Beta AS;Vet ikke\\n", encoding="utf-8")
    >>> draft = draft_codebook(export, 2025)
    >>> draft.columns[["column", "became", "id"]]
           column                         became             id
    0          ID             meta.respondent_id  respondent_id
    1  Virksomhet              segment (company)        company
    2  Jeg trives  likert item (answers as text)     jeg_trives
    >>> draft.todo[0]
    "check: the company is the column 'Virksomhet'"
    """
    path = Path(path)
    raw, info = read_export(path)
    cols = _profiles(raw, info.meta)
    plan = _Plan()
    _given(cols, plan, path, company=company, respondent_id=respondent_id)
    _personal_data(cols, plan)
    _technical(cols, plan, tool=info.tool)
    plan.label_sets = _label_sets(cols)
    if company is None:
        _company(cols, plan)
    _identifiers(cols, plan)
    _option_columns(cols, plan, info.meta)
    plan.ranges = _ranges(cols)
    for col in list(cols.values()):
        _classify(col, plan)
    _in_export_order(plan, list(raw.columns))
    text = _emit(plan, year, survey or path.stem, path.name)
    try:
        Codebook.model_validate(yaml.safe_load(text))
    except Exception as exc:  # a draft that does not load is a bug here, not the user's
        raise DraftError(
            f"{path}: the drafted codebook is not valid ({exc}); please report"
        ) from exc
    columns = pd.DataFrame(plan.became, columns=["column", "became", "id", "note"])
    order = {c: i for i, c in enumerate(raw.columns)}
    columns = columns.sort_values("column", key=lambda s: s.map(order)).reset_index(drop=True)
    return Draft(text, columns, plan.todo)


def _in_export_order(plan: _Plan, columns: list[str]) -> None:
    """Segments and items in the order of their first column in the export."""
    first: dict[str, int] = {}
    for column, _, ident, _ in plan.became:
        owner = ident.rsplit("_", 1)[0] if ident not in plan.ids else ident
        first.setdefault(owner, columns.index(column))
    for entries in (plan.segments, plan.items):
        entries.sort(key=lambda e: first.get(e["id"], len(columns)))


# ----------------------------------------------------------------------------- profiles
def _key(name: str) -> str:
    return re.sub(r"[^0-9a-zæøåäö]", "", str(name).casefold())


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-zæøå])([A-ZÆØÅ])", r"\1 \2", str(name))
    return [w for w in re.split(r"[\W_]+", spaced.casefold()) if w]


def _profiles(raw: pd.DataFrame, meta: ExportMeta) -> dict[str, _Col]:
    out = {}
    for name in raw.columns:
        values = raw[name]
        if isinstance(values.dtype, pd.ArrowDtype):  # a CSV's text: as Python strings here
            values = values.astype(object).where(values.notna(), None)
        values = values[values.map(lambda v: pd.notna(v) and str(v).strip() != "")]
        if not str(name).strip() or re.fullmatch(r"Unnamed: \d+", str(name)):
            if values.empty:
                continue  # an Excel re-save's empty column: ingest drops it too
        labels = {
            int(k): v for k, v in meta.value_labels.get(name, {}).items() if float(k).is_integer()
        }
        missing = [int(v) for v in meta.user_missing.get(name, []) if float(v).is_integer()]
        text = meta.texts.get(name) or str(name)
        out[name] = _Col(str(name), text.strip(), values, len(raw), labels, missing)
    return out


def _numbers(col: _Col) -> tuple[pd.Series, pd.Series]:
    """The values as numbers (decimal comma allowed) and the values that are not numbers."""
    if pd.api.types.is_numeric_dtype(col.values.dtype):
        return col.values.astype(float), col.values.iloc[:0].astype(str)
    texts = col.values.map(_token_text)
    nums = pd.to_numeric(texts.str.replace(",", ".", regex=False), errors="coerce")
    return nums.dropna().astype(float), texts[nums.isna()]


def _is_datetime(col: _Col) -> bool:
    if pd.api.types.is_datetime64_any_dtype(col.values.dtype):
        return True
    if col.values.empty or pd.api.types.is_numeric_dtype(col.values.dtype):
        return False
    texts = col.values.astype(str).str.strip()
    if not texts.str.contains(r"\d[.\-/]\d", regex=True).all():
        return False
    parsed = pd.to_datetime(texts, errors="coerce", format="ISO8601")
    if parsed.notna().mean() < 0.9:
        parsed = pd.to_datetime(texts, errors="coerce", dayfirst=True, format="mixed")
    return parsed.notna().mean() >= 0.9


# ----------------------------------------------------------------------------- steps
def _personal_data(cols: dict[str, _Col], plan: _Plan) -> None:
    for name, col in list(cols.items()):
        words = _words(name)
        if any(w in _PERSONAL for w in words) or col.key in _PERSONAL:
            plan.ignore.append((name, "personal data"))
            plan.take(name, "ignored", note="personal data")
            del cols[name]


#: Words in a column name that mark an identifier (of a respondent, a panel, an employee).
_ID_WORDS = ("id", "eid", "uuid", "guid", "identifier", "panel", "prolific", "mturk", "workerid",
             "token", "code", "kode", "ansattnr", "employeeid")  # fmt: skip


def _identifiers(cols: dict[str, _Col], plan: _Plan) -> None:
    """Columns that identify a person rather than answer a question (one value per respondent,
    no spaces: panel ids, employee numbers, tokens) go under ``ignore``, never into the
    questions (and so never into the comments)."""
    for name, col in list(cols.items()):
        if col.labels or col.values.empty:
            continue
        texts = col.values.astype(str).str.strip()
        unique = texts.nunique() >= max(2, 0.95 * len(texts)) and col.answered >= 0.3
        named = any(w in _ID_WORDS for w in _words(name) + _words(col.text)[-3:])
        shaped = unique and (texts.str.fullmatch(r"[\w\-.:@#]{2,64}").mean() >= 0.9)
        if shaped and (named or not texts.str.fullmatch(r"\d+([.,]\d+)?").all()):
            plan.ignore.append((name, "an identifier (one value per respondent)"))
            plan.take(name, "ignored", note="an identifier")
            del cols[name]


def _pick(cols: dict[str, _Col], keys: tuple[str, ...], test) -> str | None:
    for key in keys:
        for name, col in cols.items():
            if (col.key == key or (key == "statoverall" and col.key.startswith(key))) and test(col):
                return name
    return None


def _technical(cols: dict[str, _Col], plan: _Plan, *, tool: str) -> None:
    """Respondent id, start and submit times, duration and the response status."""

    def unique(col: _Col) -> bool:
        return col.answered > 0.9 and col.values.astype(str).nunique() >= 0.95 * len(col.values)

    def numeric(col: _Col) -> bool:
        nums, other = _numbers(col)
        return len(nums) > 0 and other.empty

    found = {
        "respondent_id": None if "respondent_id" in plan.meta else _pick(cols, _ID_KEYS, unique),
        "started_at": _pick(cols, _START_KEYS, _is_datetime),
        "submitted_at": _pick(cols, _SUBMIT_KEYS, _is_datetime),
        "duration": _pick(cols, _DURATION_KEYS, numeric),
    }
    if found["respondent_id"] is None and "respondent_id" not in plan.meta:
        plan.row_id = True
        plan.todo.append(
            "the export has no respondent id: each respondent is known by the file row "
            "(`computed: row`, stable while the file is not changed); name an id column with "
            "`codebook draft --id COLUMN` if there is one"
        )
    for kind, name in found.items():
        if name is not None:
            plan.meta[kind] = name
            plan.take(name, f"meta.{kind}", _meta_id(kind))
            del cols[name]
    if found["duration"] is None and found["started_at"] and found["submitted_at"]:
        plan.duration_computed = True
    _status(cols, plan, tool)
    for name, col in list(cols.items()):
        times = col.key in _SUBMIT_KEYS + _START_KEYS and _is_datetime(col)
        if times or col.key in _TOOL_KEYS or col.key.startswith("statoverall"):
            plan.ignore.append((name, "the survey tool's bookkeeping"))
            plan.take(name, "ignored", note="the survey tool's bookkeeping")
            del cols[name]


def _meta_id(kind: str) -> str:
    return "duration_sec" if kind == "duration" else kind


def _status(cols: dict[str, _Col], plan: _Plan, tool: str) -> None:
    """A status column whose labels (or, for Qualtrics, values) say which rows are responses."""
    name = _pick(cols, _STATUS_KEYS, lambda c: True)
    if name is None:
        plan.responses = {"min_answered": 0.5}
        return _finished(cols, plan)
    col = cols[name]
    values: list = [code for code, label in col.labels.items() if fold_label(label) in _COMPLETED]
    if not values and tool == "qualtrics":  # Status 0: "IP Address", a real response
        seen = set(col.values.astype(str).str.strip())
        values = [0] if "0" in seen else ["IP Address"] if "IP Address" in seen else []
    if not values:
        seen = set(col.values.astype(str).str.strip().map(fold_label))
        values = sorted(v for v in seen if v in _COMPLETED)
    plan.responses = {"min_answered": 0.5}
    if values:
        plan.responses = {"column": name, "values": values, "min_answered": 0.5}
        plan.take(name, "responses.column", note=f"responses where it is {values}")
        del cols[name]
    _finished(cols, plan)


def _finished(cols: dict[str, _Col], plan: _Plan) -> None:
    """Qualtrics' ``Finished`` (1 / True): a finished respondent answered every question
    shown to them, however few display logic showed."""
    name = _pick(cols, ("finished",), lambda c: True)
    if name is None:
        return
    seen = sorted(set(cols[name].values.map(_token_text)))
    done = [v for v in seen if v.casefold() in ("1", "true", "yes")]
    if not done:
        return
    plan.responses = {**(plan.responses or {"min_answered": 0.5}),
                      "finished": {"column": name, "values": done}}  # fmt: skip
    plan.take(name, "responses.finished", note=f"finished where it is {done}")
    del cols[name]


def _token_text(value: object) -> str:
    return (
        str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    )


def _given(
    cols: dict[str, _Col],
    plan: _Plan,
    path: Path,
    *,
    company: str | None,
    respondent_id: str | None,
) -> None:
    """The company and respondent id columns the user named (any column of the export)."""
    for flag, name in (("--company", company), ("--id", respondent_id)):
        if name is not None and name not in cols:
            near = [c for c in cols if _key(c) == _key(name)]
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            shown = ", ".join(map(repr, list(cols)[:12])) + (", ..." if len(cols) > 12 else "")
            raise DraftError(
                f"{path}: {flag} {name!r} is not a column of the export{hint}; its columns: {shown}"
            )
    if respondent_id is not None:
        col = cols[respondent_id]
        repeated = col.values.astype(str).duplicated()
        if repeated.any() or col.answered < 1:
            value = col.values[repeated].iloc[0] if repeated.any() else "(empty)"
            raise DraftError(
                f"{path}: --id {respondent_id!r} is not one value per row ({value!r} repeats "
                "or is missing): a respondent id has one value per row"
            )
        plan.meta["respondent_id"] = respondent_id
        plan.take(respondent_id, "meta.respondent_id", "respondent_id")
        del cols[respondent_id]
    if company is not None:
        distinct = cols[company].values.astype(str).str.strip().unique()
        if len(distinct) < 2:
            one = repr(distinct[0]) if len(distinct) else "no value"
            raise DraftError(
                f"{path}: --company {company!r} holds {one} in every answered row: a survey "
                "of one organisation needs no company column; leave --company out"
            )
        _take_company(cols, plan, company, todo=False)


def _company(cols: dict[str, _Col], plan: _Plan) -> None:
    """The company: a column whose values look like organisation names (``AS``, ``AB``, ...)
    or that carries value labels and a company-like name, never a column chosen by its name
    alone, nor one of sizes or numbers ("1-10", "100+"). Always marked for a person to check."""
    scored = [(_company_score(c, plan), n) for n, c in cols.items()]
    scored = [(s, n) for s, n in scored if s > 0]
    if not scored:
        plan.todo.append(
            "no company column found (values that look like organisation names, or value "
            "labels naming them): a survey of one organisation; name the column with "
            "`codebook draft --company COLUMN` if there is one"
        )
        return
    _take_company(cols, plan, max(scored, key=lambda sn: sn[0])[1], todo=True)


def _take_company(cols: dict[str, _Col], plan: _Plan, name: str, *, todo: bool) -> None:
    col = cols.pop(name)
    text = _text(col.text if col.text != name else "Virksomhet", "Company")
    segment: dict = {"id": "company", "type": "id", "required": True, "source": name, "text": text}
    codes, other = _numbers(col)
    if col.labels:
        segment["values"] = {c: _text(t) for c, t in sorted(col.labels.items())}
    elif other.empty and len(codes):
        whole = sorted({int(c) for c in codes.unique() if float(c).is_integer()})
        segment["values"] = {c: _text(f"TODO {c}") for c in whole}
        plan.todo.append(
            f"the company column {name!r} holds codes without names: give each code its "
            "company's name under the company segment's `values` (a company is published by name)"
        )
    plan.segments.append(segment)
    plan.company = True
    plan.take(name, "segment (company)", "company", "TODO: check" if todo else "")
    if todo:
        plan.todo.append(f"check: the company is the column {name!r}")


#: Values that are sizes, ranges or numbers ("1-10", "100+", "< 50"), never company names.
_SIZES = re.compile(r"^\s*[<>≤≥]?\s*\d[\d\s.,]*(?:[-–]\s*\d[\d\s.,]*|\+)?\s*$")


def _company_score(col: _Col, plan: _Plan) -> int:
    """0 unless the values look like organisation names, or carry value labels under a
    company-like name; more for a company-like name and for organisation-like values. Labels
    that are an answer scale (a known one, or a set several questions share) name no
    organisation, whatever the question says."""
    names = list(col.labels.values()) or list(col.values.astype(str).unique()[:200])
    names = [str(v).strip() for v in names]
    if len(names) < 2 or np.mean([bool(_SIZES.match(v)) for v in names]) > 0.5:
        return 0
    if col.labels:
        points = {c: t for c, t in col.labels.items() if _special(t) is None}
        if _match_texts(list(points.values())) or plan.label_sets.get(_label_key(points), 0) > 1:
            return 0
    org = float(np.mean([bool(_ORG_SUFFIX.search(v)) for v in names]))
    named = any(w in _COMPANY for w in _words(col.name) + _words(col.text)) or col.key in _COMPANY
    few = col.values.astype(str).nunique() <= max(2, 0.5 * len(col.values))
    if not few or (org < 0.5 and not (col.labels and named)):
        return 0
    return 1 + 2 * named + (org >= 0.5)


def _option_columns(cols: dict[str, _Col], plan: _Plan, meta: ExportMeta) -> None:
    """0/1 columns, one per option, as multi items: SurveyXact's Structure names the choice
    each column stands for; otherwise columns ``<stem>_<k>`` holding only 0 and 1."""
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for name in cols:
        if name in meta.choices:
            question, code, text = meta.choices[name]
            groups.setdefault(question, []).append((code, name, text))
    for question, options in groups.items():
        _multi_item(cols, plan, question, options)
    for stem, names in _by_stem(cols, r"(.+?)[_.](\d+)").items():
        if len(names) < 2 or not all(_zero_one(cols[n]) for n in names):
            continue
        texts = [cols[n].text for n in names]
        prefix = _common_prefix(texts)
        options = [
            (int(re.fullmatch(r".+?[_.](\d+)", n).group(1)), n, _option_text(cols[n], prefix))
            for n in names
        ]
        _multi_item(cols, plan, stem, options)
    _coded_options(cols, plan)


def _coded_options(cols: dict[str, _Col], plan: _Plan) -> None:
    """Columns that each hold their own option's code when it was chosen and nothing
    otherwise (R haven's ``p0001`` = 1 or empty, ``p0002`` = 2 or empty, ...): one multi item
    per run of such columns under one stem, each option read from its own column."""
    for stem, names in _by_stem(cols, r"(.*?\D)(\d+)").items():
        codes = []
        for n in names:  # the first column that is no mark ends the run: no full scan
            codes.append(_own_code(cols[n]))
            if codes[-1] is None:
                break
        if len(names) < 2 or None in codes or len(set(codes)) < len(codes):
            continue
        options = [
            (code, n, _option_text(cols[n], "")) for code, n in zip(codes, names, strict=True)
        ]
        _multi_item(cols, plan, stem.rstrip("_."), options)


def _by_stem(cols: dict[str, _Col], pattern: str) -> dict[str, list[str]]:
    """The column names by their stem, the first group of ``pattern`` (names it fits)."""
    stems: dict[str, list[str]] = {}
    for name in cols:
        match = re.fullmatch(pattern, name)
        if match:
            stems.setdefault(match.group(1), []).append(name)
    return stems


def _own_code(col: _Col) -> int | None:
    """The one code a column holds, where it is left empty by some (an option's mark)."""
    nums, other = _numbers(col)
    values = set(nums.unique())
    if not other.empty or len(values) != 1 or col.answered >= 1.0:
        return None
    code = values.pop()
    return int(code) if code == int(code) and code != 0 else None


def _zero_one(col: _Col) -> bool:
    nums, other = _numbers(col)
    return other.empty and len(nums) > 0 and set(nums.unique()) <= {0.0, 1.0} and 0.0 in set(nums)


def _common_prefix(texts: list[str]) -> str:
    if len(texts) < 2:
        return ""
    first, last = min(texts), max(texts)
    k = 0
    while k < min(len(first), len(last)) and first[k] == last[k]:
        k += 1
    prefix = first[:k]
    cut = max(prefix.rfind(" - "), prefix.rfind(": "))
    return prefix[: cut + 3] if cut >= 0 else ""


def _option_text(col: _Col, prefix: str) -> str:
    text = col.text[len(prefix) :].strip() if prefix else ""
    if not text and col.labels.get(1) and fold_label(col.labels[1]) not in _CHOSEN:
        text = col.labels[1]
    return text or col.name


def _multi_item(cols, plan: _Plan, question: str, options: list[tuple[int, str, str]]) -> None:
    options = sorted(options)
    ident = _new_id(plan, question)
    stems = {re.fullmatch(r"(.+?)[_.](\d+)", n).group(1) if re.fullmatch(r"(.+?)[_.](\d+)", n) else None
             for _, n, _ in options}  # fmt: skip
    stem = next(iter(stems)) if len(stems) == 1 else None
    by_suffix = stem is not None and all(n == f"{stem}_{code}" for code, n, _ in options)
    text = _common_prefix([cols[n].text for _, n, _ in options]).rstrip(" -:") or question
    item = {"id": ident, "type": "multi", "text": _text(text)}
    if by_suffix:
        item["source"] = stem
    item["options"] = {
        code: {**_text(label), **({} if by_suffix else {"source": name})}
        for code, name, label in options
    }
    plan.items.append(item)
    for code, name, _ in options:
        plan.take(name, "multi option", f"{ident}_{code}")
        cols.pop(name, None)


# ----------------------------------------------------------------------------- one column
def _classify(col: _Col, plan: _Plan) -> None:
    """What one remaining column is: a coded question, a segment, a multi item in one cell,
    a number, free text, or a time stamp the study does not use."""
    if col.values.empty:
        plan.items.append(_item(plan, col, "text"))
        plan.take(col.name, "text item (empty in this export)", plan.items[-1]["id"])
        plan.todo.append(f"{col.name!r} is empty in this export: read as free text")
        return
    if col.labels:
        return _labelled(col, plan)
    if _is_datetime(col):
        plan.ignore.append((col.name, "a date and time the study does not use"))
        plan.take(col.name, "ignored", note="a date and time the study does not use")
        return
    nums, other = _numbers(col)
    if len(nums) and len(other) <= max(0.5 * len(col.values), 0) and _special_only(other):
        return _numeric(col, plan, nums, other)
    if _delimited(col, plan):
        return
    if _known_answers(col, plan):
        return
    values = col.values.astype(str).str.strip()
    counts = values.value_counts()
    repeated = counts[counts >= 2]
    if (
        len(counts) <= 15
        and col.answered >= 0.5
        and len(repeated) >= 2
        and repeated.sum() >= 0.9 * counts.sum()
        and values.str.len().max() <= 60
    ):
        codes = {i + 1: v for i, v in enumerate(sorted(counts.index, key=str.casefold))}
        return _segment(
            col,
            plan,
            codes,
            todo=f"segment {col.name!r}: check the values' order and English names",
        )
    plan.items.append(_item(plan, col, "text"))
    plan.take(col.name, "text item", plan.items[-1]["id"])


def _special_only(other: pd.Series) -> bool:
    """Texts beside numbers are only "don't know" or "not relevant" answers."""
    return all(_special(v) is not None for v in other.unique())


@cache
def _known() -> dict:
    text = (Path(__file__).with_name("known_scales.yaml")).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _special(text: str) -> str | None:
    """'dont_know' or 'not_relevant' when the text is one of those answers."""
    for kind in ("dont_know", "not_relevant"):
        entry = _known()[kind]
        if fold_label(text) in {fold_label(t) for t in (entry["nb"], entry["en"], *entry["also"])}:
            return kind
    return None


def _numeric(col: _Col, plan: _Plan, nums: pd.Series, other: pd.Series) -> None:
    """Numbers without labels: a rating on the codes its question's columns use (Qualtrics'
    ``Q8_1 .. Q8_k`` share one range, so a code nobody chose still belongs to the scale), a
    0-10 item when the answers span 0..10, a segment when there are at most three answers,
    otherwise a numeric item."""
    whole = bool((nums == nums.round()).all())
    distinct = sorted({int(v) for v in nums.unique()}) if whole else []
    if not whole or len(distinct) > 11 or distinct[-1] - distinct[0] > 10:
        plan.items.append(_item(plan, col, "numeric"))
        plan.take(col.name, "numeric item", plan.items[-1]["id"])
        return
    if len(distinct) <= 3:
        values = {v: str(v) for v in distinct}
        return _segment(
            col, plan, values, todo=f"segment {col.name!r}: name its values {list(values)}"
        )
    lo, hi = plan.ranges.get(_stem(col.name), (distinct[0], distinct[-1]))
    lo = 1 if lo == 2 else lo  # codes count from 1: a 2 at the bottom means nobody chose 1
    eleven = lo == 0 and hi >= 9 and len(distinct) >= 6
    if eleven:
        hi = 10
    labels = {lo: None, hi: None} if eleven else {}
    scale = _scale(plan, lo, hi, labels, {v: _special(v) for v in other.unique()})
    kind = "nps" if eleven else "likert"
    plan.items.append(_item(plan, col, kind, scale=scale))
    plan.take(col.name, f"{kind} item", plan.items[-1]["id"], f"scale {scale}")
    if not plan.scales[scale].get("named") and not eleven:
        plan.todo.append(
            f"scale {scale}: codes {lo}..{hi} (seen {distinct[0]}..{distinct[-1]}) without "
            'labels; name them, and if the highest code means "don\'t know" move it to `dont_know`'
        )
        plan.scales[scale]["named"] = True


def _stem(name: str) -> str:
    """The question a column belongs to: ``Q8`` of ``Q8_3`` (a matrix's rows share a scale)."""
    match = re.fullmatch(r"(.+?)[_.]\d+", name)
    return match.group(1) if match else name


def _ranges(cols: dict[str, _Col]) -> dict[str, tuple[int, int]]:
    """The codes each question's numeric columns use together: ``{stem: (lo, hi)}``."""
    out: dict[str, tuple[int, int]] = {}
    for col in cols.values():
        if col.labels:
            continue
        nums, other = _numbers(col)
        if nums.empty or not _special_only(other) or not (nums == nums.round()).all():
            continue
        lo, hi = int(nums.min()), int(nums.max())
        old = out.get(_stem(col.name), (lo, hi))
        out[_stem(col.name)] = (min(lo, old[0]), max(hi, old[1]))
    return out


def _labelled(col: _Col, plan: _Plan) -> None:
    """A coded column with value labels (SPSS, SurveyXact): a known scale, 0-10, or a segment."""
    special = {c: _special(t) for c, t in col.labels.items()}
    special.update({c: special.get(c) or "not_relevant" for c in col.user_missing})
    points = {c: t for c, t in col.labels.items() if not special.get(c)}
    nums, _ = _numbers(col)
    seen = {int(v) for v in nums.unique() if float(v).is_integer() and int(v) not in special}
    codes = sorted(set(points) | seen)
    if not codes:
        plan.items.append(_item(plan, col, "text"))
        plan.take(col.name, "text item", plan.items[-1]["id"])
        return
    lo, hi = codes[0], codes[-1]
    known = _match_known({c: t for c, t in points.items()})
    shared = plan.label_sets.get(_label_key(points), 0) >= 2 and 4 <= len(points) <= 7
    if known or (lo, hi) == (0, 10) or shared:
        labels = {c: points.get(c) for c in range(lo, hi + 1) if c in points}
        extra = {c: col.labels[c] for c in special if special[c] and c in col.labels}
        scale = _scale_from_labels(plan, lo, hi, labels, extra, special, known)
        kind = "nps" if (lo, hi) == (0, 10) else "likert"
        if not known and not plan.scales[scale].get("named"):
            plan.scales[scale]["named"] = True
            plan.todo.append(
                f"scale {scale}: a rating read from the export's labels ({points[lo]!r} .. "
                f"{points[hi]!r}); check its direction (`reverse: true` where a low code is good)"
            )
        plan.items.append(_item(plan, col, kind, scale=scale))
        plan.take(col.name, f"{kind} item", plan.items[-1]["id"], f"scale {scale}")
        return
    values = {c: points.get(c, str(c)) for c in codes}
    _segment(
        col,
        plan,
        values,
        todo=f"segment {col.name!r}: a background question, or a single-choice item?",
    )


def _label_key(points: dict[int, str]) -> tuple:
    return tuple(sorted((c, fold_label(t)) for c, t in points.items()))


def _label_sets(cols: dict[str, _Col]) -> dict[tuple, int]:
    """How many columns carry each set of value labels: a set that several questions share
    is their answer scale; one column's own set is a background question."""
    out: dict[tuple, int] = {}
    for col in cols.values():
        if col.labels:
            points = {c: t for c, t in col.labels.items() if _special(t) is None}
            out[_label_key(points)] = out.get(_label_key(points), 0) + 1
    return out


def _delimited(col: _Col, plan: _Plan) -> bool:
    """A multi item in one cell: ``"1,3,4"`` (codes) or ``"Chat;E-post;"`` (labels)."""
    texts = col.values.astype(str).str.strip()
    if col.answered < 0.3:
        return False
    for sep in (";", "|", ","):
        tokens = [t.strip() for cell in texts for t in cell.split(sep) if t.strip()]
        has = texts.str.contains(sep, regex=False)
        if not has.any():
            continue
        numeric = all(re.fullmatch(r"\d+", t) for t in tokens)
        distinct = list(dict.fromkeys(tokens))
        if sep == "," and not numeric and not _choices(tokens, len(texts)):
            continue
        if len(distinct) > 40 or max(map(len, distinct)) > 60 or len(distinct) < 2:
            continue
        if numeric:
            options = {int(t): t for t in sorted(distinct, key=int)}
        else:
            options = {i + 1: t for i, t in enumerate(distinct)}
        ident = _new_id(plan, col.name if _short(col.name) else col.text)
        plan.items.append({"id": ident, "type": "multi", "source": col.name, "delimiter": sep,
                           "text": _text(col.text), "options": {c: _text(t) for c, t in options.items()}})  # fmt: skip
        plan.take(col.name, f"multi item in one cell ({sep!r})", ident)
        if numeric:
            plan.todo.append(f"multi item {ident!r}: name its options {list(options)}")
        return True
    return False


def _choices(tokens: list[str], cells: int) -> bool:
    """Comma-split texts that are choices, not prose: few distinct ones, each chosen by
    several respondents."""
    counts = pd.Series(tokens).value_counts()
    return len(counts) <= max(2, 0.3 * cells) and counts.min() >= 2


def _known_answers(col: _Col, plan: _Plan) -> bool:
    """Text answers that are labels of a known scale (plus "don't know" and the like)."""
    texts = col.values.astype(str).str.strip()
    distinct = list(dict.fromkeys(texts))
    points = [t for t in distinct if _special(t) is None]
    if not points:
        return False
    found = _match_texts(points)
    if found is None:
        return False
    scale_id, codes = found
    entry = _known()["scales"][scale_id]
    lo, hi = min(entry), max(entry)
    labels = {c: None for c in entry}
    for text, code in codes.items():
        labels[code] = text
    extra = {}
    special = {}
    for t in distinct:
        kind = _special(t)
        if kind:
            code = _special_code(hi, kind)
            extra[code], special[code] = t, kind
    scale = _scale_from_labels(plan, lo, hi, labels, extra, special, scale_id)
    kind = "nps" if (lo, hi) == (0, 10) else "likert"
    plan.items.append(_item(plan, col, kind, scale=scale))
    plan.take(col.name, f"{kind} item (answers as text)", plan.items[-1]["id"], f"scale {scale}")
    return True


def _match_known(labels: dict[int, str]) -> str | None:
    """The known scale whose labels these are, code for code."""
    if not labels:
        return None
    found = _match_texts(list(labels.values()))
    if found is None:
        return None
    scale_id, codes = found
    entry = _known()["scales"][scale_id]
    order = sorted(entry)
    mine = sorted(labels)
    if len(mine) != len(order):
        return None
    ranks = [order.index(codes[labels[c]]) for c in mine]
    return scale_id if ranks in (sorted(ranks), sorted(ranks, reverse=True)) else None


def _match_texts(texts: list[str]) -> tuple[str, dict[str, int]] | None:
    """(scale id, {text: code}) of the first known scale that explains every text."""
    for scale_id, entry in _known()["scales"].items():
        lookup = {}
        for code, e in entry.items():
            for t in (e["nb"], e["en"], *e.get("also", [])):
                lookup.setdefault(fold_label(t), code)
        codes = {t: lookup.get(fold_label(t)) for t in texts}
        if all(c is not None for c in codes.values()):
            return scale_id, codes
    return None


def _special_code(hi: int, kind: str) -> int:
    base = 9 if hi < 8 else 99
    return base if kind == "dont_know" else base - 1


# ----------------------------------------------------------------------------- scales
def _scale(plan, lo, hi, labels, texts) -> str:
    """A scale of numbers (labels unknown); "don't know" texts get a code of their own."""
    extra, special = {}, {}
    for text, kind in texts.items():
        code = _special_code(hi, kind)
        extra[code], special[code] = text, kind
    return _scale_from_labels(plan, lo, hi, labels, extra, special, None)


def _scale_from_labels(plan, lo, hi, labels, extra, special, known) -> str:
    """The id of a scale with these labels, shared with an equal one drafted before."""
    entry = _known()["scales"].get(known, {}) if known else {}
    english = any(
        text and code in entry and fold_label(text) == fold_label(entry[code]["en"])
        for code, text in labels.items()
    )
    out: dict[int, dict] = {}
    for code, text in labels.items():
        out[code] = _label(text, entry.get(code), english=english)
    for code, text in extra.items():
        out[code] = _label(text, _known()[special[code]])
    spec = {
        "min": lo,
        "max": hi,
        "labels": {c: out[c] for c in sorted(out) if out[c]},
        "dont_know": sorted(c for c, k in special.items() if k == "dont_know"),
        "missing": sorted(c for c, k in special.items() if k == "not_relevant"),
    }
    for sid, other in plan.scales.items():
        if {k: v for k, v in other.items() if k != "named"} == spec:
            return sid
    base = known or f"scale_{lo}_{hi}"
    sid, k = base, 2
    while sid in plan.scales:
        sid, k = f"{base}_{k}", k + 1
    plan.scales[sid] = spec
    if known:
        plan.scales[sid]["named"] = True
    return sid


def _label(text: str | None, known: dict | None, *, english: bool = False) -> dict | None:
    """nb and en of a label: the export's own text in its language (English where any of the
    scale's texts is the known English one), the other from the known scale (or a copy, to
    translate)."""
    if known is None:
        return _text(text) if text else None
    if text is None:
        return {"nb": known["nb"], "en": known["en"]}
    if english or fold_label(text) == fold_label(known["en"]):
        return {"nb": known["nb"], "en": text}
    return {"nb": text, "en": known["en"]}


# ----------------------------------------------------------------------------- pieces
def _short(name: str) -> bool:
    return len(name) <= 24 and " " not in name.strip()


def _new_id(plan: _Plan, name: str) -> str:
    ascii_ = str(name).casefold()
    for a, b in (
        ("æ", "ae"),
        ("ø", "o"),
        ("å", "a"),
        ("ä", "a"),
        ("ö", "o"),
        ("é", "e"),
        ("ü", "u"),
    ):
        ascii_ = ascii_.replace(a, b)
    words = [w for w in re.split(r"[^0-9a-z]+", ascii_) if w][:4]
    ident = "_".join(words)[:32].strip("_") or "q"
    if not ident[0].isalpha():
        ident = f"q{ident}" if ident[0].isdigit() else f"q_{ident}"
    out, k = ident, plan.suffix.get(ident, 2)
    while out in plan.ids:
        out, k = f"{ident}_{k}", k + 1
    plan.suffix[ident] = k  # the next free suffix: many questions may share their first words
    plan.ids.add(out)
    return out


def _text(nb: str, en: str | None = None) -> dict:
    nb = " ".join(str(nb).split()) or "?"
    return {"nb": nb, "en": " ".join(str(en).split()) if en else nb}


def _item(plan: _Plan, col: _Col, kind: str, *, scale: str | None = None) -> dict:
    ident = _new_id(plan, col.name if _short(col.name) else col.text)
    item = {"id": ident, "type": kind, "source": col.name, "text": _text(col.text)}
    if scale:
        item["scale"] = scale
    return item


def _segment(col: _Col, plan: _Plan, values: dict[int, str], *, todo: str) -> None:
    ident = _new_id(plan, col.name if _short(col.name) else col.text)
    plan.segments.append({"id": ident, "source": col.name, "text": _text(col.text),
                          "values": {c: _text(v) for c, v in values.items()}})  # fmt: skip
    plan.take(col.name, "segment", ident)
    plan.todo.append(todo)


# ----------------------------------------------------------------------------- YAML
def _q(value: object) -> str:
    """A YAML scalar: strings double-quoted (JSON is valid YAML), numbers as they are."""
    if isinstance(value, str):
        plain = re.fullmatch(r"[a-z][a-z0-9_]*", value) and value not in _YAML_WORDS
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _flow(d: dict) -> str:
    def one(v: object) -> str:
        return "[" + ", ".join(map(_q, v)) + "]" if isinstance(v, list) else _q(v)

    return "{" + ", ".join(f"{k}: {one(v)}" for k, v in d.items()) + "}"


def _emit(plan: _Plan, year: int, survey: str, file: str) -> str:
    out = [
        f"# Draft codebook for {file}, written by `ksresearch codebook draft` from the export's",
        "# own metadata. It ingests as it is; `# TODO` marks what a person must decide. Check it",
        "# with `ksresearch codebook check`, then ingest.",
        f"survey: {_q(survey)}",
        f"year: {year}",
        f'version: "{year}.1"',
        "meta:",
    ]
    for kind in ("respondent_id", "submitted_at", "started_at", "duration"):
        if kind == "respondent_id" and plan.row_id:
            out.append("  respondent_id: {id: respondent_id, computed: row}  # TODO: no id column")
        elif kind in plan.meta:
            out.append(f"  {kind}: {_flow({'id': _meta_id(kind), 'source': plan.meta[kind]})}")
        elif kind == "duration" and plan.duration_computed:
            out.append("  duration: {id: duration_sec, computed: true}")
        else:
            out.append(f"  {kind}: null")
    out += _emit_responses(plan)
    out.append("ignore:" + ("" if plan.ignore else " []"))
    out += [f"  - {_q(name)}  # {why}" for name, why in plan.ignore]
    out.append("scales:" + ("" if plan.scales else " {}"))
    for sid, spec in plan.scales.items():
        out += [f"  {sid}:", f"    min: {spec['min']}", f"    max: {spec['max']}"]
        if spec["labels"]:
            out.append("    labels:")
            out += [f"      {c}: {_flow(t)}" for c, t in spec["labels"].items()]
        for key in ("dont_know", "missing"):
            if spec[key]:
                out.append(f"    {key}: {spec[key]}")
    out.append("segments:" + ("" if plan.segments else " []"))
    for seg in plan.segments:
        out += _emit_entry(seg)
    out.append("items:" + ("" if plan.items else " []"))
    for item in plan.items:
        out += _emit_entry(item)
    out += _emit_todo(plan)
    return "\n".join(out) + "\n"


def _emit_responses(plan: _Plan) -> list[str]:
    rules = plan.responses or {"min_answered": 0.5}
    out = ["responses:  # TODO check: which rows are real responses (share of questions answered)"]
    if "column" in rules:
        out += [f"  column: {_q(rules['column'])}", f"  values: {json.dumps(rules['values'], ensure_ascii=False)}"]  # fmt: skip
    out.append(f"  min_answered: {rules['min_answered']}")
    if "finished" in rules:
        out.append(f"  finished: {_flow(rules['finished'])}  # answered all that was shown")
    return out


def _emit_entry(entry: dict) -> list[str]:
    out = []
    first = True
    for key, value in entry.items():
        lead = "  - " if first else "    "
        first = False
        if key in ("values", "options"):
            out.append(f"{lead}{key}:")
            out += [f"      {c}: {_flow(t)}" for c, t in value.items()]
        elif isinstance(value, dict):
            out.append(f"{lead}{key}: {_flow(value)}" + _untranslated(key, value))
        else:
            out.append(f"{lead}{key}: {_q(value)}")
    return out


def _untranslated(key: str, value: dict) -> str:
    """A marker on a text whose English is a copy of the export's text (none was found)."""
    return (
        "  # TODO en: the export's text, to translate"
        if key == "text" and value.get("en") == value.get("nb")
        else ""
    )


def _emit_todo(plan: _Plan) -> list[str]:
    likert = [i["id"] for i in plan.items if i["type"] in ("likert", "nps")]
    nps = [i["id"] for i in plan.items if i["type"] == "nps"]
    out = [
        "# TODO constructs: group the likert items into constructs, e.g.",
        "#   wellbeing: {label: {nb: Trivsel, en: Wellbeing}, min_items: 2}",
        "# and set `construct: wellbeing` on each of its items (`reverse: true` on reverse-keyed",
        f"# ones). Likert and 0-10 items: {', '.join(likert) or 'none'}.",
        "constructs: {}",
        "# TODO roles: what the report sections need, e.g. job_role, tenure, turnover_intention.",
        "roles:" + ("" if plan.company or len(nps) == 1 else " {}"),
    ]
    if plan.company:
        out.append("  company: company")
    if len(nps) == 1:
        out.append(f"  enps: {nps[0]}")
    if plan.todo:
        out.append("# TODO also:")
        out += [f"#   - {t}" for t in plan.todo]
    if any(i["text"]["nb"] == i["text"]["en"] for i in plan.items):
        out.append("#   - English texts (`en`) are copies of the export's texts: translate them")
    return out
