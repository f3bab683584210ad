"""Exports as the tools write them go in: Qualtrics CSV, SurveyXact SPSS, Microsoft Forms XLSX
and a Norwegian Excel re-save, each with the codebook a researcher writes for it by hand. Every
kept cell equals the truth; non-responses are set aside with their reason; nobody is lost to
one bad cell; kept + quarantined = raw; re-runs are byte-identical. (Drafted codebooks, and the
reports made from each export, are in test_draft.py.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import ksresearch as ks
from tests import exports as X

YEAR = 2025


def _setup(tmp_path: Path, writer, name: str, cb: dict) -> tuple[Path, pd.DataFrame]:
    t = X.truth()
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    writer(t, raw / name)
    (raw / "codebook.yaml").write_text(
        yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return tmp_path, t


def _shapes() -> dict:
    """For each tool: its writer, file name, the codebook a researcher writes, and how the
    truth's respondent ids appear in the export."""
    qualtrics = X.codebook(
        YEAR,
        sources={"company": "Virksomhet", "team": "Q2", "q1": "Q3_1", "q2": "Q3_2", "q3": "Q3_3",
                 "nps": "Q4", "channels": "Q5", "comment": "Q6"},
        meta={"respondent_id": {"id": "respondent_id", "source": "ResponseId"},
              "submitted_at": {"id": "submitted_at", "source": "RecordedDate"},
              "started_at": {"id": "started_at", "source": "StartDate"},
              "duration": {"id": "duration_sec", "source": "Duration (in seconds)"}},
        dont_know=(6,),
        delimiter=",",
        ignore=["EndDate", "IPAddress", "Progress", "Finished", "Location*", "UserLanguage"],
        responses={"column": "Status", "values": [0], "min_answered": 0.5},
    )  # fmt: skip
    forms = X.codebook(
        YEAR,
        sources={k: X.QUESTIONS[k] for k in ("company", "team", "q1", "q2", "q3", "nps", "channels", "comment")},
        meta={"respondent_id": {"id": "respondent_id", "source": "ID"},
              "submitted_at": {"id": "submitted_at", "source": "Completion time"},
              "started_at": {"id": "started_at", "source": "Start time"},
              "duration": {"id": "duration_sec", "computed": True}},
        delimiter=";",
        ignore=["Email", "Name"],
    )  # fmt: skip
    sav = X.codebook(
        YEAR,
        sources={"company": "s_1", "team": "s_2", "q1": "s_3", "q2": "s_4", "q3": "s_5", "nps": "s_6",
                 "channels": "s_7", "comment": "s_8"},
        meta={"respondent_id": {"id": "respondent_id", "source": "respondent"},
              "submitted_at": {"id": "submitted_at", "source": "closetime"},
              "started_at": {"id": "started_at", "source": "starttime"},
              "duration": {"id": "duration_sec", "computed": True}},
        ignore=["email"],
        responses={"column": "statoverall_4", "values": [1]},
    )  # fmt: skip
    excel = X.codebook(YEAR, dont_know=(9,))
    excel["scales"]["agree5"]["labels"][9] = {"nb": "Vet ikke", "en": "Don't know"}
    return {
        "qualtrics": (X.write_qualtrics, "export.csv", qualtrics, 3 + 1),
        "forms": (X.write_forms, "svar.xlsx", forms, 0),
        "surveyxact": (X.write_surveyxact_sav, "data.sav", sav, 6),
        "excel": (X.write_excel_csv, "responses.csv", excel, 0),
    }


SHAPES = _shapes()


def _sha(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("tool", list(SHAPES))
def test_export_goes_in_and_every_kept_cell_equals_the_truth(tmp_path, tool):
    writer, name, cb, non_responses = SHAPES[tool]
    data, t = _setup(tmp_path, writer, name, cb)
    before = _sha(data / "raw" / str(YEAR))
    res = ks.ingest(YEAR, data)
    assert _sha(data / "raw" / str(YEAR)) == before  # raw data is only read
    got = res.responses
    if tool == "forms":  # Forms numbers the rows; the truth's ids are not in the file
        got = got.assign(respondent_id=t["id"].to_numpy())
    got = got.set_index("respondent_id").loc[t["id"]]
    assert len(got) == len(t)  # everyone kept: no one lost to a bad cell
    assert list(got["company"]) == list(t["company"])  # names, never codes
    assert (got["team"].to_numpy() == t["team"].to_numpy()).all()
    for q in ("q1", "q2", "q3"):  # "don't know" is missing, and remembered
        want = t[q].astype("float64").to_numpy()
        np.testing.assert_array_equal(got[q].astype("float64").to_numpy(), want, err_msg=q)
    np.testing.assert_array_equal(got["nps"].to_numpy(dtype=float), t["nps"].to_numpy(dtype=float))
    for c in range(1, 5):
        np.testing.assert_array_equal(
            got[f"channels_{c}"].to_numpy(dtype=float), t[f"channels_{c}"].to_numpy(dtype=float)
        )
    assert list(got["comment"].fillna("")) == list(t["comment"])
    assert got["duration_sec"].between(100, 1000).all()
    dk = t[["q1", "q2", "q3"]].isna().sum().sum()
    assert len(res.dont_know) == dk > 0
    q = res.quarantine
    assert (q["reason_code"] == "not_a_response").sum() == non_responses
    assert res.quality["rows_raw"] == len(got) + len(q)
    assert res.cell_issues.empty
    rerun = ks.ingest(YEAR, data)
    assert rerun.quality == res.quality
    out = data / "processed" / str(YEAR)
    first = _sha(out)
    ks.ingest(YEAR, data)
    assert _sha(out) == first  # byte-identical re-runs
    ignored = {"qualtrics": 7, "forms": 2, "surveyxact": 1, "excel": 0}[tool]
    assert len(res.quality["ignored_columns"]) == ignored


def test_an_unmapped_column_stops_with_the_ignore_line(tmp_path):
    writer, name, cb, _ = SHAPES["qualtrics"]
    cb = dict(cb, ignore=[p for p in cb["ignore"] if p != "IPAddress"])
    data, _ = _setup(tmp_path, writer, name, cb)
    with pytest.raises(
        ks.IngestError, match=r"neither in the codebook nor ignored: \['IPAddress'\]"
    ) as err:
        ks.ingest(YEAR, data)
    assert 'ignore: ["IPAddress"]' in str(err.value)
    assert not (data / "processed").exists()


def test_dont_know_at_the_next_code_undeclared_stops_with_the_hint(tmp_path):
    writer, name, cb, _ = SHAPES["qualtrics"]
    cb["scales"]["agree5"]["dont_know"] = []
    cb["scales"]["agree5"]["labels"].pop(6)
    data, t = _setup(tmp_path, writer, name, cb)
    with pytest.raises(
        ks.IngestError, match=r"the value '6' appears \d+ times in \['q\d', 'q\d', 'q\d'\]"
    ) as err:
        ks.ingest(YEAR, data)
    assert "add 6 to `scales.agree5.dont_know`" in str(err.value)


def test_a_company_given_as_a_code_never_passes(tmp_path):
    writer, name, cb, _ = SHAPES["excel"]
    data, t = _setup(tmp_path, writer, name, cb)
    p = data / "raw" / str(YEAR) / name
    p.write_bytes(p.read_bytes().decode("cp1252").replace(" Alfa Kundeservice AS ", "1").replace(" Beta Energi AS ", "2")
                  .replace(" Gamma Bank ASA ", "3").replace(" Delta Reiser AS ", "4").encode("cp1252"))  # fmt: skip
    with pytest.raises(ks.IngestError, match=r"the company column 'company' holds codes"):
        ks.ingest(YEAR, data)


@pytest.mark.parametrize("writer", [X.write_forms, X.write_surveyxact_xlsx])
def test_xlsx_read_with_calamine_equals_openpyxl(tmp_path, writer):
    from ksresearch.data.readers import _cell_text

    path = writer(X.truth(), tmp_path / "export.xlsx")
    got, _ = ks.read_export(path)
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    data = [df for name, df in sheets.items() if name.startswith("Dataset")] or [
        next(iter(sheets.values()))
    ]
    want = pd.concat(data, axis=1)
    assert list(got.columns) == list(want.columns)

    def text(frame: pd.DataFrame) -> list[list[str]]:
        return [
            [_cell_text(v) if pd.notna(v) else "" for v in row]
            for row in frame.itertuples(index=False)
        ]

    assert text(got) == text(want)
