"""Redaction fails closed (privacy issue): every planted personal detail of the hostile corpus
(tests/hostile.py: obfuscated e-mails, phone and id numbers with any separators, names in any
case and with a genitive, companies inside compounds) is either replaced or its comment held
for review, never drawn as an example."""

from __future__ import annotations

import re

import pytest

import ksresearch as ks
from tests.hostile import COMPANIES, corpus

CORPUS = corpus()


def _survives(hostile, text: str) -> list[str]:
    """The planted details still readable in ``text``."""
    if hostile.kind in ("phone", "national_id"):
        return re.findall(r"\d+", text)
    left = []
    for secret in hostile.secrets:
        for token in re.split(r"[\s.]+", secret):
            if token and re.search(rf"(?i)(?<!\w){re.escape(token)}(?!\w)", text):
                left.append(token)
    if hostile.kind == "company" and "nordbank" in text.casefold():
        left.append("nordbank")
    if hostile.kind == "email" and re.search(r"@|\((?:at|a)\)|\[at\]|krøllalfa|snabel", text):
        left.append("@")
    return left


def test_the_corpus_is_large_and_in_both_languages():
    assert len(CORPUS) >= 150
    assert {h.kind for h in CORPUS} == {"email", "phone", "national_id", "name", "company"}


@pytest.mark.parametrize("hostile", CORPUS, ids=lambda h: h.text[:40])
def test_every_planted_detail_is_redacted_or_held(hostile):
    done = ks.redact(hostile.text, companies=COMPANIES)
    left = _survives(hostile, done.text)
    assert not left or done.needs_review, (hostile.text, done.text, left)


def test_recall_is_one_and_most_are_redacted_outright():
    """Recall 1.0 (no detail readable in a comment that could be drawn as an example); the
    share redacted without a person's review is the redactor's precision on this corpus's
    kinds, printed by benchmarks/bench_redact.py."""
    results = [(h, ks.redact(h.text, companies=COMPANIES)) for h in CORPUS]
    missed = [(h.text, r.text) for h, r in results if _survives(h, r.text) and not r.needs_review]
    assert missed == []
    outright = sum(not _survives(h, r.text) for h, r in results) / len(results)
    assert outright >= 0.9


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Vaktlistene kommer for sent, og vi får ikke bytte vakter.", True),
        ("Flere samtaler per dag enn før, og lite tid til etterarbeid.", True),
        ("Opplæringen i Teams var bra, men kom 14.09.2025 og det var for sent.", True),
        ("Vi har 3 skift og 12 timer per uke med kveldsvakt.", True),
    ],
)
def test_ordinary_comments_are_left_as_they_are(text, clean):
    done = ks.redact(text, companies=COMPANIES)
    assert (done.text == text and not done.needs_review) is clean, done
