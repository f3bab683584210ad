"""Correlations of many variables at once, each pair with its interval and adjusted p."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .disclosure import Members
from .multitest import adjust_p

__all__ = ["corr_matrix"]

#: Fewer pairs of answers than this: no r, test or interval (the Fisher interval needs n > 3).
MIN_PAIRS = 4


def corr_matrix(
    df: pd.DataFrame,
    columns: list[str] | None = None,
    *,
    method: str = "pearson",
    ci: float = 0.95,
    adjust: str = "holm",
) -> pd.DataFrame:
    r"""Every pair of ``columns``: who answered both, r, its test, interval and adjusted p.

    For each pair the respondents who answered both (pairwise complete) give
    :math:`r` (Pearson, or Spearman: Pearson's of the ranks),
    :math:`t = r\sqrt{n-2}/\sqrt{1-r^2}` on :math:`n-2` degrees of freedom, its two-sided p,
    and the Fisher-z interval :math:`\tanh(\operatorname{atanh} r \pm z_{1-\alpha/2}/
    \sqrt{n-3})`; p is then adjusted across all the pairs (:func:`~ksresearch.stats.multitest.
    adjust_p`: ``holm``, ``bh``, ``bonferroni`` or ``none``).

    Reference: Revelle, psych ``corr.test``; the same numbers in R:
    ``psych::corr.test(d, method = "pearson", adjust = "holm")`` (``$r``, ``$n``, ``$t``; ``$p``
    below the diagonal raw and above it adjusted; ``$ci`` the interval).

    Parameters
    ----------
    df : DataFrame
    columns : list of str, optional
        Default: every numeric column.
    method : {"pearson", "spearman"}
    ci : float
        Coverage of the interval.
    adjust : str
        Multiplicity correction across the pairs.

    Returns
    -------
    DataFrame
        Indexed by (``x``, ``y``), each pair once in the order of ``columns``: ``n``, ``r``,
        ``t``, ``p``, ``p_adj``, ``ci_low``, ``ci_high`` (all but ``n`` missing under
        :data:`MIN_PAIRS` pairs). ``attrs``: ``method``, ``adjust``, ``ci`` and ``members``
        (each pair's row rests on those who answered both).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5], "c": [6.0, 5, 4, 3, 2, 1]})
    >>> corr_matrix(d)["r"].round(3).tolist()
    [0.829, -1.0, -0.829]
    """
    if method not in ("pearson", "spearman"):
        raise ValueError(f"method must be 'pearson' or 'spearman', got {method!r}")
    columns = list(df.select_dtypes("number").columns if columns is None else columns)
    values = {c: _numeric(df, c) for c in columns}
    z = stats.norm.ppf(0.5 + ci / 2)
    pairs = [(x, y) for i, x in enumerate(columns) for y in columns[i + 1 :]]
    rows, members = [], Members()
    for x, y in pairs:
        both = (~np.isnan(values[x])) & (~np.isnan(values[y]))
        rows.append(_pair(values[x][both], values[y][both], method, z))
        members.add((x, y), None, df.index.to_numpy()[both])
    index = pd.MultiIndex.from_tuples(pairs, names=["x", "y"])
    out = pd.DataFrame(rows, index=index, columns=["n", "r", "t", "p", "ci_low", "ci_high"])
    out.insert(4, "p_adj", adjust_p(out["p"].to_numpy(dtype=float), adjust))
    out.attrs.update(method=method, adjust=adjust, ci=ci, members=members)
    return out


def _numeric(df: pd.DataFrame, column: str) -> np.ndarray:
    try:
        return pd.to_numeric(df[column]).to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"column {column!r} is not numeric (free text is never correlated)"
        ) from None


def _pair(a: np.ndarray, b: np.ndarray, method: str, z: float) -> tuple:
    """(n, r, t, p, low, high) of one pair of complete answers."""
    n = len(a)
    if n < MIN_PAIRS or np.ptp(a) == 0 or np.ptp(b) == 0:
        return (n, *[np.nan] * 5)
    if method == "spearman":
        a, b = stats.rankdata(a), stats.rankdata(b)
    r = float(np.corrcoef(a, b)[0, 1])
    with np.errstate(divide="ignore"):
        t = r * np.sqrt(n - 2) / np.sqrt(1 - r**2)
    p = float(2 * stats.t.sf(abs(t), n - 2))
    half = z / np.sqrt(n - 3)
    low, high = np.tanh(np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15)) + np.array([-half, half]))
    return n, r, float(t), p, float(low), float(high)
