"""Key-driver timings against a plain all-subsets OLS loop measured in the same run.

- Exact dominance analysis on 10,000 respondents at 12 and 15 drivers; target: 15 drivers < 1 s.
  Baseline: fitting OLS (numpy lstsq on the respondent data) for every one of the 2^p subsets,
  which is what dominance analysis needs and what the PyPI dominance-analysis package does.
- 1,000 two-stage company-cluster bootstrap resamples at 12 drivers; target < 30 s.

    python benchmarks/bench_drivers.py
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pandas as pd

import ksresearch as ks


def data(p: int, n: int = 10_000, n_companies: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, p)) @ rng.uniform(-0.3, 0.8, (p, p))
    df = pd.DataFrame(x, columns=[f"d{j}" for j in range(p)])
    df["y"] = x @ rng.uniform(0, 1, p) + 3 * rng.standard_normal(n)
    df["company"] = rng.integers(0, n_companies, n)
    return df


def ols_all_subsets(df: pd.DataFrame, drivers: list[str]) -> float:
    y = df["y"].to_numpy()
    x = df[drivers].to_numpy()
    tss = ((y - y.mean()) ** 2).sum()
    best = 0.0
    for k in range(1, len(drivers) + 1):
        for s in itertools.combinations(range(len(drivers)), k):
            a = np.column_stack([np.ones(len(y)), x[:, s]])
            b, *_ = np.linalg.lstsq(a, y, rcond=None)
            best = max(best, 1 - ((y - a @ b) ** 2).sum() / tss)
    return best


def main() -> None:
    for p in (12, 15):
        df = data(p)
        drivers = [f"d{j}" for j in range(p)]
        t0 = time.perf_counter()
        da = ks.dominance(df, "y", drivers)
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        r2 = ols_all_subsets(df, drivers)
        base = time.perf_counter() - t0
        assert abs(r2 - da.r2_) < 1e-9
        target = " (target < 1 s)" if p == 15 else ""
        print(
            f"dominance, {p} drivers, 10,000 respondents: {ours:.3f} s{target}; all-subsets OLS loop "
            f"({2**p - 1} fits): {base:.1f} s; ratio {base / ours:.0f}x"
        )
    df = data(12)
    drivers = [f"d{j}" for j in range(12)]
    t0 = time.perf_counter()
    ks.key_drivers(df, "y", drivers, company="company", n_boot=1000, resample="both", seed=1)
    took = time.perf_counter() - t0
    print(
        f"1,000 company-cluster bootstrap resamples, 12 drivers: {took:.1f} s (target < 30 s); "
        f"per resample {1000 * took / 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
