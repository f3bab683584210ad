"""The whole release, attacked as an outsider would: a planted 2-respondent company sharing an
industry and a size band with one other company; markup and mathematics through every string
that comes from data or the codebook; colliding and overlong company names; a killed batch;
a folder that cannot be written."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

import ksresearch as ks
from ksresearch.report.ledger import decode_members, read_ledgers
from ksresearch.report.release import check_release
from ksresearch.study.prepare import KEY_BASE

YEAR = 2025
SEED, N_COMPANIES = 5, 9


def _export(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "raw" / str(YEAR) / "responses.csv", sep=";", dtype=str)


def _write_export(data: Path, df: pd.DataFrame) -> None:
    path = data / "raw" / str(YEAR) / "responses.csv"
    df.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    # the companies changed: synth's headcounts and KPIs no longer match them (both optional)
    (path.parent / "headcounts.csv").unlink(missing_ok=True)
    (path.parent / "company_kpis.csv").unlink(missing_ok=True)


def _synth(data: Path) -> None:
    ks.write_synth(YEAR, seed=SEED, data_dir=data, n_companies=N_COMPANIES)


# ----------------------------------------------------------------------------- differencing
@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> dict:
    """Industry 2 and size band 1 hold only A (9 respondents) and the planted B (2); the
    general report in both languages and every company report, with the release audit."""
    data = tmp_path_factory.mktemp("planted")
    _synth(data)
    df = _export(data)
    companies = df["company"].value_counts()
    a, b = companies.index[0], companies.index[1]
    rest = df[~df["company"].isin([a, b])].copy()
    rest.loc[rest["industry"] == "2", "industry"] = "3"
    rest.loc[rest["centre_size"] == "1", "centre_size"] = "2"
    pair = pd.concat([df[df["company"] == a].head(9), df[df["company"] == b].head(2)])
    pair = pair.assign(industry="2", centre_size="1")
    _write_export(data, pd.concat([rest, pair]))
    ks.ingest(YEAR, data)
    out = data / "out"
    for lang in ("nb", "en"):
        ks.general_report(YEAR, lang=lang, data_dir=data, out=out)
    result = ks.batch(YEAR, data_dir=data, out=out, workers=2)
    return {"data": data, "out": out, "a": a, "b": b, "batch": result}


@pytest.mark.slow
def test_no_two_published_cells_differ_by_one_to_four_respondents(planted):
    ledgers = read_ledgers(planted["out"] / str(YEAR) / "ledger")
    kinds = sorted(ledger["meta"]["kind"] for ledger in ledgers)
    assert kinds.count("general") == 2 and kinds.count("company") >= 5
    assert planted["a"] in planted["batch"].written
    assert planted["b"] in planted["batch"].not_eligible  # 2 respondents get no report
    assert check_release(ledgers) == []
    # brute force: every pair of published additive cells of one variable, in both orders
    cells = [
        (c["variable"], c["set"])
        for ledger in ledgers
        for t in ledger["tables"]
        for c in t["cells"]
        if c["additive"]
    ]
    sets = {fp: enc for ledger in ledgers for fp, enc in ledger["sets"].items()}
    members = {
        fp: {(y, r) for y, bits in decode_members(enc).items() for r in _bits(bits)}
        for fp, enc in sets.items()
        if fp in {s for _, s in cells}
    }
    by_variable: dict[str, set[str]] = {}
    for variable, fp in cells:
        by_variable.setdefault(variable, set()).add(fp)
    for fps in by_variable.values():
        for small in fps:
            for big in fps:
                if members[small] < members[big]:
                    assert len(members[big] - members[small]) >= 5
        assert all(len(members[fp]) >= 5 for fp in fps)


def _bits(value: int):
    i = 0
    while value:
        if value & 1:
            yield i
        value >>= 1
        i += 1


@pytest.mark.slow
def test_the_planted_company_cannot_be_read_off_the_html(planted):
    survey = ks.load(YEAR, planted["data"])
    df = ks.prepare(survey)
    b_keys = set(df.index[df["company"] == planted["b"]])
    ledgers = read_ledgers(planted["out"] / str(YEAR) / "ledger")
    for ledger in ledgers:  # no published number rests on B and A alone
        for _fp, enc in ledger["sets"].items():
            keys = {YEAR * KEY_BASE + r for r in _bits(decode_members(enc).get(YEAR, 0))}
            if keys & b_keys:
                companies = df.loc[sorted(keys & set(df.index)), "company"].nunique()
                assert companies >= 3 or len(keys) > 0.5 * len(df), ledger["meta"]["report"]
    general = (planted["out"] / str(YEAR) / "general_report.en.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(general, "html.parser")
    for row in soup.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
        if cells and cells[0] == "Insurance":  # industry 2: A and B only
            assert all(not re.search(r"\d", c) or c == "< 5" for c in cells[1:]), cells


# ----------------------------------------------------------------------------- escaping
def _payload(path: str) -> str:
    """Every kind of markup, each marking ``path`` if it ever runs."""
    mark = f"document.documentElement.setAttribute('data-ks-pwned','{path}')"
    return (
        f'<script>{mark}</script> <img src=x onerror="{mark}"> <svg onload="{mark}"> '
        f"[klikk](javascript:{mark}) $\\frac{{1}}{{0}}$ **fet** {path}"
    )


PAYLOADS = {path: _payload(path) for path in ("company", "segment", "construct", "item")}


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("injected")
    _synth(data)
    df = _export(data)
    victim = df["company"].value_counts().index[0]
    df.loc[df["company"] == victim, "company"] = PAYLOADS["company"]
    _write_export(data, df)
    path = data / "raw" / str(YEAR) / "codebook.yaml"
    cb = yaml.safe_load(path.read_text(encoding="utf-8"))
    for seg in cb["segments"]:
        if seg["id"] == "role":
            for value in seg["values"].values():
                value.update(nb=PAYLOADS["segment"], en=PAYLOADS["segment"])
    cb["constructs"]["involvement"]["label"] = {"nb": PAYLOADS["construct"], "en": PAYLOADS["construct"]}  # fmt: skip
    for item in cb["items"]:
        if item.get("construct") == "motivation":
            item["text"] = {"nb": PAYLOADS["item"], "en": PAYLOADS["item"]}
    path.write_text(yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ks.ingest(YEAR, data)
    out = data / "out"
    general = ks.general_report(YEAR, lang="en", data_dir=data, out=out)
    result = ks.batch(YEAR, companies=[PAYLOADS["company"]], data_dir=data, out=out, workers=1)
    assert not result.failed, result.failed
    return {"general": general, "company": result.written[PAYLOADS["company"]]}


def _executable(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    found = [s.get_text() for s in soup.find_all("script") if "pwned" in s.get_text()]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on") or text.strip().lower().startswith("javascript:"):
                found.append(f"<{tag.name} {name}={text!r}>")
    return found + [t.name for t in soup.find_all(["svg", "iframe", "object", "embed"])]


@pytest.mark.slow
@pytest.mark.parametrize("report", ["general", "company"])
def test_markup_from_data_and_codebook_is_shown_as_text(injected, report):
    page = injected[report].read_text(encoding="utf-8")
    assert _executable(page) == []
    text = BeautifulSoup(page, "html.parser").get_text(" ")
    if report == "company":
        assert PAYLOADS["company"] in text  # its own name, literally
    assert PAYLOADS["construct"] in text  # construct labels name the benchmark's rows
    assert PAYLOADS["segment"] in text or report == "company"  # roles: the general report


@pytest.mark.slow
@pytest.mark.parametrize("report", ["general", "company"])
def test_the_browser_runs_none_of_it(injected, report):
    from tests.test_browser import CHROMIUM, render

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is missing: `make browser` installs it")
    found = render(injected[report])
    assert "pwned" not in found  # no payload ran
    assert found["errors"] == "0"


# ----------------------------------------------------------------------------- files and faults
@pytest.fixture(scope="module")
def named(tmp_path_factory) -> dict:
    """Companies called "A/S Nord", "A S Nord", "A S\u200bNord" and a 300-character name."""
    data = tmp_path_factory.mktemp("named")
    _synth(data)
    df = _export(data)
    names = ["A/S Nord", "A S Nord", "A S\u200bNord", ("Nord " * 60).strip()]
    order = df["company"].value_counts().index[:4]
    df["company"] = df["company"].replace(dict(zip(order, names, strict=True)))
    _write_export(data, df)
    ks.ingest(YEAR, data)
    return {"data": data, "names": names}


@pytest.mark.slow
def test_names_that_look_alike_or_are_too_long_get_files_of_their_own(named, tmp_path):
    out = tmp_path / "out"
    result = ks.batch(YEAR, companies=named["names"], data_dir=named["data"], out=out, workers=2)
    assert not result.failed, result.failed
    files = {c: p.name for c, p in result.written.items()}
    assert len(set(files.values())) == 4 and all(len(f) < 100 for f in files.values())
    manifest = json.loads((out / str(YEAR) / "companies" / "manifest.json").read_text())
    assert {c: e["file"] for c, e in manifest.items()} == files
    for company, path in result.written.items():  # each report is the one of its company
        assert ks.audit(path, YEAR, named["data"]) == []
        assert ks.report.audit.manifest_company(path) == company
    again = ks.batch(YEAR, companies=named["names"], data_dir=named["data"], out=out, workers=2)
    assert set(again.up_to_date) == set(named["names"]) and not again.written


@pytest.mark.slow
def test_a_company_no_longer_eligible_leaves_the_folder_and_the_manifest(named, tmp_path):
    out = tmp_path / "out"
    first = ks.batch(YEAR, companies=["A S Nord"], data_dir=named["data"], out=out, workers=1)
    path = first.written["A S Nord"]
    df = _export(named["data"])
    keep = df[df["company"] == "A S Nord"].head(3)
    _write_export(named["data"], pd.concat([df[df["company"] != "A S Nord"], keep]))
    try:
        ks.ingest(YEAR, named["data"])
        second = ks.batch(YEAR, companies=["A S Nord"], data_dir=named["data"], out=out)
        assert "A S Nord" in second.not_eligible and not path.exists()
        manifest = json.loads((out / str(YEAR) / "companies" / "manifest.json").read_text())
        assert "A S Nord" not in manifest
        assert not list((out / str(YEAR) / "ledger" / "companies").glob(f"{path.stem}*"))
    finally:
        _write_export(named["data"], df)
        ks.ingest(YEAR, named["data"])


@pytest.mark.slow
def test_a_company_whose_rerun_fails_loses_its_earlier_files(named, tmp_path, monkeypatch):
    """Made once (HTML and its ledger, a PDF and a deck beside them), then failed on a forced
    re-run: none of the earlier files stays to be published with the old data's numbers."""
    import importlib

    batch_module = importlib.import_module("ksresearch.report.batch")
    out = tmp_path / "out"
    first = ks.batch(YEAR, companies=["A S Nord"], data_dir=named["data"], out=out, workers=1)
    path = first.written["A S Nord"]
    for fmt in (".pdf", ".pptx"):  # as a --format html,pdf,pptx run leaves them
        path.with_suffix(fmt).write_bytes(b"earlier")
    monkeypatch.setattr(batch_module, "audit_html", lambda *a, **k: ["planted failure"])
    second = ks.batch(
        YEAR, companies=["A S Nord"], data_dir=named["data"], out=out, workers=1, force=True
    )
    assert "planted failure" in second.failed["A S Nord"]
    left = [p.name for p in (out / str(YEAR)).rglob(f"{path.stem}*") if p.suffix != ".ipynb"]
    assert left == [], left
    manifest = json.loads((out / str(YEAR) / "companies" / "manifest.json").read_text())
    assert "A S Nord" not in manifest


@pytest.mark.slow
def test_a_read_only_folder_fails_before_any_notebook_runs(named, tmp_path):
    from typer.testing import CliRunner

    from ksresearch.cli import app

    if os.geteuid() == 0:  # root writes anywhere: a file stands where the folder should be
        blocked = tmp_path / "out"
        blocked.write_text("not a folder")
    else:
        blocked = tmp_path / "ro"
        blocked.mkdir(mode=0o500)
    start = time.perf_counter()
    res = CliRunner().invoke(
        app, ["batch", "--year", str(YEAR), "--data-dir", str(named["data"]), "--out", str(blocked)]
    )
    assert res.exit_code == 2 and res.output.count("error: cannot write reports to") == 1
    assert "Traceback" not in res.output and time.perf_counter() - start < 30


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (by the parent pids in /proc)."""
    parents = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text()
            except OSError:
                continue
            parents[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _kernels() -> set[int]:
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"ksresearch.report.kernel" in cmd or b"ipykernel" in cmd:
                pids.add(int(proc.name))
    return pids


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kernels_end_with_a_batch_killed_with_sigkill(named, tmp_path):
    """The batch's own kernels (its descendants: the fork server and the kernels it forks;
    the test suite's other worker may run kernels of its own) all end once it is killed."""
    script = (
        "import ksresearch as ks, sys\n"
        f"ks.batch({YEAR}, data_dir=sys.argv[1], out=sys.argv[2], workers=2, force=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(named["data"]), str(tmp_path)])
    deadline = time.monotonic() + 120
    ours: set[int] = set()
    while len(ours) < 3 and time.monotonic() < deadline:  # server + kernels
        ours |= _kernels() & _descendants(proc.pid)
        time.sleep(0.2)
    assert len(ours) >= 3, "the batch started no kernels"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _kernels() & ours and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernels() & ours == set()


def _faulty_runs(monkeypatch, fault) -> list[str]:
    """Forked runs (:func:`ksresearch.report.kernel.run_forked`) given a first cell by
    ``fault(company, tries)`` (None: none) and, with one, a time limit of 5 s; returns the
    companies of every run, in order."""
    import nbformat

    from ksresearch.report import kernel

    real, runs = kernel.run_forked, []

    def run(notebook, timeout, limit, *, cwd):
        company = next(c for c in ("A/S Nord", "A S Nord") if f'"{c}"' in str(notebook))
        runs.append(company)
        cell = fault(company, runs.count(company))
        if cell is not None:
            notebook = nbformat.from_dict(notebook)
            notebook.cells.insert(0, nbformat.v4.new_code_cell(cell))
            limit = 5.0
        return real(notebook, timeout, limit, cwd=cwd)

    monkeypatch.setattr(kernel, "run_forked", run)
    return runs


_DIES = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
_HANGS = "import signal, time; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); time.sleep(600)"  # fmt: skip


@pytest.mark.slow
def test_a_report_whose_process_dies_is_tried_once_more(named, tmp_path, monkeypatch):
    """The company's first run is killed: the batch, through execute(), runs it again in a
    fresh fork and the report is written."""
    runs = _faulty_runs(monkeypatch, lambda company, tries: _DIES if tries == 1 else None)
    result = ks.batch(YEAR, companies=["A S Nord"], data_dir=named["data"], out=tmp_path, workers=1)
    assert runs == ["A S Nord", "A S Nord"]
    assert not result.failed and "A S Nord" in result.written


@pytest.mark.slow
def test_a_report_that_never_answers_fails_its_company_and_one_that_dies_once_is_retried(
    named, tmp_path, monkeypatch
):
    """Issue 26: the first company's run never answers (it blocks the cells' time-limit signal
    and sleeps), the second company's first run dies: the batch ends within the run's time
    limit, the first company fails with the reason, the second is written on its retry."""
    faults = {"A S Nord": lambda tries: _HANGS, "A/S Nord": lambda tries: _DIES if tries == 1 else None}  # fmt: skip
    runs = _faulty_runs(monkeypatch, lambda company, tries: faults[company](tries))
    t0 = time.monotonic()
    result = ks.batch(
        YEAR, companies=["A S Nord", "A/S Nord"], data_dir=named["data"], out=tmp_path,
        workers=1, release=False,
    )  # fmt: skip
    assert time.monotonic() - t0 < 120
    assert list(result.failed) == ["A S Nord"] and list(result.written) == ["A/S Nord"]
    assert "given up as hung" in result.failed["A S Nord"]
    assert sorted(runs) == ["A S Nord", "A/S Nord", "A/S Nord"]  # a hang is not tried again


@pytest.mark.slow
def test_a_report_that_cannot_be_written_fails_its_company_only(named, tmp_path, monkeypatch):
    from ksresearch.report import export

    real = export.write_atomic

    def full_disk(path, text):
        if "A_S_Nord" in path.name and path.suffix == ".html":
            raise OSError(28, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(export, "write_atomic", full_disk)
    result = ks.batch(
        YEAR, companies=["A S Nord", "A/S Nord"], data_dir=named["data"], out=tmp_path, workers=2
    )
    assert set(result.failed) == {"A S Nord", "A/S Nord"} - set(result.written)
    assert "No space left on device" in result.failed["A S Nord"]
    # no ledger of a report that was never written, and no temporary file left behind
    left = [p.name for p in (tmp_path / str(YEAR)).rglob("*") if "A_S_Nord" in p.name]
    assert not [n for n in left if n.endswith(".json") or n.startswith(".")], left


@pytest.mark.slow
def test_a_leaking_release_is_settled_by_hiding_cells_and_rebuilding(tmp_path):
    """A published cell and an outside one of the same variable two respondents larger: the
    release audit hides the published one, rebuilds its report, and the release is safe."""
    from ksresearch.report.ledger import encode_members, fingerprint

    _synth(tmp_path)
    ks.ingest(YEAR, tmp_path)
    out = tmp_path / "out"
    page = ks.general_report(YEAR, lang="en", data_dir=tmp_path, out=out)
    folder = out / str(YEAR) / "ledger"
    (ledger,) = read_ledgers(folder)
    everyone = set(ks.prepare(ks.load(YEAR, tmp_path)).index)

    def keys_of(c) -> set:
        return {YEAR * KEY_BASE + r for r in _bits(decode_members(ledger["sets"][c["set"]])[YEAR])}

    cell = next(  # a count of some of the analysed respondents (not the response total)
        c
        for t in ledger["tables"]
        for c in t["cells"]
        if c["additive"] and c["column"] == "n" and len(everyone - keys_of(c)) >= 2
    )
    keys = keys_of(cell)
    bigger = sorted(keys | set(sorted(everyone - keys)[:2]))
    encoded = encode_members(bigger)
    planted = {
        "meta": {"report": "planted", "kind": "outside"},
        "tables": [{"table": "0:x", "cells": [{**cell, "set": fingerprint(encoded)}]}],
        "sets": {fingerprint(encoded): encoded},
    }
    (folder / "planted.json").write_text(json.dumps(planted), encoding="utf-8")
    assert check_release(read_ledgers(folder))  # the leak is there
    result = ks.audit_release(YEAR, out=out, data_dir=tmp_path)
    # the published cell is hidden (and any other the planted one would uncover), never the
    # planted one, which this step cannot change
    assert result.ok and cell["set"] in result.suppressed
    assert fingerprint(encoded) not in result.suppressed
    assert all("planted" in result.reasons[fp] for fp in result.suppressed)
    assert result.rebuilt == ["general_report.en.html"]
    (rebuilt,) = [x for x in read_ledgers(folder) if x["meta"]["report"] != "planted"]
    # no count or mean rests on a hidden set (a model statistic of the row, such as a p
    # value, may: it cannot be set against another cell)
    shown = {c["set"] for t in rebuilt["tables"] for c in t["cells"] if c["additive"]}
    assert not shown & set(result.suppressed)
    assert page.exists() and ks.audit(page, YEAR, tmp_path) == []


@pytest.mark.slow
def test_the_audit_command_checks_a_whole_release(planted):
    from typer.testing import CliRunner

    from ksresearch.cli import app

    release = planted["out"] / str(YEAR)
    args = ["audit", "--release", str(release), "--data-dir", str(planted["data"])]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert f"release {YEAR}: 0 leak(s)" in res.output and "FAIL" not in res.output
    res = CliRunner().invoke(app, ["audit", "--data-dir", str(planted["data"])])
    assert res.exit_code == 2 and "error: give a report file or folder" in res.output


def test_ingest_into_a_folder_it_cannot_write_is_an_error_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from ksresearch.cli import app

    ks.write_synth(YEAR, seed=SEED, data_dir=tmp_path, n_companies=3)
    (tmp_path / "processed").write_text("a file where the folder should be")
    res = CliRunner().invoke(app, ["ingest", "--year", str(YEAR), "--data-dir", str(tmp_path)])
    assert res.exit_code == 2 and res.output.startswith("error: ") and "processed" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_reports_are_written_with_the_users_umask(tmp_path, umask, mode):
    """A report is readable by a colleague or a web server when the user's umask says so
    (it was always 0600, the temporary file's mode)."""
    import os
    import stat

    from ksresearch.report.export import write_atomic

    before = os.umask(umask)
    try:
        write_atomic(tmp_path / "r.html", "<p>report</p>")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "r.html").stat().st_mode) == mode
