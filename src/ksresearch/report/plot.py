"""Figures for exploring a survey in a notebook, as ``ks.plot.*``: the scree of a parallel
analysis or EFA, the answers per question, a segment heatmap, the differences of a group
comparison and the path diagram of a fitted CFA.

Labels are in the notebook's language: English unless :func:`set_language` says otherwise
(a report's :class:`ksresearch.Section` sets its own). Each function returns the matplotlib
``Figure``; in JupyterLab it is shown as the cell's output.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Ellipse, FancyArrowPatch, Rectangle

from . import plots
from .present import LANGS, text

__all__ = ["set_language", "language", "scree", "items", "heatmap", "differences", "path"]

_SETTING = {"lang": "en"}


def set_language(lang: str) -> None:
    """Draw the figures of this session in ``lang``.

    Parameters
    ----------
    lang : {"en", "nb"}
        The language of titles, axes and legends.

    Returns
    -------
    None

    Examples
    --------
    >>> set_language("nb"); language()
    'nb'
    >>> set_language("en")
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    _SETTING["lang"] = lang


def language(lang: str | None = None) -> str:
    """``lang``, or the session's language (:func:`set_language`; English by default).

    Parameters
    ----------
    lang : str, optional
        A language asked for by a call.

    Returns
    -------
    str
        The language to draw in.

    Examples
    --------
    >>> language(), language("nb")
    ('en', 'nb')
    """
    return lang or _SETTING["lang"]


def scree(result, *, lang: str | None = None) -> plt.Figure:
    """The eigenvalues of the data against those of random data of the same size: the
    components' and the factors' (psych's ``fa.parallel`` plot).

    Parameters
    ----------
    result : ParallelAnalysis or DataFrame
        A fitted :class:`ksresearch.ParallelAnalysis`, or items to run it on.
    lang : str, optional
        The figure's language (default: :func:`language`).

    Returns
    -------
    Figure
        Observed eigenvalues as lines with points, random data's dashed, one panel each for
        components and factors.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.standard_normal((500, 2))
    >>> df = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.standard_normal((500, 6)))
    >>> fig = scree(df)
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['Components', 'Factors']
    """
    from ..stats.psychometrics import ParallelAnalysis, parallel_analysis

    lang = language(lang)
    pa = result if isinstance(result, ParallelAnalysis) else parallel_analysis(result)
    values = pa.eigenvalues_
    x = np.arange(1, len(values) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, kind, key in zip(axes, ("pc", "fa"), ("plot.components", "plot.factors"), strict=True):
        ax.plot(x, values[f"{kind}_observed"], "o-", color=plots._BLUE,
                label=text("plot.observed", lang))  # fmt: skip
        ax.plot(x, values[f"{kind}_simulated"], "--", color=plots._GREY,
                label=text("plot.simulated", lang))  # fmt: skip
        ax.axhline(1.0 if kind == "pc" else 0.0, color="#333333", lw=0.6)
        ax.set_title(text(key, lang), loc="left")
        ax.set_xlabel(text("plot.position", lang))
        ax.set_xticks(x)
    axes[0].set_ylabel(text("plot.eigenvalue", lang))
    axes[1].legend(fontsize=9)
    fig.suptitle(text("plot.scree_title", lang), x=0.01, ha="left", fontweight="bold")
    plots._layout(fig)
    return fig


def items(frame: pd.DataFrame, codebook=None, *, lang: str | None = None) -> plt.Figure:
    """How each question was answered: one stacked bar per item of the shares of its answer
    values among those who answered, lowest value on the left.

    Parameters
    ----------
    frame : DataFrame
        One column per item (answer values; missing answers left out), e.g.
        ``ks.prepare(survey, items=True)[items]``.
    codebook : Codebook, optional
        Labels the items by their question text in ``lang`` (default: their ids).
    lang : str, optional
        The figure's language (default: :func:`language`).

    Returns
    -------
    Figure
        A horizontal stacked bar per item, the shares in percent.

    Examples
    --------
    >>> import pandas as pd
    >>> fig = items(pd.DataFrame({"q1": [1, 2, 2, 5], "q2": [5, 5, 4, None]}))
    >>> fig.axes[0].get_xlabel()
    'Share of answers (%)'
    """
    lang = language(lang)
    shares = pd.DataFrame(
        {c: frame[c].dropna().value_counts(normalize=True) for c in frame.columns}
    ).T.fillna(0.0)
    shares = shares[sorted(shares.columns)] * 100
    labels = {c: (codebook.text(c, lang) if codebook is not None else c) for c in shares.index}
    names = [plots.plain(labels[c]) for c in shares.index][::-1]
    colours = plt.get_cmap("RdYlBu")(np.linspace(0.1, 0.9, shares.shape[1]))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(shares) + 1.6))
    left = np.zeros(len(shares))
    for colour, value in zip(colours, shares.columns, strict=True):
        width = shares[value].to_numpy()[::-1]
        ax.barh(names, width, left=left, color=colour, label=str(_plain_code(value)))
        left += width
    ax.set_xlim(0, 100)
    ax.set_xlabel(text("plot.answer_share", lang))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(colours), 11),
              fontsize=8, frameon=False)  # fmt: skip
    ax.set_title(text("plot.items_title", lang), loc="left", pad=24)
    plots._layout(fig)
    return fig


def _plain_code(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def heatmap(table: pd.DataFrame, *, labels: dict | None = None, lang: str | None = None):
    """A :func:`ksresearch.segment_heatmap` as a figure: each level's difference from the
    mean of all, per construct; hidden cells stay blank.

    Parameters
    ----------
    table : DataFrame
        :func:`ksresearch.segment_heatmap`'s result (rows ``(segment, level)``).
    labels : dict, optional
        Column (construct) -> label.
    lang : str, optional
        The figure's language (default: :func:`language`).

    Returns
    -------
    Figure
        A diverging heatmap centred on 0, each cell annotated.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"stress": [2.0, -1.5], "culture": [None, 0.5]},
    ...                  index=pd.MultiIndex.from_tuples([("role", 1), ("role", 2)]))
    >>> heatmap(t).axes[0].get_title(loc="left")
    'Difference from the mean of all (index points)'
    """
    import seaborn as sns

    lang = language(lang)
    data = pd.DataFrame(table).astype(float)
    data.columns = [plots.plain((labels or {}).get(c, c)) for c in data.columns]
    data.index = [" ".join(str(_plain_code(v)) for v in np.atleast_1d(i)) for i in data.index]
    reach = float(np.nanmax(np.abs(data.to_numpy()))) if data.notna().any().any() else 1.0
    fig, ax = plt.subplots(figsize=(0.9 * data.shape[1] + 3, 0.4 * data.shape[0] + 1.8))
    with warnings.catch_warnings():  # seaborn's own use of a matplotlib call it deprecates
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        sns.heatmap(data, ax=ax, cmap="RdBu", center=0, vmin=-reach, vmax=reach, annot=True,
                    fmt=".1f", cbar=False, linewidths=0.5)  # fmt: skip
    ax.set_title(text("plot.heatmap_title", lang), loc="left")
    ax.set_xlabel("")
    plots._layout(fig)
    return fig


def differences(table: pd.DataFrame, *, labels: dict | None = None, lang: str | None = None):
    """A two-group :func:`ksresearch.compare_groups` result as a figure: each outcome's raw
    difference and, with a cluster, its within-cluster difference, with intervals.

    Parameters
    ----------
    table : DataFrame
        :func:`ksresearch.compare_groups` (two groups), e.g. :func:`ksresearch.shift_work`.
    labels : dict, optional
        Outcome -> label.
    lang : str, optional
        The figure's language (default: :func:`language`).

    Returns
    -------
    Figure
        Points with their intervals, a line at 0.

    Examples
    --------
    >>> import numpy as np, pandas as pd, ksresearch as ks
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"g": np.repeat([0, 1], 50), "y": rng.normal(size=100)})
    >>> differences(ks.compare_groups(df, ["y"], "g")).axes[0].get_title(loc="left")
    'Differences between the groups'
    """
    lang = language(lang)
    return plots.compare_diffs(table, labels=labels, lang=lang,
                               title=text("plot.differences_title", lang))  # fmt: skip


def path(fit, *, lang: str | None = None) -> plt.Figure:
    """The path diagram of a fitted :class:`ksresearch.CFA` (its first group): factors as
    ellipses above their items, an arrow per loading with its standardised value, and the
    factors' correlations on the lines that join them.

    Parameters
    ----------
    fit : CFA
        A fitted model.
    lang : str, optional
        The figure's language (default: :func:`language`).

    Returns
    -------
    Figure
        The diagram.

    Examples
    --------
    >>> import semopy, ksresearch as ks
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> fit = ks.cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6")
    >>> fig = path(fit)
    >>> len(fig.axes[0].patches)  # 6 items, 2 factors, 6 loadings, 1 correlation
    15
    """
    lang = language(lang)
    loads = fit.loadings_[fit.loadings_["group"] == fit.loadings_["group"].iloc[0]]
    factors = list(dict.fromkeys(loads["factor"]))
    item_names = list(dict.fromkeys(loads["item"]))
    width = max(len(item_names), 2)
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * width + 1), 4.2))
    ax.set_xlim(-0.7, width - 0.3)
    ax.set_ylim(-0.6, 3.4)
    ax.axis("off")
    at_item = {item: (i, 0.0) for i, item in enumerate(item_names)}
    at_factor = {}
    for f in factors:
        xs = [at_item[i][0] for i in loads.loc[loads["factor"] == f, "item"]]
        at_factor[f] = (float(np.mean(xs)), 2.2)
    for item, (x, y) in at_item.items():
        ax.add_patch(Rectangle((x - 0.35, y - 0.25), 0.7, 0.5, fill=False, lw=1.2))
        ax.text(x, y, plots.plain(item), ha="center", va="center", fontsize=9)
    for f, (x, y) in at_factor.items():
        ax.add_patch(Ellipse((x, y), 1.1, 0.6, fill=False, lw=1.4, color=plots._BLUE))
        ax.text(x, y, plots.plain(f), ha="center", va="center", fontsize=9,
                color=plots._BLUE, gid="factor")  # fmt: skip
    for _, row in loads.iterrows():
        (fx, fy), (ix, iy) = at_factor[row["factor"]], at_item[row["item"]]
        ax.add_patch(FancyArrowPatch((fx, fy - 0.3), (ix, iy + 0.25), arrowstyle="-|>",
                                     mutation_scale=10, lw=0.9, color="#333333"))  # fmt: skip
        ax.text((fx + ix) / 2, (fy + iy) / 2 + 0.1, f"{row['std_all']:.2f}", fontsize=8,
                ha="center", color="#333333", bbox={"fc": "white", "ec": "none", "pad": 0.5})  # fmt: skip
    corr = fit.factor_correlations_
    for a in range(len(factors)):
        for b in range(a + 1, len(factors)):
            (xa, ya), (xb, yb) = at_factor[factors[a]], at_factor[factors[b]]
            ax.add_patch(FancyArrowPatch((xa, ya + 0.3), (xb, yb + 0.3), arrowstyle="<|-|>",
                                         connectionstyle="arc3,rad=-0.3", mutation_scale=8,
                                         lw=0.8, color=plots._GREY))  # fmt: skip
            ax.text((xa + xb) / 2, ya + 0.3 + 0.15 * abs(b - a) + 0.35,
                    f"{corr.loc[factors[a], factors[b]]:.2f}", fontsize=8, ha="center",
                    color=plots._GREY)  # fmt: skip
    ax.set_title(text("plot.path_title", lang), loc="left")
    return fig
