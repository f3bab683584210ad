"""Company reports: `ksresearch batch` against the naive loop, measured in the same run.

- ksresearch: a 20-company batch with --workers 2 (fork-server kernels, one exporter per worker),
  the release audit included (every report's ledger set against every other).
- Baseline: the naive loop a researcher would write, per company the papermill CLI
  (`papermill ... -p company ...`) and then the nbconvert CLI (`jupyter nbconvert --to html
  --no-input`); timed on 5 of the companies, reported per company.

Target (issue 25): at least 10x faster than the naive loop, at most 0.5 s per company.

Then the PDF and PowerPoint of the 20 reports (`--format html,pdf,pptx`: one headless Chromium
for the run, python-pptx, each file audited), against the plain way of making a PDF, one
`chromium --headless --print-to-pdf` per report (5 of them). Target: PDF and PPTX together add
at most 1 s per company.

Then the release audit alone, on a release of 30 companies in two languages plus the general
report in both (target: under 5 s).

    python benchmarks/bench_batch.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext

import ksresearch as ks
from ksresearch.report.execute import BENCHMARK_NOTEBOOK, NOTEBOOK_DIR, read_notebook
from ksresearch.report.ledger import read_ledgers
from ksresearch.report.release import check_release

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
        result = ks.batch(
            2025, companies=companies, data_dir=data, out=Path(tmp) / "fast", workers=2
        )
        fast = time.perf_counter() - t0
        assert len(result.written) == 20, result.failed
        formats_seconds, cli_pdf = other_formats(result, survey, Path(tmp))

        notebook = Path(tmp) / "company_benchmark.ipynb"
        jupytext.write(read_notebook(BENCHMARK_NOTEBOOK), notebook)
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
                cwd=NOTEBOOK_DIR,
            )
            subprocess.run(
                [BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", executed],
                check=True,
                capture_output=True,
            )
        naive = (time.perf_counter() - t0) / 5
        audit_seconds, n_ledgers, leaks = release_audit(Path(tmp))
    per_company = fast / 20
    print(
        f"ksresearch batch, 20 companies, --workers 2: {fast:.1f} s = {per_company:.2f} s per company "
        f"(target <= 0.5 s)"
    )
    print(f"naive loop (papermill CLI + nbconvert CLI), 5 companies: {naive:.2f} s per company")
    print(f"ratio naive / batch: {naive / per_company:.1f}x (target >= 10x)")
    print(
        f"PDF + PowerPoint of the 20 reports (one browser, audited): {formats_seconds:.1f} s = "
        f"{formats_seconds / 20:.2f} s per company (target <= 1 s); one chromium --print-to-pdf "
        f"per report: {cli_pdf:.2f} s per company (PDF alone)"
    )
    print(
        f"release audit, {n_ledgers} reports (30 companies x 2 languages + general nb, en): "
        f"{audit_seconds:.2f} s (target < 5 s); it finds {leaks} leak(s), as it should: these "
        "reports were made with release=False, without the release step that hides them"
    )


def other_formats(result, survey, tmp: Path) -> tuple[float, float]:
    """Seconds for the PDF and PowerPoint of every report of ``result``, and per report for
    the chromium command line printing a PDF (5 reports)."""
    from ksresearch.report.batch import company_formats

    t0 = time.perf_counter()
    written = company_formats(result, "html,pdf,pptx", survey)
    seconds = time.perf_counter() - t0
    assert len(written) == 2 * len(result.written), written
    pages = list(result.written.values())[:5]
    t0 = time.perf_counter()
    for i, page in enumerate(pages):
        subprocess.run(
            [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
             f"--user-data-dir={tmp / 'chromium-cli'}", "--no-pdf-header-footer",
             f"--print-to-pdf={tmp / f'cli{i}.pdf'}", page.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip
    return seconds, (time.perf_counter() - t0) / len(pages)


def release_audit(tmp: Path) -> tuple[float, int, int]:
    """The release audit of 30 companies in nb and en and the general report in both."""
    data = tmp / "release"
    ks.write_synth(2025, seed=2025, data_dir=data, n_companies=34)
    ks.ingest(2025, data)
    eligible = ks.eligible_companies(ks.load(2025, data))
    companies = list(eligible[eligible["eligible"]].index[:30])
    out = tmp / "release_out"
    for lang in ("nb", "en"):
        ks.general_report(2025, lang=lang, data_dir=data, out=out, release=False)
        ks.batch(2025, companies=companies, lang=lang, data_dir=data, out=out / lang,
                 workers=2, release=False)  # fmt: skip
        shutil.copytree(out / lang / "2025" / "ledger" / "companies",
                        out / "2025" / "ledger" / f"companies_{lang}")  # fmt: skip
    ledgers = read_ledgers(out / "2025" / "ledger")
    t0 = time.perf_counter()
    leaks = check_release(ledgers)
    return time.perf_counter() - t0, len(ledgers), len(leaks)


if __name__ == "__main__":
    main()
