"""The minimum-group rule: one mechanism for every aggregate the library returns.

A group smaller than the minimum (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5) is
suppressed: its values become missing, its count is not shown (only "< 5"), and the reason is
given. When the groups of a table partition a population whose total is shown elsewhere (the
usual case: a breakdown by segment next to the overall figure), one suppressed group could be
recovered by subtracting the others from the total; so further groups are suppressed, smallest
first, until the suppressed groups together hold at least the minimum and number two or more.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import config

__all__ = [
    "SMALL_GROUP",
    "COMPLEMENTARY",
    "min_size",
    "protect",
    "require_min_n",
    "InsufficientDataError",
    "AnonymityError",
]

SMALL_GROUP = "fewer than {m} respondents"
COMPLEMENTARY = "suppressed so that a small group cannot be derived by subtraction"


class InsufficientDataError(ValueError):
    """Too few answers (or no such questions) for an analysis: catch it by name to say so in a
    report instead of showing a result."""


class AnonymityError(InsufficientDataError):
    """An analysis was asked for a group smaller than the minimum group size."""


def min_size(min_n: int | None = None) -> int:
    """The minimum group size in force (``min_n`` or the configured default); must be >= 1."""
    m = config.MIN_GROUP_SIZE if min_n is None else int(min_n)
    if m < 1:
        raise ValueError(f"the minimum group size must be at least 1, got {min_n}")
    return m


def require_min_n(n: int, what: str, min_n: int | None = None) -> None:
    """Raise :class:`AnonymityError` when ``n`` respondents are too few to report on."""
    m = min_size(min_n)
    if n < m:
        raise AnonymityError(
            f"{what} has fewer than {m} respondents: nothing about it may be reported"
        )


def protect(
    table: pd.DataFrame,
    *,
    n: str = "n",
    values: Iterable[str] | None = None,
    min_n: int | None = None,
    partition: bool = True,
) -> pd.DataFrame:
    """Apply the minimum-group rule to a table with one row per group.

    Parameters
    ----------
    table : DataFrame
        One row per group, with a count column ``n``.
    n : str
        Name of the count column.
    values : iterable of str, optional
        Columns holding aggregates of the group (default: every column but ``n``).
    min_n : int, optional
        The minimum group size (default: the configured 5).
    partition : bool
        The rows partition a population whose total is shown elsewhere, so complementary
        suppression applies.

    Returns
    -------
    DataFrame
        The table with suppressed rows' ``values`` and ``n`` set to missing, a column
        ``n_shown`` (the count, or "< 5") and a column ``suppressed`` (the reason, or "").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"n": [40, 3, 12, 25], "mean": [3.1, 4.0, 3.5, 3.3]}, index=list("abcd"))
    >>> protect(t)[["n_shown", "mean"]]
      n_shown  mean
    a      40   3.1
    b     < 5   NaN
    c     < 5   NaN
    d      25   3.3
    """
    if n not in table.columns:
        raise ValueError(f"the table has no count column {n!r}")
    m = min_size(min_n)
    out = table.copy()
    counts = pd.to_numeric(out[n], errors="coerce").fillna(0).to_numpy(dtype=float)
    reason = np.where(counts < m, SMALL_GROUP.format(m=m), "").astype(object)
    if partition:
        small = counts < m
        while small.any() and (small.sum() < 2 or counts[small].sum() < m) and not small.all():
            candidates = np.where(~small, counts, np.inf)
            nxt = int(np.argmin(candidates))
            small[nxt] = True
            reason[nxt] = COMPLEMENTARY
    hidden = reason != ""
    value_cols = [c for c in (values if values is not None else out.columns) if c != n]
    for col in value_cols:
        out[col] = out[col].where(~hidden)
    out[n] = pd.Series(np.where(hidden, np.nan, counts), index=out.index)
    out["n_shown"] = [f"< {m}" if h else str(int(c)) for h, c in zip(hidden, counts, strict=True)]
    out["suppressed"] = reason
    return out
