"""Polychoric correlations of 40 five-point items x 10,000 respondents (5 % of answers
missing); target < 1 s on the 2-core project machine.

Baseline, measured in the same run on the same data when R is installed:
``psych::polychoric`` (its time inside R, without R's start-up or reading the file), and the
largest difference between the two matrices.

    python benchmarks/bench_polychoric.py [--rows 10000] [--items 40]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import ksresearch as ks

R_SCRIPT = """
suppressPackageStartupMessages(library(psych))
x <- read.csv("{data}")
t <- system.time(p <- psych::polychoric(x))[["elapsed"]]
write.csv(p$rho, "{out}", row.names = FALSE)
cat(t, "\\n")
"""


def make(rows: int, items: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    factors = rng.standard_normal((rows, 4))
    loading = rng.uniform(0.4, 0.8, items)
    z = factors[:, np.arange(items) % 4] * loading + rng.standard_normal((rows, items)) * np.sqrt(
        1 - loading**2
    )
    x = pd.DataFrame(np.digitize(z, [-1.3, -0.4, 0.5, 1.3]) + 1.0)
    x.columns = [f"q{k + 1}" for k in range(items)]
    return x.mask(rng.uniform(size=x.shape) < 0.05)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args()
    x = make(args.rows, args.items)
    ours = best_of(lambda: ks.polychoric(x))
    status = "ok" if ours < 1 else "OVER TARGET"
    print(
        f"ks.polychoric {args.items} items x {args.rows:,}: {ours:.3f} s (target < 1 s, {status})"
    )
    if shutil.which("Rscript") is None:
        print("psych::polychoric: R not installed, no baseline this run")
        return
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "x.csv", Path(tmp) / "rho.csv"
        x.to_csv(data, index=False, na_rep="")
        script = R_SCRIPT.format(data=data, out=out)
        run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
        theirs = float(run.stdout.split()[-1])
        rho = pd.read_csv(out).to_numpy()
    diff = np.abs(ks.polychoric(x).rho_.to_numpy() - rho).max()
    print(
        f"psych::polychoric (same data, same run): {theirs:.3f} s; ratio psych/ours = "
        f"{theirs / ours:.1f}x; largest difference in rho {diff:.1e}"
    )


if __name__ == "__main__":
    main()
