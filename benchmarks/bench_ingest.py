"""Ingest 100,000 respondents x 120 columns from a Norwegian-Excel CSV, and 10,000 x 120 from
an XLSX workbook whose answers are text ("Helt enig", as Forms and Questback write them).

Targets: each under 10 s on the 2-core project machine. Baselines, measured in the same run: a
bare ``pandas.read_csv`` of the CSV and a bare ``pandas.read_excel`` (openpyxl, pandas' default
engine) of the workbook, with no validation and no output, to show what validation,
quarantine, flags and writing cost on top of parsing.

    python benchmarks/bench_ingest.py [--rows 100000] [--xlsx-rows 10000]
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


def make(data_dir: Path, rows: int, fmt: str = "csv") -> Path:
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
    if fmt == "csv":
        return write_export(df, raw / "responses.csv", cb, "csv")
    for item in cb.items_of_type("likert"):  # answers as the scale's Norwegian labels
        labels = cb.labels(item, "nb")
        df[item] = df[item].map(
            lambda v, labels=labels: labels.get(int(v)) if pd.notna(v) else None
        )
    return write_export(df, raw / "responses.xlsx", cb, "xlsx")


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _report(what: str, result, took: float, baseline_name: str, baseline: float) -> None:
    q = result.quality
    print(f"ingest: {q['rows_raw']:,} rows x {N_COLUMNS} columns ({what})")
    print(
        f"  ksresearch ingest        {took:6.2f} s   {q['rows_raw'] / took:10,.0f} rows/s   (target < 10 s)"
    )
    print(
        f"  baseline {baseline_name:<15} {baseline:6.2f} s   {q['rows_raw'] / baseline:10,.0f} rows/s"
    )
    print(f"  ratio ingest / baseline  {took / baseline:6.2f}x")
    print(f"  kept {q['rows_kept']:,}, quarantined {q['rows_quarantined']:,}")


def _measure(rows: int, fmt: str) -> tuple[str, object, float, float]:
    """Write the export, time the baseline read and the ingest of the same file."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        path = make(data, rows, fmt)
        if fmt == "csv":
            what = f"{path.stat().st_size / 1e6:.0f} MB CSV"
            baseline = _time(lambda: pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig"))
        else:
            what = f"{path.stat().st_size / 1e6:.1f} MB XLSX, answers as text"
            baseline = _time(lambda: pd.read_excel(path, engine="openpyxl"))
        t0 = time.perf_counter()
        result = ingest(2025, data)
        return what, result, time.perf_counter() - t0, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    args = parser.parse_args()
    what, result, took, baseline = _measure(args.rows, "csv")
    _report(what, result, took, "read_csv", baseline)
    print()
    what, result, took, baseline = _measure(args.xlsx_rows, "xlsx")
    _report(what, result, took, "read_excel", baseline)


if __name__ == "__main__":
    main()
