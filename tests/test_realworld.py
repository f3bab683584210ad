"""The real exports in ``../shared/realworld/`` (files nobody on this project wrote, see its
README): each goes ``codebook draft`` -> a patch of at most 15 YAML lines -> ``codebook check``
-> ``ingest``, with no traceback; check and ingest agree; kept + quarantined = raw; and every
kept cell equals the raw file read independently (pandas / pyreadstat), dates included.

Skipped when the folder is absent (a fresh clone without ``shared/``); the files are never
committed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app
from tests.test_draft import _merge

REAL = Path(__file__).resolve().parents[2] / "shared" / "realworld"
YEAR = 2025
RUN = CliRunner()

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realworld is absent")

#: file -> the human decisions, as a YAML patch (at most 15 lines each).
PATCHES = {
    "qualtrics_covid_pulse.csv": """
constructs:
  climate: {label: {nb: Klima, en: Climate}, min_items: 3}
items:
  - {id: q1, construct: climate}
  - {id: q3, construct: climate}
  - {id: q5, construct: climate}
  - {id: q7, construct: climate}
  - {id: q9, construct: climate}
""",
    "qualtrics_sme_cyber.csv": "",
    "qualtrics_jdr_numeric.csv": "",
    "qualtrics_qualtRics_sample.csv": "",
    "prevent_osa_sweden.sav": "",
    "unete_chile_multiorg.sav": """
constructs:
  satisfaction: {label: {nb: Tilfredshet, en: Satisfaction}, min_items: 3}
""",
}


def _satisfaction_items(cb: dict) -> list[str]:
    """The Chilean file's items on its satisfaction scale (Muy insatisfecho .. Muy satisfecho)."""
    scale = next(
        sid
        for sid, s in cb["scales"].items()
        if s["labels"].get(5, {}).get("en") == "Very satisfied"
    )
    return [i["id"] for i in cb["items"] if i.get("scale") == scale]


def _bring(tmp_path: Path, name: str) -> tuple[Path, dict]:
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    export = raw / name
    export.write_bytes((REAL / name).read_bytes())
    cb_path = raw / "codebook.yaml"
    drafted = RUN.invoke(app, ["codebook", "draft", str(export), "--year", str(YEAR), "--out", str(cb_path)])  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    assert "Traceback" not in drafted.output
    cb = yaml.safe_load(cb_path.read_text(encoding="utf-8"))
    patch = PATCHES[name]
    assert len(patch.strip().splitlines()) <= 15
    cb = _merge(cb, yaml.safe_load(patch) or {})
    if name == "unete_chile_multiorg.sav":
        cb["items"] = [
            {**i, "construct": "satisfaction"} if i["id"] in _satisfaction_items(cb) else i
            for i in cb["items"]
        ]
    cb_path.write_text(yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path, cb


def _independent(name: str) -> tuple[pd.DataFrame, dict]:
    """The raw file read by another reader: pandas' csv (header row 1, Qualtrics' two more
    header rows dropped) or pyreadstat with its value labels."""
    path = REAL / name
    if path.suffix == ".sav":
        import pyreadstat

        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
        return df, meta.variable_value_labels
    df = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
    header = list(df.iloc[0])
    df = df.iloc[3:].reset_index(drop=True)
    seen: dict[str, int] = {}
    names = []
    for h in header:  # repeated export tags: the second Q3 is Q3#2
        seen[h] = seen.get(h, 0) + 1
        names.append(h if seen[h] == 1 else f"{h}#{seen[h]}")
    df.columns = names
    return df, {}


@pytest.mark.parametrize("name", list(PATCHES))
def test_real_export_drafts_checks_and_ingests_to_the_same_cells(tmp_path, name):
    data, cb = _bring(tmp_path, name)
    checked = RUN.invoke(app, ["codebook", "check", "--year", str(YEAR), "--data-dir", str(data)])  # fmt: skip
    ingested = RUN.invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(data)])
    for result in (checked, ingested):
        assert (
            "Traceback" not in result.output
            and result.exception is None
            or isinstance(result.exception, SystemExit)
        ), result.output
    # check and ingest agree
    assert (checked.exit_code == 0) == (ingested.exit_code == 0), checked.output + ingested.output
    assert ingested.exit_code == 0, ingested.output
    out = data / "processed" / str(YEAR)
    kept = pd.read_parquet(out / "responses.parquet")
    quarantine = pd.read_parquet(out / "quarantine.parquet")
    raw, labels = _independent(name)
    assert len(kept) + len(quarantine) == len(raw)
    codebook = ks.load_codebook(data / "raw" / str(YEAR) / "codebook.yaml")
    # the ignored columns (personal data among them) reach no processed file
    for file in out.glob("*.parquet"):
        assert not set(codebook.ignore) & set(pd.read_parquet(file).columns), file.name
    _cells_equal(kept, quarantine, raw, labels, codebook, name)


def _row_of(kept: pd.DataFrame, raw: pd.DataFrame, codebook, name: str) -> np.ndarray:
    """The raw row of each kept respondent."""
    rid = codebook.meta.respondent_id
    if rid.computed:
        first = 4 if name.endswith(".csv") else 2  # Qualtrics: three header rows
        return kept["respondent_id"].astype(int).to_numpy() - first
    ids = raw[rid.export].astype(str).str.strip()
    last = {v: i for i, v in enumerate(ids)}
    return np.array([last[v] for v in kept["respondent_id"]])


def _cells_equal(kept, quarantine, raw, labels, codebook, name) -> None:
    rows = _row_of(kept, raw, codebook, name)
    checked = 0
    for col in codebook.columns:
        if col.export is None or col.export not in raw.columns:
            continue
        ours = kept[col.name]
        theirs = raw[col.export].iloc[rows].reset_index(drop=True)
        if col.dtype == "datetime":
            want = _independent_dates(theirs)
            got = ours.reset_index(drop=True)
            both = want.notna()
            assert (got[both] == want[both]).all(), col.name
        elif col.dtype == "string" and col.kind == "segment" and col.export in labels:
            names = {float(k): v for k, v in labels[col.export].items()}
            want = theirs.map(lambda v, names=names: names.get(v) if pd.notna(v) else None)
            assert (ours.fillna("").astype(str) == want.fillna("").astype(str)).all(), col.name
        elif col.dtype == "string":
            want = theirs.map(lambda v: pd.isna(v) or str(v).strip() == "")
            assert (ours.isna().to_numpy() == want.to_numpy()).all(), col.name
        else:
            got = pd.to_numeric(ours, errors="coerce").astype(float)
            want = _independent_numbers(theirs, col, codebook)
            both = got.notna()
            assert np.allclose(got[both].to_numpy(), want[both].to_numpy()), col.name
        checked += 1
    assert checked > 0


def _independent_numbers(theirs: pd.Series, col, codebook) -> pd.Series:
    """Codes from the raw cells: numbers as they stand, or answer texts by the scale's labels."""
    lookup = {" ".join(str(t).split()).casefold(): c for c, t in col.labels}

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            return np.nan
        try:
            return float(str(v).replace(",", "."))
        except ValueError:
            return float(lookup.get(" ".join(str(v).split()).casefold(), np.nan))

    out = theirs.map(one).astype(float).reset_index(drop=True)
    if col.chosen is not None:  # an option column marked with its own code when chosen
        out = out.mask(out == col.chosen, 1.0)
    return out


def _independent_dates(theirs: pd.Series) -> pd.Series:
    """m/d/y h:mm (the US Excel re-save) or ISO, parsed here without the library."""

    def one(v):
        text = str(v).strip()
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2,4})(?: (\d{1,2}):(\d{2}))?", text)
        if m:
            mo, d, y, hh, mm = m.groups()
            y = int(y) + (2000 if len(y) == 2 else 0)
            return pd.Timestamp(y, int(mo), int(d), int(hh or 0), int(mm or 0))
        try:
            return pd.Timestamp(text)
        except ValueError:
            return pd.NaT

    return theirs.map(one).reset_index(drop=True)


@pytest.mark.slow
def test_the_multi_employer_file_gives_a_general_report_and_a_report_per_employer(tmp_path):
    """The Chilean SPSS file: its employer column (value labels) is the company, and the
    general report and every employer's report are written with no failure."""
    name = "unete_chile_multiorg.sav"
    data, cb = _bring(tmp_path, name)
    company = next(s for s in cb["segments"] if s["id"] == "company")
    labels = {v["nb"] for v in company["values"].values()}
    assert {"BBVA", "Banco Chile", "Municipalidad de Temuco"} <= labels
    assert RUN.invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(data)]).exit_code == 0
    out = tmp_path / "reports"
    general = RUN.invoke(app, ["report", "--year", str(YEAR), "--data-dir", str(data), "--lang", "en", "--out", str(out)])  # fmt: skip
    assert general.exit_code == 0, general.output
    page = (out / str(YEAR) / "general_report.en.html").read_text(encoding="utf-8")
    assert "Satisfaction" in page
    batch = RUN.invoke(app, ["batch", "--year", str(YEAR), "--data-dir", str(data), "--out", str(out), "--workers", "2"])  # fmt: skip
    assert batch.exit_code == 0 and " 0 failed" in batch.output, batch.output
    written = list((out / str(YEAR) / "companies").glob("*.html"))
    assert len(written) >= 8
    # each employer's report has the theme and question results and its focus areas
    for key in ("questions.title", "questions.focus"):
        heading = ks.report.present.text(key, "nb")
        assert all(heading in p.read_text(encoding="utf-8") for p in written), key
    assert "Results by theme" in page and "Results by group" in page


ONE_ORGANISATION = [n for n in PATCHES if n != "unete_chile_multiorg.sav"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ONE_ORGANISATION)
def test_a_real_survey_of_one_organisation_gets_every_question_in_its_report(tmp_path, name):
    """No employer column: the general report is written, and every rating, choice and
    numeric question of the drafted codebook is in it by its text."""
    from bs4 import BeautifulSoup

    data, _ = _bring(tmp_path, name)
    assert RUN.invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(data)]).exit_code == 0
    out = tmp_path / "reports"
    general = RUN.invoke(app, ["report", "--year", str(YEAR), "--data-dir", str(data), "--lang", "en", "--out", str(out)])  # fmt: skip
    assert general.exit_code == 0 and "Traceback" not in general.output, general.output
    page = (out / str(YEAR) / "general_report.en.html").read_text(encoding="utf-8")
    shown = " ".join(BeautifulSoup(page, "html.parser").get_text(" ").split())
    codebook = ks.load_codebook(data / "raw" / str(YEAR) / "codebook.yaml")
    questions = [" ".join(i.text.en.split()) for i in codebook.items if i.type != "text"]
    assert questions or name == "qualtrics_qualtRics_sample.csv"  # one test response: no item
    assert [q for q in questions if q not in shown] == []
    batch = RUN.invoke(app, ["batch", "--year", str(YEAR), "--data-dir", str(data), "--out", str(out)])  # fmt: skip
    assert batch.exit_code == 0 and "nothing to benchmark" in batch.output
