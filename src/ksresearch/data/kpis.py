"""Customer KPIs: how each company's customer service performs, to set beside how its
employees answered.

``data/raw/<year>/company_kpis.csv`` (optional, never edited by the project): a header row with
``company`` and any of the KPI columns below, one line per company. A blank cell is a KPI the
company did not report. Read and checked like an export: every problem names the file, line,
column and value, and nothing is written.

========================  ==========================================================  =========
column                    what it is                                                  range
========================  ==========================================================  =========
``oks``                   satisfaction with the contact (OKS), 0-100                  0 to 100
``kti``                   satisfaction with the company (KTI), 0-100                  0 to 100
``nps``                   customers' Net Promoter Score                               -100..100
``fcr``                   first-contact resolution, % of enquiries                    0 to 100
``sick_leave``            sick-leave rate, % of working days                          0 to 100
``staff_turnover``        actual staff turnover in the year, % of staff               0 to 100
========================  ==========================================================  =========
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .readers import IngestError, read_side_table

__all__ = ["KPIS_FILE", "KPI_RANGES", "read_kpis"]

KPIS_FILE = "company_kpis.csv"
#: Each KPI column and the values it may take.
KPI_RANGES = {
    "oks": (0.0, 100.0),
    "kti": (0.0, 100.0),
    "nps": (-100.0, 100.0),
    "fcr": (0.0, 100.0),
    "sick_leave": (0.0, 100.0),
    "staff_turnover": (0.0, 100.0),
}


def read_kpis(path: str | Path, codebook: Codebook, responses: pd.DataFrame) -> pd.DataFrame:
    """Read and check a customer-KPI file against the year's kept responses.

    Returns
    -------
    DataFrame
        ``company`` and the KPI columns given (float, NaN where blank), one row per company.

    Raises
    ------
    IngestError
        No ``company`` column or no KPI column, an unknown column, a value that is not a
        number or lies outside its range, a company not in the export, or a company twice.
    """
    path = Path(path)
    header, rows = read_side_table(path)
    kpis = _header(path, header)
    company = codebook.roles.company
    known = set(responses[company].astype(str))
    records, seen = [], {}
    for line, raw in rows:
        cells = dict(zip(header, raw, strict=True))
        name = cells.get("company", "")
        if name not in known:
            raise IngestError(
                path, "company not in the export (names must be written as in the export)",
                row=line, column="company", value=name,
            )  # fmt: skip
        if name in seen:
            raise IngestError(
                path, f"the same company as line {seen[name]}", row=line, column="company",
                value=name,
            )  # fmt: skip
        seen[name] = line
        record = {"company": name}
        for kpi in kpis:
            record[kpi] = _value(path, line, kpi, cells.get(kpi, ""))
        records.append(record)
    return pd.DataFrame(records, columns=["company", *kpis]).astype({k: "float64" for k in kpis})


def _header(path: Path, header: list[str]) -> list[str]:
    """The KPI columns as the file gives them (the header must also name ``company``)."""
    if "company" not in header:
        raise IngestError(path, "no 'company' column; the header must name company", row=1)
    for name in header:
        if name != "company" and name not in KPI_RANGES:
            raise IngestError(
                path, f"unknown column; use company and KPIs ({', '.join(KPI_RANGES)})",
                row=1, column=name,
            )  # fmt: skip
    kpis = [h for h in header if h != "company"]
    if not kpis:
        raise IngestError(path, f"no KPI column ({', '.join(KPI_RANGES)})", row=1)
    return kpis


def _value(path: Path, line: int, kpi: str, value: str) -> float:
    """A KPI value: a number (decimal comma or point, an optional %) in its range, or NaN."""
    clean = value.replace("\u00a0", "").replace(" ", "").removesuffix("%").replace(",", ".")
    if clean == "":
        return float("nan")
    low, high = KPI_RANGES[kpi]
    # ASCII digits only: float() would take "1e400", "nan", "inf" or Arabic-Indic digits
    number = float(clean) if re.fullmatch(r"-?[0-9]{1,6}(\.[0-9]{1,6})?", clean) else None
    if number is None or not low <= number <= high:
        raise IngestError(
            path, f"{kpi} must be a number from {low:g} to {high:g}", row=line, column=kpi,
            value=value,
        )  # fmt: skip
    return number
