"""Ingest 100,000 respondents x 120 columns from a Norwegian-Excel CSV, and 10,000 x 120 from
an XLSX workbook whose answers are text ("Helt enig", as Forms and Questback write them); then
the two shapes that grew with the square of their size: a wide export (10,000 question columns
x 1,000 rows) and a long one (1,000,000 rows x 120 columns, comments included).

Targets: the first two under 10 s each on the 2-core project machine; the wide one under 30 s;
the long one under 2 minutes and 3 GB (peak resident memory of a fresh process that only
ingests, measured apart from the one that writes the export). Baselines,
measured in the same run: a bare ``pandas.read_csv`` of the CSV and a bare ``pandas.read_excel``
(openpyxl, pandas' default engine) of the workbook, with no validation and no output, to show
what validation, quarantine, flags and writing cost on top of parsing.

    python benchmarks/bench_ingest.py [--rows 100000] [--xlsx-rows 10000]
                                      [--wide-columns 10000] [--long-rows 1000000]
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


def _report(
    what: str, result, took: float, baseline_name: str, baseline: float, target: str = "< 10 s"
) -> None:
    q = result.quality
    print(f"ingest: {q['rows_raw']:,} rows x {N_COLUMNS} columns ({what})")
    print(
        f"  ksresearch ingest        {took:6.2f} s   {q['rows_raw'] / took:10,.0f} rows/s   (target {target})"
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


def wide(columns: int, rows: int = 1_000) -> None:
    """``columns`` likert questions (drafted codebook) x ``rows``: draft, then ingest."""
    from ksresearch import draft_codebook

    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw" / "2025"
        raw.mkdir(parents=True)
        answers = rng.integers(1, 6, size=(rows, columns)).astype(str)
        frame = pd.DataFrame(answers, columns=[f"Q{j}_1" for j in range(columns)])
        frame.insert(0, "Virksomhet", rng.choice(["Alfa AS", "Beta AS", "Gamma AS"], rows))
        frame.insert(0, "ResponseId", [f"R_{i}" for i in range(rows)])
        path = raw / "export.csv"
        frame.to_csv(path, sep=";", index=False)
        baseline = _time(lambda: pd.read_csv(path, sep=";"))
        drafted = _time(lambda: (raw / "codebook.yaml").write_text(
            draft_codebook(path, 2025).text, encoding="utf-8"))  # fmt: skip
        took = _time(lambda: ingest(2025, Path(tmp)))
    print(f"ingest: {rows:,} rows x {columns:,} question columns (wide CSV)")
    print(f"  codebook draft           {drafted:6.2f} s")
    print(f"  ksresearch ingest        {took:6.2f} s   (target < 30 s)")
    print(f"  baseline read_csv        {baseline:6.2f} s")
    print(f"  ratio ingest / baseline  {took / baseline:6.2f}x")


def _in_child(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh Python: (seconds, its peak resident memory in GB). The peak is
    the child's own, not this process's, which made the export and still holds it."""
    import subprocess
    import sys

    script = f"import resource, time\nt0 = time.perf_counter()\n{code}\n"
    script += "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    took, peak_kb = out.stdout.split()[-2:]
    return float(took), int(peak_kb) / 1e6  # kB -> GB on Linux


def long(rows: int) -> None:
    """``rows`` x 120 columns with the comment item filled in: the ingest's time and peak
    memory, and those of a bare ``read_csv`` of the same file, each in a fresh process."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        path = make(data, rows, "csv")
        size = path.stat().st_size / 1e6
        read = f"import pandas as pd\npd.read_csv({str(path)!r}, sep=';', decimal=',', encoding='utf-8-sig')"  # fmt: skip
        baseline, base_peak = _in_child(read)
        took, peak = _in_child(f"from ksresearch import ingest\ningest(2025, {str(data)!r})")
        q = json.loads((data / "processed" / "2025" / "quality.json").read_text(encoding="utf-8"))
    print(
        f"ingest: {q['rows_raw']:,} rows x {N_COLUMNS} columns ({size:.0f} MB CSV, comments included)"
    )
    print(
        f"  ksresearch ingest        {took:6.2f} s   peak {peak:5.2f} GB   (target < 120 s, < 3 GB)"
    )
    print(f"  baseline read_csv        {baseline:6.2f} s   peak {base_peak:5.2f} GB")
    print(
        f"  ratio ingest / baseline  {took / baseline:6.2f}x time, {peak / base_peak:.2f}x memory"
    )
    print(
        f"  kept {q['rows_kept']:,}, quarantined {q['rows_quarantined']:,}, comments {q['comments']['n']:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    parser.add_argument("--wide-columns", type=int, default=10_000)
    parser.add_argument("--long-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    what, result, took, baseline = _measure(args.rows, "csv")
    _report(what, result, took, "read_csv", baseline)
    print()
    what, result, took, baseline = _measure(args.xlsx_rows, "xlsx")
    _report(what, result, took, "read_excel", baseline)
    print()
    wide(args.wide_columns)
    print()
    long(args.long_rows)


if __name__ == "__main__":
    main()
