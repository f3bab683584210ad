"""The audit: what keeps a report from being published."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

from ..stats.disclosure import min_size
from .present import COUNT_ATTRIBUTE

__all__ = [
    "audit_html",
    "audit_document",
    "audit",
    "normalise",
    "page_text",
    "text_problems",
    "manifest_company",
    "allowed_comments",
    "quoted_comments",
]


def _count(cell: str) -> int | None:
    """A count as a report prints it ("1 234", "1,234", "1234"); None for anything else ("< 5")."""
    s = cell.strip()
    if not re.fullmatch(r"\d{1,3}([\u202f\u00a0 ,.]\d{3})*|\d+", s):
        return None
    return int(re.sub(r"\D", "", s))


#: Classes of nbconvert's code input (its editor, prompt and highlighted source).
_CODE_CLASSES = frozenset({"jp-InputArea-editor", "jp-InputPrompt", "highlight-ipynb"})


def _code_and_errors(soup) -> list[str]:
    from bs4 import Tag

    problems, code, stderr = [], False, False
    for tag in soup.descendants:  # one walk: bs4's find with a class filter is ten times slower
        if isinstance(tag, Tag):
            code = code or not _CODE_CLASSES.isdisjoint(tag.get("class") or ())
            stderr = stderr or tag.get("data-mime-type") == "application/vnd.jupyter.stderr"
    if code:
        problems.append("the report contains code cells")
    if stderr or any("Traceback (most recent call last)" in s for s in soup.strings):
        problems.append("the report contains an error message or stderr output")
    return problems


def _count_cells(table) -> list:
    """The data cells of the columns a table lists as counts (:data:`present.COUNT_ATTRIBUTE`:
    the table helper's mark, whatever the header says)."""
    columns = {f"col{j}" for j in table.get(COUNT_ATTRIBUTE, "").split()}
    return [
        td
        for td in table.find_all("td")
        if "data" in td.get("class", []) and columns & set(td["class"])
    ]


def _small_counts(soup, m: int) -> list[str]:
    """Counts of respondents under the minimum, in the cells marked as counts."""
    problems = []
    for table in soup.find_all("table", attrs={COUNT_ATTRIBUTE: True}):
        for cell in _count_cells(table):
            value = _count(cell.get_text(" ", strip=True))
            if value is not None and value < m:
                problems.append(f"a table shows a group of {value} respondents (minimum {m})")
    return problems


#: Characters that hide inside a word without showing: zero-width spaces and joiners, the word
#: joiner, the byte-order mark, the soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
#: Elements that separate words; any other tag may sit inside a word.
_BLOCKS = ["p", "div", "td", "th", "tr", "li", "ul", "ol", "table", "caption", "title", "br",
           "h1", "h2", "h3", "h4", "h5", "h6", "section", "nav", "header", "footer", "pre"]  # fmt: skip
#: Attributes whose text a reader can see or a script can reach (not image data).
_TEXT_ATTRIBUTES = ("title", "alt", "aria-label", "href", "data-title", "value", "placeholder")


#: Letters of other scripts that look like Latin ones (Unicode confusables): a name written
#: with a Cyrillic "а" reads as the name.
_HOMOGLYPHS = str.maketrans(
    "АВЕЗІЈКМНОРСТУХаеіјорсухѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυχ",
    "ABE3IJKMHOPCTYXaeijopcyxsdqwABEZHIKMNOPTYXaeikvoptux",
)


def normalise(text: str) -> str:
    """Text as the checks compare it: NFKC, invisible characters removed, look-alike letters
    of other scripts as Latin, every kind of space as one space, case folded. Entities must
    already be decoded.

    Examples
    --------
    >>> normalise("Sol\u200bbank\u00a0AS") == normalise("SOLBANK AS") == "solbank as"
    True
    >>> normalise("N\u043erdbАnk") == "nordbank"
    True
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_HOMOGLYPHS)
    return re.sub(r"\s+", " ", text).casefold().strip()


def page_text(soup) -> str:
    """What a reader of an HTML report can read: the text with entities decoded and tags
    removed, plus the readable attributes (an image's ``alt`` and ``title`` too), the text of
    inline SVG figures and the strings CSS puts on the page (``content: "..."``); scripts and
    figure data left out."""
    shown = [
        t.get_text(" ") for svg in soup("svg") for t in svg.find_all(["text", "title", "desc"])
    ]
    for style in soup("style"):
        shown += re.findall(r"content\s*:\s*(?:\"([^\"]*)\"|'([^']*)')", style.get_text())
    shown = [" ".join(x) if isinstance(x, tuple) else x for x in shown]
    for img in soup("img"):
        shown += [img.get(a) for a in ("alt", "title") if isinstance(img.get(a), str)]
    for tag in soup(["style", "script", "svg", "img", "math"]):
        tag.decompose()
    parts = [_spaced_text(soup), *shown]
    for tag in soup.find_all(True):
        for attribute in _TEXT_ATTRIBUTES:
            value = tag.get(attribute)
            if isinstance(value, str) and not value.startswith("data:"):
                parts.append(value)
    return normalise(" ".join(parts))


def _spaced_text(soup) -> str:
    """``soup.get_text("")`` with a space around every block (:data:`_BLOCKS`): blocks and
    cells read apart, inline tags do not (``Nord<b>bank</b>`` reads as Nordbank). One walk of
    the tree, without changing it; the strings are those ``get_text`` reads."""
    from bs4 import NavigableString

    types = soup.interesting_string_types
    wanted = (lambda t: t is types) if isinstance(types, type) else types.__contains__
    blocks, out, end = frozenset(_BLOCKS), [], object()
    stack = [iter(soup.children)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif node is end:
            out.append(" ")
        elif isinstance(node, NavigableString):
            if wanted(type(node)):
                out.append(node)
        elif node.name in blocks:
            out.append(" ")
            stack.append(itertools.chain(node.children, (end,)))
        else:
            stack.append(iter(node.children))
    return "".join(out)


@cache
def _catalogue_fragments() -> tuple[str, ...]:
    """The report's own sentences and headers (both catalogues), cut at their placeholders and
    normalised: text the report writes whatever the data, longest first."""
    from .present import LANGS, catalogue

    fragments = set()
    for lang in LANGS:
        for section in catalogue(lang).values():
            for template in section.values():
                for part in re.split(r"\{[^}]*\}", str(template)):
                    if len(normalise(part)) >= 3:
                        fragments.add(normalise(part))
    return tuple(sorted(fragments, key=len, reverse=True))


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` (normalised) stands in ``text`` as whole words."""
    pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
    return [m.span() for m in re.finditer(pattern, text)]


def _in_catalogue(text: str, span: tuple[int, int], phrase: str) -> bool:
    """Whether this occurrence of ``phrase`` lies inside one of the report's own sentences (a
    company called "Education" is not named by the header "Education and involvement")."""
    for fragment in _catalogue_fragments():
        if phrase not in fragment:
            continue
        for start, end in _spans(text, fragment):
            if start <= span[0] and span[1] <= end:
                return True
    return False


def _blank(text: str, phrase: str) -> str:
    """``text`` with every occurrence of ``phrase`` blanked with the word it stands in (a
    genitive, a compound), positions kept."""
    for start, end in reversed(
        [m.span() for m in re.finditer(rf"\w*{re.escape(phrase)}\w*", text)]
    ):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _core(phrase: str) -> str:
    """A normalised company name without its legal suffix (``nordbank as`` -> ``nordbank``)."""
    words = phrase.split()
    if len(words) > 1 and words[-1].strip(".") in ("as", "asa", "ab", "a/s", "sa", "ba", "ans", "da", "kf", "iks", "hf"):  # fmt: skip
        words = words[:-1]
    return " ".join(words)


def _named(text: str, names) -> list[tuple[str, str]]:
    """``(name, context)`` for each name that occurs in a normalised text as whole words,
    outside the report's own catalogue sentences; the context is the text around the first
    such occurrence."""
    out = []
    for name in names:
        phrase = normalise(name)
        core = _core(phrase)
        if phrase not in text and (len(core) < 5 or core not in text):
            continue  # neither pattern below can match: a plain search saves two regexes
        spans = [s for s in _spans(text, phrase) if not _in_catalogue(text, s, phrase)]
        if len(core) >= 5:  # inside words and genitives: "nordbanksjefen", "nordbanks"
            spans += [
                m.span()
                for m in re.finditer(rf"\w*{re.escape(core)}\w*", text)
                if not _in_catalogue(text, m.span(), m.group(0))
            ]
        if spans:
            start, end = spans[0]
            out.append((name, text[max(0, start - 40) : end + 40].strip()))
    return out


def _per_survey(survey, name: str, make):
    """``make(survey)``, kept in the survey's cache: what every report of a release checks
    against (the names, the ids, the free-text answers) is read from the survey once."""
    cache, key = getattr(survey, "cache", None), ("audit", name)
    if cache is None:  # a survey made by hand for a check
        return make(survey)
    if key not in cache:
        cache[key] = make(survey)
    return cache[key]


def _company_names(survey) -> list[str]:
    return sorted(set(survey.responses[survey.codebook.role("company")].dropna().astype(str)))


def _other_companies(text: str, survey, company: str | None) -> list[str]:
    if survey.codebook.roles.company is None:
        return []
    names = _per_survey(survey, "companies", _company_names)
    others = [n for n in names if company is None or normalise(n) != normalise(company)]
    if company is not None:  # its own name first: "Clerk of Superior Court" holds "Superior Court"
        text = _blank(text, normalise(company))
    leaked = _named(text, others)
    if not leaked:
        return []
    shown = "; ".join(f"{name!r} in «…{context}…»" for name, context in leaked[:3])
    return [
        f"the report names {len(leaked)} other compan{'y' if len(leaked) == 1 else 'ies'}: {shown}"
    ]


def _respondent_ids(text: str, survey, cells: set[str] | None = None) -> list[str]:
    """Respondent ids shown: an id with letters anywhere in the text; an id of digits only
    where an id could be shown, a table cell of its own (a year or a count in a sentence is
    not an id)."""
    ids, worded = _per_survey(survey, "ids", _ids)
    shown = worded & set(re.findall(r"[\w\-]{4,}", text))
    shown |= {i for i in ids - worded if len(i) >= 4} & (cells or set())
    if not shown:
        return []
    return [f"the report shows {len(shown)} respondent id(s): {sorted(shown)[:3]}"]


def _ids(survey) -> tuple[set[str], set[str]]:
    """Every respondent id normalised, and those with letters."""
    ids = {normalise(str(i)) for i in survey.responses[survey.codebook.meta.respondent_id.id]}
    return ids, {i for i in ids if not i.isdigit()}


def allowed_comments(survey, company: str | None) -> set[str]:
    """The comments a report may quote (normalised): the examples the comment rules give a
    company report (:func:`ksresearch.comments`); none in the general report."""
    from ..stats.disclosure import InsufficientDataError
    from ..study.comments import comments

    if company is None or survey.comments is None:
        return set()

    def allowed(survey) -> set[str]:
        try:
            table = comments(survey, company)
        except InsufficientDataError:
            return set()
        return {normalise(x) for examples in table["examples"] for x in examples}

    return _per_survey(survey, f"allowed comments of {company}", allowed)


def _free_text(text: str, survey, company: str | None) -> list[str]:
    """Free-text answers shown that the comment rules do not allow (a raw list, another
    company's comments, a comment of a group too small)."""
    answers = _per_survey(survey, "answers", _answers)
    if not answers:
        return []
    # what the rules allow is set aside, the longest first (a short example may be a part)
    for example in sorted(allowed_comments(survey, company), key=len, reverse=True):
        text = text.replace(example, " ")
    shown = [a for a in answers if a in text]
    return (
        [f"the report shows {len(shown)} free-text answer(s) outside the comment rules"]
        if shown
        else []
    )


def _answers(survey) -> set[str]:
    """The free-text answers of 15 characters or more, normalised."""
    if survey.comments is not None:
        texts = survey.comments["text"]
    else:  # a survey made by hand: its text items
        items = [i.id for i in survey.codebook.items if i.type == "text"]
        columns = [survey.responses[c] for c in items if c in survey.responses]
        texts = pd.concat(columns) if columns else pd.Series(dtype=object)
    return {normalise(str(a)) for a in texts.dropna() if len(str(a).strip()) >= 15}


def _personal_details(text: str, survey) -> list[str]:
    """What redaction takes out (e-mail, phone and identity numbers, links, people's names)
    found in quoted comments: a sign that a comment reached the report unredacted."""
    from ..data.redact import PLACEHOLDERS, redact

    role = survey.codebook.roles.company
    names = [] if role is None else survey.responses[role].dropna().astype(str).unique()
    kinds = set(redact(text, names).kinds) - {"company"}  # companies: _other_companies
    if not kinds:
        return []
    return [f"a quoted comment holds {', '.join(PLACEHOLDERS[k] for k in sorted(kinds))}"]


def text_problems(
    text: str,
    survey,
    *,
    company: str | None = None,
    quoted: str = "",
    cells: set[str] | None = None,
) -> list[str]:
    """The checks on a report's readable text, whatever its format (HTML, PDF, PPTX):
    ``text`` as :func:`normalise` gives it, and ``quoted``, the comments it quotes as they
    read. No company named but ``company``, no respondent id, no free-text answer beyond the
    examples the comment rules allow, no personal detail in a quoted comment. ``cells``: the
    texts of the report's table cells (normalised), where an id of digits only could stand."""
    return [
        *_other_companies(text, survey, company),
        *_respondent_ids(text, survey, cells),
        *_free_text(text, survey, company),
        *(_personal_details(quoted, survey) if quoted else []),
    ]


def quoted_comments(soup) -> str:
    """The text of the comments a report quotes (the comment helper's ``ks-comments``
    blocks), as a reader sees it."""
    blocks = soup.find_all(class_="ks-comments")
    return "\n".join(li.get_text(" ", strip=True) for b in blocks for li in b.find_all("li"))


def audit_html(
    page: str, survey, *, company: str | None = None, min_group_size: int | None = None
) -> list[str]:
    """Problems that keep a report from being published (an empty list: it may be kept).

    Checks: no code cells and no error tracebacks; no count of respondents below the minimum
    group size (cells marked as counts by the table helper); then, on the readable text
    (:func:`page_text`: entities decoded, tags, invisible characters and figure data removed)
    :func:`text_problems`: no company named other than ``company`` (the general report names
    none; names match as whole words, in any case), no respondent id, no free-text answer
    beyond the comment examples the rules allow, no personal detail in a quoted comment.

    Parameters
    ----------
    page : str
        The report's HTML.
    survey : Survey
        The survey it reports on.
    company : str, optional
        The company of a company report (None: the general report).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5).

    Returns
    -------
    list of str
        The problems found (empty: the page may be published).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> ks.audit_html("<p>All companies together</p>", survey)
    []
    >>> problems = ks.audit_html("<p>Elvdata AS leads</p>", survey, company="Bergbank AS")
    >>> problems[0].startswith("the report names 1 other company")
    True
    """
    from bs4 import BeautifulSoup

    m = min_size(min_group_size)
    soup = BeautifulSoup(page, "html.parser")
    structure = [*_code_and_errors(soup), *_small_counts(soup, m)]
    quoted = quoted_comments(soup)
    cells = {normalise(td.get_text(" ", strip=True)) for td in soup.find_all(["td", "th"])}
    return structure + text_problems(
        page_text(soup), survey, company=company, quoted=quoted, cells=cells
    )


def audit_document(
    path: str | Path, survey, *, company: str | None = None, min_group_size: int | None = None
) -> list[str]:
    """:func:`audit_html`'s rules on a report in any of its formats, by its suffix: an HTML
    file as such; a PDF or a PowerPoint deck on its text (:func:`text_problems`, the comments
    it quotes being those between « » or “ ”), and in a deck also every table's count columns
    (headers as the table helper writes them) against the minimum."""
    from .reading import pdf_text, pptx_tables, pptx_text

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return audit_html(
            path.read_text(encoding="utf-8"), survey, company=company, min_group_size=min_group_size
        )
    if suffix not in (".pdf", ".pptx"):
        raise ValueError(f"{path}: not a report (html, pdf or pptx)")
    raw = pdf_text(path) if suffix == ".pdf" else pptx_text(path)
    raw = _rejoined(raw)
    quoted = "\n".join(re.findall(r"[«\u201c]([^»\u201d]*)[»\u201d]", raw))
    cells = None
    if suffix == ".pptx":
        cells = {normalise(c) for table in pptx_tables(path) for row in table for c in row}
    problems = text_problems(normalise(raw), survey, company=company, quoted=quoted, cells=cells)
    if suffix == ".pptx":
        problems = _small_counts_in_rows(pptx_tables(path), min_size(min_group_size)) + problems
    return problems


def _rejoined(text: str) -> str:
    """The text, then the same with words a layout split put together again: hyphenation at a
    line end (``Nord-\\nbank``) and letters set apart (``N o r d b a n k``), as a reader
    reads them."""
    joined = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    joined = re.sub(
        r"(?<!\w)(?:\w[ \u00a0\u2009\u200a]){2,}\w(?!\w)",
        lambda m: re.sub(r"[ \u00a0\u2009\u200a]", "", m.group(0)),
        joined,
    )
    return text if joined == text else f"{text}\n{joined}"


def _small_counts_in_rows(tables: list[list[list[str]]], m: int) -> list[str]:
    """Counts under the minimum in the columns of plain tables whose header is a count's."""
    from .present import COUNT_COLUMNS, column

    headers = {column(c, lang) for c in COUNT_COLUMNS for lang in ("nb", "en")}
    problems = []
    for rows in tables:
        counts = [j for j, h in enumerate(rows[0]) if h in headers] if rows else []
        for row in rows[1:]:
            for j in counts:
                value = _count(row[j]) if j < len(row) else None
                if value is not None and value < m:
                    problems.append(f"a table shows a group of {value} respondents (minimum {m})")
    return problems


def manifest_company(path: Path) -> str | None:
    """The company whose report ``path`` is, by the manifest of its folder (None: none)."""
    manifest = path.parent / "manifest.json"
    if not manifest.exists():
        return None
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    return next((c for c, e in entries.items() if e.get("file") == path.name), None)


def audit(
    path: str | Path,
    year: int,
    data_dir: str | Path | None = None,
    *,
    company: str | None = None,
    min_group_size: int | None = None,
) -> list[str]:
    """Audit a report file, HTML, PDF or PowerPoint (see :func:`audit_document`); the company
    of a company report is read from the ``manifest.json`` beside it when not given.

    Parameters
    ----------
    path : str or Path
        The report file (HTML, PDF or PowerPoint).
    year : int
        The survey year.
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).
    company : str, optional
        The company of a company report (default: from the ``manifest.json`` beside it).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5).

    Returns
    -------
    list of str
        The problems found (empty: the file may be published).

    Examples
    --------
    >>> import ksresearch as ks
    >>> ks.audit("reports/2025/general_report.en.html", 2025)  # doctest: +SKIP
    []
    """
    from ..data.survey import load

    path = Path(path).resolve()
    survey = load(year, data_dir)
    if company is None:
        company = manifest_company(path.with_suffix(".html"))
    return audit_document(path, survey, company=company, min_group_size=min_group_size)
