"""Figures for the reports (seaborn/matplotlib), labelled in the report's language.

Each function draws one figure from a library result table and returns the matplotlib
``Figure``; suppressed rows (too few respondents) are left out, never drawn.
"""

from __future__ import annotations

import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .present import column, fmt_number, text

__all__ = [
    "style",
    "plain",
    "shown_rows",
    "bar_ci",
    "benchmark_diffs",
    "compare_diffs",
    "trend_dumbbell",
    "kpi_bands",
    "answer_bars",
]

_BLUE, _ORANGE, _GREY, _GREEN, _RED = "#1f5f8b", "#e07b39", "#9aa5b1", "#2e8b57", "#c0392b"


def style() -> None:
    """The house style: white grid, readable sizes; in a notebook, figures drawn at twice the
    resolution they are shown at (200 dpi: sharp in print and in the PDF)."""
    sns.set_theme(
        style="whitegrid", context="notebook", rc={"figure.dpi": 100, "axes.titleweight": "bold"}
    )
    from IPython import get_ipython

    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


#: Labels longer than this wrap onto further lines (a long question text stays in the figure).
LABEL_WIDTH = 48


def plain(label: object) -> str:
    """A label drawn as the very text it is: matplotlib would read ``$...$`` as mathematics
    (a codebook label could break the figure or draw something else); long labels wrap.

    Examples
    --------
    >>> print(plain("$x$ AS"))
    \\$x\\$ AS
    """
    text = textwrap.fill(str(label), LABEL_WIDTH, break_long_words=True) or str(label)
    return text.replace("$", r"\$")


def _layout(fig: plt.Figure) -> None:
    """Tight layout, or a wide left margin where labels leave no room for it (never a warning
    on stderr, which the audit would take for an error)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.tight_layout()
    if caught:
        fig.subplots_adjust(left=0.45, right=0.95)


def shown_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows a figure draws: those the minimum-group rule did not suppress."""
    return df[df["suppressed"] == ""] if "suppressed" in df.columns else df


def bar_ci(
    df: pd.DataFrame,
    value: str,
    *,
    low: str | None = None,
    high: str | None = None,
    labels: dict | None = None,
    xlabel: str = "",
    title: str = "",
    percent: bool = False,
    lang: str = "nb",
    sort: bool = True,
) -> plt.Figure:
    """Horizontal bars of ``value`` per row with optional confidence intervals."""
    d = shown_rows(df).dropna(subset=[value])
    if sort:
        d = d.sort_values(value)
    names = [plain((labels or {}).get(i, i)) for i in d.index]
    scale = 100 if percent else 1
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.4))
    ax.barh(names, d[value] * scale, color=_BLUE)
    if low and high:  # drawn where it lies: a percentile bootstrap interval may leave the value out
        rows = np.arange(len(d))
        ax.hlines(rows, d[low] * scale, d[high] * scale, color="#333333", lw=1)
        for end in (low, high):
            ax.scatter(d[end] * scale, rows, marker="|", s=60, color="#333333", zorder=3)
    ends = d[high] if (low and high) else d[value]  # labels go past the interval, not on it
    for y, (v, end) in enumerate(zip(d[value], ends, strict=True)):
        label = "  " + fmt_number(v, lang, 1 if not percent else 0, percent)
        ax.text(max(v, end) * scale, y, label, va="center", fontsize=9)
    ax.set_xlabel(plain(xlabel) + (" (%)" if percent else ""))
    ax.set_title(plain(title), loc="left")
    ax.margins(x=0.15)
    _layout(fig)
    return fig


def benchmark_diffs(
    bench: pd.DataFrame, labels: dict | None = None, lang: str = "nb"
) -> plt.Figure:
    """The company's difference from all others per measure with the interval its label uses,
    coloured by assessment, and every label but "on par" in words in a column beside it."""
    d = bench.dropna(subset=["diff"]).iloc[::-1]
    names = [plain((labels or {}).get(i, i)) for i in d.index]
    colours = d["assessment"].map({"strength": _GREEN, "weakness": _RED}).fillna(_GREY)
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(d) + 1.4))
    err = np.vstack([d["diff"] - d["diff_low"], d["diff_high"] - d["diff"]])
    ax.barh(names, d["diff"], xerr=err, color=colours, ecolor="#333333", capsize=3)
    ax.axvline(0, color="#333333", lw=1)
    beside = ax.get_yaxis_transform()  # x in axes units, y in data: a column right of the plot
    for y, verdict in enumerate(d["assessment"]):
        if verdict in ("strength", "weakness", "small", "not clear", "higher", "lower"):
            ax.text(1.02, y, text(verdict, lang), transform=beside, va="center", fontsize=8)
    ax.set_title(text("benchmark.figure", lang), loc="left")
    _layout(fig)
    return fig


def compare_diffs(
    table: pd.DataFrame, labels: dict | None = None, lang: str = "nb", title: str = ""
) -> plt.Figure:
    """Raw and company-adjusted differences (with CIs) per outcome of a two-group comparison."""
    d = table.dropna(subset=["diff"]).iloc[::-1]
    names = [plain((labels or {}).get(i, i)) for i in d.index]
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(d) + 1.6))
    ax.errorbar(
        d["diff"],
        y + 0.15,
        xerr=[d["diff"] - d["diff_low"], d["diff_high"] - d["diff"]],
        fmt="o",
        color=_GREY,
        label=text("diff", lang),
    )
    if "adjusted_diff" in d:
        ax.errorbar(
            d["adjusted_diff"],
            y - 0.15,
            xerr=[d["adjusted_diff"] - d["adjusted_low"], d["adjusted_high"] - d["adjusted_diff"]],
            fmt="o",
            color=_BLUE,
            label=text("adjusted_diff", lang),
        )
    ax.axvline(0, color="#333333", lw=1)
    ax.set_yticks(y, names)
    ax.legend(loc="lower right", fontsize=9)
    ax.set_title(plain(title), loc="left")
    _layout(fig)
    return fig


def trend_dumbbell(
    trends: pd.DataFrame,
    labels: dict | None = None,
    lang: str = "nb",
    years: tuple[int, int] | None = None,
) -> plt.Figure:
    """Previous and current year per outcome; outcomes not comparable are drawn hollow."""
    d = trends.dropna(subset=["mean_previous", "mean_current"]).iloc[::-1]
    names = [plain((labels or {}).get(i, i)) for i in d.index]
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.4))
    ax.hlines(y, d["mean_previous"], d["mean_current"], color=_GREY)
    first, last = years or ("", "")
    ax.scatter(d["mean_previous"], y, color=_GREY, label=str(first), zorder=3)
    comparable = d["comparable"].to_numpy(dtype=bool)
    ax.scatter(d["mean_current"][comparable], y[comparable], color=_BLUE, label=str(last), zorder=3)
    ax.scatter(
        d["mean_current"][~comparable],
        y[~comparable],
        facecolors="white",
        edgecolors=_BLUE,
        zorder=3,
    )
    ax.set_yticks(y, names)
    ax.legend(loc="lower right", fontsize=9)
    _layout(fig)
    return fig


def kpi_bands(
    bands: pd.DataFrame, *, xlabel: str = "", ylabel: str = "", title: str = ""
) -> plt.Figure:
    """One point per band of companies (:func:`ksresearch.kpi_bands`): the band's mean ``x``
    against its mean ``y``, joined in the order of ``y``; never a point per company."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(bands["x"], bands["y"], color=_GREY, lw=1, zorder=1)
    ax.scatter(bands["x"], bands["y"], color=_BLUE, edgecolors="white", s=70, zorder=2)
    ax.set_xlabel(plain(xlabel))
    ax.set_ylabel(plain(ylabel))
    ax.set_title(plain(title), loc="left")
    _layout(fig)
    return fig


#: Colours of :func:`answer_bars`: unfavourable, neutral, favourable.
_ANSWER_COLOURS = ("#d6604d", "#d9d9d9", "#4393c3")


def answer_bars(
    table: pd.DataFrame, labels: dict | None = None, lang: str = "nb", title: str = ""
) -> plt.Figure:
    """A diverging stacked bar per row of a :func:`ksresearch.question_results` table: the
    unfavourable share to the left of the neutral (centred on 0), the favourable to its
    right, in percent; rows without shares left out."""
    d = table.dropna(subset=["favourable", "neutral", "unfavourable"]).iloc[::-1]
    names = [plain((labels or {}).get(i, i)) for i in d.index]
    y = np.arange(len(d))
    fav, neutral, unfav = (
        100 * d[c].to_numpy(float) for c in ("favourable", "neutral", "unfavourable")
    )
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(d) + 1.4))
    left = -neutral / 2
    keys = ("unfavourable", "neutral", "favourable")
    for start, width, colour, key in zip(
        (left - unfav, left, neutral / 2), (unfav, neutral, fav), _ANSWER_COLOURS, keys, strict=True
    ):
        ax.barh(y, width, left=start, color=colour, label=column(key, lang), height=0.7)
    ax.axvline(0, color="#333333", lw=0.8)
    reach = max(np.max(neutral / 2 + unfav, initial=0), np.max(neutral / 2 + fav, initial=0))
    ax.set_xlim(-min(reach + 5, 100), min(reach + 5, 100))  # 0, the neutral middle, centred
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):.0f} %"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=9, frameon=False)
    ax.set_title(plain(title), loc="left")
    _layout(fig)
    return fig
