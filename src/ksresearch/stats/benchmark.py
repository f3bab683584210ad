"""One unit against a pool of clustered respondents: the difference's standard error with the
pool's clustering, simultaneous intervals with labels that agree with them (and Holm's
adjusted p-values), and empirical-Bayes percentile ranks. Works on any arrays; nothing here
knows of companies or of the survey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .multitest import holm_adjust

__all__ = [
    "clustered_mean_se",
    "label_differences",
    "shrunken_ranks",
    "simultaneous_differences",
]


def clustered_mean_se(y: np.ndarray, clusters: np.ndarray, weights=None) -> float:
    r"""Standard error of the mean of ``y`` when respondents come in clusters (companies) and
    the clusters are a sample: the cluster-robust (CR1) sandwich of an intercept-only model,

    .. math:: \widehat{V}(\bar y) = \frac{G}{G-1}\,\frac{1}{N^2}\sum_{g=1}^{G}
              \Big(\sum_{i \in g} (y_i - \bar y)\Big)^2

    With ``weights`` the mean is weighted and the sandwich that of weighted least squares:
    :math:`\frac{G}{G-1} \sum_g (\sum_{i \in g} w_i (y_i - \bar y_w))^2 / (\sum w)^2`
    (statsmodels' ``WLS(y, ones, weights=w)`` with cluster errors; it treats the weights as
    fixed, so a raked estimate's error is, if anything, overstated).

    Reference: Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference",
    J. Human Resources 50(2), eq. 11. The same number in R:
    ``sqrt(sandwich::vcovCL(lm(y ~ 1), cluster = ~g, type = "HC1"))`` (HC1 there also
    multiplies by (N-1)/(N-k) = 1 for k = 1), or statsmodels'
    ``OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g}).bse``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([1.0, 2, 3, 4, 5, 6])
    >>> round(clustered_mean_se(y, np.array([0, 0, 1, 1, 2, 2])), 4)
    1.1547
    """
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    codes, groups = pd.factorize(pd.Series(clusters))
    g = len(groups)
    if g < 2:
        return float("nan")
    mean = np.sum(w * y) / np.sum(w)
    sums = np.bincount(codes, weights=w * (y - mean), minlength=g)
    return float(np.sqrt(g / (g - 1) * np.sum(sums**2) / np.sum(w) ** 2))


def label_differences(
    diff: pd.Series,
    p: pd.Series,
    direction: pd.Series,
    min_diff: pd.Series,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which differences a reader may be told about: Holm's step-down correction across all the
    tested differences (the family is the report), then a minimum size.

    Parameters
    ----------
    diff, p : Series
        The differences and their two-sided p-values (missing p: not tested).
    direction : Series
        +1 where higher is better, -1 where lower is better, 0 (or missing) where the measure
        is descriptive (no judgement).
    min_diff : Series
        The smallest absolute difference worth a label, per measure.

    Returns
    -------
    DataFrame
        ``p_holm`` and ``assessment``: "strength" / "weakness" for an evaluative measure, or
        "higher" / "lower" for a descriptive one, when ``p_holm < alpha`` and
        ``|diff| >= min_diff``; else "on par". Untested rows get a missing assessment.

    Examples
    --------
    >>> import pandas as pd
    >>> out = label_differences(pd.Series([8.0, 6.0, 2.0]), pd.Series([0.001, 0.01, 0.001]),
    ...                         pd.Series([1, 0, -1]), pd.Series([5.0, 5.0, 5.0]))
    >>> list(out["assessment"])
    ['strength', 'higher', 'on par']
    """
    holm = pd.Series(holm_adjust(p.to_numpy(dtype=float)), index=p.index)
    notable = (holm < alpha) & (diff.abs() >= min_diff)
    sign = np.sign(diff) * direction.fillna(0)
    evaluative = direction.fillna(0) != 0
    label = np.where(
        ~notable,
        "on par",
        np.where(
            evaluative,
            np.where(sign > 0, "strength", "weakness"),
            np.where(diff > 0, "higher", "lower"),
        ),
    )
    out = pd.DataFrame({"p_holm": holm, "assessment": label}, index=p.index)
    out.loc[p.isna(), "assessment"] = None
    return out


def simultaneous_differences(
    diff: pd.Series,
    se: pd.Series,
    direction: pd.Series,
    min_diff: pd.Series | float,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""Differences with simultaneous intervals, and labels that never contradict them.

    With :math:`k` tested differences (those with a standard error), each interval is
    :math:`d \pm z_{1-(1-c)/(2k)}\,SE` (Bonferroni: all :math:`k` hold together with
    probability at least :math:`c`). A difference is labelled exactly when its interval leaves
    out 0 and :math:`|d| \ge` ``min_diff``: "strength" / "weakness" where ``direction`` judges
    (+1 higher is better, -1 lower is better), "higher" / "lower" where it only describes (0).
    "small": the interval leaves out 0 but the difference is under ``min_diff``. "not clear":
    large enough, and the one-at-a-time interval at ``ci`` leaves out 0, but the simultaneous
    one does not (what a reader of the unadjusted interval would have believed). Else "on par"
    (the interval holds 0, and so does the one-at-a-time interval or the difference is small). Holm's step-down test would label a little more, but has no interval to
    print beside its label; a reader sees the interval, so the label follows the interval.

    Reference: Dunn (1961), "Multiple comparisons among means", JASA 56, 52-64. R:
    ``d + c(-1, 1) * qnorm(1 - 0.05 / (2 * k)) * se``; ``p.adjust(p, "bonferroni")``.

    Returns
    -------
    DataFrame
        ``diff_low``, ``diff_high`` (simultaneous), ``p`` (two-sided, normal), ``p_adj``
        (Bonferroni, :math:`\min(1, kp)`) and ``assessment``; untested rows (no standard
        error) missing. ``attrs["tests"]`` is :math:`k`.

    Examples
    --------
    >>> import pandas as pd
    >>> out = simultaneous_differences(pd.Series([8.0, 6.0, 6.0, -4.0]),
    ...                                pd.Series([1.0, 2.6, 1.0, 1.0]), pd.Series([1, 1, 0, 1]), 5.0)
    >>> list(out["assessment"])
    ['strength', 'not clear', 'higher', 'small']
    >>> out.attrs["tests"], round(float(out.at[1, "diff_low"]), 2)  # 6 - 2.498 * 2.6, k = 4
    (4, -0.5)
    """
    from scipy import stats

    se = se.astype(float).where(se > 0)
    tested = se.notna() & diff.notna()
    k = max(int(tested.sum()), 1)
    z_all = stats.norm.ppf(1 - (1 - ci) / (2 * k))
    z_one = stats.norm.ppf(1 - (1 - ci) / 2)
    p = pd.Series(2 * stats.norm.sf((diff / se).abs()), index=diff.index).where(tested)
    low, high = diff - z_all * se, diff + z_all * se
    big = diff.abs() >= min_diff
    clear = (low > 0) | (high < 0)
    alone = ((diff - z_one * se > 0) | (diff + z_one * se < 0)) & big
    evaluative = direction.fillna(0) != 0
    sign = np.sign(diff) * direction.fillna(0)
    named = np.where(
        evaluative,
        np.where(sign > 0, "strength", "weakness"),
        np.where(diff > 0, "higher", "lower"),
    )
    label = np.where(clear, np.where(big, named, "small"), np.where(alone, "not clear", "on par"))
    out = pd.DataFrame(
        {
            "diff_low": low.where(tested),
            "diff_high": high.where(tested),
            "p": p,
            "p_adj": (p * k).clip(upper=1.0),
            "assessment": pd.Series(label, index=diff.index, dtype=object).where(tested),
        },
        index=diff.index,
    )
    out.attrs["tests"] = int(tested.sum())
    return out


def shrunken_ranks(
    values: pd.Series,
    se: pd.Series,
    *,
    direction: int = 1,
    ci: float = 0.95,
    n_draws: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    r"""Percentile ranks of units (companies) on empirical-Bayes shrunken means, with intervals.

    Each unit's value :math:`y_j` (standard error :math:`s_j`) is pulled towards the mean of
    all units by its reliability, :math:`\hat\theta_j = \bar y + B_j (y_j - \bar y)` with
    :math:`B_j = \hat\tau^2 / (\hat\tau^2 + s_j^2)`; :math:`\hat\tau^2 =
    \max(\operatorname{var}(y) - \overline{s^2}, 0)` is the method-of-moments between-unit
    variance (Morris 1983, JASA 78, 47-55). A unit's percentile is the share of the *other*
    units it ranks above in the good direction (ties count half); its interval comes from
    ``n_draws`` joint draws of every unit from its posterior :math:`N(\hat\theta_j, B_j s_j^2)`.
    Small units no longer top or trail the ranking by noise alone.

    Parameters
    ----------
    direction : {1, -1, 0}
        1: higher ranks above; -1: lower ranks above (share of units with *higher* stress, say);
        0 (descriptive): as 1.

    Returns
    -------
    DataFrame
        Per unit: ``shrunken``, ``percentile``, ``percentile_low``, ``percentile_high`` (0-100).

    Examples
    --------
    >>> import pandas as pd
    >>> r = shrunken_ranks(pd.Series([60.0, 70, 80, 65, 75]), pd.Series([2.0] * 5))
    >>> list(r["percentile"].round())
    [0.0, 50.0, 100.0, 25.0, 75.0]
    """
    y = values.to_numpy(dtype=float) * (-1 if direction < 0 else 1)
    s2 = se.to_numpy(dtype=float) ** 2
    tau2 = max(float(np.var(y, ddof=1)) - float(np.mean(s2)), 0.0) if len(y) > 1 else 0.0
    b = tau2 / (tau2 + s2) if tau2 > 0 else np.zeros_like(y)
    theta = y.mean() + b * (y - y.mean())
    rng = np.random.default_rng(seed)
    draws = theta + rng.standard_normal((n_draws, len(y))) * np.sqrt(b * s2)
    point = _rank_share(theta[None, :])[0]
    ranks = _rank_share(draws)
    lo, hi = np.quantile(ranks, [(1 - ci) / 2, 1 - (1 - ci) / 2], axis=0)
    return pd.DataFrame(
        {
            "shrunken": theta * (-1 if direction < 0 else 1),
            "percentile": point,
            "percentile_low": lo,
            "percentile_high": hi,
        },
        index=values.index,
    )


def _rank_share(x: np.ndarray) -> np.ndarray:
    """Per row of draws, each unit's share (%) of the other units below it (ties: half)."""
    below = (x[:, :, None] > x[:, None, :]).sum(axis=2)
    ties = (x[:, :, None] == x[:, None, :]).sum(axis=2) - 1
    return 100 * (below + 0.5 * ties) / max(x.shape[1] - 1, 1)
