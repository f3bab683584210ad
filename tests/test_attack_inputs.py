"""Inputs from an attack round that ended in tracebacks or in values read shifted: each now
ends in ``error:`` and exit 2 naming the file, line and value (or reads right)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app

RUN = CliRunner()


def _ingest_fails(data: Path, *needles: str) -> str:
    result = RUN.invoke(app, ["ingest", "--year", "2025", "--data-dir", str(data)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert not (data / "processed" / "2025").exists()
    check = RUN.invoke(app, ["codebook", "check", "--year", "2025", "--data-dir", str(data)])
    assert check.exit_code in (1, 2) and "Traceback" not in check.output
    assert all(n in check.output for n in needles), check.output
    return result.output


def _side(data: Path, name: str) -> Path:
    return data / "raw" / "2025" / name


def test_kpis_with_more_fields_than_the_header_are_refused_not_read_shifted(raw_2025):
    kpis = _side(raw_2025, "company_kpis.csv")
    first = kpis.read_text(encoding="utf-8-sig").splitlines()[1].split(";")[0]
    # comma-separated with decimal commas: "94,8" would become oks 94, kti 8
    kpis.write_text(f"company,oks,kti\n{first},94,8,86,3\n", encoding="utf-8")
    _ingest_fails(
        raw_2025, "company_kpis.csv", "line 2", "5 fields where the header has 3", "decimal comma"
    )


@pytest.mark.parametrize("value", ["1e400", "nan", "inf", "\u0669\u0664"])
def test_a_kpi_is_read_from_ascii_digits_only(raw_2025, value):
    kpis = _side(raw_2025, "company_kpis.csv")
    first = kpis.read_text(encoding="utf-8-sig").splitlines()[1].split(";")[0]
    kpis.write_text(f"company;oks\n{first};{value}\n", encoding="utf-8")
    _ingest_fails(raw_2025, "line 2", "oks must be a number", repr(value))


@pytest.mark.parametrize("value", ["4\u00b2", "9" * 400, "\u0663"])
def test_a_headcount_is_a_whole_number_of_ascii_digits(raw_2025, value):
    counts = _side(raw_2025, "headcounts.csv")
    lines = counts.read_text(encoding="utf-8-sig").splitlines()
    parts = lines[1].split(";")
    lines[1] = ";".join([*parts[:-1], value])
    counts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _ingest_fails(raw_2025, "headcounts.csv", "line 2", "invited must be a whole number")


def test_headcounts_with_a_separator_in_a_value_are_refused(raw_2025):
    counts = _side(raw_2025, "headcounts.csv")
    lines = counts.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2] + ";12"
    counts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _ingest_fails(raw_2025, "headcounts.csv", "line 3", "4 fields where the header has 3")


def test_a_key_given_twice_in_the_codebook_is_refused_naming_both_lines(raw_2025):
    path = _side(raw_2025, "codebook.yaml")
    text = path.read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("  stress: {"))
    text = text.replace(
        "  stress: {min_items: 2, higher_is_better: false,",
        "  stress: {min_items: 2, higher_is_better: false, higher_is_better: true,",
    )
    path.write_text(text, encoding="utf-8")
    _ingest_fails(
        raw_2025, "codebook.yaml", "'higher_is_better' is given twice", f"lines {line} and {line}"
    )


def test_a_number_too_long_in_the_codebook_is_refused(raw_2025):
    path = _side(raw_2025, "codebook.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^  stress: \{min_items: 2", "  stress: {min_items: " + "9" * 5000, text), encoding="utf-8")  # fmt: skip
    _ingest_fails(raw_2025, "codebook.yaml", "a number too long")


def test_a_scale_wider_than_a_rating_is_refused(raw_2025):
    path = _side(raw_2025, "codebook.yaml")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  agree5:\n(?:    .*\n)*?    max: )5$", r"\g<1>1000", text)
    path.write_text(text, encoding="utf-8")
    _ingest_fails(raw_2025, "codebook.yaml", "a rating has at most 101")


def test_a_header_longer_than_the_csv_field_limit_is_read(tmp_path):
    """Long question texts in the header: over 131,072 characters on one line (the csv
    module's field limit, where reading the header as one field to sniff its separator broke)."""
    raw = tmp_path / "raw" / "2025"
    raw.mkdir(parents=True)
    k = 400
    long = " Tenk på de siste tolv månedene i kundesenteret og svar så ærlig du kan." * 5
    names = [f"Påstand {j:04d}.{long}" for j in range(k)]
    header = ";".join(["ID", "Virksomhet", *names])
    assert len(header) > 131_072
    rows = [";".join([str(i), "Alfa AS" if i % 2 else "Beta AS", *(str(1 + (i + j) % 5) for j in range(k))]) for i in range(1, 13)]  # fmt: skip
    export = raw / "export.csv"
    export.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    drafted = RUN.invoke(app, ["codebook", "draft", str(export), "--year", "2025", "--out", str(raw / "codebook.yaml")])  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    result = ks.ingest(2025, tmp_path)
    assert result.responses.shape[0] == 12
    assert len(ks.load_codebook(raw / "codebook.yaml").items) == k


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("general_report.nb.pdf", "not a readable PDF"),
        ("general_report.nb.pptx", "not a readable PowerPoint file"),
    ],
)
def test_a_damaged_report_given_to_the_audit_is_named(synth_data, tmp_path, name, message):
    folder = tmp_path / "reports" / "2025"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(b"%PDF-1.7\n garbage cut off here")
    result = RUN.invoke(app, ["audit", str(folder / name), "--year", "2025", "--data-dir", str(synth_data)])  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith("error:") and name in result.output and message in result.output


def test_a_damaged_ledger_given_to_the_release_audit_is_named(synth_data, tmp_path):
    folder = tmp_path / "reports" / "2025"
    (folder / "ledger").mkdir(parents=True)
    (folder / "general_report.nb.html").write_text("<html><body></body></html>", encoding="utf-8")
    (folder / "ledger" / "general_report.nb.json").write_text("{not json", encoding="utf-8")
    result = RUN.invoke(app, ["audit", "--release", str(folder), "--data-dir", str(synth_data)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "general_report.nb.json: not a readable ledger" in result.output
