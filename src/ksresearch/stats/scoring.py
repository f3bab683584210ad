"""Scale scores, the 0-100 index, top-box shares, eNPS and item statistics.

Every function takes respondent-level data (as :func:`ksresearch.load` returns it) and the
codebook, and returns a DataFrame or Series with documented columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.codebook import Codebook
from .diagnostics import check_frame

__all__ = ["reverse_items", "score_scales", "to_index", "top_box", "enps", "item_stats"]


def reverse_items(
    df: pd.DataFrame, codebook: Codebook, items: list[str] | None = None
) -> pd.DataFrame:
    """Numeric copy of the likert/nps ``items`` with reverse-keyed ones turned: min + max - x.

    Parameters
    ----------
    df : DataFrame
        Responses with "don't know" already missing (as after ingest).
    codebook : Codebook
        Says which items are reverse-keyed and on which scale.
    items : list of str, optional
        Defaults to every likert and nps item.

    Returns
    -------
    DataFrame
        One float column per item, reverse-keyed items turned.

    Examples
    --------
    >>> import pandas as pd
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> reverse_items(pd.DataFrame({"str_1": [5], "str_3": [5]}), cb, ["str_1", "str_3"])
       str_1  str_3
    0    5.0    1.0
    """
    items = items if items is not None else codebook.items_of_type("likert", "nps")
    check_frame(df, items, what="items", numeric=False)
    out = df[items].astype("float64")
    for item_id in items:
        item = codebook.item(item_id)
        if item.reverse:
            scale = codebook.scale_of(item_id)
            out[item_id] = scale.min + scale.max - out[item_id]
    return out


def score_scales(
    df: pd.DataFrame,
    codebook: Codebook,
    constructs: list[str] | None = None,
    *,
    index: bool = False,
) -> pd.DataFrame:
    """Construct scores: the mean of a respondent's answered items (reverse-keyed items turned),
    missing when fewer than the construct's ``min_items`` are answered.

    Parameters
    ----------
    df : DataFrame
        Responses with "don't know" missing (as after ingest).
    codebook : Codebook
        Defines the constructs, their items and ``min_items``.
    constructs : list of str, optional
        Defaults to every construct of the codebook present in ``df``.
    index : bool
        If True, return the 0-100 index (:func:`to_index`) instead of the scale mean.

    Returns
    -------
    DataFrame
        One column per construct, on the item scale (e.g. 1-5) or 0-100, same index as ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> df = pd.DataFrame({"str_1": [5, 4, None], "str_2": [4, None, None], "str_3": [1, 2, 5]})
    >>> score_scales(df, cb, ["stress"])
         stress
    0  4.666667
    1  4.000000
    2       NaN
    """
    if constructs is None:
        constructs = [
            c for c in codebook.constructs if set(codebook.construct_items(c)) <= set(df.columns)
        ]
    scores = {}
    for construct in constructs:
        items = codebook.construct_items(construct)
        check_frame(df, items, what=f"items of construct {construct!r}", numeric=False)
        values = reverse_items(df, codebook, items)
        answered = values.notna().sum(axis=1)
        score = values.mean(axis=1).where(answered >= codebook.constructs[construct].min_items)
        if index:
            scale = codebook.scale_of(items[0])
            score = to_index(score, scale.min, scale.max)
        scores[construct] = score
    return pd.DataFrame(scores, index=df.index)


def to_index(x: pd.Series | pd.DataFrame | float, min: float, max: float):
    """The 0-100 index (POMP, percent of maximum possible): 100 * (x - min) / (max - min).

    Parameters
    ----------
    x : float, Series or DataFrame
        Scores on the scale.
    min, max : float
        The scale's lowest and highest point.

    Returns
    -------
    float, Series or DataFrame
        As ``x``, on 0-100.

    Examples
    --------
    >>> to_index(4.0, 1, 5)
    75.0
    """
    if max <= min:
        raise ValueError(f"max ({max}) must be above min ({min})")
    return 100.0 * (x - min) / (max - min)


def top_box(x: pd.Series, codebook: Codebook, item: str | None = None, *, k: int = 2) -> float:
    """Share (0-1) of answers in the top ``k`` scale points among those who answered.

    Reverse-keyed items are turned first, so the top box is always the favourable end.

    Parameters
    ----------
    x : Series
        One item's answers (named by the item's id unless ``item`` is given).
    codebook : Codebook
        The codebook that gives the item's scale and keying.
    item : str, optional
        The item's id (default ``x.name``).
    k : int
        Scale points counted as the top box.

    Returns
    -------
    float
        The share, 0-1 (NaN without answers).

    Examples
    --------
    >>> import pandas as pd
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> top_box(pd.Series([5, 4, 3, 2, None], name="mot_1"), cb)
    0.5
    """
    item = item or x.name
    scale = codebook.scale_of(item)
    if not 1 <= k < scale.max - scale.min + 1:
        raise ValueError(f"k must be between 1 and {scale.max - scale.min}, got {k}")
    values = reverse_items(x.to_frame(item), codebook, [item])[item].dropna()
    if values.empty:
        return float("nan")
    return float((values > scale.max - k).mean())


def enps(x: pd.Series, weights: pd.Series | None = None) -> float:
    """Employee Net Promoter Score: % promoters (9-10) minus % detractors (0-6), from -100 to 100.

    With ``weights`` (aligned to ``x``), the shares are weighted:
    ``100 * (sum w[x >= 9] - sum w[x <= 6]) / sum w`` over the answers with a weight (R, package
    survey: ``svymean(~I(x >= 9) - I(x <= 6), design) * 100``).

    Parameters
    ----------
    x : Series
        Answers on the 0-10 scale (missing: left out).
    weights : Series, optional
        Respondent weights aligned to ``x``.

    Returns
    -------
    float
        The score, from -100 to 100 (NaN without answers).

    Examples
    --------
    >>> import pandas as pd
    >>> enps(pd.Series([10, 9, 8, 7, 6, 0, None]))
    0.0
    >>> enps(pd.Series([10, 0]), weights=pd.Series([3.0, 1.0]))
    50.0
    """
    values = pd.to_numeric(x, errors="coerce")
    w = pd.Series(1.0, index=values.index) if weights is None else weights.reindex(values.index)
    keep = values.notna() & w.notna()
    values, w = values[keep], w[keep]
    if ((values < 0) | (values > 10)).any():
        raise ValueError(
            f"eNPS answers must lie in 0-10; found {sorted(values[(values < 0) | (values > 10)].unique())}"
        )
    if values.empty or w.sum() == 0:
        return float("nan")
    promoters, detractors = w[values >= 9].sum(), w[values <= 6].sum()
    return float(100.0 * (promoters - detractors) / w.sum())


def item_stats(
    df: pd.DataFrame,
    codebook: Codebook,
    items: list[str] | None = None,
    *,
    dont_know: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Descriptive statistics of coded items, as answered (no reverse keying).

    Parameters
    ----------
    df : DataFrame
        Responses with "don't know" missing.
    codebook : Codebook
        For scales, labels and ``dont_know`` codes.
    items : list of str, optional
        Defaults to every likert, nps and single-choice item present.
    dont_know : DataFrame, optional
        The long table of "don't know" answers (``Survey.dont_know``); without it the
        ``dont_know_share`` column is missing.

    Returns
    -------
    DataFrame
        Indexed by item: ``n`` (answers on the scale), ``mean``, ``sd``, ``dont_know_share``
        (share of respondents who said "don't know", among those who answered at all),
        ``top2_share`` and one column ``p_<code>`` per scale point (distribution, sums to 1).

    Examples
    --------
    >>> import pandas as pd
    >>> from ksresearch import config, load_codebook
    >>> cb = load_codebook(config.codebook_path(2025))
    >>> item_stats(pd.DataFrame({"mot_1": [5, 4, 4, None]}), cb)[["n", "mean", "p_4"]]
           n      mean       p_4
    mot_1  3  4.333333  0.666667
    """
    if items is None:
        items = [i for i in codebook.items_of_type("likert", "nps", "single") if i in df.columns]
    check_frame(df, items, what="items", numeric=False)
    rows = []
    for item_id in items:
        scale = codebook.scale_of(item_id)
        x = pd.to_numeric(df[item_id], errors="coerce").astype("float64")
        answered = x.dropna()
        row = {
            "item": item_id,
            "n": int(answered.size),
            "mean": answered.mean(),
            "sd": answered.std(ddof=1),
        }
        if dont_know is not None:
            n_dk = int((dont_know["item"] == item_id).sum())
            row["dont_know_share"] = (
                n_dk / (n_dk + answered.size) if n_dk + answered.size else np.nan
            )
        if codebook.item(item_id).type != "single":
            row["top2_share"] = top_box(x.rename(item_id), codebook, item_id, k=2)
        counts = answered.value_counts(normalize=True)
        for code in range(scale.min, scale.max + 1):
            row[f"p_{code}"] = float(counts.get(float(code), 0.0)) if answered.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("item").rename_axis(None)
