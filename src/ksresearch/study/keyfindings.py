"""Key findings: the plain sentences a report opens with, each decided by a rule.

Every statement is one row of a table. A rule looks at a result the report shows anyway (the
benchmark, the trends, the drivers, AI use, shift work, the response rate) and adds its row
only when the statement holds by that result's own test: corrected for multiplicity (Holm or
Bonferroni across what was compared), with errors clustered by company where respondents come
from several companies, and at least :data:`ksresearch.config.MIN_KEY_DIFF` index points (or
percentage points) apart. A statement whose condition fails is left out; nothing is softened.
The report layer fills each row into the template ``kf.<key>`` of the text catalogue.

Columns of a key-findings table (index: a statement id such as ``strength:leadership``):

``key``        the template (``strength``, ``weakness``, ``on_par``, ``response_rate``,
               ``response_rate_low``, ``change_up``, ``change_down``, ``company_change_up``,
               ``company_change_down``, ``driver``, ``driver_also``, ``ai_use``,
               ``ai_spread``, ``shift_higher``, ``shift_lower``)
``subject``    a measure id (construct, or a benchmark measure) or a segment code
``subject2``   a second segment code (the other end of a spread)
``segment``    the segment id the codes belong to ("" for measures)
``value``      the number the sentence is about (index points, or a share 0-1 for ``unit``
               ``share``)
``reference``  what it is set against (all others' value, the other end of a spread)
``diff``       the difference or change (signed)
``low, high``  its 95 % confidence interval
``count``, ``total``  a count and what it is out of (response rate)
``unit``       ``points`` (0-100 index, eNPS) or ``share`` (values in 0-1, differences in
               percentage points)

``attrs["members"]`` holds the respondents behind every number, for the disclosure ledger.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .. import config
from ..data.survey import Survey
from ..stats.benchmark import clustered_mean_se
from ..stats.disclosure import InsufficientDataError, Members
from ..stats.multitest import holm_adjust
from .benchmarking import SHARE_MEASURES, benchmark

__all__ = [
    "company_key_findings",
    "general_key_findings",
    "benchmark_statements",
    "trend_statements",
    "driver_statements",
    "shift_statements",
    "ai_statements",
    "response_rate_statement",
]

COLUMNS = [
    "key",
    "subject",
    "subject2",
    "segment",
    "value",
    "reference",
    "diff",
    "low",
    "high",
    "count",
    "total",
    "unit",
]
#: Significance level of every key finding (after the correction for multiplicity).
ALPHA = config.ALPHA  # one set of rules: config.Rules


def _table(rows: list[dict], members: Members | None = None) -> pd.DataFrame:
    """Statement rows (``id`` and any of :data:`COLUMNS`) as a key-findings table."""
    filled = [{"subject": "", "subject2": "", "segment": "", "unit": "points", **r} for r in rows]
    out = pd.DataFrame(filled, columns=["id", *COLUMNS]).set_index("id")
    out.index.name = None
    out.attrs["members"] = members if members is not None else Members()
    return out


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Several key-findings tables as one, their members merged."""
    members = Members()
    for part in parts:
        members = members.merge(part.attrs["members"])
    kept = [p for p in parts if not p.empty]
    out = pd.concat(kept) if kept else _table([])
    out.attrs["members"] = members
    return out


def _carry(members: Members, row: str, source: Members | None, cells: dict) -> None:
    """Copy the respondents of source cells ``{(src_row, src_column): column}`` to ``row``."""
    if source is None:
        return
    for (src_row, src_col), column in cells.items():
        if (src_row, src_col) in source:
            members.add(
                row, column, source[(src_row, src_col)], source.variables.get((src_row, src_col))
            )


# ----------------------------------------------------------------------------- rules
def benchmark_statements(bench: pd.DataFrame, *, max_each: int = 2) -> pd.DataFrame:
    """The company's clearest strengths and improvement areas: the measures the benchmark
    called a ``strength`` or ``weakness`` (Holm across its measures, company-clustered errors,
    at least :data:`ksresearch.config.MIN_BENCHMARK_DIFF` points; :func:`ksresearch.benchmark`),
    the largest differences first, at most ``max_each`` of each; ``on_par`` when the benchmark
    tested measures and found neither."""
    rows, members = [], Members()
    source = bench.attrs.get("members")
    for label, key in (("strength", "strength"), ("weakness", "weakness")):
        found = bench[bench["assessment"] == label]
        found = found.reindex(found["diff"].abs().sort_values(ascending=False).index)
        for measure, r in found.head(max_each).iterrows():
            sid = f"{key}:{measure}"
            scale = 100 if measure in SHARE_MEASURES else 1  # shares: 0-100 in the benchmark
            values = {c: r[c] / scale for c in ("company", "pool", "diff", "diff_low", "diff_high")}
            rows.append(
                {
                    "id": sid,
                    "key": key,
                    "subject": measure,
                    "value": values["company"],
                    "reference": values["pool"],
                    "diff": values["diff"],
                    "low": values["diff_low"],
                    "high": values["diff_high"],
                    "unit": "share" if scale == 100 else "points",
                }
            )
            _carry(
                members,
                sid,
                source,
                {(measure, "company"): "value", (measure, "pool"): "reference"},
            )
            _carry(members, sid, source, {(measure, None): None})
        _more(rows, members, source, key, found.index[max_each:])
    if not rows and bench["p"].notna().any():
        tested = bench.index[bench["p"].notna()]
        rows.append({"id": "on_par", "key": "on_par", "count": len(tested)})
        if source is not None:  # how many measures were tested: said of their respondents
            sets = [source[(m, None)] for m in tested if (m, None) in source]
            if sets:
                members.add("on_par", None, np.unique(np.concatenate(sets)))
    return _table(rows, members)


def _more(rows: list, members: Members, source: Members | None, key: str, rest) -> None:
    """``<key>_more``: how many more strengths (or areas) the table lists than the findings
    name, said of the respondents behind them."""
    if not len(rest):
        return
    rows.append({"id": f"{key}_more", "key": f"{key}_more", "count": len(rest)})
    sets = [source[(m, None)] for m in rest if source is not None and (m, None) in source]
    if sets:
        members.add(f"{key}_more", None, np.unique(np.concatenate(sets)))


def trend_statements(trends: pd.DataFrame, *, max_each: int = 2, own: bool = False) -> pd.DataFrame:
    """The clearest changes since last year: comparable across the years (scalar invariance),
    ``p_adj`` (Holm across the constructs) under :data:`ALPHA` and at least
    :data:`ksresearch.config.MIN_KEY_DIFF` points; the largest first, at most ``max_each``.
    ``trends`` is :func:`ksresearch.construct_trends` (within companies) or, with ``own``,
    :func:`ksresearch.company_trends` (the company's own)."""
    shown = trends[
        trends["comparable"].astype(bool)
        & (trends["p_adj"] < ALPHA)
        & (trends["change"].abs() >= config.MIN_KEY_DIFF)
    ]
    shown = shown.reindex(shown["change"].abs().sort_values(ascending=False).index)
    rows, members = [], Members()
    source = trends.attrs.get("members")
    prefix = "company_change" if own else "change"
    for outcome, r in shown.head(max_each).iterrows():
        direction = "up" if r["change"] > 0 else "down"
        sid = f"{prefix}:{outcome}"
        rows.append(
            {
                "id": sid,
                "key": f"{prefix}_{direction}",
                "subject": str(outcome).removesuffix("_index"),
                "value": r["mean_current"],
                "reference": r["mean_previous"],
                "diff": r["change"],
                "low": r["change_low"],
                "high": r["change_high"],
            }
        )
        cells = {(outcome, "mean_current"): "value", (outcome, "mean_previous"): "reference"}
        _carry(members, sid, source, {**cells, (outcome, None): None})
    return _table(rows, members)


def driver_statements(drivers: pd.DataFrame, *, max_each: int = 2) -> pd.DataFrame:
    """What is most strongly associated with turnover intention: the drivers whose share of
    the explained variance (general dominance, :func:`ksresearch.turnover_drivers`) is above
    an equal share ``1/k`` with its whole bootstrap interval, the largest first, at most
    ``max_each``. Association, not cause: the templates say so."""
    k = len(drivers)
    above = drivers[drivers["share_low"] > 1 / k].sort_values("share", ascending=False)
    rows, members = [], Members()
    source = drivers.attrs.get("members")
    for i, (driver, r) in enumerate(above.head(max_each).iterrows()):
        sid = f"driver:{driver}"
        rows.append(
            {
                "id": sid,
                "key": "driver" if i == 0 else "driver_also",
                "subject": driver,
                "value": r["share"],
                "low": r["share_low"],
                "high": r["share_high"],
                "reference": 1 / k,
                "unit": "share",
            }
        )
        _carry(members, sid, source, {(driver, None): None})
    return _table(rows, members)


def shift_statements(shift: pd.DataFrame, *, max_each: int = 1) -> pd.DataFrame:
    """How shift workers differ within their companies (:func:`ksresearch.shift_work`, the
    company-adjusted difference): Holm across the constructs on ``adjusted_p``, comparable
    measurement, at least :data:`ksresearch.config.MIN_KEY_DIFF` points; the largest first."""
    tested = shift[shift["comparable"].astype(bool) & shift["adjusted_p"].notna()]
    if tested.empty:
        return _table([])
    p_holm = pd.Series(holm_adjust(tested["adjusted_p"].to_numpy(dtype=float)), tested.index)
    clear = tested[(p_holm < ALPHA) & (tested["adjusted_diff"].abs() >= config.MIN_KEY_DIFF)]
    clear = clear.reindex(clear["adjusted_diff"].abs().sort_values(ascending=False).index)
    rows, members = [], Members()
    source = shift.attrs.get("members")
    for outcome, r in clear.head(max_each).iterrows():
        sid = f"shift:{outcome}"
        rows.append(
            {
                "id": sid,
                "key": "shift_higher" if r["adjusted_diff"] > 0 else "shift_lower",
                "subject": str(outcome).removesuffix("_index"),
                "diff": r["adjusted_diff"],
                "low": r["adjusted_low"],
                "high": r["adjusted_high"],
            }
        )
        _carry(members, sid, source, {(outcome, None): None})
    return _table(rows, members)


def ai_statements(survey: Survey, role: str = "industry") -> pd.DataFrame:
    """AI use overall and its spread over the levels of the segment with ``role`` (industry
    or centre_size).

    ``ai_use``: the share of respondents who use AI at least now and then, with a
    company-clustered interval. ``ai_spread_<role>``: the levels with the highest and the lowest
    share among those :func:`ksresearch.ai_adoption_by` shows, when their difference
    (company-clustered errors, z test, Bonferroni across all pairs of shown levels) is
    significant and at least :data:`ksresearch.config.MIN_KEY_DIFF` percentage points.
    """
    from .findings import ai_adoption_by
    from .prepare import prepare

    df = prepare(survey)
    company, segment = survey.codebook.role("company"), survey.codebook.role(role)
    used = df.dropna(subset=["ai_user"])
    z = stats.norm.ppf(1 - ALPHA / 2)
    share = float(used["ai_user"].mean())
    se = clustered_mean_se(used["ai_user"].to_numpy(float), used[company].to_numpy())
    members = Members()
    members.add("ai_use", "value", used.index.to_numpy(), "ai_user")
    members.add("ai_use", "count", used.index.to_numpy(), "ai_user")
    members.add("ai_use", None, used.index.to_numpy())  # the interval
    rows = [
        {
            "id": "ai_use",
            "key": "ai_use",
            "value": share,
            "low": share - z * se,
            "high": share + z * se,
            "count": len(used),
            "unit": "share",
        }
    ]
    by = ai_adoption_by(survey, segment)
    spread = _spread(used, by, segment, company)
    if spread is not None:
        sid = f"ai_spread:{role}"
        rows.append({**spread, "id": sid, "key": f"ai_spread_{role}"})
        source = by.attrs["members"]
        for end, column in (("subject", "value"), ("subject2", "reference")):
            _carry(members, sid, source, {(spread[end], "user_share"): column})
        ends = [source[(spread[end], "user_share")] for end in ("subject", "subject2")]
        members.add(sid, None, np.concatenate(ends))  # the difference and its interval
    return _table(rows, members)


def _spread(used: pd.DataFrame, by: pd.DataFrame, segment: str, company: str) -> dict | None:
    """The highest and lowest shown level of ``by`` as a spread row, if the gap holds; a
    level under :data:`config.MIN_SHARE_N` answers, whose share the table hides, is never one."""
    shown = by["user_share"].where(by["n"] >= config.MIN_SHARE_N).dropna()
    if len(shown) < 2:
        return None
    top, bottom = shown.idxmax(), shown.idxmin()
    ses = {}
    for level in (top, bottom):
        here = used[used[segment] == level]
        ses[level] = clustered_mean_se(here["ai_user"].to_numpy(float), here[company].to_numpy())
    diff = float(shown[top] - shown[bottom])
    se = float(np.hypot(ses[top], ses[bottom]))
    pairs = len(shown) * (len(shown) - 1) / 2
    p = min(1.0, 2 * stats.norm.sf(diff / se) * pairs) if se > 0 else 0.0
    if p >= ALPHA or 100 * diff < config.MIN_KEY_DIFF:
        return None
    z = stats.norm.ppf(1 - ALPHA / (2 * pairs))  # the interval that goes with the test
    return {
        "subject": top,
        "subject2": bottom,
        "segment": segment,
        "value": float(shown[top]),
        "reference": float(shown[bottom]),
        "diff": diff,
        "low": diff - z * se,
        "high": diff + z * se,
        "unit": "share",
    }


def response_rate_statement(survey: Survey, company: str) -> pd.DataFrame:
    """The company's response rate (``response_rate``), said to be low (``response_rate_low``)
    under :data:`ksresearch.config.MIN_RESPONSE_RATE`; nothing without headcounts."""
    from .participation import response_rates

    rates = response_rates(survey)
    if company not in rates.index or pd.isna(rates.at[company, "rate"]):
        return _table([])
    r = rates.loc[company]
    key = "response_rate_low" if r["low"] else "response_rate"
    row = {
        "id": "response_rate",
        "key": key,
        "value": float(r["rate"]),
        "reference": config.MIN_RESPONSE_RATE,
        "count": int(r["n"]),
        "total": int(r["invited"]),
        "unit": "share",
    }
    members, source = Members(), rates.attrs.get("members")
    _carry(members, "response_rate", source, {(company, "rate"): "value", (company, "n"): "count"})
    # the rule's threshold and the invited count: said of the company's respondents
    _carry(members, "response_rate", source, {(company, "rate"): None})
    return _table([row], members)


# ----------------------------------------------------------------------------- reports
def company_key_findings(
    survey: Survey,
    company: str,
    *,
    bench: pd.DataFrame | None = None,
    trends: pd.DataFrame | None = None,
    previous: Survey | None = None,
    weighting: str = "respondent",
    max_each: int = 2,
) -> pd.DataFrame:
    """The key findings of a company report: its response rate, its clearest strengths and
    improvement areas (or that it is on par), and its own clearest changes since last year:
    from ``trends`` (:func:`ksresearch.company_trends`, when the report has it) or from
    ``previous`` (the survey of the year before, if the company took part then).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str
        The company, by its name in the data.
    bench : DataFrame, optional
        :func:`benchmark` of the company, when already made.
    trends : DataFrame, optional
        :func:`company_trends`, when already made.
    previous : Survey, optional
        Last year's survey (for the company's own changes).
    weighting : {"respondent", "company", "raking"}
        Every respondent counts once, every company counts equally, or respondents are raked
        to the headcounts (:func:`survey_weights`).
    max_each : int
        Findings of each kind at most.

    Returns
    -------
    DataFrame
        One row per finding: ``key`` (its sentence in the text catalogue) and the numbers it
        shows (``value``, ``reference``, ``diff``, ``low``, ``high``, ...).

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=4)
    >>> _ = ks.ingest(2025, folder)
    >>> survey = ks.load(2025, folder)
    >>> company = ks.eligible_companies(survey).query("eligible").index[0]
    >>> found = ks.company_key_findings(survey, company)
    >>> found.loc["response_rate", "key"] in ("response_rate", "response_rate_low")
    True
    """
    from .measurement import company_trends

    if bench is None:
        bench = benchmark(survey, company, weighting=weighting)
    parts = [
        response_rate_statement(survey, company),
        benchmark_statements(bench, max_each=max_each),
    ]
    if trends is None and previous is not None:
        try:
            trends = company_trends(survey, previous, company)
        except InsufficientDataError:
            pass
    if trends is not None:
        parts.append(trend_statements(trends, max_each=max_each, own=True))
    return _combine(parts)


def general_key_findings(
    survey: Survey,
    previous: Survey | None = None,
    *,
    drivers: pd.DataFrame | None = None,
    max_each: int = 2,
    n_boot: int = 1000,
    seed: int = 1,
) -> pd.DataFrame:
    """The key findings of the general report, each where the year's codebook allows it:
    what is most strongly associated with turnover intention, the clearest changes since
    last year within companies (with ``previous``), AI use and its spread over industries and
    centre sizes, and how shift workers differ within their companies.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    previous : Survey, optional
        Last year's survey (for the changes).
    drivers : DataFrame, optional
        :func:`turnover_drivers`, when already made.
    max_each : int
        Findings of each kind at most.
    n_boot : int
        Resamples of the driver bootstrap.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        One row per finding: ``key``, ``subject``, ``segment`` and the numbers it shows
        (``value``, ``reference``, ``diff``, ``low``, ``high``, ``count``, ``total``, ``unit``).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> table = ks.general_key_findings(survey, previous, n_boot=100)
    >>> list(table.columns)
    ['key', 'subject', 'subject2', 'segment', 'value', 'reference', 'diff', 'low', 'high',
    'count', 'total', 'unit']
    """
    from .findings import driver_columns, shift_work, turnover_drivers
    from .measurement import comparable_years, construct_trends

    cb = survey.codebook
    parts = []
    toi = cb.role("turnover_intention") if cb.has_roles("turnover_intention") else None
    if toi is not None and len([c for c in driver_columns(survey) if c != toi]) >= 2:
        found = (
            drivers if drivers is not None else turnover_drivers(survey, n_boot=n_boot, seed=seed)
        )
        parts.append(driver_statements(found, max_each=max_each))
    if comparable_years(survey, previous):  # within companies, on constructs of both years
        parts.append(trend_statements(construct_trends(survey, previous), max_each=max_each))
    if not cb.missing_roles(["company", "ai_frequency", "ai_user", "ai_weekly", "ai_daily"]):
        roles = [r for r in ("industry", "centre_size") if not cb.missing_roles([r])]
        for i, role in enumerate(roles):
            part = ai_statements(survey, role)
            parts.append(part if i == 0 else part.drop(index="ai_use"))  # the share said once
    if not cb.missing_roles(["company", "shift_worker"]):
        parts.append(shift_statements(shift_work(survey)))
    return _combine(parts)
