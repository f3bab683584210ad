"""Dates as the tools write them, read in the order the column itself shows.

ISO 8601 (``2025-10-01 08:15:02``, ``2025-10-01T08:15``) is read as such. Other dates are
``a/b/yy(yy)`` or ``a.b.yyyy`` with an optional time: Qualtrics re-saved by Excel in the US
writes ``5/1/20 5:01`` (month first), Norwegian tools ``01.05.2020 05:01`` (day first). The
order is decided per column from its own values: a first field above 12 can only be a day, a
second field above 12 only a day in second place. A column with dots and no such value is
day-first (nobody writes a month first with dots); a column with slashes and no deciding value
is ambiguous and is refused: the codebook key ``format`` on the meta column settles it (e.g.
``meta.submitted_at.format: "%m/%d/%y %H:%M"``). No value is ever read in two orders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["AmbiguousDates", "date_order", "parse_dates"]

_DMY = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]|$)")
_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "")
#: Surveys were answered after 1900 and before 2200: anything else is not a survey's date.
_FIRST, _LAST = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")


class AmbiguousDates(ValueError):
    """A column of dates whose order (day or month first) its values do not decide."""

    def __init__(self, examples: list[str], reason: str) -> None:
        self.examples = examples
        super().__init__(reason)


@dataclass(frozen=True)
class _Order:
    dayfirst: bool
    separator: str


def date_order(texts: pd.Series) -> _Order | None:
    """The order of the non-ISO dates in ``texts``: day or month first, and the separator;
    None when no value is of the ``a/b/y`` shape.

    Raises
    ------
    AmbiguousDates
        Values that decide both ways, or slashes and no value that decides.

    Example
    -------
    >>> date_order(pd.Series(["5/1/20 5:01", "4/27/20 9:00"])).dayfirst
    False
    >>> date_order(pd.Series(["14.09.2025 13:45"])).dayfirst
    True
    """
    parts = texts.dropna().astype(str).str.extract(_DMY)
    parts = parts.dropna()
    if parts.empty:
        return None
    first, second = parts[0].astype(int), parts[2].astype(int)
    seps = sorted(set(parts[1]))
    day_first, month_first = (first > 12).any(), (second > 12).any()
    sample = list(texts.dropna().astype(str)[parts.index][:2])
    if day_first and month_first:
        a = texts[parts.index[(first > 12).to_numpy()][0]]
        b = texts[parts.index[(second > 12).to_numpy()][0]]
        raise AmbiguousDates([str(a), str(b)], "some values have the day first, others the month")
    if day_first or month_first:
        return _Order(bool(day_first), seps[0])
    if seps == ["."]:
        return _Order(True, ".")
    raise AmbiguousDates(sample, "no value shows whether the day or the month comes first")


def parse_dates(text: pd.Series, fmt: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Dates from text: ``(values, unreadable)``, values as ``datetime64[ns]`` (NaT where
    missing or unreadable), ``unreadable`` True where a non-blank value was not a date.

    ``fmt`` (a ``strftime`` format) reads every value by it; otherwise ISO 8601 first, then
    the order :func:`date_order` finds.

    Raises
    ------
    AmbiguousDates
        The column's order cannot be told (and no ``fmt`` is given).

    Example
    -------
    >>> values, bad = parse_dates(pd.Series(["5/1/20 5:01", "4/27/20 17:30", None, "x"]))
    >>> [str(v) for v in values], list(bad)
    (['2020-05-01 05:01:00', '2020-04-27 17:30:00', 'NaT', 'NaT'], [False, False, False, True])
    """
    text = text.astype("string").str.strip().replace("", pd.NA)
    if fmt is not None:
        out = pd.to_datetime(text, format=fmt, errors="coerce")
    else:
        out = pd.to_datetime(text, errors="coerce", format="ISO8601")
        retry = text.notna() & out.isna()
        if retry.any():
            order = date_order(text[retry])
            if order is not None:
                out[retry] = _by_order(text[retry], order)
    out = out.where((out >= _FIRST) & (out < _LAST)).astype("datetime64[ns]")
    return out, text.notna() & out.isna()


def _by_order(text: pd.Series, order: _Order) -> pd.Series:
    """Each value by the first of the formats of this order that reads it (vectorised)."""
    sep = order.separator
    dates = [f"%d{sep}%m{sep}%Y", f"%d{sep}%m{sep}%y"]
    if not order.dayfirst:
        dates = [f"%m{sep}%d{sep}%Y", f"%m{sep}%d{sep}%y"]
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for date in dates:
        for time in _TIMES:
            todo = out.isna()
            if not todo.any():
                return out
            fmt = f"{date} {time}".strip()
            out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out
