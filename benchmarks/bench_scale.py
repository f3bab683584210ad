"""The general report at many times the demo's respondents: does it get written, and how does
its time grow? Baseline: the same report on the demo survey itself, in the same run.

The scaled surveys are the demo's (synthetic, 30 companies, 2024 and 2025) with each
company's rows drawn ``k`` times over with replacement (new respondent ids, the companies'
headcounts ``k`` times theirs), ingested without the quality exclusions (a row drawn twice is
a duplicate answer vector by design). Prints, for each ``k``, the report's seconds, the ratio
to the demo's and that ratio over ``k`` (1: linear in respondents).

    python benchmarks/bench_scale.py [--times 16 32] [--lang en]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import ksresearch as ks

CSV = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "dtype": str, "keep_default_na": False}


def scaled(source: Path, target: Path, year: int, k: int, seed: int) -> int:
    """``source``'s raw ``year`` with each company's rows drawn ``k`` times over; the rows."""
    raw = target / "raw" / str(year)
    shutil.copytree(source / "raw" / str(year), raw)
    rows = pd.read_csv(raw / "responses.csv", **CSV)
    rng = np.random.default_rng(seed)
    drawn = [
        group.iloc[rng.integers(0, len(group), k * len(group))]
        for _, group in rows.groupby("company", sort=False)
    ]
    out = pd.concat(drawn, ignore_index=True)
    out["respondent_id"] = [f"S{year}{i:07d}" for i in range(len(out))]
    out.to_csv(raw / "responses.csv", sep=";", index=False, encoding="utf-8-sig")
    heads = pd.read_csv(raw / "headcounts.csv", **CSV)
    heads["invited"] = (heads["invited"].astype(int) * k).astype(str)
    heads.to_csv(raw / "headcounts.csv", sep=";", index=False, encoding="utf-8-sig")
    return len(out)


def report_seconds(data: Path, lang: str) -> float:
    start = time.perf_counter()
    ks.general_report(2025, lang=lang, data_dir=data, out=data / "reports")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ks-bench-scale-"))
    try:
        demo = work / "demo"
        for year in (2024, 2025):
            ks.write_synth(year, seed=2025, data_dir=demo, n_companies=30)
            ks.ingest(year, demo)
        n = len(ks.load(2025, demo).responses)
        base = report_seconds(demo, args.lang)
        print(f"demo: {n:,} respondents, general report {base:.1f} s (baseline)", flush=True)
        for k in args.times:
            data = work / f"x{k}"
            for year in (2024, 2025):
                rows = scaled(demo, data, year, k, seed=year)
                ks.ingest(year, data, quality_exclusions=False)
            try:
                seconds = report_seconds(data, args.lang)
            except Exception as exc:  # noqa: BLE001 - the finding is that it failed
                print(f"x{k}: {rows:,} respondents, FAILED: {type(exc).__name__}: {exc}")
                continue
            ratio = seconds / base
            print(
                f"x{k}: {rows:,} respondents, general report {seconds:.1f} s; "
                f"{ratio:.1f} times the demo's, {ratio / k:.2f} of linear",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
