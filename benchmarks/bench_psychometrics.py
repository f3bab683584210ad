"""Psychometrics timings against named baselines measured in the same run.

- EFA (minres + oblimin + psych's fit statistics) on 10,000 x 60 items; target < 2 s.
  Baseline: factor_analyzer.FactorAnalyzer(method="minres", rotation="oblimin") on the same data.
- Cronbach's alpha (with CI and correlations) on 100,000 x 10; target < 0.1 s.
  Baseline: pingouin.cronbach_alpha on the same data.
- Measurement invariance (configural, metric, scalar) on 2 groups x 3 factors x 9 items
  (Holzinger-Swineford by school); target < 5 s. Baseline: one single-group semopy CFA fit.

    python benchmarks/bench_psychometrics.py
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

import ksresearch as ks

warnings.filterwarnings("ignore", category=FutureWarning)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def report(name: str, ours: float, base: float, base_name: str, target: float) -> None:
    status = "ok" if ours < target else "OVER TARGET"
    print(
        f"{name}: {ours:.3f} s (target < {target:g} s, {status}); {base_name}: {base:.3f} s; "
        f"ratio baseline/ours = {base / ours:.1f}x"
    )


def main() -> None:
    rng = np.random.default_rng(0)
    f = rng.standard_normal((10_000, 6))
    loadings = np.zeros((60, 6))
    loadings[np.arange(60), np.arange(60) % 6] = rng.uniform(0.5, 0.8, 60)
    x60 = pd.DataFrame(
        f @ loadings.T + 0.6 * rng.standard_normal((10_000, 60)),
        columns=[f"i{k}" for k in range(60)],
    )
    from factor_analyzer import FactorAnalyzer

    ours = best_of(lambda: ks.efa(x60, 6))
    base = best_of(
        lambda: FactorAnalyzer(n_factors=6, method="minres", rotation="oblimin").fit(x60)
    )
    report("EFA 10,000 x 60, 6 factors", ours, base, "factor_analyzer", 2.0)

    g = rng.standard_normal((100_000, 1))
    x10 = pd.DataFrame(g + rng.standard_normal((100_000, 10)), columns=[f"a{k}" for k in range(10)])
    import pingouin as pg

    ours = best_of(lambda: ks.alpha(x10), 5)
    base = best_of(lambda: pg.cronbach_alpha(x10), 5)
    report("alpha 100,000 x 10", ours, base, "pingouin.cronbach_alpha", 0.1)

    import semopy

    hs = semopy.examples.holzinger39.get_data()
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    ours = best_of(lambda: ks.invariance(hs, model, "school"))

    def semopy_fit() -> None:
        semopy.Model(model).fit(hs)

    base = best_of(semopy_fit)
    report(
        "invariance 2 groups x 3 factors x 9 items (3 models)",
        ours,
        base,
        "semopy, one single-group CFA",
        5.0,
    )


if __name__ == "__main__":
    main()
