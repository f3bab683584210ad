"""Confirmatory factor analysis and measurement invariance by maximum likelihood.

One engine fits single- and multi-group CFA with equality constraints across groups: every
free parameter has an index, and a parameter shared by groups simply has the same index in
each. The discrepancy function, test statistic and fit indices follow lavaan's defaults
(``estimator = "ML"``, ``likelihood = "normal"``: chi-square = N * F_ML with N the total sample
size; marker-variable identification; listwise deletion), and are tested against lavaan's
published output on the Holzinger-Swineford (1939) data.

semopy fits single-group models well, but its ``multigroup`` fits each group separately, so
the constrained (metric, scalar) models that invariance testing needs are done here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .diagnostics import Text, check_frame, rmsea_ci, warn_heywood, warn_not_converged
from .model import (  # noqa: F401 - the model's names, where they were first published
    INVARIANCE_LEVELS,
    ORDERED_LEVELS,
    MeasurementModel,
    as_model,
    model_from_codebook,
    parse_model,
)
from .progress import progress
from .threads import few_threads

__all__ = [
    "MeasurementModel",
    "parse_model",
    "model_from_codebook",
    "CFA",
    "cfa",
    "compare_models",
    "modification_indices",
    "MeasurementInvariance",
    "invariance",
    "INVARIANCE_LEVELS",
    "ORDERED_LEVELS",
]


# ----------------------------------------------------------------------------- the engine
@dataclass
class _Pattern:
    """Respondents who answered the same items: their count and the moments of those items."""

    observed: np.ndarray  # indices of the answered items
    n: int
    mean: np.ndarray
    cov: np.ndarray  # biased (divisor n), as ML uses


@dataclass
class _Group:
    name: str
    n: int
    mean: np.ndarray  # saturated-model moments: the sample's, or EM estimates under missing data
    cov: np.ndarray
    patterns: list[_Pattern]
    f_h1: float = 0.0  # discrepancy of the saturated model: the chi-square's zero point


def _discrepancy(
    patterns: list[_Pattern], n: int, sigma: np.ndarray, mu: np.ndarray, gradient: bool = False
) -> tuple[float, np.ndarray, np.ndarray]:
    """-2 log L / n (up to a constant) summed over missingness patterns, with its gradient
    with respect to Sigma and mu. With complete data there is one pattern and this is the
    usual ML discrepancy log|Sigma| + tr(Sigma^-1 (S + d d'))."""
    p = len(mu)
    f, g_sigma, g_mu = 0.0, np.zeros((p, p)), np.zeros(p)
    for pt in patterns:
        o = pt.observed
        chol = np.linalg.cholesky(sigma[np.ix_(o, o)])
        inv = np.linalg.inv(sigma[np.ix_(o, o)])
        d = pt.mean - mu[o]
        b = pt.cov + np.outer(d, d)
        w = pt.n / n
        f += w * (2 * np.log(np.diag(chol)).sum() + (inv * b).sum())
        if gradient:
            g_sigma[np.ix_(o, o)] += w * (inv - inv @ b @ inv)
            g_mu[o] += w * (-2 * inv @ d)
    return f, g_sigma, g_mu


def _em(patterns: list[_Pattern], p: int, n: int, max_iter: int = 2000, tol: float = 1e-10):
    """Saturated-model ML estimates (mean, covariance) under missing data, by EM."""
    mu, var = _available_case_moments(patterns, p)
    sigma = np.diag(var)
    everything = np.arange(p)
    for _ in range(max_iter):
        t1, t2 = np.zeros(p), np.zeros((p, p))
        for pt in patterns:
            o = pt.observed
            m = np.setdiff1d(everything, o)
            sx = pt.n * pt.mean
            sxx = pt.n * (pt.cov + np.outer(pt.mean, pt.mean))
            t1[o] += sx
            t2[np.ix_(o, o)] += sxx
            if not len(m):
                continue
            b = sigma[np.ix_(m, o)] @ np.linalg.inv(sigma[np.ix_(o, o)])
            a = mu[m] - b @ mu[o]
            c = sigma[np.ix_(m, m)] - b @ sigma[np.ix_(o, m)]
            bsx = b @ sx
            t1[m] += pt.n * a + bsx
            smo = np.outer(a, sx) + b @ sxx
            t2[np.ix_(m, o)] += smo
            t2[np.ix_(o, m)] += smo.T
            t2[np.ix_(m, m)] += (
                pt.n * np.outer(a, a)
                + np.outer(a, bsx)
                + np.outer(bsx, a)
                + b @ sxx @ b.T
                + pt.n * c
            )
        new_mu = t1 / n
        new_sigma = t2 / n - np.outer(new_mu, new_mu)
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma = new_mu, new_sigma
        if change < tol:
            break
    else:
        warn_not_converged("EM for the saturated model", f"{max_iter} iterations")
    return mu, sigma


@dataclass
class _Spec:
    """Parameter layout: per group, index arrays into the free vector (-1 = fixed at the
    value in ``fixed_*``). A parameter is named as lavaan writes it, with its group's number
    from 1 (``visual=~x2.g1``; one shared across groups has none, a labelled one is its
    label), as the WLSMV engine names it. ``beta`` holds the regressions between factors
    (row: outcome, column: predictor) and ``phi`` the factors' (residual) covariances."""

    lam: list[np.ndarray]
    phi: list[np.ndarray]
    theta: list[np.ndarray]
    nu: list[np.ndarray]
    alpha: list[np.ndarray]
    n_free: int
    fixed_lam: np.ndarray  # values of fixed loadings (1 for markers, 0 elsewhere)
    names: list[str] = field(default_factory=list)
    beta: list[np.ndarray] = field(default_factory=list)
    fixed_phi: np.ndarray | float = 0.0
    fixed_theta: np.ndarray | float = 0.0
    fixed_beta: np.ndarray | float = 0.0

    @property
    def structural(self) -> bool:
        return any((b >= 0).any() for b in self.beta) or np.any(self.fixed_beta != 0)


class _Layout:
    """Gives each parameter of the model its index in the free vector, or its fixed value:
    parameters with one (shared) label share an index, as do those made equal across groups."""

    def __init__(self, model: MeasurementModel) -> None:
        self.model, self.names, self.by_label = model, [], {}

    def new(self, name: str, key: tuple[str, str, str] | None = None) -> int:
        label = self.model.shared(key) if key is not None else ""
        if label and label in self.by_label:
            return self.by_label[label]
        self.names.append(label or name)
        if label:
            self.by_label[label] = len(self.names) - 1
        return len(self.names) - 1

    def place(self, idx: np.ndarray, fixed: np.ndarray, at: tuple, key, name: str) -> None:
        """Fix ``idx[at]`` at the syntax's value, or give it a free parameter (symmetric
        matrices: both triangles)."""
        value = self.model.fixed_value(key)
        spots = [at, at[::-1]] if len(at) == 2 and key[1] == "~~" else [at]
        for spot in spots:
            if value is not None:
                idx[spot], fixed[spot] = -1, value
        if value is None:
            i = self.new(name, key)
            for spot in spots:
                idx[spot] = i


def _build_spec(model: MeasurementModel, n_groups: int, level: str) -> _Spec:
    items, factors = model.items, list(model.factors)
    p, m = len(items), len(factors)
    lay = _Layout(model)
    outcomes = {y for y, _ in model.regressions}
    written = {frozenset(pair) for pair in model.factor_covariances}

    fixed_lam, fixed_phi = np.zeros((p, m)), np.zeros((m, m))
    fixed_th, fixed_beta = np.zeros((p, p)), np.zeros((m, m))
    shared_lam = level in ("metric", "scalar")
    shared_nu = level == "scalar"
    lam_all, phi_all, th_all, nu_all, al_all, beta_all = [], [], [], [], [], []
    lam_shared = nu_shared = None
    for g in range(n_groups):
        tag = f".g{g + 1}"
        if shared_lam and lam_shared is not None:
            lam = lam_shared
        else:
            lam = -np.ones((p, m), dtype=int)
            for k, f in enumerate(factors):
                for pos, item in enumerate(model.factors[f]):
                    j, key = items.index(item), (f, "=~", item)
                    if pos == 0 and key not in model.freed and model.fixed_value(key) is None:
                        fixed_lam[j, k] = 1.0  # the marker
                    else:
                        lay.place(lam, fixed_lam, (j, k), key,
                                  f"{f}=~{item}" + ("" if shared_lam else tag))  # fmt: skip
            lam_shared = lam
        phi = -np.ones((m, m), dtype=int)
        for a in range(m):
            for b in range(a + 1):
                key = (factors[a], "~~", factors[b])
                free = (
                    a == b
                    or frozenset((factors[a], factors[b])) in written
                    or not ({factors[a], factors[b]} & outcomes)
                )  # exogenous factors covary (lavaan's auto.cov.lv.x); outcomes' residuals not
                if free or model.fixed_value(key) is not None:
                    lay.place(phi, fixed_phi, (a, b), key, f"{factors[a]}~~{factors[b]}{tag}")
        beta = -np.ones((m, m), dtype=int)
        for y, x in model.regressions:
            a, b = factors.index(y), factors.index(x)
            lay.place(beta, fixed_beta, (a, b), (y, "~", x), f"{y}~{x}{tag}")
        th = -np.ones((p, p), dtype=int)
        for j in range(p):
            lay.place(th, fixed_th, (j, j), (items[j], "~~", items[j]),
                      f"{items[j]}~~{items[j]}{tag}")  # fmt: skip
        for a, b in model.residual_covariances:
            i, j = items.index(a), items.index(b)
            lay.place(th, fixed_th, (i, j), (a, "~~", b), f"{a}~~{b}{tag}")
        if shared_nu and nu_shared is not None:
            nu = nu_shared
        else:
            nu = np.array([lay.new(f"{it}~1" + ("" if shared_nu else tag)) for it in items])
            nu_shared = nu
        al = -np.ones(m, dtype=int)
        if level == "scalar" and g > 0:
            al = np.array([lay.new(f"{f}~1{tag}") for f in factors])
        lam_all.append(lam)
        phi_all.append(phi)
        th_all.append(th)
        nu_all.append(nu)
        al_all.append(al)
        beta_all.append(beta)
    return _Spec(lam_all, phi_all, th_all, nu_all, al_all, len(lay.names), fixed_lam,
                 lay.names, beta_all, fixed_phi, fixed_th, fixed_beta)  # fmt: skip


def _fill(idx: np.ndarray, theta: np.ndarray, fixed: np.ndarray | float = 0.0) -> np.ndarray:
    out = np.where(idx >= 0, theta[np.clip(idx, 0, None)], fixed)
    return out.astype(float)


def _scatter(grad: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    mask = idx >= 0
    np.add.at(grad, idx[mask], values[mask])


class _Fitter:
    def __init__(self, model: MeasurementModel, groups: list[_Group], level: str) -> None:
        self.model, self.groups, self.level = model, groups, level
        self.spec = _build_spec(model, len(groups), level)
        self.n_total = sum(g.n for g in groups)
        self.p = len(model.items)

    def structural(self, theta: np.ndarray, g: int) -> tuple[np.ndarray, ...]:
        """Group ``g``'s matrices as the model writes them: loadings, the factors' (residual)
        covariances psi, the regressions beta, residual covariances, intercepts, factor means
        (or intercepts), and A = (I - beta)^-1."""
        s = self.spec
        lam = _fill(s.lam[g], theta, s.fixed_lam)
        psi = _fill(s.phi[g], theta, s.fixed_phi)
        th = _fill(s.theta[g], theta, s.fixed_theta)
        nu = _fill(s.nu[g], theta)
        al = _fill(s.alpha[g], theta)
        m = psi.shape[0]
        if s.structural:
            beta = _fill(s.beta[g], theta, s.fixed_beta)
            a = np.linalg.inv(np.eye(m) - beta)
        else:
            beta, a = np.zeros((m, m)), np.eye(m)
        return lam, psi, beta, th, nu, al, a

    def matrices(self, theta: np.ndarray, g: int) -> tuple[np.ndarray, ...]:
        """Loadings, the factors' total covariances phi = A psi A', residual covariances,
        intercepts and the factors' means A alpha: Sigma = lam phi lam' + th, mu = nu + lam
        A alpha (a measurement model has A = I)."""
        lam, psi, _, th, nu, al, a = self.structural(theta, g)
        return lam, a @ psi @ a.T, th, nu, a @ al

    def objective(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        f_total, grad = 0.0, np.zeros_like(theta)
        s = self.spec
        for g, grp in enumerate(self.groups):
            lam, psi, _, th, nu, al, a = self.structural(theta, g)
            phi, mean_lv = a @ psi @ a.T, a @ al
            sigma = lam @ phi @ lam.T + th
            mu = nu + lam @ mean_lv
            try:
                f, gs, gm = _discrepancy(grp.patterns, grp.n, sigma, mu, gradient=True)
            except np.linalg.LinAlgError:
                return 1e10, np.zeros_like(theta)
            w = grp.n / self.n_total
            f_total += w * (f - grp.f_h1)
            g_phi = lam.T @ gs @ lam  # dF/dphi; phi = A psi A' and A = (I - B)^-1
            g_mean = a.T @ (lam.T @ gm)  # dF/dalpha
            _scatter(grad, s.lam[g], w * (2 * gs @ lam @ phi + np.outer(gm, mean_lv)))
            _scatter(grad, s.phi[g], w * (a.T @ g_phi @ a))
            _scatter(grad, s.theta[g], w * gs)
            _scatter(grad, s.nu[g], w * gm)
            _scatter(grad, s.alpha[g], w * g_mean)
            if s.structural:  # dA = A dB A
                _scatter(grad, s.beta[g], w * (2 * a.T @ g_phi @ phi + np.outer(g_mean, mean_lv)))
        return f_total, grad

    def start(self) -> np.ndarray:
        theta = np.zeros(self.spec.n_free)
        items = self.model.items
        for g, grp in enumerate(self.groups):
            lam_idx = self.spec.lam[g]
            for k, ind in enumerate(self.model.factors.values()):
                ix = [items.index(i) for i in ind]
                vals, vecs = np.linalg.eigh(grp.cov[np.ix_(ix, ix)])
                v = vecs[:, -1] * np.sqrt(max(vals[-1], 1e-6))
                variance = self.spec.phi[g][k, k]
                if variance < 0:  # a fixed variance: the loadings of a unit-variance factor
                    v = v * np.sign(v.sum() or 1.0)
                else:  # a marker's scale
                    v = v / v[0] if abs(v[0]) > 1e-8 else np.ones_like(v)
                    theta[variance] = max(grp.cov[ix[0], ix[0]] * 0.5, 1e-3)
                for pos, j in enumerate(ix):
                    if lam_idx[j, k] >= 0:
                        theta[lam_idx[j, k]] = v[pos]
            for j in range(self.p):
                if self.spec.theta[g][j, j] >= 0:
                    theta[self.spec.theta[g][j, j]] = 0.5 * grp.cov[j, j]
            theta[self.spec.nu[g]] = (
                grp.mean if g == 0 or self.level != "scalar" else theta[self.spec.nu[g]]
            )
        return theta

    def fit(self) -> np.ndarray:
        with progress(desc=f"CFA ({self.level})") as bar:  # iterations: a large FIML fit is slow
            res = optimize.minimize(
                self.objective,
                self.start(),
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": 5000, "ftol": 1e-14, "gtol": 1e-9, "maxcor": 30},
                callback=lambda *_: bar.update(),
            )
        self.converged = bool(res.success) or np.linalg.norm(res.jac, np.inf) < 1e-5
        if not self.converged:
            warn_not_converged(f"the {self.level} model", str(res.message))
        self.fmin = float(res.fun)
        return res.x


def _groups(
    df: pd.DataFrame, items: list[str], group: str | None, missing: str = "listwise"
) -> tuple[list[_Group], int]:
    if missing not in ("listwise", "fiml"):
        raise ValueError(f"missing must be 'listwise' or 'fiml', got {missing!r}")
    x = check_frame(df, items, what="the model's items").copy()
    if group:
        if group not in df.columns:
            raise ValueError(f"group column {group!r} is not in the data")
        x[group] = df[group]
    if group:
        x = x.dropna(subset=[group])
    used = x.dropna() if missing == "listwise" else x.dropna(subset=items, how="all")
    dropped = len(df) - len(used)
    p = len(items)
    keys = list(pd.unique(used[group])) if group else [None]
    if group and len(keys) < 2:
        raise ValueError(
            f"group column {group!r} has {len(keys)} group(s) with answers; need at least 2"
        )
    out = []
    for key in keys:
        values = (used[used[group] == key] if group else used)[items].to_numpy()
        name = "all" if key is None else str(key)
        kind = "complete cases" if missing == "listwise" else "respondents with answers"
        if len(values) <= p:
            raise ValueError(
                f"group {name!r} has {len(values)} {kind}; at least {p + 1} are needed for {p} items"
            )
        constant = [
            items[j] for j in range(p) if np.nanmax(values[:, j]) == np.nanmin(values[:, j])
        ]
        if constant:
            raise ValueError(f"constant items in group {name!r}: {constant}")
        answered = ~np.isnan(values)
        masks, which = np.unique(answered, axis=0, return_inverse=True)
        patterns = []
        for k, mask in enumerate(masks):
            rows = values[which.ravel() == k][:, mask]
            patterns.append(
                _Pattern(
                    np.flatnonzero(mask),
                    len(rows),
                    rows.mean(axis=0),
                    np.cov(rows, rowvar=False, bias=True).reshape(mask.sum(), mask.sum()),
                )
            )
        if len(patterns) == 1 and answered.all():
            mean, cov = patterns[0].mean, patterns[0].cov
        else:
            mean, cov = _em(patterns, p, len(values))
        if np.linalg.slogdet(cov)[0] <= 0:
            raise ValueError(f"the covariance matrix of group {name!r} is singular")
        grp = _Group(name, len(values), mean, cov, patterns)
        grp.f_h1 = _discrepancy(patterns, grp.n, cov, mean)[0]
        out.append(grp)
    return out, dropped


def _independence(grp: _Group) -> tuple[np.ndarray, np.ndarray]:
    """ML estimates of the baseline model (free means and variances, no covariances): each item's
    available-case mean and variance."""
    mu, var = _available_case_moments(grp.patterns, len(grp.mean))
    return np.diag(var), mu


def _available_case_moments(patterns: list[_Pattern], p: int) -> tuple[np.ndarray, np.ndarray]:
    """Each item's mean and (ML) variance over the respondents who answered it."""
    counts, mu, var = np.zeros(p), np.zeros(p), np.zeros(p)
    for pt in patterns:
        counts[pt.observed] += pt.n
        mu[pt.observed] += pt.n * pt.mean
    mu /= counts
    for pt in patterns:
        var[pt.observed] += pt.n * (np.diag(pt.cov) + (pt.mean - mu[pt.observed]) ** 2)
    return mu, var / counts


def _fit_measures(fitter: _Fitter, theta: np.ndarray, dropped: int) -> pd.Series:
    groups, p = fitter.groups, fitter.p
    n, n_groups = fitter.n_total, len(groups)
    chi2 = n * fitter.fmin
    moments = n_groups * (p * (p + 1) / 2 + p)
    dof = moments - fitter.spec.n_free
    # baseline: free variances and means per group, no covariances
    f_base = sum(
        g.n / n * (_discrepancy(g.patterns, g.n, *_independence(g))[0] - g.f_h1) for g in groups
    )
    chi2_b, df_b = n * f_base, n_groups * p * (p - 1) / 2
    cfi = 1 - max(chi2 - dof, 0) / max(chi2 - dof, chi2_b - df_b, 0) if chi2_b > df_b else 1.0
    tli = ((chi2_b / df_b) - (chi2 / dof)) / ((chi2_b / df_b) - 1) if dof > 0 else np.nan
    # RMSEA is undefined for a just-identified model (df = 0): missing, not a perfect 0
    rmsea = np.sqrt(max(chi2 - dof, 0) / (n * dof)) * np.sqrt(n_groups) if dof > 0 else np.nan
    low, high = rmsea_ci(chi2, dof, n / n_groups)
    fiml = _fiml(groups)
    meanstructure = _meanstructure(groups)  # as lavaan: groups or missing = "ml" bring means
    srmr_g = []
    for g, grp in enumerate(groups):
        lam, phi, th, nu, al = fitter.matrices(theta, g)
        sigma = lam @ phi @ lam.T + th
        sd = np.sqrt(np.diag(grp.cov))
        res = (grp.cov - sigma) / np.outer(sd, sd)
        e = list(res[np.tril_indices(p)])
        if meanstructure:  # lavaan's srmr_bentler: the mean residuals count too
            e += list((grp.mean - (nu + lam @ al)) / sd)
        srmr_g.append(np.sqrt(np.mean(np.square(e))))
    srmr = float(sum(grp.n / n * s for grp, s in zip(groups, srmr_g, strict=True)))
    return pd.Series(
        {
            "chi2": chi2,
            "df": dof,
            "p": stats.chi2.sf(chi2, dof) if dof > 0 else np.nan,
            "cfi": cfi,
            "tli": tli,
            "rmsea": rmsea,
            "rmsea_low": low,
            "rmsea_high": high,
            "srmr": srmr,
            "baseline_chi2": chi2_b,
            "baseline_df": df_b,
            "n": n,
            "n_groups": n_groups,
            "n_dropped": dropped,
            "fiml": float(fiml),
            "converged": float(fitter.converged),
        },
        dtype=float,
    )


# ----------------------------------------------------------------------------- inference
def _fiml(groups: list[_Group]) -> bool:
    """Whether missing answers are in the likelihood (more than one pattern, or one pattern
    without every item)."""
    p = len(groups[0].mean)
    return any(len(g.patterns) > 1 or len(g.patterns[0].observed) < p for g in groups)


def _meanstructure(groups: list[_Group]) -> bool:
    """Whether the model has a mean structure, as lavaan: several groups, or FIML. Without,
    the intercepts are the sample means and no parameters of the model."""
    return len(groups) > 1 or _fiml(groups)


def _moment_jacobians(fitter: _Fitter, theta: np.ndarray, g: int) -> tuple[np.ndarray, ...]:
    """d vec(Sigma) / d theta and d mu / d theta of group ``g``, by central differences (Sigma
    and mu are at most quadratic in theta, so the difference is exact up to rounding)."""
    p, q = fitter.p, len(theta)
    d_sigma, d_mu = np.zeros((p * p, q)), np.zeros((p, q))
    for i in range(q):
        h = 1e-5 * max(1.0, abs(theta[i]))
        moments = []
        for step in (h, -h):
            t = theta.copy()
            t[i] += step
            lam, phi, th, nu, al = fitter.matrices(t, g)
            moments.append((lam @ phi @ lam.T + th, nu + lam @ al))
        d_sigma[:, i] = (moments[0][0] - moments[1][0]).ravel() / (2 * h)
        d_mu[:, i] = (moments[0][1] - moments[1][1]) / (2 * h)
    return d_sigma, d_mu


def _expected_information(fitter: _Fitter, theta: np.ndarray) -> np.ndarray:
    r"""Fisher information of complete normal data: :math:`\sum_g n_g [rac12 \Delta_\Sigma'
    (\Sigma^{-1} \otimes \Sigma^{-1}) \Delta_\Sigma + \Delta_\mu' \Sigma^{-1} \Delta_\mu]`."""
    info = np.zeros((len(theta), len(theta)))
    for g, grp in enumerate(fitter.groups):
        lam, phi, th, _, _ = fitter.matrices(theta, g)
        inv = np.linalg.inv(lam @ phi @ lam.T + th)
        d_sigma, d_mu = _moment_jacobians(fitter, theta, g)
        info += grp.n * (0.5 * d_sigma.T @ np.kron(inv, inv) @ d_sigma + d_mu.T @ inv @ d_mu)
    return info


def _observed_information(fitter: _Fitter, theta: np.ndarray) -> np.ndarray:
    """Minus the Hessian of the log-likelihood, -log L = N/2 F + const: central differences of
    the analytic gradient of F."""
    q = len(theta)
    hessian = np.zeros((q, q))
    for i in range(q):
        h = 1e-5 * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        hessian[:, i] = (fitter.objective(up)[1] - fitter.objective(down)[1]) / (2 * h)
    return fitter.n_total / 2 * (hessian + hessian.T) / 2


def _log_likelihood(fitter: _Fitter, theta: np.ndarray) -> float:
    """The normal log-likelihood of the fitted model over every answer (lavaan's ``logl``)."""
    total = 0.0
    for g, grp in enumerate(fitter.groups):
        lam, phi, th, nu, al = fitter.matrices(theta, g)
        f = _discrepancy(grp.patterns, grp.n, lam @ phi @ lam.T + th, nu + lam @ al)[0]
        answered = sum(pt.n * len(pt.observed) for pt in grp.patterns)
        total += -0.5 * (answered * np.log(2 * np.pi) + grp.n * f)
    return float(total)


def _parameter_rows(fitter: _Fitter, groups: list[_Group], means: bool) -> list[tuple]:
    """(group, lhs, op, rhs, index) of every free parameter in each group, in lavaan's order:
    loadings, (co)variances of the items, of the factors, then intercepts and factor means."""
    model, s = fitter.model, fitter.spec
    items, factors = model.items, list(model.factors)
    rows = []
    for g, grp in enumerate(groups):
        here = []
        for k, f in enumerate(factors):
            here += [(f, "=~", i, s.lam[g][items.index(i), k]) for i in model.factors[f]]
        here += [(y, "~", x, s.beta[g][factors.index(y), factors.index(x)])
                 for y, x in model.regressions]  # fmt: skip
        p = len(items)
        here += [(items[i], "~~", items[i], s.theta[g][i, i]) for i in range(p)]
        here += [(items[i], "~~", items[j], s.theta[g][i, j])
                 for i in range(p) for j in range(i + 1, p)]  # fmt: skip
        here += [(factors[b], "~~", factors[a], s.phi[g][a, b])
                 for b in range(len(factors)) for a in range(b, len(factors))]  # fmt: skip
        if means:
            here += [(i, "~1", "", s.nu[g][j]) for j, i in enumerate(items)]
            here += [(f, "~1", "", s.alpha[g][k]) for k, f in enumerate(factors)]
        rows += [(grp.name, lhs, op, rhs, int(idx)) for lhs, op, rhs, idx in here if idx >= 0]
    return rows


def _information_criteria(fitter: _Fitter, theta: np.ndarray) -> dict[str, float]:
    """lavaan's ``logl``, ``npar`` (the intercepts count only with a mean structure), ``aic``
    and ``bic`` (with the total N)."""
    rows = _parameter_rows(fitter, fitter.groups, _meanstructure(fitter.groups))
    npar = len({row[-1] for row in rows})
    logl = _log_likelihood(fitter, theta)
    return {"logl": logl, "npar": float(npar), "aic": -2 * logl + 2 * npar,
            "bic": -2 * logl + npar * np.log(fitter.n_total)}  # fmt: skip


def _parameter_table(fitter: _Fitter, theta: np.ndarray, ci: float = 0.95) -> pd.DataFrame:
    """Every free parameter per group: estimate, se, z, p and interval. The information is
    lavaan's default: expected for complete data, observed under FIML."""
    groups = fitter.groups
    if _fiml(groups):
        info = _observed_information(fitter, theta)
    else:
        info = _expected_information(fitter, theta)
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(np.linalg.pinv(info)))
    rows = _parameter_rows(fitter, groups, _meanstructure(groups))
    table = pd.DataFrame(rows, columns=["group", "lhs", "op", "rhs", "index"])
    table.insert(4, "label", [fitter.model.label((r[1], r[2], r[3])) for r in rows])
    table["estimate"] = theta[table["index"]]
    table["se"] = se[table["index"]]
    table["z"] = table["estimate"] / table["se"]
    table["p"] = 2 * stats.norm.sf(np.abs(table["z"]))
    half = stats.norm.ppf(0.5 + ci / 2) * table["se"]
    table["ci_low"], table["ci_high"] = table["estimate"] - half, table["estimate"] + half
    return table.drop(columns="index")


def _with_candidates(fitter: _Fitter) -> tuple[_Fitter, list[tuple[str, str, str]]]:
    """A copy of ``fitter`` whose spec also frees every fixed cross-loading and residual
    covariance (appended after the free parameters), and those candidates as (lhs, op, rhs)."""
    import copy

    model, spec = fitter.model, copy.deepcopy(fitter.spec)
    items, factors = model.items, list(model.factors)
    candidates, n = [], spec.n_free
    lam, th = spec.lam[0], spec.theta[0]
    for k, f in enumerate(factors):
        for j, item in enumerate(items):
            if lam[j, k] < 0 and spec.fixed_lam[j, k] == 0:
                lam[j, k], n = n, n + 1
                candidates.append((f, "=~", item))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if th[i, j] < 0:
                th[i, j] = th[j, i] = n
                n += 1
                candidates.append((items[i], "~~", items[j]))
    spec.n_free = n
    extended = copy.copy(fitter)
    extended.spec = spec
    return extended, candidates


def modification_indices(fit: CFA) -> pd.DataFrame:
    r"""The score test of every fixed cross-loading and residual covariance of a fitted
    single-group ML CFA, as lavaan's ``modindices(fit)``: with the log-likelihood's score
    :math:`s_i = -\frac N2 \partial F / \partial\theta_i` at the fit (the parameter still
    0) and the expected information :math:`I` of the free parameters and the candidate,
    :math:`MI_i = s_i^2 / V_i` and the expected parameter change :math:`s_i / V_i`, where
    :math:`V_i = I_{ii} - I_{i,f} I_{ff}^{-1} I_{f,i}`.

    Parameters
    ----------
    fit : CFA
        A fitted single-group ML CFA on complete data.

    Returns
    -------
    DataFrame
        ``lhs``, ``op`` (``=~`` or ``~~``), ``rhs``, ``mi`` (on 1 df) and ``epc``, largest
        ``mi`` first.

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> m = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    >>> top = modification_indices(cfa(hs, m)).iloc[0]
    >>> top["lhs"], top["rhs"], round(float(top["mi"]), 1)  # lavaan: visual =~ x9, 36.4
    ('visual', 'x9', 36.4)
    """
    fitter, theta = getattr(fit, "_fitted", (None, None))
    if fitter is None:
        raise ValueError("modification_indices needs a fitted ML CFA (not ordered)")
    if len(fitter.groups) > 1 or _fiml(fitter.groups):
        raise ValueError("modification indices are made for single-group complete-data fits")
    extended, candidates = _with_candidates(fitter)
    q = len(theta)
    full = np.concatenate([theta, np.zeros(len(candidates))])
    score = -fitter.n_total / 2 * extended.objective(full)[1]
    info = _expected_information(extended, full)
    inverse = np.linalg.pinv(info[:q, :q])
    rows = []
    for c, (lhs, op, rhs) in enumerate(candidates):
        i = q + c
        v = info[i, i] - info[i, :q] @ inverse @ info[:q, i]
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "mi": score[i] ** 2 / v,
                     "epc": score[i] / v})  # fmt: skip
    out = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "mi", "epc"])
    return out.sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)


def compare_models(*fits: CFA, names: list[str] | None = None) -> pd.DataFrame:
    r"""Fitted ML models side by side, as lavaan's ``lavTestLRT``: ordered by their degrees of
    freedom, each with ``npar``, ``df``, ``chi2``, ``logl``, ``aic`` and ``bic``, and against the
    row before it the chi-square difference test (:math:`\Delta\chi^2` on :math:`\Delta df`).
    The difference test holds for nested models only (a constrained model against the one it
    constrains, e.g. the invariance levels); for models that are not nested, compare ``aic``
    and ``bic`` (lower is better).

    R: ``lavaan::lavTestLRT(fit1, fit2, ...)`` (standard ML test) and ``fitMeasures(fit,
    c("aic", "bic"))``.

    Parameters
    ----------
    *fits : CFA
        Fitted ML models (not ``ordered``: their scaled difference test is another one).
    names : list of str, optional
        Row names (default ``model1``, ``model2``, ... in the order given).

    Returns
    -------
    DataFrame
        One row per model: ``npar``, ``df``, ``chi2``, ``logl``, ``aic``, ``bic``,
        ``delta_chi2``, ``delta_df``, ``p`` (missing on the first row).

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> m = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
    >>> free = CFA(m, group="school").fit(hs)
    >>> equal = CFA(m, group="school", level="metric").fit(hs)
    >>> compare_models(free, equal, names=["configural", "metric"])["delta_df"].tolist()
    [nan, 6.0]
    """
    if len(fits) < 2:
        raise ValueError("compare_models needs at least two fitted models")
    names = list(names) if names is not None else [f"model{i + 1}" for i in range(len(fits))]
    if len(names) != len(fits):
        raise ValueError(f"{len(names)} names for {len(fits)} models")
    for fit in fits:
        if getattr(fit, "ordered", False) or "logl" not in getattr(fit, "fit_", {}):
            raise ValueError("compare_models takes fitted ML models (ordered=False)")
    columns = ["npar", "df", "chi2", "logl", "aic", "bic"]
    out = pd.DataFrame([fit.fit_[columns] for fit in fits], index=names, dtype=float)
    out = out.sort_values("df", kind="stable")
    out["delta_chi2"] = out["chi2"].diff()
    out["delta_df"] = out["df"].diff()
    with np.errstate(invalid="ignore"):
        out["p"] = stats.chi2.sf(out["delta_chi2"], out["delta_df"])
    return out


# ----------------------------------------------------------------------------- CFA
@dataclass
class CFA:
    """Confirmatory factor analysis by ML (lavaan's ``cfa`` defaults; marker identification).

    Parameters
    ----------
    model : str or MeasurementModel
        lavaan syntax (:func:`parse_model`: ``f =~ a + b + c``, ``a ~~ b``, regressions
        between factors ``f ~ g``, fixed values ``0.5*x``, freed markers ``NA*x``, labels
        ``a*x`` and ``a == b``) or :func:`model_from_codebook`. Factors that predict no
        other covary freely and the residuals of predicted ones do not unless written
        (lavaan's ``sem()`` and ``cfa()`` defaults).
    group : str, optional
        Column to fit a multi-group model by (all parameters free in each group).
    level : {"configural", "metric", "scalar"}
        Equality constraints across groups (only with ``group``).
    missing : {"listwise", "fiml"}
        Complete cases only (lavaan's default), or full-information ML over every respondent
        with at least one answer (lavaan's ``missing = "ml"``): the likelihood is summed over
        missingness patterns, and the saturated model it is tested against is fitted by EM.
    ordered : bool
        Treat the items as ordered categories: WLSMV on thresholds and polychoric
        correlations, as lavaan's ``cfa(..., ordered = items)`` (:func:`fit_ordered`;
        complete cases only). ``level`` may then also be ``"thresholds"`` (Wu & Estabrook
        2016), and ``fit_`` adds ``chi2_scaled`` and the ``_scaled`` indices.

    Attributes (after ``fit``)
    --------------------------
    fit_ : Series
        ``chi2``, ``df``, ``p``, ``cfi``, ``tli``, ``rmsea`` with ``rmsea_low``/``rmsea_high``
        (90 %), ``srmr``, baseline chi-square, ``n`` (complete cases), ``n_dropped``, ``fiml``
        (1 when full-information ML used the incomplete answers), ``converged`` and
        ``improper`` (a negative variance estimate: standardised values are then missing),
        the flags as 1 or 0: all numbers (float), so ``fit_.round(3)`` works.
    loadings_ : DataFrame
        One row per group, factor and indicator: ``group``, ``factor``, ``item``, ``estimate``
        (unstandardised) and ``std_all`` (standardised: latent and observed variances = 1).
    factor_correlations_ : DataFrame
        Latent correlations (first group).
    thresholds_ : DataFrame
        With ``ordered``: ``group``, ``item``, ``cut``, ``estimate``.

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> model = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> fit = CFA(model, group="school", level="metric").fit(hs)
    >>> int(fit.fit_["df"]), round(float(fit.fit_["chi2"]), 2)  # lavaan: 54, 124.04
    (54, 124.04)
    """

    model: str | MeasurementModel
    group: str | None = None
    level: str = "configural"
    missing: str = "listwise"
    ordered: bool = False

    @few_threads
    def fit(self, df: pd.DataFrame) -> CFA:
        if self.ordered:
            return self._fit_ordered(df)
        if self.level not in INVARIANCE_LEVELS:
            raise ValueError(f"level must be one of {INVARIANCE_LEVELS}, got {self.level!r}")
        if self.level != "configural" and self.group is None:
            raise ValueError(f"level {self.level!r} needs a group column")
        model = as_model(self.model)
        groups, dropped = _groups(df, model.items, self.group, self.missing)
        fitter = _Fitter(model, groups, self.level)
        theta = fitter.fit()
        self.model_ = model
        self.fit_ = _fit_measures(fitter, theta, dropped)
        rows = []
        factors = list(model.factors)
        improper = False
        for g, grp in enumerate(groups):
            lam, phi, th, nu, al = fitter.matrices(theta, g)
            sigma = lam @ phi @ lam.T + th
            # a negative variance (Heywood case) makes the solution improper: standardised
            # values are then undefined and reported missing, as lavaan warns
            negative = [model.items[j] for j in np.flatnonzero(np.diag(th) < 0)]
            psi = fitter.structural(theta, g)[1]  # a factor's own (residual) variance
            negative += [
                factors[k] for k in np.flatnonzero((np.diag(phi) <= 0) | (np.diag(psi) < 0))
            ]
            warn_heywood(f"CFA ({self.level}, group {grp.name})", negative)
            improper |= bool(negative)
            sd_lat = np.sqrt(np.where(np.diag(phi) > 0, np.diag(phi), np.nan))
            sd_obs = np.sqrt(np.where(np.diag(sigma) > 0, np.diag(sigma), np.nan))
            for k, f in enumerate(factors):
                for item in model.factors[f]:
                    j = model.items.index(item)
                    rows.append(
                        {
                            "group": grp.name,
                            "factor": f,
                            "item": item,
                            "estimate": lam[j, k],
                            "std_all": lam[j, k] * sd_lat[k] / sd_obs[j],
                        }
                    )
            if g == 0:
                self.factor_correlations_ = pd.DataFrame(
                    phi / np.outer(sd_lat, sd_lat), index=factors, columns=factors
                )
        self.fit_["improper"] = float(improper)
        for key, value in _information_criteria(fitter, theta).items():
            self.fit_[key] = value
        self.loadings_ = pd.DataFrame(rows)
        self.params_ = pd.Series(theta, index=fitter.spec.names)
        self._fitted, self._parameters = (fitter, theta), None
        return self

    @property
    def parameters_(self) -> pd.DataFrame:
        """Every free parameter per group, as lavaan's ``parameterEstimates(fit)``: ``group``,
        ``lhs``, ``op`` (``=~`` loading, ``~~`` (co)variance, ``~1`` intercept or mean),
        ``rhs``, ``estimate``, ``se``, ``z``, ``p``, ``ci_low``, ``ci_high`` (95 %). Standard
        errors from the expected information (complete data) or the observed one (FIML), as
        lavaan's defaults; made on first use (a report that needs no SE does not pay for it)."""
        if getattr(self, "_fitted", None) is None:
            raise AttributeError("parameters_: fit an ML model first (ordered models have none)")
        if self._parameters is None:
            self._parameters = _parameter_table(*self._fitted)
        return self._parameters

    def summary(self) -> Text:
        """The fit and every free parameter, as lavaan's ``summary(fit)`` lays them out (the
        numbers are :attr:`fit_` and :attr:`parameters_`)."""
        f = self.fit_
        lines = [
            f"ksresearch CFA (ML{', FIML' if f['fiml'] else ''}), level {self.level}",
            f"  Number of observations {int(f['n']):>28}   groups {int(f['n_groups'])}",
            f"  Number of free parameters {int(f['npar']):>25}",
            f"  Chi-square {f['chi2']:>38.3f}   df {int(f['df'])}   p {f['p']:.3f}",
            f"  CFI {f['cfi']:.3f}   TLI {f['tli']:.3f}   RMSEA {f['rmsea']:.3f} "
            f"[{f['rmsea_low']:.3f}, {f['rmsea_high']:.3f}]   SRMR {f['srmr']:.3f}",
            f"  Loglikelihood {f['logl']:.3f}   AIC {f['aic']:.3f}   BIC {f['bic']:.3f}",
            "",
        ]
        shown = self.parameters_.assign(
            parameter=lambda t: t["lhs"] + " " + t["op"] + " " + t["rhs"]
        )
        for group, part in shown.groupby("group", sort=False):
            if f["n_groups"] > 1:
                lines.append(f"Group {group}:")
            cols = ["parameter", "estimate", "se", "z", "p"]
            lines.append(part[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            lines.append("")
        return Text("\n".join(lines))

    def _fit_ordered(self, df: pd.DataFrame) -> CFA:
        from .wlsmv import fit_ordered

        if self.missing != "listwise":
            raise ValueError("ordered items are fitted on complete cases (missing='listwise')")
        result = fit_ordered(df, self.model, group=self.group, level=self.level)
        self.model_ = as_model(self.model)
        self.fit_, self.loadings_ = result.fit, result.loadings
        self.thresholds_ = result.thresholds
        self.factor_correlations_, self.params_ = result.factor_correlations, result.params
        return self


def cfa(
    df: pd.DataFrame,
    model: str | MeasurementModel,
    *,
    group: str | None = None,
    level: str = "configural",
    missing: str = "listwise",
    ordered: bool = False,
) -> CFA:
    """Fit a confirmatory factor model (:class:`CFA`) and return it; ``ordered=True`` for
    ordered items by WLSMV (lavaan's ``cfa(model, data, ordered = items)``).

    Parameters
    ----------
    df : DataFrame
        The items, one column each (and ``group``'s column).
    model : str or MeasurementModel
        lavaan syntax (:func:`parse_model`) or a parsed model.
    group : str, optional
        Column of a multi-group model.
    level : {"configural", "metric", "scalar"}
        Equality constraints across groups (``"thresholds"`` too with ``ordered``).
    missing : {"listwise", "fiml"}
        Complete cases, or full-information ML over every answer.
    ordered : bool
        Ordered items by WLSMV.

    Returns
    -------
    CFA
        The fitted model: ``fit_``, ``loadings_``, ``parameters_``, ``summary()``.

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> fit = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> round(float(fit.fit_["chi2"]), 3), int(fit.fit_["df"])
    (85.306, 24)
    """
    return CFA(model=model, group=group, level=level, missing=missing, ordered=ordered).fit(df)


# ----------------------------------------------------------------------------- invariance
@dataclass
class MeasurementInvariance:
    """Configural, metric and scalar invariance across groups (multi-group ML CFA).

    The configural model must fit first: it holds when it converged, its CFI is at least
    ``min_configural_cfi`` and its RMSEA (where defined) at most ``max_configural_rmsea``
    (the usual "acceptable" bounds; Hu & Bentler 1999, Browne & Cudeck 1993); without it no
    later level is tested. A later level holds when, against the level before it, CFI drops by
    at most ``max_delta_cfi`` and RMSEA rises by at most ``max_delta_rmsea`` (Chen, 2007). The
    chi-square difference test is reported alongside. RMSEA is undefined for a just-identified model (df = 0, e.g.
    the configural model of one factor with three items); the step after it is then judged
    on the change in CFI alone.

    Attributes (after ``fit``)
    --------------------------
    table_ : DataFrame
        One row per level: ``chi2``, ``df``, ``p``, ``cfi``, ``tli``, ``rmsea``, ``srmr``,
        ``delta_chi2``, ``delta_df``, ``p_delta``, ``delta_cfi`` (drop in CFI), ``delta_rmsea``
        (rise in RMSEA), ``holds``.
    verdict_ : str
        The strictest level that holds with all levels before it: "scalar" (means comparable),
        "metric" (relations comparable), "configural" or "none".
    fits_ : dict
        The fitted :class:`CFA` per level.

    With ``ordered=True`` the items are ordered categories (WLSMV, complete cases): the
    levels are configural, thresholds, metric and scalar as semTools' ``measEq.syntax``
    (``ID.cat = "Wu.Estabrook.2016"``, delta parameterization), and CFI and RMSEA are the
    scaled ones (``cfi.scaled``, ``rmsea.scaled``). The difference of two scaled chi-squares
    is not chi-square distributed, so ``delta_chi2`` and ``p_delta`` are left empty there.

    Parameters
    ----------
    model : str or MeasurementModel
        lavaan syntax (:func:`parse_model`).
    group : str
        The column whose groups are compared.
    max_delta_cfi, max_delta_rmsea : float
        The largest drop in CFI (0.010) and rise in RMSEA (0.015) with which a level holds.
    missing : {"listwise", "fiml"}
        Complete cases, or full-information ML.
    min_configural_cfi, max_configural_rmsea : float
        The fit the configural model needs (CFI 0.90, RMSEA 0.10).
    ordered : bool
        Ordered items by WLSMV.

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> mi = MeasurementInvariance("visual =~ x1 + x2 + x3", "school").fit(hs)
    >>> list(mi.table_.index), mi.verdict_
    (['configural', 'metric', 'scalar'], 'metric')
    """

    model: str | MeasurementModel
    group: str
    max_delta_cfi: float = 0.010
    max_delta_rmsea: float = 0.015
    missing: str = "listwise"
    min_configural_cfi: float = 0.90
    max_configural_rmsea: float = 0.10
    ordered: bool = False

    @few_threads
    def fit(self, df: pd.DataFrame) -> MeasurementInvariance:
        levels = ORDERED_LEVELS if self.ordered else INVARIANCE_LEVELS
        self.fits_ = {
            level: CFA(self.model, self.group, level, self.missing, self.ordered).fit(df)
            for level in levels
        }
        rows, prev = [], None
        for level, fitted in self.fits_.items():
            f = fitted.fit_
            if self.ordered:  # judged on the scaled statistics
                f = f.copy()
                for k in ("chi2", "p", "cfi", "tli", "rmsea"):
                    f[k] = f[f"{k}_scaled"]
            row = {
                "level": level,
                **{k: f[k] for k in ("chi2", "df", "p", "cfi", "tli", "rmsea", "srmr")},
            }
            if prev is None:
                row.update(
                    delta_chi2=np.nan,
                    delta_df=np.nan,
                    p_delta=np.nan,
                    delta_cfi=np.nan,
                    delta_rmsea=np.nan,
                    holds=self._configural_fits(f),
                )
            else:
                dchi, ddf = f["chi2"] - prev["chi2"], f["df"] - prev["df"]
                dcfi, drmsea = prev["cfi"] - f["cfi"], f["rmsea"] - prev["rmsea"]
                if self.ordered:
                    dchi = np.nan
                row.update(
                    delta_chi2=dchi,
                    delta_df=ddf,
                    p_delta=stats.chi2.sf(dchi, ddf),
                    delta_cfi=dcfi,
                    delta_rmsea=drmsea,
                    holds=bool(dcfi <= self.max_delta_cfi and not drmsea > self.max_delta_rmsea),
                )
            rows.append(row)
            prev = f
        self.table_ = pd.DataFrame(rows).set_index("level")
        verdict = "none"
        for level in levels:
            if not self.table_.loc[level, "holds"]:
                break
            verdict = level
        self.verdict_ = verdict
        return self

    def _configural_fits(self, f: pd.Series) -> bool:
        rmsea_ok = np.isnan(f["rmsea"]) or f["rmsea"] <= self.max_configural_rmsea
        return bool(f["converged"] and f["cfi"] >= self.min_configural_cfi and rmsea_ok)


def invariance(
    df: pd.DataFrame,
    model: str | MeasurementModel,
    group: str,
    *,
    max_delta_cfi: float = 0.010,
    max_delta_rmsea: float = 0.015,
    missing: str = "listwise",
    min_configural_cfi: float = 0.90,
    max_configural_rmsea: float = 0.10,
    ordered: bool = False,
) -> MeasurementInvariance:
    """Test measurement invariance of ``model`` across ``group`` (:class:`MeasurementInvariance`).

    Parameters
    ----------
    df : DataFrame
        The items and the ``group`` column.
    model : str or MeasurementModel
        lavaan syntax (:func:`parse_model`).
    group : str
        The column whose groups are compared.
    max_delta_cfi, max_delta_rmsea : float
        The largest drop in CFI and rise in RMSEA with which a level still holds (Chen 2007).
    missing : {"listwise", "fiml"}
        Complete cases, or full-information ML.
    min_configural_cfi, max_configural_rmsea : float
        The fit the configural model needs before any later level is tested.
    ordered : bool
        Ordered items by WLSMV (levels as semTools' ``measEq.syntax``).

    Returns
    -------
    MeasurementInvariance
        Fitted: ``table_`` (one row per level), ``verdict_`` and ``fits_``.

    Examples
    --------
    >>> import semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> mi = invariance(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9",
    ...                 group="school")
    >>> mi.table_["chi2"].round(2).tolist(), mi.verdict_
    ([115.85, 124.04, 164.1], 'metric')
    """
    return MeasurementInvariance(
        model,
        group,
        max_delta_cfi=max_delta_cfi,
        max_delta_rmsea=max_delta_rmsea,
        missing=missing,
        min_configural_cfi=min_configural_cfi,
        max_configural_rmsea=max_configural_rmsea,
        ordered=ordered,
    ).fit(df)
