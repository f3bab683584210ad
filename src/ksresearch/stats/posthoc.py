"""Pairwise comparisons after a comparison of several groups (post-hoc tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .disclosure import InsufficientDataError, Members, min_size

__all__ = ["posthoc"]

#: The methods of :func:`posthoc`.
METHODS = ("games-howell", "tukey")


def posthoc(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    method: str = "games-howell",
    ci: float = 0.95,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    r"""Every pair of ``group``'s levels compared on ``outcome``, with family-wise p and
    simultaneous intervals: the follow-up to a comparison of several groups.

    ``games-howell`` (the default: group sizes and spreads differ in survey data) gives each
    pair Welch's :math:`SE = \sqrt{s_A^2/n_A + s_B^2/n_B}` and degrees of freedom, and refers
    :math:`|\bar y_A - \bar y_B| / SE \cdot \sqrt 2` to the studentized range of :math:`k`
    groups on those df (Games & Howell 1976, J. Educational Statistics 1, 113-125);
    ``tukey`` (equal variances) uses the pooled within-group variance on :math:`N - k` df
    (Tukey's HSD with the Tukey-Kramer SE for unequal sizes). The interval is
    :math:`\text{diff} \pm q_{ci}(k, df) / \sqrt 2 \cdot SE`. The tests are pingouin's
    (``pairwise_gameshowell``, ``pairwise_tukey``); the interval is added here. The same
    numbers in R: ``TukeyHSD(aov(y ~ g))`` (its rows are B - A), and Games-Howell by its
    formula with ``ptukey``/``qtukey`` (tests/reference/posthoc.R).

    A level with fewer than ``min_group_size`` answers is left out (``attrs["left_out"]``): its mean
    would be shown beside the others.

    Parameters
    ----------
    df : DataFrame
        Respondents.
    outcome : str
        The column compared.
    group : str
        The column whose levels are paired.
    method : {"games-howell", "tukey"}
        Unequal variances (default) or Tukey's HSD.
    ci : float
        Confidence level of the intervals (0.95).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5), counted on those
        who answered.

    Returns
    -------
    DataFrame
        Indexed by (``A``, ``B``), each pair once: ``n_A``, ``n_B``, ``mean_A``, ``mean_B``,
        ``diff`` (A - B), ``se``, ``df``, ``p_adj`` (already family-wise across the pairs),
        ``ci_low``, ``ci_high`` and ``hedges`` (Hedges' g). ``attrs``: ``method``, ``ci``,
        ``left_out`` and ``members`` (a pair's row rests on both groups' respondents).

    Raises
    ------
    InsufficientDataError
        Fewer than two levels with ``min_group_size`` answers.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"g": list("aaaaabbbbbccccc"),
    ...                   "y": [1.0, 2, 3, 2, 1, 4, 5, 6, 5, 4, 1, 2, 1, 2, 1]})
    >>> posthoc(d, "y", "g", method="tukey")["diff"].round(1).tolist()
    [-3.0, 0.4, 3.4]
    """
    import pingouin as pg

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    m = min_size(min_group_size)
    d = df[[group, outcome]].dropna()
    try:
        d[outcome] = d[outcome].astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"outcome {outcome!r} is not numeric") from None
    sizes = d[group].value_counts()
    left_out = sorted(v.item() if isinstance(v, np.generic) else v for v in sizes.index[sizes < m])
    d = d[d[group].isin(sizes.index[sizes >= m])]
    k = d[group].nunique()
    if k < 2:
        raise InsufficientDataError(f"{group!r} has fewer than two levels with {m} answers")
    if method == "tukey":
        found = pg.pairwise_tukey(d, dv=outcome, between=group)
        found["df"], found["p"] = float(len(d) - k), found["p_tukey"]
    else:
        found = pg.pairwise_gameshowell(d, dv=outcome, between=group)
        found["p"] = found["pval"]
    half = stats.studentized_range.ppf(ci, k, found["df"].to_numpy(float)) / np.sqrt(2)
    counts = d[group].value_counts()
    out = pd.DataFrame(
        {
            "n_A": counts.reindex(found["A"]).to_numpy(),
            "n_B": counts.reindex(found["B"]).to_numpy(),
            "mean_A": found["mean_A"].to_numpy(float),
            "mean_B": found["mean_B"].to_numpy(float),
            "diff": found["diff"].to_numpy(float),
            "se": found["se"].to_numpy(float),
            "df": found["df"].to_numpy(float),
            "p_adj": found["p"].to_numpy(float),
            "ci_low": (found["diff"] - half * found["se"]).to_numpy(float),
            "ci_high": (found["diff"] + half * found["se"]).to_numpy(float),
            "hedges": found["hedges"].to_numpy(float),
        },
        index=pd.MultiIndex.from_arrays([found["A"], found["B"]], names=["A", "B"]),
    )
    members = Members()
    for a, b in out.index:
        members.add((a, b), None, d.index[d[group].isin([a, b])].to_numpy())
    out.attrs.update(method=method, ci=ci, left_out=left_out, members=members)
    return out
