"""Reliability, factorability, number of factors and exploratory factor analysis.

Numbers follow R's psych package (``alpha``, ``KMO``, ``cortest.bartlett``, ``fa.parallel``,
``fa``, ``omega``) and are tested against its published output. Correlations are pairwise
(psych's default) unless ``missing="listwise"`` is asked for.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .diagnostics import (
    ReverseKeyWarning,
    Text,
    check_frame,
    rmsea_ci,
    warn_heywood,
    warn_not_converged,
)
from .ordinal import Polychoric
from .progress import progress
from .threads import few_threads

__all__ = [
    "alpha",
    "item_analysis",
    "omega",
    "kmo",
    "bartlett",
    "ParallelAnalysis",
    "parallel_analysis",
    "EFA",
    "efa",
]


# ----------------------------------------------------------------------------- input checks
def _items(
    items: pd.DataFrame, *, min_items: int = 2, min_rows: int = 3, name: str = "items"
) -> pd.DataFrame:
    """Numeric float copy of ``items``; clear errors for what no statistic can use."""
    x = check_frame(items, getattr(items, "columns", []), what=name)
    if x.shape[1] < min_items:
        raise ValueError(f"need at least {min_items} items, got {x.shape[1]}: {list(x.columns)}")
    empty = [c for c in x.columns if x[c].notna().sum() == 0]
    if empty:
        raise ValueError(f"items with no answers: {empty}")
    if x.dropna(how="all").shape[0] < min_rows:
        raise ValueError(
            f"need at least {min_rows} respondents, got {x.dropna(how='all').shape[0]}"
        )
    spread = np.nanmax(x.to_numpy(), axis=0) - np.nanmin(x.to_numpy(), axis=0)
    constant = [c for c, d in zip(x.columns, spread, strict=True) if d == 0]
    if constant:
        raise ValueError(f"constant items (no variance), remove them: {constant}")
    return x


def _cov_cor(x: pd.DataFrame, missing: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Covariance, correlation, pairwise counts and n (rows used)."""
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    if missing == "listwise":
        x = x.dropna()
        if len(x) < 3:
            raise ValueError(f"only {len(x)} respondents answered every item (listwise)")
    values = x.to_numpy()
    present = ~np.isnan(values)
    if (
        present.all()
    ):  # complete data: numpy is an order of magnitude faster than pandas' pairwise code
        cov = np.cov(values, rowvar=False)
        sd = np.sqrt(np.diag(cov))
        cor = cov / np.outer(sd, sd)
        counts = np.full(cov.shape, float(len(values)))
    else:
        cov = x.cov().to_numpy()
        cor = x.corr().to_numpy()
        counts = present.T.astype(float) @ present.astype(float)
    if np.isnan(cor).any():
        i, j = np.argwhere(np.isnan(cor))[0]
        raise ValueError(f"items {x.columns[i]!r} and {x.columns[j]!r} are never answered together")
    return cov, cor, counts, len(x)


_CORRELATIONS = ("pearson", "poly")


def _correlations(
    x: pd.DataFrame, missing: str, cor: str
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, int]:
    """As :func:`_cov_cor`, with polychoric correlations for ``cor="poly"`` (no covariance)."""
    if cor not in _CORRELATIONS:
        raise ValueError(f"cor must be one of {_CORRELATIONS}, got {cor!r}")
    if cor == "pearson":
        return _cov_cor(x, missing)
    _cov_cor(x, missing)  # the same checks of the answers
    used = x.dropna() if missing == "listwise" else x
    model = Polychoric().fit(used)
    return None, model.rho_.to_numpy(), model.counts_.to_numpy(), len(used)


def _warn_reversed(cor: np.ndarray, columns, what: str) -> None:
    """Warn, naming the items, when an item correlates negatively with the sum of the others
    (a reverse key forgotten?), as psych's ``alpha`` and ``omega`` do."""
    totals = cor.sum(axis=1) - 1  # sum of each item's correlations with the others
    rest = np.array([cor.sum() - 2 * cor[i].sum() + cor[i, i] for i in range(len(cor))])
    item_rest = totals / np.sqrt(np.clip(rest, 1e-12, None))
    negative = [c for c, r in zip(columns, item_rest, strict=True) if r < 0]
    if negative:
        warnings.warn(
            f"{what}: items {negative} correlate negatively with the rest of the scale; "
            "should they be reverse-keyed?",
            ReverseKeyWarning,
            stacklevel=3,
        )


def _alpha_from(c: np.ndarray) -> float:
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


# ----------------------------------------------------------------------------- reliability
def alpha(
    items: pd.DataFrame, *, ci: float = 0.95, missing: str = "pairwise", ordinal: bool = False
) -> pd.DataFrame:
    """Cronbach's alpha, raw and standardised, with Feldt's confidence interval.

    ``alpha = k / (k - 1) * (1 - tr(C) / sum(C))`` of the covariance matrix (raw) or of the
    correlation matrix (standardised). With ``ordinal=True`` both are the *ordinal alpha* of
    Zumbo, Gadermann & Zeisser (2007): alpha of the polychoric correlation matrix
    (:func:`ksresearch.polychoric`), as ``psych::alpha(polychoric(items)$rho)``; ``average_r``
    and ``median_r`` are then polychoric too.

    Parameters
    ----------
    items : DataFrame
        One column per item, reverse-keyed items already turned (see
        :func:`ksresearch.reverse_items`).
    ci : float
        Confidence level of the interval.
    missing : {"pairwise", "listwise"}
        Covariances from pairwise complete answers (psych's default) or complete cases only.
    ordinal : bool
        Ordinal alpha from polychoric correlations (5-point items are ordinal, not interval).

    Returns
    -------
    DataFrame
        One row: ``n`` (respondents), ``n_items``, ``alpha`` (from covariances), ``alpha_std``
        (from correlations), ``ci_low``, ``ci_high`` (Feldt), ``average_r``, ``median_r``,
        ``mean`` and ``sd`` of the respondents' mean scores.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> alpha(df)[["n", "n_items", "alpha", "alpha_std"]].round(3)
       n  n_items  alpha  alpha_std
    0  5        3  0.954      0.958
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie between 0 and 1, got {ci}")
    x = _items(items)
    cov, cor, _, n = _correlations(x, missing, "poly" if ordinal else "pearson")
    _warn_reversed(cor, x.columns, "alpha")
    k = x.shape[1]
    a_std = _alpha_from(cor)
    a = a_std if ordinal else _alpha_from(cov)
    off = cor[np.triu_indices(k, 1)]
    p = 1 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    used = x.dropna() if missing == "listwise" else x
    values = used.to_numpy()
    answered = (~np.isnan(values)).sum(axis=1)
    score = pd.Series(np.nansum(values, axis=1) / np.where(answered > 0, answered, np.nan))
    return pd.DataFrame(
        [
            {
                "n": n,
                "n_items": k,
                "alpha": a,
                "alpha_std": a_std,
                "ci_low": 1 - (1 - a) * stats.f.ppf(1 - p / 2, df1, df2),
                "ci_high": 1 - (1 - a) * stats.f.ppf(p / 2, df1, df2),
                "average_r": off.mean(),
                "median_r": float(np.median(off)),
                "mean": score.mean(),
                "sd": score.std(ddof=1),
            }
        ]
    )


def item_analysis(items: pd.DataFrame, *, missing: str = "pairwise") -> pd.DataFrame:
    """Item-rest correlations and alpha if the item is deleted.

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.

    Returns
    -------
    DataFrame
        Indexed by item: ``n``, ``mean``, ``sd``, ``r_drop`` (correlation of the item with the
        sum of the other items), ``alpha_if_deleted`` (raw) and ``alpha_std_if_deleted``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> item_analysis(df)["r_drop"].round(2).tolist()
    [0.97, 0.9, 0.87]
    """
    x = _items(items, min_items=3)
    cov, cor, _, _ = _cov_cor(x, missing)
    used = x.dropna() if missing == "listwise" else x
    rows = []
    total = cov.sum()
    for i, item in enumerate(x.columns):
        keep = [j for j in range(x.shape[1]) if j != i]
        rest_var = total - 2 * cov[i].sum() + cov[i, i]
        rows.append(
            {
                "item": item,
                "n": int(used[item].notna().sum()),
                "mean": used[item].mean(),
                "sd": used[item].std(ddof=1),
                "r_drop": (cov[i].sum() - cov[i, i]) / np.sqrt(cov[i, i] * rest_var),
                "alpha_if_deleted": _alpha_from(cov[np.ix_(keep, keep)]),
                "alpha_std_if_deleted": _alpha_from(cor[np.ix_(keep, keep)]),
            }
        )
    return pd.DataFrame(rows).set_index("item").rename_axis(None)


def omega(
    items: pd.DataFrame, *, n_factors: int = 1, missing: str = "pairwise", cor: str = "pearson"
) -> pd.DataFrame:
    """McDonald's omega total, and omega hierarchical when a general factor is modelled.

    As psych's ``omega``: an oblimin minres EFA with ``n_factors`` group factors, a general
    factor by a Schmid-Leiman transformation (with three or more group factors, a one-factor
    minres model of their correlations; with two, equal general loadings ``sqrt(|phi_12|)``).
    Items whose general loading is negative are flipped (psych's ``flip = TRUE``), then, with
    ``R`` the flipped correlation matrix and ``h2`` the first-order communalities
    ``diag(L Phi L')``::

        omega_total = 1 - sum(1 - h2) / sum(R)
        omega_h     = (sum of general loadings)^2 / sum(R)

    Same numbers as ``psych::omega(items, nfactors = n_factors)`` (``omega.tot``,
    ``omega_h``); with one factor ``omega_h`` is left missing, as it is not meaningful there.
    ``cor="poly"`` works on polychoric correlations (``psych::omega(items, poly = TRUE)``).

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    n_factors : int
        Group factors of the Schmid-Leiman solution (1: omega total only).
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.
    cor : {"pearson", "poly"}
        Pearson or polychoric correlations.

    Returns
    -------
    DataFrame
        One row: ``n_items``, ``n_factors``, ``omega_total``, ``omega_h`` (NaN for one
        factor) and ``reversed`` (a tuple of the items flipped).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal(2000)
    >>> df = pd.DataFrame({f"x{i}": 0.7 * f + 0.71 * rng.standard_normal(2000) for i in range(4)})
    >>> round(float(omega(df)["omega_total"].iloc[0]), 2)
    0.8
    """
    x = _items(items, min_items=3)
    if n_factors < 1 or n_factors >= x.shape[1]:
        raise ValueError(f"n_factors must be between 1 and {x.shape[1] - 1}, got {n_factors}")
    rotation = "oblimin" if n_factors > 1 else "none"
    model = EFA(n_factors, rotation=rotation, missing=missing, cor=cor).fit(x)
    r = model.correlations_.to_numpy()
    _warn_reversed(r, x.columns, "omega")
    general = model.loadings_.to_numpy() @ _general_loadings(model.phi_.to_numpy())
    key = np.where(general < 0, -1.0, 1.0)
    vt = (r * np.outer(key, key)).sum()
    h2 = model.communalities_.to_numpy()
    return pd.DataFrame(
        [
            {
                "n_items": x.shape[1],
                "n_factors": n_factors,
                "omega_total": 1 - (1 - h2).sum() / vt,
                "omega_h": (key * general).sum() ** 2 / vt if n_factors > 1 else np.nan,
                "reversed": tuple(c for c, k in zip(x.columns, key, strict=True) if k < 0),
            }
        ]
    )


def _general_loadings(phi: np.ndarray) -> np.ndarray:
    """Loadings of the group factors on the general factor (psych's ``schmid``)."""
    m = phi.shape[0]
    if m == 1:
        return np.ones(1)
    if m == 2:  # not identified: equal loadings (psych's option = "equal")
        r = phi[0, 1]
        return np.array([np.sqrt(abs(r)), np.sign(r) * np.sqrt(abs(r))])
    g = _minres(phi, 1)[0][:, 0]
    return g * np.sign(g.sum() or 1.0)


# ----------------------------------------------------------------------------- factorability
def kmo(items: pd.DataFrame, *, missing: str = "pairwise") -> pd.DataFrame:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, per item and overall.

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.

    Returns
    -------
    DataFrame
        Column ``msa``, indexed by item, with a last row ``overall``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.standard_normal(500)
    >>> df = pd.DataFrame({f"x{i}": f + rng.standard_normal(500) for i in range(4)})
    >>> bool(kmo(df).loc["overall", "msa"] > 0.7)
    True
    """
    x = _items(items)
    _, cor, _, _ = _cov_cor(x, missing)
    inv = np.linalg.pinv(cor)
    d = np.sqrt(np.diag(inv))
    partial = -inv / np.outer(d, d)
    r2 = cor**2
    p2 = partial**2
    np.fill_diagonal(r2, 0)
    np.fill_diagonal(p2, 0)
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    return pd.DataFrame({"msa": np.append(per_item, overall)}, index=[*x.columns, "overall"])


def bartlett(items: pd.DataFrame, *, missing: str = "pairwise") -> pd.DataFrame:
    """Bartlett's test that the correlation matrix is an identity matrix.

    ``chi2 = -(n - 1 - (2p + 5) / 6) * log|R|`` with ``p(p - 1) / 2`` degrees of freedom.

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.

    Returns
    -------
    DataFrame
        One row: ``chi2``, ``df``, ``p``, ``n``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> f = rng.standard_normal(300)
    >>> df = pd.DataFrame({f"x{i}": f + rng.standard_normal(300) for i in range(3)})
    >>> bool(bartlett(df)["p"].iloc[0] < 0.001)
    True
    """
    x = _items(items)
    _, cor, _, n = _cov_cor(x, missing)
    p = x.shape[1]
    sign, logdet = np.linalg.slogdet(cor)
    if sign <= 0:
        raise ValueError(
            "the correlation matrix is singular: some items are linear combinations of others"
        )
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    dof = p * (p - 1) // 2
    return pd.DataFrame([{"chi2": chi2, "df": dof, "p": stats.chi2.sf(chi2, dof), "n": n}])


# ----------------------------------------------------------------------------- extraction
def _smc(cor: np.ndarray) -> np.ndarray:
    return 1 - 1 / np.diag(np.linalg.pinv(cor))


def _minres(cor: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimum residual (unweighted least squares) factoring as psych's ``fm="minres"``.

    Minimises the sum of squared residuals over the uniquenesses (bounded to [.005, 1], start
    1 - SMC). The objective is the sum of the squared trailing eigenvalues of R - diag(psi),
    whose gradient is -2 diag(R - diag(psi) - LL').
    """

    def parts(psi: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        reduced = cor - np.diag(psi)
        values, vectors = np.linalg.eigh(reduced)
        values, vectors = values[::-1], vectors[:, ::-1]
        load = vectors[:, :n_factors] * np.sqrt(
            np.clip(values[:n_factors], 100 * np.finfo(float).eps, None)
        )
        resid = reduced - load @ load.T
        return float((resid**2).sum()), -2 * np.diag(resid), load

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        f, g, _ = parts(psi)
        return f, g

    psi = _uniquenesses(fun, 1 - _smc(cor), "minres factoring", ftol=1e-12, gtol=1e-8)
    _, _, load = parts(psi)
    return load, psi


def _uniquenesses(fun, start: np.ndarray, name: str, *, ftol: float, gtol: float) -> np.ndarray:
    """The uniquenesses that minimise ``fun`` (value and gradient) within [0.005, 1], as psych
    bounds them, from ``start``; a warning if the optimiser stops short."""
    res = optimize.minimize(
        fun,
        np.clip(start, 0.005, 1.0),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.005, 1.0)] * len(start),
        options={"maxiter": 1000, "ftol": ftol, "gtol": gtol},
    )
    if not res.success:
        warn_not_converged(name, str(res.message))
    return res.x


def _ml(cor: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Maximum-likelihood factoring as psych's ``fa(fm = "ml")`` (its ``fit.ml``, after
    ``stats::factanal``): the uniquenesses :math:`\Psi` minimise :math:`-\sum_{j>m}(\log
    e_j - e_j) - m + p` over the eigenvalues :math:`e` of :math:`\Psi^{-1/2} R
    \Psi^{-1/2}`, from :math:`(1 - m/2p) / \operatorname{diag}(R^{-1})` within [0.005, 1];
    the loadings are :math:`\Psi^{1/2} V_m \sqrt{\max(E_m - 1, 0)}`."""
    p = cor.shape[0]

    def parts(psi: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        sc = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(cor * np.outer(sc, sc))
        values, vectors = values[::-1], vectors[:, ::-1]
        e = values[n_factors:]
        return -float(np.sum(np.log(e) - e) - n_factors + p), values, vectors, sc

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        f, values, vectors, _ = parts(psi)
        load = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors] - 1, 0))
        load = np.sqrt(psi)[:, None] * load  # factanal's FAgr
        g = load @ load.T + np.diag(psi) - cor
        return f, np.diag(g) / psi**2

    start = (1 - 0.5 * n_factors / p) / np.diag(np.linalg.inv(cor))
    psi = _uniquenesses(fun, start, "ML factoring", ftol=1e-14, gtol=1e-10)
    _, values, vectors, sc = parts(psi)
    load = vectors[:, :n_factors] * np.sqrt(np.maximum(values[:n_factors] - 1, 0))
    return load / sc[:, None], psi


def _promax(a: np.ndarray, power: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """psych's ``fa(rotate = "promax")``, which is ``kaiser(f, "Promax")``: each item's row
    scaled to length 1, then ``Promax`` (varimax, the least-squares fit to the target
    ``X |X|^(power - 1)``, columns rescaled), then the rows scaled back; returns (pattern
    loadings, Phi)."""
    h = np.sqrt((a**2).sum(axis=1))[:, None]
    t = _varimax(a / h)
    x = a / h @ t
    u = np.linalg.lstsq(x, x * np.abs(x) ** (power - 1), rcond=None)[0]
    u = u @ np.diag(np.sqrt(np.diag(np.linalg.inv(u.T @ u))))
    inverse = np.linalg.inv(t @ u)
    return x @ u * h, inverse @ inverse.T


def _varimax(a: np.ndarray, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """R's stats::varimax with Kaiser normalisation; returns the rotation matrix T (L = A T)."""
    p, m = a.shape
    h = np.sqrt((a**2).sum(axis=1))
    x = a / h[:, None]
    t = np.eye(m)
    d = 0.0
    for _ in range(max_iter):
        z = x @ t
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        t = u @ vt
        d_old, d = d, s.sum()
        if d < d_old * (1 + eps):
            break
    return t


def _oblimin_criterion(gamma: float = 0.0):
    """GPArotation's ``vgQ.oblimin``: the oblimin criterion and its gradient."""

    def crit(loadings: np.ndarray) -> tuple[float, np.ndarray]:
        p, m = loadings.shape
        l2 = loadings**2
        off = 1 - np.eye(m)
        x = l2 @ off if gamma == 0 else (np.eye(p) - gamma / p) @ l2 @ off
        return float((l2 * x).sum() / 4), loadings * x

    return crit


def _geomin_criterion(delta: float = 0.01):
    """GPArotation's ``vgQ.geomin``: the sum over items of the geometric mean of their squared
    loadings (plus ``delta``), and its gradient."""

    def crit(loadings: np.ndarray) -> tuple[float, np.ndarray]:
        m = loadings.shape[1]
        l2 = loadings**2 + delta
        pro = np.exp(np.log(l2).sum(axis=1) / m)
        return float(pro.sum()), (2 / m) * loadings / l2 * pro[:, None]

    return crit


def _oblique(a: np.ndarray, crit, name: str, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """GPArotation's GPFoblq (normalize=FALSE, identity start) for the criterion ``crit``.

    Returns T; pattern loadings are ``A (T')^{-1}`` and factor correlations ``T'T``.
    """
    m = a.shape[1]
    t = np.eye(m)
    loadings = a @ np.linalg.inv(t).T
    f, gq = crit(loadings)
    g = -(loadings.T @ gq @ np.linalg.inv(t)).T
    al = 1.0
    for _ in range(max_iter + 1):
        gp = g - t @ np.diag((t * g).sum(axis=0))
        s = np.sqrt((gp**2).sum())
        if s < eps:
            break
        al *= 2
        for _ in range(11):
            x = t - al * gp
            tt = x / np.sqrt((x**2).sum(axis=0))
            loadings = a @ np.linalg.inv(tt).T
            ft, gqt = crit(loadings)
            if f - ft > 0.5 * s**2 * al:
                break
            al /= 2
        t, f = tt, ft
        g = -(loadings.T @ gqt @ np.linalg.inv(t)).T
    else:
        warn_not_converged(f"{name} rotation", f"{max_iter} iterations")
    return t


def _oblimin(
    a: np.ndarray, gamma: float = 0.0, eps: float = 1e-5, max_iter: int = 1000
) -> np.ndarray:
    """GPArotation's ``oblimin`` (GPFoblq with the oblimin criterion); returns T."""
    return _oblique(a, _oblimin_criterion(gamma), "oblimin", eps, max_iter)


# ----------------------------------------------------------------------------- parallel analysis
@dataclass
class ParallelAnalysis:
    """Horn's parallel analysis as psych's ``fa.parallel(fa="both")``.

    Observed eigenvalues of the correlation matrix (components) and of the reduced
    correlation matrix after a one-factor minres fit (factors) are compared with those of
    ``n_iter`` random normal data sets of the same size. The suggested number is the count of
    leading observed eigenvalues above the simulated mean (or ``quantile``).

    Attributes (after ``fit``)
    --------------------------
    eigenvalues_ : DataFrame
        Per position: ``pc_observed``, ``pc_simulated``, ``fa_observed``, ``fa_simulated``.
    n_factors_, n_components_ : int
        The suggested numbers.

    Parameters
    ----------
    n_iter : int
        Random normal data sets of the same size as the data (psych's ``n.iter``).
    quantile : float, optional
        Compare with this quantile of the simulated eigenvalues instead of their mean.
    seed : int
        Random seed.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.standard_normal((1000, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.standard_normal((1000, 6)))
    >>> ParallelAnalysis(seed=1).fit(df).n_factors_
    2
    """

    n_iter: int = 20
    quantile: float | None = None
    seed: int = 0
    missing: str = "pairwise"

    @few_threads
    def fit(self, items: pd.DataFrame) -> ParallelAnalysis:
        if self.n_iter < 1:
            raise ValueError(f"n_iter must be at least 1, got {self.n_iter}")
        if self.quantile is not None and not 0 < self.quantile < 1:
            raise ValueError(f"quantile must lie between 0 and 1, got {self.quantile}")
        x = _items(items, min_items=3)
        _, cor, _, n = _cov_cor(x, self.missing)
        p = x.shape[1]
        rng = np.random.default_rng(self.seed)
        obs_pc, obs_fa = self._values(cor)
        sim_pc, sim_fa = np.empty((self.n_iter, p)), np.empty((self.n_iter, p))
        for i in progress(range(self.n_iter), desc="parallel_analysis"):
            sim = np.corrcoef(rng.standard_normal((n, p)), rowvar=False)
            sim_pc[i], sim_fa[i] = self._values(sim)
        agg = (
            (lambda v: v.mean(axis=0))
            if self.quantile is None
            else (lambda v: np.quantile(v, self.quantile, axis=0))
        )
        self.eigenvalues_ = pd.DataFrame(
            {
                "pc_observed": obs_pc,
                "pc_simulated": agg(sim_pc),
                "fa_observed": obs_fa,
                "fa_simulated": agg(sim_fa),
            },
            index=pd.RangeIndex(1, p + 1, name="position"),
        )
        self.n_components_ = _leading(obs_pc > self.eigenvalues_["pc_simulated"].to_numpy())
        self.n_factors_ = _leading(obs_fa > self.eigenvalues_["fa_simulated"].to_numpy())
        return self

    @staticmethod
    def _values(cor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pc = np.sort(np.linalg.eigvalsh(cor))[::-1]
        _, psi = _minres(cor, 1)
        fa = np.sort(np.linalg.eigvalsh(cor - np.diag(psi)))[::-1]
        return pc, fa


def _leading(above: np.ndarray) -> int:
    below = np.flatnonzero(~above)
    return int(below[0]) if below.size else int(above.size)


def parallel_analysis(
    items: pd.DataFrame,
    *,
    n_iter: int = 20,
    quantile: float | None = None,
    seed: int = 0,
    missing: str = "pairwise",
) -> ParallelAnalysis:
    """Suggested numbers of factors and components (:class:`ParallelAnalysis`, fitted).

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    n_iter : int
        Random data sets simulated (psych's ``n.iter``, 20).
    quantile : float, optional
        Compare with this quantile of the simulated eigenvalues instead of their mean.
    seed : int
        Random seed.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.

    Returns
    -------
    ParallelAnalysis
        Fitted: ``eigenvalues_``, ``n_factors_`` and ``n_components_``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.standard_normal((1000, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.standard_normal((1000, 6)))
    >>> pa = parallel_analysis(df, seed=1)
    >>> pa.n_factors_, pa.n_components_
    (2, 2)
    """
    return ParallelAnalysis(n_iter=n_iter, quantile=quantile, seed=seed, missing=missing).fit(items)


# ----------------------------------------------------------------------------- EFA
_ROTATIONS = ("oblimin", "geomin", "promax", "varimax", "none")
_METHODS = ("minres", "ml")


@dataclass
class EFA:
    """Exploratory factor analysis with psych's defaults (minres, oblimin, pairwise).

    Parameters
    ----------
    n_factors : int
    rotation : {"oblimin", "geomin", "promax", "varimax", "none"}
        ``geomin`` as GPArotation's ``geominQ`` (oblique, delta 0.01; psych's
        ``rotate = "geominQ"``); ``promax`` as psych's (Kaiser-normalised ``Promax``, power 4).
    method : {"minres", "ml"}
        Minimum residual, or maximum likelihood as psych's ``fm = "ml"``.
    missing : {"pairwise", "listwise"}
    cor : {"pearson", "poly"}
        Pearson or polychoric correlations (psych's ``fa(..., cor = "poly")``).

    Attributes (after ``fit``)
    --------------------------
    correlations_ : DataFrame
        The correlation matrix analysed.
    loadings_ : DataFrame
        Pattern loadings, items x factors ``F1..Fk`` ordered by variance explained, each
        factor's loadings summing to a positive number (psych's conventions).
    structure_ : DataFrame
        Structure matrix ``L Phi`` (item-factor correlations).
    phi_ : DataFrame
        Factor correlations (identity for orthogonal rotations).
    communalities_, uniquenesses_, complexity_ : Series
        ``h2 = diag(L Phi L')``, ``u2 = 1 - h2`` and Hofmann's complexity.
    variance_ : DataFrame
        Per factor: ``ss_loadings`` (``diag(Phi L'L)``), ``proportion_var``, ``cumulative_var``,
        ``proportion_explained``, ``cumulative_proportion``.
    fit_ : Series
        As psych's ``fa``: ``objective``, ``chi2`` (Bartlett-corrected), ``df``, ``p``, ``tli``,
        ``rmsea`` with ``rmsea_low``/``rmsea_high`` (90 %), ``bic``, ``rmsr``, ``crms``,
        ``empirical_chi2``, ``fit_off``, ``null_chi2``, ``null_df``, ``n_obs``, ``n_harmonic``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> f = rng.standard_normal((2000, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) * 0.8 + 0.6 * rng.standard_normal((2000, 6)),
    ...                   columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> model = EFA(n_factors=2, rotation="promax").fit(df)
    >>> model.loadings_.round(1).abs().max(axis=1).tolist()
    [0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    """

    n_factors: int = 1
    rotation: str = "oblimin"
    method: str = "minres"
    missing: str = "pairwise"
    cor: str = "pearson"

    @few_threads
    def fit(self, items: pd.DataFrame) -> EFA:
        if self.rotation not in _ROTATIONS:
            raise ValueError(f"rotation must be one of {_ROTATIONS}, got {self.rotation!r}")
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        x = _items(items, min_items=3)
        p = x.shape[1]
        dof = p * (p - 1) / 2 - p * self.n_factors + self.n_factors * (self.n_factors - 1) / 2
        if not 1 <= self.n_factors < p or dof < 0:
            raise ValueError(f"{self.n_factors} factors cannot be identified from {p} items")
        _, cor, counts, n = _correlations(x, self.missing, self.cor)
        self.correlations_ = pd.DataFrame(cor, index=x.columns, columns=x.columns)
        unrotated, _ = (_ml if self.method == "ml" else _minres)(cor, self.n_factors)
        loadings, phi = self._rotate(unrotated)
        ss = np.diag(phi @ loadings.T @ loadings)
        order = np.argsort(-ss, kind="stable")
        loadings, phi = loadings[:, order], phi[np.ix_(order, order)]
        signs = np.sign(loadings.sum(axis=0))
        signs[signs == 0] = 1
        loadings, phi = loadings * signs, phi * np.outer(signs, signs)
        names = [f"F{i + 1}" for i in range(self.n_factors)]
        items_ = list(x.columns)
        self.loadings_ = pd.DataFrame(loadings, index=items_, columns=names)
        self.phi_ = pd.DataFrame(phi, index=names, columns=names)
        self.structure_ = pd.DataFrame(loadings @ phi, index=items_, columns=names)
        h2 = np.einsum("ij,jk,ik->i", loadings, phi, loadings)
        self.communalities_ = pd.Series(h2, index=items_, name="h2")
        self.uniquenesses_ = pd.Series(1 - h2, index=items_, name="u2")
        warn_heywood("EFA", [i for i, h in zip(items_, h2, strict=True) if h >= 1])
        self.complexity_ = pd.Series(
            (loadings**2).sum(axis=1) ** 2 / (loadings**4).sum(axis=1),
            index=items_,
            name="complexity",
        )
        ss = np.diag(phi @ loadings.T @ loadings)
        self.variance_ = pd.DataFrame(
            {
                "ss_loadings": ss,
                "proportion_var": ss / p,
                "cumulative_var": np.cumsum(ss) / p,
                "proportion_explained": ss / ss.sum(),
                "cumulative_proportion": np.cumsum(ss) / ss.sum(),
            },
            index=names,
        )
        pairwise = self.missing == "pairwise" and x.isna().to_numpy().any()
        self.fit_ = _fa_stats(cor, loadings, phi, n, counts if pairwise else None)
        self.n_obs_ = n
        return self

    def _rotate(self, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = a.shape[1]
        if self.rotation == "none" or m == 1:
            return a, np.eye(m)
        if self.rotation == "varimax":
            return a @ _varimax(a), np.eye(m)
        if self.rotation == "promax":
            return _promax(a)
        if self.rotation == "geomin":
            t = _oblique(a, _geomin_criterion(), "geomin")
        else:
            t = _oblimin(a)
        return a @ np.linalg.inv(t).T, t.T @ t

    def summary(self, *, cutoff: float = 0.3) -> Text:
        """The solution as psych prints ``fa``: loadings (blank under ``cutoff``) with h2, u2
        and complexity, the variance explained, the factor correlations and the fit."""
        f = self.fit_
        oblique = self.rotation in ("oblimin", "geomin", "promax")
        lines = [
            f"ksresearch EFA: {self.n_factors} factor(s), {self.method}, {self.rotation} "
            f"rotation, n = {int(self.n_obs_)}",
            "",
            self.display(cutoff=cutoff).to_string(),
            "",
            self.variance_.T.round(2).to_string(),
        ]
        if oblique and self.n_factors > 1:
            lines += ["", "Factor correlations:", self.phi_.round(2).to_string()]
        lines += [
            "",
            f"Chi-square {f['chi2']:.2f} on {int(f['df'])} df, p {f['p']:.3g}; TLI {f['tli']:.3f}; "
            f"RMSEA {f['rmsea']:.3f} [{f['rmsea_low']:.3f}, {f['rmsea_high']:.3f}]; "
            f"BIC {f['bic']:.2f}; RMSR {f['rmsr']:.3f}",
        ]
        return Text("\n".join(lines))

    def display(self, *, cutoff: float = 0.3, sort: bool = True, decimals: int = 2) -> pd.DataFrame:
        """Loadings for reading: rounded, blanks below ``cutoff``, items grouped by their main
        factor (largest first), with ``h2``, ``u2`` and ``com`` columns.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> rng = np.random.default_rng(5)
        >>> f = rng.standard_normal((500, 1))
        >>> df = pd.DataFrame(0.8 * f + 0.6 * rng.standard_normal((500, 3)), columns=["a", "b", "c"])
        >>> list(EFA(1).fit(df).display().columns)
        ['F1', 'h2', 'u2', 'com']
        """
        table = self.loadings_.round(decimals)
        shown = table.where(self.loadings_.abs() >= cutoff, "")
        shown["h2"] = self.communalities_.round(decimals)
        shown["u2"] = self.uniquenesses_.round(decimals)
        shown["com"] = self.complexity_.round(1)
        if sort:
            main = self.loadings_.abs().idxmax(axis=1)
            size = self.loadings_.abs().max(axis=1)
            key = pd.DataFrame({"f": main.map(lambda f: int(f[1:])), "s": -size})
            shown = shown.loc[key.sort_values(["f", "s"]).index]
        return shown


def _fa_stats(
    cor: np.ndarray, loadings: np.ndarray, phi: np.ndarray, n_obs: int, np_obs: np.ndarray | None
) -> pd.Series:
    """Goodness of fit as psych's ``fa.stats`` (alpha = .1 for the RMSEA interval)."""
    p, m = loadings.shape
    model = loadings @ phi @ loadings.T
    residual = cor - model
    r2 = (cor * cor).sum()
    dof = p * (p - 1) / 2 - p * m + m * (m - 1) / 2
    np.fill_diagonal(residual, 0)
    if np_obs is None:
        rstar_off = (residual**2).sum()
        r2_off = r2 - np.trace(cor)
        chi_emp = rstar_off * n_obs
        nh = float(n_obs)
        rms = np.sqrt(rstar_off / (p * (p - 1)))
        crms = np.sqrt(rstar_off / (2 * dof)) if dof > 0 else np.nan
    else:
        rstar_off = (residual**2 * np_obs).sum()
        r2w = cor * cor * np_obs
        r2_off = r2w.sum() - np.trace(r2w)
        chi_emp = rstar_off
        nh = float(stats.hmean(np_obs.ravel()))
        rms = np.sqrt(rstar_off / (nh * p * (p - 1)))
        crms = np.sqrt(rstar_off / (2 * nh * dof)) if dof > 0 else np.nan
    np.fill_diagonal(model, np.diag(cor))
    m_inv_r = np.linalg.solve(model, cor)
    objective = np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p
    nm = (n_obs - 1) - (2 * p + 5) / 6 - 2 * m / 3
    chi2 = max(objective * nm, 0.0)
    f0 = -np.linalg.slogdet(cor)[1]
    null_df = p * (p - 1) / 2
    mm = objective / dof if dof > 0 else np.nan
    m0 = f0 * 2 / (p * (p - 1))
    # psych's fa.stats (since 4/5/19): the point estimate from the corrected chi-square, as its interval
    rmsea = np.sqrt(max(chi2 / (dof * n_obs) - 1 / (n_obs - 1), 0)) if dof > 0 else np.nan
    low, high = rmsea_ci(chi2, dof, n_obs - 1)
    return pd.Series(
        {
            "objective": objective,
            "chi2": chi2,
            "df": dof,
            "p": stats.chi2.sf(chi2, dof) if dof > 0 else np.nan,
            "tli": (m0 - mm) / (m0 - 1 / nm) if dof > 0 else np.nan,
            "rmsea": rmsea,
            "rmsea_low": low if not (low > rmsea) else np.nan,
            "rmsea_high": high if not (high < rmsea) else np.nan,
            "bic": chi2 - dof * np.log(n_obs),
            "rmsr": rms,
            "crms": crms,
            "empirical_chi2": chi_emp,
            "fit_off": 1 - rstar_off / r2_off,
            "null_objective": f0,
            "null_chi2": f0 * ((n_obs - 1) - (2 * p + 5) / 6),
            "null_df": null_df,
            "n_obs": n_obs,
            "n_harmonic": nh,
        }
    )


def efa(
    items: pd.DataFrame,
    n_factors: int,
    *,
    rotation: str = "oblimin",
    method: str = "minres",
    missing: str = "pairwise",
    cor: str = "pearson",
) -> EFA:
    """Fit an exploratory factor analysis (:class:`EFA`) and return the fitted model.

    Parameters
    ----------
    items : DataFrame
        One column per item, one row per respondent; missing answers as NaN.
    n_factors : int
        Factors to extract.
    rotation : {"oblimin", "geomin", "promax", "varimax", "none"}
        As :class:`EFA`.
    method : {"minres", "ml"}
        Minimum residual (psych's default) or maximum likelihood.
    missing : {"pairwise", "listwise"}
        Correlations from every pair of answers (psych's ``use = "pairwise"``, the default) or
        from the respondents who answered every item.
    cor : {"pearson", "poly"}
        Pearson or polychoric correlations.

    Returns
    -------
    EFA
        The fitted model: ``loadings_``, ``phi_``, ``communalities_``, ``variance_``, ``fit_``
        and ``summary()``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> f = rng.standard_normal((2000, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) * 0.8 + 0.6 * rng.standard_normal((2000, 6)),
    ...                   columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> model = efa(df, 2)
    >>> model.loadings_.abs().idxmax(axis=1).tolist()
    ['F2', 'F2', 'F2', 'F1', 'F1', 'F1']
    """
    return EFA(n_factors=n_factors, rotation=rotation, method=method, missing=missing, cor=cor).fit(
        items
    )
