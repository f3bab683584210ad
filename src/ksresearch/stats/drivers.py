"""Key-driver analysis: exact dominance analysis, relative weights, bootstrap CIs by company.

Dominance analysis (Budescu, 1993; Azen & Budescu, 2003) is computed from the correlation
matrix over all 2^p subsets of drivers at once: R² of every subset by batched linear solves,
then general dominance (the Shapley decomposition of R², Lindeman-Merenda-Gold's LMG),
conditional dominance per subset size and complete dominance per pair. It is exact (tested
against brute-force OLS over all subsets) and takes milliseconds for 15 drivers.

Respondents are nested in companies, so the bootstrap resamples whole companies (a cluster
bootstrap: the companies are the sample). Resampling respondents within the drawn companies
as well counts the within-company variance twice and widens the intervals (about 1.5 times on
the demo survey); it stays available as ``resample="both"``. The numbers are relative
importance in a regression: associations, never causes.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import special, stats

from .diagnostics import Text, check_frame, renamed_arguments
from .disclosure import Members
from .progress import progress
from .threads import few_threads

__all__ = [
    "DominanceAnalysis",
    "dominance",
    "relative_weights",
    "key_drivers",
    "logistic_drivers",
    "priority_matrix",
]

MAX_DRIVERS = 20


@functools.lru_cache(maxsize=8)
def _plan(p: int):
    """What every fit with ``p`` predictors indexes by: the subsets of each size ``k`` (their
    bitmasks and the predictors in each), and for general dominance each predictor's subsets
    without it, the same with it, and the Shapley weight ``1 / (p C(p - 1, |S|))``."""
    masks = np.arange(1 << p)
    bits = ((masks[:, None] >> np.arange(p)) & 1).astype(bool)
    size = bits.sum(axis=1)
    by_size = []
    for k in range(1, p + 1):
        ms = masks[size == k]
        by_size.append((ms, np.nonzero(bits[ms])[1].reshape(len(ms), k)))
    without = np.array([masks[(masks >> i) & 1 == 0] for i in range(p)])
    with_ = without | (1 << np.arange(p))[:, None]
    weight = 1.0 / (p * special.comb(p - 1, size[without]))
    return by_size, without, with_, weight


def _subset_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² of every subset of predictors, indexed by bitmask (bit j = predictor j)."""
    p = len(rxy)
    r2 = np.zeros(1 << p)
    for ms, idx in _plan(p)[0]:
        a = rxx[idx[:, :, None], idx[:, None, :]]
        b = rxy[idx]
        sol = np.linalg.solve(a, b[..., None])[..., 0]
        r2[ms] = (b * sol).sum(axis=1)
    return r2


def _general_dominance(cor: np.ndarray) -> np.ndarray:
    """General dominance of each predictor from the correlation matrix ``[outcome, *drivers]``:
    the Shapley value of R², ``sum_S (R2(S + i) - R2(S)) / (p C(p - 1, |S|))`` over the
    subsets ``S`` of the others (what :class:`DominanceAnalysis` gives as ``general_``, without
    its conditional and complete dominance: the bootstrap needs only this)."""
    r2 = _subset_r2(cor[1:, 1:], cor[1:, 0])
    _, without, with_, weight = _plan(len(cor) - 1)
    return ((r2[with_] - r2[without]) * weight).sum(axis=1)


def _dominance_from_r2(r2: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    masks = np.arange(1 << p)
    size = _popcount(masks)
    conditional = np.zeros((p, p))  # [driver, subset size k of the others]
    for i in range(p):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        gain = r2[without | bit] - r2[without]
        sums = np.bincount(size[without], weights=gain, minlength=p)
        counts = np.bincount(size[without], minlength=p)
        conditional[i] = sums[:p] / counts[:p]
    general = conditional.mean(axis=1)
    complete = np.full((p, p), np.nan)
    for i in range(p):
        for j in range(i + 1, p):
            bi, bj = 1 << i, 1 << j
            rest = masks[(masks & (bi | bj)) == 0]
            diff = r2[rest | bi] - r2[rest | bj]
            if (diff > 0).all():
                complete[i, j], complete[j, i] = 1.0, 0.0
            elif (diff < 0).all():
                complete[i, j], complete[j, i] = 0.0, 1.0
            else:
                complete[i, j] = complete[j, i] = 0.5
    return general, conditional, complete


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.int64)
    count = np.zeros_like(x)
    while x.any():
        count += x & 1
        x >>= 1
    return count


def _cor(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    if weights is None:
        return np.corrcoef(values, rowvar=False)
    w = weights / weights.sum()
    mean = w @ values
    centred = values - mean
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


class DominanceAnalysis:
    """Exact dominance analysis of an OLS regression, from the correlation matrix.

    Parameters
    ----------
    outcome : str
        The outcome column.
    drivers : list of str
        The predictors (2 to 20).

    Attributes (after ``fit``)
    --------------------------
    r2_ : float
        R² of the full model.
    general_ : Series
        General dominance (LMG / Shapley share of R²) per driver; sums to ``r2_``.
    conditional_ : DataFrame
        Mean R² gain of each driver (rows) added to subsets of ``k`` other drivers (columns).
    complete_ : DataFrame
        1 if the row driver completely dominates the column driver (adds more R² to every
        subset of the others), 0 if it is dominated, 0.5 if neither.
    subsets_ : Series
        R² of every subset of drivers (index: names joined by "+").
    n_ : int or None
        Complete cases used (None when fitted from a correlation matrix).
    table_ : DataFrame
        The drivers, most important first (:attr:`table_`); ``summary()`` prints it.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((300, 2))
    >>> df = pd.DataFrame(x, columns=["a", "b"]).assign(y=x @ [0.5, 0.2] + rng.standard_normal(300))
    >>> DominanceAnalysis("y", ["a", "b"]).fit(df).general_.idxmax()
    'a'
    """

    def __init__(self, outcome: str, drivers: list[str]) -> None:
        self.outcome = outcome
        self.drivers = drivers

    @few_threads
    def fit(self, df: pd.DataFrame) -> DominanceAnalysis:
        """Fit on the complete cases of ``outcome`` and ``drivers`` in ``df``."""
        x = _complete(df, self.outcome, self.drivers)
        self.fit_cor(_cor(x.to_numpy()))
        self.n_ = len(x)
        return self

    def fit_cor(self, cor: np.ndarray) -> DominanceAnalysis:
        """Fit from the correlation matrix of ``[outcome, *drivers]`` (outcome first)."""
        drivers = list(self.drivers)
        p = len(drivers)
        if p > MAX_DRIVERS:
            raise ValueError(f"at most {MAX_DRIVERS} drivers (2^{p} subsets is too many), got {p}")
        rxx, rxy = cor[1:, 1:], cor[1:, 0]
        if np.linalg.matrix_rank(rxx) < p:
            raise ValueError(
                "the drivers are linearly dependent: drop one of the collinear drivers"
            )
        r2 = _subset_r2(rxx, rxy)
        general, conditional, complete = _dominance_from_r2(r2, p)
        self.r2_ = float(r2[-1])
        self.general_ = pd.Series(general, index=drivers, name="general_dominance")
        self.conditional_ = pd.DataFrame(
            conditional, index=drivers, columns=pd.RangeIndex(p, name="k")
        )
        self.complete_ = pd.DataFrame(complete, index=drivers, columns=drivers)
        names = ["+".join(d for j, d in enumerate(drivers) if m >> j & 1) for m in range(1 << p)]
        self.subsets_ = pd.Series(r2, index=names, name="r2")
        self.n_ = None  # from a correlation matrix: the number of respondents is not known
        return self

    @property
    def table_(self) -> pd.DataFrame:
        """Per driver, most important first: ``general_dominance``, ``share`` (of R²),
        ``rank``, ``dominates`` and ``dominated_by`` (how many drivers it completely dominates
        and is dominated by), and the conditional dominance at each ``k`` (``k0``, ``k1``, ...).
        """
        if not hasattr(self, "general_"):
            raise AttributeError("table_: fit the model first")
        out = pd.DataFrame({"general_dominance": self.general_,
                            "share": self.general_ / self.r2_})  # fmt: skip
        out["rank"] = out["general_dominance"].rank(ascending=False, method="min").astype(int)
        others = self.complete_.mask(np.eye(len(self.complete_), dtype=bool))  # not itself
        out["dominates"] = (others == 1).sum(axis=1).astype(int)
        out["dominated_by"] = (others == 0).sum(axis=1).astype(int)
        conditional = self.conditional_.add_prefix("k")
        return out.join(conditional).sort_values("rank", kind="stable")

    def summary(self) -> Text:
        """The fit as R's dominanceanalysis prints it (``summary(da)``): R², each driver's
        average contribution and its share, the complete dominance between the drivers and
        the conditional dominance by model size (the numbers are :attr:`table_`)."""
        t = self.table_
        n = f", n = {self.n_}" if self.n_ is not None else ""
        pairs = [f"  {a} > {b}" for a in t.index for b in t.index
                 if self.complete_.loc[a, b] == 1]  # fmt: skip
        lines = [
            f"ksresearch dominance analysis of {self.outcome}: {len(t)} drivers{n}",
            f"  R-squared {self.r2_:.4f}",
            "",
            "Average contribution (general dominance):",
            t[["general_dominance", "share", "rank"]].to_string(float_format=lambda v: f"{v:.4f}"),
            "",
            "Complete dominance (adds more R-squared to every subset of the others):",
            *(pairs or ["  none"]),
            "",
            "Conditional dominance (mean R-squared gain by the number of other drivers):",
            t[[c for c in t.columns if c[0] == "k" and c[1:].isdigit()]].to_string(
                float_format=lambda v: f"{v:.4f}"
            ),
        ]
        return Text("\n".join(lines))


def dominance(df: pd.DataFrame, outcome: str, drivers: list[str]) -> DominanceAnalysis:
    """Fitted :class:`DominanceAnalysis` of ``outcome`` on ``drivers`` (complete cases).

    Parameters
    ----------
    df : DataFrame
        Respondents (complete cases of the columns are used).
    outcome : str
        The outcome column.
    drivers : list of str
        Predictor columns.

    Returns
    -------
    DominanceAnalysis
        With ``general_``, ``conditional_``, ``complete_`` dominance and ``r2_``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((500, 3))
    >>> df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(y=x @ [0.6, 0.3, 0.0] + rng.standard_normal(500))
    >>> da = dominance(df, "y", ["a", "b", "c"])
    >>> bool(np.isclose(da.general_.sum(), da.r2_)), da.general_.idxmax()
    (True, 'a')
    """
    return DominanceAnalysis(outcome, drivers).fit(df)


def relative_weights(cor: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights from the correlation matrix ``[outcome, *drivers]``;
    they sum to R².

    Parameters
    ----------
    cor : ndarray
        The correlation matrix of ``[outcome, *drivers]`` (outcome first).

    Returns
    -------
    ndarray
        One weight per driver; they sum to the model's R².

    Examples
    --------
    >>> import numpy as np
    >>> r = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.0]])
    >>> w = relative_weights(r)
    >>> w.round(3).tolist(), round(float(w.sum()), 3)
    ([0.226, 0.066], 0.292)
    """
    rxx, rxy = cor[1:, 1:], cor[1:, 0]
    values, vectors = np.linalg.eigh(rxx)
    lam = vectors @ np.diag(np.sqrt(np.clip(values, 0, None))) @ vectors.T
    beta = np.linalg.solve(lam, rxy)
    return (lam**2) @ (beta**2)


def _complete(
    df: pd.DataFrame, outcome: str, drivers: list[str], extra: list[str] | None = None
) -> pd.DataFrame:
    if len(drivers) < 2:
        raise ValueError(f"need at least 2 drivers, got {drivers}")
    if outcome in drivers or len(set(drivers)) != len(drivers):
        raise ValueError("the outcome and the drivers must be distinct columns")
    x = check_frame(df, [outcome, *drivers, *(extra or [])], numeric=False).dropna()
    num = check_frame(x, [outcome, *drivers], what="outcome and drivers")
    if len(x) < len(drivers) + 3:
        raise ValueError(f"only {len(x)} complete cases for {len(drivers)} drivers")
    constant = [c for c in num.columns if num[c].nunique() < 2]
    if constant:
        raise ValueError(f"constant columns cannot be drivers or outcome: {constant}")
    x[[outcome, *drivers]] = num
    return x


def _bootstrap_weights(groups: np.ndarray, rng: np.random.Generator, resample: str) -> np.ndarray:
    """Frequency weights of one two-stage bootstrap replicate."""
    n = len(groups)
    if resample == "respondents":
        return np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
    codes, index = np.unique(groups, return_inverse=True)
    drawn = np.bincount(rng.integers(0, len(codes), len(codes)), minlength=len(codes))
    weights = np.zeros(n)
    order = np.argsort(index, kind="stable")
    starts = np.searchsorted(index[order], np.arange(len(codes)))
    sizes = np.bincount(index, minlength=len(codes))
    for c in np.flatnonzero(drawn):
        members = order[starts[c] : starts[c] + sizes[c]]
        if resample == "companies":
            weights[members] += drawn[c]
        else:  # both: respondents within each drawn company, once per draw
            weights[members] += rng.multinomial(
                drawn[c] * sizes[c], np.full(sizes[c], 1 / sizes[c])
            )
    return weights


def _bootstrap(
    values: np.ndarray,
    groups: np.ndarray,
    outcome: str,
    drivers: list[str],
    n_boot: int,
    resample: str,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """General dominance, relative weights and ranks of ``n_boot`` cluster-bootstrap resamples,
    and how many degenerate resamples were drawn again."""
    rng = np.random.default_rng(seed)
    gd, rws, ranks = (np.empty((n_boot, len(drivers))) for _ in range(3))
    redrawn, b = 0, 0
    bar = progress(total=n_boot, desc="bootstrap")
    while b < n_boot:
        w = _bootstrap_weights(groups, rng, resample)
        keep = w > 0
        # a resample of few companies can leave a column constant or the drivers collinear
        if (np.ptp(values[keep], axis=0) == 0).any():
            c = np.full((len(drivers) + 1,) * 2, np.nan)
        else:
            c = _cor(values[keep], w[keep])
        if not np.isfinite(c).all() or np.linalg.matrix_rank(c[1:, 1:]) < len(drivers):
            redrawn += 1
            if redrawn > max(10, n_boot // 2):
                raise ValueError(
                    f"{redrawn} bootstrap resamples were degenerate: too few companies "
                    f"({len(np.unique(groups))}) to resample; use resample='respondents'"
                )
            continue
        gd[b] = _general_dominance(c)
        rws[b] = relative_weights(c)
        ranks[b] = stats.rankdata(-gd[b], method="min")
        b += 1
        bar.update()
    bar.close()
    return gd, rws, ranks, redrawn


@few_threads
@renamed_arguments(company="cluster")  # the column: cluster=, as in every stats function
def key_drivers(
    df: pd.DataFrame,
    outcome: str,
    drivers: list[str],
    *,
    cluster: str | None = None,
    n_boot: int = 0,
    resample: str = "companies",
    ci: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Importance of each driver of ``outcome``: dominance, relative weights, betas, bootstrap CIs.

    Parameters
    ----------
    df : DataFrame
        Respondent-level data (scale scores), complete cases are used.
    outcome : str
        The outcome column (e.g. turnover intention).
    drivers : list of str
        Candidate drivers (2 to 20).
    cluster : str or None
        The column of the clusters respondents are nested in (the company): the bootstrap
        resamples them.
    n_boot : int
        Bootstrap replicates for confidence intervals (0: none).
    resample : {"companies", "both", "respondents"}
        "companies" (default): whole companies with replacement; "both": then respondents
        within each drawn company too (wider: within-company variance counted twice);
        "respondents": respondents alone (for one company's own analysis).
    ci : float
        Confidence level.
    seed : int
        Random seed of the bootstrap.

    Returns
    -------
    DataFrame
        Indexed by driver, sorted by importance: ``r`` (correlation with the outcome),
        ``beta`` (standardised), ``general_dominance`` (LMG; sums to R²), ``share`` (of R²),
        ``rank``, ``relative_weight`` (Johnson), ``rw_share``, and with ``n_boot``:
        ``gd_low``, ``gd_high``, ``share_low``, ``share_high``, ``rw_low``, ``rw_high``,
        ``rank_low``, ``rank_high``. ``attrs`` holds ``r2``, ``n``, ``n_companies``,
        ``n_redrawn`` (degenerate resamples, e.g. a driver constant among few drawn companies,
        that were drawn again) and ``members`` (every row rests on the complete cases).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((400, 3))
    >>> df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(y=x @ [0.6, 0.3, 0.1] + rng.standard_normal(400))
    >>> key_drivers(df, "y", ["a", "b", "c"], cluster=None).index.tolist()
    ['a', 'b', 'c']
    """
    if resample not in ("both", "companies", "respondents"):
        raise ValueError(f"resample must be 'both', 'companies' or 'respondents', got {resample!r}")
    if n_boot < 0:
        raise ValueError(f"n_boot must be >= 0, got {n_boot}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie between 0 and 1, got {ci}")
    extra = [cluster] if cluster else []
    x = _complete(df, outcome, drivers, extra)
    values = x[[outcome, *drivers]].to_numpy()
    cor = _cor(values)
    da = DominanceAnalysis(outcome, drivers).fit_cor(cor)
    rw = relative_weights(cor)
    beta = np.linalg.solve(cor[1:, 1:], cor[1:, 0])
    table = pd.DataFrame(
        {
            "r": cor[1:, 0],
            "beta": beta,
            "general_dominance": da.general_.to_numpy(),
            "share": da.general_.to_numpy() / da.r2_,
            "relative_weight": rw,
            "rw_share": rw / rw.sum(),
        },
        index=pd.Index(drivers, name="driver"),
    )
    table["rank"] = table["general_dominance"].rank(ascending=False, method="min").astype(int)
    redrawn = 0
    if n_boot:
        if cluster is None and resample != "respondents":
            raise ValueError(
                "a cluster column is needed to resample clusters (cluster=...); use resample='respondents'"
            )
        groups = x[cluster].to_numpy() if cluster else np.zeros(len(x))
        gd, rws, ranks, redrawn = _bootstrap(
            values, groups, outcome, drivers, n_boot, resample, seed
        )
        lo, hi = (1 - ci) / 2, 1 - (1 - ci) / 2
        share = gd / gd.sum(axis=1, keepdims=True)
        for name, arr in (("gd", gd), ("share", share), ("rw", rws), ("rank", ranks)):
            table[f"{name}_low"] = np.quantile(arr, lo, axis=0)
            table[f"{name}_high"] = np.quantile(arr, hi, axis=0)
    table = table.sort_values("general_dominance", ascending=False)
    table.attrs.update(
        r2=da.r2_,
        n=len(x),
        n_companies=int(x[cluster].nunique()) if cluster else None,
        outcome=outcome,
        n_boot=n_boot,
        resample=resample,
        n_redrawn=redrawn,
        members=Members.model(table.index, x.index),
    )
    return table


@renamed_arguments(company="cluster")  # the column: cluster=, as in every stats function
def logistic_drivers(
    df: pd.DataFrame,
    outcome: str,
    drivers: list[str],
    *,
    cluster: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Logistic regression of a binary outcome (e.g. plans to quit within 12 months) on
    standardised drivers, with company-clustered standard errors.

    Parameters
    ----------
    df : DataFrame
        Respondents.
    outcome : str
        A binary column.
    drivers : list of str
        Predictors (standardised before the fit).
    cluster : str, optional
        The column of the clusters (the company) for cluster-robust standard errors.
    ci : float
        Confidence level of the intervals (0.95).

    Returns
    -------
    DataFrame
        Indexed by driver: ``odds_ratio`` (per standard deviation of the driver), ``ci_low``,
        ``ci_high``, ``p``; ``attrs`` holds ``n``, ``n_events``, ``pseudo_r2`` and ``members``
        (every row rests on the complete cases).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.standard_normal((800, 2))
    >>> y = (x @ [1.0, 0.0] + rng.logistic(size=800) > 0).astype(int)
    >>> out = logistic_drivers(pd.DataFrame(x, columns=["a", "b"]).assign(y=y), "y", ["a", "b"], cluster=None)
    >>> bool(out.loc["a", "odds_ratio"] > 2 > out.loc["b", "odds_ratio"])
    True
    """
    import statsmodels.api as sm

    x = _complete(df, outcome, drivers, [cluster] if cluster else [])
    y = x[outcome]
    if not set(y.unique()) <= {0.0, 1.0}:
        raise ValueError(f"outcome {outcome!r} must be binary 0/1, found {sorted(y.unique())[:5]}")
    z = (x[drivers] - x[drivers].mean()) / x[drivers].std()
    model = sm.Logit(y, sm.add_constant(z))
    if cluster:
        fit = model.fit(
            disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(x[cluster])[0]}
        )
    else:
        fit = model.fit(disp=0)
    conf = fit.conf_int(alpha=1 - ci)
    out = pd.DataFrame(
        {
            "odds_ratio": np.exp(fit.params[drivers]),
            "ci_low": np.exp(conf.loc[drivers, 0]),
            "ci_high": np.exp(conf.loc[drivers, 1]),
            "p": fit.pvalues[drivers],
        }
    ).rename_axis("driver")
    out.attrs.update(
        n=int(len(x)),
        n_events=int(y.sum()),
        pseudo_r2=float(fit.prsquared),
        members=Members.model(out.index, x.index),
    )
    return out


def priority_matrix(importance: pd.Series, performance: pd.Series) -> pd.DataFrame:
    """Importance x performance: where to act first.

    Parameters
    ----------
    importance : Series
        Importance per driver (e.g. ``key_drivers(...)["share"]``).
    performance : Series
        Performance per driver on a common scale (e.g. the 0-100 index mean).

    Returns
    -------
    DataFrame
        Indexed by driver: ``importance``, ``performance`` and ``quadrant``: "improve"
        (above-median importance, below-median performance), "maintain" (high, high),
        "monitor" (low, low), "lower priority" (low importance, high performance).

    Examples
    --------
    >>> import pandas as pd
    >>> imp = pd.Series({"a": 0.4, "b": 0.3, "c": 0.1, "d": 0.05})
    >>> perf = pd.Series({"a": 40, "b": 80, "c": 30, "d": 90})
    >>> priority_matrix(imp, perf)["quadrant"].tolist()
    ['improve', 'maintain', 'monitor', 'lower priority']
    """
    if set(importance.index) != set(performance.index):
        raise ValueError("importance and performance must cover the same drivers")
    t = pd.DataFrame(
        {"importance": importance, "performance": performance.reindex(importance.index)}
    )
    hi_i = t["importance"] > t["importance"].median()
    hi_p = t["performance"] > t["performance"].median()
    t["quadrant"] = np.select(
        [hi_i & ~hi_p, hi_i & hi_p, ~hi_i & ~hi_p],
        ["improve", "maintain", "monitor"],
        "lower priority",
    )
    return t.rename_axis("driver")
