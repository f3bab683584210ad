"""The library's slow calls on the demo survey (issue 27, item 5: each under 5 s), against
lavaan and psych doing the same fits in the same run when R is installed.

Each call runs cold (``KS_NO_CACHE=1``: nothing read from the study's cache), as the median
of ``--reps`` runs after one warm-up, in one process:

- ``shift_work``: the comparison of shift and day workers with its measurement check;
- ``measurement_check`` across shift work, and across the two years;
- ``structure_summary``: parallel analysis and the FIML CFA with one factor per construct;
- ``turnover_drivers``: dominance analysis with the B = 1,000 company bootstrap.

R (time measured inside R, after loading): per tracked construct with three items or more,
lavaan's configural, metric and scalar fits across shift work with ``missing = "ml"`` (the
fits ``measurement_check`` makes), and ``psych::fa.parallel`` with lavaan's FIML CFA of the
whole questionnaire (``structure_summary``'s fits). Prints seconds, the 5 s goal, and R / ours.

    python benchmarks/bench_library.py [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
os.environ["KS_NO_CACHE"] = "1"

GOAL = 5.0
R_SCRIPT = r"""
suppressPackageStartupMessages({library(lavaan); library(psych); library(jsonlite)})
args <- commandArgs(TRUE); dir <- args[1]; reps <- as.integer(args[2])
timed <- function(f) { f(); t <- numeric(reps); for (i in seq_len(reps)) t[i] <- system.time(f())[["elapsed"]]; median(t) }
x <- read.csv(file.path(dir, "items.csv"))
models <- readLines(file.path(dir, "models.txt"))
whole <- paste(readLines(file.path(dir, "whole.txt")), collapse = "\n")
invariance <- function() for (m in models) {
  cfa(m, data = x, group = "shift", missing = "ml")
  cfa(m, data = x, group = "shift", missing = "ml", group.equal = "loadings")
  cfa(m, data = x, group = "shift", missing = "ml", group.equal = c("loadings", "intercepts"))
}
items <- x[, setdiff(names(x), "shift")]
out <- list(measurement_check = timed(invariance),
            structure_summary = timed(function() {
              suppressWarnings(fa.parallel(items, fa = "both", n.iter = 20, plot = FALSE))
              cfa(whole, data = items, missing = "ml") }))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), file.path(dir, "r_times.json"))
"""


def _median(fn, reps: int) -> float:
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _r_times(survey, folder: Path, reps: int) -> dict[str, float]:
    """R's times for the fits of measurement_check (across shift work) and structure_summary."""
    import ksresearch as ks

    if not shutil.which("Rscript"):
        return {}
    cb = survey.codebook
    constructs = [c for c in ks.tracked_constructs(cb) if len(cb.construct_items(c)) >= 3]
    items = [i for c in ks.tracked_constructs(cb) for i in cb.construct_items(c)]
    x = survey.responses[items].astype(float)
    x["shift"] = survey.responses[cb.role("shift_worker")]
    x.dropna(subset=["shift"]).to_csv(folder / "items.csv", index=False)
    (folder / "models.txt").write_text(
        "\n".join(f"{c} =~ {' + '.join(cb.construct_items(c))}" for c in constructs) + "\n"
    )
    (folder / "whole.txt").write_text(ks.model_from_codebook(cb, ks.tracked_constructs(cb)))
    (folder / "bench.R").write_text(R_SCRIPT)
    done = subprocess.run(["Rscript", str(folder / "bench.R"), str(folder), str(reps)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        print("R failed:", done.stderr.strip().splitlines()[-1:])
        return {}
    return json.loads((folder / "r_times.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    import ksresearch as ks

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ks.write_synth(2024, seed=2024, data_dir=folder, n_companies=30)
        ks.write_synth(2025, seed=2025, data_dir=folder, n_companies=30)
        for year in (2024, 2025):
            ks.ingest(year, folder)
        survey, previous = ks.load(2025, folder), ks.load(2024, folder)
        shift = survey.codebook.role("shift_worker")
        calls = {
            "shift_work": lambda: ks.shift_work(survey),
            "measurement_check": lambda: ks.measurement_check(survey, shift),
            "measurement_check (years)": lambda: ks.measurement_check([previous, survey], None),
            "structure_summary": lambda: ks.structure_summary(survey),
            "turnover_drivers": lambda: ks.turnover_drivers(survey),
        }
        ours = {name: _median(fn, args.reps) for name, fn in calls.items()}
        r = _r_times(survey, folder, args.reps)
    print(f"load average {os.getloadavg()[0]:.2f}; {args.reps} runs each, cold (no cache)")
    print(f"{'call':<28}{'ours (s)':>10}{'goal (s)':>10}{'R (s)':>10}{'R / ours':>10}")
    for name, seconds in ours.items():
        theirs = r.get(name)
        shown = f"{theirs:>10.2f}{theirs / seconds:>9.2f}x" if theirs else f"{'':>10}{'':>10}"
        print(f"{name:<28}{seconds:>10.2f}{GOAL:>10.1f}{shown}")


if __name__ == "__main__":
    main()
