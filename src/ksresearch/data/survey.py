"""A processed survey year: the responses with their codebook, as the analyses read them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import config
from .codebook import Codebook, load_codebook

__all__ = ["Survey", "load", "try_load", "keep_warm"]


@dataclass
class Survey:
    """A processed survey year as :func:`load` returns it.

    Parameters
    ----------
    responses, codebook, quality, dont_know, quarantine, path, min_group_size, cache, comments, headcounts, kpis
        As :func:`load` reads them from ``processed/<year>/``.

    Examples
    --------
    >>> import ksresearch as ks
    >>> survey = ks.example_survey()
    >>> survey.year, survey.codebook.survey.en, len(survey.responses) > 0
    (2025, 'KS employee index', True)
    """

    responses: pd.DataFrame
    codebook: Codebook
    quality: dict = field(default_factory=dict)
    dont_know: pd.DataFrame | None = None
    quarantine: pd.DataFrame | None = None
    path: Path | None = None  # the processed folder it was loaded from
    #: the minimum group size every analysis of this survey applies (None: the configured 5)
    min_group_size: int | None = None
    #: results derived from the responses alone (such as ``prepare``'s), kept for reuse
    cache: dict = field(default_factory=dict, repr=False, compare=False)
    #: the free-text answers, redacted at ingest (``comments.parquet``)
    comments: pd.DataFrame | None = None
    #: how many each company invited (``headcounts.parquet``, from ``headcounts.csv``)
    headcounts: pd.DataFrame | None = None
    #: each company's customer KPIs (``company_kpis.parquet``, from ``company_kpis.csv``)
    kpis: pd.DataFrame | None = None

    @property
    def year(self) -> int:
        return self.codebook.year

    def __repr__(self) -> str:
        """One line a reader can take in: the year, the survey's name, how many answered
        (and were set aside), the companies, the questions and themes, where it came from."""
        cb = self.codebook
        companies = (
            f", {self.responses[cb.role('company')].nunique()} companies"
            if cb.has_roles("company") and cb.role("company") in self.responses
            else ""
        )
        set_aside = len(self.quarantine) if self.quarantine is not None else 0
        questions = sum(item.type != "text" for item in cb.items)
        where = f"; {self.path}" if self.path is not None else ""
        return (
            f"Survey({self.year} {cb.survey_name('en') or cb.survey_name('nb')!r}: "
            f"{len(self.responses):,} responses "
            f"({set_aside:,} quarantined){companies}, {questions} questions in "
            f"{len(cb.constructs)} themes{where})"
        )


def load(
    year: int, data_dir: str | Path | None = None, *, min_group_size: int | None = None
) -> Survey:
    """The processed responses of ``year`` together with their codebook.

    Parameters
    ----------
    year : int
        Survey year (ingested before with ``ksresearch ingest``).
    data_dir : str or Path, optional
        Folder holding ``raw/`` and ``processed/``; defaults to the repository's ``data/``.
    min_group_size : int, optional
        The minimum group size the analyses of this survey apply (default: the configured 5).

    Returns
    -------
    Survey
        ``responses`` (DataFrame), ``codebook``, ``quality`` (dict), ``dont_know``,
        ``quarantine``, ``comments``, ``headcounts`` and ``kpis`` (DataFrames; headcounts and
        kpis None without a ``headcounts.csv`` or a ``company_kpis.csv``).

    Examples
    --------
    >>> import tempfile
    >>> import ksresearch as ks
    >>> folder = tempfile.mkdtemp()
    >>> _ = ks.write_synth(2025, seed=1, data_dir=folder, n_companies=3)
    >>> _ = ks.ingest(2025, folder)
    >>> survey = ks.load(2025, folder)
    >>> survey.year, len(survey.responses) == survey.quality["rows_kept"]
    (2025, True)
    """
    warm = _warm_copy(year, data_dir, min_group_size)
    if warm is not None:
        return warm
    out = config.processed_dir(year, data_dir)
    need = ["responses.parquet", "quality.json"]
    missing = [f for f in need if not (out / f).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{out}: no processed data ({', '.join(missing)} missing); "
            f"run `ksresearch ingest --year {year}` first"
        )
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    codebook = load_codebook(config.codebook_path(year, data_dir))
    if quality.get("codebook_sha256") and quality["codebook_sha256"] != codebook.checksum:
        raise ValueError(
            f"{config.codebook_path(year, data_dir)} changed after {out} was made; "
            f"run `ksresearch ingest --year {year}` again"
        )

    def opt(name: str) -> pd.DataFrame | None:
        return pd.read_parquet(out / name) if (out / name).is_file() else None

    return Survey(
        pd.read_parquet(out / "responses.parquet"),
        codebook,
        quality,
        opt("dont_know.parquet"),
        opt("quarantine.parquet"),
        out,
        min_group_size,
        comments=opt("comments.parquet"),
        headcounts=opt("headcounts.parquet"),
        kpis=opt("company_kpis.parquet"),
    )


#: Surveys kept loaded in this process by :func:`keep_warm`: {(year, folder): (stamp, survey)}
_WARM: dict[tuple[int, Path], tuple[tuple, Survey]] = {}
_FILES = (
    "responses.parquet",
    "quality.json",
    "dont_know.parquet",
    "quarantine.parquet",
    "comments.parquet",
    "headcounts.parquet",
    "company_kpis.parquet",
)


def _stamp(year: int, data_dir: str | Path | None) -> tuple:
    """What identifies the files a load reads: their sizes and modification times."""
    out = config.processed_dir(year, data_dir)
    files = [out / name for name in _FILES] + [config.codebook_path(year, data_dir)]
    return tuple((f.stat().st_mtime_ns, f.stat().st_size) if f.is_file() else None for f in files)


def keep_warm(year: int, data_dir: str | Path | None = None) -> Survey:
    """Load ``year`` and keep it in this process: a later :func:`load` of the same, unchanged
    files returns it without reading them again (a copy of the survey object sharing its data).

    For the report kernels' fork server (:mod:`ksresearch.report.kernel`): each kernel forked
    from it finds the year already read; no kernel's changes reach another.
    """
    stamp = _stamp(year, data_dir)
    survey = load(year, data_dir)
    _WARM[(year, config.processed_dir(year, data_dir))] = (stamp, survey)
    return survey


def _warm_copy(year: int, data_dir, min_group_size: int | None) -> Survey | None:
    kept = _WARM.get((year, config.processed_dir(year, data_dir)))
    if kept is None or kept[0] != _stamp(year, data_dir):
        return None
    survey = kept[1]
    return replace(survey, min_group_size=min_group_size, cache=dict(survey.cache))


def try_load(year: int, data_dir: str | Path | None = None, **kwargs) -> Survey | None:
    """:func:`load` the year if it has been ingested, else None (e.g. last year, for trends).

    Parameters
    ----------
    year : int
        The survey year.
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).
    **kwargs
        Passed to :func:`load` (e.g. ``min_group_size``).

    Returns
    -------
    Survey or None
        The survey, or None when the year has not been ingested.

    Examples
    --------
    >>> import tempfile
    >>> try_load(1999, tempfile.mkdtemp()) is None
    True
    """
    if not (config.processed_dir(year, data_dir) / "responses.parquet").is_file():
        return None
    return load(year, data_dir, **kwargs)
