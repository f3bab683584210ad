"""Notebooks, the published HTML, the audit and the company batch, on a small synthetic survey."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app
from ksresearch.report import batch as batch_module
from ksresearch.report import execute as nbexec
from ksresearch.report.present import catalogue

SECTIONS_2025 = [
    "kf.title",
    "quality.title",
    "measurement.title",
    "turnover.title",
    "ai.title",
    "competence.title",
    "shift.title",
    "selfservice.title",
    "size.title",
    "comments.title",
    "customers.title",
    "trends.title",
    "about.title",
]
NEW_IN_2025 = ["ai.title", "shift.title", "selfservice.title"]

pytestmark = pytest.mark.slow  # every test here builds reports


@pytest.fixture(scope="session")
def report_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("reportdata")
    for year in (2024, 2025):
        ks.write_synth(year, seed=5, data_dir=data, n_companies=9)
        ks.ingest(year, data)
    return data


@pytest.fixture(scope="session")
def general(report_data, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    return {
        ("nb", 2025): ks.general_report(2025, lang="nb", data_dir=report_data, out=out),
        ("en", 2025): ks.general_report(2025, lang="en", data_dir=report_data, out=out),
        ("en", 2024): ks.general_report(2024, lang="en", data_dir=report_data, out=out),
    }


def _page(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_general_report_has_every_section_no_code_and_embedded_images(general, report_data, lang):
    page = _page(general[(lang, 2025)])
    assert f'<html lang="{lang}">' in page
    for key in SECTIONS_2025:
        assert (
            catalogue(lang)["texts"][key].replace("«", "&laquo;") in page
            or catalogue(lang)["texts"][key] in page
        ), key
    assert page.count('src="data:image/png;base64,') >= 6
    assert "<script" not in page  # nothing loaded from the internet
    assert 'class="ks-toc"' in page and page.count('<a href="#') >= len(SECTIONS_2025)
    assert ks.audit(general[(lang, 2025)], 2025, report_data) == []


def test_general_report_provenance(general, report_data):
    page = _page(general[("nb", 2025)])
    assert "Om rapporten" in page and "Kjørt (UTC)" in page
    data_sha = hashlib.sha256(
        (report_data / "processed" / "2025" / "responses.parquet").read_bytes()
    ).hexdigest()
    assert data_sha[:16] in page
    assert ks.load_codebook(ks.config.codebook_path(2025)).checksum[:16] in page
    assert ks.__version__ in page
    assert page.rindex("Om rapporten") > page.rindex(
        catalogue("nb")["texts"]["trends.title"]
    )  # it ends the report


def test_norwegian_number_format(general):
    page = _page(general[("nb", 2025)])
    assert re.search(r">\d+,\d\xa0%<", page)  # "12,3 %"
    assert not re.search(r">\d+\.\d%<", page)


def test_sections_a_year_did_not_ask_are_left_out(general):
    page = _page(general[("en", 2024)])
    texts = catalogue("en")["texts"]
    for key in NEW_IN_2025:  # no section, but one line saying it is left out and why
        assert f'id="{ks.report.present.slug(texts[key])}"' not in page
        line = texts["report.left_out"].format(section=texts[key], year=2024, roles="")
        assert line.split(" (")[0].rsplit(" ", 1)[0] in page.replace("&#x27;", "'"), key
    assert f'id="{ks.report.present.slug(texts["turnover.title"])}"' in page


def test_general_report_names_no_company(general, report_data):
    page = _page(general[("nb", 2025)])
    companies = ks.load(2025, report_data).responses["company"].unique()
    assert not [c for c in companies if c in page]


@pytest.mark.parametrize(
    ("notebook", "shown"),
    [("home_office_stress.py", "stress_index"), ("comment_topics.py", "n_texts")],
)
def test_exploratory_notebooks_run(report_data, notebook, shown):
    nb = nbexec.execute(
        nbexec.NOTEBOOK_DIR / "exploratory" / notebook,
        {"year": 2025, "lang": "en", "min_group_size": 5, "data_dir": str(report_data)},
    )
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(shown in str(o.get("data", {}).get("text/plain", "")) for o in outputs)


def test_notebooks_are_paired_sources_with_one_parameters_cell():
    notebooks = [
        *nbexec.general_notebooks(),
        nbexec.BENCHMARK_NOTEBOOK,
        *sorted((nbexec.NOTEBOOK_DIR / "exploratory").glob("*.py")),
    ]
    assert len(notebooks) == 16
    for path in notebooks:
        nb = nbexec.read_notebook(path)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        names = set(re.findall(r"^(\w+) = ", tagged[0].source, re.M))
        assert {"year", "lang", "min_group_size", "data_dir"} <= names, path.name
        for line in tagged[0].source.splitlines():  # literals only
            assert re.fullmatch(r'\w+ = (\d+|None|"[^"]*")', line), (path.name, line)
    assert "company" in {
        line.split(" = ")[0]
        for line in nbexec.read_notebook(nbexec.BENCHMARK_NOTEBOOK).cells[0].source.splitlines()
    }


def _words(path: Path) -> str:
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(_page(path), "html.parser").get_text(" ").split())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_question_of_the_codebook_is_in_the_general_report(general, report_data, lang):
    """The backbone: every item of the 2025 codebook, free text included (the comments say
    which question they answer), by its text in the report's language; every theme too."""
    codebook = ks.load(2025, report_data).codebook
    page = _words(general[(lang, 2025)])
    texts = {i.id: getattr(i.text, lang) for i in codebook.items}
    texts |= {c: getattr(con.label, lang) for c, con in codebook.constructs.items()}
    missing = [k for k, t in texts.items() if " ".join(t.split()) not in page]
    assert not missing


# ----------------------------------------------------------------------------- the audit
@pytest.fixture(scope="module")
def company_report(report_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("one")
    survey = ks.load(2025, report_data)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[0]
    result = ks.batch(2025, companies=[company], data_dir=report_data, out=out, workers=1)
    return survey, company, result.written[company]


def test_a_company_report_shows_its_questions_and_at_most_five_focus_areas_with_reasons(
    company_report,
):
    """Each company report: the table of every theme and question against all others, then
    its focus areas (at most five, each with its reason) or the sentence that there is none."""
    from bs4 import BeautifulSoup

    from ksresearch.report.present import text

    survey, _, path = company_report
    soup = BeautifulSoup(_page(path), "html.parser")
    headings = {h.get_text(" ", strip=True): h for h in soup.find_all(["h2", "h3"])}
    assert text("questions.title", "nb") in headings
    rated = [i.text.nb for i in survey.codebook.items if i.type in ("likert", "nps")]
    table = headings[text("questions.title", "nb")].find_next("table")
    assert all(" ".join(t.split()) in " ".join(table.get_text(" ").split()) for t in rated)
    focus = headings[text("questions.focus", "nb")]
    after = focus.find_next(["table", "h2"])
    if after.name == "table":
        rows = after.find("tbody").find_all("tr")
        assert 1 <= len(rows) <= ks.study.questions.MAX_FOCUS_AREAS
        assert all("ρ =" in row.get_text(" ") for row in rows)  # each with its reason
    else:
        assert " ".join(text("questions.no_focus", "nb").split()) in _words(path)


def test_no_planted_personal_detail_reaches_a_report_or_its_ledger(
    general, company_report, report_data
):
    """synth plants e-mail addresses, phone and identity numbers, a link and a name in some
    comments (truth.json): none reaches an HTML page or a ledger; the company report quotes
    its own redacted comments."""
    import json

    truth = json.loads((report_data / "raw" / "2025" / "truth.json").read_text(encoding="utf-8"))
    details = truth["comments"]["planted_details"]
    assert len(details) >= 3
    _, company, path = company_report
    files = [general[("nb", 2025)], general[("en", 2025)], path]
    files += [p for f in files for p in f.parent.rglob("ledger/**/*.json")]
    assert len(files) >= 5
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert not [d for d in details if d in text], f
    stored = pd.read_parquet(report_data / "processed" / "2025" / "comments.parquet")
    assert not [d for d in details if stored["text"].str.contains(d, regex=False).any()]
    assert stored["redacted"].str.len().gt(0).sum() >= len(details)


def _plant(page: str, html: str) -> str:
    return page.replace("</body>", html + "</body>", 1)


def test_audit_passes_a_clean_company_report(company_report):
    survey, company, path = company_report
    assert ks.audit_html(_page(path), survey, company=company) == []


@pytest.mark.parametrize(
    ("leak", "message"),
    [
        ("other_company", "names 1 other company"),
        ("small_group", "a group of 3 respondents"),
        ("respondent_id", "respondent id"),
        ("free_text", "free-text answer"),
        ("code", "code cells"),
        ("traceback", "error message"),
    ],
)
def test_audit_catches_a_planted_leak(company_report, leak, message):
    survey, company, path = company_report
    df = survey.responses
    planted = {
        "other_company": f"<p>Compare with {sorted(set(df['company']) - {company})[0]}</p>",
        # marked as the table helper marks counts, under the header the old audit did not know
        "small_group": '<table class="ks-table" data-ks-counts="0"><tr><th class="col_heading col0">Svar</th>'
        '<th class="col_heading col1">Snitt</th></tr><tr><td class="data row0 col0">3</td>'
        '<td class="data row0 col1">4,1</td></tr></table>',
        "respondent_id": f"<p>{df['respondent_id'].iloc[0]}</p>",
        "free_text": f"<p>{df['comment'].dropna().loc[lambda s: s.str.len() > 15].iloc[0]}</p>",
        "code": '<div class="jp-InputArea-editor">x = 1</div>',
        "traceback": "<pre>Traceback (most recent call last):\n  File x</pre>",
    }[leak]
    problems = ks.audit_html(_plant(_page(path), planted), survey, company=company)
    assert any(message in p for p in problems), problems


def test_audit_command(company_report, report_data, tmp_path):
    survey, company, path = company_report
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", str(path), "--year", "2025", "--data-dir", str(report_data)])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "companies" / path.name
    bad.parent.mkdir()
    other = sorted(set(survey.responses["company"]) - {company})[0]
    bad.write_text(_plant(_page(path), f"<p>{other}</p>"), encoding="utf-8")
    # the audit takes the report's company from the manifest beside it, as a batch writes it
    (bad.parent / "manifest.json").write_text(json.dumps({company: {"file": bad.name}}))
    res = runner.invoke(app, ["audit", str(bad), "--year", "2025", "--data-dir", str(report_data)])
    assert res.exit_code == 1 and "names 1 other company" in res.output


# ----------------------------------------------------------------------------- the batch
def _failing_notebook(tmp_path: Path, company: str) -> Path:
    source = nbexec.BENCHMARK_NOTEBOOK.read_text(encoding="utf-8")
    marker = "# %%\n# The benchmark report"
    planted = f'# %%\nif company == "{company}":\n    raise RuntimeError("planted failure")\n\n'
    path = tmp_path / "company_benchmark.py"
    path.write_text(source.replace(marker, planted + marker, 1), encoding="utf-8")
    return path


def test_batch_isolates_failures_skips_small_companies_and_reruns_only_what_is_needed(
    report_data, tmp_path, monkeypatch
):
    survey = ks.load(2025, report_data)
    eligible = ks.eligible_companies(survey)
    good = list(eligible[eligible["eligible"]].index[:3])
    small = list(eligible[~eligible["eligible"]].index[:1])
    assert small, "the synthetic survey always has companies below the minimum"
    broken = good[1]
    monkeypatch.setattr(batch_module, "BENCHMARK_NOTEBOOK", _failing_notebook(tmp_path, broken))
    out = tmp_path / "out"
    first = ks.batch(2025, companies=good + small, data_dir=report_data, out=out, workers=2)
    assert sorted(first.written) == sorted(set(good) - {broken})
    assert list(first.failed) == [broken] and "planted failure" in first.failed[broken]
    assert first.not_eligible == {small[0]: "fewer than 5 respondents"}
    folder = out / "2025" / "companies"
    assert (folder / "failed" / ks.company_file(broken).replace(".html", ".ipynb")).exists()
    assert not (folder / ks.company_file(broken)).exists()
    assert not (folder / ks.company_file(small[0])).exists()
    assert not list(folder.glob(".*"))  # no temporary files left behind
    # a re-run redoes only what failed
    second = ks.batch(2025, companies=good + small, data_dir=report_data, out=out, workers=2)
    assert sorted(second.up_to_date) == sorted(set(good) - {broken}) and list(second.failed) == [
        broken
    ]
    # fixed: the failed company is made, the others stay up to date
    monkeypatch.setattr(
        batch_module, "BENCHMARK_NOTEBOOK", nbexec.NOTEBOOK_DIR / "company_benchmark.py"
    )
    third = ks.batch(2025, companies=good, data_dir=report_data, out=out, workers=2)
    assert list(third.written) == [broken] or broken in third.written
    assert not (folder / "failed" / ks.company_file(broken).replace(".html", ".ipynb")).exists()


def _normalise(page: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "", page)


def test_dask_executor_writes_the_same_reports(report_data, tmp_path):
    from distributed import LocalCluster

    survey = ks.load(2025, report_data)
    eligible = ks.eligible_companies(survey)
    companies = list(eligible[eligible["eligible"]].index[:2])
    local = ks.batch(
        2025, companies=companies, data_dir=report_data, out=tmp_path / "local", workers=2
    )
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        dask = ks.batch(
            2025,
            companies=companies,
            data_dir=report_data,
            out=tmp_path / "dask",
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
    assert sorted(dask.written) == sorted(local.written) == sorted(companies), dask.failed
    for company in companies:
        assert _normalise(_page(dask.written[company])) == _normalise(_page(local.written[company]))


def test_batch_and_report_commands(report_data, tmp_path):
    runner = CliRunner()
    for command in ("report", "batch", "audit"):
        assert runner.invoke(app, [command, "--help"]).exit_code == 0
    survey = ks.load(2025, report_data)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[0]
    res = runner.invoke(
        app,
        [
            "batch",
            "--year",
            "2025",
            "--data-dir",
            str(report_data),
            "--out",
            str(tmp_path),
            "--company",
            company,
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (
        "1 written" in res.output
        and (tmp_path / "2025" / "companies" / ks.company_file(company)).exists()
    )
    res = runner.invoke(
        app,
        [
            "batch",
            "--year",
            "2025",
            "--data-dir",
            str(report_data),
            "--out",
            str(tmp_path),
            "--company",
            "No Such AS",
        ],
    )
    assert res.exit_code == 2 and "not in the 2025 data" in res.output
    res = runner.invoke(
        app, ["batch", "--year", "2025", "--data-dir", str(report_data), "--executor", "dask"]
    )
    assert res.exit_code == 2 and "--scheduler" in res.output


def test_company_file_names_are_readable_bounded_and_never_shared():
    assert ks.company_file("Nordkraft AS") == "Nordkraft_AS.html"
    assert ks.company_file("Bølgedata AS") == "Bølgedata_AS.html"
    names = ["A/S Nord", "A S Nord", "A S\u200bNord", "A_S Nord", "A S Nord ", "N" * 300,
             "N" * 301, "Bølge/data AS", "Bølge data AS", "..", "/", "a\x00b"]  # fmt: skip
    files = [ks.company_file(n) for n in names]
    assert len({f.casefold() for f in files}) == len(names)  # two names never share a file
    assert all(len(f.encode()) < 100 and "/" not in f and "\x00" not in f for f in files)
    assert ks.company_file("A/S Nord") == ks.company_file("A/S Nord")  # stable


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_company_report_sections_and_provenance_in_both_languages(report_data, tmp_path, lang):
    survey = ks.load(2025, report_data)
    eligible = ks.eligible_companies(survey)
    company = eligible[eligible["eligible"]].index[-1]
    result = ks.batch(
        2025, companies=[company], data_dir=report_data, out=tmp_path, lang=lang, workers=1
    )
    page = _page(result.written[company])
    sections = ("kf.title", "benchmark.table", "customers.own_title", "benchmark.strengths")
    for key in (*sections, "company_trend.title", "benchmark.drivers", "about.title"):
        assert catalogue(lang)["texts"][key] in page, key
    assert catalogue(lang)["texts"]["benchmark.title"].format(company=company) in page
    language = catalogue(lang)["texts"][f"language.{lang}"]
    parameters = catalogue(lang)["texts"]["about.parameters"].format(language=language, m=5)
    assert parameters in page and f"company={company!r}" not in page  # in words, no dump
    assert 'src="data:image/png;base64,' in page and "<script" not in page
    assert ks.audit_html(page, survey, company=company) == []


def test_report_command_errors_are_clear(report_data, tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        app, ["report", "--year", "2031", "--data-dir", str(report_data), "--out", str(tmp_path)]
    )
    assert res.exit_code == 2 and "run `ksresearch ingest --year 2031` first" in res.output
    res = runner.invoke(app, ["report", "--year", "2025", "--lang", "sv"])
    assert res.exit_code == 2 and "'sv' is not one of" in res.output
    assert not list(tmp_path.rglob("*.html"))


def test_table_helper_marks_counts_and_never_prints_a_small_one():
    import pandas as pd

    df = pd.DataFrame(
        {"n_company": [3, 12], "diff": [0.5, 1.5], "label": ["<b>x</b>", "y"]}, index=["a", "b"]
    )
    page = ks.report.present.table(df, "en", min_group_size=5).to_html()
    assert 'data-ks-counts="0"' in page and "&lt; 5" in page and ">3<" not in page
    assert (
        "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    )  # strings from data are escaped
    unmarked = page.replace('data-ks-counts="0"', 'data-ks-counts=""').replace("&lt; 5", "3")
    assert ks.audit_html(unmarked, _survey_stub()) == []  # no mark, no count: headers are not read
    assert "a group of 3" in ks.audit_html(page.replace("&lt; 5", "3"), _survey_stub())[0]


def test_a_tiny_surveys_data_quality_table_shows_no_exact_count_of_respondents():
    """The data-quality steps count respondents too: a survey of three analysed shows "< 5"
    there, as every count under the minimum (issue 26's leftover)."""
    import pandas as pd

    steps = pd.DataFrame({"rows": [9, 3, 3]}, index=["raw", "kept", "analysed"]).rename_axis("step")
    page = ks.report.present.table(steps, "en", min_group_size=5).to_html()
    assert 'data-ks-counts="0"' in page and page.count("&lt; 5") == 2 and ">3<" not in page
    assert ">9<" in page  # a count at or above the minimum is shown as it is


def _survey_stub():
    import pandas as pd

    from ksresearch import config, load_codebook

    cb = load_codebook(config.codebook_path(2025))
    responses = pd.DataFrame(
        {"company": ["A AS"], "respondent_id": ["R-000001"], "comment": [None]}
    )
    return ks.Survey(responses, cb)


def test_text_catalogues_have_the_same_keys_and_cover_every_key_the_notebooks_use():
    nb, en = catalogue("nb"), catalogue("en")
    assert nb.keys() == en.keys() == {"columns", "texts", "measures"}
    for part in nb:
        assert nb[part].keys() == en[part].keys(), part
    used = set()
    for path in [*nbexec.general_notebooks(), nbexec.BENCHMARK_NOTEBOOK]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'S\.(?:text|say|heading)\(\s*"([^"]+)"', source))
        used |= set(re.findall(r"^#     title: (\S+)$", source, re.M))
    assert len(used) > 40
    assert not used - set(nb["texts"]) - set(nb["columns"]), (
        used - set(nb["texts"]) - set(nb["columns"])
    )


#: What client text never holds: a file name, a parameter dump (``year=2025``), a catalogue
#: key or a column id the catalogue did not translate (``benchmark.rule``, ``quit_share``).
CLIENT_TEXT_FAULTS = {
    "a file name": r"\b[\w-]+\.(?:csv|json|parquet|yaml|yml|xlsx|sav|ipynb)\b",
    "a parameter dump": r"\b[a-z_]+=\S",
    "a catalogue key": r"\b[a-z]{2,}(?:_[a-z]+)*\.[a-z]{2,}(?:_[a-z]+)*\b",  # not "e.g."
    "a column id": r"\b[a-z]+_[a-z_]+\b",
}


def _client_text(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for hidden in soup(["style", "script", "head"]):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_client_text_holds_no_file_name_parameter_or_untranslated_key(
    general, company_report, lang
):
    pages = [general[(lang, 2025)]] + ([company_report[2]] if lang == "nb" else [])
    for path in pages:
        text = _client_text(path)
        for fault, pattern in CLIENT_TEXT_FAULTS.items():
            found = re.findall(pattern, text)
            assert not found, (path.name, fault, found[:5])
        if lang == "en":  # English quotes as English does
            assert "«" not in text and "»" not in text, path.name
        assert "Last year many" not in text and "I fjor mente mange" not in text


def test_a_company_report_says_why_its_tables_count_fewer_than_answered(company_report):
    survey, company, page = company_report
    answered = int(ks.response_rates(survey).at[company, "n"])
    analysed = int((ks.prepare(survey)["company"] == company).sum())
    sentence = catalogue("nb")["texts"]["participation.analysed"]
    assert analysed < answered  # the synthetic survey has careless answers in every company
    assert sentence.split(":")[0] in _client_text(page)
