"""Who answered: response rates from the headcounts each company gave (``headcounts.csv``).

A response is a row kept by the ingest (a real response, careless ones included: they did
answer); the rate is responses / invited. A company report says its rate, and warns below
``config.MIN_RESPONSE_RATE`` (30 %) that its results are uncertain for that reason; the general
report gives the overall rate and how the companies' rates spread, naming none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import config
from ..data.survey import Survey
from ..stats.disclosure import Members, min_size
from .prepare import prepare

__all__ = [
    "response_rates",
    "response_rate_summary",
    "survey_weights",
    "weighting_summary",
    "check_weighting",
    "WEIGHTINGS",
]


def _everyone(survey: Survey) -> pd.Series:
    """Each kept response's company, keyed as :func:`prepare` keys respondents."""
    df = prepare(survey, exclude_flagged=False)
    return df[survey.codebook.role("company")].astype(str)


def response_rates(survey: Survey) -> pd.DataFrame:
    """Each company's response rate.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Indexed by company: ``invited`` (the headcount's sum over its lines), ``n``
        (responses), ``rate`` (``n / invited``) and ``low`` (rate under
        :data:`config.MIN_RESPONSE_RATE`); companies without a headcount have missing
        ``invited`` and ``rate``. Empty without a headcounts file. ``attrs["members"]``.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=4)
    >>> _ = ks.ingest(2025, folder)
    >>> rates = response_rates(ks.load(2025, folder))
    >>> bool(((rates["rate"] > 0) & (rates["rate"] <= 1)).all())
    True
    """
    if ("response_rates",) not in survey.cache:  # the same for every company's report
        survey.cache[("response_rates",)] = _response_rates(survey)
    return survey.cache[("response_rates",)].copy()


def _response_rates(survey: Survey) -> pd.DataFrame:
    columns = ["invited", "n", "rate", "low"]
    if survey.headcounts is None:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="company"))
    who = _everyone(survey)
    n = who.value_counts().sort_index()
    invited = survey.headcounts.groupby("company")["invited"].sum().reindex(n.index)
    out = pd.DataFrame({"invited": invited.astype(float), "n": n})
    out["rate"] = out["n"] / out["invited"]
    out["low"] = out["rate"] < config.MIN_RESPONSE_RATE
    members = Members()
    for company in out.index:
        keys = who.index[who == company].to_numpy()
        for column in ("n", "rate"):
            members.add(company, column, keys, "responded")
        members.add(company, None, keys)  # invited: the company's headcount, beside its answers
    out = out.rename_axis("company")
    out.attrs.update(members=members)
    return out


def response_rate_summary(survey: Survey) -> pd.DataFrame:
    """The overall response rate and how the companies' rates spread (no company named).

    Only companies with a headcount and at least the minimum group of responses count for the
    spread.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        One row, ``all``: ``invited``, ``n``, ``rate`` (over the companies with a
        headcount), ``companies``, ``median``, ``lowest``, ``highest`` (company rates) and
        ``below`` (companies under :data:`config.MIN_RESPONSE_RATE`). Empty without
        headcounts. ``attrs["members"]``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.response_rate_summary(survey)
    >>> list(table.columns)
    ['invited', 'n', 'rate', 'companies', 'median', 'lowest', 'highest', 'below']
    """
    rates = response_rates(survey)
    rates = rates[rates["invited"].notna()]
    if rates.empty:
        return pd.DataFrame()
    m = min_size(survey.min_group_size)
    shown = rates[rates["n"] >= m]
    row = {
        "invited": float(rates["invited"].sum()),
        "n": int(rates["n"].sum()),
        "rate": float(rates["n"].sum() / rates["invited"].sum()),
        "companies": len(shown),
        "median": float(shown["rate"].median()) if len(shown) else np.nan,
        "lowest": float(shown["rate"].min()) if len(shown) else np.nan,
        "highest": float(shown["rate"].max()) if len(shown) else np.nan,
        "below": int(shown["low"].sum()),
    }
    out = pd.DataFrame([row], index=pd.Index(["all"], name=""))
    who = _everyone(survey)
    keys = who.index[who.isin(rates.index)].to_numpy()
    members = Members()
    for column in ("n", "rate"):
        members.add("all", column, keys, "responded")
    out.attrs.update(members=members)
    return out


#: How the respondents may be weighted (see :func:`survey_weights`).
WEIGHTINGS = ("respondent", "company", "raking")


def survey_weights(survey: Survey, scheme: str = "respondent") -> pd.Series:
    """Weights for the analysed respondents (keyed as :func:`prepare` keys them).

    Parameters
    ----------
    scheme : {"respondent", "company", "raking"}
        ``respondent``: every respondent counts once (the reports' default); ``company``:
        every company counts the same, whatever its size; ``raking``: the pool represents the
        invited population, raked (:func:`ksresearch.rake`) to the headcounts' margins, the
        companies' totals and each segment of ``headcounts.csv`` (e.g. role) summed over the
        companies.

    Returns
    -------
    Series
        Weights summing to the respondents' number (respondent, company) or to the invited
        population (raking); respondents missing a margin's segment get none (NaN).
        ``attrs``: ``scheme``, ``design_effect`` and ``effective_n`` (Kish).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> w = ks.survey_weights(survey, "company")
    >>> len(w) == len(ks.prepare(survey)), round(float(w.mean()), 6)
    (True, 1.0)
    """
    from ..stats.weighting import design_effect, effective_n, rake

    if scheme not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {scheme!r}")
    df = prepare(survey)
    if scheme != "respondent" and not survey.codebook.has_roles("company"):
        raise ValueError(
            f"{scheme} weighting needs companies; the {survey.year} codebook names none "
            "(roles.company), a survey of one organisation"
        )
    if scheme == "respondent":
        w = pd.Series(1.0, index=df.index)
    elif scheme == "company":
        company = df[survey.codebook.role("company")].astype(str)
        sizes = company.map(company.value_counts())
        w = len(df) / company.nunique() / sizes
    else:
        w = _raked(survey, df, df[survey.codebook.role("company")].astype(str), rake)
    w = w.rename("weight")
    w.attrs.update(scheme=scheme, design_effect=design_effect(w), effective_n=effective_n(w))
    return w


def _raked(survey: Survey, df: pd.DataFrame, company: pd.Series, rake) -> pd.Series:
    counts = survey.headcounts
    if counts is None:
        raise ValueError(f"raking needs headcounts: add data/raw/{survey.year}/headcounts.csv")
    missing = sorted(set(company) - set(counts["company"]))
    if missing:
        raise ValueError(f"raking needs a headcount for every company; none for {missing}")
    segments = [c for c in counts.columns if c not in ("company", "invited")]
    margins = {"company": counts.groupby("company")["invited"].sum()}
    margins |= {s: counts.groupby(s)["invited"].sum() for s in segments}
    frame = pd.DataFrame({"company": company, **{s: df[s] for s in segments}})
    placed = frame.notna().all(axis=1)
    w = pd.Series(np.nan, index=df.index)
    w[placed] = rake(frame[placed].astype({s: "int64" for s in segments}), margins)
    return w


def check_weighting(survey: Survey, scheme: str) -> None:
    """Raise ValueError, with the reason, unless ``scheme`` is a weighting this survey can
    have: one of :data:`WEIGHTINGS`, and for raking headcounts whose margins its respondents
    can meet. Reports call it before any notebook runs.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    scheme : str
        The weighting asked for.

    Returns
    -------
    None
        Returns when the weighting is possible.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> ks.check_weighting(survey, "company") is None
    True
    """
    if scheme not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {scheme!r}")
    if scheme == "raking":
        survey_weights(survey, "raking")  # raises with the reason (no headcounts, a margin)


def weighting_summary(survey: Survey) -> pd.DataFrame:
    """What each weighting costs: per scheme, ``n`` (weighted respondents), ``design_effect``
    and ``effective_n`` (Kish); raking only with headcounts whose margins the respondents can
    meet (:func:`survey_weights` says why not).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Indexed by weighting: ``n``, ``design_effect``, ``effective_n``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.weighting_summary(survey)
    >>> list(table.columns)
    ['n', 'design_effect', 'effective_n']
    """
    rows = {}
    for scheme in WEIGHTINGS:
        if scheme == "raking" and survey.headcounts is None:
            continue
        try:
            w = survey_weights(survey, scheme)
        except ValueError:  # margins no respondent can meet (a small survey): no raking
            continue
        rows[scheme] = {
            "n": int(w.notna().sum()),
            "design_effect": w.attrs["design_effect"],
            "effective_n": w.attrs["effective_n"],
        }
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("weighting")
    return out
