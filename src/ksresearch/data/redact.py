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
_URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:no|se|dk|com|net|org|io|eu)\b(?:/\S*)?",
    re.IGNORECASE,
)
#: 11 digits, optionally 6 + space + 5 (Norwegian); 6 or 8 digits, - or +, 4 (Swedish)
_NO_ID = re.compile(r"(?<![\d+])(\d{6})[ ]?(\d{5})(?!\d)")
_SE_ID = re.compile(r"(?<![\d+])(\d{2})?(\d{6})[-+ ]?(\d{4})(?!\d)")
#: a run of digits with the separators phone numbers are written with
_DIGITS = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ \-./()]{0,2}\d){6,15}(?!\w)")
_DATE_OR_TIME = re.compile(
    r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$|^\d{4}-\d{2}-\d{2}$|^\d{1,2}[.:]\d{2}\s*-\s*\d{1,2}[.:]\d{2}$"
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n\"«»()\[\]]\s*$")


@dataclass(frozen=True)
class Redacted:
    """A redacted text: ``text`` with placeholders, the ``kinds`` of what was replaced, and
    ``unplaced``: capitalised words it could not place (the text then needs review)."""

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
    (AS, ASA, AB, ...) only as capitalised, so that "Sol AS" does not hide the word "sol"."""
    out = []
    for name in sorted(
        {str(c).strip() for c in companies if str(c).strip()}, key=len, reverse=True
    ):
        words = name.split()
        full = r"\s+".join(re.escape(w) for w in words)
        out.append(re.compile(rf"(?<!\w){full}(?!\w)", re.IGNORECASE))
        if len(words) > 1 and words[-1].upper().strip(".") in {
            "AS",
            "ASA",
            "AB",
            "A/S",
            "SA",
            "BA",
            "ANS",
            "DA",
            "KF",
            "IKS",
            "HF",
        }:
            short = r"\s+".join(re.escape(w) for w in words[:-1])
            if len(" ".join(words[:-1])) >= 3:
                out.append(re.compile(rf"(?<!\w){short}(?!\w)"))
    return out


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
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper():
            continue
        before = text[: m.start()]
        starts = not before.strip() or bool(_SENTENCE_END.search(before))
        parts = re.split(r"[-'’]", word)
        if all(p in names for p in parts if p):
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


def redact(text: str, companies=()) -> Redacted:
    """Replace what could identify a person or a company in ``text`` (:class:`Redacted`).

    Parameters
    ----------
    text : str
        A free-text answer.
    companies : iterable of str
        The survey's company names (each is replaced wherever it occurs).

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
    return Redacted(text, tuple(kinds), tuple(dict.fromkeys(unplaced)))
