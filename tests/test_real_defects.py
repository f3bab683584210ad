"""What six real exports broke (issue: real exports), each as a small export written by
``tests/exports.py`` or by hand in the shape the tool writes: dates in either order, repeated
and padded headers, an agreement item about recommending, yes / no / don't know, identifiers,
no respondent id, display logic with ``Finished``, personal data under ``ignore``, a company
given as codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app
from tests import exports as X

YEAR = 2025
RUN = CliRunner()


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw" / str(YEAR)
    raw.mkdir(parents=True)
    return raw


def _draft_and_ingest(tmp_path: Path, export: Path, *args: str):
    out = export.parent / "codebook.yaml"
    drafted = RUN.invoke(app, ["codebook", "draft", str(export), "--year", str(YEAR), "--out", str(out), *args])  # fmt: skip
    assert drafted.exit_code == 0, drafted.output
    return yaml.safe_load(out.read_text(encoding="utf-8")), ks.ingest(YEAR, tmp_path)


@pytest.mark.parametrize("dates", ["us", "eu"])
def test_dates_are_read_in_the_order_the_column_shows(tmp_path, dates):
    t = X.truth()
    export = X.write_qualtrics(t, _raw(tmp_path) / "export.csv", dates=dates)
    _, result = _draft_and_ingest(tmp_path, export)
    got = result.responses.set_index("respondent_id")["submitted_at"]
    want = t.set_index("id")["ended"].dt.floor("min")
    assert (got.loc[want.index] == want).all()


def test_an_undecidable_date_column_stops_with_its_examples_and_the_key(tmp_path):
    t = X.truth()
    t["started"] = pd.Timestamp("2025-03-04 08:00")  # every day and month <= 12
    t["ended"] = pd.Timestamp("2025-03-04 08:20")
    raw = _raw(tmp_path)
    export = X.write_qualtrics(t, raw / "export.csv", dates="us")
    text = (
        export.read_text(encoding="utf-8-sig")
        .replace("9/30/25", "3/4/25")
        .replace("10/2/25", "3/4/25")
    )
    text = text.replace("10/9/25", "3/4/25")
    export.write_text(text, encoding="utf-8-sig")
    (raw / "codebook.yaml").write_text(ks.draft_codebook(export, YEAR).text, encoding="utf-8")
    checked = RUN.invoke(app, ["codebook", "check", "--year", str(YEAR), "--data-dir", str(tmp_path)])  # fmt: skip
    ingested = RUN.invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(tmp_path)])
    for result in (checked, ingested):
        assert result.exit_code in (1, 2) and "Traceback" not in result.output
        assert "3/4/25" in result.output and "meta.submitted_at.format" in result.output
    assert not (tmp_path / "processed").exists()
    cb = yaml.safe_load((raw / "codebook.yaml").read_text(encoding="utf-8"))
    for kind in ("submitted_at", "started_at"):
        cb["meta"][kind]["format"] = "%m/%d/%y %H:%M"
    (raw / "codebook.yaml").write_text(yaml.safe_dump(cb, allow_unicode=True), encoding="utf-8")
    done = ks.ingest(YEAR, tmp_path).responses
    assert (done["submitted_at"] == pd.Timestamp("2025-03-04 08:20")).all()


def test_repeated_and_padded_headers_are_kept_apart(tmp_path):
    raw = _raw(tmp_path)
    rows = ["ID,Virksomhet,Q3,Q3,\u00a0Q3,Q4", *(f"{i},{'Alfa AS' if i % 2 else 'Beta AS'},{1 + i % 5},{1 + (i + 1) % 5},{1 + (i + 2) % 5},{1 + (i + 3) % 5}" for i in range(1, 31))]  # fmt: skip
    export = raw / "export.csv"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cb, result = _draft_and_ingest(tmp_path, export)
    sources = [i["source"] for i in cb["items"]]
    assert sources == ["Q3", "Q3#2", "\u00a0Q3", "Q4"]
    r = result.responses.sort_values("respondent_id", key=lambda s: s.astype(int))
    ids = [i["id"] for i in cb["items"]]
    assert list(r[ids[1]].astype(int)) == [1 + (i + 1) % 5 for i in range(1, 31)]
    assert list(r[ids[2]].astype(int)) == [1 + (i + 2) % 5 for i in range(1, 31)]


def _plain(raw: Path, columns: dict[str, list]) -> Path:
    export = raw / "export.csv"
    pd.DataFrame(columns).to_csv(export, index=False)
    return export


def test_types_come_from_the_answers_never_from_the_question_text(tmp_path):
    n = 40
    raw = _raw(tmp_path)
    export = _plain(raw, {
        "ResponseId": [f"R_{i}" for i in range(n)],
        "Virksomhet": ["Alfa AS", "Beta AS"] * (n // 2),
        # an agreement item about recommending, answered 1-6: a rating, not a 0-10 nps item
        "Jeg vil anbefale arbeidsplassen min": [1 + i % 6 for i in range(n)],
        # yes / no / don't know coded 1 / 2 / 9: a background question, never nps
        "Would you recommend us? (1 yes, 2 no, 9 don't know)": [[1, 2, 9][i % 3] for i in range(n)],
        # a frequency scale no known set names, 6 points, in a matrix nobody answered 1 in
        "Q8_1": [2 + i % 5 for i in range(n)],
        "Q8_2": [2 + (i + 1) % 5 for i in range(n)],
        # a real 0-10 item
        "Q9": [i % 11 for i in range(n)],
        # a panel id: one value per respondent, never a comment
        "Panel ID": [f"5f{i:04x}c9" for i in range(n)],
        "Channels": ["Chat,Phone", "Phone", "E-mail,Chat", "Phone,E-mail"] * (n // 4),
    })  # fmt: skip
    cb, result = _draft_and_ingest(tmp_path, export)
    items = {i["source"]: i for i in cb["items"]}
    assert items["Jeg vil anbefale arbeidsplassen min"]["type"] == "likert"
    assert cb["scales"][items["Jeg vil anbefale arbeidsplassen min"]["scale"]]["max"] == 6
    yes_no = "Would you recommend us? (1 yes, 2 no, 9 don't know)"
    assert yes_no not in items and any(s["source"] == yes_no for s in cb["segments"])
    assert cb["roles"]["enps"] == items["Q9"]["id"]  # the one 0-10 item, not the yes / no one
    q8 = cb["scales"][items["Q8_1"]["scale"]]
    assert (q8["min"], q8["max"]) == (1, 6) and items["Q8_2"]["scale"] == items["Q8_1"]["scale"]
    assert items["Q9"]["type"] == "nps"
    assert "Panel ID" in cb["ignore"] and "Panel ID" not in items
    assert items["Channels"]["type"] == "multi" and items["Channels"]["delimiter"] == ","
    assert result.comments is None or result.comments.empty


def test_an_unknown_six_point_frequency_set_shared_by_items_is_a_rating(tmp_path):
    import pyreadstat

    n = 30
    labels = {
        1: "Alltid",
        2: "Mycket ofta",
        3: "Ganska ofta",
        4: "Ibland",
        5: "Sällan",
        6: "Aldrig",
    }
    odd = {
        1: "Varje dag",
        2: "Varje vecka",
        3: "Varje månad",
        4: "Mer sällan",
        5: "Vet ej hur",
        6: "Inte",
    }
    df = pd.DataFrame({
        "org": [1.0, 2.0] * (n // 2),
        **{f"q{k}": [float(1 + (i + k) % 6) for i in range(n)] for k in range(1, 4)},
        **{f"w{k}": [float(1 + (i * k) % 6) for i in range(n)] for k in range(1, 3)},
    })  # fmt: skip
    raw = _raw(tmp_path)
    pyreadstat.write_sav(df, str(raw / "data.sav"),
                         column_labels={"org": "Arbetsgivare", **{c: c for c in df.columns[1:]}},
                         variable_value_labels={"org": {1.0: "Nordbank", 2.0: "Kommunen"},
                                                **{f"q{k}": labels for k in range(1, 4)},
                                                **{f"w{k}": odd for k in range(1, 3)}})  # fmt: skip
    cb, result = _draft_and_ingest(tmp_path, raw / "data.sav")
    items = {i["id"]: i for i in cb["items"]}
    assert all(items[f"q{k}"]["type"] == "likert" for k in range(1, 4))
    scale = cb["scales"][items["q1"]["scale"]]
    assert (scale["min"], scale["max"]) == (1, 6) and scale["labels"][1]["nb"] == "Alltid"
    assert all(items[f"w{k}"]["type"] == "likert" for k in range(1, 3))  # a set two items share
    # the employer, coded with labels, is the company, named as the labels say
    assert cb["roles"]["company"] == "company"
    assert set(result.responses["company"]) == {"Nordbank", "Kommunen"}
    # no respondent id: the file row, stable across runs
    assert cb["meta"]["respondent_id"] == {"id": "respondent_id", "computed": "row"}
    again = ks.ingest(YEAR, tmp_path).responses
    assert list(again["respondent_id"]) == list(result.responses["respondent_id"])
    assert list(result.responses["respondent_id"]) == [str(i) for i in range(2, n + 2)]


def test_display_logic_keeps_finished_respondents_and_names_the_rule(tmp_path):
    n = 30
    raw = _raw(tmp_path)
    # each finished respondent was shown 2 of the 5 questions (40 %); one unfinished answered 1
    rows = {
        "ResponseId": [f"R_{i}" for i in range(n + 1)],
        "Finished": ["1"] * n + ["0"],
        "Virksomhet": ["Alfa AS", "Beta AS"] * (n // 2) + ["Alfa AS"],
        "IPAddress": ["10.0.0.1"] * (n + 1),
        "Evaluator Email": [f"boss{i}@firma.no" for i in range(n + 1)],
    }
    for k in range(5):
        rows[f"Q{k + 1}"] = [(1 + (i // 5) % 5 if i % 5 in (k, (k + 1) % 5) else None) for i in range(n)] + [3 if k == 0 else None]  # fmt: skip
    export = _plain(raw, rows)
    cb, result = _draft_and_ingest(tmp_path, export)
    assert cb["responses"]["finished"] == {"column": "Finished", "values": ["1"]}
    assert len(result.responses) == n
    reason = result.quarantine["reason"].iloc[0]
    assert (
        "1 of 5 questions answered" in reason and "min_answered" in reason and "Finished" in reason
    )
    # ignored personal data reaches no processed file
    out = tmp_path / "processed" / str(YEAR)
    for file in out.iterdir():
        data = file.read_bytes()
        assert b"firma.no" not in data and b"10.0.0.1" not in data, file.name


def test_a_company_given_as_codes_takes_values_and_is_published_by_name(tmp_path):
    raw = _raw(tmp_path)
    export = _plain(raw, {
        "ResponseId": [f"R_{i}" for i in range(20)],
        "Firma": [1, 2] * 10,
        **{f"Q{k}": [1 + (i + k) % 5 for i in range(20)] for k in range(1, 4)},
    })  # fmt: skip
    out = raw / "codebook.yaml"
    drafted = RUN.invoke(app, ["codebook", "draft", str(export), "--year", str(YEAR), "--out", str(out), "--company", "Firma"])  # fmt: skip
    assert drafted.exit_code == 0 and "give each code its company's name" in drafted.output
    cb = yaml.safe_load(out.read_text(encoding="utf-8"))
    company = next(s for s in cb["segments"] if s["id"] == "company")
    company["values"] = {
        1: {"nb": "Alfa AS", "en": "Alfa AS"},
        2: {"nb": "Beta AS", "en": "Beta AS"},
    }
    out.write_text(yaml.safe_dump(cb, allow_unicode=True), encoding="utf-8")
    result = ks.ingest(YEAR, tmp_path)
    assert sorted(result.responses["company"].unique()) == ["Alfa AS", "Beta AS"]


def test_company_is_never_chosen_by_its_name_alone(tmp_path):
    raw = _raw(tmp_path)
    export = _plain(raw, {
        "ResponseId": [f"R_{i}" for i in range(20)],
        "Company Size": ["1-10", "11-50", "51-200", "100+"] * 5,
        **{f"Q{k}": [1 + (i + k) % 5 for i in range(20)] for k in range(1, 4)},
    })  # fmt: skip
    cb, result = _draft_and_ingest(tmp_path, export)
    assert (cb["roles"] or {}).get("company") is None
    assert any(s["source"] == "Company Size" for s in cb["segments"])
    assert len(result.responses) == 20
    constant = RUN.invoke(app, ["codebook", "draft", str(export), "--year", str(YEAR), "--company", "ResponseId"])  # fmt: skip
    assert constant.exit_code == 0  # any column may be named; a constant one is refused:
    (raw / "const.csv").write_text("ID,Org,Q1\n1,Alfa AS,3\n2,Alfa AS,4\n", encoding="utf-8")
    one = RUN.invoke(app, ["codebook", "draft", str(raw / "const.csv"), "--year", str(YEAR), "--company", "Org"])  # fmt: skip
    assert one.exit_code == 2 and "one organisation" in one.output and "Traceback" not in one.output


def test_a_survey_of_one_organisation_ingests_and_batch_says_there_is_nothing_to_benchmark(
    tmp_path, monkeypatch
):
    raw = _raw(tmp_path)
    export = _plain(raw, {
        "ResponseId": [f"R_{i}" for i in range(20)],
        **{f"Q{k}": [1 + (i + k) % 5 for i in range(20)] for k in range(1, 4)},
    })  # fmt: skip
    cb, result = _draft_and_ingest(tmp_path, export)
    assert cb["roles"] == {} and len(result.responses) == 20
    monkeypatch.chdir(tmp_path)  # a relative --data-dir
    done = RUN.invoke(app, ["batch", "--year", str(YEAR), "--data-dir", "."])
    assert done.exit_code == 0, done.output
    assert done.output.strip().splitlines()[0].startswith("nothing to benchmark")
    assert not (tmp_path / "reports").exists()


# ----------------------------------------------------------------------------- the audit
def _survey(companies: list[str], ids: list[str]):
    """The little the audit reads of a survey: responses with companies and ids, the roles."""
    from types import SimpleNamespace

    responses = pd.DataFrame({"respondent_id": ids, "company": (companies * len(ids))[: len(ids)]})
    codebook = SimpleNamespace(
        roles=SimpleNamespace(company="company"),
        role=lambda name: "company",
        meta=SimpleNamespace(respondent_id=SimpleNamespace(id="respondent_id")),
        items=[],
    )
    return SimpleNamespace(responses=responses, codebook=codebook, comments=None)


def test_a_company_called_by_a_word_the_report_uses_is_not_a_leak_but_its_name_in_data_is():
    from ksresearch.report.audit import audit_html
    from ksresearch.report.present import catalogue

    survey = _survey(["Education", "Manager", "Nordbank AS"], [f"R_{i}x" for i in range(30)])
    header = catalogue("en")["measures"]["edu_relevant"]  # "Formal education relevant (%)"
    page = f"<h2>About</h2><table><tr><th>{header}</th></tr><tr><td>61</td></tr></table>"
    assert audit_html(page, survey, company="Nordbank AS") == []
    leak = page + "<p>Compared with Education, your centre scores higher.</p>"
    problems = audit_html(leak, survey, company="Nordbank AS")
    assert len(problems) == 1 and "'Education' in «…" in problems[0]
    assert "compared with education, your" in problems[0]


def test_a_unit_whose_name_holds_another_units_name_passes_its_own_audit():
    from ksresearch.report.audit import audit_html

    survey = _survey(["Clerk of Superior Court", "Superior Court"], [f"R_{i}x" for i in range(30)])
    page = "<h1>Clerk of Superior Court</h1><p>Clerk of Superior Court against all others</p>"
    assert audit_html(page, survey, company="Clerk of Superior Court") == []
    problems = audit_html(page + "<p>Superior Court scores 70</p>", survey, company="Clerk of Superior Court")  # fmt: skip
    assert "'Superior Court'" in problems[0]


def test_integer_respondent_ids_are_matched_in_table_cells_not_in_years_or_counts():
    from ksresearch.report.audit import audit_html

    survey = _survey(["Alfa AS", "Beta AS"], [str(i) for i in range(1, 5001)])
    page = "<h1>Employee index 2016</h1><p>2016 answered, of 3000 invited.</p><table><tr><td>64.2</td></tr></table>"  # fmt: skip
    assert audit_html(page, survey, company="Alfa AS") == []
    shown = page.replace("<td>64.2</td>", "<td>2016</td>")
    problems = audit_html(shown, survey, company="Alfa AS")
    assert problems == ["the report shows 1 respondent id(s): ['2016']"]


@pytest.mark.parametrize(
    "leak",
    [
        '<p><img src="x.png" alt="Nordbank AS"></p>',
        '<svg><text x="1" y="1">Nordbank AS</text></svg>',
        '<style>.x::after { content: "Nordbank AS"; }</style><p class="x">a</p>',
        "<p>N\u043erdb\u0430nk AS</p>",  # Cyrillic o and a
        "<p>Nordbanksjefen sier at lønna er bedre der</p>",
        "<p>nordbankfolka tjener mer</p>",
        "<p>Nordbanks lønn er høyere</p>",
    ],
)
def test_the_audit_reads_what_a_reader_can_see(leak):
    from ksresearch.report.audit import audit_html

    survey = _survey(["Nordbank AS", "Stjernetel AS"], [f"R_{i}x" for i in range(30)])
    problems = audit_html(f"<h1>Stjernetel AS</h1>{leak}", survey, company="Stjernetel AS")
    assert len(problems) == 1 and "'Nordbank AS'" in problems[0], problems


def test_a_company_whose_name_holds_another_is_judged_by_its_own_name_first():
    from ksresearch.report.audit import audit_html

    survey = _survey(["Sparebank 1 Nord-Norge", "Sparebank 1"], [f"R_{i}x" for i in range(30)])
    page = "<h1>Sparebank 1 Nord-Norge</h1><p>Sparebank 1 Nord-Norges ansatte mot alle andre</p>"
    assert audit_html(page, survey, company="Sparebank 1 Nord-Norge") == []


def test_letter_spacing_and_hyphenation_in_a_pdf_are_undone_for_the_audit():
    from ksresearch.report.audit import _rejoined, normalise

    text = normalise(_rejoined("Sammenlignet med N o r d b a n k og Stjerne-\ntel i år"))
    assert "nordbank" in text and "stjernetel" in text


def test_every_shape_of_a_deck_is_read_groups_notes_and_charts(tmp_path):
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    from ksresearch.report.formats import pptx_text

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    group = slide.shapes.add_group_shape()
    group.shapes.add_textbox(
        Inches(1), Inches(1), Inches(2), Inches(1)
    ).text_frame.text = "Gruppe Alfa"
    data = CategoryChartData()
    data.categories = ["Kategori Beta", "Annet"]
    data.add_series("Serie Gamma", (1.0, 2.0))
    slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(1), Inches(2), Inches(4), Inches(3), data)  # fmt: skip
    slide.notes_slide.notes_text_frame.text = "Notat Delta"
    deck.save(tmp_path / "d.pptx")
    text = pptx_text(tmp_path / "d.pptx")
    for word in ("Gruppe Alfa", "Kategori Beta", "Serie Gamma", "Notat Delta"):
        assert word in text, text


def test_an_html_only_rebuild_withdraws_the_stale_pdf_and_deck(tmp_path):
    """Late answers, then a re-run for HTML only: the old PDF (n 10) beside the new HTML
    (n 12) would give the late pair's mean by subtraction, so it goes."""
    import os

    from ksresearch.report.formats import write_formats

    page = tmp_path / "Alfa_AS.html"
    for suffix, age in ((".pdf", 100), (".pptx", 100), (".html", 0)):
        path = page.with_suffix(suffix)
        path.write_text("x", encoding="utf-8")
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))
    fresh = tmp_path / "Beta_AS.html"
    fresh.write_text("x", encoding="utf-8")
    fresh.with_suffix(".pdf").write_text("x", encoding="utf-8")  # made from this HTML: kept
    os.utime(fresh, (1_700_000_000, 1_700_000_000))
    os.utime(fresh.with_suffix(".pdf"), (1_700_000_100, 1_700_000_100))
    assert write_formats([(page, "Alfa AS"), (fresh, "Beta AS")], ("html",), survey=None) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Alfa_AS.html", "Beta_AS.html", "Beta_AS.pdf"]  # fmt: skip


def test_a_kernel_server_whose_batch_died_while_it_started_exits(tmp_path):
    """The batch killed before its kernel server asked who its parent was: the server knows
    the batch's pid from it, sees it gone and exits (it used to wait for ever)."""
    import os
    import subprocess
    import sys

    from ksresearch.report.kernel import SERVER_PARENT_ENV

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that is not our parent (it has exited)
    env = {**os.environ, SERVER_PARENT_ENV: str(gone.pid)}
    server = subprocess.Popen(
        [sys.executable, "-m", "ksresearch.report.kernel", "--serve", str(tmp_path / "s.sock")],
        env=env,
    )
    assert server.wait(timeout=60) == 0
    assert not (tmp_path / "s.sock").exists()


def test_the_release_audit_names_a_report_without_its_ledger_and_a_file_no_manifest_lists(
    tmp_path,
):
    import json

    from ksresearch.report.release import unaccounted_files

    base = tmp_path / "2025"
    (base / "companies").mkdir(parents=True)
    (base / "ledger" / "companies").mkdir(parents=True)
    for name in ("general_report.nb.html", "companies/Alfa_AS.html", "companies/Alfa_AS.pdf"):
        (base / name).write_text("x", encoding="utf-8")
    (base / "ledger" / "companies" / "Alfa_AS.json").write_text("{}", encoding="utf-8")
    (base / "companies" / "Beta_AS.pdf").write_text("x", encoding="utf-8")  # an earlier run's
    manifest = {"Alfa AS": {"file": "Alfa_AS.html", "key": "k"}}
    (base / "companies" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert unaccounted_files(base) == [
        "companies/Beta_AS.pdf: not in the manifest (left by an earlier run?)",
        "general_report.nb.html: no ledger (its numbers cannot be checked)",
    ]


def test_a_second_batch_on_the_same_folder_is_refused_while_the_first_writes(tmp_path):
    from ksresearch.report.batch import exclusive
    from ksresearch.report.execute import ReportError

    folder = tmp_path / "2025" / "companies"
    with exclusive(folder):
        with pytest.raises(ReportError, match=r"another batch \(pid \d+\) is writing"):
            with exclusive(folder):
                pass
    with exclusive(folder):  # free again once the first is done
        pass


@pytest.mark.parametrize("keep", [2, 3])
def test_a_pool_of_two_or_three_companies_gives_every_report(tmp_path, keep):
    """With two or three companies "all others" is one or two companies: the pool columns say
    so and every company's report is written (it used to crash on diff_low/diff_high)."""
    import csv

    raw = tmp_path / "raw" / "2025"
    ks.write_synth(2025, seed=2025, data_dir=tmp_path, n_companies=12)
    (raw / "company_kpis.csv").unlink()
    (raw / "headcounts.csv").unlink()
    export = raw / "responses.csv"
    with export.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    at = rows[0].index("company")
    sizes = pd.Series([r[at] for r in rows[1:]]).value_counts()
    kept = set(sizes.index[:keep])
    with export.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([rows[0], *(r for r in rows[1:] if r[at] in kept)])
    ks.ingest(2025, tmp_path)
    result = ks.batch(2025, data_dir=tmp_path, out=tmp_path / "out", workers=2)
    assert not result.failed and sorted(result.written) == sorted(kept)
    page = tmp_path / "out" / "2025" / "companies" / next(iter(result.written.values())).name
    assert "Traceback" not in page.read_text(encoding="utf-8")


def test_the_batch_lock_leaves_no_file_behind(tmp_path):
    from ksresearch.report.batch import exclusive

    folder = tmp_path / "companies"
    with exclusive(folder):
        assert (folder / ".batch.lock").exists()
    assert list(folder.iterdir()) == []


def test_option_columns_marked_with_their_own_code_are_one_multi_item(tmp_path):
    """R haven's ``p0001`` = 1 or empty, ``p0002`` = 2 or empty, ...: one multi item whose
    options read from their own columns, a mark as 1, a blank as no answer; an unchosen
    option is no question left unanswered (the responses rule counts the item once), and a
    blank free text is no answer either."""
    n = 40
    raw = _raw(tmp_path)
    marks = {f"p{k:04d}": [str(k) if (i + k) % 3 == 0 else "" for i in range(n)] for k in (1, 2, 3)}
    export = _plain(raw, {
        "ResponseId": [f"R_{i}" for i in range(n)],
        **{f"Q{k}": [1 + (i + k) % 5 for i in range(n)] for k in range(1, 5)},
        **marks,
        "Other, namely": [""] * n,
    })  # fmt: skip
    cb, result = _draft_and_ingest(tmp_path, export)
    multi = [i for i in cb["items"] if i["type"] == "multi"]
    assert len(multi) == 1 and multi[0]["options"].keys() == {1, 2, 3}
    assert {o["source"] for o in multi[0]["options"].values()} == set(marks)
    item = multi[0]["id"]
    df = result.responses
    for k in (1, 2, 3):
        chosen = pd.Series(marks[f"p{k:04d}"]) != ""
        assert (df[f"{item}_{k}"].fillna(0).to_numpy() == chosen.astype(int).to_numpy()).all()
    assert len(df) == n  # four ratings answered: everyone is a response


def test_the_answered_share_reads_any_block_of_columns():
    """All numbers, all texts, or both, a multi item's columns counted once: the share each
    row answered (a block of one dtype gave pandas' own read-only array: ingest failed)."""
    import numpy as np

    from ksresearch.data.ingestion import _answered_share

    numbers = pd.DataFrame({"a": [1.0, np.nan], "b": [np.nan, np.nan], "c": [2.0, 3.0]})
    assert _answered_share(numbers, [["a"], ["b", "c"]]).tolist() == [1.0, 0.5]
    texts = pd.DataFrame({"a": ["x", ""], "b": ["", ""], "c": ["", "y"]}, dtype="str")
    assert _answered_share(texts, [["a"], ["b", "c"]]).tolist() == [0.5, 0.5]
    both = pd.concat([numbers[["a"]], texts[["c"]]], axis=1)
    assert _answered_share(both, [["a"], ["c"]]).tolist() == [0.5, 0.5]
