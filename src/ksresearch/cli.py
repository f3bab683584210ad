"""The ``ksresearch`` command."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .data.codebook import CodebookError
from .data.ingestion import IngestError

__all__ = ["app", "main"]

app = typer.Typer(
    help="ksresearch: the KS employee index from survey export to findings and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _absolute(path: Path | None) -> Path | None:
    """A data folder as an absolute path, before any notebook runs (they run in notebooks/)."""
    return None if path is None else path.expanduser().resolve()


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder holding raw/ and processed/ (default: the repository's data/).",
        callback=_absolute,
    ),
]
Year = Annotated[int, typer.Option("--year", help="Survey year.")]


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    sav = "sav"


def _report_extra() -> None:
    """Import the reports' packages before any work: without the [report] extra a command
    says so at once (:func:`main` turns the import error into that message), not after
    loading the survey."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def _fail(exc: Exception) -> None:
    typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2)


@app.command()
def synth(
    year: Year,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same survey).")] = 2025,
    data_dir: DataDir = None,
    companies: Annotated[int, typer.Option("--companies", min=1, help="Number of companies.")] = 30,
    format: Annotated[Format, typer.Option("--format", help="Export format.")] = Format.csv,
) -> None:
    """Generate the synthetic survey of YEAR into DATA_DIR/raw/YEAR (export, codebook, truth.json)."""
    from .data.synth import write_synth

    try:
        path = write_synth(
            year, seed=seed, data_dir=data_dir, n_companies=companies, fmt=format.value
        )
    except (ValueError, CodebookError) as exc:
        _fail(exc)
    typer.echo(f"wrote {path} (+ codebook.yaml, truth.json)")


@app.command()
def ingest(
    year: Year,
    data_dir: DataDir = None,
    no_quality_exclusions: bool = typer.Option(
        False,
        "--no-quality-exclusions",
        help="Flag straight-liners, speeders and duplicate answers, but leave nobody out.",
    ),
) -> None:
    """Validate and clean DATA_DIR/raw/YEAR into DATA_DIR/processed/YEAR; bad rows go to quarantine."""
    from .data.ingestion import ingest as run

    try:
        result = run(year, data_dir, quality_exclusions=not no_quality_exclusions)
    except (IngestError, CodebookError, OSError) as exc:  # OSError: a folder it cannot write
        _fail(exc)
    q = result.quality
    typer.echo(
        f"{q['source']['file']}: {q['rows_raw']} rows -> {q['rows_kept']} kept, "
        f"{q['rows_quarantined']} quarantined"
    )
    for reason, count in q["quarantine_reasons"].items():
        typer.echo(f"  quarantined, {reason}: {count}")
    flags = ", ".join(f"{k} {v}" for k, v in q["flags"].items())
    left_out = ", ".join(q["excluded_flags"]) or "none (--no-quality-exclusions)"
    typer.echo(f"  flagged (kept): {flags}; left out of the analyses: {left_out}")
    typer.echo(f"wrote {result.out_dir}")


codebook_app = typer.Typer(
    help="Draft a codebook from an export, and check an export against its codebook.",
    no_args_is_help=True,
)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("draft")
def codebook_draft(
    export: Annotated[
        Path, typer.Argument(help="The survey tool's export (.csv, .tsv, .xlsx, .sav).")
    ],
    year: Year,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the codebook here (default: print it).")
    ] = None,
    company: Annotated[
        str | None,
        typer.Option("--company", help="The export column holding the company (any column)."),
    ] = None,
    respondent_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="The export column holding the respondent id (default: found by name, "
            "else the file row).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing --out file.")
    ] = False,
) -> None:
    """Draft a codebook for EXPORT from its own metadata; `# TODO` marks what to decide."""
    from .data.draft import DraftError, draft_codebook
    from .data.ingestion import write_text_atomically

    if out is not None and out.exists() and not force:
        _fail(FileExistsError(f"{out} exists; use --force to overwrite it"))
    try:
        draft = draft_codebook(export, year, company=company, respondent_id=respondent_id)
    except (IngestError, DraftError) as exc:
        _fail(exc)
    if out is None:
        typer.echo(draft.text, nl=False)
        return
    try:
        write_text_atomically(out, draft.text)
    except OSError as exc:
        _fail(exc)
    counts = draft.columns["became"].str.split(r"[ .]", regex=True).str[0].value_counts()
    typer.echo(f"wrote {out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    for todo in draft.todo:
        typer.echo(f"  TODO {todo}")
    typer.echo(f"next: edit it, then `ksresearch codebook check --year {year}`")


@codebook_app.command("check")
def codebook_check(year: Year, data_dir: DataDir = None) -> None:
    """Check DATA_DIR/raw/YEAR against its codebook as ingest would; writes nothing."""
    from .data.ingestion import check_export as check

    try:
        result = check(year, data_dir)
    except (IngestError, CodebookError) as exc:
        _fail(exc)
    typer.echo(f"{result.file}: columns")
    typer.echo(_table(result.columns))
    if len(result.values):
        typer.echo("\nvalues no code or label explains (rows that would be kept):")
        typer.echo(_table(result.values))
    typer.echo("\nrows: " + ", ".join(f"{k} {v}" for k, v in result.rows.items()))
    for problem in result.problems:
        typer.secho(f"\nwould stop the ingest: {problem}", fg=typer.colors.RED)
    if not result.ok:
        raise typer.Exit(code=1)
    typer.echo(f"\nok: `ksresearch ingest --year {year}` would go through")


def _table(frame) -> str:
    return frame.to_string(index=False, max_colwidth=60)


class Lang(StrEnum):
    nb = "nb"
    en = "en"


class Weighting(StrEnum):
    respondent = "respondent"
    company = "company"
    raking = "raking"


FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="Formats to write, comma-separated: html (always), pdf, pptx. PDF and PowerPoint "
        "are made from the audited HTML after the release audit, and audited in turn.",
    ),
]


class Executor(StrEnum):
    local = "local"
    dask = "dask"


LangOpt = Annotated[
    Lang, typer.Option("--lang", help="Report language: Norwegian (nb) or English (en).")
]
OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="Folder for reports/<year>/ (default: the repository's reports/)."),
]
MinN = Annotated[
    int, typer.Option("--min-group-size", min=1, help="Smallest group any table may show.")
]
Timeout = Annotated[
    int, typer.Option("--timeout", min=1, help="Seconds a notebook may run before it fails.")
]


@app.command()
def report(
    year: Year,
    lang: LangOpt = Lang.nb,
    data_dir: DataDir = None,
    out: OutDir = None,
    min_group_size: MinN = 5,
    timeout: Timeout = 600,
    weighting: Annotated[
        Weighting,
        typer.Option(
            "--weighting",
            help="How the tables' means and shares are weighted: per respondent, per company, "
            "or raked to the headcounts (headcounts.csv).",
        ),
    ] = Weighting.respondent,
    formats: FormatOpt = "html",
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Section notebooks run at the same time.")
    ] = 2,
) -> None:
    """Execute the report notebooks and write the general report as one HTML file (audited)."""
    _report_extra()
    from .data.survey import load
    from .report.execute import ReportError
    from .report.formats import parse_formats
    from .report.general import build_general_report
    from .report.publish import publish

    try:
        wanted = parse_formats(formats)
        path = build_general_report(
            year,
            lang=lang.value,
            data_dir=data_dir,
            out=out,
            min_group_size=min_group_size,
            timeout=timeout,
            weighting=weighting.value,
            workers=workers,
        )
        typer.echo(f"wrote {path}")
        survey = load(year, data_dir, min_group_size=min_group_size)
        release, written = publish(
            year, path.parent.parent, data_dir, min_group_size, [(path, None)], wanted, survey
        )
        _say_release(release)
        for done in written:
            typer.echo(f"wrote {done}")
    except (ReportError, OSError, ValueError, RuntimeError) as exc:
        _fail(exc)


def _say_release(result) -> None:
    """What the release audit found and did, in a line or a few."""
    typer.echo(
        f"release audit: {len(result.suppressed)} set(s) of respondents hidden, "
        f"{len(result.rebuilt)} report(s) rebuilt, safe ({result.seconds:.1f} s)"
    )
    for fp, reason in result.reasons.items():
        typer.echo(f"  hidden {fp}: {reason}")


def _no_company(year: int, data_dir: Path | None) -> bool:
    """Whether the year's codebook names no company (a missing codebook is the batch's to say)."""
    from . import config
    from .data.codebook import CodebookError, load_codebook

    try:
        return load_codebook(config.codebook_path(year, data_dir)).roles.company is None
    except CodebookError:
        return False


@app.command()
def batch(
    year: Year,
    company: Annotated[
        list[str] | None,
        typer.Option("--company", help="Only these companies (repeat the option)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Reports made at the same time.")
    ] = 2,
    lang: LangOpt = Lang.nb,
    data_dir: DataDir = None,
    out: OutDir = None,
    min_group_size: MinN = 5,
    timeout: Timeout = 600,
    executor: Annotated[
        Executor, typer.Option("--executor", help="Run locally or on a Dask cluster.")
    ] = Executor.local,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo reports that are up to date.")
    ] = False,
    weighting: Annotated[
        Weighting,
        typer.Option(
            "--weighting",
            help="How all others are weighted: per respondent, per company, or raked to the "
            "headcounts (headcounts.csv).",
        ),
    ] = Weighting.respondent,
    formats: FormatOpt = "html",
) -> None:
    """One benchmark report per company into OUT/YEAR/companies/<company>.html (audited)."""
    _report_extra()
    from tqdm import tqdm

    from .report.batch import build_batch as run
    from .report.execute import ReportError
    from .report.formats import parse_formats

    if _no_company(year, data_dir):
        typer.echo(
            f"nothing to benchmark: the {year} codebook names no company (roles.company), a "
            f"survey of one organisation; its report is `ksresearch report --year {year}`"
        )
        return
    bar = tqdm(desc="company reports", unit="report", disable=None)
    try:
        wanted = parse_formats(formats)
        result = run(
            year,
            companies=company,
            workers=workers,
            lang=lang.value,
            data_dir=data_dir,
            out=out,
            min_group_size=min_group_size,
            timeout=timeout,
            executor=executor.value,
            scheduler=scheduler,
            force=force,
            progress=lambda done: bar.update(done - bar.n),
            weighting=weighting.value,
        )
    except (ReportError, OSError, ValueError) as exc:
        bar.close()
        _fail(exc)
    bar.close()
    _say_batch(result)
    if result.written or result.up_to_date:
        try:
            _publish_batch(year, result, wanted, data_dir, out, min_group_size)
        except (ReportError, OSError, ValueError, RuntimeError) as exc:
            _fail(exc)
    if result.failed:
        raise typer.Exit(code=1)


def _publish_batch(year: int, result, formats: tuple[str, ...], data_dir, out, min_group_size: int):
    """The release audit after a batch, then its PDF and PowerPoint files (and those of any
    report the audit rebuilt); say what was done."""
    from .data.survey import load
    from .report.batch import written_pages
    from .report.general import out_dir
    from .report.publish import publish

    survey = load(year, data_dir, min_group_size=min_group_size)
    pages = written_pages(result)
    release, written = publish(
        year, out_dir(year, out).parent, data_dir, min_group_size, pages, formats, survey
    )
    _say_release(release)
    if written:
        typer.echo(f"{len(written)} PDF/PowerPoint file(s) written and audited")


def _say_batch(result) -> None:
    typer.echo(
        f"{len(result.written)} written, {len(result.up_to_date)} up to date, "
        f"{len(result.not_eligible)} skipped, {len(result.failed)} failed in {result.seconds:.1f} s"
    )
    for name, reason in sorted(result.not_eligible.items()):
        typer.echo(f"  skipped {name}: {reason}")
    for name, error in sorted(result.failed.items()):
        typer.secho(f"  FAILED {name}: {error}", err=True, fg=typer.colors.RED)
    if result.written or result.up_to_date:
        folder = next(iter({**result.written, **result.up_to_date}.values())).parent
        typer.echo(f"reports in {folder}")


@app.command()
def audit(
    path: Annotated[
        Path | None, typer.Argument(help="A report HTML file, or a folder of them.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Survey year (default: the release folder's name).")
    ] = None,
    release: Annotated[
        Path | None,
        typer.Option(
            "--release",
            help="A year's release folder (reports/<year>): every report, set against every other.",
        ),
    ] = None,
    data_dir: DataDir = None,
    min_group_size: MinN = 5,
) -> None:
    """Check reports before publishing: no small groups, no other company, no respondent data,
    no code; with --release, also no number derivable by subtracting two reports' cells."""
    from .report.audit import audit as check
    from .report.publish import audit_release

    if path is None and release is None:
        _fail(ValueError("give a report file or folder, or --release reports/<year>"))
    folder = release if release is not None else path
    if year is None:
        if release is None or not release.name.isdigit():
            _fail(ValueError("--year is needed (the folder is not named after a year)"))
        year = int(release.name)
    kinds = ("*.html", "*.pdf", "*.pptx")
    files = sorted(f for k in kinds for f in folder.rglob(k)) if folder.is_dir() else [folder]
    if not files or not files[0].exists():
        _fail(FileNotFoundError(f"{folder}: no HTML reports"))
    bad = 0
    for file in files:
        try:
            problems = check(file, year, data_dir, min_group_size=min_group_size)
        except (FileNotFoundError, ValueError) as exc:
            _fail(exc)
        if problems:
            bad += 1
            typer.secho(f"FAIL {file}: " + "; ".join(problems), fg=typer.colors.RED)
        else:
            typer.echo(f"ok   {file}")
    if release is not None:
        try:
            result = audit_release(
                year,
                out=release.parent,
                data_dir=data_dir,
                min_group_size=min_group_size,
                fix=False,
            )
        except (FileNotFoundError, ValueError) as exc:
            _fail(exc)
        for leak in result.leaks:
            typer.secho(f"LEAK {leak.where}", fg=typer.colors.RED)
        for file in result.unaccounted:
            typer.secho(f"UNACCOUNTED {file}", fg=typer.colors.RED)
        typer.echo(
            f"release {year}: {len(result.leaks)} leak(s) across the reports, "
            f"{len(result.unaccounted)} file(s) no ledger or manifest vouches for "
            f"({result.seconds:.2f} s)"
        )
        bad += len(result.leaks) + len(result.unaccounted)
    if bad:
        raise typer.Exit(code=1)


#: The package a command needs from an extra, and the extra that brings it.
EXTRAS = {"papermill": "report", "nbconvert": "report", "nbformat": "report", "jupytext": "report",
          "jupyter_client": "report", "bs4": "report", "pptx": "report", "pypdf": "report",
          "websocket": "report", "PIL": "report", "dask": "dask", "distributed": "dask"}  # fmt: skip


def main() -> None:
    try:
        app()
    except ModuleNotFoundError as exc:  # an extra not installed: say which, not a traceback
        root = (exc.name or "").split(".")[0]
        extra = EXTRAS.get(root)
        if extra is None:
            raise
        print(f"error: this command needs {root}, which comes with ksresearch's [{extra}] "
              f"extra: pip install 'ksresearch[{extra}]'", file=sys.stderr)  # fmt: skip
        raise SystemExit(2) from None


if __name__ == "__main__":  # python -m ksresearch.cli
    main()
