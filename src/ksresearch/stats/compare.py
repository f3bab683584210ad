"""Group comparisons, proportions and trends, with multiple-testing control and the
minimum-group rule.

Shift work, AI use and other conditions are concentrated in some companies, so every mean
comparison also reports a company-adjusted difference (company fixed effects, company-clustered
standard errors): the difference within companies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .disclosure import Members, min_size, owners_rule, protect

__all__ = ["hedges_g", "compare_groups", "compare_proportions", "trend"]

_ADJUST = {
    "holm": "holm",
    "bh": "fdr_bh",
    "fdr_bh": "fdr_bh",
    "bonferroni": "bonferroni",
    "none": None,
}


def hedges_g(x: np.ndarray, y: np.ndarray, ci: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g (bias-corrected standardised mean difference x - y) with its CI.

    ``d = (mean(x) - mean(y)) / s_pooled``, ``g = J d`` with the exact correction
    ``J = Gamma(df / 2) / (sqrt(df / 2) Gamma((df - 1) / 2))``, ``df = nx + ny - 2``. The
    interval inverts the noncentral t distribution of ``t = d / sqrt(1/nx + 1/ny)``
    (Steiger & Fouladi 1997) and is scaled the same way, so it is exact under normality where
    the large-sample normal interval is too narrow for small groups. Same numbers as
    ``effectsize::hedges_g(x, y)``.

    Examples
    --------
    >>> import numpy as np
    >>> g, lo, hi = hedges_g(np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 3, 4, 5, 6]))
    >>> round(g, 3), round(lo, 2), round(hi, 2)
    (-0.57, -1.74, 0.65)
    """
    nx, ny = len(x), len(y)
    df = nx + ny - 2
    pooled = np.sqrt(((nx - 1) * np.var(x, ddof=1) + (ny - 1) * np.var(y, ddof=1)) / df)
    d = (np.mean(x) - np.mean(y)) / pooled
    j = np.exp(special.gammaln(df / 2) - np.log(np.sqrt(df / 2)) - special.gammaln((df - 1) / 2))
    scale = np.sqrt(1 / nx + 1 / ny)
    low, high = _noncentral_t_interval(d / scale, df, ci)
    return float(j * d), float(j * low * scale), float(j * high * scale)


def _noncentral_t_interval(t: float, df: float, ci: float) -> tuple[float, float]:
    """Noncentrality parameters whose t distribution puts ``t`` at its upper and lower
    ``(1 - ci) / 2`` quantile (the confidence interval of the noncentrality)."""
    if not np.isfinite(t):
        return np.nan, np.nan
    tail = (1 - ci) / 2

    def root(p: float) -> float:
        def gap(ncp: float) -> float:  # decreasing in ncp
            return stats.nct.cdf(t, df, ncp) - p

        width = 2.0 + abs(t)
        while gap(t - width) < 0 or gap(t + width) > 0:
            width *= 2
        return optimize.brentq(gap, t - width, t + width, xtol=1e-12)

    return root(1 - tail), root(tail)


def _adjust(p: pd.Series, method: str) -> pd.Series:
    from statsmodels.stats.multitest import multipletests

    if method not in _ADJUST:
        raise ValueError(f"adjust must be one of {sorted(_ADJUST)}, got {method!r}")
    out = pd.Series(np.nan, index=p.index)
    ok = p.notna()
    if _ADJUST[method] is None or not ok.any():
        return p.copy()
    out[ok] = multipletests(p[ok], method=_ADJUST[method])[1]
    return out


def _company_adjusted(
    d: pd.DataFrame, outcome: str, group: str, company: str, ref: object, ci: float
) -> tuple[float, float, float, float]:
    """Within-company difference (group != ref minus ref) by OLS with company fixed effects."""
    import statsmodels.formula.api as smf

    data = pd.DataFrame(
        {
            "y": d[outcome].astype(float),
            "g": (d[group] != ref).astype(float),
            "c": d[company].astype(str),
        }
    )
    mixed = (
        data.groupby("c")["g"].transform("nunique") > 1
    )  # companies with both groups carry information
    data = data[mixed]
    if data["c"].nunique() < 2 or data["g"].nunique() < 2:
        return (np.nan,) * 4
    # CR1 cluster-robust SE with t on companies - 1 df (as sandwich::vcovCL + lmtest::coeftest)
    fit = smf.ols("y ~ g + C(c)", data).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["c"])[0]}, use_t=True
    )
    lo, hi = fit.conf_int(alpha=1 - ci).loc["g"]
    return float(fit.params["g"]), float(lo), float(hi), float(fit.pvalues["g"])


def _two_groups(a: np.ndarray, b: np.ndarray, ci: float) -> dict[str, float]:
    """Welch t (b - a) with its CI, Hedges' g with its CI, Mann-Whitney with rank-biserial r."""
    t = stats.ttest_ind(b, a, equal_var=False)
    diff_ci = t.confidence_interval(confidence_level=ci)
    g, g_lo, g_hi = hedges_g(b, a, ci)
    u = stats.mannwhitneyu(b, a, alternative="two-sided")
    return {
        "diff": b.mean() - a.mean(),
        "diff_low": diff_ci.low,
        "diff_high": diff_ci.high,
        "t": t.statistic,
        "p": t.pvalue,
        "hedges_g": g,
        "g_low": g_lo,
        "g_high": g_hi,
        "mw_p": u.pvalue,
        "rank_biserial": 2 * u.statistic / (len(a) * len(b)) - 1,
    }


def _more_groups(samples: list[np.ndarray], y: pd.Series) -> dict[str, float]:
    """One-way ANOVA, Kruskal-Wallis and eta squared across three or more groups."""
    f = stats.f_oneway(*samples)
    grand = y.mean()
    ss_between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    return {
        "f": f.statistic,
        "p": f.pvalue,
        "kw_p": stats.kruskal(*samples).pvalue,
        "eta2": ss_between / ((y - grand) ** 2).sum(),
    }


def compare_groups(
    df: pd.DataFrame,
    outcomes: list[str],
    group: str,
    *,
    company: str | None = None,
    owners: str | None = None,
    adjust: str = "holm",
    ci: float = 0.95,
    min_n: int | None = None,
    noninvariant: set[str] | frozenset[str] = frozenset(),
    labels: dict | None = None,
) -> pd.DataFrame:
    """Compare many outcomes across the levels of ``group`` at once.

    Two groups: Welch's t-test, the mean difference with its CI, Hedges' g with CI,
    Mann-Whitney U with the rank-biserial correlation, and the company-adjusted difference.
    More groups: one-way ANOVA, Kruskal-Wallis and eta squared.

    Parameters
    ----------
    df : DataFrame
        Respondent-level data.
    outcomes : list of str
        Numeric columns (e.g. construct scores).
    group : str
        The grouping column; missing values are left out.
    company : str or None
        Company column for the company-adjusted estimate (None: skip it).
    owners : str or None
        Column for the companies-per-cell rule (:func:`owners_rule`): a level whose
        respondents come from too few owners, or mostly from one, is hidden like a small group.
    adjust : {"holm", "bh", "bonferroni", "none"}
        Multiple-testing correction across outcomes (applied to ``p`` into ``p_adj``).
    ci : float
        Confidence level.
    min_n : int, optional
        Minimum group size (default 5); smaller groups make a comparison unreportable.
    noninvariant : set of str
        Outcomes whose measurement is not (scalar) invariant across the groups: their mean
        comparison is flagged ``comparable = False``.
    labels : dict, optional
        ``{code: label}`` for the group levels in the ``groups`` column.

    Returns
    -------
    DataFrame
        One row per outcome: ``groups``, ``n_<level>`` and ``mean_<level>`` per level, and for
        two groups ``diff`` (second minus first level), ``diff_low``, ``diff_high``, ``t``,
        ``p``, ``p_adj``, ``hedges_g``, ``g_low``, ``g_high``, ``mw_p``, ``rank_biserial``,
        ``adjusted_diff``, ``adjusted_low``, ``adjusted_high``, ``adjusted_p``; for more groups
        ``f``, ``p``, ``p_adj``, ``kw_p``, ``eta2``; always ``comparable`` and ``suppressed``.
        ``attrs["members"]`` holds the respondents (index labels of ``df``) behind each
        count and mean, and behind each row's tests.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"g": np.repeat([1, 2], 50), "y": np.r_[rng.normal(0, 1, 50), rng.normal(1, 1, 50)]})
    >>> out = compare_groups(df, ["y"], "g", company=None)
    >>> bool(out.loc["y", "diff"] > 0.5 and out.loc["y", "p"] < 0.001)
    True
    """
    m = min_size(min_n)
    if group not in df.columns:
        raise ValueError(f"group column {group!r} is not in the data")
    missing = [o for o in outcomes if o not in df.columns]
    if missing:
        raise ValueError(f"outcomes not in the data: {missing}")
    for name in (company, owners):
        if name is not None and name not in df.columns:
            raise ValueError(f"company column {name!r} is not in the data")
    levels = sorted(df[group].dropna().unique())
    if len(levels) < 2:
        raise ValueError(f"group {group!r} has {len(levels)} level(s); need at least 2")
    names = {lv: (labels or {}).get(lv, lv) for lv in levels}
    rows = []
    members = Members()
    for outcome in outcomes:
        keep = list(dict.fromkeys([outcome, group, *(c for c in (company, owners) if c)]))
        d = df[keep].dropna(subset=[outcome, group])
        try:
            y = d[outcome].astype(float)
        except (TypeError, ValueError):
            raise ValueError(
                f"outcome {outcome!r} is not numeric (free text is never aggregated)"
            ) from None
        samples = [y[d[group] == lv].to_numpy() for lv in levels]
        row: dict[str, object] = {
            "outcome": outcome,
            "groups": " vs ".join(str(names[lv]) for lv in levels),
        }
        cells = protect(
            pd.DataFrame(
                {
                    "n": [len(s) for s in samples],
                    "mean": [s.mean() if len(s) else np.nan for s in samples],
                },
                index=levels,
            ),
            min_n=m,
            hide=owners_rule(d[group], d[owners]) if owners else None,
        )
        members.add(outcome, None, d.index)
        for lv in levels:
            row[f"n_{lv}"] = cells.loc[lv, "n"]
            row[f"mean_{lv}"] = cells.loc[lv, "mean"]
            in_level = d.index[(d[group] == lv).to_numpy()].to_numpy()
            members.add(outcome, f"n_{lv}", in_level, outcome)
            members.add(outcome, f"mean_{lv}", in_level, outcome)
        hidden = cells["suppressed"] != ""
        row["suppressed"] = next((r for r in cells["suppressed"] if r), "")
        if not hidden.any() and len(levels) == 2:
            row.update(_two_groups(*samples, ci))
            if company:
                est = _company_adjusted(d, outcome, group, company, levels[0], ci)
                row.update(
                    zip(
                        ("adjusted_diff", "adjusted_low", "adjusted_high", "adjusted_p"),
                        est,
                        strict=True,
                    )
                )
        elif not hidden.any():
            row.update(_more_groups(samples, y))
        row["comparable"] = outcome not in noninvariant
        rows.append(row)
    out = pd.DataFrame(rows).set_index("outcome")
    if "p" in out:
        out["p_adj"] = _adjust(out["p"], adjust)
    out.attrs.update(group=group, levels=levels, adjust=adjust, min_n=m, members=members)
    return out


def compare_proportions(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    ci: float = 0.95,
    min_n: int | None = None,
    labels: dict | None = None,
) -> pd.DataFrame:
    """Share of a binary outcome (1/True) per group with Wilson CIs and a chi-square test.

    Returns
    -------
    DataFrame
        One row per group level (after the minimum-group rule): ``n``, ``count``, ``share``,
        ``ci_low``, ``ci_high``, ``n_shown``, ``suppressed``; ``attrs`` holds the chi-square
        test (``chi2``, ``df``, ``p``) over the reportable groups.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a"] * 20 + ["b"] * 20, "y": [1] * 15 + [0] * 5 + [1] * 5 + [0] * 15})
    >>> compare_proportions(df, "y", "g")[["n", "share"]]
          n  share
    g
    a  20.0   0.75
    b  20.0   0.25
    """
    from statsmodels.stats.proportion import proportion_confint

    for c in (outcome, group):
        if c not in df.columns:
            raise ValueError(f"column {c!r} is not in the data")
    d = df[[outcome, group]].dropna()
    y = d[outcome].astype(float)
    if not set(y.unique()) <= {0.0, 1.0}:
        raise ValueError(f"outcome {outcome!r} must be binary 0/1")
    grouped = y.groupby(d[group])
    table = pd.DataFrame({"n": grouped.size(), "count": grouped.sum()})
    table["share"] = table["count"] / table["n"]
    low, high = proportion_confint(table["count"], table["n"], alpha=1 - ci, method="wilson")
    table["ci_low"], table["ci_high"] = low, high
    if labels:
        table.index = [labels.get(i, i) for i in table.index]
        table.index.name = group
    shown = protect(table, min_n=min_n)
    ok = shown["suppressed"] == ""
    chi = {"chi2": np.nan, "df": np.nan, "p": np.nan}
    if ok.sum() >= 2:
        counts = table.loc[ok.to_numpy(), ["count", "n"]].to_numpy()
        contingency = np.column_stack([counts[:, 0], counts[:, 1] - counts[:, 0]])
        if (contingency.sum(axis=0) > 0).all():
            res = stats.chi2_contingency(contingency, correction=False)
            chi = {"chi2": res.statistic, "df": res.dof, "p": res.pvalue}
    shown.attrs.update(chi)
    return shown


def trend(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    outcomes: list[str],
    *,
    segment: str | None = None,
    ci: float = 0.95,
    adjust: str = "holm",
    min_n: int | None = None,
    noninvariant: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Change from ``previous`` to ``current`` year for outcomes present in both (same names:
    construct scores, or items aligned by trend id), overall or per ``segment`` level.

    Returns
    -------
    DataFrame
        One row per outcome (and segment level): ``n_previous``, ``mean_previous``,
        ``n_current``, ``mean_current``, ``change``, ``change_low``, ``change_high`` (Welch),
        ``p``, ``p_adj``, ``comparable`` (False where invariance across years fails: the
        change is then not reported) and ``suppressed``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"y": [3.0, 3.5, 4.0, 3.0, 3.5, 4.0]})
    >>> b = pd.DataFrame({"y": [4.0, 4.5, 5.0, 4.0, 4.5, 5.0]})
    >>> float(trend(b, a, ["y"]).loc["y", "change"])
    1.0
    """
    m = min_size(min_n)
    missing = [o for o in outcomes if o not in current.columns or o not in previous.columns]
    if missing:
        raise ValueError(f"outcomes not in both years: {missing}")
    if segment is not None and (segment not in current.columns or segment not in previous.columns):
        raise ValueError(f"segment {segment!r} is not in both years")
    parts = (
        [(None, current, previous)]
        if segment is None
        else [
            (lv, current[current[segment] == lv], previous[previous[segment] == lv])
            for lv in sorted(set(current[segment].dropna()) | set(previous[segment].dropna()))
        ]
    )
    rows = []
    for outcome in outcomes:
        # segment levels partition each year: hide small ones and their complements
        sizes = pd.DataFrame(
            {
                "cur": [cur[outcome].notna().sum() for _, cur, _ in parts],
                "prev": [prev[outcome].notna().sum() for _, _, prev in parts],
            }
        )
        hidden = [
            (
                protect(sizes.rename(columns={col: "n"}), values=[], min_n=m)["suppressed"] != ""
            ).to_numpy()
            for col in ("cur", "prev")
        ]
        hidden = hidden[0] | hidden[1]
        for (level, cur, prev), hide in zip(parts, hidden, strict=True):
            a = prev[outcome].dropna().astype(float).to_numpy()
            b = cur[outcome].dropna().astype(float).to_numpy()
            row = {
                "outcome": outcome,
                "n_previous": len(a),
                "mean_previous": a.mean() if len(a) else np.nan,
                "n_current": len(b),
                "mean_current": b.mean() if len(b) else np.nan,
                "comparable": outcome not in noninvariant,
                "suppressed": "",
            }
            if segment is not None:
                row[segment] = level
            if hide:
                row.update(
                    suppressed=f"fewer than {m} respondents in a year",
                    mean_previous=np.nan,
                    mean_current=np.nan,
                    n_previous=np.nan,
                    n_current=np.nan,
                )
            elif row["comparable"]:
                t = stats.ttest_ind(b, a, equal_var=False)
                c = t.confidence_interval(confidence_level=ci)
                row.update(
                    change=b.mean() - a.mean(), change_low=c.low, change_high=c.high, p=t.pvalue
                )
            rows.append(row)
    out = pd.DataFrame(rows)
    out = out.set_index(["outcome"] if segment is None else [segment, "outcome"])
    if "p" in out:
        out["p_adj"] = _adjust(out["p"], adjust)
    return out
