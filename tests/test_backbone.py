"""Every question in the report: with every role but ``company`` removed from the 2025
codebook, the general report shows every theme and every question of the codebook, by every
background group, and each company report its theme and question tables; with no ``company``
either, the general report alone. Nothing fails."""

from __future__ import annotations

import shutil

import pytest
import yaml
from bs4 import BeautifulSoup

import ksresearch as ks

YEAR = 2025


def _stripped(synth_data, tmp_path_factory, roles: dict, name: str):
    """The synthetic 2025 export with a codebook that keeps only ``roles``, ingested; without
    a company the per-company side files go too (they need one)."""
    data = tmp_path_factory.mktemp(name)
    shutil.copytree(synth_data / "raw" / str(YEAR), data / "raw" / str(YEAR))
    path = data / "raw" / str(YEAR) / "codebook.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    book["roles"] = roles
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if "company" not in roles:
        for side in ("headcounts.csv", "company_kpis.csv"):
            (data / "raw" / str(YEAR) / side).unlink(missing_ok=True)
    ks.ingest(YEAR, data)
    return data


@pytest.fixture(scope="module")
def company_only(synth_data, tmp_path_factory):
    data = _stripped(synth_data, tmp_path_factory, {"company": "company"}, "company_only")
    out = data / "reports"
    general = ks.general_report(YEAR, lang="en", data_dir=data, out=out)
    result = ks.batch(YEAR, data_dir=data, out=out, workers=2)
    return data, general, result


@pytest.fixture(scope="module")
def one_organisation(synth_data, tmp_path_factory):
    data = _stripped(synth_data, tmp_path_factory, {}, "one_organisation")
    return data, ks.general_report(YEAR, lang="en", data_dir=data, out=data / "reports")


def _text(path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return " ".join(soup.get_text(" ").split())


def _shown_labels(codebook) -> dict[str, str]:
    """Every theme and every question but free text (shown only by theme), by its English
    label as a report prints it."""
    labels = {c: con.label.en for c, con in codebook.constructs.items()}
    labels |= {i.id: i.text.en for i in codebook.items if i.type != "text"}
    return {k: " ".join(v.split()) for k, v in labels.items()}


def _every_question_is_shown(data, path) -> None:
    codebook = ks.load(YEAR, data).codebook
    page = _text(path)
    missing = {k: v for k, v in _shown_labels(codebook).items() if v not in page}
    assert not missing, missing
    for segment in codebook.segments:  # each by its groups, or a line saying why not
        if segment.type == "category":
            said = [
                ks.report.present.text(key, "en", segment=segment.text.en)
                for key in ("results.by_group_intro", "results.group_hidden")
            ]
            assert any(line in page for line in said), segment.id


@pytest.mark.slow
def test_a_codebook_with_only_the_company_role_shows_every_question(company_only):
    data, general, result = company_only
    _every_question_is_shown(data, general)
    assert "left out" in _text(general)  # the study's sections, each with its one line


@pytest.mark.slow
def test_every_eligible_company_gets_its_theme_and_question_tables(company_only):
    data, _, result = company_only
    survey = ks.load(YEAR, data)
    eligible = ks.eligible_companies(survey)
    assert not result.failed, result.failed
    assert set(result.written) == set(eligible.index[eligible["eligible"]])
    title = ks.report.present.text("questions.title", "nb")
    rated = [i.text.nb for i in survey.codebook.items if i.type in ("likert", "nps")]
    for path in result.written.values():
        page = _text(path)
        assert title in page
        assert all(" ".join(t.split()) in page for t in rated), path.name


@pytest.mark.slow
def test_a_survey_of_one_organisation_gets_every_question(one_organisation):
    data, general = one_organisation
    _every_question_is_shown(data, general)
    with pytest.raises(ValueError, match="names no company"):
        ks.batch(YEAR, data_dir=data, out=data / "reports")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small synthetic 2025 export (four companies): reports in seconds."""
    data = tmp_path_factory.mktemp("small")
    ks.write_synth(YEAR, seed=3, data_dir=data, n_companies=4)
    return data


def _without_trend_ids(source, data, year: int) -> None:
    """``source``'s 2025 raw folder as ``year`` in ``data``, its codebook without a trend id
    (a drafted codebook, or a survey unrelated to any other year), ingested."""
    raw = data / "raw" / str(year)
    shutil.copytree(source / "raw" / str(YEAR), raw)
    path = raw / "codebook.yaml"
    book = yaml.safe_load(path.read_text(encoding="utf-8"))
    book["year"] = year
    for item in book["items"]:
        item.pop("trend_id", None)
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ks.ingest(year, data)


@pytest.mark.slow
def test_a_drafted_codebook_in_its_second_year_gives_its_reports(small, tmp_path):
    """No trend ids: last year shares no construct with this one, so the change section says
    there is nothing to compare (it used to fail with KeyError: None), and the batch writes
    every report. (A first year has no last year: any one-year report is that case.)"""
    for year in (YEAR - 1, YEAR):
        _without_trend_ids(small, tmp_path, year)
    out = tmp_path / "reports"
    page = _text(ks.general_report(YEAR, lang="en", data_dir=tmp_path, out=out))
    assert "no change to show" in page
    result = ks.batch(YEAR, data_dir=tmp_path, out=out, workers=2)
    assert result.written and not result.failed, result.failed


def test_an_unrelated_survey_last_year_is_never_compared(synth_data, small, tmp_path):
    """Last year the KS survey (trend ids), this year another one (none): no construct is
    shared and the years are not compared; the same survey in both years is."""
    _without_trend_ids(small, tmp_path, YEAR)
    ks_last, ks_this = ks.load(YEAR - 1, synth_data), ks.load(YEAR, synth_data)
    other = ks.load(YEAR, tmp_path)
    assert ks.study.measurement.shared_constructs(other.codebook, ks_last.codebook) == {}
    assert not ks.comparable_years(other, ks_last)
    assert ks.comparable_years(ks_this, ks_last)
    assert ks.study.measurement.shared_constructs(ks_this.codebook, ks_last.codebook)


def _declared_sections() -> list:
    from ksresearch.report.execute import general_notebooks, read_notebook
    from ksresearch.report.general import section_roles

    out = []
    for path in general_notebooks():
        _, needs = section_roles(read_notebook(path))
        roles = [n for n in needs if n != "constructs"]
        if roles:
            out.append(pytest.param(path, roles, id=path.stem))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("path", "roles"), _declared_sections())
def test_a_section_runs_with_only_the_roles_it_declares(synth_data, tmp_path, path, roles):
    """A section that the report runs (its declared roles present) must not need any other
    role: every role it does not declare is removed (the company stays: it is the survey's
    unit), and the section is executed on its own."""
    from ksresearch.report.execute import execute
    from ksresearch.report.general import report_parameters

    book = yaml.safe_load(ks.config.codebook_path(YEAR).read_text(encoding="utf-8"))
    kept = {r: t for r, t in book["roles"].items() if r in {*roles, "company"}}
    data = tmp_path / "data"
    shutil.copytree(synth_data / "raw" / str(YEAR), data / "raw" / str(YEAR))
    path_cb = data / "raw" / str(YEAR) / "codebook.yaml"
    book = yaml.safe_load(path_cb.read_text(encoding="utf-8"))
    book["roles"] = kept
    path_cb.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), "utf-8")
    ks.ingest(YEAR, data)
    executed = execute(path, report_parameters(YEAR, "en", 5, data))
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


#: The roles the company report (and the analyses it calls) reads, each removed in turn.
UNIT_ROLES = [
    "enps",
    "quit_intent",
    "edu_relevant",
    "ai_user",
    "job_role",
    "tenure",
    "shift_worker",
    "work_location",
    "turnover_intention",
    "education_relevance",
    "stress",
]


@pytest.mark.slow
@pytest.mark.parametrize("role", UNIT_ROLES)
def test_every_company_report_is_written_with_each_of_its_roles_removed(small, tmp_path, role):
    """The batch, with one role the company report reads removed from the codebook, writes
    every eligible company's report, each with its question table (``python -m
    tests.each_role_removed`` runs the whole release, general report too, for every role of
    the codebook; here the general report's part is each section run with only the roles it
    declares, above)."""
    raw = tmp_path / "raw" / str(YEAR)
    shutil.copytree(small / "raw" / str(YEAR), raw)
    book = yaml.safe_load((raw / "codebook.yaml").read_text(encoding="utf-8"))
    book["roles"].pop(role)
    (raw / "codebook.yaml").write_text(
        yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    ks.ingest(YEAR, tmp_path)
    eligible = ks.eligible_companies(ks.load(YEAR, tmp_path))
    result = ks.batch(YEAR, data_dir=tmp_path, out=tmp_path / "reports", lang="en", workers=2)
    assert not result.failed, result.failed
    assert set(result.written) == set(eligible.index[eligible["eligible"]]) != set()
    title = ks.report.present.text("questions.title", "en")
    drivers = ks.report.present.text("benchmark.drivers", "en")
    for page in result.written.values():
        shown = _text(page)
        assert title in shown
        if role == "turnover_intention":  # no section that can only say "too few answers"
            assert drivers not in shown
