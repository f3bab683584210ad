"""Every question of the codebook: the backbone of every report, from the codebook alone.

A report's sections on the study's topics need their roles; this module needs none. For any
valid codebook it gives each theme (construct) with its questions beneath it, the rating
questions in no theme, the eNPS items, the choice questions as shares and the numeric ones
as quartiles; a unit (a company) against all others with the benchmark's interval and
label rules; and the unit's focus areas. Every cell carries the respondents it rests on
(``attrs["members"]``) for the disclosure ledger.

Favourable, neutral and unfavourable follow the platforms' convention (Qualtrics EX,
Culture Amp, Glint): the top two and the bottom two points of a scale of up to seven points
(a wider scale: its top and bottom fifth), the rest neutral; a scale may state its own
``favourable:`` codes in the codebook (the unfavourable are their mirror). They are read in
the good direction: for a reverse-keyed question, or a theme where lower is better (stress),
agreement is unfavourable. An eNPS item's are its promoters (9-10), passives (7-8) and
detractors (0-6).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .. import config
from ..data.codebook import Codebook
from ..data.survey import Survey
from ..stats.benchmark import clustered_mean_se, simultaneous_differences
from ..stats.disclosure import InsufficientDataError, Members, min_size, owners_reasons
from ..stats.scoring import to_index
from .benchmarking import NO_POOL, measure_directions
from .prepare import kept, prepare

__all__ = [
    "answer_bands",
    "question_results",
    "choice_results",
    "numeric_results",
    "question_benchmark",
    "outcome_measure",
    "outcome_drivers",
    "focus_areas",
    "MAX_FOCUS_AREAS",
]

#: The columns of :func:`question_benchmark` (``se`` dropped at the end).
BENCH_COLUMNS = [
    "kind",
    "theme",
    "n_company",
    "company",
    "favourable_company",
    "pool",
    "favourable_pool",
    "diff",
    "se",
    "diff_low",
    "diff_high",
    "p",
    "p_adj",
    "direction",
    "assessment",
]
#: At most this many focus areas in a unit's report.
MAX_FOCUS_AREAS = 5
#: The columns of :func:`question_results`.
RESULT_COLUMNS = [
    "kind",
    "theme",
    "n",
    "index",
    "mean",
    "favourable",
    "neutral",
    "unfavourable",
    "dont_know",
    "enps",
]


def answer_bands(codebook: Codebook, item: str) -> tuple[list[int], list[int]]:
    """The favourable and unfavourable codes of a rating item, as answered (before any reverse
    keying or direction is applied): the scale's ``favourable`` codes and their mirror, or the
    top and bottom two points (a scale of more than seven points: its top and bottom fifth,
    rounded); an nps item: 9-10 and 0-6.

    Parameters
    ----------
    codebook : Codebook
        The survey's codebook.
    item : str
        A rating item's id.

    Returns
    -------
    tuple of list of int
        ``(favourable codes, unfavourable codes)``.

    Examples
    --------
    >>> from ksresearch import config, load_codebook
    >>> answer_bands(load_codebook(config.codebook_path(2025)), "mot_1")
    ([4, 5], [1, 2])
    """
    scale = codebook.scale_of(item)
    if codebook.item(item).type == "nps":
        return [9, 10], list(range(0, 7))
    if scale.favourable:
        good = sorted(scale.favourable)
        return good, sorted(scale.min + scale.max - c for c in good)
    points = scale.max - scale.min + 1
    width = min(2 if points <= 7 else round(points / 5), points // 2)
    return list(range(scale.max - width + 1, scale.max + 1)), list(
        range(scale.min, scale.min + width)
    )


def _good_direction(codebook: Codebook, item: str, directions: dict[str, int]) -> int:
    """+1 where agreeing with the item is the good end, -1 where it is the bad one."""
    construct = codebook.item(item).construct
    sign = -1 if codebook.item(item).reverse else 1
    return sign * (directions.get(construct, 1) or 1) if construct else sign


def _frame(survey: Survey, company: str | None, others: bool = False) -> pd.DataFrame:
    """The analysed respondents' scores (:func:`prepare`) beside their answers to every item
    (:func:`kept`), one row each, keyed as :func:`prepare` keys them; one company's rows, or
    (``others``) every other company's. The whole frame is made once per survey."""
    if "question_frame" not in survey.cache:
        survey.cache["question_frame"] = _whole_frame(survey)
    df = survey.cache["question_frame"]
    if company is None:
        return df.copy()
    key = survey.codebook.role("company")
    return df[(df[key] != company) if others else (df[key] == company)]


def _whole_frame(survey: Survey) -> pd.DataFrame:
    scores = prepare(survey)
    answers = kept(survey).set_axis(scores.index)
    items = [i.id for i in survey.codebook.items if i.type != "text" and i.id in answers]
    multi = [
        f"{i.id}_{code}"
        for i in survey.codebook.items
        if i.type == "multi"
        for code in i.options
        if f"{i.id}_{code}" in answers
    ]
    extra = [c for c in items + multi if c not in scores.columns]
    return pd.concat([scores, answers[extra]], axis=1)


def _dont_know(survey: Survey, df: pd.DataFrame, item: str) -> float:
    """The share of ``df``'s respondents asked ``item`` who said "don't know" (NaN when the
    scale offers no "don't know")."""
    if not survey.codebook.scale_of(item).dont_know:
        return np.nan
    said = int(df.index.isin(_said_dont_know(survey).get(item, ())).sum())
    answered = int(df[item].notna().sum())
    return said / (said + answered) if said + answered else np.nan


def _said_dont_know(survey: Survey) -> dict[str, np.ndarray]:
    """Item -> the analysed respondents (:func:`prepare`'s index) who answered it "don't
    know"; made once per survey (``survey.cache``), as every report asks for every item."""
    if "said_dont_know" not in survey.cache:
        dk, said = survey.dont_know, {}
        if dk is not None and not dk.empty:
            ids = kept(survey)[survey.codebook.meta.respondent_id.id].astype("string")
            key = pd.Series(prepare(survey).index, index=ids.to_numpy())
            known = dk[dk["respondent_id"].isin(key.index)]
            for item, part in known.groupby("item", sort=False):
                said[item] = key.loc[part["respondent_id"].astype("string")].to_numpy()
        survey.cache["said_dont_know"] = said
    return survey.cache["said_dont_know"]


def _bands(
    x: pd.Series, good: list[int], bad: list[int], direction: int
) -> tuple[float, float, float]:
    """Favourable, neutral and unfavourable shares of the answers ``x``."""
    if direction < 0:
        good, bad = bad, good
    fav, unfav = x.isin(good).mean(), x.isin(bad).mean()
    return float(fav), float(1 - fav - unfav), float(unfav)


def _item_row(survey, df, item, theme, directions, members) -> dict:
    cb = survey.codebook
    scale = cb.scale_of(item)
    x = pd.to_numeric(df[item], errors="coerce").dropna()
    direction = _good_direction(cb, item, directions)
    scored = scale.min + scale.max - x if cb.item(item).reverse else x
    good, bad = answer_bands(cb, item)
    fav, neutral, unfav = _bands(x, good, bad, direction) if len(x) else (np.nan,) * 3
    row = {
        "kind": cb.item(item).type if cb.item(item).type == "nps" else "item",
        "theme": theme or "",
        "n": len(x),
        "index": float(to_index(scored.mean(), scale.min, scale.max)) if len(x) else np.nan,
        "mean": float(x.mean()) if len(x) else np.nan,
        "favourable": fav,
        "neutral": neutral,
        "unfavourable": unfav,
        "dont_know": _dont_know(survey, df, item),
        "enps": float(100 * ((x >= 9).mean() - (x <= 6).mean()))
        if cb.item(item).type == "nps" and len(x)
        else np.nan,
    }
    who = x.index.to_numpy()
    for column in RESULT_COLUMNS[2:]:
        members.add(item, column, who, f"{item}:{column}")
    return row


def _construct_row(survey, df, construct, directions, members) -> dict:
    cb = survey.codebook
    items = [i for i in cb.construct_items(construct) if i in df.columns]
    scored = df[df[f"{construct}_index"].notna()]
    answers, good_all = [], []
    for item in items:
        x = pd.to_numeric(scored[item], errors="coerce").dropna()
        good, bad = answer_bands(cb, item)
        direction = _good_direction(cb, item, directions)
        answers.append(x)
        good_all.append(
            np.select(
                [x.isin(good if direction > 0 else bad), x.isin(bad if direction > 0 else good)],
                [1, -1],
                0,
            )
        )
    pooled = np.concatenate(good_all) if good_all else np.array([])
    first = items[0]
    scale = cb.scale_of(first)
    dk = f"{construct}_dont_know"
    row = {
        "kind": "construct",
        "theme": construct,
        "n": len(scored),
        "index": float(scored[f"{construct}_index"].mean()) if len(scored) else np.nan,
        "mean": float(scored[construct].mean()) if len(scored) and construct in scored else np.nan,
        "favourable": float((pooled == 1).mean()) if pooled.size else np.nan,
        "neutral": float((pooled == 0).mean()) if pooled.size else np.nan,
        "unfavourable": float((pooled == -1).mean()) if pooled.size else np.nan,
        "dont_know": float(df[dk].mean()) if dk in df and len(df) else np.nan,
        "enps": np.nan,
    }
    del scale
    who = scored.index.to_numpy()
    for column in RESULT_COLUMNS[2:]:
        members.add(construct, column, who, f"{construct}:{column}")
    if dk in df:
        members.add(construct, "dont_know", df.index.to_numpy(), f"{construct}:dont_know")
    return row


def _rated(codebook: Codebook) -> list[tuple[str, str | None]]:
    """``(row id, theme)`` in the questionnaire's order: each construct, then its items, then
    the rating and nps items in no construct where they stand."""
    out, seen = [], set()
    for item in codebook.items:
        if item.type not in ("likert", "nps"):
            continue
        c = item.construct
        if c and c not in seen:
            seen.add(c)
            out.append((c, None))
            out.extend((i, c) for i in codebook.construct_items(c))
        elif not c:
            out.append((item.id, None))
    return out


def _protected(out: pd.DataFrame, m: int) -> pd.DataFrame:
    """Every statistic of a row under the minimum who answered it set to missing."""
    small = out["n"] < m
    values = [c for c in RESULT_COLUMNS[3:] if c in out.columns]
    out.loc[small, values] = np.nan
    return out


def question_results(
    survey: Survey, *, company: str | None = None, min_group_size: int | None = None
) -> pd.DataFrame:
    """Each theme (construct) with its questions beneath it, and every other rating and nps
    question, in the questionnaire's order; for everyone or for one company.

    Parameters
    ----------
    survey : Survey
    company : str, optional
        One company's respondents (role ``company``).
    min_group_size : int, optional
        Minimum who answered (default: the survey's); a row under it shows only its ``n``.

    Returns
    -------
    DataFrame
        Indexed by construct or item id: ``kind`` ("construct", "item" or "nps"), ``theme``
        (the construct, "" for a question in none), ``n`` (who answered; a construct: who got
        a score), ``index`` (0-100 in the scored direction, POMP), ``mean`` (on the answer
        scale), ``favourable``/``neutral``/``unfavourable`` (shares 0-1 of the answers,
        :func:`answer_bands`; a construct: of all its items' answers), ``dont_know`` (share
        of those asked who said "don't know"), ``enps`` (nps items: % promoters - %
        detractors). ``attrs["members"]``: the respondents of every cell.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> _ = ks.ingest(2025, folder)
    >>> table = question_results(ks.load(2025, folder))
    >>> table.loc[["motivation", "mot_1"], ["kind", "theme"]]
                     kind       theme
    motivation  construct  motivation
    mot_1            item  motivation
    """
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    return _results(survey, _frame(survey, company), m)


def _results(survey: Survey, df: pd.DataFrame, m: int) -> pd.DataFrame:
    """:func:`question_results` of the respondents ``df`` (:func:`_frame`)."""
    cb = survey.codebook
    directions = measure_directions(survey, list(cb.constructs))
    members = Members()
    rows = {}
    for row_id, theme in _rated(cb):
        if row_id in cb.constructs:
            if f"{row_id}_index" in df:
                rows[row_id] = _construct_row(survey, df, row_id, directions, members)
        elif row_id in df:
            rows[row_id] = _item_row(survey, df, row_id, theme, directions, members)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=RESULT_COLUMNS)
    out = _protected(out.astype({"n": int}), m)
    out.attrs.update(members=members, min_group_size=m)
    return out


def choice_results(
    survey: Survey, *, company: str | None = None, min_group_size: int | None = None
) -> pd.DataFrame:
    """The share choosing each option of every single- and multi-choice question.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str, optional
        Only this company's respondents (default: everyone).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed by (``item``, ``option`` code): ``n`` (who answered the question) and
        ``share`` (0-1 of them; a multi question's shares need not sum to 1); a question
        under the minimum shows its ``n`` only.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.choice_results(survey)
    >>> list(table.index.names), list(table.columns)
    (['item', 'option'], ['n', 'share'])
    """
    cb = survey.codebook
    df = _frame(survey, company)
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    members, rows = Members(), []
    for item in cb.items:
        if item.type == "single" and item.id in df:
            x = pd.to_numeric(df[item.id], errors="coerce").dropna()
            scale = cb.scale_of(item.id)
            options = {c: (x == c) for c in range(scale.min, scale.max + 1)}
        elif item.type == "multi":
            columns = {c: f"{item.id}_{c}" for c in item.options if f"{item.id}_{c}" in df}
            if not columns:
                continue
            chosen = df[list(columns.values())].apply(pd.to_numeric, errors="coerce")
            x = chosen.dropna(how="all")
            options = {c: x[col].fillna(0) > 0 for c, col in columns.items()}
        else:
            continue
        for code, hit in options.items():
            row = (item.id, code)
            rows.append(
                {
                    "item": item.id,
                    "option": code,
                    "n": len(x),
                    "share": float(hit.mean()) if len(x) else np.nan,
                }
            )
            members.add(row, "n", x.index.to_numpy(), f"{item.id}:n")
            members.add(row, "share", x.index.to_numpy(), f"{item.id}:{code}")
    out = pd.DataFrame(rows, columns=["item", "option", "n", "share"]).set_index(["item", "option"])
    out.loc[out["n"] < m, "share"] = np.nan
    out.attrs.update(members=members, min_group_size=m)
    return out


def numeric_results(
    survey: Survey, *, company: str | None = None, min_group_size: int | None = None
) -> pd.DataFrame:
    """Median and quartiles of every numeric question (``n``, ``q1``, ``median``, ``q3``;
    pandas' linear interpolation, R's ``quantile(type = 7)``).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str, optional
        Only this company's respondents (default: everyone).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        One row per numeric question: ``n``, ``q1``, ``median``, ``q3``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.numeric_results(survey)
    >>> list(table.columns)
    ['n', 'q1', 'median', 'q3']
    """
    cb = survey.codebook
    df = _frame(survey, company)
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    members, rows = Members(), {}
    for item in cb.items_of_type("numeric"):
        if item not in df:
            continue
        x = pd.to_numeric(df[item], errors="coerce").dropna()
        enough = len(x) >= m
        rows[item] = {
            "n": len(x),
            **{
                k: float(x.quantile(q)) if enough else np.nan
                for k, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75))
            },
        }
        for column in ("n", "q1", "median", "q3"):
            members.add(item, column, x.index.to_numpy(), f"{item}:{column}")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["n", "q1", "median", "q3"])
    out.attrs.update(members=members, min_group_size=m)
    return out


def _scores(survey: Survey, df: pd.DataFrame, row_id: str) -> pd.Series:
    """Each respondent's 0-100 score of a construct or a rating item (scored direction)."""
    cb = survey.codebook
    if row_id in cb.constructs:
        return df[f"{row_id}_index"].dropna()
    scale = cb.scale_of(row_id)
    x = pd.to_numeric(df[row_id], errors="coerce").dropna()
    if cb.item(row_id).reverse:
        x = scale.min + scale.max - x
    return to_index(x, scale.min, scale.max)


def question_benchmark(
    survey: Survey, company: str, *, ci: float = 0.95, min_group_size: int | None = None
) -> pd.DataFrame:
    r"""One company against all other companies on every theme and rating question.

    The difference of the 0-100 scores and its interval are the benchmark's
    (:func:`ksresearch.benchmark`): :math:`SE = \sqrt{s_c^2/n_c + \widehat V_{CR1}(\bar
    y_{pool})}`, the pool's error clustered by company. Since a table of some sixty rows tests
    some sixty differences, the interval shown is simultaneous (Bonferroni across the rows
    tested) and a difference is labelled a strength or an area to improve exactly when that
    interval excludes 0 and the difference is at least
    :data:`ksresearch.config.MIN_BENCHMARK_DIFF` points: the label never contradicts the
    interval beside it. "All others" obey the companies-per-cell rule
    (:func:`ksresearch.owners_rule`).

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    company : str
        The company, by its name in the data.
    ci : float
        Confidence level of the intervals (0.95).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on
        those who answered.

    Returns
    -------
    DataFrame
        Indexed as :func:`question_results`: ``kind``, ``theme``, ``n_company``,
        ``company`` (its index), ``favourable_company``, ``pool`` (all others' index),
        ``favourable_pool``, ``diff``, ``diff_low``, ``diff_high`` (simultaneous interval),
        ``p``, ``p_adj`` (Bonferroni), ``direction`` and ``assessment``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.question_benchmark(survey, "Bergbank AS")
    >>> list(table.columns)[:8]
    ['kind', 'theme', 'n_company', 'company', 'favourable_company', 'pool',
    'favourable_pool', 'diff']
    """
    cb = survey.codebook
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    a = question_arrays(survey)
    code = a.companies.get_indexer([company])[0]
    own = a.owner == code
    if code < 0 or not own.any():
        raise ValueError(f"company {company!r} is not in the {survey.year} data")
    others = ~own
    directions = measure_directions(survey, list(cb.constructs))
    members, rows = Members(), []
    for r, row_id in enumerate(a.rows):
        y = a.scores[:, r]
        scored = ~np.isnan(y)
        mine, theirs = own & scored, others & scored
        _result_members(members, row_id, a, r, a.index[mine], a.index[own])
        theme = a.themes[r]
        row = {
            "measure": row_id,
            "kind": a.kinds[r],
            "theme": theme,
            "n_company": int(mine.sum()),
            "direction": directions.get(row_id, directions.get(theme, 1) or 1) or 1,
        }
        y_own, y_pool = y[mine], y[theirs]
        if len(y_own) < m:
            row["assessment"] = "not reported (too few answers)"
        else:
            row.update(company=float(y_own.mean()), favourable_company=a.favourable_of(r, mine))
            pooled = owners_reasons(np.bincount(a.owner[theirs], minlength=len(a.companies)))
            if len(y_pool) < m or pooled:
                row["assessment"] = NO_POOL
            else:
                se = np.hypot(
                    y_own.std(ddof=1) / np.sqrt(len(y_own)) if len(y_own) > 1 else np.nan,
                    clustered_mean_se(y_pool, a.owner[theirs]),
                )
                row.update(pool=float(y_pool.mean()), favourable_pool=a.favourable_of(r, theirs),
                           diff=float(y_own.mean() - y_pool.mean()), se=se)  # fmt: skip
                for column, variable in (("pool", "index"), ("favourable_pool", "favourable")):
                    members.add(row_id, column, a.index[theirs], f"{row_id}:{variable}")
                members.add(row_id, None, np.concatenate([a.index[mine], a.index[theirs]]))
        for column, variable in (("company", "index"), ("favourable_company", "favourable")):
            members.add(row_id, column, a.index[mine], f"{row_id}:{variable}")
        members.add(row_id, "n_company", a.index[mine], f"{row_id}:n")
        rows.append(row)
    out = pd.DataFrame(rows).set_index("measure").reindex(columns=BENCH_COLUMNS)
    out["assessment"] = out["assessment"].astype(object)
    labels = simultaneous_differences(
        out["diff"], out["se"], out["direction"], config.MIN_BENCHMARK_DIFF, ci=ci
    )
    tested = labels["p"].notna()
    for column in ("diff_low", "diff_high", "p", "p_adj"):
        out[column] = labels[column]
    out.loc[tested, "assessment"] = labels.loc[tested, "assessment"]
    out = out.drop(columns="se")
    out.index.name = None
    out.attrs.update(members=members, min_group_size=m, tests=max(labels.attrs["tests"], 1), ci=ci)
    return out


def _result_members(members: Members, row_id: str, a: _Arrays, r: int, who, asked) -> None:
    """The entries :func:`question_results` gives a row of the respondents ``who`` (those with
    a score), ``asked`` those of the unit (the "don't know" share of a theme rests on them)."""
    for column in RESULT_COLUMNS[2:]:
        members.add(row_id, column, who, f"{row_id}:{column}")
    if a.dont_know[r]:
        members.add(row_id, "dont_know", asked, f"{row_id}:dont_know")


@dataclass(frozen=True)
class _Arrays:
    """Every rated row's numbers for every analysed respondent, as arrays: what a unit against
    all others reads (:func:`question_arrays`)."""

    rows: list  # row ids, in the order of question_results
    kinds: list
    themes: list
    index: np.ndarray  # the respondents' labels (prepare's index)
    owner: np.ndarray  # company code of each respondent (companies[code])
    companies: pd.Index
    scores: np.ndarray  # (respondents, rows): the 0-100 score, NaN where none
    favourable: np.ndarray  # (respondents, rows): favourable answers counted
    answered: np.ndarray  # (respondents, rows): answers counted in the bands
    dont_know: list  # whether a theme has its "don't know" share

    def favourable_of(self, r: int, who: np.ndarray) -> float:
        """The favourable share of row ``r`` among the respondents ``who`` (a mask)."""
        answered = self.answered[who, r].sum()
        return float(self.favourable[who, r].sum() / answered) if answered else np.nan


def question_arrays(survey: Survey) -> _Arrays:
    """The rated rows of :func:`question_results` for every analysed respondent as arrays, made
    once per survey (``survey.cache``): each unit's benchmark is then sums over masks. A
    theme's favourable and answered counts are those of its questions' answers, among the
    respondents with a score, as :func:`question_results` pools them."""
    if "question_arrays" not in survey.cache:
        survey.cache["question_arrays"] = _arrays(survey)
    return survey.cache["question_arrays"]


def _arrays(survey: Survey) -> _Arrays:
    cb = survey.codebook
    df = _frame(survey, None)
    directions = measure_directions(survey, list(cb.constructs))
    owner, companies = pd.factorize(df[cb.role("company")])
    rows, kinds, themes, dont_know, scores, favourable, answered = [], [], [], [], [], [], []
    for row_id, theme in _rated(cb):
        if row_id in cb.constructs and f"{row_id}_index" in df:
            y = df[f"{row_id}_index"].to_numpy(float)
            scored = ~np.isnan(y)
            fav, ans = np.zeros(len(df)), np.zeros(len(df))
            for item in (i for i in cb.construct_items(row_id) if i in df.columns):
                good, said = _favourable_answers(cb, df, item, directions)
                fav += good & scored
                ans += said & scored
            kind, theme, dk = "construct", row_id, f"{row_id}_dont_know" in df
        elif row_id not in cb.constructs and row_id in df:
            y = _scores(survey, df, row_id).reindex(df.index).to_numpy(float)
            good, said = _favourable_answers(cb, df, row_id, directions)
            fav, ans = good.astype(float), said.astype(float)
            kind = "nps" if cb.item(row_id).type == "nps" else "item"
            theme, dk = theme or "", False
        else:
            continue
        rows.append(row_id)
        kinds.append(kind)
        themes.append(theme)
        dont_know.append(dk)
        scores.append(y)
        favourable.append(fav)
        answered.append(ans)
    stack = (lambda cols: np.column_stack(cols)) if rows else (lambda _: np.empty((len(df), 0)))
    return _Arrays(rows, kinds, themes, df.index.to_numpy(), owner, companies, stack(scores),
                   stack(favourable), stack(answered), dont_know)  # fmt: skip


def _favourable_answers(cb: Codebook, df: pd.DataFrame, item: str, directions: dict) -> tuple:
    """Whether each respondent's answer to ``item`` is favourable, and whether they answered."""
    x = pd.to_numeric(df[item], errors="coerce").to_numpy(float)
    good, bad = answer_bands(cb, item)
    if _good_direction(cb, item, directions) < 0:
        good, bad = bad, good
    return np.isin(x, good), ~np.isnan(x)


def outcome_measure(codebook: Codebook) -> tuple[str, str]:
    """The outcome a report relates everything to, and why it is that one: the role
    ``outcome`` (a construct or a rating item), else the role ``turnover_intention``, else the
    eNPS item (role ``enps``, or the first nps item), else the first construct.

    Parameters
    ----------
    codebook : Codebook
        The survey's codebook.

    Returns
    -------
    tuple
        ``(id, reason)``; reason is "outcome", "turnover_intention", "enps" or "first".

    Raises
    ------
    InsufficientDataError
        The codebook has no construct and no nps item.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> ks.outcome_measure(survey.codebook)
    ('turnover_intention', 'turnover_intention')
    """
    for role in ("outcome", "turnover_intention", "enps"):
        if codebook.has_roles(role):
            return codebook.role(role), role
    nps = codebook.items_of_type("nps")
    if nps:
        return nps[0], "enps"
    if codebook.constructs:
        return next(iter(codebook.constructs)), "first"
    raise InsufficientDataError("the questionnaire has no construct and no nps item to relate to")


def focus_areas(
    survey: Survey,
    bench: pd.DataFrame,
    *,
    max_areas: int = MAX_FOCUS_AREAS,
) -> pd.DataFrame:
    """A company's focus areas: at most ``max_areas`` themes or questions where it is worse
    than all others (assessment "weakness" in :func:`question_benchmark`: the simultaneous
    interval excludes 0 and the gap is at least the minimum) and that go most with the
    outcome (:func:`outcome_measure`): the largest Spearman correlation, across every
    analysed respondent, of the theme's or question's score with the outcome's. The outcome
    itself, and a question whose theme is already a focus area, are not repeated.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    bench : DataFrame
        :func:`question_benchmark` of the company.
    max_areas : int
        Focus areas at most.

    Returns
    -------
    DataFrame
        The chosen rows of ``bench`` (``kind``, ``theme``, ``company``, ``pool``, ``diff``,
        ``diff_low``, ``diff_high``) with ``rho`` (the association with the outcome), most
        associated first; ``attrs["outcome"]`` and ``attrs["reason"]`` say which outcome
        and why (:func:`outcome_measure`).

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.focus_areas(survey, ks.question_benchmark(survey, "Bergbank AS"))
    >>> list(table.columns)
    ['kind', 'theme', 'company', 'pool', 'diff', 'diff_low', 'diff_high', 'rho']
    """
    outcome, reason = outcome_measure(survey.codebook)
    weak = bench[(bench["assessment"] == "weakness") & (bench.index != outcome)]
    df = _frame(survey, None)
    target = _scores(survey, df, outcome)
    rho = {}
    for row_id in weak.index:
        pair = pd.concat([_scores(survey, df, row_id), target], axis=1, join="inner").dropna()
        if len(pair) >= 3:
            rho[row_id] = float(stats.spearmanr(pair.iloc[:, 0], pair.iloc[:, 1]).statistic)
    columns = ["kind", "theme", "company", "pool", "diff", "diff_low", "diff_high"]
    out = weak.loc[list(rho), columns].assign(rho=pd.Series(rho))
    out = out.reindex(out["rho"].abs().sort_values(ascending=False, kind="stable").index)
    chosen = []
    for row_id, row in out.iterrows():
        if row["kind"] != "construct" and row["theme"] in chosen:
            continue
        chosen.append(row_id)
        if len(chosen) == max_areas:
            break
    out = out.loc[chosen]
    members = bench.attrs.get("members", Members())
    keep = Members()
    for (row, column), labels in members.items():
        if row in chosen and column in (*columns, None):
            keep.add(row, column, labels, members.variables.get((row, column)))
    for row in chosen:
        keep.add(row, "rho", df.index.to_numpy())
    out.attrs.update(outcome=outcome, reason=reason, members=keep)
    return out


#: The most questions :func:`outcome_drivers` takes as drivers when there are too few themes
#: (dominance analysis fits every subset: 2^k models).
MAX_ITEM_DRIVERS = 12


def outcome_drivers(survey: Survey, *, n_boot: int = 0, seed: int = 0) -> pd.DataFrame:
    """What goes with the outcome (:func:`outcome_measure`): the key drivers
    (:func:`ksresearch.key_drivers`: dominance shares of R², relative weights, bootstrap
    intervals) of the outcome's 0-100 score among the other themes, or, with fewer than two
    other themes, among the rating questions (at most :data:`MAX_ITEM_DRIVERS`); the
    outcome's own theme and questions are never its drivers. Companies are resampled when
    there are at least :data:`ksresearch.study.findings.MIN_CLUSTER_COMPANIES`, else
    respondents.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    n_boot : int
        Resamples of companies for the intervals (0: none).
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        :func:`ksresearch.key_drivers`' table, indexed by theme or question id;
        ``attrs["outcome"]`` and ``attrs["reason"]`` as :func:`outcome_measure`.

    Raises
    ------
    InsufficientDataError
        Fewer than two drivers, or too many questions and too few themes.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.outcome_drivers(survey)
    >>> list(table.columns)[:6]
    ['r', 'beta', 'general_dominance', 'share', 'relative_weight', 'rw_share']
    """
    from ..stats.drivers import key_drivers
    from .findings import MIN_CLUSTER_COMPANIES

    cb = survey.codebook
    outcome, reason = outcome_measure(cb)
    df = _frame(survey, None)
    own = outcome if outcome in cb.constructs else cb.item(outcome).construct
    themes = [c for c in cb.constructs if c != own and f"{c}_index" in df]
    candidates = themes
    if len(themes) < 2:
        candidates = [
            i
            for i in cb.items_of_type("likert", "nps")
            if i != outcome and i in df and cb.item(i).construct in (None, *themes)
        ]
        if len(candidates) > MAX_ITEM_DRIVERS:
            raise InsufficientDataError(
                f"{len(candidates)} questions and fewer than two themes: too many to weigh "
                f"(at most {MAX_ITEM_DRIVERS}); group them into themes (constructs)"
            )
    if len(candidates) < 2:
        raise InsufficientDataError("fewer than two themes or questions to relate to the outcome")
    frame = pd.DataFrame({c: _scores(survey, df, c) for c in [*candidates, outcome]})
    company = cb.role("company") if cb.has_roles("company") else None
    few = company is None or df[company].nunique() < MIN_CLUSTER_COMPANIES
    if not few:
        frame[company] = df[company]
    out = key_drivers(
        frame.rename(columns={outcome: "_outcome"}),
        "_outcome",
        candidates,
        cluster=None if few else company,
        n_boot=n_boot,
        resample="respondents" if few else "companies",
        seed=seed,
    )
    out.attrs.update(outcome=outcome, reason=reason)
    return out
