"""Multiplicity: adjusted p-values for a family of tests, one NaN-aware mechanism for all.

A missing p (NaN: no test was made, e.g. a hidden cell) stays missing and does not count as a
test, as in R's ``p.adjust`` (``n = length(p[!is.na(p)])``); statsmodels' ``multipletests``
would count it, or fail.
"""

from __future__ import annotations

import numpy as np

__all__ = ["adjust_p", "holm_adjust", "METHODS"]

#: The methods of :func:`adjust_p` (``fdr_bh`` is statsmodels' name for ``bh``).
METHODS = ("holm", "bh", "fdr_bh", "bonferroni", "none")


def adjust_p(p, method: str = "holm") -> np.ndarray:
    r"""Adjusted p-values of the tests ``p`` (NaN where no test), by ``method``.

    With the :math:`m` p-values present sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`:

    - ``holm`` (Holm 1979, Scand. J. Statistics 6, 65-70): :math:`\tilde p_{(i)} = \max_{j \le
      i} \min(1, (m - j + 1) p_{(j)})`, strong control of the family-wise error;
    - ``bh`` / ``fdr_bh`` (Benjamini & Hochberg 1995, JRSS B 57, 289-300): :math:`\tilde
      p_{(i)} = \min_{j \ge i} \min(1, m p_{(j)} / j)`, control of the false discovery rate;
    - ``bonferroni``: :math:`\min(1, m p)`;
    - ``none``: ``p`` as it is.

    R: ``p.adjust(p, method = "holm")`` (``"BH"``, ``"bonferroni"``) gives the same numbers,
    NaN (NA) included.

    Parameters
    ----------
    p : array-like of float
        The p-values; NaN where no test was made.
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    ndarray
        The adjusted p-values, NaN where ``p`` is.

    Examples
    --------
    >>> adjust_p([0.01, np.nan, 0.03, 0.02]).round(2).tolist()  # R: p.adjust(..., "holm")
    [0.03, nan, 0.04, 0.04]
    >>> adjust_p([0.01, 0.04, 0.03, 0.02], "bh").round(3).tolist()  # R: p.adjust(..., "BH")
    [0.04, 0.04, 0.04, 0.04]
    """
    p = np.asarray(p, dtype=float)
    if method not in METHODS:
        raise ValueError(f"adjust must be one of {', '.join(METHODS)}; got {method!r}")
    out = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    m = int(present.sum())
    if method == "none" or m == 0:
        return np.where(present, p, np.nan)
    x = p[present]
    order = np.argsort(x, kind="stable")
    ranked = x[order]
    i = np.arange(1, m + 1)
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, (m - i + 1) * ranked))
    elif method in ("bh", "fdr_bh"):
        adjusted = np.minimum.accumulate(np.minimum(1.0, m * ranked / i)[::-1])[::-1]
    else:  # bonferroni
        adjusted = np.minimum(1.0, m * ranked)
    back = np.empty(m)
    back[order] = adjusted
    out[present] = back
    return out


def holm_adjust(p) -> np.ndarray:
    """Holm's adjusted p-values: :func:`adjust_p` with ``method="holm"``.

    Examples
    --------
    >>> holm_adjust(np.array([0.01, 0.04, 0.03])).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    return adjust_p(p, "holm")
