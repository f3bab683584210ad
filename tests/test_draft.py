"""Bring your own survey, as a new user would: the tool's export -> `codebook draft` -> the few
human decisions as a small YAML patch -> `codebook check` -> `ingest` -> every kept cell equals
the truth -> `report` and `batch`. Six exports in the shapes the tools write (tests/exports.py,
independent of synth): Qualtrics CSV, SurveyXact SPSS, SurveyXact XLSX, SurveyXact three-file
CSV, Microsoft Forms XLSX and a Norwegian Excel re-save of a plain CSV."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app
from tests import exports as X

YEAR = 2025
RUN = CliRunner()

CONSTRUCT = """
constructs:
  wellbeing: {label: {nb: Trivsel, en: Wellbeing}, min_items: 2}
"""
TEAM_NAMES = "values: {1: {nb: Kundesenter, en: Contact centre}, 2: {nb: Backoffice, en: Back office}, 3: {nb: Ledelse, en: Management}}"  # fmt: skip
CHANNEL_NAMES = "options: {1: {nb: Telefon, en: Phone}, 2: {nb: Chat, en: Chat}, 3: {nb: E-post, en: E-mail}, 4: {nb: Sosiale medier, en: Social media}}"  # fmt: skip


def _patch(items: tuple[str, str, str], team: str) -> str:
    """The human decisions: the three agreement items form the construct 'wellbeing', the
    team question is the job role. (Each shape adds what its export could not say.)"""
    lines = [CONSTRUCT, "items:"] + [f"  - {{id: {i}, construct: wellbeing}}" for i in items]
    return "\n".join(lines) + f"\nroles: {{job_role: {team}}}\n"


#: tool -> writer, file name, the ids the draft gives (q1, q2, q3, nps, team, channels,
#: comment), the patch, and how many rows are not responses.
SHAPES = {
    "qualtrics": (X.write_qualtrics, "export.csv", ("q3_1", "q3_2", "q3_3", "q4", "q2", "q5", "q6"),
                  # Qualtrics left "don't know" at the next code (6) and exports no labels.
                  "scales: {scale_1_6: {max: 5, dont_know: [6], labels: {6: {nb: Vet ikke, en: Don't know}}}}\n"
                  f"segments:\n  - {{id: q2, {TEAM_NAMES}}}\nitems:\n  - {{id: q5, {CHANNEL_NAMES}}}\n", 4),
    "spss": (X.write_surveyxact_sav, "data.sav", ("s_3", "s_4", "s_5", "s_6", "s_2", "s_7", "s_8"), "", 6),
    "surveyxact_xlsx": (X.write_surveyxact_xlsx, "survey.xlsx",
                        ("s_3", "s_4", "s_5", "s_6", "s_2", "channels", "s_8"), "", 6),
    "surveyxact_csv": (X.write_surveyxact_csv, None, ("s_3", "s_4", "s_5", "s_6", "s_2", "channels", "s_8"), "", 6),
    "forms": (X.write_forms, "svar.xlsx", ("jeg_trives_pa_jobben", "jeg_far_hjelp_av", "jeg_har_det_jeg",
              "hvor_sannsynlig_er_det", "hvor_jobber_du", "hvilke_kanaler_jobber_du", "noe_mer_du_vil"), "", 0),
    "excel": (X.write_excel_csv, "responses.csv", ("q1", "q2", "q3", "nps", "team", "channels", "comment"),
              f"segments:\n  - {{id: team, {TEAM_NAMES}}}\nitems:\n  - {{id: channels, {CHANNEL_NAMES}}}\n", 0),
}  # fmt: skip


def _merge(base: object, patch: object) -> object:
    """Deep merge; lists of entries with an ``id`` are merged entry by entry."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in patch.items()}}
    if isinstance(base, list) and isinstance(patch, list):
        by_id = {p["id"]: p for p in patch}
        return [_merge(b, by_id[b["id"]]) if b.get("id") in by_id else b for b in base]
    return patch


def _sha(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _bring(tmp_path: Path, tool: str) -> tuple[Path, pd.DataFrame, dict]:
    """Export -> draft (CLI) -> patch -> check (CLI). Returns the data folder, the truth and
    the patched codebook."""
    writer, name, _, patch, _ = SHAPES[tool]
    t = X.truth()
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    export = writer(t, raw / name) if name else writer(t, raw)
    cb_path = raw / "codebook.yaml"
    drafted = RUN.invoke(app, ["codebook", "draft", str(export), "--year", str(YEAR), "--out", str(cb_path)])  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    draft = cb_path.read_text(encoding="utf-8")
    assert "# TODO" in draft
    # A draft is a valid codebook: it ingests as it is.
    assert ks.ingest(YEAR, tmp_path).quality["rows_raw"] > 0
    cb = yaml.safe_load(draft)
    for patch_text in (_patch(SHAPES[tool][2][:3], SHAPES[tool][2][4]), patch):
        cb = _merge(cb, yaml.safe_load(patch_text) or {})
    cb_path.write_text(yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8")
    checked = RUN.invoke(app, ["codebook", "check", "--year", str(YEAR), "--data-dir", str(tmp_path)])  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "would go through" in checked.output
    return tmp_path, t, cb


def _label_of(cb: dict, entry_id: str, code: int) -> str:
    for entry in cb["segments"] + cb["items"]:
        if entry["id"] == entry_id:
            return (entry.get("values") or entry.get("options"))[code]["nb"]
    raise KeyError(entry_id)


@pytest.mark.parametrize("tool", list(SHAPES))
def test_draft_patch_check_ingest_gives_the_truth(tmp_path, tool):
    data, t, cb = _bring(tmp_path, tool)
    ids = dict(zip(["q1", "q2", "q3", "nps", "team", "channels", "comment"], SHAPES[tool][2], strict=True))  # fmt: skip
    before = _sha(data / "raw" / str(YEAR))
    res = ks.ingest(YEAR, data)
    assert _sha(data / "raw" / str(YEAR)) == before  # raw data is only read
    got = res.responses
    if tool == "forms":  # Forms numbers the rows; the truth's ids are not in the file
        got = got.assign(respondent_id=t["id"].to_numpy())
    got = got.set_index("respondent_id").loc[t["id"]]
    assert len(got) == len(t)  # everyone kept: no one lost to a bad cell
    assert list(got["company"]) == list(t["company"])  # names, never codes
    teams = [_label_of(cb, ids["team"], int(c)) for c in got[ids["team"]]]
    assert teams == [X.TEAMS[c][0] for c in t["team"]]
    for q in ("q1", "q2", "q3"):  # "don't know" is missing, and remembered
        np.testing.assert_array_equal(
            got[ids[q]].astype("float64").to_numpy(), t[q].astype("float64").to_numpy(), err_msg=q
        )
    np.testing.assert_array_equal(
        got[ids["nps"]].to_numpy(dtype=float), t["nps"].to_numpy(dtype=float)
    )
    options = next(i["options"] for i in cb["items"] if i["id"] == ids["channels"])
    for c, (label, _) in X.CHANNELS.items():
        code = next(k for k, o in options.items() if o["nb"] == label)
        np.testing.assert_array_equal(
            got[f"{ids['channels']}_{code}"].to_numpy(dtype=float),
            t[f"channels_{c}"].to_numpy(dtype=float),
            err_msg=label,
        )
    assert list(got[ids["comment"]].fillna("")) == list(t["comment"])
    assert got["duration_sec"].between(60, 1000).all()
    assert len(res.dont_know) == t[["q1", "q2", "q3"]].isna().sum().sum() > 0
    q = res.quarantine
    assert (q["reason_code"] == "not_a_response").sum() == len(q) == SHAPES[tool][4]
    assert res.quality["rows_raw"] == len(got) + len(q)
    assert res.cell_issues.empty
    out = data / "processed" / str(YEAR)
    first = _sha(out)
    ks.ingest(YEAR, data)
    assert _sha(out) == first  # byte-identical re-runs


@pytest.mark.slow
@pytest.mark.parametrize("tool", list(SHAPES))
def test_report_and_batch_on_each_drafted_export(tmp_path, tool):
    data, _, _ = _bring(tmp_path, tool)
    assert RUN.invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(data)]).exit_code == 0
    page = ks.general_report(YEAR, lang="en", data_dir=data, out=tmp_path / "out").read_text(
        encoding="utf-8"
    )
    assert "Wellbeing" in page and "Alfa Kundeservice" not in page
    result = ks.batch(
        YEAR,
        companies=[X.COMPANIES[1], X.COMPANIES[4]],
        data_dir=data,
        out=tmp_path / "out",
        workers=2,
    )
    assert not result.failed and len(result.written) == 2


def test_draft_marks_personal_data_and_tool_columns_as_ignored(tmp_path):
    path = X.write_qualtrics(X.truth(), tmp_path / "export.csv")
    draft = ks.draft_codebook(path, YEAR)
    ignored = draft.columns.loc[draft.columns["became"] == "ignored", "column"].tolist()
    assert ignored == ["EndDate", "IPAddress", "Progress", "LocationLatitude",
                       "LocationLongitude", "UserLanguage"]  # fmt: skip
    assert '- "IPAddress"  # personal data' in draft.text
    assert 'column: "Status"\n  values: [0]' in draft.text  # previews (Status 1) are not responses
    # Finished respondents answered all that display logic showed them
    assert 'finished: {column: "Finished", values: ["1"]}' in draft.text


def test_a_text_with_no_english_is_marked_on_its_own_line(tmp_path):
    """The export gives one text per question: its English is a copy, marked on the item's
    own line as a TODO, and a report never shows an id in its place."""
    path = X.write_qualtrics(X.truth(), tmp_path / "export.csv")
    draft = ks.draft_codebook(path, YEAR)
    marker = "# TODO en: the export's text, to translate"
    texts = [line for line in draft.text.splitlines() if line.lstrip().startswith("text:")]
    copied = {line: yaml.safe_load(line.split(":", 1)[1].split("  #")[0]) for line in texts}
    copied = {line: t["nb"] == t["en"] for line, t in copied.items()}
    assert sum(copied.values()) >= 5 and not all(copied.values())  # "Company" is known
    assert all(line.endswith(marker) == same for line, same in copied.items())


def test_draft_guesses_the_company_from_labels_and_says_when_it_cannot(tmp_path):
    t = X.truth()
    sav = X.write_surveyxact_sav(t, tmp_path / "data.sav")
    draft = ks.draft_codebook(sav, YEAR)  # s_1 is unnamed: its labels are organisation names
    assert draft.columns.set_index("column").loc["s_1", "became"] == "segment (company)"
    forms = X.write_forms(t.assign(company=t["company"].str.replace(r" ASA?$", "", regex=True)),
                          tmp_path / "svar.xlsx")  # fmt: skip
    renamed = pd.read_excel(forms, engine="openpyxl").rename(columns={"Virksomhet": "Enhet"})
    renamed.to_excel(forms, index=False)
    out = tmp_path / "codebook.yaml"
    result = RUN.invoke(app, ["codebook", "draft", str(forms), "--year", str(YEAR), "--out", str(out)])  # fmt: skip
    # No organisation names and no labels: a survey of one organisation, said as a TODO.
    assert result.exit_code == 0, result.output
    assert "no company column found" in result.output and "--company COLUMN" in result.output
    assert ks.load_codebook(out).roles.company is None
    named = RUN.invoke(app, ["codebook", "draft", str(forms), "--year", str(YEAR), "--company", "Enhet"])  # fmt: skip
    assert named.exit_code == 0 and 'source: "Enhet"' in named.output
    # Any column of the export may be named, a bookkeeping one too; a missing one is said plainly.
    missing = RUN.invoke(app, ["codebook", "draft", str(forms), "--year", str(YEAR), "--company", "enhet "])  # fmt: skip
    assert missing.exit_code == 2 and "did you mean 'Enhet'" in missing.output
    assert "Traceback" not in missing.output


def test_draft_never_overwrites_a_codebook_unasked(tmp_path):
    path = X.write_excel_csv(X.truth(), tmp_path / "responses.csv")
    out = tmp_path / "codebook.yaml"
    out.write_text("# my codebook\n", encoding="utf-8")
    result = RUN.invoke(app, ["codebook", "draft", str(path), "--year", str(YEAR), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "# my codebook\n"


def test_check_lists_unexplained_values_and_what_would_stop_the_ingest(tmp_path):
    t = X.truth()
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    export = X.write_qualtrics(t, raw / "export.csv")
    draft = yaml.safe_load(ks.draft_codebook(export, YEAR).text)
    draft["scales"]["scale_1_6"]["max"] = 5  # 6 declared neither a point nor "don't know"
    (raw / "codebook.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    before = _sha(raw)
    result = ks.check_export(YEAR, tmp_path)
    assert not result.ok and _sha(raw) == before and not (tmp_path / "processed").exists()
    sixes = result.values[result.values["value"] == "6"]
    assert set(sixes["column"]) == {"q3_1", "q3_2", "q3_3"}
    assert sixes["count"].sum() == (t[["q1", "q2", "q3"]].isna()).sum().sum()
    assert "add 6 to `scales.scale_1_6.dont_know`" in result.problems[0]
    assert result.rows == {"raw": len(t) + 4, "kept": len(t), "quarantined": 4, "not_a_response": 4}
    status = result.columns.set_index("column")["status"]
    assert status["IPAddress"] == "ignored" and status["Status"] == "responses"
    cli = RUN.invoke(app, ["codebook", "check", "--year", str(YEAR), "--data-dir", str(tmp_path)])
    assert cli.exit_code == 1 and "would stop the ingest" in cli.output


@pytest.mark.slow
def test_an_unedited_draft_already_gives_a_report(tmp_path):
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    export = X.write_surveyxact_sav(X.truth(), raw / "data.sav")
    (raw / "codebook.yaml").write_text(ks.draft_codebook(export, YEAR).text, encoding="utf-8")
    ks.ingest(YEAR, tmp_path)
    page = ks.general_report(YEAR, lang="en", data_dir=tmp_path, out=tmp_path / "out").read_text(
        encoding="utf-8"
    )
    texts = ks.report.present.catalogue("en")["texts"]
    for key in ("measurement.title", "trends.title"):  # sections that need constructs say so
        line = texts["report.left_out"].format(section=texts[key], year=YEAR, roles="constructs")
        assert line in page
