"""Polychoric (and tetrachoric) correlations of ordinal items, as psych's ``polychoric``.

Each item is taken as a normal variable cut at thresholds; the thresholds come from the item's
own answers (``tau = qnorm(cumulative share)``, psych's ``global = TRUE``) and, with them
fixed, each pair's correlation maximises the likelihood of the pair's contingency table
(the two-step estimator of Olsson 1979). All pairs are estimated at once: the tables from one
matrix product of the one-hot coded answers, the likelihood by Fisher scoring on every pair
together, the bivariate normal probabilities from Sheppard's integral by Gauss-Legendre.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .diagnostics import EstimationWarning, check_frame, warn_not_converged
from .threads import few_threads

__all__ = ["Polychoric", "polychoric", "OrdinalMoments", "ordinal_moments"]

#: cut points beyond which the normal has no mass worth counting (instead of +-inf)
_EDGE = 10.0
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(40)


def _bvn_cdf(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X <= h, Y <= k) for standard bivariate normals with correlation ``r`` (broadcast).

    Sheppard's formula ``Phi(h) Phi(k) + 1/(2 pi) int_0^asin(r) exp(-(h^2 - 2 h k sin t + k^2)
    / (2 cos^2 t)) dt`` with 40-point Gauss-Legendre: within 1e-12 of Genz's algorithm for
    ``|r| <= 0.99`` (tested against scipy).
    """
    h, k, r = np.broadcast_arrays(h, k, r)
    top = np.arcsin(r)[..., None]
    theta = top * (_NODES + 1) / 2
    s, c2 = np.sin(theta), np.cos(theta) ** 2
    hh, kk = h[..., None], k[..., None]
    integrand = np.exp(-(hh * hh - 2 * hh * kk * s + kk * kk) / (2 * c2))
    integral = (integrand * _WEIGHTS).sum(axis=-1) * top[..., 0] / 2
    return special.ndtr(h) * special.ndtr(k) + integral / (2 * np.pi)


def _bvn_pdf(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """The bivariate normal density: the derivative of :func:`_bvn_cdf` in ``r``."""
    one = 1 - r * r
    return np.exp(-(h * h - 2 * r * h * k + k * k) / (2 * one)) / (2 * np.pi * np.sqrt(one))


def _codes(x: pd.DataFrame) -> tuple[np.ndarray, int, list[float]]:
    """Answers as category numbers 0..C-1 on one scale shared by all items (NaN missing)."""
    values = x.to_numpy(dtype=float)
    answered = values[~np.isnan(values)]
    if answered.size == 0:
        raise ValueError("the items have no answers")
    if not np.allclose(answered, np.round(answered)):
        raise ValueError("polychoric correlations need whole-number answer codes (1, 2, ...)")
    low, high = answered.min(), answered.max()
    categories = int(high - low) + 1
    if categories > 10:
        raise ValueError(
            f"the items have {categories} answer values; polychoric correlations are for "
            "ordinal items with at most 10 categories"
        )
    return values - low, categories, list(np.arange(low, high + 1))


def _thresholds(codes: np.ndarray, categories: int) -> np.ndarray:
    """items x (C - 1): the normal quantile of each item's cumulative answer shares."""
    p = codes.shape[1]
    counts = np.stack(
        [
            np.bincount(codes[~np.isnan(codes[:, j]), j].astype(int), minlength=categories)
            for j in range(p)
        ]
    )
    cumulative = np.cumsum(counts, axis=1)[:, :-1] / counts.sum(axis=1, keepdims=True)
    return special.ndtri(cumulative)


def _pair_tables(codes: np.ndarray, categories: int) -> np.ndarray:
    """p x p x C x C contingency tables of every pair (pairwise complete) in one product."""
    n, p = codes.shape
    onehot = np.zeros((n, p * categories), dtype=np.float32)
    rows, cols = np.nonzero(~np.isnan(codes))
    onehot[rows, cols * categories + codes[rows, cols].astype(int)] = 1
    tables = (onehot.T @ onehot).astype(float)
    return tables.reshape(p, categories, p, categories).transpose(0, 2, 1, 3)


def _cell_probabilities(
    a: np.ndarray, b: np.ndarray, r: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cell probabilities and their derivatives in r, pairs x C x C, from the corner grids."""
    h, k, rr = a[:, :, None], b[:, None, :], r[:, None, None]
    corners = _bvn_cdf(h, k, rr)
    slopes = _bvn_pdf(h, k, rr)
    return (
        np.diff(np.diff(corners, axis=1), axis=2),
        np.diff(np.diff(slopes, axis=1), axis=2),
    )


def _fit_pairs(
    tables: np.ndarray, a: np.ndarray, b: np.ndarray, start: np.ndarray, tol: float = 1e-10
) -> tuple[np.ndarray, bool]:
    """Maximum-likelihood correlations of all pairs at once by Fisher scoring."""
    r = np.clip(start, -0.95, 0.95)
    total = tables.sum(axis=(1, 2))
    for _ in range(100):
        prob, slope = _cell_probabilities(a, b, r)
        ok = prob > 1e-300
        safe = np.where(ok, prob, 1.0)
        score = np.where(ok, tables * slope / safe, 0).sum(axis=(1, 2))
        info = total * np.where(ok, slope * slope / safe, 0).sum(axis=(1, 2))
        step = np.where(info > 0, score / np.where(info > 0, info, 1), 0)
        new = np.clip(r + step, -0.9999, 0.9999)
        done = np.nanmax(np.abs(new - r)) < tol
        r = new
        if done:
            return r, True
    return r, False


def _smooth(cor: np.ndarray) -> tuple[np.ndarray, bool]:
    """psych's ``cor.smooth``: a matrix that is not positive definite gets its negative
    eigenvalues raised to 100 eps and is rescaled to unit diagonal."""
    values, vectors = np.linalg.eigh(cor)
    if values.min() > np.finfo(float).eps:
        return cor, False
    values = np.where(values < np.finfo(float).eps, 100 * np.finfo(float).eps, values)
    values = values * len(values) / values.sum()
    fixed = vectors @ np.diag(values) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d), True


@dataclass
class Polychoric:
    """Polychoric correlations of ordinal items (tetrachoric for 0/1 items), as psych.

    ``rho`` maximises the bivariate-normal likelihood of each pair's contingency table with the
    thresholds fixed at each item's own quantiles (``tau_j = Phi^-1(share of answers <= j)``;
    Olsson 1979, psych's ``polychoric(x)`` with ``global = TRUE``); missing answers are left
    out pair by pair. A matrix that is not positive definite is smoothed as psych's
    ``cor.smooth`` (with a warning).

    Parameters
    ----------
    smooth : bool
        Smooth a matrix that is not positive definite (psych's default).

    Attributes (after ``fit``)
    --------------------------
    rho_ : DataFrame
        Items x items correlations.
    tau_ : DataFrame
        Items x cut points (``1|2``, ``2|3``, ...): the thresholds, ``inf`` for a category
        above an item's highest answer.
    n_obs_ : int
        Respondents with at least one answer.
    counts_ : DataFrame
        Respondents behind each correlation (pairwise complete).
    converged_ : bool
    smoothed_ : bool

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=5000)
    >>> items = pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=["a", "b"])
    >>> round(float(Polychoric().fit(items).rho_.loc["a", "b"]), 2)
    0.6
    """

    smooth: bool = True

    @few_threads
    def fit(self, items: pd.DataFrame) -> Polychoric:
        x = check_frame(items, getattr(items, "columns", []), what="items")
        if x.shape[1] < 2:
            raise ValueError(f"need at least 2 items, got {x.shape[1]}: {list(x.columns)}")
        codes, categories, values = _codes(x)
        constant = [c for c, v in zip(x.columns, np.nanstd(codes, axis=0), strict=True) if v == 0]
        if constant:
            raise ValueError(f"constant items (no variance), remove them: {constant}")
        tau = _thresholds(codes, categories)
        tables = _pair_tables(codes, categories)
        p = x.shape[1]
        i, j = np.triu_indices(p, 1)
        edges = np.clip(np.c_[np.full(p, -np.inf), tau, np.full(p, np.inf)], -_EDGE, _EDGE)
        start = np.corrcoef(np.where(np.isnan(codes), np.nanmean(codes, axis=0), codes).T)
        r, self.converged_ = _fit_pairs(tables[i, j], edges[i], edges[j], start[i, j])
        if not self.converged_:
            warn_not_converged("polychoric", f"items {list(x.columns)}")
        rho = np.eye(p)
        rho[i, j] = rho[j, i] = r
        self.smoothed_ = False
        if self.smooth:
            rho, self.smoothed_ = _smooth(rho)
            if self.smoothed_:
                warnings.warn(
                    "polychoric: the matrix was not positive definite and was smoothed "
                    "(psych's cor.smooth)",
                    EstimationWarning,
                    stacklevel=2,
                )
        names = list(x.columns)
        cuts = [f"{values[c]:g}|{values[c + 1]:g}" for c in range(categories - 1)]
        self.rho_ = pd.DataFrame(rho, index=names, columns=names)
        self.tau_ = pd.DataFrame(tau, index=names, columns=cuts)
        present = (~np.isnan(codes)).astype(float)
        self.counts_ = pd.DataFrame(present.T @ present, index=names, columns=names)
        self.n_obs_ = int((present.sum(axis=1) > 0).sum())
        return self


def polychoric(items: pd.DataFrame, *, smooth: bool = True) -> Polychoric:
    """Polychoric correlations of ordinal ``items`` (:class:`Polychoric`); the same numbers as
    ``psych::polychoric(items)`` (``$rho``, ``$tau``).

    Parameters
    ----------
    items : DataFrame
        Ordered answers (whole numbers); each pair of items uses the rows that answered both.
    smooth : bool
        Make the matrix positive definite where it is not (psych's ``smooth = TRUE``).

    Returns
    -------
    Polychoric
        Fitted: ``rho_`` (items x items) and ``tau_`` (thresholds).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> z = rng.multivariate_normal([0, 0], [[1, -0.4], [-0.4, 1]], size=4000)
    >>> items = pd.DataFrame((z > 0).astype(int), columns=["yes1", "yes2"])  # tetrachoric
    >>> round(float(polychoric(items).rho_.iloc[0, 1]), 1)
    -0.4
    """
    return Polychoric(smooth=smooth).fit(items)


# ----------------------------------------------------------------------------- WLS moments
@dataclass
class OrdinalMoments:
    """The sample statistics of weighted least squares for ordered items (Muthén 1984): each
    item's thresholds, the polychoric correlations, and the asymptotic covariance of both.

    Built from complete cases (lavaan's default ``missing = "listwise"`` for categorical
    data), with each item's own answer values as its categories. ``gamma`` is ``n`` times
    the asymptotic covariance of ``vector`` (lavaan's ``NACOV``, ``lavInspect(fit,
    "gamma")``): the sandwich ``B^-1 (S'S) B^-T`` of the case-wise scores ``S`` of the
    univariate (thresholds) and bivariate (correlations, thresholds held fixed) likelihoods,
    where ``B`` holds their outer-product information and the derivative of the correlation
    scores in the thresholds (the two-step correction).

    Parameters
    ----------
    items, levels, thresholds, rho, pairs, vector, gamma, n
        As the attributes below; made by :func:`ordinal_moments`, not by hand.

    Attributes
    ----------
    items : list of str
    levels : list of ndarray
        Each item's answer values, lowest first.
    thresholds : list of ndarray
        Each item's cut points (one fewer than its values).
    rho : ndarray
        Items x items polychoric correlations (not smoothed).
    pairs : tuple of ndarray
        ``(i, j)``, ``i < j``: the order of the correlations in ``vector``.
    vector : ndarray
        Every threshold (item by item), then the correlations of ``pairs``.
    gamma : ndarray
        ``n`` x the asymptotic covariance of ``vector``.
    n : int
        Complete cases.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=3000)
    >>> m = ordinal_moments(pd.DataFrame(np.digitize(z, [-1, 0, 1]), columns=["a", "b"]))
    >>> m.n, [len(t) for t in m.thresholds], m.gamma.shape
    (3000, [3, 3], (7, 7))
    """

    items: list[str]
    levels: list[np.ndarray]
    thresholds: list[np.ndarray]
    rho: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray]
    vector: np.ndarray
    gamma: np.ndarray
    n: int


def ordinal_moments(items: pd.DataFrame, *, levels: list | None = None) -> OrdinalMoments:
    """Thresholds, polychoric correlations and their asymptotic covariance
    (:class:`OrdinalMoments`), as lavaan's ``muthen1984`` for WLSMV.

    Parameters
    ----------
    items : DataFrame
        Ordered answers (whole numbers); rows with a missing answer are left out.
    levels : list of array-like, optional
        Each item's answer values (e.g. the same values in every group of a multi-group
        model); by default the values each item has. A value outside them is an error.

    Returns
    -------
    OrdinalMoments
        ``thresholds``, ``rho``, ``vector`` and its asymptotic covariance ``gamma``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=3000)
    >>> m = ordinal_moments(pd.DataFrame(np.digitize(z, [-1, 0, 1]), columns=["a", "b"]))
    >>> len(m.vector), round(float(m.rho[0, 1]), 1)
    (7, 0.5)
    """
    x = check_frame(items, getattr(items, "columns", []), what="items").dropna()
    p = x.shape[1]
    if p < 2 or len(x) <= p:
        raise ValueError(f"need at least 2 items and more complete cases than items: {x.shape}")
    values = x.to_numpy(dtype=float)
    if not np.allclose(values, np.round(values)):
        raise ValueError("ordered items need whole-number answer codes (1, 2, ...)")
    levels = [np.unique(values[:, j]) for j in range(p)] if levels is None else levels
    codes = np.empty(values.shape, dtype=int)
    for j, lv in enumerate(levels):
        lv = np.asarray(lv, dtype=float)
        pos = np.searchsorted(lv, values[:, j])
        if (pos >= len(lv)).any() or not np.array_equal(
            lv[np.minimum(pos, len(lv) - 1)], values[:, j]
        ):
            raise ValueError(f"item {x.columns[j]!r} has answers outside its values {list(lv)}")
        if len(lv) < 2:
            raise ValueError(f"item {x.columns[j]!r} has one answer value only")
        codes[:, j] = pos
    counts = [np.bincount(codes[:, j], minlength=len(lv)) for j, lv in enumerate(levels)]
    empty = [
        (x.columns[j], float(levels[j][c]))
        for j in range(p)
        for c in np.flatnonzero(counts[j] == 0)
    ]
    if empty:
        raise ValueError(f"answer values nobody chose (item, value): {empty}; merge or drop them")
    thresholds = [special.ndtri(np.cumsum(c)[:-1] / len(codes)) for c in counts]
    k = max(len(lv) for lv in levels)
    edges = np.full((p, k + 1), _EDGE)
    edges[:, 0] = -_EDGE
    for j, t in enumerate(thresholds):
        edges[j, 1 : len(t) + 1] = t
    tables = _pair_tables(codes.astype(float), k)
    i, j = np.triu_indices(p, 1)
    start = np.corrcoef(values.T)
    r, converged = _fit_pairs(tables[i, j], edges[i], edges[j], start[i, j])
    if not converged:
        warn_not_converged("polychoric", f"items {list(x.columns)}")
    rho = np.eye(p)
    rho[i, j] = rho[j, i] = r
    gamma = _muthen_gamma(codes, thresholds, edges, tables[i, j], (i, j), r)
    vector = np.r_[np.concatenate(thresholds), r]
    return OrdinalMoments(
        list(x.columns),
        [np.asarray(v) for v in levels],
        thresholds,
        rho,
        (i, j),
        vector,
        gamma,
        len(codes),
    )


def _muthen_gamma(codes, thresholds, edges, tables, pairs, r) -> np.ndarray:
    """n x the sandwich covariance of thresholds and correlations (lavaan's muthen1984)."""
    n, p = codes.shape
    i, j = pairs
    offsets = np.r_[0, np.cumsum([len(t) for t in thresholds])]
    nth = offsets[-1]
    # univariate scores: d log P(y_j) / d tau_jc
    sc_th = np.zeros((n, nth))
    rows = np.arange(n)
    for item, t in enumerate(thresholds):
        e = edges[item]
        c = codes[:, item]
        prob = special.ndtr(e[c + 1]) - special.ndtr(e[c])
        upper = c < len(t)
        sc_th[rows[upper], offsets[item] + c[upper]] = _phi(e[c[upper] + 1]) / prob[upper]
        lower = c > 0
        sc_th[rows[lower], offsets[item] + c[lower] - 1] = -_phi(e[c[lower]]) / prob[lower]
    # bivariate scores in rho, per cell, and their derivatives in the thresholds (A21)
    prob, slope = _cell_probabilities(edges[i], edges[j], r)
    ok = prob > 1e-300
    safe = np.where(ok, prob, 1.0)
    sc_rho = np.where(ok, slope / safe, 0.0)  # pairs x K x K
    sc_cor = sc_rho[np.arange(len(r))[None, :], codes[:, i], codes[:, j]]  # n x pairs
    q = np.where(ok, tables * sc_rho / safe, 0.0)
    s = np.sqrt(1 - r * r)[:, None, None]
    a21 = np.zeros((len(r), nth))
    for rows_item, cols_item, qq in ((i, j, q), (j, i, q.transpose(0, 2, 1))):
        h = edges[rows_item][:, :, None]  # the row item's edges
        k = edges[cols_item][:, None, :]
        g = _phi(h) * np.diff(special.ndtr((k - r[:, None, None] * h) / s), axis=2)
        # d P[u, v] / d tau_m = g[m + 1, v] (u = m) - g[m + 1, v] (u = m + 1)
        part = (g[:, 1:-1, :] * (qq[:, :-1, :] - qq[:, 1:, :])).sum(axis=2)
        for pair in range(len(r)):
            item = rows_item[pair]
            m = len(thresholds[item])
            a21[pair, offsets[item] : offsets[item] + m] = part[pair, :m]
    scores = np.hstack([sc_th, sc_cor])
    inner = scores.T @ scores
    a11 = np.zeros((nth, nth))
    for item in range(p):
        block = slice(offsets[item], offsets[item + 1])
        a11[block, block] = inner[block, block]
    a11_inv = np.linalg.inv(a11)
    a22_inv = np.diag(1 / np.diag(inner)[nth:])
    b_inv = np.block([[a11_inv, np.zeros((nth, len(r)))], [-a22_inv @ a21 @ a11_inv, a22_inv]])
    return n * (b_inv @ inner @ b_inv.T)


def _phi(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
