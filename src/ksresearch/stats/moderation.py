"""Moderation: does the effect of x on y depend on w? An interaction with its simple slopes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .disclosure import InsufficientDataError, Members

__all__ = ["moderation"]


def moderation(
    df: pd.DataFrame,
    y: str,
    x: str,
    w: str,
    *,
    cluster: str | None = None,
    covariates: list[str] | tuple[str, ...] = (),
    at: list[float] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""The regression :math:`y = b_0 + b_x x_c + b_w w_c + \gamma' z + b_{xw} x_c w_c` with
    ``x`` and ``w`` centred at their means (:math:`x_c = x - \bar x`), and the simple slopes
    of ``x`` at values of ``w``: :math:`b_x + b_{xw}(w_0 - \bar w)`, with variance
    :math:`V_{xx} + (w_0 - \bar w)^2 V_{xw,xw} + 2 (w_0 - \bar w) V_{x,xw}` (Aiken & West
    1991, *Multiple Regression: Testing and Interpreting Interactions*).

    With ``cluster`` (a column, e.g. the company) the covariance is cluster-robust (CR1: the
    sandwich with :math:`\frac{G}{G-1}\frac{N-1}{N-K}`) and tests and intervals use t on
    :math:`G - 1` df, as respondents of one company share it (Cameron & Miller 2015);
    without, ordinary least squares on :math:`N - K` df. Complete cases only.

    The same numbers in R: ``fit <- lm(y ~ xc * wc + z)``; ``V <- sandwich::vcovCL(fit,
    cluster = ~company, type = "HC1")``; ``lmtest::coeftest(fit, vcov = V, df = G - 1)`` and
    ``lmtest::coefci(...)`` (tests/reference/moderation.R); ``summary(fit)`` without cluster.

    Parameters
    ----------
    y, x, w : str
        The outcome, the predictor and the moderator (numeric columns).
    cluster : str, optional
        The column of clusters (companies) for the standard errors.
    covariates : list of str
        Further numeric predictors.
    at : list of float, optional
        Values of ``w`` for the simple slopes; default its mean - SD, mean and mean + SD.
    ci : float
        Coverage of the intervals.

    Returns
    -------
    DataFrame
        Indexed by (``part``, ``term``): the ``coefficient`` rows ``intercept``, ``x``, ``w``,
        each covariate and ``x:w`` (named by the columns), then one ``slope`` row per value
        of ``w`` (``"<x> at <w> = <value>"``); columns ``estimate``, ``se``, ``t``, ``df``,
        ``p``, ``ci_low``, ``ci_high`` and ``at`` (the slope's value of ``w``). ``attrs``:
        ``n``, ``n_clusters``, ``r2``, ``means`` (of ``x`` and ``w``) and ``members`` (every
        row rests on the complete cases).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=200), "w": rng.normal(size=200)})
    >>> d["y"] = 0.5 * d["x"] + 0.4 * d["x"] * d["w"] + rng.normal(size=200)
    >>> out = moderation(d, "y", "x", "w")
    >>> round(float(out.loc[("coefficient", "x:w"), "estimate"]), 2)
    0.39
    """
    import statsmodels.api as sm

    predictors = [x, w, *covariates]
    d = df[[y, *predictors, *([cluster] if cluster else [])]].dropna()
    try:
        values = d[[y, *predictors]].astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{y}, {x}, {w} and the covariates must be numeric") from None
    k = 4 + len(covariates)
    if len(d) <= k + 1:
        raise InsufficientDataError(f"{len(d)} complete cases for {k} coefficients")
    means = {x: values[x].mean(), w: values[w].mean()}
    xc, wc = values[x] - means[x], values[w] - means[w]
    design = pd.DataFrame({"intercept": 1.0, x: xc, w: wc, **{c: values[c] for c in covariates}})
    design[f"{x}:{w}"] = xc * wc
    model = sm.OLS(values[y], design)
    if cluster:
        groups = pd.factorize(d[cluster])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
        n_clusters, df_t = int(groups.max()) + 1, int(groups.max())
    else:
        fit = model.fit()
        n_clusters, df_t = None, int(fit.df_resid)
    cov = fit.cov_params()
    coefficients = pd.DataFrame({"estimate": fit.params, "se": np.sqrt(np.diag(cov))})
    at = list(at) if at is not None else [means[w] + s * values[w].std(ddof=1) for s in (-1, 0, 1)]
    slopes = pd.DataFrame(
        [_slope(fit.params, cov, x, f"{x}:{w}", value - means[w]) for value in at],
        index=[f"{x} at {w} = {value:.3g}" for value in at],
    )
    out = pd.concat({"coefficient": coefficients, "slope": slopes}, names=["part", "term"])
    q = stats.t.ppf(0.5 + ci / 2, df_t)
    out["t"] = out["estimate"] / out["se"]
    out["df"] = float(df_t)
    out["p"] = 2 * stats.t.sf(np.abs(out["t"]), df_t)
    out["ci_low"], out["ci_high"] = out["estimate"] - q * out["se"], out["estimate"] + q * out["se"]
    out["at"] = [np.nan] * len(coefficients) + [float(v) for v in at]
    out.attrs.update(n=len(d), n_clusters=n_clusters, r2=float(fit.rsquared),
                     means={k: float(v) for k, v in means.items()},
                     members=Members.model(out.index, d.index.to_numpy()))  # fmt: skip
    return out


def _slope(params: pd.Series, cov: pd.DataFrame, x: str, xw: str, w0: float) -> dict:
    """The slope of ``x`` where the centred moderator is ``w0``, and its standard error."""
    variance = cov.at[x, x] + w0**2 * cov.at[xw, xw] + 2 * w0 * cov.at[x, xw]
    return {"estimate": params[x] + params[xw] * w0, "se": float(np.sqrt(variance))}
