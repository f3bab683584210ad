"""Is the questionnaire measuring well, and alike across groups and years? Data quality,
reliability, factor structure, measurement invariance and the trends it permits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.codebook import Codebook
from ..data.survey import Survey
from ..stats.compare import trend
from ..stats.diagnostics import recorded
from ..stats.disclosure import Members, min_size
from ..stats.progress import progress
from ..stats.psychometrics import alpha, omega, parallel_analysis
from ..stats.scoring import reverse_items
from ..stats.sem import cfa, invariance, model_from_codebook
from .cache import once
from .prepare import excluded_flags, kept, prepare, tracked_constructs

__all__ = [
    "comparable_years",
    "measurement_check",
    "construct_trends",
    "company_trends",
    "year_comparability",
    "shared_constructs",
    "item_trends",
    "response_summary",
    "reliability_by_construct",
    "dont_know_by_construct",
    "exclusion_sensitivity",
    "structure_summary",
]


def _item_frame(survey: Survey, items: list[str]) -> pd.DataFrame:
    return reverse_items(kept(survey), survey.codebook, items)


def _group_data(surveys: list[Survey], items: list[str], group: str | None) -> pd.DataFrame:
    """The items of one construct with a ``_group`` column: a segment of one survey, or the
    year when several surveys are given (items matched by trend id)."""
    if len(surveys) == 1:
        if group is None:
            raise ValueError("name the group column to compare within one survey")
        return _item_frame(surveys[0], items).assign(_group=kept(surveys[0])[group].to_numpy())
    if group is not None:
        raise ValueError("across years the years are the groups: leave group=None")
    cb = surveys[-1].codebook
    trend_ids = [cb.item(i).trend_id for i in items]
    parts = []
    for s in surveys:
        ids = s.codebook.by_trend_id()
        own = [ids[t] for t in trend_ids]
        parts.append(_item_frame(s, own).set_axis(items, axis=1).assign(_group=s.year))
    return pd.concat(parts, ignore_index=True)


@once
def measurement_check(
    survey: Survey | list[Survey], group: str | None, constructs: list[str] | None = None
) -> pd.DataFrame:
    """Is each construct measured alike across groups (or years)? Configural, metric and
    scalar invariance of its one-factor model (:func:`ksresearch.invariance`, full-information
    ML so that respondents who skipped an item still count).

    Parameters
    ----------
    survey : Survey or list of Survey
        One year (then ``group`` names the segment to compare), or several years (then
        ``group`` must be None and the years are the groups; items are matched by trend id).
    group : str or None
        Segment column.
    constructs : list of str, optional
        Defaults to the tracked constructs.

    Returns
    -------
    DataFrame
        Per construct: ``verdict`` ("scalar", "metric", "configural", "none" or "not testable"
        for fewer than three items), ``delta_cfi_metric``, ``delta_cfi_scalar``,
        ``delta_rmsea_scalar``, ``comparable_means`` (scalar invariance holds) and ``note``
        (what the estimation warned of, e.g. a Heywood case; "" when nothing).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.measurement_check(survey, "shift_work", ["stress"])
    >>> list(table.columns)
    ['verdict', 'delta_cfi_metric', 'delta_cfi_scalar', 'delta_rmsea_scalar',
    'comparable_means', 'note']
    """
    surveys = survey if isinstance(survey, list) else [survey]
    cb = surveys[-1].codebook
    constructs = constructs if constructs is not None else tracked_constructs(cb)
    rows = []
    for construct in progress(constructs, desc="measurement_check"):
        items = cb.construct_items(construct)
        if len(items) < 3:
            rows.append(
                {
                    "construct": construct,
                    "verdict": "not testable",
                    "comparable_means": True,
                    "note": "",
                }
            )
            continue
        data = _group_data(surveys, items, group).dropna(subset=["_group"])
        model = model_from_codebook(cb, [construct])
        mi, note = recorded(invariance, data, model, "_group", missing="fiml")
        t = mi.table_
        rows.append(
            {
                "construct": construct,
                "verdict": mi.verdict_,
                "delta_cfi_metric": t.loc["metric", "delta_cfi"],
                "delta_cfi_scalar": t.loc["scalar", "delta_cfi"],
                "delta_rmsea_scalar": t.loc["scalar", "delta_rmsea"],
                "comparable_means": mi.verdict_ == "scalar",
                "note": note,
            }
        )
    columns = [
        "construct",
        "verdict",
        "delta_cfi_metric",
        "delta_cfi_scalar",
        "delta_rmsea_scalar",
        "comparable_means",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("construct")


def shared_constructs(current: Codebook, previous: Codebook) -> dict[str, str]:
    """``{construct id this year: its id last year}`` for the constructs tracked in both years.
    A construct is the same one when its items carry the same trend ids; its id may differ.
    A construct with an item without a trend id is never the same as another year's (two
    drafted codebooks, or two unrelated surveys in one data folder, share no construct)."""

    def key(cb: Codebook, c: str) -> frozenset | None:
        ids = [cb.item(i).trend_id for i in cb.construct_items(c)]
        return None if None in ids else frozenset(ids)

    before = {key(previous, c): c for c in tracked_constructs(previous)}
    before.pop(None, None)
    return {
        c: before[key(current, c)]
        for c in tracked_constructs(current)
        if key(current, c) is not None and key(current, c) in before
    }


def comparable_years(current: Survey, previous: Survey | None) -> bool:
    """Whether last year can be set beside this one (:func:`construct_trends`): both name
    the company (the change is within companies), and they share a construct by its items'
    trend ids. Two drafted codebooks, or two unrelated surveys in one data folder, do not.

    Parameters
    ----------
    current : Survey
        This year's survey.
    previous : Survey or None
        Last year's survey (None: not comparable).

    Returns
    -------
    bool
        True when the two years can be set side by side.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> ks.comparable_years(survey, previous)
    True
    """
    return (
        previous is not None
        and current.codebook.has_roles("company")
        and previous.codebook.has_roles("company")
        and bool(shared_constructs(current.codebook, previous.codebook))
    )


def construct_trends(
    current: Survey,
    previous: Survey,
    *,
    segment: str | None = None,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Year-on-year change of every construct tracked in both years (0-100 index; matched by
    the trend ids of its items), reported only where scalar invariance across the two years
    holds. ``change`` is the change within the companies that took part both years (company
    fixed effects, company-clustered CI, Holm across constructs in ``p_adj``); the pooled
    change of all respondents is given beside it (:func:`ksresearch.trend`). Rows are named
    by this year's construct ids.

    Parameters
    ----------
    current : Survey
        This year's survey.
    previous : Survey
        Last year's survey.
    segment : str, optional
        A segment whose levels get a row each.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed by construct: ``n_previous``, ``mean_previous``, ``n_current``,
        ``mean_current``, ``comparable``, ``change`` with its interval and ``p_adj``, and the
        pooled change beside it.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> table = ks.construct_trends(survey, previous)
    >>> list(table.columns)[:6]
    ['n_previous', 'mean_previous', 'n_current', 'mean_current', 'comparable', 'suppressed']
    """
    now, before, outcomes, noninvariant, company = _two_years(current, previous)
    m = min_size(min_group_size if min_group_size is not None else current.min_group_size)
    return trend(
        now,
        before,
        outcomes,
        segment=segment,
        cluster=company,
        min_group_size=m,
        noninvariant=noninvariant,
    )


def company_trends(
    current: Survey, previous: Survey, company: str, *, min_group_size: int | None = None
) -> pd.DataFrame:
    """One company's own change since last year in every construct tracked in both years.

    The same table as :func:`construct_trends`, on the company's respondents of both years:
    ``change`` is the difference of its two yearly means with a Welch interval and ``p``
    (R: ``t.test(y_current, y_previous)``), Holm across the constructs in ``p_adj``. The gate
    is the same too: a construct whose measurement is not scalar invariant across the two
    years (tested on all respondents) shows no change, and a year in which fewer than the
    minimum answered shows nothing. ``attrs["members"]`` holds both years' respondents.

    Parameters
    ----------
    current : Survey
        This year's survey.
    previous : Survey
        Last year's survey.
    company : str
        The company, by its name in the data.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        As :func:`construct_trends`, for the company's respondents.

    Raises
    ------
    InsufficientDataError
        The company did not take part in one of the years.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> table = ks.company_trends(survey, previous, "Bergbank AS")
    >>> list(table.columns)[:6]
    ['n_previous', 'mean_previous', 'n_current', 'mean_current', 'comparable', 'suppressed']
    """
    from ..stats.disclosure import InsufficientDataError

    now, before, outcomes, noninvariant, key = _two_years(current, previous)
    now, before = now[now[key] == company], before[before[key] == company]
    if now.empty or before.empty:
        raise InsufficientDataError(
            f"{company} did not take part in both {previous.year} and {current.year}"
        )
    m = min_size(min_group_size if min_group_size is not None else current.min_group_size)
    return trend(now, before, outcomes, min_group_size=m, noninvariant=noninvariant)


def year_comparability(current: Survey, previous: Survey) -> pd.DataFrame:
    """:func:`measurement_check` of the constructs tracked in both years, across the two
    years: which constructs' means may be compared. Made once per pair of surveys (kept in
    ``current.cache``), since every trend, the general one and each company's, needs it.

    Parameters
    ----------
    current : Survey
        This year's survey.
    previous : Survey
        Last year's survey.

    Returns
    -------
    DataFrame
        As :func:`measurement_check` across the two years, per construct.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> table = ks.year_comparability(survey, previous)
    >>> list(table.columns)
    ['verdict', 'delta_cfi_metric', 'delta_cfi_scalar', 'delta_rmsea_scalar',
    'comparable_means', 'note']
    """
    key = ("year_comparability", previous.year, str(previous.path))
    if key not in current.cache:
        shared = shared_constructs(current.codebook, previous.codebook)
        current.cache[key] = measurement_check([previous, current], None, list(shared))
    return current.cache[key].copy()


def _two_years(current: Survey, previous: Survey):
    """Both years' prepared frames with last year's columns under this year's names, the
    shared constructs' index columns, those not comparable across the years, and the
    company column."""
    shared = shared_constructs(current.codebook, previous.codebook)
    check = year_comparability(current, previous)
    noninvariant = {f"{c}_index" for c in check.index[~check["comparable_means"].astype(bool)]}
    outcomes = [f"{c}_index" for c in shared]
    company = current.codebook.role("company")
    before = prepare(previous).rename(
        columns={
            previous.codebook.role("company"): company,
            **{f"{p}_index": f"{c}_index" for c, p in shared.items()},
        }
    )
    return prepare(current), before, outcomes, noninvariant, company


def item_trends(
    current: Survey, previous: Survey, *, min_group_size: int | None = None
) -> pd.DataFrame:
    """Year-on-year change of every likert/nps item asked both years (matched by trend id; the
    codebooks keep the wording), on its own scale, within companies as
    :func:`construct_trends`; ``item`` gives this year's item id.

    Parameters
    ----------
    current : Survey
        This year's survey.
    previous : Survey
        Last year's survey.
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed by trend id: ``item`` and the columns of :func:`construct_trends`.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> previous = ks.example_survey(2024)
    >>> table = ks.item_trends(survey, previous)
    >>> list(table.columns)[:6]
    ['item', 'n_previous', 'mean_previous', 'n_current', 'mean_current', 'comparable']
    """
    cur_ids, prev_ids = current.codebook.by_trend_id(), previous.codebook.by_trend_id()
    shared = [
        t
        for t in cur_ids
        if t in prev_ids and current.codebook.item(cur_ids[t]).type in ("likert", "nps")
    ]
    company = "_company"
    cur = _items_by_trend_id(current, [cur_ids[t] for t in shared], shared, company)
    prev = _items_by_trend_id(previous, [prev_ids[t] for t in shared], shared, company)
    m = min_size(min_group_size if min_group_size is not None else current.min_group_size)
    out = trend(cur, prev, shared, cluster=company, min_group_size=m)
    out.insert(0, "item", [cur_ids[t] for t in out.index])
    return out.rename_axis("trend_id")


def _items_by_trend_id(survey: Survey, items: list[str], trend_ids: list[str], company: str):
    data = kept(survey)
    out = data[items].astype("float64").set_axis(trend_ids, axis=1)
    return out.assign(**{company: data[survey.codebook.role("company")].to_numpy()})


def response_summary(survey: Survey) -> pd.DataFrame:
    """How the raw export became the analysed data: one row per step with ``rows``.

    Steps: ``raw`` (rows in the export), ``quarantined`` (and one ``quarantined: <reason>`` row
    per reason), ``kept``, ``cells: <reason>`` (single answers set aside as missing: an
    out-of-range or unreadable value), ``flagged: straightliner/speeder/duplicate_answers`` (kept but left
    out of the analyses), ``kept_flag: ...`` (flagged but analysed: the codebook's ``quality:
    exclude`` leaves that rule out, or ``ingest --no-quality-exclusions``), ``analysed`` and
    ``companies`` (how many, never which).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Indexed by step: ``rows`` (read, quarantined, kept, flagged, analysed).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.response_summary(survey)
    >>> list(table.columns)
    ['rows']
    """
    q = survey.quality
    rows = {"raw": q["rows_raw"], "quarantined": q["rows_quarantined"]}
    rows.update({f"quarantined: {k}": v for k, v in q["quarantine_reasons"].items()})
    rows["kept"] = q["rows_kept"]
    rows.update({f"cells: {k}": v for k, v in q.get("cell_issues", {}).items()})
    left_out = {f.removeprefix("qc_") for f in excluded_flags(survey)}
    rows.update({f"flagged: {k}": v for k, v in q["flags"].items() if k in left_out})
    rows.update({f"kept_flag: {k}": v for k, v in q["flags"].items() if k not in left_out})
    analysed = prepare(survey)
    rows["analysed"] = len(analysed)
    if survey.codebook.has_roles("company"):  # a survey of one organisation has no count
        rows["companies"] = int(analysed[survey.codebook.role("company")].nunique())
    return pd.DataFrame({"rows": pd.Series(rows, dtype="int64")}).rename_axis("step")


def dont_know_by_construct(survey: Survey) -> pd.DataFrame:
    """Each construct's index beside how often its questions were answered "don't know".

    "Don't know" is set aside as missing in the scores, but it is not missing at random
    (people without manager contact choose it for the leadership questions), so a reader
    needs its share beside the index.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Per construct: ``n`` (respondents with a score), ``index`` (mean 0-100),
        ``dont_know`` (share, 0-1, of the construct's answers that were "don't know") and
        ``any_dont_know`` (share of respondents who answered "don't know" to at least one of
        its questions), over the analysed respondents. ``attrs["members"]`` holds the
        respondents behind each number.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.dont_know_by_construct(survey)
    >>> list(table.columns)
    ['n', 'index', 'dont_know', 'any_dont_know']
    """
    df = prepare(survey)
    rows, members = [], Members()
    for c in survey.codebook.constructs:
        if f"{c}_index" not in df:
            continue
        # a construct whose scale has no "don't know" has no share (empty, not 0)
        share = df.get(f"{c}_dont_know", pd.Series(np.nan, index=df.index))
        scored = df.index[df[f"{c}_index"].notna()].to_numpy()
        members.add(c, "n", scored, f"{c}_index")
        members.add(c, "index", scored, f"{c}_index")
        if f"{c}_dont_know" in df:
            members.add(c, "dont_know", df.index.to_numpy(), f"{c}_dont_know")
            members.add(c, "any_dont_know", df.index.to_numpy(), f"{c}_dont_know")
        rows.append(
            {
                "construct": c,
                "n": int(df[f"{c}_index"].notna().sum()),
                "index": df[f"{c}_index"].mean(),
                "dont_know": share.mean(),
                "any_dont_know": (share > 0).mean() if share.notna().any() else np.nan,
            }
        )
    out = pd.DataFrame(rows, columns=["construct", "n", "index", "dont_know", "any_dont_know"])
    out = out.set_index("construct")
    out.attrs.update(members=members)
    return out


def exclusion_sensitivity(survey: Survey) -> pd.DataFrame:
    """The main results with and without the careless-response exclusions (straight-liners,
    speeders, copies of an answer vector): does leaving them out change what a reader sees?

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).

    Returns
    -------
    DataFrame
        Per construct: ``n`` and ``index`` (mean 0-100) with the exclusions (as every
        analysis), ``n_all`` and ``index_all`` without them, and ``difference``
        (``index - index_all``). With fewer than the minimum group left out, the columns
        without exclusions stay empty: the difference would describe those few.
        ``attrs["members"]`` holds the respondents behind each number.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.exclusion_sensitivity(survey)
    >>> list(table.columns)
    ['n', 'index', 'n_all', 'index_all', 'difference']
    """
    kept_, everyone = prepare(survey), prepare(survey, exclude_flagged=False)
    m = min_size(survey.min_group_size)
    rows, members = [], Members()
    for c in survey.codebook.constructs:
        col = f"{c}_index"
        if col not in kept_:
            continue
        mine, all_ = kept_.index[kept_[col].notna()], everyone.index[everyone[col].notna()]
        row = {"construct": c, "n": len(mine), "index": kept_[col].mean()}
        for name, who in (("n", mine), ("index", mine), ("n_all", all_), ("index_all", all_)):
            members.add(c, name, who.to_numpy(), col)
        members.add(c, None, all_.to_numpy())  # the difference: the excluded against the kept
        if 0 < len(all_) - len(mine) < m:  # the excluded few could be recovered by subtraction
            row.update(n_all=np.nan, index_all=np.nan)
        else:
            row.update(n_all=len(all_), index_all=everyone[col].mean())
        rows.append(row)
    columns = ["construct", "n", "index", "n_all", "index_all"]
    out = pd.DataFrame(rows, columns=columns).set_index("construct")
    out["difference"] = out["index"] - out["index_all"]
    out.attrs.update(members=members)
    return out


def reliability_by_construct(survey: Survey, constructs: list[str] | None = None) -> pd.DataFrame:
    """Cronbach's alpha (with Feldt CI) and omega total for each construct with >= 3 items.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    constructs : list of str, optional
        Constructs to include (default: the tracked constructs).

    Returns
    -------
    DataFrame
        Per construct: ``n_items``, ``n``, ``alpha``, ``ci_low``, ``ci_high``, ``omega_total``
        and ``note`` (an estimation warning, e.g. an item correlating negatively with the rest).
        ``attrs["members"]``: each construct's statistics rest on those who answered any of
        its items.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.reliability_by_construct(survey)
    >>> list(table.columns)
    ['n_items', 'n', 'alpha', 'ci_low', 'ci_high', 'omega_total', 'note']
    """
    cb = survey.codebook
    rows, members = [], Members()
    keys = prepare(survey).index.to_numpy()  # the kept respondents' keys, in kept()'s order
    for c in constructs if constructs is not None else list(cb.constructs):
        items = cb.construct_items(c)
        if len(items) < 3:
            continue
        x = _item_frame(survey, items)
        members.add(c, None, keys[x.notna().any(axis=1).to_numpy()])
        (a, om), note = recorded(lambda x=x: (alpha(x).iloc[0], omega(x)["omega_total"].iloc[0]))
        rows.append(
            {
                "construct": c,
                "n_items": len(items),
                "n": int(a["n"]),
                "alpha": a["alpha"],
                "ci_low": a["ci_low"],
                "ci_high": a["ci_high"],
                "omega_total": om,
                "note": note,
            }
        )
    out = pd.DataFrame(rows).set_index("construct")
    out.attrs["members"] = members
    return out


@once
def structure_summary(
    survey: Survey, constructs: list[str] | None = None, *, seed: int = 0
) -> pd.DataFrame:
    """Does the questionnaire measure its constructs? One row: ``n_constructs``, the number of
    factors parallel analysis suggests (``pa_factors``), and the fit of the CFA with one factor
    per construct by full-information ML (``cfi``, ``tli``, ``rmsea``, ``srmr``, ``n``).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    constructs : list of str, optional
        Constructs to include (default: the tracked constructs).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        One row: ``n_constructs``, ``pa_factors``, ``cfi``, ``tli``, ``rmsea``, ``srmr``, ``n``,
        ``note``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.structure_summary(survey)
    >>> list(table.columns)
    ['n_constructs', 'pa_factors', 'cfi', 'tli', 'rmsea', 'srmr', 'n', 'note']
    """
    cb = survey.codebook
    constructs = constructs if constructs is not None else tracked_constructs(cb)
    items = [i for c in constructs for i in cb.construct_items(c)]
    x = _item_frame(survey, items)
    pa, note_pa = recorded(parallel_analysis, x, seed=seed)
    model, note_cfa = recorded(cfa, x, model_from_codebook(cb, constructs), missing="fiml")
    fit = model.fit_
    return pd.DataFrame(
        [
            {
                "n_constructs": len(constructs),
                "pa_factors": pa.n_factors_,
                "cfi": fit["cfi"],
                "tli": fit["tli"],
                "rmsea": fit["rmsea"],
                "srmr": fit["srmr"],
                "n": int(fit["n"]),
                "note": "; ".join(n for n in (note_pa, note_cfa) if n),
            }
        ]
    )
