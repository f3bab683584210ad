"""What a report shows, in Norwegian (``nb``, the default) or English (``en``).

Notebooks call these to show headings, short texts, tables and the provenance; the notebook
code itself is hidden in the published HTML. Numbers are formatted the Norwegian way in
``nb`` (decimal comma, a narrow space between thousands, "12,3 %").
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config

__all__ = [
    "LANGS",
    "COUNT_ATTRIBUTE",
    "catalogue",
    "text",
    "column",
    "translate",
    "slug",
    "heading",
    "say",
    "fmt_number",
    "table",
    "shown_columns",
    "provenance",
    "names",
]

LANGS = ("nb", "en")
_TABLES = itertools.count()

TEXTS_DIR = Path(__file__).parent / "texts"
#: Columns that hold counts of respondents. The table helper lists their positions in this
#: attribute of the ``<table>`` (the audit finds counts by it, whatever the header says) and
#: shows a count under the minimum as "< m", never exactly.
COUNT_ATTRIBUTE = "data-ks-counts"
#: ``rows``: the data-quality table's steps (rows read, kept, flagged, analysed), counts of
#: respondents too: a survey of a few shows "< m" there as everywhere.
COUNT_COLUMNS = ("n", "n_company", "n_pool", "n_all", "n_commenters", "rows")


@functools.cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    """The text catalogue of ``lang`` (``texts/<lang>.yaml``): ``columns``, ``texts`` and
    ``measures``, each ``{key: text}``; read once per process (libyaml's parser where built
    in, and a key given twice is an error, as in a codebook)."""
    import yaml

    from ..data.codebook import UniqueKeyLoader

    path = TEXTS_DIR / f"{_lang(lang)}.yaml"
    return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)  # noqa: S506


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nb' or 'en', got {lang!r}")
    return lang


def text(key: str, lang: str = "nb", **values: object) -> str:
    """The report text ``key`` in ``lang`` with ``values`` filled in.

    Examples
    --------
    >>> text("report.title", "en", survey="KS employee index", year=2025)
    'KS employee index 2025'
    """
    cat = catalogue(lang)
    entry = cat["texts"].get(key, cat["columns"].get(key))
    if entry is None:
        raise KeyError(f"no report text {key!r}")
    return entry.format(**values)


def column(key: str, lang: str = "nb") -> str:
    """The header of column ``key`` in ``lang`` (the key itself when the catalogue has none)."""
    return catalogue(lang)["columns"].get(key, key)


def translate(value: object, lang: str = "nb") -> object:
    """A value that is a text key (such as "strength") in ``lang``; anything else as it is."""
    texts = catalogue(lang)["texts"]
    return texts[value] if isinstance(value, str) and value in texts else value


def slug(title: str) -> str:
    """An anchor id for a heading.

    Examples
    --------
    >>> slug("Turnover: hva får medarbeidere til å ville slutte?")
    'turnover-hva-får-medarbeidere-til-å-ville-slutte'
    """
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")


class _HTML:
    """A piece of HTML that Jupyter displays as such."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return re.sub(r"<[^>]+>", "", self.html)


def heading(title: str, level: int = 2) -> _HTML:
    """A section heading with a stable anchor (used for the table of contents)."""
    if level not in (1, 2, 3):
        raise ValueError(f"level must be 1, 2 or 3, got {level}")
    from html import escape

    return _HTML(f'<h{level} id="{slug(title)}" class="ks-heading">{escape(title)}</h{level}>')


def say(key: str, lang: str = "nb", **values: object) -> _HTML:
    """A short paragraph of report text."""
    from html import escape

    return _HTML(f'<p class="ks-text">{escape(text(key, lang, **values))}</p>')


def key_findings(
    table: pd.DataFrame, codebook, lang: str = "nb", *, year: int | None = None
) -> _HTML:
    """The sentences of a key-findings table (:mod:`ksresearch.study.keyfindings`) as a list,
    each row filled into its template ``kf.<key>``: measures by their names, segment codes by
    their labels, shares as percentages, every text escaped. A row missing a number its
    sentence needs (hidden by the release audit) is left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> row = {"key": "ai_use", "value": 0.55, "low": 0.5, "high": 0.6, "unit": "share"}
    >>> print(key_findings(pd.DataFrame([row], index=["ai_use"]), cb, "en").html)
    <ul class="ks-key-findings"><li>55% of employees use AI tools at least now and then (95% CI 50% to 60%).</li></ul>
    """
    from html import escape

    items = [_finding(r, codebook, lang, year) for r in table.to_dict("records")]
    said = "".join(f"<li>{escape(s)}</li>" for s in items if s)
    if not said:
        return _HTML(f'<p class="ks-text">{escape(text("kf.none", lang))}</p>')
    return _HTML(f'<ul class="ks-key-findings">{said}</ul>')


def _finding(row: dict, codebook, lang: str, year: int | None) -> str:
    """One key finding in words, or "" when a number its template needs is missing."""
    template = catalogue(lang)["texts"][f"kf.{row['key']}"]
    numbers = _finding_numbers(row, lang)
    if any(f"{{{k}}}" in template and k not in numbers for k in _NUMBERS):
        return ""
    names_ = names(codebook, lang)
    return template.format(
        **numbers,
        subject=_subject(row.get("subject"), row.get("segment"), codebook, names_, lang),
        subject2=_subject(row.get("subject2"), row.get("segment"), codebook, names_, lang),
        unit=text(f"kf.unit.{row['unit'] if _given(row.get('unit')) else 'points'}", lang),
        count=fmt_number(row["count"], lang, 0) if _given(row.get("count")) else "",
        total=fmt_number(row["total"], lang, 0) if _given(row.get("total")) else "",
        previous_year="" if year is None else str(year - 1),
    )


_NUMBERS = ("value", "reference", "diff", "low", "high")


def _finding_numbers(row: dict, lang: str) -> dict[str, str]:
    """The numbers of a key finding as text. Levels of a share as percentages, differences
    of shares in percentage points; the interval is the difference's when there is one. A
    sentence that says the direction in words ("has risen", "higher") takes the size."""
    share = row.get("unit") == "share"
    x = {k: float(row[k]) for k in _NUMBERS if _given(row.get(k))}
    of_diff = "diff" in x
    if of_diff and row["key"].endswith(("_up", "_down", "_higher", "_lower")) and x["diff"] < 0:
        x["diff"] = -x["diff"]
        if "low" in x and "high" in x:
            x["low"], x["high"] = -x["high"], -x["low"]
    out = {}
    for k, v in x.items():
        if share and (k == "diff" or (of_diff and k in ("low", "high"))):
            out[k] = fmt_number(100 * v, lang, 1)  # percentage points
        elif share:
            out[k] = fmt_number(v, lang, 0, percent=True)
        else:
            out[k] = fmt_number(v, lang, 1)
    return out


def _given(x: object) -> bool:
    return x is not None and x is not pd.NA and not (isinstance(x, float) and np.isnan(x))


def _subject(code: object, segment: object, codebook, names_: dict, lang: str) -> str:
    """A measure's name, or a segment code's label."""
    if not _given(code) or code == "":
        return ""
    if _given(segment) and segment:
        labels = codebook.labels(segment, lang)
        return str(labels.get(int(code), code))
    return str(names_.get(code, code)).removesuffix(" (%)")  # the sentence gives the unit


#: Quotation marks by language: Norwegian «…», English “…”.
QUOTES = {"nb": ("«", "»"), "en": ("\u201c", "\u201d")}


def quote(text: str, lang: str = "nb") -> str:
    """``text`` between the quotation marks of ``lang`` (:data:`QUOTES`).

    >>> quote("Travelt", "en")
    '“Travelt”'
    """
    start, end = QUOTES[_lang(lang)]
    return f"{start}{text}{end}"


def comment_examples(table: pd.DataFrame, lang: str = "nb") -> _HTML:
    """The redacted example comments of each theme shown (a result of
    :func:`ksresearch.comments`), under the theme's label, every text escaped.

    Examples
    --------
    >>> t = pd.DataFrame({"examples": [["<b>Travelt</b> her."]]}, index=["workload"])
    >>> t.attrs["labels"] = {"workload": {"nb": "Arbeidsmengde", "en": "Workload"}}
    >>> print(comment_examples(t, "en").html)
    <div class="ks-comments"><h4 class="ks-theme">Workload</h4><ul><li>“&lt;b&gt;Travelt&lt;/b&gt; her.”</li></ul></div>
    """
    from html import escape

    labels = table.attrs.get("labels", {})
    parts = []
    for theme, examples in table["examples"].items():
        label = labels.get(theme, {}).get(lang, str(theme))
        items = "".join(f"<li>{quote(escape(str(x)), lang)}</li>" for x in examples)
        parts.append(f'<h4 class="ks-theme">{escape(label)}</h4><ul>{items}</ul>')
    return _HTML(f'<div class="ks-comments">{"".join(parts)}</div>')


def fmt_number(x: object, lang: str = "nb", decimals: int = 1, percent: bool = False) -> str:
    """A number as a reader expects it: ``12 345,6`` and ``12,3 %`` in nb.

    Examples
    --------
    >>> fmt_number(12345.678, "nb"), fmt_number(0.123, "nb", percent=True), fmt_number(0.123, "en", percent=True)
    ('12\\u202f345,7', '12,3\\xa0%', '12.3%')
    >>> fmt_number(-0.04, "nb")
    '0,0'
    """
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return "–"
    if isinstance(x, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        return text("yes" if x else "no", lang)
    value = float(x) * (100 if percent else 1)
    value = round(value, decimals) + 0.0  # no "-0,0" for tiny negative numbers
    s = f"{value:,.{decimals}f}"
    if _lang(lang) == "nb":
        s = s.replace(",", "\u202f").replace(".", ",")
        return s + ("\u00a0%" if percent else "")
    return s + ("%" if percent else "")


#: A table with more columns than this is set in smaller type with tighter cells, so that it
#: fits the page (the template's ``ks-wide``); every table's headers wrap.
WIDE_TABLE = 7


def table(
    df: pd.DataFrame,
    lang: str = "nb",
    *,
    columns: dict[str, str] | list[str] | None = None,
    percent: list[str] | tuple[str, ...] = (),
    decimals: int | dict[str, int] = 1,
    index_labels: dict | None = None,
    index_name: str | None = None,
    caption: str | None = None,
    min_group_size: int | None = None,
    translate: list[str] | tuple[str, ...] = ("assessment", "quadrant", "verdict"),
):
    """A formatted table for a report (values of the ``translate`` columns, such as
    "strength", are shown in the report's language).

    Every string is HTML-escaped. Count columns (:data:`COUNT_COLUMNS`) are listed in the
    table's :data:`COUNT_ATTRIBUTE` and a count under the minimum shows as "< m", never exactly.

    Parameters
    ----------
    df : DataFrame
        A library result (possibly with ``n_shown``/``suppressed`` from the minimum-group rule).
    lang : {"nb", "en"}
    columns : dict or list, optional
        Columns to show, in order; a dict maps column -> header (default headers from the
        catalogue's ``columns``). ``n`` is shown as ``n_shown`` ("< 5") when present.
    percent : list of str
        Columns holding shares (0-1) shown as percentages.
    decimals : int or dict
        Decimals, overall or per column.
    index_labels : dict, optional
        Labels for the row index values.
    index_name : str, optional
        Header of the index column.
    caption : str, optional
        Caption above the table; a note on suppressed groups is added when rows were hidden.
    min_group_size : int, optional
        The minimum group size in force (counts under it show as "< m"; the note names it).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    lang = _lang(lang)
    m = min_group_size or config.MIN_GROUP_SIZE
    d = df.copy()
    if "n_shown" in d.columns and "n" in d.columns:  # "< 5" where hidden, the count elsewhere
        d["n"] = d["n"].astype(object).where(d["n"].notna(), d["n_shown"])
    columns = columns if columns is not None else shown_columns(d, None)
    headers = columns if isinstance(columns, dict) else {c: column(c, lang) for c in columns}
    missing = [c for c in headers if c not in d.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    for col in translate:
        if col in d.columns:
            d[col] = d[col].map(lambda v: globals()["translate"](v, lang))
    formatters = _formatters(d, headers, lang, percent, decimals, m)
    shown = pd.DataFrame(
        {
            j: [html.escape(str(f(v))) for v in d[col]]
            for j, (col, f) in enumerate(formatters.items())
        },
        index=d.index,
    )
    shown.columns = list(headers.values())  # by position: two columns may share a header
    if index_labels and isinstance(shown.index, pd.MultiIndex):  # a label of the whole key first
        shown.index = [
            index_labels[key]
            if key in index_labels
            else " – ".join(str(index_labels.get(v, v)) for v in key)
            for key in shown.index
        ]
    elif index_labels:
        shown.index = [index_labels.get(i, i) for i in shown.index]
    shown.index.name = index_name or None  # an empty name would add an empty header row
    counts = " ".join(str(j) for j, c in enumerate(headers) if c in COUNT_COLUMNS)
    kind = "ks-table ks-wide" if len(headers) > WIDE_TABLE else "ks-table"  # smaller type
    styler = (
        shown.style.format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_table_attributes(f'class="{kind}" {COUNT_ATTRIBUTE}="{counts}"')
        .set_uuid(_table_id(shown))
    )
    notes = [caption] if caption else []
    if "suppressed" in d.columns and (d["suppressed"].fillna("") != "").any():
        notes.append(text("report.suppressed", lang, m=m))
    if notes:
        styler = styler.set_caption(html.escape(" ".join(notes)))
    hide = index_name is None and isinstance(shown.index, pd.RangeIndex)
    return styler.hide(axis="index") if hide else styler


#: A heatmap cell's class and colour by how many index points better ("b") or worse ("w") than
#: the mean its group does, from the step it reaches in :data:`HEAT_STEPS`; "ks-heat-na" is a
#: hidden cell. Colours from seaborn's ``diverging_palette(10, 145, s=75, l=70, n=9)``: black
#: text keeps a contrast of at least 9:1 on every one (WCAG asks 4.5:1).
HEAT_STEPS = (1.0, 3.0, 6.0, 10.0)  # under a point: no colour (it prints as 0,0 or ±0,x)
HEAT_COLOURS = {
    "ks-heat-b1": "#c7e5d5",
    "ks-heat-b2": "#a1d8bb",
    "ks-heat-b3": "#7bcba2",
    "ks-heat-b4": "#57be89",
    "ks-heat-w1": "#f1d9da",
    "ks-heat-w2": "#f0c2c3",
    "ks-heat-w3": "#efa9ac",
    "ks-heat-w4": "#ee9195",
    "ks-heat-na": "#eceff2",
}


HEAT_HEADER = (
    "writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; "
    "max-width: none; text-align: left; vertical-align: bottom;"
)


def heat_classes(diff: pd.DataFrame) -> pd.DataFrame:
    """The cell classes of a :func:`ksresearch.segment_heatmap` result (:data:`HEAT_COLOURS`):
    every shown difference of at least a point coloured by its size, green where the group does better
    (``attrs["direction"]``: -1 where lower is better), red where worse, deeper at each of
    :data:`HEAT_STEPS`; ``ks-heat-sig`` (set in bold) where the difference holds after the
    correction (``attrs["significant"]``); grey where the cell is hidden.

    Examples
    --------
    >>> d = pd.DataFrame({"stress": [-4.0, 11.0, 1.0, 0.04, np.nan]}, index=list("abcde"))
    >>> d.attrs.update(significant=pd.DataFrame({"stress": [1, 1, 0, 0, 0]}, d.index) == 1,
    ...                direction={"stress": -1})
    >>> heat_classes(d)["stress"].tolist()
    ['ks-heat-b2 ks-heat-sig', 'ks-heat-w4 ks-heat-sig', 'ks-heat-w1', '', 'ks-heat-na']
    """
    values = diff.to_numpy(float)
    significant = diff.attrs["significant"].reindex_like(diff).fillna(False).to_numpy(bool)
    direction = np.array([diff.attrs["direction"].get(c, 1) or 1 for c in diff.columns])
    better = values * direction
    step = np.searchsorted(HEAT_STEPS, np.abs(np.nan_to_num(better)), side="right")
    side = np.where(better > 0, "b", "w")
    classes = np.char.add(np.char.add("ks-heat-", side), step.astype(str)).astype(object)
    classes[step == 0] = ""
    classes[significant & (better != 0)] += " ks-heat-sig"
    classes = np.char.strip(classes.astype(str)).astype(object)
    classes[np.isnan(values)] = "ks-heat-na"
    return pd.DataFrame(classes, index=diff.index, columns=diff.columns)


def distinct(labels: dict, tag=lambda key: key) -> dict:
    """``{key: label}`` with every label told apart: a label that two keys share gets the key's
    ``tag`` (default: the key) in brackets (a codebook that gives two answers the same text still yields a readable,
    unambiguous table).

    Examples
    --------
    >>> distinct({1: "Agent", 2: "Agent", 3: "Lead"})
    {1: 'Agent (1)', 2: 'Agent (2)', 3: 'Lead'}
    """
    counts = pd.Series(list(labels.values()), dtype=object).value_counts()
    return {k: f"{v} ({tag(k)})" if counts[v] > 1 else v for k, v in labels.items()}


def heat_table(styler, classes: pd.DataFrame):
    """A :func:`table` of a heatmap with its cells coloured by ``classes``
    (:func:`heat_classes`); the colours travel with the table."""
    classes = pd.DataFrame(classes.to_numpy(), index=styler.data.index, columns=styler.data.columns)
    rules = [
        {"selector": f"td.{name}", "props": f"background-color: {colour}; color: #000;"}
        for name, colour in HEAT_COLOURS.items()
    ]
    rules.append({"selector": "td.ks-heat-sig", "props": "font-weight: bold;"})
    # the constructs' names set upright (read bottom to top): the columns keep the numbers'
    # width, and the map fits an A4 page without breaking words
    rules.append({"selector": "thead th.col_heading", "props": HEAT_HEADER})
    return styler.set_td_classes(classes).set_table_styles(rules, overwrite=False)


def shown_columns(df: pd.DataFrame, columns: dict | list | None) -> list:
    """The columns :func:`table` shows, in order (``columns`` as :func:`table` takes it)."""
    if columns is None:
        return [c for c in df.columns if c not in ("n_shown", "suppressed")]
    return list(columns)


def _formatters(d: pd.DataFrame, headers: dict, lang: str, percent, decimals, m: int) -> dict:
    """``{column: formatter}``: counts as :func:`_count`, other numbers as :func:`fmt_number`."""
    formatters = {}
    for col in headers:
        whole = pd.api.types.is_integer_dtype(d[col].dtype)  # counts never get decimals
        dec = (
            decimals.get(col, 0 if whole else 1)
            if isinstance(decimals, dict)
            else (0 if whole else decimals)
        )
        formatters[col] = lambda v, dec=dec, pct=col in percent: fmt_number(v, lang, dec, pct)
        if col in COUNT_COLUMNS:
            formatters[col] = lambda v: _count(v, lang, m)
        if col in P_COLUMNS:
            formatters[col] = lambda v: fmt_p(v, lang)
    return formatters


#: Columns of p-values: three decimals, and "< 0.001" below that (never "0.00").
P_COLUMNS = ("p", "p_adj", "p_holm", "pooled_p")


def fmt_p(p: object, lang: str = "nb") -> str:
    """A p-value as it is read: three decimals, ``< 0,001`` below 0.001 (nb).

    >>> fmt_p(0.0004, "nb"), fmt_p(0.0312, "en"), fmt_p(float("nan"))
    ('< 0,001', '0.031', '–')
    """
    if p is None or pd.isna(p):
        return fmt_number(p, lang)
    if float(p) < 0.001:
        return "< " + fmt_number(0.001, lang, 3)
    return fmt_number(p, lang, 3)


def share_sizes(df: pd.DataFrame, columns: list[str], members: dict | None) -> pd.DataFrame:
    """How many answered behind each share of ``columns``: the respondents the ledger records
    for the cell (or for its row), else the row's ``n``; missing when neither is known (a
    figure of the whole survey).

    Examples
    --------
    >>> t = pd.DataFrame({"n": [40, 6], "share": [0.5, 1.0]}, index=["a", "b"])
    >>> share_sizes(t, ["share"], None)["share"].tolist()
    [40.0, 6.0]
    """
    members = members or {}
    rows = pd.to_numeric(df["n"], errors="coerce") if "n" in df.columns else None
    out = pd.DataFrame(np.nan, index=df.index, columns=columns)
    for j, c in enumerate(columns):
        for i, row in enumerate(df.index):
            labels = members.get((row, c), members.get((row, None)))
            if labels is not None:
                out.iloc[i, j] = len(labels)
            elif rows is not None:
                out.iloc[i, j] = rows.iloc[i]
    return out


def _count(v: object, lang: str, m: int) -> str:
    """A count of respondents as published: "< m" under the minimum, else the number."""
    if isinstance(v, str):
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return "–"
    return f"< {m}" if v < m else fmt_number(v, lang, 0)


def _table_id(shown: pd.DataFrame) -> str:
    """A stable, unique element id: the table's labels plus its place in the run (no uuid)."""
    labels = repr((list(shown.columns), list(shown.index)))
    return f"ks{hashlib.sha1(labels.encode()).hexdigest()[:6]}{next(_TABLES)}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(survey, parameters: dict, lang: str = "nb") -> pd.DataFrame:
    """Where a report's numbers come from and the rules it keeps: year, codebook version and
    checksum, checksum of the processed data, package version, the notebook parameters, the
    confidentiality rules (minimum group, companies per cell, the release audit) and the time
    of the run (UTC)."""
    from .. import __version__

    data = getattr(survey, "path", None)
    data_sha = _sha256(Path(data) / "responses.parquet") if data else ""
    cb = survey.codebook
    who = cb.organisation_name(lang)
    rows = {
        ("Undersøkelse", "Survey"): cb.survey_name(lang) + (f" ({who})" if who else ""),
        ("År", "Year"): str(survey.year),
        ("Spørreskjema (versjon)", "Codebook (version)"): survey.codebook.version,
        ("Spørreskjema (sha256)", "Codebook (sha256)"): survey.codebook.checksum[:16],
        ("Data (sha256)", "Data (sha256)"): data_sha[:16],
        ("ksresearch", "ksresearch"): __version__,
        ("Parametere", "Parameters"): text(
            "about.parameters",
            lang,
            language=text(f"language.{_lang(parameters.get('lang', lang))}", lang),
            m=parameters.get("min_group_size") or config.MIN_GROUP_SIZE,
        ),
        ("Anonymitet", "Confidentiality"): text(
            "about.rules",
            lang,
            m=(m := getattr(survey, "min_group_size", None) or config.MIN_GROUP_SIZE),
            s=max(config.MIN_SHARE_N, m),
            k=config.MIN_COMPANIES,
            share=round(config.MAX_COMPANY_SHARE * 100),
        ),
        ("Kjørt (UTC)", "Run (UTC)"): datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    i = LANGS.index(_lang(lang))
    return pd.DataFrame({text("value", lang): list(rows.values())}, index=[k[i] for k in rows])


def names(codebook, lang: str = "nb") -> dict[str, str]:
    """Readable names for table rows and figure labels: items (question text), constructs and
    their ``_index`` columns, the study's measures (by role name; education relevance also by
    its item id) and the levels of :func:`ksresearch.education_and_involvement`.

    Examples
    --------
    >>> from ksresearch import config, load_codebook
    >>> names(load_codebook(config.codebook_path(2025)), "en")["involvement_index"]
    'Involvement'
    """
    out: dict[str, str] = {}
    for item in codebook.items:
        out[item.id] = item.text.get(lang)
    for c, con in codebook.constructs.items():
        out[c] = out[f"{c}_index"] = con.label.get(lang)
    measures = catalogue(lang)["measures"]
    out.update(measures)
    if codebook.has_roles("education_relevance"):
        out[codebook.role("education_relevance")] = measures["education_relevance"]
    for level in ("low", "neutral", "high"):
        out[level] = text(f"level.{level}", lang)
    return out


def question_names(codebook, lang: str = "nb") -> dict[str, str]:
    """Each construct's label and each question's text by its id, as the questionnaire has
    them (:func:`names` lets the study's measure names win where an item id is also a role
    name, such as ``enps``; a table of questions must show the question)."""
    out = {c: con.label.get(lang) for c, con in codebook.constructs.items()}
    out.update({item.id: item.text.get(lang) for item in codebook.items})
    return out


def value_labels(codebook, index: pd.Index, lang: str = "nb") -> dict:
    """Labels of an index of codes named after a segment or a coded item (its levels or
    options), e.g. the index of :func:`ksresearch.turnover_by`; ``{}`` for any other index."""
    name = index.name
    ids = {s.id for s in codebook.segments} | {i.id for i in codebook.items if i.type != "text"}
    if name not in ids:
        return {}
    labels = codebook.labels(name, lang)
    return {
        code: labels.get(int(code), code)
        for code in index
        if isinstance(code, (int, float, np.integer))
    }


def step_names(steps, lang: str = "nb") -> dict[str, str]:
    """Readable names of :func:`ksresearch.response_summary` steps ("quarantined: duplicate_id"
    -> "Satt til side: dobbel innsending").

    Examples
    --------
    >>> step_names(["raw", "flagged: speeder"], "en")
    {'raw': 'Rows in the export', 'flagged: speeder': 'Left out: very fast completion'}
    """
    out = {}
    for step in steps:
        head, _, detail = step.partition(": ")
        label = text(f"step.{head}", lang)
        out[step] = f"{label}: {text(f'step.{detail}', lang)}" if detail else label
    return out
