"""Nothing personal gets out (privacy issue, "Done when"): the hostile-comment corpus planted
in a synthetic export of four companies named as the corpus names them; the release in every
format (HTML, PDF, PowerPoint) passes the release audit, and a brute-force scan of every file
(:mod:`tests.scan_release`, independent of the audit) finds no other participant's name and
no planted personal detail."""

from __future__ import annotations

import pandas as pd
import pytest

import ksresearch as ks
from tests import hostile
from tests.scan_release import company_files, scan

YEAR = 2025


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    data = tmp_path_factory.mktemp("planted")
    ks.write_synth(YEAR, seed=3, data_dir=data, n_companies=4)
    raw = data / "raw" / str(YEAR)
    path = raw / "responses.csv"
    df = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names = dict(zip(df["company"].value_counts().index, hostile.COMPANIES, strict=False))
    df["company"] = df["company"].map(names)
    corpus = hostile.corpus()
    rows = df.index[: len(corpus)]
    df.loc[rows, "comment"] = [h.text for h in corpus[: len(rows)]]
    df.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    for side in ("headcounts.csv", "company_kpis.csv"):
        text = (raw / side).read_text(encoding="utf-8-sig")
        for old, new in names.items():
            text = text.replace(old, new)
        (raw / side).write_text(text, encoding="utf-8-sig")
    ks.ingest(YEAR, data)
    out = data / "reports"
    kinds = "html,pdf,pptx"
    ks.general_report(YEAR, lang="nb", data_dir=data, out=out, formats=kinds)
    result = ks.batch(YEAR, data_dir=data, out=out, workers=2, formats=kinds)
    assert result.written and not result.failed, result.failed
    secrets = [s for h in corpus[: len(rows)] for s in h.secrets]
    return data, out / str(YEAR), secrets


@pytest.mark.slow
def test_the_planted_release_passes_the_audit(release):
    data, folder, _ = release
    check = ks.audit_release(YEAR, out=folder.parent, data_dir=data, fix=False)
    assert check.leaks == []


@pytest.mark.slow
def test_no_file_of_the_release_names_another_participant_or_holds_a_planted_detail(release):
    _, folder, secrets = release
    files = company_files(folder)
    assert len(files) >= 2 and secrets
    published = [p for p in folder.rglob("*") if p.suffix in (".html", ".pdf", ".pptx")]
    assert {p.suffix for p in published} == {".html", ".pdf", ".pptx"}
    assert scan(folder, files, secrets) == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    """The scan itself: a planted name and a planted number are found, separators or not."""
    (tmp_path / "companies").mkdir()
    (tmp_path / "companies" / "Nordbank_AS.html").write_text(
        "<p>Stjernetels folk ringer 912 34 567</p>", encoding="utf-8"
    )
    found = scan(
        tmp_path,
        {"Nordbank_AS": "Nordbank AS", "Stjernetel_AS": "Stjernetel AS"},
        ["912 - 34 - 567"],
    )
    assert [w for _, w in found] == ["names 'Stjernetel'", "holds '912 - 34 - 567'"]
