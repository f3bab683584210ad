"""Every statistic against R in the same run: ours and R's, each timed in its own process (R's
time measured inside R, after its packages and the data are loaded, so R's start-up is not
counted), as the median of several runs after one warm-up. Without R (or one of its packages)
the task is set against factor_analyzer, semopy or pingouin where one does the same, else
shown without a baseline. Prints the ratio R / ours (above 1: we are faster), the BLAS and its
threads, and the load average before and after.

Tasks, on the synthetic demo survey (30 companies, 2025; made in a temporary folder) and on
psych's ``bfi`` (exported by R; without R the bfi tasks are skipped):

- EFA, minres + oblimin: the demo's tracked items with one factor per construct, and bfi's 25
  items with 5 factors (``psych::fa``);
- CFA by ML on complete cases, and by full-information ML with the missing answers
  (``lavaan::cfa(..., missing = "ml")``), one factor per construct of the demo;
- WLSMV: bfi's agreeableness and conscientiousness items as ordered
  (``lavaan::cfa(..., ordered = items)``);
- polychoric correlations of bfi's 25 items (``psych::polychoric``);
- dominance analysis of turnover intention on 8 constructs (R: every subset's R² from the
  correlation matrix, as a researcher writes it in base R; relaimpo is not packaged here);
- raking to company and role margins (``survey::rake``);
- Cronbach's alpha with psych's statistics (``psych::alpha``).

    python benchmarks/bench_vs_r.py [--reps 5]

A second, busy process (``--load``) runs beside the timings to show the machine loaded.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

R_SCRIPT = r"""
suppressPackageStartupMessages({
  ok <- function(p) requireNamespace(p, quietly = TRUE)
  for (p in c("jsonlite", "psych", "GPArotation", "lavaan", "survey")) if (ok(p)) library(p, character.only = TRUE)
})
args <- commandArgs(TRUE); dir <- args[1]; reps <- as.integer(args[2])
timed <- function(f) { f(); t <- numeric(reps); for (i in seq_len(reps)) t[i] <- system.time(f())[["elapsed"]]; median(t) }
out <- list()
items <- read.csv(file.path(dir, "items.csv"))
model <- readLines(file.path(dir, "model.txt"))
nf <- as.integer(readLines(file.path(dir, "factors.txt")))
complete <- na.omit(items)
if (ok("psych")) {
  data(bfi, package = "psych")
  write.csv(bfi[, 1:25], file.path(dir, "bfi.csv"), row.names = FALSE)
  out$efa_demo <- timed(function() psych::fa(complete, nf, fm = "minres", rotate = "oblimin"))
  b <- na.omit(bfi[, 1:25])
  out$efa_bfi <- timed(function() psych::fa(b, 5, fm = "minres", rotate = "oblimin"))
  out$polychoric <- timed(function() psych::polychoric(bfi[, 1:25]))
  a <- complete[, 1:min(10, ncol(complete))]
  out$alpha <- timed(function() psych::alpha(a, warnings = FALSE))
}
if (ok("lavaan")) {
  out$cfa_ml <- timed(function() lavaan::cfa(model, data = complete))
  out$cfa_fiml <- timed(function() lavaan::cfa(model, data = items, missing = "ml"))
  if (ok("psych")) {
    ac <- na.omit(bfi[, c(paste0("A", 1:5), paste0("C", 1:5))])
    m2 <- "agree =~ A1 + A2 + A3 + A4 + A5\nconsc =~ C1 + C2 + C3 + C4 + C5"
    out$wlsmv <- timed(function() lavaan::cfa(m2, data = ac, ordered = names(ac)))
  }
}
dom <- read.csv(file.path(dir, "drivers.csv"))
out$dominance <- timed(function() {
  r <- cor(dom); p <- ncol(r) - 1; rxx <- r[-1, -1]; rxy <- r[-1, 1]
  r2 <- numeric(2^p)
  for (m in 1:(2^p - 1)) { s <- which(bitwAnd(m, 2^(0:(p - 1))) > 0); r2[m + 1] <- sum(rxy[s] * solve(rxx[s, s, drop = FALSE], rxy[s])) }
  sapply(1:p, function(i) { bit <- 2^(i - 1); w <- which(bitwAnd(0:(2^p - 1), bit) == 0) - 1
    k <- sapply(w, function(m) sum(bitwAnd(m, 2^(0:(p - 1))) > 0))
    sum((r2[w + bit + 1] - r2[w + 1]) / (p * choose(p - 1, k))) })
})
if (ok("survey")) {
  rk <- read.csv(file.path(dir, "rake.csv"))
  pops <- fromJSON(file.path(dir, "margins.json"))
  pc <- data.frame(company = names(pops$company), Freq = unlist(pops$company))
  pr <- data.frame(role = names(pops$role), Freq = unlist(pops$role))
  out$rake <- timed(function() survey::rake(survey::svydesign(ids = ~1, data = rk), list(~company, ~role), list(pc, pr), control = list(maxit = 1000, epsilon = 1e-10)))
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), file.path(dir, "r_times.json"))
"""


def _median_time(fn, reps: int) -> float:
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _demo(folder: Path):
    """The demo survey's items (one factor per tracked construct), its CFA model, a frame
    of turnover intention and 8 constructs, and a raking problem."""
    import ksresearch as ks
    from ksresearch.stats.sem import model_from_codebook

    ks.write_synth(2025, seed=2025, data_dir=folder, n_companies=30)
    ks.ingest(2025, folder)
    survey = ks.load(2025, folder)
    cb = survey.codebook
    constructs = ks.tracked_constructs(cb)
    items = [i for c in constructs for i in cb.construct_items(c)]
    x = survey.responses[items].astype(float)
    model = model_from_codebook(cb, constructs)
    scores = ks.prepare(survey)
    toi = cb.role("turnover_intention")
    drivers = [c for c in constructs if c != toi][:8]
    dom = scores[[toi, *drivers]].dropna()
    rk = survey.responses[["company", cb.role("job_role")]].dropna().astype(str)
    rk.columns = ["company", "role"]
    margins = {
        col: (rk[col].value_counts() * 3).to_dict() for col in ("company", "role")
    }  # a population three times the sample, in the sample's proportions
    margins["role"] = {
        k: v * (1.2 if i % 2 else 0.8) for i, (k, v) in enumerate(margins["role"].items())
    }
    total_c = sum(margins["company"].values())
    scale = total_c / sum(margins["role"].values())
    margins["role"] = {k: v * scale for k, v in margins["role"].items()}
    return x, model, len(constructs), dom, toi, drivers, rk, margins


def _ours(x, model, nf, dom, toi, drivers, rk, margins, bfi, reps):
    import ksresearch as ks

    complete = x.dropna()
    out = {
        "efa_demo": _median_time(lambda: ks.efa(complete, nf), reps),
        "cfa_ml": _median_time(lambda: ks.cfa(complete, model), reps),
        "cfa_fiml": _median_time(lambda: ks.cfa(x, model, missing="fiml"), reps),
        "dominance": _median_time(lambda: ks.dominance(dom, toi, drivers), reps),
        "rake": _median_time(
            lambda: ks.rake(rk, {k: pd.Series(v) for k, v in margins.items()}), reps
        ),
        "alpha": _median_time(lambda: ks.alpha(complete.iloc[:, : min(10, x.shape[1])]), reps),
    }
    if bfi is not None:
        b = bfi.dropna()
        ac = bfi[[f"A{i}" for i in range(1, 6)] + [f"C{i}" for i in range(1, 6)]].dropna()
        m2 = "agree =~ A1 + A2 + A3 + A4 + A5\nconsc =~ C1 + C2 + C3 + C4 + C5"
        out["efa_bfi"] = _median_time(lambda: ks.efa(b, 5), reps)
        out["polychoric"] = _median_time(lambda: ks.polychoric(bfi), reps)
        out["wlsmv"] = _median_time(lambda: ks.cfa(ac, m2, ordered=True), reps)
    return out


def _python_baselines(x, model, nf, reps) -> dict[str, tuple[str, float]]:
    """Without R: the Python packages that do the same."""
    out = {}
    complete = x.dropna()
    try:
        from factor_analyzer import FactorAnalyzer

        fa = FactorAnalyzer(n_factors=nf, method="minres", rotation="oblimin")
        out["efa_demo"] = ("factor_analyzer", _median_time(lambda: fa.fit(complete), reps))
    except ImportError:
        pass
    try:
        import pingouin

        a = complete.iloc[:, : min(10, x.shape[1])]
        out["alpha"] = ("pingouin", _median_time(lambda: pingouin.cronbach_alpha(a), reps))
    except ImportError:
        pass
    try:
        import semopy

        out["cfa_ml"] = ("semopy", _median_time(lambda: semopy.Model(model).fit(complete), reps))
    except ImportError:
        pass
    return out


def _busy(stop) -> None:
    a = np.random.default_rng(0).standard_normal((400, 400))
    while not stop.is_set():
        a = np.tanh(a @ a.T / 400)


def _blas() -> str:
    from threadpoolctl import threadpool_info

    return "; ".join(
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
        for i in threadpool_info()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--load", action="store_true", help="time with a second busy process")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ks-bench-r-"))
    stop = multiprocessing.Event()
    busy = multiprocessing.Process(target=_busy, args=(stop,)) if args.load else None
    try:
        x, model, nf, dom, toi, drivers, rk, margins = _demo(work / "data")
        x.to_csv(work / "items.csv", index=False)
        (work / "model.txt").write_text(model + "\n", encoding="utf-8")
        (work / "factors.txt").write_text(f"{nf}\n", encoding="utf-8")
        dom.to_csv(work / "drivers.csv", index=False)
        rk.to_csv(work / "rake.csv", index=False)
        (work / "margins.json").write_text(json.dumps(margins), encoding="utf-8")
        if busy is not None:
            busy.start()
        print(f"load average before: {os.getloadavg()[0]:.2f}; BLAS: {_blas()}")
        r_times, baseline = {}, "R"
        if shutil.which("Rscript"):
            (work / "bench.R").write_text(R_SCRIPT, encoding="utf-8")
            subprocess.run(
                ["Rscript", str(work / "bench.R"), str(work), str(args.reps)],
                check=True, capture_output=True, timeout=3600,
            )  # fmt: skip
            r_times = json.loads((work / "r_times.json").read_text(encoding="utf-8"))
        bfi = pd.read_csv(work / "bfi.csv") if (work / "bfi.csv").exists() else None
        ours = _ours(x, model, nf, dom, toi, drivers, rk, margins, bfi, args.reps)
        others = {} if r_times else _python_baselines(x, model, nf, args.reps)
        if not r_times:
            baseline = "Python"
        print(f"{'task':<12} {'ours (s)':>10} {baseline + ' (s)':>12}  ratio  baseline")
        for task, t in ours.items():
            if task in r_times:
                name, base = "R", float(r_times[task])
            elif task in others:
                name, base = others[task]
            else:
                print(f"{task:<12} {t:>10.4f} {'–':>12}     –   (none here)")
                continue
            print(f"{task:<12} {t:>10.4f} {base:>12.4f} {base / t:>6.2f}x  {name}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        stop.set()
        if busy is not None and busy.is_alive():
            busy.join(timeout=5)
            busy.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
