"""Redaction of free text before any other use: what could identify a person or a company
becomes a placeholder.

In this order: e-mail addresses ``[e-post]``, web addresses ``[lenke]``, Norwegian national
identity numbers and D numbers (11 digits with valid check digits) and Swedish personal
identity numbers (10 or 12 digits with a valid Luhn digit) ``[personnummer]``, phone numbers
(Norwegian and Swedish forms) ``[telefon]``, other long digit strings
``[nummer]``, the survey's own company names ``[virksomhet]``, and people's names from the
shipped list of common Norwegian and Swedish given names and surnames (``lexicon/names.txt``)
``[navn]``. A capitalised word the redactor cannot place (not a known word, not at the start of
a sentence) marks the comment for review: it is held back from reports until a person has
read it.

It fails closed: e-mails written around filters (``ola (at) firma.no``, ``[at]``/``[dot]``,
``krøllalfa``, a spaced ``@``), numbers with any separators (``912 - 34 - 567``), names in any
case (``KARI HANSEN``, two names in a row in lower case) and with a genitive (``Karis``), and
company names of five letters or more inside words (``Nordbanksjefen``) are replaced; an
``@``-like token or a run of six digits or more that nothing placed holds the comment for
review. Tested on a hostile corpus (tests/hostile.py; recall in benchmarks/bench_redact.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Redacted", "redact", "PLACEHOLDERS", "valid_national_id", "valid_personnummer"]

LEXICON = Path(__file__).parent / "lexicon"

#: kind of span -> what replaces it
PLACEHOLDERS = {
    "email": "[e-post]",
    "url": "[lenke]",
    "national_id": "[personnummer]",
    "phone": "[telefon]",
    "number": "[nummer]",
    "company": "[virksomhet]",
    "name": "[navn]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
#: An e-mail written around filters: "ola (at) firma.no", "ola[at]firma[dot]no", "ola @ firma.no",
#: "kari krøllalfa firma.no", "per snabel-a foretag.se".
_AT = (
    r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|a|alfa|snabel-?a)\s*[)\]}]\s*|\s+(?:at|krøllalfa|snabel-?a)\s+)"
)
_DOT = r"(?:\s*\.\s*|\s*[(\[{]\s*(?:dot|punktum|prikk|punkt)\s*[)\]}]\s*|\s+(?:dot|punktum|prikk|punkt)\s+)"
_OBFUSCATED_EMAIL = re.compile(
    rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}(?:no|se|dk|fi|com|net|org|io|eu|nu)\b",
    re.IGNORECASE | re.UNICODE,
)
#: What is left of an address the patterns could not place: the comment is held for review.
_AT_LIKE = re.compile(r"@|[(\[{]\s*(?:at|a|dot)\s*[)\]}]|krøllalfa|snabel-?a", re.IGNORECASE)
#: Six digits or more in a run (any separators) that nothing placed: held for review.
_LONG_DIGITS = re.compile(r"\d(?:[\s\-–./()]{0,3}\d){5,}")
#: Common words that are also names: "per dag", "liv", ... are never a name written lowercase.
_LOWER_STOP = frozenset(
    "per dag liv ask bo berg dal lie strand bakke haug lund holm sand eng sol storm fjell vik "
    "mark mai tor siv mette lykke ro tid ny".split()
)
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:no|se|dk|com|net|org|io|eu)\b(?:/\S*)?",
    re.IGNORECASE,
)
#: 11 digits, optionally 6 + space + 5 (Norwegian); 6 or 8 digits, - or +, 4 (Swedish)
_NO_ID = re.compile(r"(?<![\d+])(\d{6})\s*[-–.]?\s*(\d{5})(?!\d)")
_SE_ID = re.compile(r"(?<![\d+])(\d{2})?(\d{6})\s*[-–+.]?\s*(\d{4})(?!\d)")
#: a run of digits with the separators phone numbers are written with ("912 - 34 - 567")
_DIGITS = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ \-–./()]{0,3}\d){6,15}(?!\w)")
_DATE_OR_TIME = re.compile(
    r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$|^\d{4}-\d{2}-\d{2}$|^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$"
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n\"«»()\[\]]\s*$")


@dataclass(frozen=True)
class Redacted:
    """A redacted text: ``text`` with placeholders, the ``kinds`` of what was replaced, and
    ``unplaced``: capitalised words it could not place (the text then needs review).

    Parameters
    ----------
    text, kinds, unplaced
        As :func:`redact` makes them.

    Examples
    --------
    >>> r = redact("Kari Nordmann sa det")
    >>> type(r).__name__, r.text
    ('Redacted', '[navn] sa det')
    """

    text: str
    kinds: tuple[str, ...]
    unplaced: tuple[str, ...]

    @property
    def needs_review(self) -> bool:
        return bool(self.unplaced)


@functools.cache
def _wordlist(name: str) -> frozenset[str]:
    lines = (LEXICON / name).read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def valid_national_id(digits: str) -> bool:
    """A Norwegian national identity number (or D number): 11 digits whose two check digits
    follow the modulus-11 rule.

    Examples
    --------
    >>> valid_national_id("01010012356"), valid_national_id("01010012357")
    (True, False)
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d, strict=False)) % 11
    k2 = 11 - sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d, strict=False)) % 11
    k1, k2 = k1 % 11, k2 % 11
    return k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10]


def valid_personnummer(digits: str) -> bool:
    """A Swedish personal identity number: 10 digits (YYMMDDNNNC) whose last is the Luhn check
    digit of the first nine, and a plausible month and day (day + 60 for a co-ordination
    number).

    Examples
    --------
    >>> valid_personnummer("8112189876"), valid_personnummer("8112189875")
    (True, False)
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    month, day = int(digits[2:4]), int(digits[4:6])
    if not (1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)):
        return False
    total = 0
    for i, c in enumerate(digits[:9]):
        x = int(c) * (2 if i % 2 == 0 else 1)
        total += x - 9 if x > 9 else x
    return (10 - total % 10) % 10 == int(digits[9])


def _national_ids(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _NO_ID.finditer(text) if valid_national_id(m.group(1) + m.group(2))]
    spans += [
        m.span()
        for m in _SE_ID.finditer(text)
        if valid_personnummer(m.group(2) + m.group(3))
        and (m.group(1) is None or m.group(1) in ("19", "20"))
    ]
    return spans


def _digit_runs(text: str) -> list[tuple[int, int, str]]:
    """Phone numbers (a country prefix, 8 digits, or 9-10 digits from a leading 0) and other
    long numbers (8 digits or more)."""
    out = []
    for m in _DIGITS.finditer(text):
        value = m.group(0).strip()
        if _DATE_OR_TIME.match(value):
            continue
        n = sum(c.isdigit() for c in value)
        if n < 8:
            continue
        # +47 / 0047 / +46 / 0046 ..., a Norwegian 8-digit number, a Swedish 0-prefixed one
        phone = value.startswith(("+", "00")) or n == 8 or (value[0] == "0" and n <= 10)
        out.append((m.start(), m.end(), "phone" if phone else "number"))
    return out


def _company_patterns(companies) -> list[re.Pattern]:
    """Each company name as a whole word, any case and spacing; without its legal suffix
    (AS, ASA, AB, ...) only as capitalised, so that "Sol AS" does not hide the word "sol";
    a name (or its part before the suffix) of five letters or more also inside a word, in any
    case and with a genitive: "Nordbanksjefen", "nordbankledelsen", "Nordbanks"."""
    out, inside = [], []
    for name in {str(c).strip() for c in companies if str(c).strip()}:
        words = name.split()
        if len(words) > 1 and words[-1].upper().strip(".") in _SUFFIXES:
            words = words[:-1]
        if len(" ".join(words)) >= 5:  # after the whole names: "Nordbank AS" is one span
            inner = r"\s+".join(re.escape(w) for w in words)
            inside.append(re.compile(rf"\w*{inner}\w*", re.IGNORECASE))
    for name in sorted(
        {str(c).strip() for c in companies if str(c).strip()}, key=len, reverse=True
    ):
        words = name.split()
        full = r"\s+".join(re.escape(w) for w in words)
        out.append(re.compile(rf"(?<!\w){full}(?!\w)", re.IGNORECASE))
        if len(words) > 1 and words[-1].upper().strip(".") in _SUFFIXES:
            short = r"\s+".join(re.escape(w) for w in words[:-1])
            if len(" ".join(words[:-1])) >= 3:
                out.append(re.compile(rf"(?<!\w){short}(?!\w)"))
    return out + inside


_SUFFIXES = {"AS", "ASA", "AB", "A/S", "SA", "BA", "ANS", "DA", "KF", "IKS", "HF"}


def _replace(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[str]]:
    """Replace non-overlapping spans (the first found wins) by their placeholders."""
    taken: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, kind))
    out, kinds, at = [], [], 0
    for start, end, kind in sorted(taken):
        out += [text[at:start], PLACEHOLDERS[kind]]
        kinds.append(kind)
        at = end
    out.append(text[at:])
    return "".join(out), kinds


def _names_and_unplaced(text: str) -> tuple[str, list[str], list[str]]:
    """Replace capitalised words of the name list (a run of them: one [navn]); list the
    capitalised words that are neither names nor known and do not start a sentence."""
    names, known = _wordlist("names.txt"), _wordlist("known_words.txt")
    spans, unplaced = [], []
    words = list(_WORD.finditer(text))
    for k, m in enumerate(words):
        word = m.group(0)
        if not word[0].isupper():
            if _lower_name(word, words, k, text, names):
                spans.append((m.start(), m.end(), "name"))
            continue
        before = text[: m.start()]
        starts = not before.strip() or bool(_SENTENCE_END.search(before))
        if _is_name(word, names):  # any case, a genitive too: "KARI", "Karis", "Kari's"
            spans.append((m.start(), m.end(), "name"))
        elif word.isupper() and len(word) <= 6:
            continue  # an abbreviation (HR, KPI, IT)
        elif not starts and word not in known and word.capitalize() not in known:
            unplaced.append(word)
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:  # "Kari Nordmann" -> one [navn]
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end, kind)
        else:
            merged.append((start, end, kind))
    out, kinds = _replace(text, merged)
    return out, kinds, unplaced


def _is_name(word: str, names: frozenset[str]) -> bool:
    """A word of the name list in any case, alone or hyphenated, with or without a genitive
    (-s, 's, ’s, :s)."""
    stem = re.sub(r"(?:['’:]?s)$", "", word) if len(word) > 3 else word
    for candidate in {word, stem}:
        parts = [p for p in re.split(r"[-'’]", candidate) if p]
        if parts and all(p.capitalize() in names for p in parts):
            return True
    return False


def _lower_name(word: str, words: list, k: int, text: str, names: frozenset[str]) -> bool:
    """A name written in lower case: two names in a row ("kari nordmann"), none of them a
    common word that is also a name ("per dag")."""

    def name_at(j: int) -> bool:
        if not 0 <= j < len(words):
            return False
        w = words[j].group(0)
        return w.islower() and w not in _LOWER_STOP and _is_name(w, names)

    def adjacent(a: int, b: int) -> bool:
        return not text[words[a].end() : words[b].start()].strip()

    if not name_at(k):
        return False
    return (name_at(k + 1) and adjacent(k, k + 1)) or (name_at(k - 1) and adjacent(k - 1, k))


def redact(text: str, companies=()) -> Redacted:
    """Replace what could identify a person or a company in ``text`` (:class:`Redacted`).

    Parameters
    ----------
    text : str
        A free-text answer.
    companies : iterable of str
        The survey's company names (each is replaced wherever it occurs).

    Returns
    -------
    Redacted
        ``text`` with placeholders, the ``kinds`` replaced and the ``unplaced`` words.

    Examples
    --------
    >>> r = redact("Ring Kari Nordmann på 912 34 567 eller kari@nordbank.no, Nordbank AS vet.",
    ...            companies=["Nordbank AS"])
    >>> r.text
    'Ring [navn] på [telefon] eller [e-post], [virksomhet] vet.'
    >>> r.kinds, r.needs_review
    (('email', 'phone', 'company', 'name'), False)
    """
    text = unicodedata.normalize("NFC", str(text))
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)  # invisible characters
    spans = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "email") for m in _OBFUSCATED_EMAIL.finditer(text)]
    text, kinds = _replace(text, spans)
    text, more = _replace(text, [(m.start(), m.end(), "url") for m in _URL.finditer(text)])
    kinds += more
    text, more = _replace(text, [(s, e, "national_id") for s, e in _national_ids(text)])
    kinds += more
    text, more = _replace(text, _digit_runs(text))
    kinds += more
    for pattern in _company_patterns(companies):
        text, more = _replace(
            text, [(m.start(), m.end(), "company") for m in pattern.finditer(text)]
        )
        kinds += more
    text, more, unplaced = _names_and_unplaced(text)
    kinds += more
    # fail closed: an address or a number nothing placed holds the comment for review
    unplaced += [m.group(0) for m in _AT_LIKE.finditer(text)]
    unplaced += [
        m.group(0) for m in _LONG_DIGITS.finditer(text) if not _DATE_OR_TIME.match(m.group(0))
    ]
    return Redacted(text, tuple(kinds), tuple(dict.fromkeys(unplaced)))
