"""The minimum-group rule: one mechanism for every aggregate the library returns.

A group smaller than the minimum (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5) is
suppressed: its values become missing, its count is not shown (only "< 5"), and the reason is
given. When the groups of a table partition a population whose total is shown elsewhere (the
usual case: a breakdown by segment next to the overall figure), one suppressed group could be
recovered by subtracting the others from the total; so further groups are suppressed, smallest
first, until the suppressed groups together hold at least the minimum and number two or more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from .. import config

__all__ = [
    "members_of",
    "SMALL_GROUP",
    "COMPLEMENTARY",
    "OWNERS",
    "DOMINANT",
    "Members",
    "min_size",
    "protect",
    "owners_rule",
    "owners_reasons",
    "group_members",
    "transposed",
    "renamed",
    "stacked",
    "require_min_n",
    "InsufficientDataError",
    "AnonymityError",
]

SMALL_GROUP = "fewer than {m} respondents"
COMPLEMENTARY = "suppressed so that a small group cannot be derived by subtraction"
OWNERS = "respondents from fewer than {k} companies"
DOMINANT = "one company holds more than {share} % of the respondents"


class Members(str):
    """The respondents each published number rests on: ``{(row, column): index labels}`` of
    the respondent frame an analysis was given (a mapping).

    An entry added with :meth:`add` and a ``variable`` marks an additive statistic of that
    variable (a count, mean or share: a sum over exactly these respondents, so two nested
    cells of the same variable give the difference away by subtraction); headcounts of a
    group use the variable ``"respondents"``. A ``(row, None)`` entry holds the respondents of
    the row's model statistics (differences, tests, intervals, ranks), which subtraction
    cannot isolate. It is shared, not copied, when pandas copies a frame's ``attrs``.

    It lives in a result's ``attrs["members"]``, and to pandas it is the text :data:`TEXT`:
    pandas writes ``attrs`` into a Parquet file as JSON, so a result goes to ``to_parquet``
    with that sentence in place of its respondents, which never leave memory. A table read
    back from such a file has lost them, and the report's table helpers refuse it.

    Parameters
    ----------
    cells : mapping or iterable of pairs, optional
        ``{(row, column): respondent labels}`` to start with, as ``dict(cells)``.

    Examples
    --------
    >>> m = Members()
    >>> m.add("stress", "mean", [3, 4, 5], "stress_index")
    >>> m[("stress", "mean")].tolist(), m.variables[("stress", "mean")], len(m)
    ([3, 4, 5], 'stress_index', 1)
    >>> import json; json.dumps({"members": m}) == json.dumps({"members": Members.TEXT})
    True
    """

    #: What pandas (and JSON) see of a Members.
    TEXT = "ksresearch.Members: who each cell rests on, kept in memory only"

    def __new__(cls, cells=(), /, **kwargs) -> Members:
        self = super().__new__(cls, cls.TEXT)
        self._cells = dict(cells, **kwargs)
        self.variables: dict[tuple, str] = {}
        return self

    # the mapping ------------------------------------------------------------------------
    def __getitem__(self, key):
        return self._cells[key]

    def __setitem__(self, key, labels) -> None:
        self._cells[key] = labels

    def __delitem__(self, key) -> None:
        del self._cells[key]
        self.variables.pop(key, None)

    def __contains__(self, key) -> bool:
        return key in self._cells

    def __iter__(self):
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def __bool__(self) -> bool:
        return bool(self._cells)

    def keys(self):
        return self._cells.keys()

    def values(self):
        return self._cells.values()

    def items(self):
        return self._cells.items()

    def get(self, key, default=None):
        return self._cells.get(key, default)

    def __repr__(self) -> str:
        return f"Members({len(self)} cells)"

    def __deepcopy__(self, memo: dict) -> Members:
        return self

    def __copy__(self) -> Members:
        return self

    def __reduce__(self):
        return _restored_members, (self._cells, self.variables)

    def __eq__(self, other: object) -> bool:
        """The same cells resting on the same respondents (a plain truth value: pandas
        compares the ``attrs`` of frames it concatenates, and arrays compared as dict values
        raised "operands could not be broadcast together")."""
        if self is other:
            return True
        if not isinstance(other, Members) or self.keys() != other.keys():
            return False
        return self.variables == other.variables and all(
            np.array_equal(labels, other[key]) for key, labels in self.items()
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # a mapping that changes: not hashable

    def add(self, row: object, column: object, labels, variable: str | None = None) -> None:
        """Record the respondents of a cell (``column`` None: of the row's model statistics)."""
        self[(row, column)] = np.asarray(labels)
        if variable is not None and column is not None:
            self.variables[(row, column)] = variable

    @classmethod
    def model(cls, rows, labels) -> Members:
        """Every row's model statistics (``(row, None)``) resting on ``labels``: the
        respondents a model was fitted on, e.g. the complete cases of a regression."""
        out = cls()
        used = np.asarray(labels)
        for row in rows:
            out.add(row, None, used)
        return out

    def relabel(self, rename) -> Members:
        """The same entries with each row label replaced by ``rename(row)``."""
        out = Members()
        for (row, column), labels in self.items():
            out.add(rename(row), column, labels, self.variables.get((row, column)))
        return out

    def merge(self, other: Members) -> Members:
        """Both sets of entries in one."""
        out = Members(self)
        out.variables = {**self.variables}
        for (row, column), labels in other.items():
            out.add(row, column, labels, other.variables.get((row, column)))
        return out


def members_of(table: pd.DataFrame) -> Members | None:
    """The respondents behind ``table``'s cells (its ``attrs["members"]``); None where no
    analysis gave them, or where they were lost: a table read back from a Parquet file holds
    only the text :data:`Members.TEXT`.

    Parameters
    ----------
    table : DataFrame
        A result of the library.

    Returns
    -------
    Members or None
        The respondents behind its cells.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"mean": [3.5]}, index=["a"])
    >>> members_of(t) is None
    True
    >>> t.attrs["members"] = Members.model(["a"], [1, 2, 3])
    >>> len(members_of(t))
    1
    """
    found = table.attrs.get("members")
    return found if isinstance(found, Members) else None


def _restored_members(cells: dict, variables: dict) -> Members:
    """A pickled :class:`Members` (the disk cache keeps results with their respondents)."""
    out = Members(cells)
    out.variables = dict(variables)
    return out


def transposed(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` turned (its rows become columns), with the respondents of every cell
    (``attrs["members"]``) turned with it: for a wide table that reads better, and fits a page,
    the other way round.

    Parameters
    ----------
    table : DataFrame
        A result with ``attrs["members"]``.

    Returns
    -------
    DataFrame
        ``table.T``, its members turned with it.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [1.0], "b": [2.0]}, index=["x"])
    >>> t.attrs["members"] = Members({("x", "b"): [7, 8]})
    >>> turned = transposed(t)
    >>> float(turned.loc["b", "x"]), turned.attrs["members"][("b", "x")].tolist()
    (2.0, [7, 8])
    """
    out = table.T
    members = table.attrs.get("members")
    out.attrs = {k: v for k, v in table.attrs.items() if k != "members"}
    if members is not None:
        turned = Members()
        for (row, column), labels in members.items():
            if column is not None:
                turned.add(column, row, labels, members.variables.get((row, column)))
        out.attrs["members"] = turned
    return out


def renamed(
    table: pd.DataFrame, columns: dict | None = None, index: Callable | None = None
) -> pd.DataFrame:
    """``table`` with columns renamed (``{old: new}``) and/or each row label replaced by
    ``index(label)``, the respondents of every cell (``attrs["members"]``) renamed with them, so
    that the renamed cells stay registered.

    Parameters
    ----------
    table : DataFrame
        A result with ``attrs["members"]``.
    columns : dict, optional
        ``{old: new}`` column names.
    index : callable, optional
        The new label of each row label.

    Returns
    -------
    DataFrame
        The renamed table, its members renamed with it.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"a": [1.0]}, index=["x"])
    >>> t.attrs["members"] = Members({("x", "a"): [7, 8]})
    >>> out = renamed(t, {"a": "b"}, index=str.upper)
    >>> out.index.tolist(), out.attrs["members"][("X", "b")].tolist()
    (['X'], [7, 8])
    """
    columns = columns or {}
    row = index or (lambda label: label)
    out = table.rename(columns=columns)
    out.index = pd.Index(
        [row(label) for label in table.index], name=None if index else table.index.name
    )
    members = table.attrs.get("members")
    out.attrs = {k: v for k, v in table.attrs.items() if k != "members"}
    if members is not None:
        moved = Members()
        for (label, column), labels in members.items():
            new = columns.get(column, column) if column is not None else None
            moved.add(row(label), new, labels, members.variables.get((label, column)))
        out.attrs["members"] = moved
    return out


def stacked(tables: dict, *, name: str | None = None) -> pd.DataFrame:
    """The tables one under the other, each row labelled ``(key, row)`` by the key it came
    under (``pd.concat(tables)``), with the respondents of every cell (``attrs["members"]``)
    carried along, so that the stacked table can be published as each part could: the
    analysis of one group at a time, brought together (say, by centre size).

    Parameters
    ----------
    tables : dict
        ``{key: table}``, in the order to stack them; each table's ``attrs["members"]`` is
        relabelled to its rows' new labels.
    name : str, optional
        The name of the outer index level (the keys).

    Returns
    -------
    DataFrame
        The rows of every table under a two-level index ``(key, row)``; ``attrs`` holds only
        the merged ``members`` (other attributes differ from table to table).

    Examples
    --------
    >>> import pandas as pd
    >>> small = pd.DataFrame({"mean": [3.1]}, index=["Stress"])
    >>> small.attrs["members"] = Members({("Stress", "mean"): [1, 2, 3, 4, 5]})
    >>> large = pd.DataFrame({"mean": [3.4]}, index=["Stress"])
    >>> large.attrs["members"] = Members({("Stress", "mean"): [6, 7, 8, 9, 10, 11]})
    >>> out = stacked({"small": small, "large": large}, name="size")
    >>> out.index.tolist(), out.attrs["members"][(("large", "Stress"), "mean")].tolist()
    ([('small', 'Stress'), ('large', 'Stress')], [6, 7, 8, 9, 10, 11])
    """
    parts = []
    members = Members()
    for key, table in tables.items():
        parts.append(table.set_axis(pd.MultiIndex.from_tuples([(key, r) for r in table.index])))
        own = table.attrs.get("members")
        if own is not None:
            members = members.merge(own.relabel(lambda row, key=key: (key, row)))
    out = pd.concat(parts) if parts else pd.DataFrame()
    out.attrs = {}  # pandas keeps attrs only when all are equal
    if members:
        out.attrs["members"] = members
    if name is not None and parts:
        out.index = out.index.set_names([name, None])
    return out


class InsufficientDataError(ValueError):
    """Too few answers (or no such questions) for an analysis: catch it by name to say so in a
    report instead of showing a result."""


class AnonymityError(InsufficientDataError):
    """An analysis was asked for a group smaller than the minimum group size."""


def min_size(min_group_size: int | None = None) -> int:
    """The minimum group size in force (``min_group_size`` or the configured default); must be >= 1."""
    m = config.MIN_GROUP_SIZE if min_group_size is None else int(min_group_size)
    if m < 1:
        raise ValueError(f"the minimum group size must be at least 1, got {min_group_size}")
    return m


def require_min_n(n: int, what: str, min_group_size: int | None = None) -> None:
    """Raise :class:`AnonymityError` when ``n`` respondents are too few to report on."""
    m = min_size(min_group_size)
    if n < m:
        raise AnonymityError(
            f"{what} has fewer than {m} respondents: nothing about it may be reported"
        )


def protect(
    table: pd.DataFrame,
    *,
    n: str = "n",
    values: Iterable[str] | None = None,
    min_group_size: int | None = None,
    partition: bool = True,
    hide: pd.Series | None = None,
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
    min_group_size : int, optional
        The minimum group size (default: the configured 5).
    partition : bool
        The rows partition a population whose total is shown elsewhere, so complementary
        suppression applies.
    hide : Series, optional
        Rows to hide for another reason (the reason, by row label; "" keeps the row), such
        as :func:`owners_rule`; complementary suppression protects them like small groups.

    Returns
    -------
    DataFrame
        The table with suppressed rows' ``values`` and ``n`` set to missing, a column
        ``n_shown`` (the count; "< 5" for a small group, "–" for one hidden for another
        reason) and a column ``suppressed`` (the reason, or "").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"n": [40, 3, 12, 25], "mean": [3.1, 4.0, 3.5, 3.3]}, index=list("abcd"))
    >>> protect(t)[["n_shown", "mean"]]
      n_shown  mean
    a      40   3.1
    b     < 5   NaN
    c       –   NaN
    d      25   3.3
    """
    if n not in table.columns:
        raise ValueError(f"the table has no count column {n!r}")
    m = min_size(min_group_size)
    out = table.copy()
    counts = pd.to_numeric(out[n], errors="coerce").fillna(0).to_numpy(dtype=float)
    reason = np.where(counts < m, SMALL_GROUP.format(m=m), "").astype(object)
    if hide is not None:
        other = hide.reindex(out.index).fillna("").astype(str).to_numpy()
        reason = np.where((reason == "") & (other != ""), other, reason).astype(object)
    if partition:
        small = reason != ""
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
    out["n_shown"] = [_shown_count(h, c, m) for h, c in zip(hidden, counts, strict=True)]
    out["suppressed"] = reason
    return out


def _shown_count(hidden: bool, count: float, m: int) -> str:
    """A group's count as published: the count, "< m" for a small group, "–" for a group
    hidden for another reason (saying "< 5" of a group of 145 would be untrue)."""
    if not hidden:
        return str(int(count))
    return f"< {m}" if count < m else "–"


def owners_rule(
    groups: pd.Series,
    owners: pd.Series,
    *,
    min_owners: int | None = None,
    max_share: float | None = None,
) -> pd.Series:
    """The (n, k) dominance rule of business statistics, per group.

    A group's respondents must come from at least ``min_owners`` owners (companies) and no
    single owner may hold more than ``max_share`` of them; otherwise the group's figures reveal
    that owner. The rule is the one statistics offices apply to business cells (at least
    *n* contributors, the largest not more than *k* % of the total; Hundepool et al. 2012,
    *Statistical Disclosure Control*, §4.2.2).

    Parameters
    ----------
    groups : Series
        The group of each respondent (missing: in no group).
    owners : Series
        The owner (company) of each respondent, aligned with ``groups``.
    min_owners : int, optional
        Default :data:`ksresearch.config.MIN_COMPANIES` (3).
    max_share : float, optional
        Default :data:`ksresearch.config.MAX_COMPANY_SHARE` (0.8).

    Returns
    -------
    Series
        Indexed by group level: the reason the group may not be shown, or "".

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.Series(["a"] * 10 + ["b"] * 10)
    >>> c = pd.Series(["x", "y", "z"] * 3 + ["x"] + ["x"] * 9 + ["y"])
    >>> owners_rule(g, c).to_dict()
    {'a': '', 'b': 'respondents from fewer than 3 companies'}
    """
    k = config.MIN_COMPANIES if min_owners is None else int(min_owners)
    share = config.MAX_COMPANY_SHARE if max_share is None else float(max_share)
    g, o = groups.to_numpy(), owners.to_numpy()
    known = ~(pd.isna(g) | pd.isna(o))
    g_codes, levels = pd.factorize(g[known], sort=True)
    o_codes, names = pd.factorize(o[known])
    counts = np.zeros((len(levels), len(names)), dtype=np.int64)  # level x owner
    np.add.at(counts, (g_codes, o_codes), 1)
    reasons = _owner_reasons(counts, k, share)
    return pd.Series(reasons, index=levels, dtype=object)


def _owner_reasons(counts: np.ndarray, k: int, share: float) -> np.ndarray:
    """:func:`owners_rule` on the respondents of each group (row) per owner (column)."""
    return np.where(
        (counts > 0).sum(axis=1) < k,
        OWNERS.format(k=k),
        np.where(
            counts.max(axis=1, initial=0) > share * counts.sum(axis=1),
            DOMINANT.format(share=round(share * 100)),
            "",
        ),
    )


def owners_reasons(counts, *, min_owners: int | None = None, max_share: float | None = None) -> str:
    """:func:`owners_rule` for one group given its respondents per owner (``counts``, e.g. an
    ``np.bincount`` of owner codes): the reason it may not be shown, or "" (also when empty).

    Examples
    --------
    >>> owners_reasons([4, 3, 3]), owners_reasons([9, 1])
    ('', 'respondents from fewer than 3 companies')
    """
    counts = np.asarray(counts, dtype=np.int64).reshape(1, -1)
    if not counts.sum():
        return ""
    k = config.MIN_COMPANIES if min_owners is None else int(min_owners)
    share = config.MAX_COMPANY_SHARE if max_share is None else float(max_share)
    return str(_owner_reasons(counts, k, share)[0])


def group_members(df: pd.DataFrame, group: str, columns: dict[str, str]) -> Members:
    """``{(level, "n"): members of the level, (level, name): those of them who answered
    column}`` for a table of ``group`` levels with one ``name`` per ``columns`` entry
    (``{name: column}``); members are index labels of ``df``."""
    out = Members()
    d = df[df[group].notna()]
    for level, rows in d.groupby(group).groups.items():
        out.add(level, "n", rows, "respondents")
        part = d.loc[rows]
        for name, col in columns.items():
            out.add(level, name, part.index[part[col].notna()], col)
    return out
