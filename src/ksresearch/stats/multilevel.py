"""Respondents nested in clusters (companies, teams, sites): how much of an outcome's variance
lies between the clusters.

The random-intercept model ``y_ij = mu + u_j + e_ij`` with ``u_j ~ N(0, tau^2)`` and
``e_ij ~ N(0, sigma^2)`` is fitted by REML as lme4's ``lmer`` does, its likelihood profiled on
the one ratio ``tau^2 / sigma^2`` (exact, and a one-dimensional search). statsmodels'
``MixedLM`` was tried first: on the reference data its REML fit stopped at a between-cluster
variance of 39.5 where lme4's maximum is 33.4, and a second call from arrays gave a mean of
-11.6, so it is not used.
The intraclass correlation ``ICC = tau^2 / (tau^2 + sigma^2)`` is the share of the variance
between clusters, and the design effect ``1 + (m - 1) ICC`` (``m`` the mean cluster size) how
much a mean's variance grows because the respondents come in clusters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

from .diagnostics import check_frame, warn_not_converged
from .threads import few_threads

__all__ = ["icc"]


@few_threads
def icc(df: pd.DataFrame, outcomes: str | list[str], cluster: str) -> pd.DataFrame:
    r"""Intraclass correlation of each outcome within ``cluster``, from a random-intercept
    model fitted by REML.

    .. math::
        y_{ij} = \mu + u_j + e_{ij},\quad u_j \sim N(0, \tau^2),\ e_{ij} \sim N(0, \sigma^2),
        \qquad \mathrm{ICC} = \frac{\tau^2}{\tau^2 + \sigma^2}

    Parameters
    ----------
    df : DataFrame
        One row per respondent.
    outcomes : str or list of str
        Numeric columns; each is fitted on the rows that answered it.
    cluster : str
        The column of the cluster (company, team, site) each respondent belongs to.

    Returns
    -------
    DataFrame
        One row per outcome: ``n``, ``n_clusters``, ``mean`` (the model's intercept),
        ``tau2`` (between-cluster variance), ``sigma2`` (within), ``icc`` and
        ``design_effect`` (``1 + (n / n_clusters - 1) icc``).

    Notes
    -----
    Equal to ``lme4::lmer(y ~ 1 + (1 | cluster), REML = TRUE)`` with
    ``performance::icc(fit)$ICC_adjusted`` (tests/reference/lme4_icc.R). A variance between
    clusters estimated at its boundary gives an ICC of 0.

    References
    ----------
    Snijders, T. A. B. & Bosker, R. J. (2012). *Multilevel analysis* (2nd ed.), ch. 3-4.
    Kish, L. (1965). *Survey sampling*, on the design effect.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(20), 30)
    >>> y = rng.normal(0, 1, 20)[g] + rng.normal(0, 2, 600)  # ICC about 1 / 5
    >>> out = icc(pd.DataFrame({"y": y, "site": g}), "y", "site")
    >>> round(float(out.loc["y", "icc"]), 2)
    0.17
    """
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if cluster in outcomes:
        raise ValueError(f"{cluster!r} cannot be both an outcome and the cluster")
    clusters = check_frame(df, [cluster], numeric=False)[cluster]
    values = check_frame(df, outcomes, what="outcomes")
    rows = {y: _random_intercept(values[y], clusters, y) for y in outcomes}
    return pd.DataFrame.from_dict(rows, orient="index")


def _random_intercept(values: pd.Series, clusters: pd.Series, y: str) -> dict:
    """REML of the random-intercept model, profiled on ``gamma = tau^2 / sigma^2``: with
    cluster sizes ``n_j``, means ``ybar_j``, within sums of squares ``SSW_j`` and weights
    ``w_j = n_j / (1 + n_j gamma)``, ``mu = sum w_j ybar_j / sum w_j``, ``RSS = sum SSW_j +
    sum w_j (ybar_j - mu)^2``, ``sigma^2 = RSS / (N - 1)`` and ``-2 l_R = (N - 1) log sigma^2
    + sum log(1 + n_j gamma) + log sum w_j`` (+ constants), minimised over ``gamma >= 0``."""
    answered = values.notna() & clusters.notna()
    data = pd.DataFrame({"y": values[answered].astype(float), "g": clusters[answered]})
    by = data.groupby("g", sort=False)["y"]
    n = by.size().to_numpy(dtype=float)
    means = by.mean().to_numpy()
    within = float(((data["y"] - by.transform("mean")) ** 2).sum())
    k, total = len(n), float(n.sum())
    if k < 2 or total <= k:
        raise ValueError(
            f"{y}: {total:.0f} answers in {k} clusters: too few for a random intercept"
        )

    def profile(gamma: float) -> tuple[float, float, float]:
        w = n / (1 + n * gamma)
        mu = float((w * means).sum() / w.sum())
        rss = within + float((w * (means - mu) ** 2).sum())
        deviance = (total - 1) * np.log(rss / (total - 1)) + np.log1p(n * gamma).sum()
        return deviance + np.log(w.sum()), mu, rss / (total - 1)

    found = optimize.minimize_scalar(
        lambda log_gamma: profile(np.exp(log_gamma))[0],
        bounds=(-25.0, 12.0),
        method="bounded",
        options={"xatol": 1e-10},
    )
    gamma = float(np.exp(found.x)) if found.fun < profile(0.0)[0] else 0.0
    if not found.success:
        warn_not_converged(f"random intercept of {y}", str(found.message))
    _, mu, sigma2 = profile(gamma)
    tau2 = gamma * sigma2
    share = tau2 / (tau2 + sigma2)
    return {
        "n": int(total),
        "n_clusters": k,
        "mean": mu,
        "tau2": tau2,
        "sigma2": sigma2,
        "icc": share,
        "design_effect": 1 + (total / k - 1) * share,
    }
