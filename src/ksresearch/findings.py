"""The analyses behind each year's published findings, as documented tables.

Every function takes a :class:`ksresearch.Survey` (from :func:`ksresearch.load`) and returns a
DataFrame that a report shows as it is; every aggregate goes through the minimum-group rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .anonymity import min_size, protect
from .codebook import Codebook
from .compare import compare_groups, trend
from .drivers import key_drivers, logistic_drivers
from .ingestion import Survey
from .scoring import enps, reverse_items, score_scales, to_index
from .sem import invariance, model_from_codebook

__all__ = [
    "prepare",
    "tracked_constructs",
    "segment_summary",
    "turnover_by",
    "turnover_drivers",
    "quit_intent_drivers",
    "turnover_priorities",
    "education_and_involvement",
    "ai_adoption_by",
    "ai_use_cases",
    "ai_usefulness_by",
    "ai_association",
    "education_relevance",
    "competence_links",
    "shift_work",
    "selfservice_by_industry",
    "by_centre_size",
    "measurement_check",
    "construct_trends",
    "item_trends",
    "response_summary",
    "reliability_by_construct",
    "structure_summary",
]

TURNOVER = "turnover_intention"


def tracked_constructs(codebook: Codebook) -> list[str]:
    """Constructs all of whose items carry a trend id (asked every year), in codebook order."""
    return [
        c
        for c in codebook.constructs
        if all(codebook.item(i).trend_id for i in codebook.construct_items(c))
    ]


def _kept(survey: Survey, exclude_flagged: bool = True) -> pd.DataFrame:
    df = survey.responses
    if exclude_flagged:
        flags = [
            c for c in ("qc_straightliner", "qc_speeder", "qc_duplicate_answers") if c in df.columns
        ]
        if flags:
            df = df[~df[flags].any(axis=1)]
    return df.reset_index(drop=True)


def prepare(survey: Survey, *, exclude_flagged: bool = True) -> pd.DataFrame:
    """One row per respondent, ready for analysis.

    Columns: the segments (codes), every construct score on its item scale (1-5) and as a
    0-100 index (``<construct>_index``), ``edu_rel`` (1-5), ``enps`` (0-10), and derived flags:
    ``quit_intent`` (agrees, 4-5, to planning to look for another job within 12 months),
    ``edu_relevant`` (agrees, 4-5, that formal education is relevant), ``ss_1`` where asked
    (self-service brings more complex cases, 1-5), and in years that ask
    about AI ``ai_user`` (uses AI tools at least now and then, frequency >= 2).
    Straight-liners, speeders and duplicate answer vectors are left out unless
    ``exclude_flagged=False``. Free-text answers are never included.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> _ = ks.ingest(2025, folder)
    >>> df = prepare(ks.load(2025, folder))
    >>> {"turnover_intention", "turnover_intention_index", "quit_intent", "ai_user"} <= set(df.columns)
    True
    """
    cb = survey.codebook
    df = _kept(survey, exclude_flagged)
    segments = [s.id for s in cb.segments]
    out = df[segments].copy()
    scores = score_scales(df, cb)
    out[scores.columns] = scores
    for c in scores.columns:
        scale = cb.scale_of(cb.construct_items(c)[0])
        out[f"{c}_index"] = to_index(scores[c], scale.min, scale.max)
    for item in ("edu_rel", "enps", "toi_1", "ai_freq", "ss_1"):
        if item in df.columns:
            out[item] = df[item].astype("float64")
    out["quit_intent"] = (out["toi_1"] >= 4).astype(float).where(out["toi_1"].notna())
    out["edu_relevant"] = (out["edu_rel"] >= 4).astype(float).where(out["edu_rel"].notna())
    if "ai_freq" in out:
        out["ai_user"] = (out["ai_freq"] >= 2).astype(float).where(out["ai_freq"].notna())
        for code in cb.item("ai_use").options:
            out[f"ai_use_{code}"] = df[f"ai_use_{code}"].astype("float64")
    out.attrs.update(year=cb.year)
    return out.reset_index(drop=True)


def _labels(cb: Codebook, segment: str, lang: str) -> dict:
    try:
        return cb.labels(segment, lang)
    except KeyError:
        return {}


def segment_summary(
    df: pd.DataFrame,
    segment: str,
    columns: dict[str, str],
    *,
    codebook: Codebook | None = None,
    lang: str = "nb",
    min_n: int | None = None,
) -> pd.DataFrame:
    """Means of ``columns`` (``{output name: column}``) per level of ``segment``, protected.

    Rows are the segment's levels (labelled in ``lang`` when a codebook is given) plus an
    ``n`` (respondents with the segment known), ``n_shown`` and ``suppressed``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"s": [1] * 6 + [2] * 6, "y": [1.0] * 6 + [3.0] * 6})
    >>> segment_summary(df, "s", {"mean_y": "y"})["mean_y"].tolist()
    [1.0, 3.0]
    """
    if segment not in df.columns:
        raise ValueError(f"segment {segment!r} is not in the data")
    d = df.dropna(subset=[segment])
    grouped = d.groupby(segment)
    table = pd.DataFrame({"n": grouped.size()})
    for name, col in columns.items():
        table[name] = grouped[col].mean()
    if codebook is not None:
        labels = _labels(codebook, segment, lang)
        table.index = [
            labels.get(int(i), i) if isinstance(i, (int, float, np.integer)) else i
            for i in table.index
        ]
    table.index.name = segment
    return protect(table, min_n=min_n)


# ----------------------------------------------------------------------------- turnover
def turnover_by(
    survey: Survey, segment: str, *, lang: str = "nb", min_n: int | None = None
) -> pd.DataFrame:
    """Turnover intention by segment: ``turnover_index`` (0-100) and ``quit_share`` (share who
    plan to look for another job within 12 months), per level, protected."""
    df = prepare(survey)
    return segment_summary(df, segment, {"turnover_index": f"{TURNOVER}_index", "quit_share": "quit_intent"},
                           codebook=survey.codebook, lang=lang, min_n=min_n)  # fmt: skip


def _driver_columns(cb: Codebook) -> list[str]:
    return [c for c in tracked_constructs(cb) if c != TURNOVER] + ["edu_rel"]


def turnover_drivers(survey: Survey, *, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Key drivers of turnover intention: the tracked constructs and education relevance,
    with dominance shares, relative weights and company-cluster bootstrap CIs
    (:func:`ksresearch.key_drivers`)."""
    df = prepare(survey)
    return key_drivers(
        df, TURNOVER, _driver_columns(survey.codebook), company="company", n_boot=n_boot, seed=seed
    )


def turnover_priorities(survey: Survey, drivers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Priority matrix of the turnover drivers: importance (share of explained variance, from
    :func:`turnover_drivers` or ``drivers``) against performance (mean 0-100 index; education
    relevance on the same 0-100 scale)."""
    from .drivers import priority_matrix

    drivers = drivers if drivers is not None else turnover_drivers(survey, n_boot=0)
    df = prepare(survey)
    scale = survey.codebook.scale_of("edu_rel")
    performance = pd.Series({d: df[f"{d}_index"].mean() if d != "edu_rel" else
                             to_index(df["edu_rel"], scale.min, scale.max).mean() for d in drivers.index})  # fmt: skip
    return priority_matrix(drivers["share"], performance)


def quit_intent_drivers(survey: Survey) -> pd.DataFrame:
    """Odds ratios (per SD) of planning to quit within 12 months, company-clustered CIs."""
    df = prepare(survey)
    return logistic_drivers(df, "quit_intent", _driver_columns(survey.codebook), company="company")


def education_and_involvement(survey: Survey, *, min_n: int | None = None) -> pd.DataFrame:
    """Turnover intention, quit share and attractiveness by education relevance (disagree 1-2,
    neutral 3, agree 4-5) and by involvement (same bands of the scale score)."""
    df = prepare(survey)
    bands = {"low": (1, 2.5), "neutral": (2.5, 3.5), "high": (3.5, 5.01)}
    parts = []
    for factor, col in (("education_relevance", "edu_rel"), ("involvement", "involvement")):
        level = pd.cut(df[col], [1, 2.5, 3.5, 5.01], right=False, labels=list(bands))
        d = df.assign(level=level).dropna(subset=["level"])
        grouped = d.groupby("level", observed=False)
        table = pd.DataFrame({
            "n": grouped.size(),
            "turnover_index": grouped[f"{TURNOVER}_index"].mean(),
            "quit_share": grouped["quit_intent"].mean(),
            "attractiveness_index": grouped["attractiveness_index"].mean(),
        })  # fmt: skip
        table = protect(table, min_n=min_n)
        table.index = pd.MultiIndex.from_product([[factor], table.index], names=["factor", "level"])
        parts.append(table)
    return pd.concat(parts)


# ----------------------------------------------------------------------------- AI
def _require_ai(survey: Survey) -> pd.DataFrame:
    df = prepare(survey)
    if "ai_user" not in df:
        raise ValueError(f"the {survey.year} questionnaire does not ask about AI")
    return df


def ai_adoption_by(
    survey: Survey, segment: str, *, lang: str = "nb", min_n: int | None = None
) -> pd.DataFrame:
    """AI use by segment: ``user_share`` (uses AI at least now and then), ``weekly_share``
    (weekly or daily), ``daily_share``, protected."""
    df = _require_ai(survey)
    df = df.assign(weekly=(df["ai_freq"] >= 4).astype(float).where(df["ai_freq"].notna()),
                   daily=(df["ai_freq"] == 5).astype(float).where(df["ai_freq"].notna()))  # fmt: skip
    return segment_summary(df, segment, {"user_share": "ai_user", "weekly_share": "weekly", "daily_share": "daily"},
                           codebook=survey.codebook, lang=lang, min_n=min_n)  # fmt: skip


def ai_use_cases(
    survey: Survey, *, lang: str = "nb", ci: float = 0.95, min_n: int | None = None
) -> pd.DataFrame:
    """Share of AI users using AI for each purpose, with Wilson CIs, most common first."""
    from statsmodels.stats.proportion import proportion_confint

    df = _require_ai(survey)
    users = df[df["ai_user"] == 1]
    m = min_size(min_n)
    labels = survey.codebook.labels("ai_use", lang)
    rows = []
    for code, label in labels.items():
        x = users[f"ai_use_{code}"].dropna()
        lo, hi = (
            proportion_confint(x.sum(), len(x), alpha=1 - ci, method="wilson")
            if len(x)
            else (np.nan, np.nan)
        )
        rows.append({"use_case": label, "n": len(x), "share": x.mean() if len(x) else np.nan, "ci_low": lo,
                     "ci_high": hi})  # fmt: skip
    table = pd.DataFrame(rows).set_index("use_case")
    table = protect(
        table, min_n=m, partition=False
    )  # each use case is a share of all users, not a partition
    return table.sort_values("share", ascending=False)


def ai_usefulness_by(
    survey: Survey, segment: str, *, lang: str = "nb", min_n: int | None = None
) -> pd.DataFrame:
    """How useful AI users find the tools (0-100 index) by segment, protected."""
    df = _require_ai(survey)
    users = df[df["ai_user"] == 1]
    return segment_summary(users, segment, {"usefulness_index": "ai_usefulness_index"}, codebook=survey.codebook,
                           lang=lang, min_n=min_n)  # fmt: skip


def ai_association(survey: Survey, *, min_n: int | None = None) -> pd.DataFrame:
    """Users vs non-users of AI on workload/stress, satisfaction and other constructs, raw and
    company-adjusted (:func:`ksresearch.compare_groups`; 0 = non-user, 1 = user)."""
    df = _require_ai(survey)
    outcomes = [f"{c}_index" for c in ("stress", "satisfaction", "technology", TURNOVER)]
    return compare_groups(df, outcomes, "ai_user", company="company", min_n=min_n,
                          labels={0.0: "non-users", 1.0: "users"})  # fmt: skip


# ----------------------------------------------------------------------------- competence
def education_relevance(survey: Survey, *, by: str | None = None, lang: str = "nb",
                        min_n: int | None = None) -> pd.DataFrame:  # fmt: skip
    """ "My formal education is relevant to my job": mean (1-5), share who agree (4-5) and
    share who disagree (1-2), overall or by a segment."""
    df = prepare(survey)
    df = df.assign(edu_disagree=(df["edu_rel"] <= 2).astype(float).where(df["edu_rel"].notna()))
    cols = {"mean": "edu_rel", "agree_share": "edu_relevant", "disagree_share": "edu_disagree"}
    if by is None:
        d = df.dropna(subset=["edu_rel"])
        table = pd.DataFrame(
            {"n": [len(d)], **{k: [d[v].mean()] for k, v in cols.items()}}, index=["all"]
        )
        return protect(table, min_n=min_n, partition=False)
    return segment_summary(df, by, cols, codebook=survey.codebook, lang=lang, min_n=min_n)


def competence_links(survey: Survey, *, ci: float = 0.95) -> pd.DataFrame:
    """Correlations of education relevance and development/competence with attractiveness of
    the job and turnover intention (Pearson r with Fisher-z CI, n, p)."""
    df = prepare(survey)
    rows = []
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    for source in ("edu_rel", "development"):
        for target in ("attractiveness", TURNOVER):
            d = df[[source, target]].dropna()
            r, p = stats.pearsonr(d[source], d[target])
            half = z / np.sqrt(len(d) - 3)
            rows.append({"source": source, "target": target, "n": len(d), "r": r, "ci_low": np.tanh(np.arctanh(r) - half),
                         "ci_high": np.tanh(np.arctanh(r) + half), "p": p})  # fmt: skip
    return pd.DataFrame(rows).set_index(["source", "target"])


# ----------------------------------------------------------------------------- shift work, self-service, size
def shift_work(
    survey: Survey, *, check_invariance: bool = True, min_n: int | None = None
) -> pd.DataFrame:
    """Shift workers against others on every tracked construct (0-100 index), raw and
    company-adjusted. With ``check_invariance``, each construct's measurement is tested across
    the two groups (:func:`measurement_check`) and a construct without scalar invariance is
    flagged ``comparable = False``."""
    df = prepare(survey)
    if "shift_work" not in df:
        raise ValueError(f"the {survey.year} questionnaire does not ask about shift work")
    df = df.assign(shift=df["shift_work"].map({1: 1.0, 2: 0.0}))
    constructs = tracked_constructs(survey.codebook)
    noninvariant: set[str] = set()
    if check_invariance:
        check = measurement_check(survey, "shift_work", constructs)
        noninvariant = {f"{c}_index" for c in check.index[~check["comparable_means"]]}
    outcomes = [f"{c}_index" for c in constructs]
    return compare_groups(df, outcomes, "shift", company="company", min_n=min_n, noninvariant=noninvariant,
                          labels={0.0: "no shift work", 1.0: "shift work"})  # fmt: skip


def selfservice_by_industry(
    survey: Survey, *, lang: str = "nb", min_n: int | None = None
) -> pd.DataFrame:
    """Perceived effect of self-service on the customer dialogue (0-100 index, and the share
    who agree that cases got more complex) by industry."""
    df = prepare(survey)
    if "selfservice" not in df:
        raise ValueError(f"the {survey.year} questionnaire does not ask about self-service")
    df = df.assign(more_complex=(df["ss_1"] >= 4).astype(float).where(df["ss_1"].notna()))
    return segment_summary(df, "industry", {"selfservice_index": "selfservice_index", "more_complex_share":
                           "more_complex"}, codebook=survey.codebook, lang=lang, min_n=min_n)  # fmt: skip


def by_centre_size(survey: Survey, *, lang: str = "nb", min_n: int | None = None) -> pd.DataFrame:
    """Every tracked construct (0-100 index) and eNPS by centre size band."""
    df = prepare(survey)
    cols = {c: f"{c}_index" for c in tracked_constructs(survey.codebook)}
    table = segment_summary(
        df, "centre_size", cols, codebook=survey.codebook, lang=lang, min_n=min_n
    )
    enps_by = df.dropna(subset=["centre_size"]).groupby("centre_size")["enps"].apply(enps)
    labels = _labels(survey.codebook, "centre_size", lang)
    enps_by.index = [labels.get(int(i), i) for i in enps_by.index]
    table["enps"] = enps_by.reindex(table.index).where(table["suppressed"] == "")
    return table


# ----------------------------------------------------------------------------- invariance and trends
def _item_frame(survey: Survey, items: list[str]) -> pd.DataFrame:
    return reverse_items(_kept(survey), survey.codebook, items)


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
        ``delta_rmsea_scalar`` and ``comparable_means`` (scalar invariance holds).
    """
    surveys = survey if isinstance(survey, list) else [survey]
    cb = surveys[-1].codebook
    constructs = constructs if constructs is not None else tracked_constructs(cb)
    rows = []
    for construct in constructs:
        items = cb.construct_items(construct)
        row: dict[str, object] = {"construct": construct}
        if len(items) < 3:
            row.update(verdict="not testable", comparable_means=True)
            rows.append(row)
            continue
        if len(surveys) == 1:
            if group is None:
                raise ValueError("name the group column to compare within one survey")
            data = _item_frame(surveys[0], items).assign(_group=_kept(surveys[0])[group].to_numpy())
        else:
            if group is not None:
                raise ValueError("across years the years are the groups: leave group=None")
            trend_ids = [cb.item(i).trend_id for i in items]
            parts = []
            for s in surveys:
                ids = s.codebook.by_trend_id()
                own = [ids[t] for t in trend_ids]
                parts.append(_item_frame(s, own).set_axis(items, axis=1).assign(_group=s.year))
            data = pd.concat(parts, ignore_index=True)
        mi = invariance(
            data.dropna(subset=["_group"]),
            model_from_codebook(cb, [construct]),
            "_group",
            missing="fiml",
        )
        t = mi.table_
        row.update(verdict=mi.verdict_, delta_cfi_metric=t.loc["metric", "delta_cfi"],
                   delta_cfi_scalar=t.loc["scalar", "delta_cfi"], delta_rmsea_scalar=t.loc["scalar", "delta_rmsea"],
                   comparable_means=mi.verdict_ == "scalar")  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows).set_index("construct")


def construct_trends(current: Survey, previous: Survey, *, segment: str | None = None,
                     min_n: int | None = None) -> pd.DataFrame:  # fmt: skip
    """Year-on-year change of every construct tracked in both years (0-100 index), with CIs,
    reported only where scalar invariance across the two years holds."""
    shared = [
        c
        for c in tracked_constructs(current.codebook)
        if c in tracked_constructs(previous.codebook)
    ]
    check = measurement_check([previous, current], None, shared)
    noninvariant = {f"{c}_index" for c in check.index[~check["comparable_means"]]}
    return trend(prepare(current), prepare(previous), [f"{c}_index" for c in shared], segment=segment, min_n=min_n,
                 noninvariant=noninvariant)  # fmt: skip


def item_trends(
    current: Survey, previous: Survey, *, lang: str = "nb", min_n: int | None = None
) -> pd.DataFrame:
    """Year-on-year change of every likert/nps item asked both years (matched by trend id; the
    codebooks keep the wording), on its own scale; ``label`` gives the question text."""
    cur_ids, prev_ids = current.codebook.by_trend_id(), previous.codebook.by_trend_id()
    shared = [
        t
        for t in cur_ids
        if t in prev_ids and current.codebook.item(cur_ids[t]).type in ("likert", "nps")
    ]
    cur = _kept(current)[[cur_ids[t] for t in shared]].astype("float64").set_axis(shared, axis=1)
    prev = _kept(previous)[[prev_ids[t] for t in shared]].astype("float64").set_axis(shared, axis=1)
    out = trend(cur, prev, shared, min_n=min_n)
    out.insert(0, "label", [current.codebook.text(cur_ids[t], lang) for t in out.index])
    return out.rename_axis("trend_id")


# ----------------------------------------------------------------------------- data quality and measurement
def response_summary(survey: Survey) -> pd.DataFrame:
    """How the raw export became the analysed data: one row per step with ``rows``.

    Steps: ``raw`` (rows in the export), ``quarantined`` (and one ``quarantined: <reason>`` row
    per reason), ``kept``, ``flagged: straightliner/speeder/duplicate_answers`` (kept but left
    out of the analyses), ``analysed`` and ``companies`` (how many, never which).
    """
    q = survey.quality
    rows = {"raw": q["rows_raw"], "quarantined": q["rows_quarantined"]}
    rows.update({f"quarantined: {k}": v for k, v in q["quarantine_reasons"].items()})
    rows["kept"] = q["rows_kept"]
    rows.update({f"flagged: {k}": v for k, v in q["flags"].items()})
    analysed = prepare(survey)
    rows["analysed"] = len(analysed)
    rows["companies"] = int(analysed["company"].nunique())
    return pd.DataFrame({"rows": pd.Series(rows, dtype="int64")}).rename_axis("step")


def reliability_by_construct(survey: Survey, constructs: list[str] | None = None) -> pd.DataFrame:
    """Cronbach's alpha (with Feldt CI) and omega total for each construct with >= 3 items.

    Returns
    -------
    DataFrame
        Per construct: ``n_items``, ``n``, ``alpha``, ``ci_low``, ``ci_high``, ``omega_total``.
    """
    from .psychometrics import alpha, omega

    cb = survey.codebook
    constructs = constructs if constructs is not None else list(cb.constructs)
    rows = []
    for c in constructs:
        items = cb.construct_items(c)
        if len(items) < 3:
            continue
        x = _item_frame(survey, items)
        a = alpha(x).iloc[0]
        rows.append({"construct": c, "n_items": len(items), "n": int(a["n"]), "alpha": a["alpha"],
                     "ci_low": a["ci_low"], "ci_high": a["ci_high"],
                     "omega_total": omega(x)["omega_total"].iloc[0]})  # fmt: skip
    return pd.DataFrame(rows).set_index("construct")


def structure_summary(
    survey: Survey, constructs: list[str] | None = None, *, seed: int = 0
) -> pd.DataFrame:
    """Does the questionnaire measure its constructs? One row: ``n_constructs``, the number of
    factors parallel analysis suggests (``pa_factors``), and the fit of the CFA with one factor
    per construct by full-information ML (``cfi``, ``tli``, ``rmsea``, ``srmr``, ``n``)."""
    from .psychometrics import parallel_analysis
    from .sem import cfa

    cb = survey.codebook
    constructs = constructs if constructs is not None else tracked_constructs(cb)
    items = [i for c in constructs for i in cb.construct_items(c)]
    x = _item_frame(survey, items)
    pa = parallel_analysis(x, seed=seed)
    fit = cfa(x, model_from_codebook(cb, constructs), missing="fiml").fit_
    return pd.DataFrame([{"n_constructs": len(constructs), "pa_factors": pa.n_factors_, "cfi": fit["cfi"],
                          "tli": fit["tli"], "rmsea": fit["rmsea"], "srmr": fit["srmr"], "n": int(fit["n"])}])  # fmt: skip
