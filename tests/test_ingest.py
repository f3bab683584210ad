"""Ingestion: dialects and formats, round trip of the truth, bad input, quarantine invariants."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ksresearch as ks
from ksresearch import IngestError, config, ingest
from ksresearch.data.ingestion import process, read_export
from ksresearch.data.synth import generate, write_export

from .conftest import N_COMPANIES, SEED


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected(survey) -> pd.DataFrame:
    """The generated export as ingest should keep it: the last submission of each respondent
    (a re-submission supersedes the earlier one), missing codes as NA."""
    cb = survey.codebook
    df = survey.responses.drop_duplicates(cb.meta.respondent_id.id, keep="last").reset_index(
        drop=True
    )
    for col in cb.columns:
        if col.missing:
            df[col.name] = df[col.name].mask(df[col.name].isin(sorted(col.missing)))
    return df


def _assert_same_answers(kept: pd.DataFrame, survey) -> None:
    cb = survey.codebook
    exp = _expected(survey).set_index(cb.meta.respondent_id.id)
    got = kept.set_index(cb.meta.respondent_id.id)
    assert sorted(got.index) == sorted(exp.index)
    got = got.loc[exp.index]
    for col in cb.columns[1:]:
        g, e = got[col.name], exp[col.name]
        if col.dtype in ("int", "float"):
            np.testing.assert_allclose(
                g.astype("float64"), e.astype("float64"), equal_nan=True, err_msg=col.name
            )
        elif col.dtype == "datetime":
            assert (g == pd.to_datetime(e)).all(), col.name
        elif col.kind == "item" and cb.item(col.name).type == "text":  # redacted at ingest
            names = list(exp[cb.roles.company].dropna().astype(str).unique())
            e = pd.Series(
                [ks.redact(t, names).text if t else "" for t in e.fillna("").astype(str)],
                index=e.index,
            )
            assert (g.fillna("").astype(str) == e).all(), col.name
        else:
            assert (g.fillna("") == e.fillna("").astype(str)).all(), col.name


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav"])
def test_synth_ingest_round_trips_the_truth(tmp_path, fmt):
    ks.write_synth(2025, seed=SEED, data_dir=tmp_path, n_companies=6, fmt=fmt)
    result = ingest(2025, tmp_path)
    survey = generate(2025, seed=SEED, n_companies=6)
    _assert_same_answers(result.responses, survey)
    truth = survey.truth
    assert result.quality["rows_raw"] == truth["n_rows"]
    assert result.quality["rows_kept"] == truth["n_respondents"]
    assert sorted(result.quarantine["respondent_id"]) == truth["mess"]["duplicate_submissions"]
    assert set(result.quarantine["reason_code"]) == {"duplicate_id"}


def test_both_years_round_trip(synth_data):
    for year in (2024, 2025):
        survey = generate(year, seed=SEED, n_companies=N_COMPANIES)
        _assert_same_answers(ks.load(year, synth_data).responses, survey)


def test_flags_find_the_planted_mess(synth_data):
    truth = json.loads((synth_data / "raw" / "2025" / "truth.json").read_text())["mess"]
    df = ks.load(2025, synth_data).responses
    assert set(df.loc[df.qc_straightliner, "respondent_id"]) == set(truth["straightliners"])
    speeders = set(df.loc[df.qc_speeder, "respondent_id"])
    assert set(truth["speeders"]) <= speeders
    assert len(speeders - set(truth["speeders"])) <= 0.01 * len(df)


def test_dont_know_is_missing_but_remembered(synth_data):
    s = ks.load(2025, synth_data)
    raw = pd.read_csv(synth_data / "raw" / "2025" / "responses.csv", sep=";", dtype=str)
    raw = raw.drop_duplicates("respondent_id")
    n_dk_raw = int((raw["led_1"] == "9").sum())
    assert n_dk_raw > 0
    assert not (s.responses["led_1"] == 9).any()
    assert (
        int((s.dont_know["item"] == "led_1").sum()) == n_dk_raw == s.quality["dont_know"]["led_1"]
    )


def test_load_gives_responses_with_codebook(synth_data):
    s = ks.load(2025, synth_data)
    assert isinstance(s, ks.Survey) and s.year == 2025
    assert s.codebook.year == 2025
    assert s.responses["mot_1"].dtype == "Int64"
    assert s.responses["hours_week"].dtype == "float64"
    assert s.quality["rows_kept"] == len(s.responses)


def test_load_without_ingest_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `ksresearch ingest --year 2025` first"):
        ks.load(2025, tmp_path)


# ----------------------------------------------------------------------------- dialects
def _small(codebook, tmp_path):
    return generate(2025, seed=3, n_companies=3).responses


@pytest.mark.parametrize(
    ("encoding", "sep", "decimal"),
    [
        ("utf-8", ",", "."),
        ("utf-8-sig", ";", ","),
        ("cp1252", ";", ","),
        ("cp1252", ",", "."),
        ("utf-8", "\t", "."),
    ],
)
def test_csv_dialects(tmp_path, codebooks, encoding, sep, decimal):
    df = _small(codebooks[2025], tmp_path)
    df.loc[0, "comment"] = 'Æ, ø; å og "sitat"\nny linje'
    df.loc[1, "hours_week"] = 37.5
    path = tmp_path / "export.csv"
    df.to_csv(path, sep=sep, decimal=decimal, index=False, encoding=encoding)
    raw, info = read_export(path, codebooks[2025])
    assert (info.encoding.replace("-sig", ""), info.separator) == (
        encoding.replace("-sig", ""),
        sep,
    )
    kept = process(raw, codebooks[2025], source=path).responses
    first = kept.set_index("respondent_id").loc[df.loc[0, "respondent_id"]]
    assert first["comment"] == 'Æ, ø; å og "sitat"\nny linje'
    assert kept.set_index("respondent_id").loc[df.loc[1, "respondent_id"], "hours_week"] == 37.5


def test_decimal_point_in_semicolon_file_and_spaces(tmp_path, codebooks):
    df = _small(codebooks[2025], tmp_path).astype({"hours_week": object, "mot_1": object})
    df.loc[0, "hours_week"] = "37.5"
    df.loc[1, "mot_1"] = " 4 "
    path = tmp_path / "export.csv"
    df.to_csv(path, sep=";", index=False)
    res = process(*[read_export(path, codebooks[2025])[0]], codebooks[2025], source=path)
    assert len(res.quarantine) == len(df) - df.respondent_id.nunique()
    kept = res.responses.set_index("respondent_id")
    assert kept.loc[df.loc[0, "respondent_id"], "hours_week"] == 37.5
    assert kept.loc[df.loc[1, "respondent_id"], "mot_1"] == 4


def test_norwegian_dates(tmp_path, codebooks):
    df = _small(codebooks[2025], tmp_path)
    df["submitted_at"] = pd.to_datetime(df["submitted_at"]).dt.strftime("%d.%m.%Y %H:%M")
    path = tmp_path / "export.csv"
    df.to_csv(path, sep=";", index=False)
    kept = process(read_export(path)[0], codebooks[2025], source=path).responses
    assert (
        kept["submitted_at"].dt.month.eq(9).all()
        or kept["submitted_at"].dt.month.isin([9, 10]).all()
    )


def test_sav_keeps_value_labels_and_checks_them(tmp_path, codebooks):
    import pyreadstat

    cb = codebooks[2025]
    df = _small(cb, tmp_path)
    path = write_export(df, tmp_path / "export.sav", cb, "sav")
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    assert meta.variable_value_labels["industry"][5.0] == "Persontransport"
    # An export whose labels disagree with the codebook is refused.
    out = df.astype({c.name: "float64" for c in cb.columns if c.dtype == "int"}).astype(
        {c: object for c in ("respondent_id", "submitted_at", "company", "comment")}
    )
    bad = tmp_path / "bad.sav"
    pyreadstat.write_sav(
        out, str(bad), variable_value_labels={"industry": {1.0: "Forsikring", 2.0: "Bank"}}
    )
    with pytest.raises(
        IngestError,
        match=r"column 'industry', value 1: .*labels code 1 'Forsikring'.*does not match",
    ):
        read_export(bad, cb)


# ----------------------------------------------------------------------------- file-level errors
def _ingest_fails(data_dir, match):
    before = {p: _sha(p) for p in (data_dir / "raw" / "2025").iterdir()}
    with pytest.raises(IngestError, match=match) as err:
        ingest(2025, data_dir)
    assert not (data_dir / "processed" / "2025").exists(), "partial output written"
    assert before == {p: _sha(p) for p in (data_dir / "raw" / "2025").iterdir()}, (
        "raw data modified"
    )
    return err.value


def _export(data_dir):
    return data_dir / "raw" / "2025" / "responses.csv"


def test_empty_file(raw_2025):
    _export(raw_2025).write_bytes(b"")
    err = _ingest_fails(raw_2025, r"responses\.csv: the file is empty")
    assert err.file.endswith("responses.csv")


def test_header_only(raw_2025):
    p = _export(raw_2025)
    p.write_text(p.read_text(encoding="utf-8-sig").splitlines()[0] + "\n", encoding="utf-8")
    _ingest_fails(raw_2025, r"no data rows")


def test_undecodable_encoding(raw_2025):
    p = _export(raw_2025)
    lines = p.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b";", b";\x81", 1)  # 0x81: invalid in UTF-8 and undefined in cp1252
    p.write_bytes(b"\n".join(lines))
    err = _ingest_fails(
        raw_2025, r"line 4, value .*cannot decode byte 0x81 at byte offset \d+ as UTF-8"
    )
    assert err.row == 4


def test_utf16_with_its_mark_is_read_and_without_it_refused(raw_2025):
    p = _export(raw_2025)
    text = p.read_text(encoding="utf-8-sig")
    before = ingest(2025, raw_2025).responses
    p.write_bytes(text.encode("utf-16"))  # with a byte-order mark, as Qualtrics writes its TSV
    pd.testing.assert_frame_equal(ingest(2025, raw_2025).responses, before)
    p.write_bytes(text.encode("utf-16-le"))  # no mark: unreadable as text
    shutil.rmtree(raw_2025 / "processed")
    _ingest_fails(raw_2025, r"NUL bytes: looks like UTF-16")


def test_missing_required_column(raw_2025):
    p = _export(raw_2025)
    df = pd.read_csv(p, sep=";", dtype=str, keep_default_na=False).drop(columns=["inv_2"])
    df.to_csv(p, sep=";", index=False)
    err = _ingest_fails(
        raw_2025,
        r"line 1, column 'inv_2': 1 column\(s\) of the codebook missing from the export.*\['inv_2'\]",
    )
    assert err.column == "inv_2"


def test_column_not_in_codebook(raw_2025):
    p = _export(raw_2025)
    df = pd.read_csv(p, sep=";", dtype=str, keep_default_na=False)
    df["favourite_colour"] = "blue"
    df.to_csv(p, sep=";", index=False)
    err = _ingest_fails(
        raw_2025,
        r"column 'favourite_colour': 1 column\(s\) of the export are neither in the codebook nor ignored",
    )
    assert 'ignore: ["favourite_colour"]' in str(err)  # the line that would accept it


def test_codebook_for_another_year(raw_2025):
    cb = raw_2025 / "raw" / "2025" / "codebook.yaml"
    cb.write_text(
        cb.read_text(encoding="utf-8").replace("year: 2025", "year: 2024"), encoding="utf-8"
    )
    _ingest_fails(
        raw_2025, r"codebook.yaml: column 'year', value 2024: the codebook is for 2024, not 2025"
    )


def test_codebook_that_does_not_match_the_export(raw_2025):
    shutil.copy(config.codebook_path(2024), raw_2025 / "raw" / "2025" / "codebook.yaml")
    (raw_2025 / "raw" / "2025" / "codebook.yaml").write_text(
        config.codebook_path(2024).read_text(encoding="utf-8").replace("year: 2024", "year: 2025"),
        encoding="utf-8",
    )
    _ingest_fails(
        raw_2025,
        r"column 'shift_work': 18 column\(s\) of the export are neither in the codebook nor ignored",
    )


def test_malformed_codebook(raw_2025):
    cb = raw_2025 / "raw" / "2025" / "codebook.yaml"
    cb.write_text(
        cb.read_text(encoding="utf-8").replace(
            "scale: agree5, construct: motivation", "scale: agree6, construct: motivation", 1
        ),
        encoding="utf-8",
    )
    _ingest_fails(raw_2025, r"codebook.yaml: item 'mot_1' uses unknown scale 'agree6'")


def test_a_repeated_unexplained_value_stops_with_the_codebook_line_to_add(raw_2025):
    p = _export(raw_2025)
    df = pd.read_csv(p, sep=";", dtype=str, keep_default_na=False)
    rows = df.index[df["mot_1"] != ""][:205]
    df.loc[rows, "mot_1"] = "6"  # "don't know" left at the tool's next code
    df.to_csv(p, sep=";", index=False)
    err = _ingest_fails(raw_2025, r"the value '6' appears 20\d times in \['mot_1'\]")
    assert "is 6 'Vet ikke'" in str(err) and "add 6 to `scales.agree5.dont_know`" in str(err)
    df.loc[rows, "mot_1"] = "Vet ikke helt"  # a text no label explains
    df.to_csv(p, sep=";", index=False)
    err = _ingest_fails(raw_2025, r"the value 'Vet ikke helt' appears 20\d times")
    assert "`scales.agree5.labels`" in str(err)


def test_two_exports_in_one_year(raw_2025):
    shutil.copy(_export(raw_2025), raw_2025 / "raw" / "2025" / "responses_copy.csv")
    _ingest_fails(raw_2025, r"more than one export")


def test_failed_ingest_keeps_previous_output(raw_2025):
    ingest(2025, raw_2025)
    out = raw_2025 / "processed" / "2025"
    before = {p.name: _sha(p) for p in out.iterdir()}
    _export(raw_2025).write_bytes(b"")
    with pytest.raises(IngestError):
        ingest(2025, raw_2025)
    assert before == {p.name: _sha(p) for p in out.iterdir()}


# ----------------------------------------------------------------------------- row-level problems
def test_a_bad_cell_costs_the_cell_and_row_problems_the_row(raw_2025):
    p = _export(raw_2025)
    df = pd.read_csv(p, sep=";", dtype=str, keep_default_na=False)
    ids = df["respondent_id"]
    df.loc[4, "mot_1"] = "6"
    df.loc[5, "enps"] = "elleve"
    df.loc[6, "hours_week"] = "120"
    df.loc[7, "respondent_id"] = ""
    df.loc[8, "industry"] = "3,5"
    df.loc[11, "mot_2"] = " Helt enig "  # an answer as its label: read as its code (5)
    df.loc[12, "mot_3"] = "vet ikke"  # "don't know" typed in: missing, and remembered
    df.loc[9, "respondent_id"] = df.loc[10, "respondent_id"]
    df.to_csv(p, sep=";", index=False)
    raw_before = _sha(p)
    res = ingest(2025, raw_2025)
    kept = res.responses.set_index("respondent_id")
    issues = res.cell_issues.set_index(["respondent_id", "column"])
    for row, column, value in (
        (4, "mot_1", "6"),
        (5, "enps", "elleve"),
        (6, "hours_week", "120"),
        (8, "industry", "3,5"),
    ):
        assert ids[row] in kept.index and pd.isna(
            kept.loc[ids[row], column]
        )  # the respondent stays
        assert issues.loc[(ids[row], column), "value"] == value
    assert issues.loc[(ids[6], "hours_week"), "reason"] == "out_of_range"
    assert issues.loc[(ids[5], "enps"), "reason"] == "unexplained"
    assert kept.loc[ids[11], "mot_2"] == 5
    assert pd.isna(kept.loc[ids[12], "mot_3"])
    assert ((res.dont_know["respondent_id"] == ids[12]) & (res.dont_know["item"] == "mot_3")).any()
    q = res.quarantine.set_index("row")
    assert set(q["reason_code"]) == {"duplicate_id", "missing_required"}  # row problems only
    assert q.loc[9, "reason_code"] == "missing_required"
    # the earlier of two submissions with one id is superseded by the later one
    assert q.loc[11, "reason"] == f"respondent id {ids[10]!r} submitted again later (row 12)"
    assert kept.loc[ids[10], "mot_1"] == float(df.loc[10, "mot_1"]) if df.loc[10, "mot_1"] else True
    assert (
        res.quality["rows_raw"]
        == res.quality["rows_kept"] + res.quality["rows_quarantined"]
        == len(df)
    )
    assert res.quality["cell_issues"] == {"out_of_range": 1, "unexplained": 3}
    assert _sha(p) == raw_before


def test_rerun_gives_identical_output(raw_2025):
    ingest(2025, raw_2025)
    out = raw_2025 / "processed" / "2025"
    first = {p.name: _sha(p) for p in out.iterdir()}
    ingest(2025, raw_2025)
    assert first == {p.name: _sha(p) for p in out.iterdir()}
    assert set(first) == {
        "responses.parquet",
        "quarantine.parquet",
        "dont_know.parquet",
        "quality.json",
        "cell_issues.parquet",
        "comments.parquet",
        "headcounts.parquet",
        "company_kpis.parquet",
    }


# ----------------------------------------------------------------------------- the invariant
_BASE = None


def _base():
    global _BASE
    if _BASE is None:
        _BASE = (
            generate(2025, seed=11, n_companies=3)
            .responses.astype(object)
            .where(lambda d: d.notna(), "")
        )
        _BASE = _BASE.astype(str).drop_duplicates("respondent_id").reset_index(drop=True)
    return _BASE.copy()


_GARBAGE = st.sampled_from(
    ["", "0", "6", "9", "99", "-1", "3,5", "abc", "NA", " 2 ", "1e3", "R1", "ø"]
)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_kept_plus_quarantined_equals_raw(data):
    cb = ks.load_codebook(config.codebook_path(2025))
    df = _base()
    n_edits = data.draw(st.integers(0, 40))
    cols = list(df.columns)
    for _ in range(n_edits):
        r = data.draw(st.integers(0, len(df) - 1))
        c = data.draw(st.sampled_from(cols))
        df.loc[r, c] = data.draw(_GARBAGE)
    try:
        res = process(df, cb)
    except IngestError as exc:  # garbage repeated in many cells asks the codebook a question
        assert "appears" in str(exc) and "times in" in str(exc)
        return
    assert len(res.responses) + len(res.quarantine) == len(df)
    ids_kept = set(res.responses["respondent_id"].dropna())
    assert len(ids_kept) == len(res.responses)  # no id twice, none missing
    assert (res.quarantine["row"].diff().dropna() > 0).all()
    assert set(res.quarantine["row"]).isdisjoint(
        set(range(2, len(df) + 2)) - set(res.quarantine["row"])
    )
    for col in cb.columns:
        if col.valid is not None:
            vals = res.responses[col.name].dropna()
            assert vals.isin(sorted(col.valid - col.missing)).all(), col.name


# ----------------------------------------------------------------------------- CSV structure
def _lines(data_dir) -> list[str]:
    return _export(data_dir).read_text(encoding="utf-8-sig").split("\n")


def _write_lines(data_dir, lines: list[str]) -> None:
    _export(data_dir).write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("blank_lines", [0, 3])
def test_a_short_row_is_refused_with_its_file_line(raw_2025, blank_lines):
    lines = _lines(raw_2025)
    lines[1:1] = [""] * blank_lines  # blank lines before the defect shift its file line
    k = 5 + blank_lines  # 0-based index of the line to cut: file line k + 1
    lines[k] = ";".join(lines[k].split(";")[:10])
    _write_lines(raw_2025, lines)
    err = _ingest_fails(raw_2025, rf"line {k + 1}: 10 fields where the header has \d+")
    assert err.row == k + 1


def test_an_unmatched_quote_is_refused_at_the_line_that_opens_it(raw_2025):
    lines = _lines(raw_2025)
    lines[1:1] = ["", ""]
    fields = lines[6].split(";")
    fields[3] = '"' + fields[3]
    lines[6] = ";".join(fields)
    _write_lines(raw_2025, lines)
    err = _ingest_fails(raw_2025, r"line 7: .*(never closed|swallows lines 7-)")
    assert err.row == 7


def test_a_nul_byte_anywhere_is_refused_with_its_line(raw_2025):
    lines = _lines(raw_2025)
    lines[40] = lines[40].replace(";", ";\x00", 1)
    _write_lines(raw_2025, lines)
    err = _ingest_fails(raw_2025, r"line 41: a NUL byte")
    assert err.row == 41


def test_a_field_over_the_csv_limit_is_refused_with_its_line(raw_2025):
    import csv

    lines = _lines(raw_2025)
    fields = lines[8].split(";")
    fields[-1] = '"' + "x" * (csv.field_size_limit() + 10) + '"'
    lines[8] = ";".join(fields)
    _write_lines(raw_2025, lines)
    err = _ingest_fails(raw_2025, r"line 9: a field longer than the csv module's limit")
    assert err.row == 9


def test_a_row_with_extra_fields_is_quarantined_with_its_line_and_the_rest_kept(raw_2025):
    lines = _lines(raw_2025)
    lines[1:1] = [""]
    rid = lines[12].split(";")[0]
    lines[12] = lines[12] + ";overflow;more"
    _write_lines(raw_2025, lines)
    res = ingest(2025, raw_2025)
    q = res.quarantine.set_index("row")
    assert q.loc[13, "reason_code"] == "wrong_field_count"
    assert "(line 13)" in q.loc[13, "reason"] and "'overflow', 'more'" in q.loc[13, "reason"]
    assert q.loc[13, "respondent_id"] == rid
    assert res.quality["rows_raw"] == len(res.responses) + len(res.quarantine)
    assert res.quality["quarantine_reasons"]["wrong_field_count"] == 1


def test_a_survey_says_in_one_line_what_it_holds(synth_data):
    """``repr(survey)`` was the whole dataclass, some 29,000 characters of frames."""
    survey = ks.load(2025, synth_data)
    line = repr(survey)
    assert "\n" not in line and len(line) < 250, line
    n = len(survey.responses)
    assert line.startswith("Survey(2025 ") and f"{n:,} responses" in line
    assert f"{survey.responses['company'].nunique()} companies" in line
