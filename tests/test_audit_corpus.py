"""A corpus of hand-made report pages for the audit: every leaking page is caught, no innocent
page fails. The audit reads structure (the table helper's count mark, decoded text without
tags, invisible characters or figure data) and the company from the manifest."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import ksresearch as ks
from ksresearch import config, load_codebook

OWN, OTHER, SHORT = "Fjordkraft AS", "Nordbank AS", "CON"
COMMENT = "Ledelsen lytter aldri til oss på kveldsskiftet"


@pytest.fixture(scope="module")
def survey():
    cb = load_codebook(config.codebook_path(2025))
    responses = pd.DataFrame(
        {
            "company": [OWN, OTHER, SHORT, "Sol AS"],
            "respondent_id": ["R2025000001", "R2025000002", "R2025000003", "R2025000004"],
            "comment": [COMMENT, None, None, None],
        }
    )
    return ks.Survey(responses, cb)


def _page(body: str) -> str:
    return (
        f"<html><head><title>{OWN}</title><style>.CON {{}}</style></head><body>{body}</body></html>"
    )


COUNTS = '<table class="ks-table" data-ks-counts="1"><tr><th>x</th><th>Svar</th></tr>{rows}</table>'
PIXEL = "data:image/png;base64,iVBORw0KGgoCONCONAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"

TWO_ROW_HEADER = (
    '<table class="ks-table" data-ks-counts="1"><thead>'
    '<tr><th></th><th colspan="2">Virksomheten</th></tr><tr><th></th><th>Svar</th><th>Snitt</th></tr>'
    '</thead><tbody><tr><th>Kveld</th><td class="data row0 col0">3,1</td>'
    '<td class="data row0 col1">2</td></tr></tbody></table>'
)

#: (page body, the problem it must raise)
LEAKS = [
    ("<p>Nordbank&#32;AS</p>", "other company"),
    ("<p>Nordbank&nbsp;AS</p>", "other company"),
    ("<p>nordbank as</p>", "other company"),
    ("<p>NORDBANK AS</p>", "other company"),
    ("<p>Nord\u200bbank AS</p>", "other company"),
    ("<p>Nord&#8203;bank\u00adAS</p>".replace("\u00adAS", " AS"), "other company"),
    ('<p><span title="Nordbank AS">i</span></p>', "other company"),
    ("<p>Nord<b>bank</b> AS</p>", "other company"),
    ("<p>Som CON gjør</p>", "other company"),
    ("<p>r2025000002</p>", "respondent id"),
    ('<a href="#R2025000002">x</a>', "respondent id"),
    (f"<p>{COMMENT}</p>", "free-text"),
    (f"<p>{COMMENT.upper()}</p>", "free-text"),
    (
        COUNTS.format(
            rows='<tr><td class="data row0 col0">a</td><td class="data row0 col1">3</td></tr>'
        ),
        "group of 3",
    ),  # fmt: skip
    (
        COUNTS.format(
            rows='<tr><td class="data row0 col0">a</td><td class="data row0 col1"> 4 </td></tr>'
        ),
        "group of 4",
    ),  # fmt: skip
    ('<div data-mime-type="application/vnd.jupyter.stderr">oops</div>', "error message"),
    (TWO_ROW_HEADER, "group of 2"),  # the mark, not the header rows, says which cells count
]

INNOCENT = [
    f"<p>{OWN}: resultater</p>",
    f"<p>{OWN.upper()}</p>",
    f'<img src="{PIXEL}" alt="figur">',  # "CON" only in the figure's data
    "<p>Solasvingen ligger i sentrum, og controlling er viktig</p>",  # names inside words
    "<p>Consolidated values</p>",
    COUNTS.format(
        rows='<tr><td class="data row0 col0">a</td><td class="data row0 col1">&lt; 5</td></tr>'
    ),  # fmt: skip
    COUNTS.format(
        rows='<tr><td class="data row0 col0">3</td><td class="data row0 col1">12</td></tr>'
    ),  # fmt: skip
    "<p>R2025 var et godt år</p>",
]


@pytest.mark.parametrize(("body", "problem"), LEAKS)
def test_every_planted_leak_is_caught(survey, body, problem):
    problems = ks.audit_html(_page(body), survey, company=OWN)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("body", INNOCENT)
def test_no_innocent_page_fails(survey, body):
    assert ks.audit_html(_page(body), survey, company=OWN) == []


def test_the_company_comes_from_the_manifest_wherever_the_audit_runs(tmp_path, monkeypatch):
    folder = tmp_path / "companies"
    folder.mkdir()
    page = folder / "Fjordkraft_AS~0123456789.html"
    page.write_text(_page(f"<p>{OWN}</p>"), encoding="utf-8")
    (folder / "manifest.json").write_text(
        json.dumps({OWN: {"file": page.name, "key": "k"}}), encoding="utf-8"
    )
    monkeypatch.chdir(folder)  # run from inside companies/, with a relative path
    from pathlib import Path

    assert ks.report.audit.manifest_company(Path(page.name).resolve()) == OWN
    assert ks.report.audit.manifest_company(tmp_path / "other.html") is None
