"""Publishing a release: the reports, then the release step on top of them.

:func:`general_report` and :func:`batch` build reports (:mod:`.general`, :mod:`.batch`), then
:func:`publish` sets every report of the year against every other (the release audit,
:mod:`.release`, which only checks), hides what would leak and has the reports concerned
rebuilt through :func:`rebuild`, then writes and audits the PDF and PowerPoint files. The
release module never builds a report itself: it is given :func:`rebuild`, so nothing below
this module imports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from ..stats.disclosure import min_size
from .batch import BatchResult, build_batch, written_pages
from .execute import DEFAULT_TIMEOUT
from .formats import parse_formats, write_formats
from .general import build_general_report
from .release import ReleaseResult, drop_other_formats, finish_release
from .release import audit_release as check_and_fix

__all__ = ["general_report", "batch", "publish", "rebuild", "audit_release"]


def general_report(
    year: int,
    *,
    lang: str = "nb",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    min_group_size: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    release: bool = True,
    weighting: str = "respondent",
    formats: tuple[str, ...] | str = ("html",),
    workers: int = 2,
) -> Path:
    """Execute the general report's notebooks and write ``<out>/<year>/general_report.<lang>.html``.

    The section notebooks run ``workers`` at a time (each in a kernel of its own; a slow
    result two sections share is computed once) and are merged in their order.

    ``weighting`` (``respondent``, ``company`` or ``raking``; :func:`ksresearch.survey_weights`)
    weights the report's descriptive tables, and every section with such tables says which
    was used. ``formats`` (``"html,pdf,pptx"``): with ``release``, the PDF and PowerPoint are
    made from the final HTML after the release audit and audited in turn
    (:func:`ksresearch.report.formats.write_formats`); without, the caller makes them after
    its own release step.

    Its ledger goes to ``<out>/<year>/ledger/``; with ``release``, the release audit then sets
    it against every other report of the year (:func:`ksresearch.audit_release`), hides what
    would leak, rebuilds the reports concerned, and raises :class:`ReportError` if the
    release is still unsafe.

    A section notebook declares in its header the roles it needs (``ksresearch: roles:
    [...]``); a section whose roles the year's codebook lacks (e.g. AI and shift work before
    2025) is left out, with one line in the report saying so.

    Parameters
    ----------
    year : int
        The survey year.
    lang : {"nb", "en"}
        The report's language.
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).
    out : str or Path, optional
        The reports folder (default: the project's ``reports/``).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5).
    timeout : int
        Seconds a notebook cell may take.
    release : bool
        Run the release audit afterwards.
    weighting : {"respondent", "company", "raking"}
        The weighting of the descriptive tables.
    formats : str
        The formats to write, e.g. ``"html,pdf,pptx"``.
    workers : int
        Section notebooks run at a time.

    Returns
    -------
    Path
        The HTML report.

    Raises
    ------
    ReportError
        A notebook failed (its executed copy is kept as ``<out>/<year>/failed/<name>.ipynb``)
        or the report failed the audit (nothing is written).

    Examples
    --------
    >>> import ksresearch as ks
    >>> ks.general_report(2025, lang="en")  # doctest: +SKIP
    PosixPath('reports/2025/general_report.en.html')
    """
    from ..data.survey import load

    m = min_size(min_group_size)
    formats = parse_formats(formats)
    path = build_general_report(
        year, lang=lang, data_dir=data_dir, out=out, min_group_size=m, timeout=timeout,
        weighting=weighting, workers=workers,
    )  # fmt: skip
    if release:
        survey = load(year, data_dir, min_group_size=m)
        publish(year, path.parent.parent, data_dir, m, [(path, None)], formats, survey)
    return path


def batch(
    year: int,
    *,
    companies: Iterable[str] | None = None,
    workers: int = 2,
    lang: str = "nb",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    min_group_size: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    release: bool = True,
    weighting: str = "respondent",
    formats: tuple[str, ...] | str = ("html",),
) -> BatchResult:
    """One benchmark report per company into ``<out>/<year>/companies/<company>.html``.

    Companies below the minimum group size get no report (listed in ``not_eligible``). One
    company failing never stops the others: its error is listed, its executed notebook is kept
    under ``companies/failed/``. Reports that exist and are up to date (same data, codebook,
    notebook, parameters and code) are skipped unless ``force``. Kernels start from a fork
    server (see :mod:`ksresearch.report.kernel`) with the libraries already imported.

    Parameters
    ----------
    weighting : {"respondent", "company", "raking"}
        How "all others" are weighted in each report (:func:`ksresearch.benchmark`); raking
        needs headcounts whose margins the respondents can meet, checked before any report.
    executor : {"local", "dask"}
        Run in ``workers`` local threads, or on a Dask cluster at ``scheduler`` (an address,
        or a ``distributed.Client``/``LocalCluster``); the HTML comes back and is audited and
        written here.
    progress : callable, optional
        Called with the number of companies finished so far (e.g. a tqdm ``update``).
    release : bool
        Run the release audit when the batch is done (:func:`ksresearch.audit_release`):
        every report of the year set against every other, leaking cells hidden and the
        reports concerned rebuilt; :class:`ReportError` if the release stays unsafe.
    formats : str or tuple
        ``"html,pdf,pptx"``: with ``release``, each report's PDF and PowerPoint are made from
        its final HTML after the release audit, and audited in turn
        (:func:`company_formats`); without, the caller makes them after its release step.

    Returns
    -------
    BatchResult
        What was written, skipped as up to date, not eligible or failed.

    Examples
    --------
    >>> import ksresearch as ks
    >>> result = ks.batch(2025, workers=2)  # doctest: +SKIP
    >>> result.ok, len(result.written)  # doctest: +SKIP
    (True, 30)
    """
    import time

    from ..data.survey import load
    from .general import out_dir

    start = time.perf_counter()
    m = min_size(min_group_size)
    formats = parse_formats(formats)
    result = build_batch(
        year,
        companies=companies,
        workers=workers,
        lang=lang,
        data_dir=data_dir,
        out=out,
        min_group_size=m,
        timeout=timeout,
        executor=executor,
        scheduler=scheduler,
        force=force,
        progress=progress,
        weighting=weighting,
    )
    if release:
        survey = load(year, data_dir, min_group_size=m)
        root = out_dir(year, out).parent
        publish(year, root, data_dir, m, written_pages(result), formats, survey)
    result.seconds = time.perf_counter() - start
    return result


def audit_release(
    year: int,
    *,
    out: str | Path | None = None,
    data_dir: str | Path | None = None,
    min_group_size: int | None = None,
    fix: bool = True,
    rounds: int = 3,
) -> ReleaseResult:
    """The release audit of ``year`` (:func:`ksresearch.report.release.audit_release`), its
    reports rebuilt by :func:`rebuild` when ``fix``.

    Parameters
    ----------
    year : int
        The survey year.
    out : str or Path, optional
        The reports folder (default: the project's ``reports/``).
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).
    min_group_size : int, optional
        The minimum group (default :data:`ksresearch.config.MIN_GROUP_SIZE`, 5).
    fix : bool
        Hide what would leak and rebuild the reports concerned.
    rounds : int
        Rounds of hiding and rebuilding at most.

    Returns
    -------
    ReleaseResult
        The leaks left (none when safe), what was hidden and rebuilt.

    Examples
    --------
    >>> import ksresearch as ks
    >>> result = ks.audit_release(2025)  # doctest: +SKIP
    >>> result.leaks  # doctest: +SKIP
    []
    """
    return check_and_fix(
        year,
        out=out,
        data_dir=data_dir,
        min_group_size=min_group_size,
        fix=fix,
        rounds=rounds,
        rebuild=rebuild,
    )


def rebuild(meta: dict) -> tuple[Path, str | None, tuple[str, ...]]:
    """Rebuild one report (its ledger's ``meta``) with this release's hidden sets; its HTML,
    company and the formats it had besides HTML (removed: made from the HTML as it was)."""
    page, had = drop_other_formats(meta)
    params = meta["parameters"]
    common = {
        "data_dir": params.get("data_dir"),
        "out": meta["out"],
        "min_group_size": params["min_group_size"],
        "weighting": params.get("weighting", "respondent"),
    }
    if meta["kind"] == "general":
        build_general_report(params["year"], lang=params["lang"], **common)
    elif meta["kind"] == "company":
        build_batch(
            params["year"],
            companies=[params["company"]],
            lang=params["lang"],
            force=True,
            workers=1,
            **common,
        )
    return page, params.get("company"), had


def publish(
    year: int,
    out: Path,
    data_dir,
    m: int,
    pages: list[tuple[Path, str | None]],
    formats: tuple[str, ...],
    survey,
) -> tuple[ReleaseResult, list[Path]]:
    """The one step after a report or a batch: the release audit (:func:`finish_release`),
    then the PDF and PowerPoint (as ``formats`` asks) of ``pages`` (HTML, company or None),
    and again those of every report the audit rebuilt, in the formats it had and those asked
    for (:func:`ksresearch.report.formats.write_formats`). Returns the audit's result and
    the files written."""
    result = finish_release(year, out, data_dir, m, rebuild)
    written = write_formats(pages, formats, survey, min_group_size=m)
    done = {page for page, _ in pages}
    kinds: dict[Path, set[str]] = defaultdict(set)  # a report rebuilt twice: what it first had
    companies: dict[Path, str | None] = {}
    for page, company, had in result.rebuilt_pages:
        if page not in done and page.exists():
            kinds[page] |= {*formats, *had}
            companies[page] = company
    by_kinds: dict[tuple[str, ...], list[tuple[Path, str | None]]] = defaultdict(list)
    for page, wanted in kinds.items():
        by_kinds[tuple(sorted(wanted))].append((page, companies[page]))
    for wanted, more in by_kinds.items():
        written += write_formats(more, wanted, survey, min_group_size=m)
    return result, written
