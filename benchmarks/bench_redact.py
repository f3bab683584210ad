"""Redaction of comments: recall on the hostile corpus (tests/hostile.py: obfuscated e-mails,
phone and id numbers with any separators, names in any case and with a genitive, companies
inside compounds) and precision on the labelled ordinary comments written for the theme tests
(tests/data/comments_labelled.yaml: nothing personal in them, so every change or hold is a
false alarm). Baseline measured in the same run: a plain e-mail pattern, digit runs of eight or
more and the name list matched on capitalised words, the redactor of before.

Targets: recall 1.0 (a detail replaced, or its comment held for review); precision printed.

    python benchmarks/bench_redact.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

import ksresearch as ks  # noqa: E402
from ksresearch.data.redact import _wordlist  # noqa: E402
from tests.hostile import COMPANIES, corpus  # noqa: E402
from tests.test_hostile_comments import _survives  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "comments_labelled.yaml"


def naive(text: str) -> tuple[str, bool]:
    names = _wordlist("names.txt")
    text = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[e-post]", text)
    text = re.sub(r"\d(?:[ ]?\d){7,}", "[nummer]", text)
    text = re.sub(r"\b[A-ZÆØÅ][a-zæøå]+\b", lambda m: "[navn]" if m.group(0) in names else m.group(0), text)  # fmt: skip
    for company in COMPANIES:
        text = re.sub(re.escape(company), "[virksomhet]", text, flags=re.IGNORECASE)
    return text, False


def ours(text: str) -> tuple[str, bool]:
    done = ks.redact(text, companies=COMPANIES)
    return done.text, done.needs_review


def score(fn, hostile, ordinary) -> dict:
    t0 = time.perf_counter()
    caught = 0
    for h in hostile:
        text, held = fn(h.text)
        caught += held or not _survives(h, text)
    alarms = 0
    for text in ordinary:
        out, held = fn(text)
        alarms += held or out != text
    took = time.perf_counter() - t0
    return {
        "recall": caught / len(hostile),
        "precision": 1 - alarms / len(ordinary),
        "seconds": took,
    }


def main() -> None:
    hostile = corpus()
    ordinary = [c["text"] for c in yaml.safe_load(LABELLED.read_text(encoding="utf-8"))]
    print(f"redaction: {len(hostile)} hostile comments, {len(ordinary)} ordinary ones")
    for name, fn in (("ksresearch.redact", ours), ("baseline (before)", naive)):
        s = score(fn, hostile, ordinary)
        print(
            f"  {name:<18} recall {s['recall']:.3f}   ordinary left as written "
            f"{s['precision']:.3f}   {s['seconds']:.2f} s"
        )
    print("  target: recall 1.000")


if __name__ == "__main__":
    main()
