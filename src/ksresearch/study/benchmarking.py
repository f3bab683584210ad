"""One company against the pool of all other companies.

A company's benchmark never names another company: the pool is "all other companies", and
the percentile rank is given only when at least five other companies are large enough to be
reported on their own (so no single company's value can be read off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..data.survey import Survey
from ..stats.benchmark import clustered_mean_se, shrunken_ranks, simultaneous_differences
from ..stats.disclosure import (
    InsufficientDataError,
    Members,
    min_size,
    owners_rule,
    require_min_n,
)
from ..stats.drivers import key_drivers
from ..stats.multitest import holm_adjust
from ..stats.scoring import enps
from .findings import driver_columns
from .participation import WEIGHTINGS, survey_weights
from .prepare import prepare

__all__ = [
    "benchmark",
    "benchmark_ranks",
    "company_drivers",
    "eligible_companies",
    "measure_directions",
    "MIN_COMPANIES_FOR_RANK",
]

#: A percentile rank needs at least this many other reportable companies.
MIN_COMPANIES_FOR_RANK = config.MIN_COMPANIES_FOR_RANK  # one set of rules: config.Rules
#: What a company's benchmark takes from its row of :func:`benchmark_ranks`.
RANK_COLUMNS = ["percentile", "percentile_low", "percentile_high"]
#: Roles read as "lower is better" when the codebook does not say (``higher_is_better``).
WORSE_IF_HIGHER = ("stress", "turnover_intention", "quit_intent")
#: The assessment of a measure whose "all others" are too few companies (or mostly one).
NO_POOL = "not reported (too few other companies)"
#: Flag roles shown as shares (%) in the benchmark, when the codebook declares them.
SHARE_MEASURES = ("quit_intent", "edu_relevant", "ai_user")
#: Kinds of measure that a small group can give unanimously (every member a promoter, every
#: member intending to quit): shown only for a company of :data:`config.MIN_SHARE_N` answers.
UNANIMOUS = ("share", "enps")


def eligible_companies(survey: Survey, *, min_group_size: int | None = None) -> pd.DataFrame:
    """Which companies can get a report: one row per company with ``n`` (respondents after
    quality flags), ``eligible`` and ``reason``. For the orchestrator only; never shown in a
    company's report.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed by company: ``n``, ``eligible`` and ``reason``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.eligible_companies(survey)
    >>> list(table.columns), int(table['eligible'].sum())
    (['n', 'eligible', 'reason'], 10)
    """
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    counts = prepare(survey)[survey.codebook.role("company")].value_counts().sort_index()
    out = pd.DataFrame({"n": counts, "eligible": counts >= m})
    out["reason"] = np.where(out["eligible"], "", f"fewer than {m} respondents")
    return out.rename_axis("company")


def _measures(survey: Survey, df: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """``{measure: (column, kind)}``; kind is "mean" (0-100), "share" (0/1 -> %), "enps".
    Measures are the constructs (by id) and the eNPS and share roles (by role name)."""
    cb = survey.codebook
    out = {c: (f"{c}_index", "mean") for c in cb.constructs if f"{c}_index" in df}
    if cb.has_roles("enps"):
        out["enps"] = (cb.role("enps"), "enps")
    out.update({role: (role, "share") for role in SHARE_MEASURES if role in df})
    return out


def measure_directions(survey: Survey, measures) -> dict[str, int]:
    """+1 where a higher value is better, -1 where lower is better, 0 for a descriptive share:
    the codebook's ``higher_is_better`` where it says, else the defaults of
    :attr:`Construct.higher_is_better <ksresearch.data.codebook.Construct>` and ``Flag``."""
    cb = survey.codebook
    worse = {
        r: cb.role(r) for r in WORSE_IF_HIGHER if cb.has_roles(r) and r not in cb.roles.flags()
    }
    flags = cb.roles.flags()
    out = {}
    for measure in measures:
        if measure in cb.constructs:
            stated = cb.constructs[measure].higher_is_better
            default = measure not in worse.values()
        elif measure in flags:
            stated = flags[measure].higher_is_better
            default = False if measure in WORSE_IF_HIGHER else None
        else:  # eNPS
            stated, default = None, True
        better = default if stated is None else stated
        out[measure] = 0 if better is None else (1 if better else -1)
    return out


def _scores(x: np.ndarray, kind: str) -> np.ndarray:
    """Per-respondent scores whose mean is the measure (eNPS: +100 promoter, -100 detractor)."""
    if kind == "enps":
        return 100.0 * (x >= 9) - 100.0 * (x <= 6)
    return x * (100 if kind == "share" else 1)


def _value(x: np.ndarray, kind: str) -> float:
    if kind == "enps":
        return enps(pd.Series(x))
    return float(np.mean(x) * (100 if kind == "share" else 1))


def _se(x: np.ndarray, kind: str) -> float:
    n = len(x)
    if kind == "enps":
        promoters, detractors = np.mean(x >= 9), np.mean(x <= 6)
        return float(100 * np.sqrt((promoters + detractors - (promoters - detractors) ** 2) / n))
    if (
        kind == "share"
    ):  # Agresti-Caffo: one success and one failure added, so 0 % or 100 % keep a width
        adjusted = (np.sum(x) + 1) / (n + 2)
        return float(100 * np.sqrt(adjusted * (1 - adjusted) / (n + 2)))
    return float(np.std(x, ddof=1) / np.sqrt(n))


def _pool(
    answered: pd.DataFrame, col: str, kind: str, company: str, weighting: str, m: int, weights=None
):
    """The pool's value, its company-clustered standard error and its n, from ``answered``:
    the other companies' respondents who answered ``col``. Respondent weighting:
    the mean over all other respondents, its error :func:`clustered_mean_se` (the other
    companies are a sample of companies, so their respondents are not independent draws);
    raking: the same with the raked weights; company weighting: the mean of the other
    companies' values and its standard error."""
    if weighting in ("respondent", "raking"):
        w = None if weights is None else weights.reindex(answered.index).to_numpy()
        if w is not None:  # respondents no margin placed carry no weight
            answered, w = answered[~np.isnan(w)], w[~np.isnan(w)]
        y = _scores(answered[col].to_numpy(dtype=float), kind)
        mean = float(np.average(y, weights=w))
        return mean, clustered_mean_se(y, answered[company].to_numpy(), w), len(y)
    by_company = answered.groupby(company)[col]
    values = np.array([_value(v.to_numpy(dtype=float), kind) for _, v in by_company if len(v) >= m])
    n_pool = int(sum(len(v) for _, v in by_company if len(v) >= m))
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values))), n_pool


def _own(x: np.ndarray, keys, kind: str, weights) -> tuple[float, float]:
    """The company's value and its standard error; with raked weights their weighted mean and
    its linearised error ``sqrt(n/(n-1) sum w^2 (y - y_w)^2) / sum w``."""
    if weights is None:
        return _value(x, kind), _se(x, kind)
    w = weights.reindex(keys).to_numpy()
    ok = ~np.isnan(w)
    y, w = _scores(x[ok], kind), w[ok]
    mean = float(np.average(y, weights=w))
    n = len(y)
    se = float(np.sqrt(n / (n - 1) * np.sum(w**2 * (y - mean) ** 2)) / np.sum(w))
    return mean, se


def _min_diff(kind: str) -> float:
    """The smallest difference worth a label (config.MIN_BENCHMARK_DIFF; eNPS: twice that)."""
    return config.MIN_BENCHMARK_DIFF * (2 if kind == "enps" else 1)


def _rank_table(df: pd.DataFrame, key: str, col: str, kind: str, direction: int):
    """Every company with at least config.MIN_PERCENTILE_N answers ranked on one measure
    (:func:`shrunken_ranks`), or None when fewer than MIN_COMPANIES_FOR_RANK + 1 qualify."""
    groups = {c: g.dropna().to_numpy(dtype=float) for c, g in df.groupby(key)[col]}
    big = {c: v for c, v in groups.items() if len(v) >= config.MIN_PERCENTILE_N}
    if len(big) - 1 < MIN_COMPANIES_FOR_RANK:
        return None
    names = sorted(big)
    values = pd.Series([_value(big[c], kind) for c in names], index=names)
    ses = pd.Series([_se(big[c], kind) for c in names], index=names)
    return shrunken_ranks(values, ses, direction=direction or 1)


def benchmark_ranks(survey: Survey) -> pd.DataFrame:
    """The empirical-Bayes percentile rank of every company large enough to be ranked
    (config.MIN_PERCENTILE_N answers), on every measure of :func:`benchmark`.

    A company's report shows its own row only. The ranks depend on the survey alone, not on
    the company asking, so each measure's table is made once per survey (``survey.cache``;
    the batch's kernels inherit it from their fork server).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Indexed by (measure, company): ``shrunken``, ``percentile``, ``percentile_low``,
        ``percentile_high`` (:func:`ksresearch.stats.benchmark.shrunken_ranks`); a measure with
        fewer than MIN_COMPANIES_FOR_RANK + 1 ranked companies has no rows.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.benchmark_ranks(survey)
    >>> list(table.index.names), list(table.columns)
    (['measure', 'company'], ['shrunken', 'percentile', 'percentile_low',
    'percentile_high'])
    """
    df = prepare(survey)
    key = survey.codebook.role("company")
    measures = _measures(survey, df)
    directions = measure_directions(survey, measures)
    tables = {}
    for measure, (col, kind) in measures.items():
        cached = ("benchmark_ranks", col, kind, directions[measure])
        if cached not in survey.cache:
            survey.cache[cached] = _rank_table(df, key, col, kind, directions[measure])
        if survey.cache[cached] is not None:
            tables[measure] = survey.cache[cached]
    if not tables:
        none = pd.MultiIndex.from_tuples([], names=["measure", "company"])
        return pd.DataFrame(columns=["shrunken", *RANK_COLUMNS], index=none)
    return pd.concat(tables, names=["measure", "company"])


def benchmark(
    survey: Survey,
    company: str,
    *,
    weighting: str = "respondent",
    ci: float = 0.95,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    r"""The company against all other companies, per construct index, eNPS and key share.

    The difference's standard error combines the company's own sampling error with the pool's
    error clustered by company (the other companies are a sample of companies):
    :math:`SE = \sqrt{s_c^2/n_c + \widehat V_{CR1}(\bar y_{pool})}`
    (:func:`ksresearch.stats.benchmark.clustered_mean_se`); the interval and p use the normal
    distribution. The interval is simultaneous across the table's measures (Bonferroni,
    :func:`ksresearch.stats.benchmark.simultaneous_differences`), and a difference is called a
    "strength" or "weakness" (for a descriptive share: "higher" / "lower") exactly when that
    interval leaves out 0 and the difference is at least
    :data:`ksresearch.config.MIN_BENCHMARK_DIFF` points (eNPS: twice that): the label never
    contradicts the interval printed beside it. "not clear": the one-at-a-time interval would
    have left out 0, the simultaneous one does not. Which direction is better comes from the
    codebook's ``higher_is_better``.

    Parameters
    ----------
    survey : Survey
        A loaded survey year.
    company : str
        The company's name as in the codebook's company segment (role ``company``).
    weighting : {"respondent", "company", "raking"}
        Pool value as the mean over all other respondents, as the mean of the other
        companies' values (each reportable company counts once), or with the respondents
        raked to the headcounts' margins (:func:`ksresearch.survey_weights`; the company's
        own value too, so that both stand for everyone invited).
    ci : float
        Confidence level of the difference.
    min_group_size : int, optional
        Minimum group size (default: the survey's). A company below it gets no benchmark.

    Returns
    -------
    DataFrame
        Indexed by measure (construct ids; ``enps``, ``quit_intent``, ``edu_relevant``,
        ``ai_user`` by role): ``n_company``, ``company`` (its value), ``dont_know`` (for a
        construct: the share, 0-1, of the company's answers to its questions that were
        "don't know"), ``pool`` (all other
        companies), ``diff`` with ``diff_low``/``diff_high`` (simultaneous), ``p``, ``p_adj``
        (Bonferroni, as the label), ``p_holm`` (Holm, for the researcher), ``n_pool``,
        ``direction`` (+1 higher is better, -1 lower is better, 0 descriptive),
        ``percentile`` with ``percentile_low``/``percentile_high`` (the share of the other
        companies of at least :data:`ksresearch.config.MIN_PERCENTILE_N` respondents that the
        company's empirical-Bayes shrunken value ranks above in the good direction,
        :func:`ksresearch.stats.benchmark.shrunken_ranks`; missing for a smaller company,
        with fewer than five such others, or where the interval spans more than
        :data:`ksresearch.config.MAX_PERCENTILE_SPAN` points) and ``assessment``. ``attrs`` holds ``weighting``,
        ``n_companies_pool``, ``min_group_size`` and ``members`` (the respondents behind each number);
        no other company is named. A measure whose other answers come from fewer than
        :data:`ksresearch.config.MIN_COMPANIES` companies, or mostly from one
        (:func:`ksresearch.owners_rule`), has no pool value: "all others" would be one company.

    A share, the eNPS and the "don't know" share of a company with fewer than
    :data:`ksresearch.config.MIN_SHARE_N` answers are not reported, whatever their value
    (a small group's share is too often 0 % or 100 %).

    Raises
    ------
    AnonymityError
        The company has fewer respondents than the minimum.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.benchmark(survey, "Bergbank AS")
    >>> list(table.columns)
    ['n_company', 'direction', 'dont_know', 'company', 'pool', 'diff', 'n_pool',
    'percentile', 'percentile_low', 'percentile_high', 'diff_low', 'diff_high', 'p',
    'p_adj', 'p_holm', 'assessment']
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    weights = survey_weights(survey, weighting) if weighting == "raking" else None
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    share_n = max(config.MIN_SHARE_N, m)
    key = survey.codebook.role("company")
    df = prepare(survey)
    if company not in set(df[key]):
        raise ValueError(f"company {company!r} is not in the {survey.year} data")
    own = df[df[key] == company]
    require_min_n(len(own), "this company", m)
    others = df[df[key] != company]
    sizes = others[key].value_counts()
    measures = _measures(survey, df)
    directions = measure_directions(survey, measures)
    ranks = benchmark_ranks(survey)
    ranked = ranks.index.get_level_values("company") == company
    own_ranks = ranks.loc[ranked, RANK_COLUMNS].droplevel("company").to_dict("index")
    rows = []
    members = Members()
    for measure, (col, kind) in measures.items():
        x = own[col].dropna().to_numpy(dtype=float)
        row: dict[str, object] = {
            "measure": measure,
            "n_company": len(x),
            "direction": directions[measure],
        }
        answered = others[[col, key]].dropna()  # the two columns needed, not every one
        pooled = owners_rule(pd.Series(0, index=answered.index), answered[key]).get(0, "")
        mine = own.index[own[col].notna()].to_numpy()
        members.add(measure, "n_company", mine, col)
        if len(x) < (share_n if kind in UNANIMOUS else m):
            row.update(company=np.nan, pool=np.nan, assessment="not reported (too few answers)")
            rows.append(row)
            continue
        members.add(measure, "company", mine, col)
        if f"{measure}_dont_know" in own and len(own) >= share_n:  # a construct's "don't know"
            row["dont_know"] = float(own[f"{measure}_dont_know"].mean())
            members.add(measure, "dont_know", own.index.to_numpy(), f"{measure}_dont_know")
        if len(answered) < m or pooled:  # "all others" would be one company, or nobody
            row.update(company=_value(x, kind), pool=np.nan, assessment=NO_POOL)
            rows.append(row)
            continue
        members.add(measure, "pool", answered.index, col)
        members.add(measure, "n_pool", answered.index, col)
        members.add(measure, None, np.concatenate([mine, answered.index.to_numpy()]))
        pool, se_pool, n_pool = _pool(answered, col, kind, key, weighting, m, weights)
        value, se_own = _own(x, own.index[own[col].notna()], kind, weights)
        se = np.hypot(se_own, se_pool)
        diff = value - pool
        row.update(
            company=value,
            pool=pool,
            diff=diff,
            se=se,
            n_pool=n_pool,
            min_diff=_min_diff(kind),
        )
        if measure in own_ranks:
            rank = own_ranks[measure]
            if rank["percentile_high"] - rank["percentile_low"] <= config.MAX_PERCENTILE_SPAN:
                row.update(rank)  # a wider interval says too little to be shown
        rows.append(row)
    # a questionnaire with no construct, eNPS or share role has no measure: an empty table
    empty = ["measure", "n_company", "direction", "company", "pool", "assessment"]
    out = pd.DataFrame(rows, columns=None if rows else empty).set_index("measure")
    out = _label(out, ci)
    out.attrs.update(
        weighting=weighting,
        n_companies_pool=int((sizes >= m).sum()),
        min_group_size=m,
        year=survey.year,
        members=members,
    )
    return out


def _label(out: pd.DataFrame, ci: float) -> pd.DataFrame:
    """Simultaneous intervals across the tested measures and the labels they give
    (:func:`~ksresearch.stats.benchmark.simultaneous_differences`), with Holm's p beside."""
    for column in (  # every documented column, also where no measure had a pool
        "diff",
        "se",
        "n_pool",
        "min_diff",
        "dont_know",
        "percentile",
        "percentile_low",
        "percentile_high",
    ):
        if column not in out:
            out[column] = np.nan
    tested = out["se"].notna() & out["diff"].notna()
    labels = simultaneous_differences(
        out["diff"], out["se"], out["direction"], out["min_diff"], ci=ci
    )
    for column in ("diff_low", "diff_high", "p", "p_adj"):
        out[column] = labels[column]
    out["p_holm"] = np.nan
    if tested.any():
        out.loc[tested, "p_holm"] = holm_adjust(out.loc[tested, "p"].to_numpy(dtype=float))
    out["assessment"] = out["assessment"].astype(object) if "assessment" in out else None
    out.loc[tested, "assessment"] = labels.loc[tested, "assessment"]
    out.attrs["tests"] = labels.attrs["tests"]
    return out.drop(columns=["min_diff", "se"])


def company_drivers(
    survey: Survey, company: str, *, per_driver: int = 10, n_boot: int = 0, seed: int = 0
) -> pd.DataFrame:
    """The company's own key drivers of turnover intention, when its size allows: at least
    ``per_driver`` complete answers per driver (respondent bootstrap within the company).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str
        The company, by its name in the data.
    per_driver : int
        Complete answers needed per driver (10).
    n_boot : int
        Resamples of the company's respondents for the intervals (0: none).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        Indexed by driver: ``r``, ``beta``, ``general_dominance``, ``share`` (of R²),
        ``relative_weight``, ``rw_share`` and ``rank`` (with ``n_boot``: their intervals).

    Raises
    ------
    AnonymityError
        Below the minimum group size.
    InsufficientDataError
        Too few complete answers for a stable driver analysis.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.company_drivers(survey, "Elvhandel AS", per_driver=5)
    >>> list(table.columns)
    ['r', 'beta', 'general_dominance', 'share', 'relative_weight', 'rw_share', 'rank']
    """
    cb = survey.codebook
    df = prepare(survey)
    own = df[df[cb.role("company")] == company]
    require_min_n(len(own), "this company", survey.min_group_size)
    drivers = driver_columns(survey)
    outcome = cb.role("turnover_intention")
    complete = own[[outcome, *drivers]].dropna()
    need = per_driver * len(drivers)
    if len(complete) < need:
        raise InsufficientDataError(
            f"{len(complete)} complete answers; a driver analysis of {len(drivers)} drivers "
            f"needs at least {need}"
        )
    return key_drivers(own, outcome, drivers, n_boot=n_boot, resample="respondents", seed=seed)
