"""One company against the pool of all other companies.

A company's benchmark never names another company: the pool is "all other companies", and
the percentile rank is given only when at least five other companies are large enough to be
reported on their own (so no single company's value can be read off).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .anonymity import min_size, require_min_n
from .drivers import key_drivers
from .findings import TURNOVER, _driver_columns, prepare
from .ingestion import Survey
from .scoring import enps

__all__ = ["benchmark", "company_drivers", "eligible_companies", "MIN_COMPANIES_FOR_RANK"]

#: A percentile rank needs at least this many other reportable companies.
MIN_COMPANIES_FOR_RANK = 5
#: Measures where a higher value is worse for the company.
WORSE_IF_HIGHER = {"stress", "turnover_intention", "quit_intent"}

_ITEM_LABELS = {
    "enps": {"nb": "eNPS (anbefale arbeidsplassen)", "en": "eNPS (recommend the workplace)"},
    "quit_intent": {
        "nb": "Andel som planlegger å søke ny jobb (%)",
        "en": "Plan to look for another job (%)",
    },
    "edu_relevant": {
        "nb": "Andel med relevant utdanning (%)",
        "en": "Formal education relevant (%)",
    },
    "ai_user": {"nb": "Andel som bruker KI (%)", "en": "Use AI tools (%)"},
}


def eligible_companies(survey: Survey, *, min_n: int | None = None) -> pd.DataFrame:
    """Which companies can get a report: one row per company with ``n`` (respondents after
    quality flags), ``eligible`` and ``reason``. For the orchestrator only; never shown in a
    company's report."""
    m = min_size(min_n)
    counts = prepare(survey)["company"].value_counts().sort_index()
    out = pd.DataFrame({"n": counts, "eligible": counts >= m})
    out["reason"] = np.where(out["eligible"], "", f"fewer than {m} respondents")
    return out.rename_axis("company")


def _measures(df: pd.DataFrame, constructs: list[str]) -> dict[str, tuple[str, str]]:
    """``{measure: (column, kind)}``; kind is "mean" (0-100), "share" (0/1 -> %), "enps"."""
    out: dict[str, tuple[str, str]] = {
        c: (f"{c}_index", "mean") for c in constructs if f"{c}_index" in df
    }
    out["enps"] = ("enps", "enps")
    for item in ("quit_intent", "edu_relevant", "ai_user"):
        if item in df:
            out[item] = (item, "share")
    return out


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


def benchmark(
    survey: Survey,
    company: str,
    *,
    weighting: str = "respondent",
    ci: float = 0.95,
    lang: str = "nb",
    min_n: int | None = None,
) -> pd.DataFrame:
    """The company against all other companies, per construct index, eNPS and key item.

    Parameters
    ----------
    survey : Survey
        A loaded survey year.
    company : str
        The company's identifier as in the ``company`` column.
    weighting : {"respondent", "company"}
        Pool value as the mean over all other respondents, or as the mean of the other
        companies' values (each reportable company counts once).
    ci : float
        Confidence level of the difference.
    lang : {"nb", "en"}
        Language of the ``label`` column.
    min_n : int, optional
        Minimum group size (default 5). A company below it gets no benchmark.

    Returns
    -------
    DataFrame
        Indexed by measure: ``label``, ``company`` (its value), ``pool`` (all other companies),
        ``diff`` with ``diff_low``/``diff_high``, ``p``, ``n_company``, ``n_pool``,
        ``percentile`` (share of other reportable companies below it, or missing when fewer
        than five qualify) and ``assessment`` ("strength", "weakness" or "on par": the CI of
        the difference excludes zero in the favourable or unfavourable direction). ``attrs``
        holds ``weighting``, ``n_companies_pool`` and ``min_n``; no other company is named.

    Raises
    ------
    AnonymityError
        The company has fewer respondents than the minimum.
    """
    if weighting not in ("respondent", "company"):
        raise ValueError(f"weighting must be 'respondent' or 'company', got {weighting!r}")
    m = min_size(min_n)
    df = prepare(survey)
    if company not in set(df["company"]):
        raise ValueError(f"company {company!r} is not in the {survey.year} data")
    own = df[df["company"] == company]
    require_min_n(len(own), "this company", m)
    others = df[df["company"] != company]
    sizes = others["company"].value_counts()
    reportable = sizes[sizes >= m].index
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    cb = survey.codebook
    rows = []
    for measure, (col, kind) in _measures(df, list(cb.constructs)).items():
        x = own[col].dropna().to_numpy(dtype=float)
        pool_all = others[col].dropna()
        row: dict[str, object] = {
            "measure": measure,
            "label": cb.text(measure, lang)
            if measure in cb.constructs
            else _ITEM_LABELS[measure][lang],
            "n_company": len(x),
        }
        if len(x) < m or len(pool_all) < m:
            row.update(company=np.nan, pool=np.nan, assessment="not reported (too few answers)")
            rows.append(row)
            continue
        by_company = {
            c: g.dropna().to_numpy(dtype=float) for c, g in others.groupby("company")[col]
        }
        company_values = np.array(
            [_value(v, kind) for c, v in by_company.items() if c in reportable and len(v) >= m]
        )
        value = _value(x, kind)
        if weighting == "respondent":
            y = pool_all.to_numpy(dtype=float)
            pool, se_pool, n_pool = _value(y, kind), _se(y, kind), len(y)
        else:
            pool = float(company_values.mean())
            se_pool = float(company_values.std(ddof=1) / np.sqrt(len(company_values)))
            n_pool = int(sum(len(v) for c, v in by_company.items() if c in reportable))
        se = np.hypot(_se(x, kind), se_pool)
        diff = value - pool
        p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else np.nan
        low, high = diff - z * se, diff + z * se
        better = -1 if measure in WORSE_IF_HIGHER else 1
        if low > 0 or high < 0:
            assessment = "strength" if np.sign(diff) == better else "weakness"
        else:
            assessment = "on par"
        percentile = (
            float(
                (np.sum(company_values < value) + 0.5 * np.sum(company_values == value))
                / len(company_values)
                * 100
            )
            if len(company_values) >= MIN_COMPANIES_FOR_RANK
            else np.nan
        )
        row.update(company=value, pool=pool, diff=diff, diff_low=low, diff_high=high, p=p, n_pool=n_pool,
                   percentile=percentile, assessment=assessment)  # fmt: skip
        rows.append(row)
    out = pd.DataFrame(rows).set_index("measure")
    out.attrs.update(
        weighting=weighting, n_companies_pool=int(len(reportable)), min_n=m, year=survey.year
    )
    return out


def company_drivers(survey: Survey, company: str, *, per_driver: int = 10, n_boot: int = 0,
                    seed: int = 0) -> pd.DataFrame:  # fmt: skip
    """The company's own key drivers of turnover intention, when its size allows: at least
    ``per_driver`` complete answers per driver (respondent bootstrap within the company).

    Raises
    ------
    AnonymityError
        Below the minimum group size.
    ValueError
        Too few respondents for a stable driver analysis.
    """
    df = prepare(survey)
    own = df[df["company"] == company]
    require_min_n(len(own), "this company")
    drivers = _driver_columns(survey.codebook)
    complete = own[[TURNOVER, *drivers]].dropna()
    need = per_driver * len(drivers)
    if len(complete) < need:
        raise ValueError(f"{len(complete)} complete answers; a driver analysis of {len(drivers)} drivers needs "
                         f"at least {need}")  # fmt: skip
    return key_drivers(
        own, TURNOVER, drivers, company=None, n_boot=n_boot, resample="respondents", seed=seed
    )
