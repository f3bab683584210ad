"""The ``ksresearch`` command."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .codebook import CodebookError
from .ingest import IngestError

__all__ = ["app", "main"]

app = typer.Typer(
    help="ksresearch: the KS employee index from survey export to findings and reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Folder holding raw/ and processed/ (default: the repository's data/)."
    ),
]
Year = Annotated[int, typer.Option("--year", help="Survey year.")]


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    sav = "sav"


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
    from .synth import write_synth

    try:
        path = write_synth(
            year, seed=seed, data_dir=data_dir, n_companies=companies, fmt=format.value
        )
    except (ValueError, CodebookError) as exc:
        _fail(exc)
    typer.echo(f"wrote {path} (+ codebook.yaml, truth.json)")


@app.command()
def ingest(year: Year, data_dir: DataDir = None) -> None:
    """Validate and clean DATA_DIR/raw/YEAR into DATA_DIR/processed/YEAR; bad rows go to quarantine."""
    from .ingest import ingest as run

    try:
        result = run(year, data_dir)
    except (IngestError, CodebookError) as exc:
        _fail(exc)
    q = result.quality
    typer.echo(f"{q['source']['file']}: {q['rows_raw']} rows -> {q['rows_kept']} kept, "
               f"{q['rows_quarantined']} quarantined")  # fmt: skip
    for reason, count in q["quarantine_reasons"].items():
        typer.echo(f"  quarantined, {reason}: {count}")
    flags = ", ".join(f"{k} {v}" for k, v in q["flags"].items())
    typer.echo(f"  flagged (kept): {flags}")
    typer.echo(f"wrote {result.out_dir}")


def main() -> None:
    app()


if __name__ == "__main__":  # python -m ksresearch.cli
    main()
