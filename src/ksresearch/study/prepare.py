"""The shared respondent table of the KS study, built from any codebook through its roles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.codebook import Codebook
from ..data.survey import Survey
from ..stats.disclosure import InsufficientDataError
from ..stats.scoring import score_scales, to_index

__all__ = [
    "prepare",
    "tracked_constructs",
    "kept",
    "excluded_flags",
    "require_roles",
    "respondent_key",
    "QUALITY_FLAGS",
    "KEY_BASE",
]

#: Quality flags set by ingest; flagged respondents are left out of the analyses by default.
QUALITY_FLAGS = ("qc_straightliner", "qc_speeder", "qc_duplicate_answers")
#: Item roles whose answers the respondent table carries on their own scale.
ITEM_ROLES = ("education_relevance", "enps", "ai_frequency")
#: :func:`prepare` indexes respondents by ``year * KEY_BASE + row`` (their row in the year's
#: ``responses.parquet``): one key per respondent across years, which every analysis passes
#: on in its results' ``attrs["members"]`` for the disclosure ledger.
KEY_BASE = 1_000_000


def tracked_constructs(codebook: Codebook) -> list[str]:
    """Constructs all of whose items carry a trend id (asked every year), in codebook order.

    A questionnaire that gives no trend ids at all (a drafted codebook, a one-off survey)
    marks none as new: all its constructs are analysed.

    Parameters
    ----------
    codebook : Codebook
        The survey's codebook.

    Returns
    -------
    list of str
        The constructs the study follows, in the codebook's order.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> ks.tracked_constructs(survey.codebook)[:4]
    ['motivation', 'satisfaction', 'culture', 'leadership']
    """
    if not any(i.trend_id for i in codebook.items):
        return list(codebook.constructs)
    return [
        c
        for c in codebook.constructs
        if all(codebook.item(i).trend_id for i in codebook.construct_items(c))
    ]


def require_roles(survey: Survey, *roles: str) -> None:
    """Raise :class:`InsufficientDataError` when the survey's codebook lacks any of ``roles``."""
    missing = survey.codebook.missing_roles(roles)
    if missing:
        raise InsufficientDataError(
            f"the {survey.year} questionnaire declares no {', '.join(missing)} "
            "(roles in its codebook): this analysis needs them"
        )


def excluded_flags(survey: Survey) -> list[str]:
    """The quality flags that leave respondents out of this year's analyses: the codebook's
    ``quality: exclude`` as ingested (``quality.json``'s ``excluded_flags``; none after
    ``ingest --no-quality-exclusions``; all three for data ingested before the key)."""
    named = survey.quality.get("excluded_flags", [f.removeprefix("qc_") for f in QUALITY_FLAGS])
    return [f"qc_{f}" for f in named]


def _kept_rows(survey: Survey, exclude_flagged: bool) -> np.ndarray:
    df = survey.responses
    wanted = excluded_flags(survey) if exclude_flagged else []
    flags = [c for c in wanted if c in df.columns]
    if not flags:
        return np.arange(len(df))
    return np.flatnonzero(~df[flags].any(axis=1).to_numpy())


def kept(survey: Survey, exclude_flagged: bool = True) -> pd.DataFrame:
    """The ingested responses, without the respondents flagged by the quality checks."""
    return survey.responses.iloc[_kept_rows(survey, exclude_flagged)].reset_index(drop=True)


def respondent_key(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(year, row)`` of respondent keys from :func:`prepare`'s index.

    Examples
    --------
    >>> respondent_key(np.array([2025_000_007]))
    (array([2025]), array([7]))
    """
    return np.divmod(np.asarray(key, dtype=np.int64), KEY_BASE)


def _flag(values: pd.Series, codes: list[int]) -> pd.Series:
    return values.isin(codes).astype(float).where(values.notna())


def _dont_know_shares(survey: Survey, df: pd.DataFrame, constructs: list[str]) -> pd.DataFrame:
    """``<construct>_dont_know``: the share (0-1) of the construct's items each respondent
    answered "don't know" (it is set aside as missing in the score, and is not missing at
    random: people without manager contact choose it for leadership); only for constructs
    whose scale offers "don't know"."""
    cb = survey.codebook
    ids = df[cb.meta.respondent_id.id].astype("string").to_numpy()
    dk = survey.dont_know
    out = {}
    for c in constructs:
        items = cb.construct_items(c)
        if not any(cb.scale_of(i).dont_know for i in items):
            continue  # no "don't know" to choose: no share to show
        if dk is None or dk.empty:
            counts = pd.Series(dtype=float)
        else:
            counts = dk.loc[dk["item"].isin(items), "respondent_id"].value_counts()
        per = pd.Series(ids).map(counts).fillna(0).to_numpy(dtype=float)
        out[f"{c}_dont_know"] = per / len(items)
    return pd.DataFrame(out, index=df.index)


class Counts(dict):
    """``attrs["left_out"]`` of :func:`prepare`: counts that are never changed. pandas
    deep-copies a frame's ``attrs`` at every operation on it (every slice of the analysed
    sample), so a copy of these is the same object.

    Examples
    --------
    >>> import copy
    >>> counts = Counts(careless=2)
    >>> copy.deepcopy(counts) is counts, counts["careless"]
    (True, 2)
    """

    def __deepcopy__(self, memo: dict) -> Counts:
        return self


def prepare(survey: Survey, *, exclude_flagged: bool = True, items: bool = False) -> pd.DataFrame:
    """One row per respondent, ready for analysis.

    Columns: the segments (codes, by their codebook ids); every construct score on its item
    scale and as a 0-100 index (``<construct>_index``) with the share of its items answered
    "don't know" (``<construct>_dont_know``, 0-1); the answers of the item roles
    ``education_relevance``, ``enps`` and ``ai_frequency`` (by their ids) and the options of
    ``ai_use`` (``<id>_<code>``, 0/1); and one 0/1 column per flag role (``quit_intent``,
    ``edu_relevant``, ``ai_user``, ``shift_worker``, ...: 1 where the answer is one of the
    flag's codes, missing where unanswered). Straight-liners, speeders and duplicate answer
    vectors are left out unless ``exclude_flagged=False``. Free text is never included.

    With ``items=True`` the answers to every rating question (likert and nps, by their ids,
    on the answer scale, "don't know" missing) follow, of exactly these respondents: item
    analyses (``ks.item_stats``, ``ks.alpha``, ``ks.cfa``) then rest on the same rows as the
    scores. ``attrs["left_out"]``: how many responses each quality flag left out (a response
    with two flags counts under each), ``attrs["n_responses"]`` how many were ingested.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    exclude_flagged : bool
        Leave out the careless responses flagged at ingest (straight-liners, speeders,
        duplicates).
    items : bool
        Keep every item's answers too, beside the scores.

    Returns
    -------
    DataFrame
        One row per analysed respondent: the segments, each construct's scale score and
        0-100 index (``<construct>_index``), its "don't know" count and the flags (with
        ``items``: every item too). ``attrs``: ``n_responses`` and ``left_out`` (why each
        left-out response is not analysed).

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> _ = ks.ingest(2025, folder)
    >>> df = prepare(ks.load(2025, folder))
    >>> {"turnover_intention", "turnover_intention_index", "quit_intent", "ai_user"} <= set(df.columns)
    True
    >>> with_items = prepare(ks.load(2025, folder), items=True)
    >>> len(with_items) == len(df) and "mot_1" in with_items
    True
    """
    key = ("prepare", exclude_flagged, id(survey.responses))  # a new responses frame: anew
    if key not in survey.cache:  # the same survey, the same table: made once, copied out
        survey.cache[key] = _prepare(survey, exclude_flagged)
    out = survey.cache[key].copy()
    out.attrs = dict(survey.cache[key].attrs)
    if items:
        answers = kept(survey, exclude_flagged).set_axis(out.index)
        rated = [i.id for i in survey.codebook.items if i.type in ("likert", "nps")]
        extra = [i for i in rated if i in answers.columns and i not in out.columns]
        out = pd.concat([out, answers[extra].astype("float64")], axis=1)
        out.attrs = dict(survey.cache[key].attrs)
    return out


def _prepare(survey: Survey, exclude_flagged: bool) -> pd.DataFrame:
    cb = survey.codebook
    df = kept(survey, exclude_flagged)
    out = df[[s.id for s in cb.segments]].copy()
    scores = score_scales(df, cb)
    out[scores.columns] = scores
    for c in scores.columns:
        scale = cb.scale_of(cb.construct_items(c)[0])
        out[f"{c}_index"] = to_index(scores[c], scale.min, scale.max)
    out = pd.concat([out, _dont_know_shares(survey, df, list(scores.columns))], axis=1)
    for role in ITEM_ROLES:
        if cb.has_roles(role):
            out[cb.role(role)] = df[cb.role(role)].astype("float64")
    if cb.has_roles("ai_use"):
        item = cb.role("ai_use")
        for code in cb.item(item).options:
            out[f"{item}_{code}"] = df[f"{item}_{code}"].astype("float64")
    for role, flag in cb.roles.flags().items():
        out[role] = _flag(df[flag.source].astype("float64"), flag.codes)
    rows = _kept_rows(survey, exclude_flagged)
    flags = [f for f in excluded_flags(survey) if exclude_flagged and f in survey.responses]
    left_out = Counts(
        {f.removeprefix("qc_"): int(survey.responses[f].astype(bool).sum()) for f in flags}
    )
    out.attrs.update(year=cb.year, n_responses=len(survey.responses), left_out=left_out)
    return out.set_axis(pd.Index(cb.year * KEY_BASE + rows, name="respondent"), axis=0)
