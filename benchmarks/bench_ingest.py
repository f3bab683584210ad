"""Ingest 100,000 respondents x 120 columns from a Norwegian-Excel CSV.

Target: under 10 s on the 2-core project machine. Baseline, measured in the same run: a bare
``pandas.read_csv`` of the same file (no validation, no output), to show what validation,
quarantine, flags and writing cost on top of parsing.

    python benchmarks/bench_ingest.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ksresearch import config, ingest, load_codebook
from ksresearch.data.synth import generate, write_export

N_COLUMNS = 120


def make(data_dir: Path, rows: int) -> Path:
    """A 2025 export widened with extra likert items to 120 columns, ``rows`` respondents."""
    spec = yaml.safe_load(config.codebook_path(2025).read_text(encoding="utf-8"))
    base_cols = len(load_codebook(config.codebook_path(2025)).columns)
    extra = N_COLUMNS - base_cols
    spec["items"] += [
        {
            "id": f"x_{k}",
            "type": "likert",
            "scale": "agree5",
            "text": {"nb": f"Ekstra {k}", "en": f"Extra {k}"},
        }
        for k in range(1, extra + 1)
    ]
    raw = data_dir / "raw" / "2025"
    raw.mkdir(parents=True)
    (raw / "codebook.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    cb = load_codebook(raw / "codebook.yaml")
    assert len(cb.columns) == N_COLUMNS
    seed = generate(2025, seed=1, n_companies=30).responses.drop_duplicates("respondent_id")
    df = seed.sample(rows, replace=True, random_state=1).reset_index(drop=True)
    df["respondent_id"] = [f"B{i:07d}" for i in range(rows)]
    rng = np.random.default_rng(1)
    for k in range(1, extra + 1):
        df[f"x_{k}"] = pd.array(rng.integers(1, 6, rows), dtype="Int64")
    return write_export(df, raw / "responses.csv", cb, "csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        path = make(data, args.rows)
        size_mb = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = ingest(2025, data)
        took = time.perf_counter() - t0
    q = result.quality
    print(f"ingest: {q['rows_raw']:,} rows x {N_COLUMNS} columns ({size_mb:.0f} MB CSV)")
    print(
        f"  ksresearch ingest        {took:6.2f} s   {q['rows_raw'] / took:10,.0f} rows/s   (target < 10 s)"
    )
    print(
        f"  baseline pandas.read_csv {baseline:6.2f} s   {q['rows_raw'] / baseline:10,.0f} rows/s"
    )
    print(f"  ratio ingest / read_csv  {took / baseline:6.2f}x")
    print(f"  kept {q['rows_kept']:,}, quarantined {q['rows_quarantined']:,}")


if __name__ == "__main__":
    main()
