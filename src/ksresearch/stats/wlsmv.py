"""Confirmatory factor analysis of ordered items by WLSMV, and its measurement invariance.

Each item is a normal latent response cut at thresholds. The model is fitted to the sample's
thresholds and polychoric correlations (:func:`ordinal_moments`) by diagonally weighted least
squares (DWLS: the weights are the inverse variances of those statistics), and tested with
the mean-and-variance adjusted ("scaled and shifted") chi-square; together lavaan calls this
``estimator = "WLSMV"``. The parameterization is lavaan's default ``"delta"``: in the first
group the latent responses have unit variance; in other groups a scale factor per item may
be free.

With groups, the levels of invariance are those of semTools' ``measEq.syntax`` with the
identification of Wu & Estabrook (2016): configural (every parameter free per group),
thresholds (equal thresholds; the other groups' latent intercepts and scale factors free),
metric (also equal loadings) and scalar (also equal intercepts; the other groups' latent
means free). The engine uses marker variables; the models are the same (equivalent) as
measEq.syntax's ``ID.fac = "std.lv"``, so every fit statistic is the same.

References
----------
Muthén, B. (1984). A general structural equation model with dichotomous, ordered
categorical, and continuous latent variable indicators. Psychometrika, 49, 115-132.
Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus note.
Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of
different levels of invariance for ordered categorical outcomes. Psychometrika, 81,
1014-1045.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .diagnostics import check_frame, warn_heywood, warn_not_converged
from .model import ORDERED_LEVELS, MeasurementModel, parse_model
from .ordinal import OrdinalMoments, ordinal_moments

__all__ = ["fit_ordered", "OrderedFit"]


@dataclass
class _Layout:
    """Per group: index arrays into the free parameters (-1: fixed at its value)."""

    lam: list[np.ndarray]  # p x m
    phi: list[np.ndarray]  # m x m
    tau: list[list[np.ndarray]]  # per item
    nu: list[np.ndarray]  # p (latent response intercepts; fixed 0)
    alpha: list[np.ndarray]  # m (latent means; fixed 0)
    delta: list[np.ndarray]  # p (scale factors; fixed 1)
    marker: np.ndarray  # p x m: 1 for marker loadings
    names: list[str]


def _layout(model: MeasurementModel, moments: list[OrdinalMoments], level: str) -> _Layout:
    items, factors = model.items, list(model.factors)
    p, m = len(items), len(factors)
    names: list[str] = []

    def new(name: str) -> int:
        names.append(name)
        return len(names) - 1

    marker = np.zeros((p, m))
    for k, f in enumerate(factors):
        marker[items.index(model.factors[f][0]), k] = 1.0
    shared_tau = level != "configural"
    shared_lam = level in ("metric", "scalar")
    out = _Layout([], [], [], [], [], [], marker, names)
    for g, mo in enumerate(moments):
        suffix = f".g{g + 1}"
        if shared_lam and g > 0:
            lam = out.lam[0]
        else:
            lam = -np.ones((p, m), dtype=int)
            for k, f in enumerate(factors):
                for item in model.factors[f][1:]:
                    tag = "" if shared_lam else suffix
                    lam[items.index(item), k] = new(f"{f}=~{item}{tag}")
        phi = -np.ones((m, m), dtype=int)
        for a in range(m):
            for b in range(a + 1):
                phi[a, b] = phi[b, a] = new(f"{factors[a]}~~{factors[b]}{suffix}")
        if shared_tau and g > 0:
            tau = out.tau[0]
        else:
            tag = "" if shared_tau else suffix
            tau = [
                np.array([new(f"{it}|t{c + 1}{tag}") for c in range(len(t))])
                for it, t in zip(items, mo.thresholds, strict=True)
            ]
        free_nu = g > 0 and level in ("thresholds", "metric")
        nu = np.array([new(f"{it}~1{suffix}") for it in items]) if free_nu else -np.ones(p, int)
        free_alpha = g > 0 and level == "scalar"
        alpha = (
            np.array([new(f"{f}~1{suffix}") for f in factors]) if free_alpha else -np.ones(m, int)
        )
        free_delta = g > 0 and level != "configural"
        delta = (
            np.array([new(f"{it}~*~{it}{suffix}") for it in items])
            if free_delta
            else -np.ones(p, int)
        )
        for name, value in (("lam", lam), ("phi", phi), ("tau", tau), ("nu", nu)):
            getattr(out, name).append(value)
        out.alpha.append(alpha)
        out.delta.append(delta)
    return out


def _fill(idx: np.ndarray, theta: np.ndarray, fixed) -> np.ndarray:
    return np.where(idx >= 0, theta[np.clip(idx, 0, None)], fixed).astype(float)


class _Engine:
    """Implied statistics, the DWLS residuals and their derivatives for all groups."""

    def __init__(self, model: MeasurementModel, moments: list[OrdinalMoments], level: str):
        self.model, self.moments, self.level = model, moments, level
        self.layout = _layout(model, moments, level)
        self.n = np.array([mo.n for mo in moments], dtype=float)
        self.share = self.n / self.n.sum()
        # lavaan weights a group's DWLS discrepancy by n_g - 1: chi2 = sum (n_g - 1) F_g
        self.objective_share = (self.n - 1) / self.n.sum()
        self.weights = [1 / np.diag(mo.gamma) for mo in moments]

    def matrices(self, theta: np.ndarray, g: int) -> dict[str, np.ndarray]:
        lo = self.layout
        return {
            "lam": _fill(lo.lam[g], theta, lo.marker),
            "phi": _fill(lo.phi[g], theta, 0.0),
            "nu": _fill(lo.nu[g], theta, 0.0),
            "alpha": _fill(lo.alpha[g], theta, 0.0),
            "delta": _fill(lo.delta[g], theta, 1.0),
            "tau": [_fill(t, theta, 0.0) for t in lo.tau[g]],
        }

    def implied(self, theta: np.ndarray, g: int) -> np.ndarray:
        """Model thresholds delta_j (tau_jc - nu_j - (Lambda alpha)_j), then correlations
        delta_i delta_j (Lambda Phi Lambda')_ij, in the order of the group's moments."""
        x = self.matrices(theta, g)
        shift = x["nu"] + x["lam"] @ x["alpha"]
        tau = [x["delta"][j] * (t - shift[j]) for j, t in enumerate(x["tau"])]
        common = x["lam"] @ x["phi"] @ x["lam"].T
        i, j = self.moments[g].pairs
        return np.r_[np.concatenate(tau), x["delta"][i] * x["delta"][j] * common[i, j]]

    def stacked(self, theta: np.ndarray) -> np.ndarray:
        return np.concatenate([self.implied(theta, g) for g in range(len(self.moments))])

    def residuals(self, theta: np.ndarray) -> np.ndarray:
        """sqrt((n_g - 1) / N * w) (s - sigma): N times their sum of squares is the DWLS
        test statistic."""
        return np.concatenate(
            [
                np.sqrt(self.objective_share[g] * w) * (mo.vector - self.implied(theta, g))
                for g, (mo, w) in enumerate(zip(self.moments, self.weights, strict=True))
            ]
        )

    def jacobian(self, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
        """d sigma / d theta (all groups stacked) by central differences."""
        cols = []
        for k in range(len(theta)):
            up, down = theta.copy(), theta.copy()
            up[k] += h
            down[k] -= h
            cols.append((self.stacked(up) - self.stacked(down)) / (2 * h))
        return np.column_stack(cols)

    def start(self) -> np.ndarray:
        lo, items = self.layout, self.model.items
        theta = np.zeros(len(lo.names))
        for g, mo in enumerate(self.moments):
            for idx, t in zip(lo.tau[g], mo.thresholds, strict=True):
                if g == 0 or self.level == "configural":
                    theta[idx] = t
            for k, indicators in enumerate(self.model.factors.values()):
                ix = [items.index(i) for i in indicators]
                values, vectors = np.linalg.eigh(mo.rho[np.ix_(ix, ix)])
                v = vectors[:, -1] * np.sqrt(max(values[-1], 1e-6))
                v = v if v[0] > 0 else -v
                free = lo.lam[g][ix, k]
                theta[free[free >= 0]] = (v / v[0])[free >= 0]
                theta[lo.phi[g][k, k]] = max(v[0] ** 2, 0.05)
            theta[lo.delta[g][lo.delta[g] >= 0]] = 1.0
        return theta


@dataclass
class OrderedFit:
    """The result of :func:`fit_ordered`: fit statistics, estimates and the fitted engine."""

    fit: pd.Series
    loadings: pd.DataFrame
    thresholds: pd.DataFrame
    factor_correlations: pd.DataFrame
    params: pd.Series


def _groups(
    df: pd.DataFrame, items: list[str], group: str | None
) -> tuple[list[str], list[OrdinalMoments], int]:
    x = check_frame(df, items, what="the model's items")
    if group is not None:
        if group not in df.columns:
            raise ValueError(f"group column {group!r} is not in the data")
        x = x.assign(**{"__group__": df[group]})
    used = x.dropna()
    dropped = len(df) - len(used)
    values = used[items].to_numpy(dtype=float)
    levels = [np.unique(values[:, j]) for j in range(len(items))]
    if group is None:
        return ["all"], [ordinal_moments(used[items], levels=levels)], dropped
    keys = list(pd.unique(used["__group__"]))
    if len(keys) < 2:
        raise ValueError(f"group column {group!r} has {len(keys)} group(s) with answers; need 2")
    moments = []
    for key in keys:
        part = used.loc[used["__group__"] == key, items]
        try:
            moments.append(ordinal_moments(part, levels=levels))
        except ValueError as err:
            raise ValueError(f"group {str(key)!r}: {err}") from None
    return [str(k) for k in keys], moments, dropped


def fit_ordered(
    df: pd.DataFrame,
    model: str | MeasurementModel,
    *,
    group: str | None = None,
    level: str = "configural",
) -> OrderedFit:
    """Fit a CFA of ordered items by WLSMV (lavaan's ``cfa(..., ordered = items)``).

    Parameters
    ----------
    df : DataFrame
        Answers as whole numbers; respondents with a missing answer are left out (listwise,
        lavaan's default for categorical data).
    model : str or MeasurementModel
        lavaan syntax (``f =~ a + b + c``); residual covariances are not supported here.
    group : str, optional
        Column with the groups of a multi-group model.
    level : {"configural", "thresholds", "metric", "scalar"}
        Equality constraints across groups (Wu & Estabrook 2016).

    Returns
    -------
    OrderedFit
        ``fit``: ``chi2`` (DWLS, ``sum_g (n_g - 1) F_g`` as lavaan), ``df``, ``p``, ``chi2_scaled`` (scaled and
        shifted, ``a chi2 + df - a tr(U Gamma)`` with ``a = sqrt(df / tr((U Gamma)^2))``),
        ``p_scaled``, ``scaling_factor`` (``1 / a``), ``shift``, ``cfi``, ``tli``, ``rmsea``
        and their ``_scaled`` versions (from the scaled model and baseline statistics),
        ``baseline_chi2``, ``baseline_df``, ``baseline_chi2_scaled``, ``srmr``, ``n``,
        ``n_dropped``, ``n_groups``, ``converged``, ``improper``. ``loadings``: ``group``,
        ``factor``, ``item``, ``estimate``, ``std_all``. ``thresholds``: ``group``, ``item``,
        ``cut`` (``t1``, ...), ``estimate``.

    Notes
    -----
    The same numbers as lavaan's ``fitMeasures(fit)`` (``chisq``, ``chisq.scaled``,
    ``cfi.scaled``, ``rmsea.scaled``, ...) for ``cfa(model, data, ordered = items)``, and
    with groups for ``measEq.syntax(model, data, ordered = items, parameterization =
    "delta", ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", group, group.equal,
    return.fit = TRUE)``; tested against both (tests/reference/lavaan_ordered.R).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> z = 0.7 * rng.normal(size=(2000, 1)) + np.sqrt(1 - 0.49) * rng.normal(size=(2000, 4))
    >>> items = pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=list("abcd"))
    >>> fit = fit_ordered(items, "f =~ a + b + c + d")
    >>> int(fit.fit["df"]), fit.loadings["std_all"].round(1).tolist()
    (2, [0.7, 0.7, 0.7, 0.7])
    """
    if level not in ORDERED_LEVELS:
        raise ValueError(f"level must be one of {ORDERED_LEVELS}, got {level!r}")
    if level != "configural" and group is None:
        raise ValueError(f"level {level!r} needs a group column")
    model = model if isinstance(model, MeasurementModel) else parse_model(model)
    if model.residual_covariances:
        raise ValueError("residual covariances are not supported for ordered items")
    if not model.measurement_only:
        raise ValueError(
            "ordered items are fitted with factors and their indicators only: regressions, "
            "fixed values, freed markers and labels need continuous items (ordered=False)"
        )
    names, moments, dropped = _groups(df, model.items, group)
    if level in ("thresholds", "metric", "scalar"):
        binary = [it for it, lv in zip(model.items, moments[0].levels, strict=True) if len(lv) < 3]
        if binary:
            raise ValueError(
                f"invariance of thresholds needs items with 3 or more answer values: {binary}"
            )
    engine = _Engine(model, moments, level)
    res = optimize.least_squares(
        engine.residuals,
        engine.start(),
        method="trf",
        xtol=1e-14,
        ftol=1e-15,
        gtol=1e-12,
        max_nfev=5000 * max(1, len(engine.layout.names)),
    )
    converged = bool(res.success) and res.status > 0
    if not converged:
        warn_not_converged(f"the ordered {level} model", str(res.message))
    theta = res.x
    fit = _fit_measures(engine, theta, dropped, converged)
    return _results(engine, theta, names, fit)


def _scaled_traces(engine: _Engine, jac: np.ndarray) -> tuple[float, float]:
    """tr(U Gamma) and tr((U Gamma)^2) with U = V - V D (D' V D)^-1 D' V over all groups
    (lavaan: V_g * n_g / N and Gamma_g * N / n_g stacked block-diagonally)."""
    v = np.concatenate([w * f for w, f in zip(engine.weights, engine.share, strict=True)])
    sizes = [len(mo.vector) for mo in engine.moments]
    gamma = np.zeros((sum(sizes), sum(sizes)))
    at = 0
    for mo, f, size in zip(engine.moments, engine.share, sizes, strict=True):
        gamma[at : at + size, at : at + size] = mo.gamma / f
        at += size
    vd = v[:, None] * jac
    u = np.diag(v) - vd @ np.linalg.solve(jac.T @ vd, vd.T)
    ug = u @ gamma
    return float(np.trace(ug)), float((ug * ug.T).sum())


def _baseline(engine: _Engine) -> tuple[float, float, float, float]:
    """Independence model (thresholds free, correlations 0): chi2, df and its traces."""
    chi2 = tr1 = tr2 = 0.0
    df = 0
    for mo, w in zip(engine.moments, engine.weights, strict=True):
        nth = len(mo.vector) - len(mo.pairs[0])
        r, wr, gr = mo.vector[nth:], w[nth:], mo.gamma[nth:, nth:]
        chi2 += (mo.n - 1) * (wr * r * r).sum()
        df += len(r)
        ug = wr[:, None] * gr
        tr1 += float(np.trace(ug))
        tr2 += float((ug * ug.T).sum())
    return chi2, df, tr1, tr2


def _scale_shift(chi2: float, df: float, tr1: float, tr2: float) -> tuple[float, float, float]:
    a = np.sqrt(df / tr2)
    shift = df - a * tr1
    return a * chi2 + shift, 1 / a, shift


def _indices(chi2, df, chi2_b, df_b, n, groups) -> dict[str, float]:
    """CFI, TLI and RMSEA as lavaan computes them from a model and a baseline statistic."""
    cfi_den = max(chi2 - df, chi2_b - df_b, 0)
    cfi = 1 - max(chi2 - df, 0) / cfi_den if cfi_den > 0 else 1.0
    tli = (chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1) if df > 0 else np.nan
    rmsea = np.sqrt(max(chi2 / (n * df) - 1 / n, 0)) * np.sqrt(groups) if df > 0 else np.nan
    return {"cfi": cfi, "tli": tli, "rmsea": rmsea}


def _fit_measures(engine: _Engine, theta: np.ndarray, dropped: int, converged: bool) -> pd.Series:
    n, groups = engine.n.sum(), len(engine.moments)
    chi2 = float(n * (engine.residuals(theta) ** 2).sum())
    df = sum(len(mo.vector) for mo in engine.moments) - len(theta)
    chi2_b, df_b, tr1_b, tr2_b = _baseline(engine)
    out = {"chi2": chi2, "df": df, "p": stats.chi2.sf(chi2, df) if df > 0 else np.nan}
    standard = _indices(chi2, df, chi2_b, df_b, n - groups, groups)  # RMSEA on N - G
    if df > 0:
        tr1, tr2 = _scaled_traces(engine, engine.jacobian(theta))
        scaled, factor, shift = _scale_shift(chi2, df, tr1, tr2)
    else:
        scaled = factor = shift = np.nan
    scaled_b = _scale_shift(chi2_b, df_b, tr1_b, tr2_b)[0]
    robust = _indices(scaled, df, scaled_b, df_b, n - groups, groups)
    out.update(
        chi2_scaled=scaled,
        p_scaled=stats.chi2.sf(scaled, df) if df > 0 else np.nan,
        scaling_factor=factor,
        shift=shift,
        **standard,
        **{f"{k}_scaled": v for k, v in robust.items()},
        baseline_chi2=chi2_b,
        baseline_df=df_b,
        baseline_chi2_scaled=scaled_b,
        srmr=_srmr(engine, theta),
        n=int(n),
        n_dropped=dropped,
        n_groups=groups,
        converged=float(converged),
        improper=0.0,
    )
    return pd.Series(out, dtype=float)


def _srmr(engine: _Engine, theta: np.ndarray) -> float:
    """lavaan's SRMR for categorical data: the root mean square of the correlation residuals
    over the p(p - 1)/2 pairs and the p unit diagonals (whose residual is 0)."""
    values = []
    for g, mo in enumerate(engine.moments):
        nth = len(mo.vector) - len(mo.pairs[0])
        residual = mo.vector[nth:] - engine.implied(theta, g)[nth:]
        p = len(mo.items)
        values.append(np.sqrt((residual**2).sum() / (p * (p + 1) / 2)))
    return float(np.dot(engine.share, values))


def _results(engine: _Engine, theta: np.ndarray, names: list[str], fit: pd.Series) -> OrderedFit:
    model, factors = engine.model, list(engine.model.factors)
    loadings, thresholds, improper = [], [], []
    correlations = None
    for g, name in enumerate(names):
        x = engine.matrices(theta, g)
        common = x["lam"] @ x["phi"] @ x["lam"].T
        residual = 1 / x["delta"] ** 2 - np.diag(common)
        negative = [model.items[j] for j in np.flatnonzero(residual < 0)]
        negative += [factors[k] for k in np.flatnonzero(np.diag(x["phi"]) <= 0)]
        warn_heywood(f"ordered CFA ({engine.level}, group {name})", negative)
        improper += negative
        sd_lat = np.sqrt(np.where(np.diag(x["phi"]) > 0, np.diag(x["phi"]), np.nan))
        sd_obs = 1 / x["delta"]
        for k, f in enumerate(factors):
            for item in model.factors[f]:
                j = model.items.index(item)
                loadings.append(
                    {
                        "group": name,
                        "factor": f,
                        "item": item,
                        "estimate": x["lam"][j, k],
                        "std_all": x["lam"][j, k] * sd_lat[k] / sd_obs[j],
                    }
                )
        for item, t in zip(model.items, x["tau"], strict=True):
            thresholds += [
                {"group": name, "item": item, "cut": f"t{c + 1}", "estimate": v}
                for c, v in enumerate(t)
            ]
        if g == 0:
            correlations = pd.DataFrame(
                x["phi"] / np.outer(sd_lat, sd_lat), index=factors, columns=factors
            )
    fit["improper"] = float(bool(improper))
    return OrderedFit(
        fit,
        pd.DataFrame(loadings),
        pd.DataFrame(thresholds),
        correlations,
        pd.Series(theta, index=engine.layout.names),
    )
