"""Survey weights: raking to population margins, and what weights cost (design effect).

Raking (iterative proportional fitting, RIM weighting) adjusts the weights until the weighted
count of every category of every margin variable equals its population total (Deming & Stephan
1940). The iterations are weightipy's RIM engine; this module turns population counts into its
targets, checks the margins, and scales the weights to the population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .diagnostics import warn_not_converged

__all__ = ["rake", "design_effect", "effective_n", "weighted_mean"]


def design_effect(weights) -> float:
    """Kish's design effect of unequal weights: ``deff = n sum(w^2) / (sum w)^2``.

    The variance of a weighted mean is about ``deff`` times that of an unweighted one of the
    same size (Kish 1965). R: ``n * sum(w^2) / sum(w)^2``.

    Parameters
    ----------
    weights : array-like
        The respondents' weights.

    Returns
    -------
    float
        Kish's ``deff`` (1 for equal weights).

    Examples
    --------
    >>> design_effect([1, 1, 1, 1]), round(design_effect([1, 1, 1, 3]), 3)
    (1.0, 1.333)
    """
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


def effective_n(weights) -> float:
    """Kish's effective sample size: ``(sum w)^2 / sum(w^2)`` (= n / deff).

    Parameters
    ----------
    weights : array-like
        The respondents' weights.

    Returns
    -------
    float
        The effective number of respondents.

    Examples
    --------
    >>> effective_n([1, 1, 1, 1]), effective_n([1, 1, 1, 3])
    (4.0, 3.0)
    """
    w = np.asarray(weights, dtype=float)
    w = w[~np.isnan(w)]
    return float(np.sum(w) ** 2 / np.sum(w * w))


def weighted_mean(values, weights) -> float:
    """The weighted mean over the values present (R: ``svymean(~y, design, na.rm = TRUE)``).

    Parameters
    ----------
    values : array-like
        The values (NaN: not answered, left out).
    weights : array-like
        One weight per value.

    Returns
    -------
    float
        ``sum(w y) / sum(w)`` over the values present.

    Examples
    --------
    >>> weighted_mean([1.0, 2.0, float("nan")], [1.0, 3.0, 5.0])
    1.75
    """
    y, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    ok = ~np.isnan(y) & ~np.isnan(w)
    return float(np.sum(w[ok] * y[ok]) / np.sum(w[ok]))


def rake(
    df: pd.DataFrame,
    margins: dict[str, pd.Series | dict],
    *,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> pd.Series:
    """Weights that make the sample's weighted counts equal population margins.

    Parameters
    ----------
    df : DataFrame
        One row per respondent with every margin column (no missing values there).
    margins : dict
        ``{column: {category: population count}}`` (a dict or a Series): the population
        totals of each column's categories; every margin must sum to the same total.
    tol : float
        Convergence: the largest relative gap between a weighted count and its target.
    max_iter : int

    Returns
    -------
    Series
        The weights, aligned with ``df`` and summing to the population total; ``attrs``
        holds ``design_effect``, ``effective_n`` and ``iterations``.

    Notes
    -----
    The same weights as R's ``survey::rake(svydesign(ids = ~1, data = df), list(~a, ~b),
    list(pop_a, pop_b))`` (raking from equal starting weights has one solution; tested against
    it to 1e-6, tests/reference/survey_rake.R).

    Examples
    --------
    >>> df = pd.DataFrame({"sex": list("mmmff"), "age": ["y", "o", "o", "y", "o"]})
    >>> w = rake(df, {"sex": {"m": 50, "f": 50}, "age": {"y": 40, "o": 60}})
    >>> [round(float(x), 6) for x in w.groupby(df["sex"]).sum()]
    [50.0, 50.0]
    >>> [round(float(x), 6) for x in w.groupby(df["age"]).sum()]
    [60.0, 40.0]
    """
    import weightipy as wp

    data = df[list(margins)].copy()
    if data.isna().any().any():
        raise ValueError(
            f"missing values in the margin columns {list(margins)}: rake needs them all"
        )
    totals = {col: pd.Series(m, dtype=float) for col, m in margins.items()}
    population = _check_margins(data, totals)
    targets = {
        col: {k: 100 * float(v) / population for k, v in m.items()} for col, m in totals.items()
    }
    scheme = wp.scheme_from_dict(targets, rim_params={"convcrit": tol, "max_iterations": max_iter})
    out = wp.weight_dataframe(data.reset_index(drop=True), scheme, weight_column="__w__")
    w = pd.Series(out["__w__"].to_numpy(dtype=float) * population / len(data), index=df.index)
    gap = max(
        float(np.max(np.abs(w.groupby(data[col]).sum().reindex(m.index) / m - 1)))
        for col, m in totals.items()
    )
    if gap > max(tol * 100, 1e-8):
        warn_not_converged("raking", f"a margin is still {gap:.2e} (relative) off its target")
    w.attrs.update(design_effect=design_effect(w), effective_n=effective_n(w), gap=gap)
    return w.rename("weight")


def _check_margins(data: pd.DataFrame, totals: dict[str, pd.Series]) -> float:
    sums = {col: float(m.sum()) for col, m in totals.items()}
    population = next(iter(sums.values()))
    if not np.allclose(list(sums.values()), population, rtol=1e-9):
        raise ValueError(f"the margins must sum to the same population total: {sums}")
    for col, m in totals.items():
        if (m < 0).any():
            raise ValueError(f"margin {col!r} has negative counts: {m[m < 0].to_dict()}")
        seen = set(pd.unique(data[col]))
        if seen - set(m.index):
            extra = sorted((_plain(k) for k in seen - set(m.index)), key=str)
            raise ValueError(f"categories of {col!r} with no margin: {extra}")
        zero = sorted((_plain(k) for k, v in m.items() if v == 0 and k in seen), key=str)
        if zero:
            raise ValueError(
                f"margin {col!r}: respondents in {zero} but a population count of 0; "
                "no weight can make them count for nobody (check the headcounts)"
            )
        empty = [_plain(k) for k, v in m.items() if v > 0 and k not in seen]
        if empty:
            raise ValueError(f"margin {col!r}: no respondent in {empty}, whose count cannot be met")
    return population


def _plain(value):
    """A numpy scalar as the Python value it holds (for messages: 3, not np.int64(3))."""
    return value.item() if isinstance(value, np.generic) else value
