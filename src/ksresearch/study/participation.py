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

__all__ = ["response_rates", "response_rate_summary"]


def _everyone(survey: Survey) -> pd.Series:
    """Each kept response's company, keyed as :func:`prepare` keys respondents."""
    df = prepare(survey, exclude_flagged=False)
    return df[survey.codebook.role("company")].astype(str)


def response_rates(survey: Survey) -> pd.DataFrame:
    """Each company's response rate.

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
    out = out.rename_axis("company")
    out.attrs.update(members=members)
    return out


def response_rate_summary(survey: Survey) -> pd.DataFrame:
    """The overall response rate and how the companies' rates spread (no company named).

    Only companies with a headcount and at least the minimum group of responses count for the
    spread.

    Returns
    -------
    DataFrame
        One row, ``all``: ``invited``, ``n``, ``rate`` (over the companies with a
        headcount), ``companies``, ``median``, ``lowest``, ``highest`` (company rates) and
        ``below`` (companies under :data:`config.MIN_RESPONSE_RATE`). Empty without
        headcounts. ``attrs["members"]``.
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
