"""Group comparisons, proportions and trends, with multiple-testing control and the
minimum-group rule.

Shift work, AI use and other conditions are concentrated in some companies, so every mean
comparison also reports a company-adjusted difference (company fixed effects, company-clustered
standard errors): the difference within companies.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .diagnostics import renamed_arguments
from .disclosure import Members, min_size, owners_rule, protect
from .multitest import adjust_p

__all__ = ["hedges_g", "compare_groups", "compare_proportions", "trend", "level_differences"]


def _column_names(levels: list, names: dict | None) -> dict:
    """Each level's part of the column names: its name from ``names``, else its code."""
    out = {lv: (names or {}).get(lv, _code(lv)) for lv in levels}
    bad = [n for n in (names or {}).values() if not re.fullmatch(r"\w+", str(n))]
    if bad:
        raise ValueError(f"names must be identifiers (letters, digits, _), got {bad}")
    if len(set(map(str, out.values()))) < len(out):
        raise ValueError(f"two levels would share a column name: {sorted(map(str, out.values()))}")
    return out


def _code(level: object) -> object:
    """A group's code as it is written: 1.0 (a code column read as floats) as 1."""
    if isinstance(level, float | np.floating) and float(level).is_integer():
        return int(level)
    return level.item() if isinstance(level, np.generic) else level


def hedges_g(x, y, *, ci: float = 0.95) -> pd.DataFrame:
    """Hedges' g (bias-corrected standardised mean difference x - y) with its CI.

    ``d = (mean(x) - mean(y)) / s_pooled``, ``g = J d`` with the exact correction
    ``J = Gamma(df / 2) / (sqrt(df / 2) Gamma((df - 1) / 2))``, ``df = nx + ny - 2``. The
    interval inverts the noncentral t distribution of ``t = d / sqrt(1/nx + 1/ny)``
    (Steiger & Fouladi 1997) and is scaled the same way, so it is exact under normality where
    the large-sample normal interval is too narrow for small groups. Same numbers as
    ``effectsize::hedges_g(x, y)``.

    Parameters
    ----------
    x, y : array-like
        The two groups' values (missing values are dropped).
    ci : float
        Confidence level of the interval (0.95).

    Returns
    -------
    DataFrame
        One row: ``n_x``, ``n_y``, ``hedges_g``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> import numpy as np
    >>> out = hedges_g([1.0, 2, 3, 4, 5, np.nan], [2.0, 3, 4, 5, 6])
    >>> out.round(2)  # effectsize::hedges_g: -0.57 [-1.71, 0.60]
       n_x  n_y  hedges_g  ci_low  ci_high
    0    5    5     -0.57   -1.71      0.6
    """
    x, y = (np.asarray(v, dtype=float) for v in (x, y))
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    g, low, high = _hedges(x, y, ci)
    return pd.DataFrame(
        [{"n_x": len(x), "n_y": len(y), "hedges_g": g, "ci_low": low, "ci_high": high}]
    )


def _hedges(x: np.ndarray, y: np.ndarray, ci: float) -> tuple[float, float, float]:
    """(g, low, high) of two arrays without missing values (:func:`hedges_g`)."""
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
    ``(1 - ci) / 2`` quantile (the confidence interval of the noncentrality).

    A negative ``t`` is reflected (``P(T <= t; ncp) = 1 - P(T <= -t; -ncp)``): scipy's
    noncentral t is NaN deep in its lower tail (``nct.cdf(-12, 37845, 2)``), which broke the
    interval of a large negative difference. Where it is NaN all the same, the large-sample
    interval ``t +/- z sqrt(1 + t^2 / (2 df))`` is used (the two agree to three decimals at
    the sizes where scipy fails)."""
    if not np.isfinite(t):
        return np.nan, np.nan
    if t < 0:
        low, high = _noncentral_t_interval(-t, df, ci)
        return -high, -low
    tail = (1 - ci) / 2

    def root(p: float) -> float:
        def gap(ncp: float) -> float:  # decreasing in ncp
            return stats.nct.cdf(t, df, ncp) - p

        width = 2.0 + abs(t)
        for _ in range(60):
            below, above = gap(t - width), gap(t + width)
            if np.isnan(below) or np.isnan(above):
                return np.nan
            if below >= 0 and above <= 0:
                return optimize.brentq(gap, t - width, t + width, xtol=1e-12)
            width *= 2
        return np.nan

    found = root(1 - tail), root(tail)
    if np.isnan(found).any():
        half = stats.norm.ppf(1 - tail) * np.sqrt(1 + t**2 / (2 * df))
        return t - half, t + half
    return found


def _adjust(p: pd.Series, method: str) -> pd.Series:
    """``p`` adjusted by ``method`` (:func:`ksresearch.stats.multitest.adjust_p`)."""
    return pd.Series(adjust_p(p.to_numpy(dtype=float), method), index=p.index)


def _company_adjusted(
    d: pd.DataFrame, outcome: str, group: str, company: str, ref: object, ci: float
) -> tuple[float, float, float, float]:
    """Within-company difference (group != ref minus ref): OLS with company fixed effects.

    By Frisch-Waugh-Lovell the slope is ``sum(x~ y~) / sum(x~^2)`` with ``x~``, ``y~`` demeaned
    within company; its CR1 variance is ``G/(G-1) (n-1)/(n-k) sum_g (sum_i x~ e)^2 / S^2``
    (k = G + 1 parameters) and the test is t on G - 1 df, over the G companies that have both
    groups (the others carry no information on the difference). Same numbers as
    ``lm(y ~ g + factor(company))`` with ``sandwich::vcovCL(type = "HC1")`` and
    ``lmtest::coeftest(df = G - 1)``, or statsmodels' cluster covariance with ``use_t``.
    """
    y = d[outcome].astype(float).to_numpy()
    x = (d[group] != ref).to_numpy(dtype=float)
    inv = pd.factorize(d[company].astype(str))[0]
    share = np.bincount(inv, x) / np.bincount(inv)
    rows = ((share > 0) & (share < 1))[inv]  # companies with both groups carry information
    y, x, inv = y[rows], x[rows], pd.factorize(inv[rows])[0]
    n, g = len(y), int(inv.max()) + 1 if rows.any() else 0
    if g < 2:
        return (np.nan,) * 4
    count = np.bincount(inv)
    xt = x - (np.bincount(inv, x) / count)[inv]
    yt = y - (np.bincount(inv, y) / count)[inv]
    ss = xt @ xt
    beta = (xt @ yt) / ss
    score = np.bincount(inv, xt * (yt - beta * xt))
    se = np.sqrt(g / (g - 1) * (n - 1) / (n - g - 1) * (score @ score)) / ss
    t = stats.t(g - 1)
    half = t.ppf(1 - (1 - ci) / 2) * se
    return float(beta), float(beta - half), float(beta + half), float(2 * t.sf(abs(beta / se)))


def _two_groups(a: np.ndarray, b: np.ndarray, ci: float) -> dict[str, float]:
    """Welch t (b - a) with its CI, Hedges' g with its CI, Mann-Whitney with rank-biserial r."""
    t = stats.ttest_ind(b, a, equal_var=False)
    diff_ci = t.confidence_interval(confidence_level=ci)
    g, g_lo, g_hi = _hedges(b, a, ci)
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


#: The test columns of :func:`compare_groups` for two groups and for more (missing where a
#: group is hidden).
TWO_GROUP_COLUMNS = [
    "diff",
    "diff_low",
    "diff_high",
    "t",
    "p",
    "hedges_g",
    "g_low",
    "g_high",
    "mw_p",
    "rank_biserial",
    "adjusted_diff",
    "adjusted_low",
    "adjusted_high",
    "adjusted_p",
]
MORE_GROUP_COLUMNS = ["f", "p", "kw_p", "eta2"]


@renamed_arguments(company="cluster")  # the column: cluster=, as in every stats function
def compare_groups(
    df: pd.DataFrame,
    outcomes: list[str],
    group: str,
    *,
    cluster: str | None = None,
    owners: str | None = None,
    adjust: str = "holm",
    ci: float = 0.95,
    min_group_size: int | None = None,
    noninvariant: set[str] | frozenset[str] = frozenset(),
    labels: dict | None = None,
    reference: object = None,
    names: dict | None = None,
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
    cluster : str or None
        The column of the clusters respondents are nested in (in the study, the company):
        the adjusted difference is the difference within clusters (fixed effects,
        cluster-robust SE). None: no adjusted estimate.
    owners : str or None
        Column for the companies-per-cell rule (:func:`owners_rule`): a level whose
        respondents come from too few owners, or mostly from one, is hidden like a small group.
    adjust : {"holm", "bh", "bonferroni", "none"}
        Multiple-testing correction across outcomes (applied to ``p`` into ``p_adj``).
    ci : float
        Confidence level.
    min_group_size : int, optional
        Minimum group size (default 5); smaller groups make a comparison unreportable.
    noninvariant : set of str
        Outcomes whose measurement is not (scalar) invariant across the groups: their mean
        comparison is flagged ``comparable = False``.
    labels : dict, optional
        ``{code: label}`` for the group levels in the ``groups`` column.
    reference : optional
        The level the others are compared with (default the lowest code): with two groups
        ``diff`` is the other level's mean less the reference's.
    names : dict, optional
        ``{code: name}``: the level's name in the column names (``n_shift``, ``mean_shift``;
        default its code: ``n_1``). Names are identifiers: letters, digits and ``_``.

    Returns
    -------
    DataFrame
        One row per outcome: ``groups``, ``n_<level>`` and ``mean_<level>`` per level, and for
        two groups ``diff`` (the other level less the reference), ``diff_low``,
        ``diff_high``, ``t``, ``p``, ``p_adj``, ``hedges_g``, ``g_low``, ``g_high``, ``mw_p``,
        ``rank_biserial``, ``adjusted_diff``, ``adjusted_low``, ``adjusted_high``,
        ``adjusted_p`` and ``adjusted_p_adj`` (the company-adjusted p corrected the same
        way as ``p``); for more groups
        ``f``, ``p``, ``p_adj``, ``kw_p``, ``eta2``; always ``comparable`` and ``suppressed``.
        ``attrs["members"]`` holds the respondents (index labels of ``df``) behind each
        count and mean, and behind each row's tests.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"g": np.repeat([1, 2], 50), "y": np.r_[rng.normal(0, 1, 50), rng.normal(1, 1, 50)]})
    >>> out = compare_groups(df, ["y"], "g", cluster=None)
    >>> bool(out.loc["y", "diff"] > 0.5 and out.loc["y", "p"] < 0.001)
    True
    """
    m = min_size(min_group_size)
    if group not in df.columns:
        raise ValueError(f"group column {group!r} is not in the data")
    missing = [o for o in outcomes if o not in df.columns]
    if missing:
        raise ValueError(f"outcomes not in the data: {missing}")
    for name in (cluster, owners):
        if name is not None and name not in df.columns:
            raise ValueError(f"column {name!r} is not in the data")
    levels = sorted(df[group].dropna().unique())
    if len(levels) < 2:
        raise ValueError(f"group {group!r} has {len(levels)} level(s); need at least 2")
    if reference is not None:
        if reference not in levels:
            raise ValueError(f"reference {reference!r} is not a level of {group!r}: {levels}")
        levels = [lv for lv in levels if lv == reference] + [lv for lv in levels if lv != reference]
    shown = {lv: (labels or {}).get(lv, _code(lv)) for lv in levels}
    suffix = _column_names(levels, names)
    rows = []
    members = Members()
    for outcome in outcomes:
        keep = list(dict.fromkeys([outcome, group, *(c for c in (cluster, owners) if c)]))
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
            "groups": " vs ".join(str(shown[lv]) for lv in levels),
        }
        cells = protect(
            pd.DataFrame(
                {
                    "n": [len(s) for s in samples],
                    "mean": [s.mean() if len(s) else np.nan for s in samples],
                },
                index=levels,
            ),
            min_group_size=m,
            hide=owners_rule(d[group], d[owners]) if owners else None,
        )
        members.add(outcome, None, d.index)
        for lv in levels:
            code = suffix[lv]  # n_0, not n_0.0: a code read as a float is still the code
            row[f"n_{code}"] = cells.loc[lv, "n"]
            row[f"mean_{code}"] = cells.loc[lv, "mean"]
            in_level = d.index[(d[group] == lv).to_numpy()].to_numpy()
            members.add(outcome, f"n_{code}", in_level, outcome)
            members.add(outcome, f"mean_{code}", in_level, outcome)
        hidden = cells["suppressed"] != ""
        row["suppressed"] = next((r for r in cells["suppressed"] if r), "")
        if not hidden.any() and len(levels) == 2:
            row.update(_two_groups(*samples, ci))
            if cluster:
                est = _company_adjusted(d, outcome, group, cluster, levels[0], ci)
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
    tests = TWO_GROUP_COLUMNS if len(levels) == 2 else MORE_GROUP_COLUMNS
    tests = [c for c in tests if cluster or not c.startswith("adjusted_")]
    out = out.reindex(columns=[*out.columns, *(c for c in tests if c not in out.columns)])
    out["p_adj"] = _adjust(out["p"], adjust)  # every documented column, also where all hidden
    if "adjusted_p" in out:
        out["adjusted_p_adj"] = _adjust(out["adjusted_p"], adjust)
    plain = [_code(lv) for lv in levels]  # plain numbers: attrs go to parquet as JSON
    out.attrs.update(group=group, levels=plain, adjust=adjust, min_group_size=m, members=members)
    return out


def compare_proportions(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    ci: float = 0.95,
    min_group_size: int | None = None,
    labels: dict | None = None,
) -> pd.DataFrame:
    """Share of a binary outcome (1/True) per group with Wilson CIs and a chi-square test.

    Parameters
    ----------
    df : DataFrame
        Respondents.
    outcome : str
        A binary column (1/True: has the trait).
    group : str
        The grouping column.
    ci : float
        Confidence level of the intervals (0.95).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on those
        who answered.
    labels : dict, optional
        Level -> label for the index.

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
    shown = protect(table, min_group_size=min_group_size)
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


@renamed_arguments(company="cluster")  # the column: cluster=, as in every stats function
def trend(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    outcomes: list[str],
    *,
    segment: str | None = None,
    cluster: str | None = None,
    ci: float = 0.95,
    adjust: str = "holm",
    min_group_size: int | None = None,
    noninvariant: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Change from ``previous`` to ``current`` year for outcomes present in both (same names:
    construct scores, or items aligned by trend id), overall or per ``segment`` level.

    With ``cluster`` (the company column) the reported change is the change *within companies*: OLS of the outcome
    on the year with company fixed effects, over the companies with answers in both years,
    with a CR1 company-clustered standard error and t on companies - 1 df (as
    ``lm(y ~ year + factor(company))`` with ``sandwich::vcovCL`` and ``lmtest::coeftest``).
    A change in which companies took part then cannot pass for a change in how people feel.
    The pooled change of all respondents (Welch) is given beside it.

    Parameters
    ----------
    current, previous : DataFrame
        The two years' respondents, with the same outcome columns.
    outcomes : list of str
        Columns to compare.
    segment : str, optional
        Column whose levels get a row each.
    cluster : str, optional
        The column of the clusters (the company): the change within them (fixed effects,
        cluster-robust SE).
    ci : float
        Confidence level of the intervals (0.95).
    adjust : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity adjustment across the rows.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on those
        who answered.
    noninvariant : set of str
        Outcomes whose measurement changed between the years: shown, not compared.

    Returns
    -------
    DataFrame
        One row per outcome (and segment level): ``n_previous``, ``mean_previous``,
        ``n_current``, ``mean_current``, ``change``, ``change_low``, ``change_high``, ``p``
        (within clusters when ``cluster`` is given, else pooled), ``p_adj`` (``adjust``
        across the rows), ``pooled_change``, ``pooled_low``, ``pooled_high``, ``pooled_p``
        (Welch), ``n_companies`` (clusters in both years; with ``cluster``), ``comparable``
        (False where invariance across years fails: no change is then reported) and
        ``suppressed``.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"y": [3.0, 3.5, 4.0, 3.0, 3.5, 4.0]})
    >>> b = pd.DataFrame({"y": [4.0, 4.5, 5.0, 4.0, 4.5, 5.0]})
    >>> float(trend(b, a, ["y"]).loc["y", "change"])
    1.0
    """
    m = min_size(min_group_size)
    missing = [o for o in outcomes if o not in current.columns or o not in previous.columns]
    if missing:
        raise ValueError(f"outcomes not in both years: {missing}")
    for name, what in ((segment, "segment"), (cluster, "cluster column")):
        if name is not None and (name not in current.columns or name not in previous.columns):
            raise ValueError(f"{what} {name!r} is not in both years")
    parts = (
        [(None, current, previous)]
        if segment is None
        else [
            (lv, current[current[segment] == lv], previous[previous[segment] == lv])
            for lv in sorted(set(current[segment].dropna()) | set(previous[segment].dropna()))
        ]
    )
    rows, members = [], Members()
    for outcome in outcomes:
        hidden = _small_in_a_year(parts, outcome, m)
        for (level, cur, prev), hide in zip(parts, hidden, strict=True):
            a = prev[outcome].dropna().astype(float).to_numpy()
            b = cur[outcome].dropna().astype(float).to_numpy()
            key = outcome if segment is None else (level, outcome)
            _trend_members(members, key, outcome, prev, cur)
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
                row.update(_pooled_change(a, b, ci))
                if cluster is None:
                    row.update(
                        change=row["pooled_change"],
                        change_low=row["pooled_low"],
                        change_high=row["pooled_high"],
                        p=row["pooled_p"],
                    )
                else:
                    row.update(_within_company_change(cur, prev, outcome, cluster, ci))
            rows.append(row)
    out = pd.DataFrame(rows)
    out = out.set_index(["outcome"] if segment is None else [segment, "outcome"])
    for column in _TREND_COLUMNS + (("n_companies",) if cluster is not None else ()):
        if column not in out:  # every row hidden or not comparable: the columns still there
            out[column] = np.nan
    out["p_adj"] = _adjust(out["p"], adjust)
    out.attrs["members"] = members
    return out


def _trend_members(members: Members, key, outcome: str, prev, cur) -> None:
    """The respondents of a trend row: each year's count and mean rest on that year's who
    answered, the change and its test on both years'."""
    before = prev.index[prev[outcome].notna()].to_numpy()
    now = cur.index[cur[outcome].notna()].to_numpy()
    for column, who in (("n_previous", before), ("mean_previous", before),
                        ("n_current", now), ("mean_current", now)):  # fmt: skip
        members.add(key, column, who, outcome)
    members.add(key, None, np.concatenate([before, now]))


_TREND_COLUMNS = (
    "pooled_change",
    "pooled_low",
    "pooled_high",
    "pooled_p",
    "change",
    "change_low",
    "change_high",
    "p",
)


def _small_in_a_year(parts: list, outcome: str, m: int) -> np.ndarray:
    """Segment levels too small in either year; they partition each year, so their
    complements are hidden too."""
    hidden = []
    for k in (1, 2):
        sizes = pd.DataFrame({"n": [part[k][outcome].notna().sum() for part in parts]})
        hidden.append((protect(sizes, values=[], min_group_size=m)["suppressed"] != "").to_numpy())
    return hidden[0] | hidden[1]


def _pooled_change(a: np.ndarray, b: np.ndarray, ci: float) -> dict[str, float]:
    t = stats.ttest_ind(b, a, equal_var=False)
    c = t.confidence_interval(confidence_level=ci)
    return {
        "pooled_change": b.mean() - a.mean(),
        "pooled_low": c.low,
        "pooled_high": c.high,
        "pooled_p": t.pvalue,
    }


def _within_company_change(
    cur: pd.DataFrame, prev: pd.DataFrame, outcome: str, company: str, ci: float
) -> dict[str, float]:
    """The year's coefficient with company fixed effects (companies in both years only). Not
    given when those companies fail the companies-per-cell rule (:func:`owners_rule`): the
    change would then be one company's."""
    y = np.concatenate([prev[outcome].to_numpy(dtype=float), cur[outcome].to_numpy(dtype=float)])
    owner = np.concatenate([prev[company].to_numpy(), cur[company].to_numpy()])
    year = np.repeat([0, 1], [len(prev), len(cur)])
    ok = ~np.isnan(y) & pd.notna(owner)
    both = pd.DataFrame({outcome: y[ok], company: owner[ok], "_year": year[ok]})
    in_both = both.groupby(company)["_year"].transform("nunique").to_numpy() == 2
    both = both[in_both]
    n_companies = int(both[company].nunique())
    names = ("change", "change_low", "change_high", "p")
    if both.empty or owners_rule(pd.Series("all", index=both.index), both[company]).iloc[0]:
        return dict.fromkeys(names, np.nan) | {"n_companies": n_companies}
    est = _company_adjusted(both, outcome, "_year", company, 0, ci)
    return dict(zip(names, est, strict=True), n_companies=n_companies)


def level_differences(
    df: pd.DataFrame,
    outcome: str | list[str],
    segment: str,
    *,
    clusters: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""Each level's mean of ``outcome`` as a difference from the mean of everyone who
    answered it (those without a level included: the mean a table of the whole shows), with
    its interval and p.

    With :math:`w_g = n_g / N` the level's share of those who answered, the difference from
    the overall mean is :math:`\bar y_g - \bar y = (1 - w_g)(\bar y_g - \bar y_{-g})`, so its
    standard error is :math:`(1 - w_g)\sqrt{se_g^2 + se_{-g}^2}` from the level and the rest,
    which are independent samples. With ``clusters`` (e.g. the company column) each standard
    error is company-clustered (CR1, :func:`ksresearch.stats.benchmark.clustered_mean_se`);
    levels and rest then must not share clusters, as industries do not share companies.
    Without, the respondents are the units (:math:`s/\sqrt n`). Normal interval and p.
    R: ``t.test(y[g], y[-g])`` gives nearly the same p for large groups.

    Parameters
    ----------
    df : DataFrame
        Respondents.
    outcome : str or list of str
        The column, or several (computed together: a heatmap's constructs).
    segment : str
        The grouping column.
    clusters : str, optional
        The cluster column (company-clustered errors).
    ci : float
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        Per level (index named ``segment``; with a list of outcomes, indexed by ``outcome``
        and level): ``n``, ``mean``, ``diff``, ``low``, ``high``, ``p``. Levels with fewer than
        two answers, or whose rest has fewer, get NaN; a level with no answer to an outcome
        has no row for it.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": [1, 1, 1, 2, 2, 2], "y": [1.0, 2, 3, 4, 5, 6]})
    >>> level_differences(df, "y", "g")["diff"].tolist()
    [-1.5, 1.5]
    >>> level_differences(df.assign(x=-df["y"]), ["y", "x"], "g")["diff"].tolist()
    [-1.5, 1.5, 1.5, -1.5]
    """
    outcomes = [outcome] if isinstance(outcome, str) else list(outcome)
    z = stats.norm.ppf(0.5 + ci / 2)
    segments = df[segment].to_numpy()
    if clusters is None:
        rows = _level_rows(df[outcomes].to_numpy(float), segments)
    else:
        units = df[clusters].to_numpy()
        rows = [
            _clustered_level_rows(df[o].to_numpy(float), segments, units, j)
            for j, o in enumerate(outcomes)
        ]
        rows = [r for part in rows for r in part]
    j, levels, n, mean, diff, se = (
        np.asarray(c) for c in (list(zip(*rows, strict=True)) or [()] * 6)
    )
    se = se.astype(float)
    diff = diff.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):  # one call: scipy's overhead is per call
        p = np.where(se > 0, 2 * stats.norm.sf(np.abs(diff) / se), np.nan)
    out = pd.DataFrame(
        {"n": n.astype(int), "mean": mean.astype(float), "diff": diff, "low": diff - z * se,
         "high": diff + z * se, "p": p},
        index=pd.MultiIndex.from_arrays(
            [np.asarray(outcomes, dtype=object)[j.astype(int)], levels], names=["outcome", segment]
        ),
    )  # fmt: skip
    return out.droplevel("outcome") if isinstance(outcome, str) else out


def _level_rows(y: np.ndarray, segments: np.ndarray) -> list[tuple]:
    """``(outcome number, level, n, mean, diff, se)`` of every level with answers, for each
    column of ``y`` (respondents as units; columns computed together)."""
    answered = ~np.isnan(y)
    total = answered.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.where(total > 0, np.nansum(y, axis=0) / total, np.nan)
    known = pd.notna(segments)
    rows = []
    for level in sorted(pd.unique(segments[known])):
        here = known & (segments == level)
        n = answered[here].sum(axis=0)
        mean, se_g = _mean_and_se(y[here], n)
        _, se_rest = _mean_and_se(y[~here], total - n)
        w = n / np.where(total > 0, total, 1)
        se = (1 - w) * np.hypot(se_g, se_rest)
        rows += [(j, level, n[j], mean[j], mean[j] - overall[j], se[j]) for j in np.flatnonzero(n)]
    return sorted(rows, key=lambda r: r[0])


def _mean_and_se(y: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Column means of ``y`` (NaN: not answered) and their standard errors :math:`s/\sqrt n`
    (NaN under two answers); ``n`` the answers per column."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.nansum(y, axis=0) / n
        squares = np.nansum((y - mean) ** 2, axis=0)
        se = np.where(n > 1, np.sqrt(squares / (n - 1)) / np.sqrt(n), np.nan)
    return mean, se


def _clustered_level_rows(
    y: np.ndarray, segments: np.ndarray, units: np.ndarray, j: int
) -> list[tuple]:
    """:func:`_level_rows` of one outcome with company-clustered errors (CR1)."""
    from .benchmark import clustered_mean_se

    answered = ~np.isnan(y)
    y, segments, units = y[answered], segments[answered], units[answered]
    overall, rows = y.mean() if len(y) else np.nan, []
    for level in sorted(pd.unique(segments[pd.notna(segments)])):
        here = segments == level
        n = int(here.sum())
        w = n / len(y)
        se_g = clustered_mean_se(y[here], units[here]) if n > 1 else np.nan
        se_rest = clustered_mean_se(y[~here], units[~here]) if n < len(y) - 1 else np.nan
        se = (1 - w) * np.hypot(se_g, se_rest)
        rows.append((j, level, n, y[here].mean(), y[here].mean() - overall, se))
    return rows
