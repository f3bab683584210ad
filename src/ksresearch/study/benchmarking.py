"""One company against the pool of all other companies.

A company's benchmark never names another company: the pool is "all other companies", and
the percentile rank is given only when at least five other companies are large enough to be
reported on their own (so no single company's value can be read off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data.survey import Survey
from ..stats.disclosure import (
    InsufficientDataError,
    Members,
    min_size,
    owners_rule,
    require_min_n,
)
from ..stats.drivers import key_drivers
from ..stats.scoring import enps
from .findings import driver_columns
from .prepare import prepare

__all__ = ["benchmark", "company_drivers", "eligible_companies", "MIN_COMPANIES_FOR_RANK"]

#: A percentile rank needs at least this many other reportable companies.
MIN_COMPANIES_FOR_RANK = 5
#: Roles of the measures where a higher value is worse for the company.
WORSE_IF_HIGHER = ("stress", "turnover_intention", "quit_intent")
#: The assessment of a measure whose "all others" are too few companies (or mostly one).
NO_POOL = "not reported (too few other companies)"
#: Flag roles shown as shares (%) in the benchmark, when the codebook declares them.
SHARE_MEASURES = ("quit_intent", "edu_relevant", "ai_user")


def eligible_companies(survey: Survey, *, min_n: int | None = None) -> pd.DataFrame:
    """Which companies can get a report: one row per company with ``n`` (respondents after
    quality flags), ``eligible`` and ``reason``. For the orchestrator only; never shown in a
    company's report."""
    m = min_size(min_n if min_n is not None else survey.min_group_size)
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


def _worse_if_higher(survey: Survey) -> set[str]:
    cb = survey.codebook
    flags = set(cb.roles.flags())
    return {
        role if role in flags else cb.role(role) for role in WORSE_IF_HIGHER if cb.has_roles(role)
    }


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
    others: pd.DataFrame, col: str, kind: str, company: str, reportable, weighting: str, m: int
):
    """The pool's value, its standard error and n, and the values of the reportable companies."""
    by_company = {c: g.dropna().to_numpy(dtype=float) for c, g in others.groupby(company)[col]}
    values = np.array(
        [_value(v, kind) for c, v in by_company.items() if c in reportable and len(v) >= m]
    )
    if weighting == "respondent":
        y = others[col].dropna().to_numpy(dtype=float)
        return _value(y, kind), _se(y, kind), len(y), values
    n_pool = int(sum(len(v) for c, v in by_company.items() if c in reportable))
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values))), n_pool, values


def _assess(diff: float, low: float, high: float, better: int) -> str:
    if low > 0 or high < 0:
        return "strength" if np.sign(diff) == better else "weakness"
    return "on par"


def _percentile(value: float, company_values: np.ndarray) -> float:
    if len(company_values) < MIN_COMPANIES_FOR_RANK:
        return np.nan
    below = np.sum(company_values < value) + 0.5 * np.sum(company_values == value)
    return float(below / len(company_values) * 100)


def benchmark(
    survey: Survey,
    company: str,
    *,
    weighting: str = "respondent",
    ci: float = 0.95,
    min_n: int | None = None,
) -> pd.DataFrame:
    """The company against all other companies, per construct index, eNPS and key share.

    Parameters
    ----------
    survey : Survey
        A loaded survey year.
    company : str
        The company's name as in the codebook's company segment (role ``company``).
    weighting : {"respondent", "company"}
        Pool value as the mean over all other respondents, or as the mean of the other
        companies' values (each reportable company counts once).
    ci : float
        Confidence level of the difference.
    min_n : int, optional
        Minimum group size (default: the survey's). A company below it gets no benchmark.

    Returns
    -------
    DataFrame
        Indexed by measure (construct ids; ``enps``, ``quit_intent``, ``edu_relevant``,
        ``ai_user`` by role): ``n_company``, ``company`` (its value), ``pool`` (all other
        companies), ``diff`` with ``diff_low``/``diff_high``, ``p``, ``n_pool``,
        ``percentile`` (share of other reportable companies below it, or missing when fewer
        than five qualify) and ``assessment`` ("strength", "weakness" or "on par": the CI of
        the difference excludes zero in the favourable or unfavourable direction). ``attrs``
        holds ``weighting``, ``n_companies_pool``, ``min_n`` and ``members`` (the respondents
        behind each number); no other company is named. A measure whose other answers come
        from fewer than :data:`ksresearch.config.MIN_COMPANIES` companies, or mostly from one
        (:func:`ksresearch.owners_rule`), has no pool value: "all others" would be one
        company.

    Raises
    ------
    AnonymityError
        The company has fewer respondents than the minimum.
    """
    if weighting not in ("respondent", "company"):
        raise ValueError(f"weighting must be 'respondent' or 'company', got {weighting!r}")
    m = min_size(min_n if min_n is not None else survey.min_group_size)
    key = survey.codebook.role("company")
    df = prepare(survey)
    if company not in set(df[key]):
        raise ValueError(f"company {company!r} is not in the {survey.year} data")
    own = df[df[key] == company]
    require_min_n(len(own), "this company", m)
    others = df[df[key] != company]
    sizes = others[key].value_counts()
    reportable = sizes[sizes >= m].index
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    worse = _worse_if_higher(survey)
    rows = []
    members = Members()
    for measure, (col, kind) in _measures(survey, df).items():
        x = own[col].dropna().to_numpy(dtype=float)
        row: dict[str, object] = {"measure": measure, "n_company": len(x)}
        answered = others[others[col].notna()]
        pooled = owners_rule(pd.Series(0, index=answered.index), answered[key]).get(0, "")
        if len(x) < m:
            row.update(company=np.nan, pool=np.nan, assessment="not reported (too few answers)")
            rows.append(row)
            continue
        mine = own.index[own[col].notna()].to_numpy()
        members.add(measure, "n_company", mine, col)
        members.add(measure, "company", mine, col)
        if len(answered) < m or pooled:  # "all others" would be one company, or nobody
            row.update(company=_value(x, kind), pool=np.nan, assessment=NO_POOL)
            rows.append(row)
            continue
        members.add(measure, "pool", answered.index, col)
        members.add(measure, "n_pool", answered.index, col)
        members.add(measure, None, np.concatenate([mine, answered.index.to_numpy()]))
        pool, se_pool, n_pool, company_values = _pool(
            others, col, kind, key, reportable, weighting, m
        )
        value = _value(x, kind)
        se = np.hypot(_se(x, kind), se_pool)
        diff = value - pool
        low, high = diff - z * se, diff + z * se
        row.update(
            company=value,
            pool=pool,
            diff=diff,
            diff_low=low,
            diff_high=high,
            p=float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else np.nan,
            n_pool=n_pool,
            percentile=_percentile(value, company_values),
            assessment=_assess(diff, low, high, -1 if measure in worse else 1),
        )
        rows.append(row)
    out = pd.DataFrame(rows).set_index("measure")
    out.attrs.update(
        weighting=weighting,
        n_companies_pool=int(len(reportable)),
        min_n=m,
        year=survey.year,
        members=members,
    )
    return out


def company_drivers(
    survey: Survey, company: str, *, per_driver: int = 10, n_boot: int = 0, seed: int = 0
) -> pd.DataFrame:
    """The company's own key drivers of turnover intention, when its size allows: at least
    ``per_driver`` complete answers per driver (respondent bootstrap within the company).

    Raises
    ------
    AnonymityError
        Below the minimum group size.
    InsufficientDataError
        Too few complete answers for a stable driver analysis.
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
