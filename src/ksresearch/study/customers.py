"""Employees and customers: how the companies' construct scores go together with their
customer KPIs (``company_kpis.csv``, :mod:`ksresearch.data.kpis`).

The unit is the company: each company's mean index of a construct (over its respondents, only
companies with at least the minimum group size) beside its KPIs. With a few dozen companies
these are associations across companies, never causes; the tables say how many companies
they rest on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .. import config
from ..data.survey import Survey
from ..stats.disclosure import InsufficientDataError, Members, min_size
from ..stats.multitest import holm_adjust
from .prepare import prepare, tracked_constructs

__all__ = [
    "company_scores",
    "kpi_bands",
    "kpi_correlations",
    "kpi_matrix",
    "company_kpis",
    "MIN_KPI_COMPANIES",
]

#: The fewest companies a KPI correlation is computed on.
MIN_KPI_COMPANIES = config.MIN_KPI_COMPANIES  # one set of rules: config.Rules
#: The fewest companies with a KPI for :func:`kpi_bands` to draw anything.
MIN_BAND_COMPANIES = 10
#: At most this many bands of companies in :func:`kpi_bands`.
MAX_KPI_BANDS = 5


def company_scores(survey: Survey) -> pd.DataFrame:
    """Each company's mean index of every tracked construct (rows: companies with at least
    the minimum group size; ``n``: their respondents; a mean only where at least the minimum
    answered the construct) and its KPIs (NaN where not given).
    ``attrs["members"]`` holds each company's respondents, per construct those who answered.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Indexed by company: ``n``, every tracked construct's mean index and the KPIs.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.company_scores(survey)
    >>> len(table), 'n' in table.columns
    (10, True)
    """
    if survey.kpis is None:
        raise InsufficientDataError(
            f"no customer KPIs for {survey.year}: add data/raw/{survey.year}/company_kpis.csv"
        )
    df = prepare(survey)
    company = survey.codebook.role("company")
    constructs = tracked_constructs(survey.codebook)
    columns = [f"{c}_index" for c in constructs]
    grouped = df.groupby(company)
    m = min_size(survey.min_group_size)
    answered = grouped[columns].count().set_axis(constructs, axis=1)
    out = grouped[columns].mean().set_axis(constructs, axis=1).where(answered >= m)
    out.insert(0, "n", grouped.size())
    out = out[out["n"] >= m]  # a mean shown only where at least the minimum answered it
    kpis = survey.kpis.set_index("company")
    out = out.join(kpis, how="inner")
    members = Members()
    for name in out.index:
        own = df[df[company] == name]
        members.add(name, None, own.index.to_numpy())
        for c, col in zip(constructs, columns, strict=True):
            members.add(name, c, own.index[own[col].notna()].to_numpy(), col)
    out.attrs.update(members=members, constructs=constructs, kpis=list(kpis.columns))
    return out


def kpi_bands(
    scores: pd.DataFrame,
    x: str,
    y: str,
    *,
    min_companies: int | None = None,
    max_bands: int = MAX_KPI_BANDS,
) -> pd.DataFrame:
    """The companies in bands of similar ``y`` (a KPI), each band's mean ``x`` (a construct)
    against its mean ``y``: what a scatter of companies shows, without a point per company.

    A company knows its own KPI, and often its neighbours'; a point per company would give its
    employees' mean away to anyone who knows its KPI. So the companies that gave ``y`` are
    sorted by it and cut into at most ``max_bands`` bands of at least ``min_companies``
    companies each (the companies-per-cell rule, :data:`ksresearch.config.MIN_COMPANIES`);
    a band's values are the unweighted means over its companies. Fewer than
    :data:`MIN_BAND_COMPANIES` companies give nothing.

    Parameters
    ----------
    scores : DataFrame
        :func:`company_scores`.
    x, y : str
        A construct and a KPI column of ``scores``.

    Returns
    -------
    DataFrame
        One row per band (1 = lowest ``y``): ``n_companies``, ``x`` and ``y`` (the band's
        means), ``n`` (its respondents). ``attrs["members"]``: the respondents behind each
        band's ``x``.

    Raises
    ------
    InsufficientDataError
        Fewer than :data:`MIN_BAND_COMPANIES` companies have both values.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"n": 20, "a": range(12), "k": range(12)}, index=list("abcdefghijkl"))
    >>> kpi_bands(s, "a", "k")[["n_companies", "x", "y"]]
          n_companies     x     y
    band
    1               3   1.0   1.0
    2               3   4.0   4.0
    3               3   7.0   7.0
    4               3  10.0  10.0
    """
    k = config.MIN_COMPANIES if min_companies is None else int(min_companies)
    d = scores.dropna(subset=[x, y]).sort_values(y, kind="stable")
    if len(d) < max(MIN_BAND_COMPANIES, k):
        raise InsufficientDataError(
            f"{len(d)} companies have {x} and {y}; bands need at least {MIN_BAND_COMPANIES}"
        )
    members, source = Members(), scores.attrs.get("members", {})
    rows = []
    cuts = np.array_split(np.arange(len(d)), min(max_bands, len(d) // k))
    for band, part in enumerate((d.iloc[cut] for cut in cuts), start=1):
        rows.append(
            {
                "band": band,
                "n_companies": len(part),
                "x": float(part[x].mean()),
                "y": float(part[y].mean()),
                "n": int(part["n"].sum()),
            }
        )
        labels = [source.get((name, x), source.get((name, None), [])) for name in part.index]
        members.add(band, "x", np.concatenate([np.asarray(v) for v in labels]))
        companies = [np.asarray(source.get((name, None), [])) for name in part.index]
        members.add(band, None, np.concatenate(companies))  # y, n: the band's companies
    out = pd.DataFrame(rows).set_index("band")
    out.attrs["members"] = members
    return out


def kpi_correlations(
    survey: Survey, *, n_boot: int = 2000, seed: int = 0, ci: float = 0.95
) -> pd.DataFrame:
    r"""Spearman rank correlation of each construct's company mean with each customer KPI.

    For every (construct, KPI): :math:`\rho` over the companies that gave the KPI (and whose
    mean of the construct is shown, :func:`company_scores`), a
    percentile bootstrap interval (companies resampled ``n_boot`` times), the p value of the
    t approximation and Holm's correction across all pairs of the table (``p_adj``).

    R: ``cor.test(x, y, method = "spearman", exact = FALSE)`` gives ``rho`` and ``p``;
    ``boot::boot`` over companies the interval.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    n_boot : int
        Bootstrap resamples of companies for the intervals.
    seed : int
        Random seed.
    ci : float
        Confidence level of the intervals (0.95).

    Returns
    -------
    DataFrame
        Index (``construct``, ``kpi``); ``n_companies``, ``rho``, ``ci_low``, ``ci_high``,
        ``p``, ``p_adj``. ``attrs["members"]``: the respondents of the companies behind each
        row (a model statistic, not a sum).

    Raises
    ------
    InsufficientDataError
        No KPI file, or fewer than :data:`MIN_KPI_COMPANIES` companies for every KPI.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.kpi_correlations(survey, n_boot=200)
    >>> list(table.columns)
    ['n_companies', 'rho', 'ci_low', 'ci_high', 'p', 'p_adj']
    """
    scores = company_scores(survey)
    constructs, kpis = scores.attrs["constructs"], scores.attrs["kpis"]
    rng = np.random.default_rng(seed)
    rows = []
    for kpi in kpis:
        for construct in constructs:
            d = scores.dropna(subset=[kpi, construct])  # companies with both
            if len(d) < MIN_KPI_COMPANIES:
                continue
            x, y = d[[construct]].to_numpy(float), d[kpi].to_numpy(float)
            idx = rng.integers(0, len(d), size=(n_boot, len(d)))
            boot = _spearman_columns(x[idx], y[idx])[:, 0]
            rho, p = stats.spearmanr(x[:, 0], y)
            low, high = np.nanpercentile(boot, [50 * (1 - ci), 50 * (1 + ci)])
            rows.append((construct, kpi, len(d), rho, low, high, p, tuple(d.index)))
    if not rows:
        raise InsufficientDataError(f"fewer than {MIN_KPI_COMPANIES} companies gave any KPI")
    columns = ["construct", "kpi", "n_companies", "rho", "ci_low", "ci_high", "p", "companies"]
    out = pd.DataFrame(rows, columns=columns).set_index(["construct", "kpi"])
    out["p_adj"] = holm_adjust(out["p"].to_numpy(dtype=float))
    members = Members()
    own = scores.attrs["members"]
    for key, companies in out.pop("companies").items():
        members.add(key, None, np.concatenate([own[(c, None)] for c in companies]))
    out.attrs["members"] = members
    return out


def _spearman_columns(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of each column of ``x`` (boot x n x m) with ``y`` (boot x n), per
    bootstrap sample: the Pearson correlation of the average ranks."""
    rx = stats.rankdata(x, axis=1)
    ry = stats.rankdata(y, axis=1)[:, :, None]
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    num = (rx * ry).sum(axis=1)
    den = np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def kpi_matrix(correlations: pd.DataFrame) -> pd.DataFrame:
    """The rho of :func:`kpi_correlations` as a table: constructs as rows, KPIs as columns;
    ``attrs["members"]`` the respondents behind each row.

    Parameters
    ----------
    correlations : DataFrame
        :func:`kpi_correlations`.

    Returns
    -------
    DataFrame
        Constructs x KPIs: the correlation, or missing where it may not be shown.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.kpi_matrix(ks.kpi_correlations(survey, n_boot=200))
    >>> table.shape[0] > 0
    True
    """
    out = correlations["rho"].unstack("kpi")
    kpis = list(dict.fromkeys(correlations.index.get_level_values("kpi")))
    out = out.reindex(
        index=list(dict.fromkeys(correlations.index.get_level_values(0))), columns=kpis
    )
    source, members = correlations.attrs["members"], Members()
    for construct in out.index:
        sets = [source[(key, None)] for key in correlations.index if key[0] == construct]
        members.add(construct, None, np.unique(np.concatenate(sets)))
    out.attrs["members"] = members
    return out


def company_kpis(survey: Survey, company: str) -> pd.DataFrame:
    """The company's own KPIs as rows (``value``), the ones it gave; empty without any.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str
        The company, by its name in the data.

    Returns
    -------
    DataFrame
        Indexed by KPI: ``value`` (empty when the company gave none).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.company_kpis(survey, "Bergbank AS")
    >>> list(table.columns)
    ['value']
    """
    if survey.kpis is None or company not in set(survey.kpis["company"]):
        return pd.DataFrame({"value": []}, index=pd.Index([], name="kpi"))
    row = survey.kpis.set_index("company").loc[company].dropna()
    return pd.DataFrame({"value": row.astype(float)}).rename_axis("kpi")
