"""Heatmaps: segments x constructs, each cell a segment's difference from the mean.

In a company report the segments are the company's own (role, tenure, shift work, work
location) and the mean is the company's; in the general report they are industries and size
bands and the mean is everyone's, with company-clustered errors. Every cell is protected as a
table's: the minimum counted on those who answered, complementary suppression within each
segment, and (general report) the companies-per-cell rule (:func:`ksresearch.segment_summary`).
A cell is marked ``significant`` when its difference holds after Holm's correction across all
the cells of the heatmap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.survey import Survey
from ..stats.compare import level_differences
from ..stats.disclosure import InsufficientDataError, Members, min_size
from ..stats.multitest import holm_adjust
from .benchmarking import measure_directions
from .findings import segment_summary
from .prepare import prepare, tracked_constructs

__all__ = ["segment_heatmap", "Heatmap", "COMPANY_SEGMENTS", "GENERAL_SEGMENTS"]

#: The segments of a company report's heatmap, by role.
COMPANY_SEGMENTS = ("job_role", "tenure", "shift_worker", "work_location")
#: The segments of the general report's heatmaps, by role.
GENERAL_SEGMENTS = ("industry", "centre_size")


def segment_heatmap(
    survey: Survey,
    roles: tuple[str, ...] | list[str],
    *,
    company: str | None = None,
    ci: float = 0.95,
    min_group_size: int | None = None,
) -> pd.DataFrame:
    """Differences from the mean of every tracked construct (0-100 index) per segment level.

    Parameters
    ----------
    roles : list of str
        Segment roles (e.g. :data:`COMPANY_SEGMENTS`); those the codebook lacks are skipped.
    company : str, optional
        One company's respondents and mean (a company report); errors per respondent. Without
        it, all respondents, company-clustered errors and the companies-per-cell rule.

    Returns
    -------
    DataFrame
        Rows (``segment``, ``level``): segment ids and codes; columns: constructs; values: the
        level's mean less the mean of all (NaN where hidden). A level hidden in every
        construct is left out (its "–" row would tell that a small group exists), and so is a
        segment with fewer than two levels left (one level would be everyone shown). ``attrs``: ``low``, ``high``
        (the interval, same shape), ``p_adj`` (Holm across every shown cell), ``significant``
        (``p_adj`` < 1 - ``ci``), ``n`` (respondents per row), ``direction`` (per construct:
        +1 where higher is better, -1 where lower is), ``roles`` (segment id -> its role) and
        ``members``.

    Raises
    ------
    InsufficientDataError
        No segment of ``roles`` in the codebook, no construct, or no segment with two levels
        to show.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> table = ks.segment_heatmap(survey, ["job_role", "tenure"])
    >>> list(table.index.names)
    ['segment', 'level']
    """
    cb = survey.codebook
    role_of = {cb.role(r): r for r in roles if not cb.missing_roles([r])}
    segments = list(role_of)
    constructs = tracked_constructs(cb)
    if not segments or not constructs:
        raise InsufficientDataError(f"no segments of {list(roles)} or no constructs to map")
    df = prepare(survey)
    owner = cb.role("company")
    if company is not None:
        df = df[df[owner] == company]
    m = min_size(min_group_size if min_group_size is not None else survey.min_group_size)
    parts = [_segment_part(df, s, constructs, owner, company is None, m, ci) for s in segments]
    parts = [part for part in map(_shown_levels, parts) if part is not None]
    if not parts:
        raise InsufficientDataError(f"no segment of {list(roles)} has two levels to show")
    diff = pd.concat([p[0] for p in parts])
    low, high, p = (pd.concat([part[k] for part in parts]) for k in (1, 2, 3))
    shown = diff.notna() & p.notna()
    adjusted, mask = np.full(p.shape, np.nan), shown.to_numpy()
    if mask.any():
        adjusted[mask] = holm_adjust(p.to_numpy(dtype=float)[mask])
    p_adj = pd.DataFrame(adjusted, index=p.index, columns=p.columns)
    members = Members()
    for part in parts:
        members = members.merge(part[4])
    diff = Heatmap(diff)
    diff.attrs.update(
        low=low.where(shown),
        high=high.where(shown),
        p_adj=p_adj,
        significant=(p_adj < 1 - ci) & shown,
        n=pd.concat([part[5] for part in parts]),
        direction=measure_directions(survey, constructs),
        roles=role_of,
        members=members,
    )
    return diff


class Heatmap(pd.DataFrame):
    """:func:`segment_heatmap`'s result: a DataFrame whose ``attrs`` hold frames too (the
    intervals, adjusted p, significance and sizes of its cells). pandas writes ``attrs`` into
    a Parquet file as JSON, which knows no frame: :meth:`to_parquet` writes each of them as
    its JSON text (``to_json(orient="table")``; ``pd.read_json(io.StringIO(text),
    orient="table")`` reads it back) and the respondents as :data:`Members.TEXT`."""

    @property
    def _constructor(self):
        return Heatmap

    def to_parquet(self, path=None, *args, **kwargs):
        plain = pd.DataFrame(self)
        plain.attrs = {
            key: value.to_json(orient="table")
            if isinstance(value, pd.DataFrame | pd.Series)
            else value
            for key, value in self.attrs.items()
        }
        return plain.to_parquet(path, *args, **kwargs)


def _shown_levels(part: tuple) -> tuple | None:
    """A segment's part without the levels it hides entirely (a row of "–" would tell that a
    group of one to four exists), or None when fewer than two levels are left: one level
    would cover everyone shown, and its difference from the mean would give the hidden
    levels' mean away."""
    diff = part[0]
    keep = diff.notna().any(axis=1).to_numpy()
    if keep.sum() < 2:
        return None
    frames = tuple(frame[keep] for frame in part[:4])
    return (*frames, part[4], part[5][keep])


def _segment_part(df, segment, constructs, owner, clustered, m, ci):
    """One segment's rows: protected means (:func:`segment_summary`) turned into differences
    from the mean, with their intervals and p; the members relabelled (segment, level)."""
    columns = {c: f"{c}_index" for c in constructs}
    table = segment_summary(
        df, segment, columns, min_group_size=m, company=owner if clustered else None
    )
    rows = pd.MultiIndex.from_product([[segment], table.index], names=["segment", "level"])
    every = level_differences(
        df, list(columns.values()), segment, clusters=owner if clustered else None, ci=ci
    )
    hidden = table[list(columns)].isna().to_numpy()
    frames = {}
    for k in ("diff", "low", "high", "p"):
        found = every[k].unstack("outcome").reindex(index=table.index, columns=columns.values())
        values = np.where(hidden, np.nan, found.to_numpy(dtype=float))
        frames[k] = pd.DataFrame(values, index=rows, columns=constructs)
    members = table.attrs["members"].relabel(lambda level, s=segment: (s, level))
    n = pd.Series(table["n"].to_numpy(), index=rows)
    return frames["diff"], frames["low"], frames["high"], frames["p"], members, n
