"""Theme coding of comments: precision and recall per theme on the labelled set written for the
tests (tests/data/comments_labelled.yaml, Norwegian and Swedish), against a baseline measured in
the same run: the same keywords matched as plain substrings of the lower-cased text (no
stemming, no compound rule). Then the time to code 20,000 comments, against the baseline.

Target: precision and recall of at least 0.8 for every theme.

    python benchmarks/bench_themes.py
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import yaml

import ksresearch as ks

LABELLED = Path(__file__).parents[1] / "tests" / "data" / "comments_labelled.yaml"


def naive(texts: list[str], themes: ks.Themes) -> pd.DataFrame:
    """Each keyword (its stem-less form, '*' dropped) as a substring of the lower-cased text."""
    words = {
        t: [w.rstrip("*").lower() for lang in kw.values() for w in lang]
        for t, kw in themes.keywords.items()
    }
    rows = [{t: any(w in x.lower() for w in ws) for t, ws in words.items()} for x in texts]
    return pd.DataFrame(rows)


def scores(coded: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    tp = (coded & truth).sum()
    return pd.DataFrame({"precision": tp / coded.sum(), "recall": tp / truth.sum()})


def main() -> None:
    labelled = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    texts = [x["text"] for x in labelled]
    themes = ks.load_themes()
    truth = pd.DataFrame([{t: t in x["themes"] for t in themes.keywords} for x in labelled])
    ours, base = scores(themes.code(texts), truth), scores(naive(texts, themes), truth)
    table = pd.concat({"ksresearch": ours, "substring baseline": base}, axis=1).round(2)
    table[("", "n")] = truth.sum()
    print(f"{len(texts)} labelled comments ({sum(x['lang'] == 'sv' for x in labelled)} Swedish)")
    print(table.to_string())
    worst = ours.min().min()
    print(f"lowest precision or recall: {worst:.2f} (target >= 0.80)")

    many = texts * 100  # 20,000 comments
    t0 = time.perf_counter()
    ks.Themes(themes.labels, themes.keywords).code(many)  # a fresh dictionary: no warm cache
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive(many, themes)
    slow = time.perf_counter() - t0
    print(f"coding {len(many):,} comments: {fast:.2f} s; substring baseline {slow:.2f} s "
          f"(ratio {slow / fast:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
