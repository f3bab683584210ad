"""Company reports: `ksresearch batch` against the naive loop, measured in the same run.

- ksresearch: a 20-company batch with --workers 2 (fork-server kernels, one exporter per worker).
- Baseline: the naive loop a researcher would write, per company the papermill CLI
  (`papermill ... -p company ...`) and then the nbconvert CLI (`jupyter nbconvert --to html
  --no-input`); timed on 5 of the companies, reported per company.

Target: at least 5x faster than the naive loop, under 1.5 s per company.

    python benchmarks/bench_batch.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext

import ksresearch as ks

BIN = Path(sys.executable).parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        ks.write_synth(2025, seed=2025, data_dir=data, n_companies=24)
        ks.ingest(2025, data)
        survey = ks.load(2025, data)
        eligible = ks.eligible_companies(survey)
        companies = list(eligible[eligible["eligible"]].index[:20])
        assert len(companies) == 20

        t0 = time.perf_counter()
        result = ks.reports.batch(
            2025, companies=companies, data_dir=data, out=Path(tmp) / "fast", workers=2
        )
        fast = time.perf_counter() - t0
        assert len(result.written) == 20, result.failed

        notebook = Path(tmp) / "company_benchmark.ipynb"
        jupytext.write(ks.reports.read_notebook(ks.reports.BENCHMARK_NOTEBOOK), notebook)
        naive_dir = Path(tmp) / "naive"
        naive_dir.mkdir()
        t0 = time.perf_counter()
        for i, company in enumerate(companies[:5]):
            executed = naive_dir / f"{i}.ipynb"
            subprocess.run(
                [
                    BIN / "papermill",
                    notebook,
                    executed,
                    "-k",
                    "ksresearch",
                    "-p",
                    "company",
                    company,
                    "-p",
                    "data_dir",
                    str(data),
                    "--no-progress-bar",
                ],
                check=True,
                capture_output=True,
                cwd=ks.reports.NOTEBOOK_DIR,
            )
            subprocess.run(
                [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed],
                check=True,
                capture_output=True,
            )
        naive = (time.perf_counter() - t0) / 5
    per_company = fast / 20
    print(
        f"ksresearch batch, 20 companies, --workers 2: {fast:.1f} s = {per_company:.2f} s per company "
        f"(target < 1.5 s)"
    )
    print(f"naive loop (papermill CLI + nbconvert CLI), 5 companies: {naive:.2f} s per company")
    print(f"ratio naive / batch: {naive / per_company:.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
