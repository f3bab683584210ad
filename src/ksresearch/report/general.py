"""The general report: every section notebook of a year, executed, merged, audited, written."""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

from .. import config
from ..stats.disclosure import min_size
from ..study.participation import check_weighting
from .audit import audit_html
from .execute import (
    DEFAULT_TIMEOUT,
    ReportError,
    execute,
    general_notebooks,
    read_notebook,
    time_limit,
)
from .export import check_writable, to_html
from .kernel import KernelServer
from .ledger import ledger_path, take_records, write_report

__all__ = [
    "out_dir",
    "report_parameters",
    "section_roles",
    "missing_needs",
    "left_out_note",
    "report_title",
    "build_general_report",
]


def out_dir(year: int, out: str | Path | None) -> Path:
    return (Path(out) if out is not None else config.REPORTS_DIR) / str(year)


def report_parameters(
    year: int,
    lang: str,
    min_group_size: int,
    data_dir: str | Path | None,
    *,
    weighting: str = "respondent",
    **extra: object,
) -> dict:
    """The notebooks' parameters. The default weighting is the notebooks' own and is left
    out, so that reports made before weighting existed stay up to date."""
    return {
        "year": year,
        "lang": lang,
        "min_group_size": min_group_size,
        "data_dir": str(data_dir) if data_dir else None,
        **({} if weighting == "respondent" else {"weighting": weighting}),
        **extra,
    }


def section_roles(notebook: nbformat.NotebookNode) -> tuple[str | None, list[str]]:
    """The title key and what a section notebook needs, as its header declares it
    (``ksresearch: {title: ai.title, roles: [ai_frequency, ...], constructs: true}``): its
    roles, and ``constructs`` when it needs the questionnaire to have constructs."""
    meta = notebook.metadata.get("ksresearch", {})
    needs = list(meta.get("roles", [])) + (["constructs"] if meta.get("constructs") else [])
    return meta.get("title"), needs


def missing_needs(codebook, needs: list[str]) -> list[str]:
    """What of ``needs`` (roles, or ``constructs``) a codebook lacks."""
    roles = [n for n in needs if n != "constructs"]
    missing = codebook.missing_roles(roles)
    return missing + (["constructs"] if "constructs" in needs and not codebook.constructs else [])


def left_out_note(
    title_key: str | None, missing: list[str], year: int, lang: str
) -> nbformat.NotebookNode:
    """A one-line output cell saying that a section is left out and which roles it lacks."""
    from .present import text

    section = text(title_key, lang) if title_key else ""
    line = text("report.left_out", lang, section=section, year=year, roles=", ".join(missing))
    html_line = f'<p class="ks-text ks-left-out">{html.escape(line)}</p>'
    output = nbformat.v4.new_output(
        "display_data", data={"text/html": html_line, "text/plain": line}
    )
    return nbformat.v4.new_code_cell("", outputs=[output])


def report_title(codebook, year: int, lang: str) -> str:
    """The report's title: the codebook's ``survey:`` name and the year."""
    from .present import text

    return text("report.title", lang, survey=codebook.survey_name(lang), year=year)


def _run_section(
    path: Path, notebook, params: dict, target: Path, timeout: int
) -> nbformat.NotebookNode:
    try:
        return execute(notebook, params, timeout=timeout)
    except ReportError as exc:
        failed = target / "failed" / f"{path.stem}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(exc.notebook, failed)
        raise ReportError(
            f"{path.name} failed ({exc}); executed notebook kept at {failed}", exc.notebook
        ) from exc


def _run_sections(runs: list, params: dict, target: Path, timeout: int, workers: int) -> dict:
    """Execute the sections ``[(path, notebook), ...]``, ``workers`` at a time, each in a
    kernel of its own; ``{path: executed notebook}``. A slow result two sections share is
    made once (:func:`ksresearch.study.cache.once` holds a lock while it computes). The
    first section that fails stops the others not yet started and raises its error; the
    wait for all is bounded by every section's own limit (:func:`time_limit`)."""
    limit = sum(time_limit(notebook, timeout) for _, notebook in runs)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {
            pool.submit(_run_section, path, notebook, params, target, timeout): path
            for path, notebook in runs
        }
        done = {}
        try:
            for future in as_completed(futures, timeout=limit):
                done[futures[future]] = future.result()
        except TimeoutError:
            late = sorted(p.name for f, p in futures.items() if not f.done())
            raise ReportError(f"no answer from {', '.join(late)} within {limit:.0f} s") from None
        return done
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def build_general_report(
    year: int,
    *,
    lang: str = "nb",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    min_group_size: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    weighting: str = "respondent",
    workers: int = 2,
) -> Path:
    """Execute the general report's notebooks and write ``<out>/<year>/general_report.<lang>.html``
    and its ledger, without the release step (:func:`ksresearch.general_report` is this and
    then :func:`ksresearch.report.publish.publish`; the release audit rebuilds with this).
    See :func:`ksresearch.general_report` for the parameters."""
    from ..data.survey import load
    from .present import text

    m = min_size(min_group_size)
    survey = load(year, data_dir, min_group_size=m)
    check_weighting(survey, weighting)
    target = out_dir(year, out)
    params = report_parameters(
        year, lang, m, data_dir, weighting=weighting, release=str(target.parent)
    )
    check_writable(target)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    plan = []  # each section: (path, notebook) to run, or the cell saying it is left out
    for path in general_notebooks():
        notebook = read_notebook(path)
        title_key, roles = section_roles(notebook)
        missing = missing_needs(survey.codebook, roles)
        plan.append(left_out_note(title_key, missing, year, lang) if missing else (path, notebook))
    # trends read last year; the drivers and moderation sections fit statsmodels' models
    with KernelServer([(year, data_dir), (year - 1, data_dir)], preload=("statsmodels.api",)):
        runs = [item for item in plan if isinstance(item, tuple)]
        done = _run_sections(runs, params, target, timeout, workers)
    cells = []
    for item in plan:
        cells.extend(done[item[0]].cells if isinstance(item, tuple) else [item])
    merged = nbformat.v4.new_notebook(
        cells=cells, metadata=read_notebook(general_notebooks()[0]).metadata
    )
    title = report_title(survey.codebook, year, lang)
    records = take_records(merged)
    page = to_html(merged, lang=lang, title=title, toc_title=text("report.toc", lang))
    problems = audit_html(page, survey, company=None, min_group_size=m)
    if problems:
        raise ReportError(
            "the general report failed the audit and was not kept: " + "; ".join(problems)
        )
    path = target / f"general_report.{lang}.html"
    meta = {"report": path.name, "kind": "general", "parameters": params, "out": str(target.parent)}
    write_report(path, page, ledger_path(path, target), records, meta)
    return path
