"""What employees write: redacted comments coded into themes, shown under stricter rules than
scores.

The free text is redacted at ingest (:mod:`ksresearch.data.redact`), before anything reads it.
Here the redacted comments are coded into themes from a dictionary (``themes.yaml`` beside the
year's codebook, else the project's default): a keyword matches a word with the same stem
(Snowball's Norwegian and Swedish stemmers) or the end of a compound word. The rules are the
platforms' (Glint, Peakon, Culture Amp): comments are shown only where at least
``MIN_COMMENT_GROUP`` (10) people commented, a theme only when at least
``MIN_THEME_COMMENTERS`` (10) different people wrote about it, with at most three redacted
examples drawn at random; a comment whose redaction left a capitalised word it could not place
is held back unless a person has reviewed it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .. import config
from ..data.codebook import UniqueKeyLoader
from ..data.redact import LEXICON
from ..data.survey import Survey
from ..stats.disclosure import InsufficientDataError, Members, owners_rule
from .prepare import kept, prepare

__all__ = [
    "Themes",
    "load_themes",
    "code_themes",
    "comments",
    "comment_themes_by",
    "reviewed_ids",
    "suggest_themes",
]

DEFAULT_THEMES = LEXICON / "themes.yaml"
STEMMERS = {"nb": "norwegian", "sv": "swedish"}
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@functools.cache
def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer(STEMMERS[lang])


@functools.lru_cache(maxsize=500_000)
def _stem(lang: str, word: str) -> str:
    """A word's stem (the pure-Python stemmer is slow; words repeat)."""
    return _stemmer(lang).stemWord(word)


@dataclass(frozen=True)
class _Index:
    """Every keyword of a dictionary, looked up by what it matches: exact stems (and written
    forms) per language, stems that may end a compound word, prefixes and phrases."""

    stems: dict[str, dict[str, set[str]]]  # lang -> stem -> themes
    heads: dict[str, dict[str, set[str]]]  # lang -> stem of 4+ letters -> themes
    prefixes: list[tuple[str, str]]  # (prefix, theme)
    phrases: list[tuple[re.Pattern, str]]


@dataclass(frozen=True)
class Themes:
    """A theme dictionary: ``labels`` (id -> {nb, en}) and each theme's keywords by language.

    Parameters
    ----------
    labels : dict
        Theme id -> ``{"nb": label, "en": label}``.
    keywords : dict
        Theme id -> language -> keywords (stemmed when matched).

    Examples
    --------
    >>> themes = load_themes()
    >>> themes.code(["Lønna er for lav", "Sjefen min hører aldri på oss"]).sum().loc[["pay", "leadership"]].tolist()
    [1, 1]
    """

    labels: dict[str, dict[str, str]]
    keywords: dict[str, dict[str, list[str]]]

    @functools.cached_property
    def _index(self) -> _Index:
        index = _Index({lang: {} for lang in STEMMERS}, {lang: {} for lang in STEMMERS}, [], [])
        for theme, by_lang in self.keywords.items():
            for lang, words in by_lang.items():
                plain = [w.lower() for w in words if not w.endswith("*") and " " not in w]
                index.prefixes.extend((w[:-1].lower(), theme) for w in words if w.endswith("*"))
                index.phrases.extend(
                    (re.compile(rf"(?<!\w){re.escape(w.lower())}(?!\w)"), theme)
                    for w in words
                    if " " in w
                )
                # a stem of 1-3 letters ("led" of "leder") would match unrelated words: those
                # keywords match only as written
                found = {x for x in _stemmer(lang).stemWords(plain) if len(x) >= 4} | set(plain)
                for x in found:
                    index.stems[lang].setdefault(x, set()).add(theme)
                    if len(x) >= 4:
                        index.heads[lang].setdefault(x, set()).add(theme)
        return index

    def code(self, texts) -> pd.DataFrame:
        """One row per text, one boolean column per theme (a text may have several)."""
        themes = list(self.keywords)
        rows = [[t in found for t in themes] for found in map(self._themes_of, map(str, texts))]
        return pd.DataFrame(rows, columns=themes, dtype=bool)

    def _themes_of(self, text: str) -> set[str]:
        index = self._index
        low = text.lower()
        words = _TOKEN.findall(low)
        tokens = words + [p for w in words if "-" in w for p in w.split("-") if p]
        found: set[str] = set()
        for lang in STEMMERS:
            stems, heads = index.stems[lang], index.heads[lang]
            for x in {_stem(lang, t) for t in tokens} | set(tokens):
                found |= stems.get(x, set())
                for k in range(4, len(x) - 3):  # a compound: a first part of 4+ letters
                    found |= heads.get(x[k:], set())
        found |= {theme for p, theme in index.prefixes for t in tokens if t.startswith(p)}
        found |= {theme for pattern, theme in index.phrases if pattern.search(low)}
        return found


def load_themes(year: int | None = None, data_dir: str | Path | None = None) -> Themes:
    """The theme dictionary of ``year``: ``themes.yaml`` beside its codebook if there is one,
    else the project's default (``ksresearch/data/lexicon/themes.yaml``).

    Parameters
    ----------
    year : int, optional
        The year whose ``themes.yaml`` is read (default: the packaged dictionary).
    data_dir : str or Path, optional
        The data folder (default: the project's ``data/``).

    Returns
    -------
    Themes
        The theme dictionary.

    Examples
    --------
    >>> import ksresearch as ks
    >>> themes = ks.load_themes(2025)
    >>> 'pay' in themes.labels
    True
    """
    path = DEFAULT_THEMES
    if year is not None:
        own = config.raw_dir(year, data_dir) / "themes.yaml"
        path = own if own.is_file() else path
    try:
        text = path.read_text(encoding="utf-8")
        spec = yaml.load(text, Loader=UniqueKeyLoader)["themes"]  # noqa: S506 (a safe loader)
        labels = {
            t: {"nb": str(v["label"]["nb"]), "en": str(v["label"]["en"])} for t, v in spec.items()
        }
        keywords = {
            t: {lang: [str(w) for w in v["keywords"].get(lang, [])] for lang in STEMMERS}
            for t, v in spec.items()
        }
    except (KeyError, TypeError, AttributeError, ValueError, yaml.YAMLError) as err:
        raise ValueError(
            f"{path}: a theme needs 'label' (nb, en) and 'keywords' (nb, sv lists): {err}"
        ) from None
    return Themes(labels, keywords)


def code_themes(texts, themes: Themes | None = None) -> pd.DataFrame:
    """Code texts into themes (:meth:`Themes.code`) with ``themes`` or the default dictionary.

    Parameters
    ----------
    texts : iterable of str
        The comments.
    themes : Themes, optional
        The dictionary (default: :func:`load_themes`).

    Returns
    -------
    DataFrame
        One row per text, one 0/1 column per theme.

    Examples
    --------
    >>> import ksresearch as ks
    >>> table = ks.code_themes(["Lønna er for lav", "Vaktene er lange"])
    >>> table[['pay']].sum().tolist()
    [1]
    """
    return (themes or load_themes()).code(texts)


def reviewed_ids(year: int, data_dir: str | Path | None = None) -> set[str]:
    """Respondent ids whose held-back comments a person has read and released:
    ``comments_reviewed.txt`` beside the codebook, one id a line (none if it is missing)."""
    path = config.raw_dir(year, data_dir) / "comments_reviewed.txt"
    if not path.is_file():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {x.strip() for x in lines if x.strip() and not x.startswith("#")}


def commenters(survey: Survey, reviewed: set[str] | None = None) -> pd.DataFrame:
    """The analysed respondents' comments, one row per respondent (their texts joined), keyed
    as :func:`prepare` keys them, without those held back for review."""
    table = survey.comments
    if table is None or table.empty:
        return pd.DataFrame(columns=["respondent", "respondent_id", "company", "text"])
    reviewed = reviewed_ids(survey.year, _data_dir(survey)) if reviewed is None else reviewed
    made = survey.cache.setdefault("commenters", {})  # every company's report asks again
    key = frozenset(reviewed)
    if key not in made or made[key][0] is not table:  # made of these very comments
        made[key] = (table, _joined(survey, table, reviewed))
    return made[key][1].copy()


def _joined(survey: Survey, table: pd.DataFrame, reviewed: set[str]) -> pd.DataFrame:
    keys = _keys(survey)
    shown = table[~table["needs_review"] | table["respondent_id"].isin(reviewed)]
    shown = shown[shown["respondent_id"].isin(keys.index)]
    joined = shown.groupby("respondent_id", sort=True).agg(
        company=("company", "first"), text=("text", " ".join)
    )
    joined.insert(0, "respondent", keys.loc[joined.index].to_numpy())
    return joined.reset_index()


def _keys(survey: Survey) -> pd.Series:
    """respondent id -> the key :func:`prepare` gives the respondent (analysed ones only:
    ``kept`` and ``prepare`` list them in the same order)."""
    ids = kept(survey)[survey.codebook.meta.respondent_id.id].astype("string").to_numpy()
    return pd.Series(prepare(survey).index.to_numpy(), index=ids)


def _data_dir(survey: Survey):
    return None if survey.path is None else survey.path.parent.parent


def comments(
    survey: Survey,
    company: str | None = None,
    *,
    themes: Themes | None = None,
    reviewed: set[str] | None = None,
    min_group: int | None = None,
    min_theme: int | None = None,
    examples: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Comments by theme, for one company or the whole survey, under the comment rules.

    Parameters
    ----------
    survey : Survey
    company : str, optional
        Only this company's commenters (a company report); default everyone.
    themes : Themes, optional
        Default: :func:`load_themes` of the survey's year.
    reviewed : set of str, optional
        Respondent ids whose held-back comments are released (default: the year's
        ``comments_reviewed.txt``).
    min_group, min_theme, examples : int, optional
        Defaults :data:`config.MIN_COMMENT_GROUP`, :data:`config.MIN_THEME_COMMENTERS`,
        :data:`config.MAX_COMMENT_EXAMPLES`.
    seed : int
        For the random choice and order of the examples.

    Returns
    -------
    DataFrame
        Indexed by theme id, the themes at least ``min_theme`` people wrote about, most
        frequent first: ``n_commenters`` (who wrote about it), ``commenter_share`` (of
        everyone who commented, 0-1) and ``examples`` (a list of at most ``examples`` redacted
        comments, shuffled).
        ``attrs["n_commenters"]``, ``attrs["labels"]`` (theme id -> {nb, en}) and
        ``attrs["members"]`` (the respondents behind each number).

    Raises
    ------
    InsufficientDataError
        Fewer than ``min_group`` people commented.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.comments(survey)
    >>> list(table.columns)
    ['n_commenters', 'commenter_share', 'examples']
    """
    themes = themes or load_themes(survey.year, _data_dir(survey))
    m_group = config.MIN_COMMENT_GROUP if min_group is None else min_group
    m_theme = config.MIN_THEME_COMMENTERS if min_theme is None else min_theme
    k = config.MAX_COMMENT_EXAMPLES if examples is None else examples
    people = commenters(survey, reviewed)
    if company is not None:
        people = people[people["company"] == company]
    if len(people) < m_group:
        raise InsufficientDataError(
            f"comments need at least {m_group} people who commented; {'this company has' if company else 'there are'} fewer"
        )
    coded = themes.code(people["text"]).set_index(people.index)
    rng = np.random.default_rng(seed)
    rows, members = [], Members()
    for theme in coded.columns:
        who = people[coded[theme]]
        if len(who) < m_theme:
            continue
        picked = rng.permutation(len(who))[:k]
        rows.append({"theme": theme, "n_commenters": len(who),
                     "commenter_share": len(who) / len(people),
                     "examples": [who["text"].iloc[i] for i in picked]})  # fmt: skip
        variable = f"comment_theme_{theme}"
        members.add(theme, "n_commenters", who["respondent"].to_numpy(), variable)
        members.add(theme, "commenter_share", people["respondent"].to_numpy(), variable)
    columns = ["theme", "n_commenters", "commenter_share", "examples"]
    out = pd.DataFrame(rows, columns=columns).set_index("theme")
    out = out.sort_values("n_commenters", ascending=False, kind="stable")
    out.attrs.update(n_commenters=len(people), labels=themes.labels, members=members)
    return out


def comment_themes_by(
    survey: Survey,
    segment: str,
    *,
    themes: Themes | None = None,
    reviewed: set[str] | None = None,
    min_group: int | None = None,
    min_theme: int | None = None,
    owners: bool = True,
) -> pd.DataFrame:
    """The share of commenters writing about each theme, by a segment (industry, size band).

    A segment value is shown only when it has at least ``min_group`` commenters and
    (``owners``) they come from enough companies with none dominant (:func:`owners_rule`); a
    theme only where at least ``min_theme`` of them wrote about it; otherwise missing.

    Parameters
    ----------
    survey : Survey
        The survey (:func:`ksresearch.load`).
    segment : str
        A segment of the codebook (its id, e.g. ``centre_size``) or its role.
    themes : Themes, optional
        The dictionary (default: :func:`load_themes` of the survey's year).
    reviewed : set of str, optional
        Respondent ids whose held-back comments are released.
    min_group : int, optional
        Commenters a segment value needs (default :data:`ksresearch.config.MIN_COMMENT_GROUP`).
    min_theme : int, optional
        Commenters a theme needs (default :data:`ksresearch.config.MIN_THEME_COMMENTERS`).
    owners : bool
        Also require several companies with none dominant (:func:`owners_rule`).

    Returns
    -------
    DataFrame
        Segment codes (index named ``segment``) x theme ids: shares (0-1).
        ``attrs["n_commenters"]`` per segment code, ``attrs["labels"]`` and
        ``attrs["members"]``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.comment_themes_by(survey, "industry")
    >>> table.index.name
    'industry'
    """
    themes = themes or load_themes(survey.year, _data_dir(survey))
    m_group = config.MIN_COMMENT_GROUP if min_group is None else min_group
    m_theme = config.MIN_THEME_COMMENTERS if min_theme is None else min_theme
    people = commenters(survey, reviewed)
    seg = survey.responses.set_index(
        survey.responses[survey.codebook.meta.respondent_id.id].astype("string")
    )[segment]
    people = people.assign(segment=seg.reindex(people["respondent_id"]).to_numpy())
    people = people[people["segment"].notna()]
    coded = themes.code(people["text"]).set_index(people.index)
    values = sorted(people["segment"].unique())
    table = pd.DataFrame(np.nan, index=pd.Index(values, name=segment), columns=list(coded.columns))
    members = Members()
    counts = {}
    for value in values:
        here = people["segment"] == value
        counts[value] = int(here.sum())
        if counts[value] < m_group:
            continue
        if (
            owners
            and owners_rule(
                pd.Series(0, index=people.index[here]), people.loc[here, "company"]
            ).iloc[0]
        ):
            continue  # the value's commenters come from too few companies
        for theme in coded.columns:
            who = people[here & coded[theme]]
            if len(who) < m_theme:
                continue
            table.loc[value, theme] = len(who) / counts[value]
            members.add(value, theme, who["respondent"].to_numpy(), f"comment_theme_{theme}")
    table.attrs.update(n_commenters=counts, labels=themes.labels, members=members)
    return table


def suggest_themes(texts, n_topics: int = 8, *, top_words: int = 8, seed: int = 0) -> pd.DataFrame:
    """Topics found in the comments themselves, to suggest themes the dictionary lacks:
    TF-IDF of the words (Norwegian and Swedish stop words removed, the lists of the
    ``stop-words`` package) factorised by non-negative matrix factorisation (NMF).

    For the researcher's exploration only: a topic is a list of words, not a finding, and is
    never shown in a report.

    Parameters
    ----------
    texts : iterable of str
        The comments.
    n_topics : int
        Topics to find (NMF components).
    top_words : int
        Words shown per topic.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        One row per topic: ``words`` (its ``top_words`` heaviest words, joined by ", "),
        ``weight`` (its share of the total weight) and ``n_texts`` (texts whose heaviest
        topic it is), heaviest first.

    Examples
    --------
    >>> texts = ["Turnusen er tung og vaktene lange"] * 5 + ["Lønna er lav og lønnen stiger ikke"] * 5
    >>> suggest_themes(texts, 2, top_words=2)["words"].tolist()  # doctest: +SKIP
    ['lønna, lønnen', 'lange, tung']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer
    from stop_words import get_stop_words

    stop = sorted(set(get_stop_words("norwegian")) | set(get_stop_words("swedish")))
    texts = [re.sub(r"\[[^\]]*\]", " ", str(t)) for t in texts]  # no redaction placeholders
    vectorizer = TfidfVectorizer(
        stop_words=stop, token_pattern=r"(?u)\b[^\W\d_]{3,}\b", min_df=2, lowercase=True
    )
    x = vectorizer.fit_transform(texts)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=500)
    w = model.fit_transform(x)
    vocab = np.asarray(vectorizer.get_feature_names_out())
    rows = [
        {
            "words": ", ".join(vocab[np.argsort(-h)[:top_words]]),
            "weight": float(w[:, k].sum() / w.sum()),
            "n_texts": int((w.argmax(axis=1) == k).sum()),
        }
        for k, h in enumerate(model.components_)
    ]
    out = pd.DataFrame(rows).sort_values("weight", ascending=False, kind="stable")
    return out.reset_index(drop=True).rename_axis("topic")
