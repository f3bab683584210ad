"""The analyses behind each year's published findings, as documented tables.

Every function takes a :class:`ksresearch.Survey` (from :func:`ksresearch.load`) and finds the
questions it needs through the codebook's roles; a survey whose codebook lacks them raises
:class:`ksresearch.InsufficientDataError`. Tables hold codes and ids (segment codes, construct
and item ids, role names); the report layer turns them into words. Every aggregate goes
through the minimum-group rule, with the survey's ``min_group_size`` unless ``min_group_size`` is given.

The descriptive tables (means and shares by segment: :func:`turnover_by`,
:func:`education_and_involvement`, :func:`ai_adoption_by`, :func:`ai_use_cases`, :func:`ai_usefulness_by`,
:func:`education_relevance`, :func:`selfservice_by_industry`, :func:`by_centre_size`) take
``weighting``: ``respondent`` (every answer once, the default), ``company`` (every company the
same) or ``raking`` (to the headcounts' margins), as :func:`ksresearch.survey_weights` makes
them, and name it in ``attrs["weighting"]``. Counts and the minimum stay counts of
respondents. Models and associations (drivers, group comparisons, correlations) are
unweighted: they describe how things go together among those who answered, which weights
to the population do not change in expectation and would make less precise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data.codebook import ROLE_KINDS
from ..data.survey import Survey
from ..stats.compare import compare_groups
from ..stats.disclosure import Members, group_members, min_size, owners_rule, protect
from ..stats.drivers import key_drivers, logistic_drivers, priority_matrix
from ..stats.scoring import enps, to_index
from .cache import once
from .measurement import measurement_check
from .participation import survey_weights
from .prepare import prepare, require_roles, tracked_constructs

__all__ = [
    "segment_summary",
    "turnover_by",
    "turnover_drivers",
    "quit_intent_drivers",
    "turnover_priorities",
    "education_and_involvement",
    "ai_adoption_by",
    "by_segment",
    "ai_use_cases",
    "ai_usefulness_by",
    "ai_association",
    "education_relevance",
    "competence_links",
    "shift_work",
    "selfservice_by_industry",
    "by_centre_size",
    "driver_columns",
]


def _min(survey: Survey, min_group_size: int | None) -> int:
    return min_size(min_group_size if min_group_size is not None else survey.min_group_size)


def segment_summary(
    df: pd.DataFrame,
    segment: str,
    columns: dict[str, str],
    *,
    min_group_size: int | None = None,
    company: str | None = None,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Means of ``columns`` (``{output name: column}``) per level of ``segment``, protected.

    Rows are the segment's levels (codes, the index named after the segment) with an ``n``
    (respondents with the segment known), ``n_shown`` and ``suppressed``. The minimum applies
    to each statistic: a mean or share is shown only where at least ``min_group_size`` of the level
    answered its column. With ``company`` (the company column), a level whose respondents
    come from too few companies, or mostly from one, is hidden too (:func:`owners_rule`), and
    complementary suppression covers it. ``attrs["members"]`` holds the respondents (index
    labels of ``df``) behind every cell.

    With ``weights`` (a Series on ``df``'s index, e.g. :func:`ksresearch.survey_weights`), each
    mean is weighted, ``sum(w y) / sum(w)`` over those who answered and carry a weight (R,
    package survey: ``svyby(~y, ~segment, design, svymean, na.rm = TRUE)``); ``n`` and the
    minimum still count respondents, never weights. ``attrs["weighting"]`` names the
    weighting (``weights.attrs["scheme"]``, or ``respondent`` without weights).

    Parameters
    ----------
    df : DataFrame
        Respondents.
    segment : str
        The grouping column.
    columns : dict
        Output column -> input column: the mean (a 0/1 column: the share) per group.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    company : str, optional
        The company column for the owners rule (a group needs several companies).
    weights : Series, optional
        Respondent weights aligned to ``df``.

    Returns
    -------
    DataFrame
        Indexed by the segment's levels: ``n``, the ``columns``, ``n_shown`` and
        ``suppressed``; ``attrs["members"]`` holds the respondents behind each number.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"s": [1] * 6 + [2] * 6, "y": [1.0] * 6 + [3.0] * 6})
    >>> segment_summary(df, "s", {"mean_y": "y"})["mean_y"].tolist()
    [1.0, 3.0]
    >>> df["y"] = [0.0, 1.0] * 6
    >>> w = pd.Series([1.0, 3.0] * 6, index=df.index)
    >>> segment_summary(df, "s", {"mean_y": "y"}, weights=w)["mean_y"].tolist()
    [0.75, 0.75]
    """
    if segment not in df.columns:
        raise ValueError(f"segment {segment!r} is not in the data")
    m = min_size(min_group_size)
    used = list(dict.fromkeys([segment, *columns.values(), *([company] if company else [])]))
    d = df.loc[df[segment].notna(), used]  # the columns needed, not a copy of every one
    means, counts = _group_means(d, segment, list(dict.fromkeys(columns.values())), weights)
    table = pd.DataFrame({"n": d.groupby(segment).size()})
    table = table.assign(**{name: means[col] for name, col in columns.items()})
    answered = {name: counts[col] for name, col in columns.items()}
    table.index.name = segment
    hide = owners_rule(d[segment], d[company]) if company is not None else None
    out = protect(table, min_group_size=m, hide=hide)
    names = list(columns)
    enough = pd.DataFrame(answered).reindex(out.index) >= m  # counted on those who answered
    out[names] = out[names].where(enough[names])
    out.attrs["members"] = group_members(d, segment, columns)
    out.attrs["weighting"] = weighting_name(weights)
    return out


def weighting_name(weights: pd.Series | None) -> str:
    """The scheme of :func:`ksresearch.survey_weights` weights (``respondent`` for none)."""
    return "respondent" if weights is None else weights.attrs.get("scheme", "custom")


def _group_means(
    d: pd.DataFrame, segment: str, cols: list[str], weights: pd.Series | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (weighted) mean of each of ``cols`` per level of ``segment`` and how many
    answered it (one column each)."""
    if weights is None:
        grouped = d.groupby(segment)[cols]
        return grouped.mean(), grouped.count()
    w = weights.reindex(d.index)
    level = d[segment]
    means, counts = {}, {}
    for col in cols:
        used = d[col].notna() & w.notna()
        total = w.where(used).groupby(level).sum()
        means[col] = (d[col] * w).where(used).groupby(level).sum() / total.where(total > 0)
        counts[col] = used.groupby(level).sum()
    return pd.DataFrame(means), pd.DataFrame(counts)


# ----------------------------------------------------------------------------- turnover
def turnover_by(
    survey: Survey,
    segment: str,
    *,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """Turnover intention by segment: ``turnover_index`` (0-100) and ``quit_share`` (share who
    plan to look for another job within 12 months), per level, protected.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    segment : str
        A segment of the codebook (its id, e.g. ``centre_size``) or its role.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by the segment's levels: ``n``, ``turnover_index``, ``quit_share``,
        ``n_shown``, ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.turnover_by(survey, "tenure")
    >>> list(table.columns)
    ['n', 'turnover_index', 'quit_share', 'n_shown', 'suppressed']
    """
    require_roles(survey, "turnover_intention", "quit_intent")
    toi = survey.codebook.role("turnover_intention")
    columns = {"turnover_index": f"{toi}_index", "quit_share": "quit_intent"}
    return _by_segment(survey, prepare(survey), segment, columns, min_group_size, weighting)


def _by_segment(
    survey: Survey, df: pd.DataFrame, segment: str, columns: dict, min_group_size, weighting: str
) -> pd.DataFrame:
    """:func:`segment_summary` with the survey's minimum, its company rule and its weights."""
    company = survey.codebook.role("company")
    weights = _weights(survey, weighting)
    m = _min(survey, min_group_size)
    return segment_summary(df, segment, columns, min_group_size=m, company=company, weights=weights)


def _weights(survey: Survey, weighting: str) -> pd.Series | None:
    """:func:`survey_weights` of a scheme, or None for the respondent weighting (every
    answer once: the plain mean, with no weights to carry)."""
    return None if weighting == "respondent" else survey_weights(survey, weighting)


#: The fewest companies whose bootstrap resamples companies (:func:`turnover_drivers`); with
#: fewer, most resamples hold too few companies to fit, and the respondents are resampled.
MIN_CLUSTER_COMPANIES = 8


def driver_columns(survey: Survey) -> list[str]:
    """The candidate drivers of turnover intention: every tracked construct but turnover
    intention itself, and education relevance where the codebook names it."""
    require_roles(survey, "turnover_intention")
    cb = survey.codebook
    toi = cb.role("turnover_intention")
    edu = [cb.role("education_relevance")] if cb.has_roles("education_relevance") else []
    return [c for c in tracked_constructs(cb) if c != toi] + edu


@once
def turnover_drivers(survey: Survey, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Key drivers of turnover intention: the tracked constructs and education relevance,
    with dominance shares, relative weights and company-cluster bootstrap CIs
    (:func:`ksresearch.key_drivers`); with fewer than :data:`MIN_CLUSTER_COMPANIES`
    companies (or one organisation), a respondent bootstrap.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    n_boot : int
        Resamples of companies for the intervals (1,000).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        As :func:`key_drivers`: per driver ``r``, ``beta``, ``general_dominance``, ``share``,
        ``relative_weight``, ``rw_share``, ``rank`` and their company-bootstrap intervals.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.turnover_drivers(survey, n_boot=100)
    >>> list(table.columns)
    ['r', 'beta', 'general_dominance', 'share', 'relative_weight', 'rw_share', 'rank',
    'gd_low', 'gd_high', 'share_low', 'share_high', 'rw_low', 'rw_high', 'rank_low',
    'rank_high']
    """
    cb = survey.codebook
    drivers = driver_columns(survey)
    df = prepare(survey)
    company = cb.role("company") if cb.has_roles("company") else None
    few = company is None or df[company].nunique() < MIN_CLUSTER_COMPANIES
    return key_drivers(  # too few companies to resample: their respondents are resampled
        df,
        cb.role("turnover_intention"),
        drivers,
        cluster=None if few else company,
        n_boot=n_boot,
        resample="respondents" if few else "companies",
        seed=seed,
    )


def turnover_priorities(survey: Survey, drivers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Priority matrix of the turnover drivers: importance (share of explained variance, from
    :func:`turnover_drivers` or ``drivers``) against performance (mean 0-100 index; education
    relevance on the same 0-100 scale).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    drivers : DataFrame, optional
        :func:`turnover_drivers`, when already made.

    Returns
    -------
    DataFrame
        Indexed by driver: ``importance`` (share of R²), ``performance`` (mean index) and
        ``quadrant``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.turnover_priorities(survey)
    >>> list(table.columns)
    ['importance', 'performance', 'quadrant']
    """
    drivers = drivers if drivers is not None else turnover_drivers(survey, n_boot=0)
    df = prepare(survey)
    edu = survey.codebook.role("education_relevance")
    scale = survey.codebook.scale_of(edu)
    performance = pd.Series(
        {
            d: to_index(df[edu], scale.min, scale.max).mean()
            if d == edu
            else df[f"{d}_index"].mean()
            for d in drivers.index
        }
    )
    out = priority_matrix(drivers["share"], performance)
    members = Members()
    for d in out.index:  # importance from the drivers' model, performance from who answered
        column = edu if d == edu else f"{d}_index"
        members.add(d, None, drivers.attrs["members"][(d, None)])
        members.add(d, "performance", df.index[df[column].notna()].to_numpy(), column)
    out.attrs["members"] = members
    return out


def quit_intent_drivers(survey: Survey) -> pd.DataFrame:
    """Odds ratios (per SD) of planning to quit within 12 months, company-clustered CIs.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        As :func:`logistic_drivers`: per driver ``odds_ratio``, ``ci_low``, ``ci_high``, ``p``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.quit_intent_drivers(survey)
    >>> list(table.columns)
    ['odds_ratio', 'ci_low', 'ci_high', 'p']
    """
    require_roles(survey, "quit_intent")
    drivers = driver_columns(survey)
    company = survey.codebook.role("company")
    return logistic_drivers(prepare(survey), "quit_intent", drivers, cluster=company)


def education_and_involvement(
    survey: Survey, *, min_group_size: int | None = None, weighting: str = "respondent"
) -> pd.DataFrame:
    """Turnover intention, quit share and attractiveness by education relevance (disagree 1-2,
    neutral 3, agree 4-5) and by involvement (same bands of the scale score). The index is
    (factor, level): the codebook id of the education-relevance item or of the involvement
    construct, and low / neutral / high.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by (``factor``, ``level``): ``n``, ``turnover_index``, ``quit_share``,
        ``attractiveness_index``, ``n_shown``, ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.education_and_involvement(survey)
    >>> list(table.index.names), list(table.columns)
    (['factor', 'level'], ['n', 'turnover_index', 'quit_share', 'attractiveness_index',
    'n_shown', 'suppressed'])
    """
    roles = ("education_relevance", "involvement", "turnover_intention", "attractiveness")
    require_roles(survey, *roles, "quit_intent")
    cb = survey.codebook
    df = prepare(survey)
    toi, att = cb.role("turnover_intention"), cb.role("attractiveness")
    parts = []
    company = cb.role("company")
    weights = _weights(survey, weighting)
    columns = {
        "turnover_index": f"{toi}_index",
        "quit_share": "quit_intent",
        "attractiveness_index": f"{att}_index",
    }
    for factor in ("education_relevance", "involvement"):
        level = pd.cut(
            df[cb.role(factor)], [1, 2.5, 3.5, 5.01], right=False, labels=["low", "neutral", "high"]
        )
        table = segment_summary(
            df.assign(level=level.astype(object)),
            "level",
            columns,
            min_group_size=_min(survey, min_group_size),
            company=company,
            weights=weights,
        )
        table = table.reindex([lv for lv in ("low", "neutral", "high") if lv in table.index])
        members = table.attrs["members"]
        table.index = pd.MultiIndex.from_product(
            [[cb.role(factor)], table.index], names=["factor", "level"]
        )
        factor_id = cb.role(factor)
        table.attrs["members"] = members.relabel(lambda lv, f=factor_id: (f, lv))
        parts.append(table)
    out = pd.concat(parts)
    out.attrs["members"] = parts[0].attrs["members"].merge(parts[1].attrs["members"])
    out.attrs["weighting"] = weighting
    return out


# ----------------------------------------------------------------------------- AI
AI_ROLES = ("ai_frequency", "ai_user", "ai_weekly", "ai_daily")


def by_segment(
    survey: Survey,
    segment: str,
    measures: list[str] | tuple[str, ...] | None = None,
    *,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """Any measures by the levels of one segment, in one call: each theme's 0-100 index, each
    0/1 question's share, each rating question's mean, protected as every table is.

    Parameters
    ----------
    survey : Survey
    segment : str
        A role (``centre_size``, ``industry``, ``shift_worker``, ...) or a column of
        :func:`prepare`.
    measures : list of str, optional
        Constructs (their 0-100 index), roles (``ai_user``, ``enps``, ...) or columns of
        :func:`prepare` (``ai_weekly``); default every tracked construct.
    min_group_size : int, optional
        Minimum who answered a measure in a level (default the survey's).
    weighting : {"respondent", "company", "raking"}
        As :func:`segment_summary`'s weights (:func:`ksresearch.survey_weights`).

    Returns
    -------
    DataFrame
        :func:`segment_summary`: one row per level (codes, the index named after the segment's
        column) with ``n``, one column per measure (named as asked), ``n_shown`` and
        ``suppressed``; a level whose respondents come from too few companies, or mostly from one, is
        hidden. ``attrs["members"]``, ``attrs["weighting"]``.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=12)
    >>> _ = ks.ingest(2025, folder)
    >>> table = by_segment(ks.load(2025, folder), "centre_size", ["ai_user", "satisfaction"])
    >>> list(table.columns)
    ['n', 'ai_user', 'satisfaction', 'n_shown', 'suppressed']
    """
    cb = survey.codebook
    df = prepare(survey)
    column = _measure_column(cb, df, segment, "segment")
    wanted = list(measures) if measures is not None else tracked_constructs(cb)
    columns = {m: _measure_column(cb, df, m, "measure") for m in wanted}
    return _by_segment(survey, df, column, columns, min_group_size, weighting)


def _measure_column(cb, df: pd.DataFrame, name: str, what: str) -> str:
    """The column of :func:`prepare` that ``name`` stands for: a construct's index, a role's
    column, or the column itself."""
    if name in cb.constructs:
        return f"{name}_index"
    if name in ROLE_KINDS and cb.has_roles(name):
        return cb.role(name)
    if name in df.columns:
        return name
    raise ValueError(f"{what} {name!r} is neither a construct, a role nor a column of the data")


def ai_adoption_by(
    survey: Survey,
    segment: str,
    *,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """AI use by segment: ``user_share`` (uses AI at least now and then), ``weekly_share``
    (weekly or daily), ``daily_share``, protected.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    segment : str
        A segment of the codebook (its id, e.g. ``centre_size``) or its role.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by the segment's levels: ``n``, ``user_share``, ``weekly_share``,
        ``daily_share``, ``n_shown`` and ``suppressed`` (why a row is hidden).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.ai_adoption_by(survey, "centre_size")
    >>> list(table.columns)
    ['n', 'user_share', 'weekly_share', 'daily_share', 'n_shown', 'suppressed']
    """
    require_roles(survey, *AI_ROLES)
    columns = {"user_share": "ai_user", "weekly_share": "ai_weekly", "daily_share": "ai_daily"}
    return _by_segment(survey, prepare(survey), segment, columns, min_group_size, weighting)


def ai_use_cases(
    survey: Survey,
    *,
    ci: float = 0.95,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """Share of AI users using AI for each purpose, with Wilson CIs, most common first; the
    index holds the option codes of the ``ai_use`` item (and is named after it).

    With a ``weighting`` other than ``respondent``, each share is weighted and its Wilson
    interval rests on Kish's effective number of the users who answered,
    ``(sum w)^2 / sum(w^2)`` (R: ``svyciprop(~x, design, method = "wilson")`` is close; it
    uses the design's own variance).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    ci : float
        Confidence level of the intervals (0.95).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by option code: ``n``, ``share``, ``ci_low``, ``ci_high``, ``n_shown``,
        ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.ai_use_cases(survey)
    >>> list(table.columns)
    ['n', 'share', 'ci_low', 'ci_high', 'n_shown', 'suppressed']
    """
    from statsmodels.stats.proportion import proportion_confint

    require_roles(survey, "ai_user", "ai_use")
    item = survey.codebook.role("ai_use")
    df = prepare(survey)
    users = df[df["ai_user"] == 1]
    weights = _weights(survey, weighting)
    rows, members = [], Members()
    for code in survey.codebook.item(item).options:
        x = users[f"{item}_{code}"].dropna()
        for column in ("n", "share"):
            members.add(code, column, x.index.to_numpy(), f"{item}_{code}")
        members.add(code, None, x.index.to_numpy())
        share, n_eff = _share(x, weights)
        lo, hi = (
            proportion_confint(share * n_eff, n_eff, alpha=1 - ci, method="wilson")
            if len(x)
            else (np.nan, np.nan)
        )
        rows.append({item: code, "n": len(x), "share": share, "ci_low": lo, "ci_high": hi})
    table = pd.DataFrame(rows).set_index(item)
    # each use case is a share of all users, not a partition
    table = protect(table, min_group_size=_min(survey, min_group_size), partition=False)
    table.attrs.update(weighting=weighting, members=members)
    return table.sort_values("share", ascending=False)


def _share(x: pd.Series, weights: pd.Series | None) -> tuple[float, float]:
    """The (weighted) mean of ``x`` and the (effective) number it rests on."""
    from ..stats.weighting import effective_n, weighted_mean

    if not len(x):
        return np.nan, 0.0
    if weights is None:
        return float(x.mean()), float(len(x))
    w = weights.reindex(x.index)
    return weighted_mean(x, w), effective_n(w[x.notna()])


def ai_usefulness_by(
    survey: Survey,
    segment: str,
    *,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """How useful AI users find the tools (0-100 index) by segment, protected.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    segment : str
        A segment of the codebook (its id, e.g. ``centre_size``) or its role.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by the segment's levels: ``n``, ``usefulness_index``, ``n_shown``,
        ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.ai_usefulness_by(survey, "centre_size")
    >>> list(table.columns)
    ['n', 'usefulness_index', 'n_shown', 'suppressed']
    """
    require_roles(survey, "ai_user", "ai_usefulness")
    df = prepare(survey)
    users = df[df["ai_user"] == 1]
    column = f"{survey.codebook.role('ai_usefulness')}_index"
    return _by_segment(
        survey, users, segment, {"usefulness_index": column}, min_group_size, weighting
    )


def ai_association(survey: Survey, *, min_group_size: int | None = None) -> pd.DataFrame:
    """Users vs non-users of AI on workload/stress, satisfaction, technology and turnover
    intention, raw and company-adjusted (:func:`ksresearch.compare_groups`; 0 = non-user,
    1 = user).

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
        Indexed by outcome: as :func:`compare_groups` (raw and company-adjusted differences,
        Holm-adjusted p, Hedges' g).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.ai_association(survey)
    >>> list(table.columns)[:6]
    ['groups', 'n_nonusers', 'mean_nonusers', 'n_users', 'mean_users', 'suppressed']
    """
    constructs = ("stress", "satisfaction", "technology", "turnover_intention")
    require_roles(survey, "ai_user", *constructs)
    cb = survey.codebook
    outcomes = [f"{cb.role(c)}_index" for c in constructs]
    return compare_groups(
        prepare(survey),
        outcomes,
        "ai_user",
        cluster=cb.role("company"),
        owners=cb.role("company"),
        min_group_size=_min(survey, min_group_size),
        labels={0.0: "non-users", 1.0: "users"},
        names={0.0: "nonusers", 1.0: "users"},
    )


# ----------------------------------------------------------------------------- competence
def education_relevance(
    survey: Survey,
    *,
    by: str | None = None,
    min_group_size: int | None = None,
    weighting: str = "respondent",
) -> pd.DataFrame:
    """ "My formal education is relevant to my job": mean (on its scale), share who agree and
    share who disagree (the ``edu_relevant`` / ``edu_irrelevant`` flags), overall or by a
    segment.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    by : str, optional
        A segment to break the results down by (default: overall).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        One row (or one per level of ``by``): ``n``, ``mean``, ``agree_share``,
        ``disagree_share``, ``n_shown``, ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.education_relevance(survey, by="centre_size")
    >>> list(table.columns)
    ['n', 'mean', 'agree_share', 'disagree_share', 'n_shown', 'suppressed']
    """
    require_roles(survey, "education_relevance", "edu_relevant", "edu_irrelevant")
    edu = survey.codebook.role("education_relevance")
    df = prepare(survey)
    cols = {"mean": edu, "agree_share": "edu_relevant", "disagree_share": "edu_irrelevant"}
    m = _min(survey, min_group_size)
    if by is not None:
        return _by_segment(survey, df, by, cols, min_group_size, weighting)
    d = df.dropna(subset=[edu])
    weights = _weights(survey, weighting)
    means = {k: [_share(d[v].dropna(), weights)[0]] for k, v in cols.items()}
    table = pd.DataFrame({"n": [len(d)], **means}, index=["all"])
    table = protect(table, min_group_size=m, partition=False)
    members = Members()
    members.add("all", "n", d.index.to_numpy(), edu)
    for k, v in cols.items():
        members.add("all", k, d.index[d[v].notna()].to_numpy(), v)
    table.attrs.update(weighting=weighting, members=members)
    return table


def competence_links(survey: Survey, *, ci: float = 0.95) -> pd.DataFrame:
    """Correlations of education relevance and development/competence with attractiveness of
    the job and turnover intention (Pearson r with Fisher-z CI, n, p).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    ci : float
        Confidence level of the intervals (0.95).

    Returns
    -------
    DataFrame
        Indexed by (``source``, ``target``): ``n``, ``r``, ``ci_low``, ``ci_high``, ``p``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.competence_links(survey)
    >>> list(table.columns)
    ['n', 'r', 'ci_low', 'ci_high', 'p']
    """
    roles = ("education_relevance", "development", "attractiveness", "turnover_intention")
    require_roles(survey, *roles)
    cb = survey.codebook
    df = prepare(survey)
    rows, members = [], Members()
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    for source in (cb.role("education_relevance"), cb.role("development")):
        for target in (cb.role("attractiveness"), cb.role("turnover_intention")):
            d = df[[source, target]].dropna()
            members.add((source, target), None, d.index.to_numpy())
            r, p = stats.pearsonr(d[source], d[target])
            half = z / np.sqrt(len(d) - 3)
            low, high = np.tanh(np.arctanh(r) - half), np.tanh(np.arctanh(r) + half)
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "n": len(d),
                    "r": r,
                    "ci_low": low,
                    "ci_high": high,
                    "p": p,
                }
            )
    out = pd.DataFrame(rows).set_index(["source", "target"])
    out.attrs["members"] = members
    return out


# ----------------------------------------------------------------------------- shift work, self-service, size
def shift_work(
    survey: Survey, *, check_invariance: bool = True, min_group_size: int | None = None
) -> pd.DataFrame:
    """Shift workers against others on every tracked construct (0-100 index), raw and
    company-adjusted. With ``check_invariance``, each construct's measurement is tested across
    the two groups (:func:`measurement_check`) and a construct without scalar invariance is
    flagged ``comparable = False``.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    check_invariance : bool
        Test each construct's measurement across the groups first (:func:`measurement_check`);
        a construct without scalar invariance is shown, not compared.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed by outcome, as :func:`compare_groups`: ``n_day``, ``mean_day``, ``n_shift``,
        ``mean_shift`` and the shift workers' difference from the others, with
        ``comparable`` False where the measurement differs between the groups.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.shift_work(survey)
    >>> list(table.columns)[:8]
    ['groups', 'n_day', 'mean_day', 'n_shift', 'mean_shift', 'suppressed', 'diff', 'diff_low']
    """
    require_roles(survey, "shift_worker")
    df = prepare(survey)
    constructs = tracked_constructs(survey.codebook)
    noninvariant: set[str] = set()
    if check_invariance:
        check = measurement_check(survey, survey.codebook.role("shift_worker"), constructs)
        noninvariant = {f"{c}_index" for c in check.index[~check["comparable_means"]]}
    outcomes = [f"{c}_index" for c in constructs]
    labels = {0.0: "no shift work", 1.0: "shift work"}
    return compare_groups(
        df,
        outcomes,
        "shift_worker",
        cluster=survey.codebook.role("company"),
        owners=survey.codebook.role("company"),
        min_group_size=_min(survey, min_group_size),
        noninvariant=noninvariant,
        labels=labels,
        names={0.0: "day", 1.0: "shift"},  # n_day, mean_shift, ...
    )


def selfservice_by_industry(
    survey: Survey, *, min_group_size: int | None = None, weighting: str = "respondent"
) -> pd.DataFrame:
    """Perceived effect of self-service on the customer dialogue (0-100 index, and the share
    who agree that cases got more complex) by industry.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by industry: ``n``, ``selfservice_index`` and the shares of the self-service
        flags, ``n_shown``, ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.selfservice_by_industry(survey)
    >>> table.index.name, list(table.columns)[:3]
    ('industry', ['n', 'selfservice_index', 'more_complex_share'])
    """
    require_roles(survey, "selfservice", "more_complex", "industry")
    cb = survey.codebook
    columns = {
        "selfservice_index": f"{cb.role('selfservice')}_index",
        "more_complex_share": "more_complex",
    }
    return _by_segment(
        survey, prepare(survey), cb.role("industry"), columns, min_group_size, weighting
    )


def by_centre_size(
    survey: Survey, *, min_group_size: int | None = None, weighting: str = "respondent"
) -> pd.DataFrame:
    """Every tracked construct (0-100 index) and eNPS by centre size band.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).

    Returns
    -------
    DataFrame
        Indexed by size band: ``n``, each construct's index, ``enps``, ``n_shown``,
        ``suppressed``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.by_centre_size(survey)
    >>> table.index.name, 'enps' in table.columns
    ('centre_size', True)
    """
    require_roles(survey, "centre_size", "enps")
    cb = survey.codebook
    df = prepare(survey)
    size = cb.role("centre_size")
    cols = {c: f"{c}_index" for c in tracked_constructs(cb)}
    table = _by_segment(
        survey, df, size, {**cols, "enps": cb.role("enps")}, min_group_size, weighting
    )
    weights = _weights(survey, weighting)
    answers = df.dropna(subset=[size]).groupby(size)[cb.role("enps")]
    enps_by = answers.apply(lambda x: enps(x, weights=weights))
    table["enps"] = enps_by.reindex(table.index).where(table["enps"].notna())
    return table
