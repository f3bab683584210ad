"""The company batch: one audited benchmark report per company."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..stats.disclosure import min_size
from ..study.participation import check_weighting
from .audit import audit_html
from .execute import (
    BENCHMARK_NOTEBOOK,
    DEFAULT_TIMEOUT,
    ReportError,
    execute,
    read_notebook,
    time_limit,
)
from .export import check_writable, company_file, company_files, to_html, write_atomic
from .formats import parse_formats, write_formats
from .general import out_dir, report_parameters
from .kernel import KernelServer
from .ledger import ledger_path, take_records, write_report

__all__ = ["BatchResult", "build_batch", "company_formats", "written_pages"]


@dataclass
class BatchResult:
    """What a batch did: written, up to date (skipped), not eligible, and failed companies.

    Parameters
    ----------
    written, up_to_date, not_eligible, failed, seconds
        As :func:`ksresearch.batch` fills them: company -> file (written, up to date),
        company -> reason (not eligible, failed), and the time taken.

    Examples
    --------
    >>> from pathlib import Path
    >>> result = BatchResult(written={"Nordbank AS": Path("Nordbank_AS.html")})
    >>> result.ok, list(result.written)
    (True, ['Nordbank AS'])
    """

    written: dict[str, Path] = field(default_factory=dict)
    up_to_date: dict[str, Path] = field(default_factory=dict)
    not_eligible: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def _key(survey, params: dict) -> str:
    """Changes when the data, the codebook, the notebook, the parameters or the package change."""
    from .. import __version__

    digest = hashlib.sha256()
    digest.update((survey.path / "responses.parquet").read_bytes() if survey.path else b"")
    digest.update(survey.codebook.checksum.encode())
    digest.update(BENCHMARK_NOTEBOOK.read_bytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    digest.update(__version__.encode())
    package = Path(__file__).parents[
        1
    ]  # any change to the code, texts or templates redoes the reports
    for source in sorted(
        p for p in package.rglob("*") if p.suffix in (".py", ".yaml", ".j2", ".json")
    ):
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _render_company(params: dict, timeout: int) -> tuple[str, str | None, dict | None]:
    """Execute and export one company report: (status, html or error, executed notebook on failure).
    Runs in a thread or on a Dask worker; it writes nothing.

    The work runs in a thread of its own: nbclient drives the kernel with an asyncio loop, and
    an executor's thread (a Dask worker's, say) may already have one running. The thread is
    awaited for at most :func:`~ksresearch.report.execute.time_limit` (every start-up and every
    cell at its limit): past it, the company fails as hung and the batch goes on.
    """
    box: dict[str, tuple] = {}

    def render() -> None:
        try:
            box["result"] = _render_in_thread(params, timeout)
        except Exception as exc:  # the export, say: this company fails, not the batch
            box["result"] = ("failed", f"{type(exc).__name__}: {exc}", None)

    thread = threading.Thread(target=render, daemon=True)  # a hung one must not hold the exit
    thread.start()
    limit = _time_limit(timeout)
    thread.join(limit)
    if thread.is_alive():
        return "failed", f"no answer from its notebook within {limit:.0f} s: given up as hung", None
    return box.get("result", ("failed", "the report thread ended without a result", None))


@functools.cache
def _time_limit(timeout: int) -> float:
    return time_limit(read_notebook(BENCHMARK_NOTEBOOK), timeout)


def _render_in_thread(params: dict, timeout: int) -> tuple[str, object, dict | None]:
    from .present import text

    try:  # a kernel that dies or cannot start is replaced by execute() itself
        nb = execute(BENCHMARK_NOTEBOOK, params, timeout=timeout)
    except ReportError as exc:
        return "failed", str(exc), dict(exc.notebook) if exc.notebook is not None else None
    title = text("benchmark.title", params["lang"], company=params["company"])
    records = take_records(nb)
    page = to_html(
        nb, lang=params["lang"], title=title, toc_title=text("report.toc", params["lang"])
    )
    return "ok", (page, records), None


def build_batch(
    year: int,
    *,
    companies: Iterable[str] | None = None,
    workers: int = 2,
    lang: str = "nb",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    min_group_size: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    weighting: str = "respondent",
) -> BatchResult:
    """The company reports of :func:`ksresearch.batch` without the release step (that is this
    and then :func:`ksresearch.report.publish.publish`; the release audit rebuilds with this).
    See :func:`ksresearch.batch` for the parameters."""
    from ..data.survey import load

    _check_options(workers, executor, scheduler)
    start = time.perf_counter()
    m = min_size(min_group_size)
    with contextlib.ExitStack() as stack:
        if executor == "local":  # the server imports the libraries while the batch plans
            stack.enter_context(KernelServer([(year, data_dir), (year - 1, data_dir)]))
        survey = load(year, data_dir, min_group_size=m)
        if not survey.codebook.has_roles("company"):
            raise ValueError(
                f"the {year} codebook names no company (roles.company), a survey of one "
                "organisation: there is nothing to benchmark; its report is general_report()"
            )
        check_weighting(survey, weighting)
        folder = out_dir(year, out) / "companies"
        check_writable(folder)
        stack.enter_context(exclusive(folder))
        books = _Books(survey, folder, m, progress)
        jobs = _plan(survey, companies, books, lang, data_dir, force, weighting)
        if jobs and executor == "local":
            checks = functools.partial(_prepare_checks, survey, [j[0] for j in jobs], m, workers)
            _run_local(jobs, workers, timeout, books.finish, checks)
        elif jobs:
            _run_dask(jobs, scheduler, timeout, books.finish)
    books.result.seconds = time.perf_counter() - start
    return books.result


@contextlib.contextmanager
def exclusive(folder: Path):
    """One batch at a time in ``folder``: a second one started while the first writes is
    refused (two at once left a manifest with only one batch's companies). The lock is the
    operating system's (``flock``) on ``folder/.batch.lock``, removed when the batch is done:
    the lock goes with the process, so a killed batch leaves no stale lock behind."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".batch.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise ReportError(
                f"another batch ({holder}) is writing {folder}; wait for it to finish"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}")
        lock.flush()
        try:
            yield
        finally:  # no file left behind: a later batch makes its own
            (folder / ".batch.lock").unlink(missing_ok=True)
            fcntl.flock(lock, fcntl.LOCK_UN)


def written_pages(result: BatchResult) -> list[tuple[Path, str]]:
    """Every report a batch wrote or found up to date, as (HTML, company)."""
    return [(path, company) for company, path in {**result.up_to_date, **result.written}.items()]


def company_formats(
    result: BatchResult, formats, survey, *, min_group_size: int | None = None
) -> list:
    """The PDF and PowerPoint of every report a batch wrote or found up to date
    (:func:`ksresearch.report.formats.write_formats`)."""
    return write_formats(
        written_pages(result), parse_formats(formats), survey, min_group_size=min_group_size
    )


def _check_options(workers: int, executor: str, scheduler) -> None:
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    if executor == "dask" and scheduler is None:
        raise ValueError("the dask executor needs --scheduler ADDRESS")


def _plan(
    survey,
    companies,
    books: _Books,
    lang: str,
    data_dir,
    force: bool,
    weighting: str = "respondent",
) -> list[tuple]:
    """The reports to make: (company, parameters, key, path) of every eligible company whose
    report is missing or out of date; the others are recorded in the books' result."""
    from ..study.benchmarking import eligible_companies

    m = books.min_group_size
    eligible = eligible_companies(survey, min_group_size=m)
    wanted = list(companies) if companies is not None else list(eligible.index)
    unknown = [c for c in wanted if c not in eligible.index]
    if unknown:
        raise ValueError(f"companies not in the {survey.year} data: {unknown}")
    books.files = company_files(eligible.index)
    jobs = []
    for company in wanted:
        if not eligible.loc[company, "eligible"]:
            books.result.not_eligible[company] = str(eligible.loc[company, "reason"])
            books.withdraw(company)
            continue
        params = report_parameters(
            survey.year,
            lang,
            m,
            data_dir,
            company=company,
            weighting=weighting,
            release=str(books.folder.parent.parent),
        )
        key = _key(survey, params)
        path = books.folder / books.files[company]
        if not force and path.exists() and books.manifest.get(company, {}).get("key") == key:
            books.result.up_to_date[company] = path
            continue
        jobs.append((company, params, key, path))
    # the largest companies first: a report's time grows with its respondents, and the last
    # reports then are short ones that end together, not one long one on a single core
    return sorted(jobs, key=lambda job: -int(eligible.loc[job[0], "n"]))


class _Books:
    """The company folder's books: audits each finished report and writes it, its ledger,
    its manifest entry or its failure (one company at a time, from any thread)."""

    def __init__(
        self, survey, folder: Path, min_group_size: int, progress: Callable[[int], None] | None
    ) -> None:
        self.survey, self.folder, self.min_group_size, self.progress = (
            survey,
            folder,
            min_group_size,
            progress,
        )
        self.manifest_path = folder / "manifest.json"
        self.manifest = (
            json.loads(self.manifest_path.read_text()) if self.manifest_path.exists() else {}
        )
        self.result = BatchResult()
        self.files: dict[str, str] = {}
        self.lock = threading.Lock()
        self.done = 0

    def finish(self, company: str, params: dict, key: str, path: Path, outcome: tuple) -> None:
        status, payload, executed = outcome
        records = None
        if status == "ok":
            payload, records = payload
            problems = audit_html(
                payload, self.survey, company=company, min_group_size=self.min_group_size
            )
            if problems:
                status, payload = "failed", "audit: " + "; ".join(problems)
        with self.lock:
            if status == "ok":
                try:
                    self._keep(company, key, path, payload, params, records)
                except OSError as exc:  # name too long, disk full, ...
                    status, payload = "failed", f"its report could not be written: {exc}"
            if status != "ok":
                self._fail(company, payload, executed)
            with contextlib.suppress(OSError):  # a full disk fails the companies, not the batch
                self._save_manifest()
            self.done += 1
            if self.progress:
                self.progress(self.done)

    def _failed_path(self, company: str) -> Path:
        name = self.files.get(company) or company_file(company)
        return self.folder / "failed" / name.replace(".html", ".ipynb")

    def _keep(
        self, company: str, key: str, path: Path, page: str, params: dict, records: list
    ) -> None:
        """Write the report and its ledger (the ledger first: a report is never without it)."""
        meta = {
            "report": f"companies/{path.name}",
            "kind": "company",
            "parameters": params,
            "out": str(self.folder.parent.parent),
        }
        write_report(path, page, ledger_path(path, self.folder.parent), records, meta)
        self.result.written[company] = path
        self.manifest[company] = {"key": key, "file": path.name}
        self._failed_path(company).unlink(missing_ok=True)

    def withdraw(self, company: str, *, save: bool = True) -> None:
        """A company with no report (no longer eligible, or failed): its file in every format,
        its ledger and its manifest entry go (an earlier run's report left beside a failed
        one would be published with numbers of the old data)."""
        entry = self.manifest.pop(company, None)
        path = self.folder / (entry["file"] if entry else self.files[company])
        for old in (path, path.with_suffix(".pdf"), path.with_suffix(".pptx")):
            old.unlink(missing_ok=True)
        ledger_path(path, self.folder.parent).unlink(missing_ok=True)
        if entry and save:
            self._save_manifest()

    def _save_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(self.manifest_path, text)

    def _fail(self, company: str, message: str, executed: dict | None) -> None:
        self.result.failed[company] = message
        self.withdraw(company, save=False)  # the caller saves the manifest
        if executed is not None:
            failed = self._failed_path(company)
            failed.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nbformat.from_dict(executed), failed)


def _prepare_checks(survey, companies: list[str], m: int, workers: int) -> None:
    """What this process needs to export and audit the first reports, made while the fork
    server starts (this core would wait meanwhile): an exporter per worker with its templates,
    and the survey's names, ids, answers and each company's allowed comments for the audit."""
    from .audit import allowed_comments
    from .export import prepare_exporters

    prepare_exporters(workers)
    audit_html("<p></p>", survey, min_group_size=m)
    for company in companies:
        allowed_comments(survey, company)


def _run_local(
    jobs: list, workers: int, timeout: int, finish: Callable, meanwhile: Callable = lambda: None
) -> None:
    """The jobs on ``workers`` threads; ``meanwhile`` runs here once they are submitted."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(_render_company, params, timeout): (c, params, k, p)
            for c, params, k, p in jobs
        }
        meanwhile()
        for future in as_completed(futures):
            finish(*futures[future], future.result())


def _run_dask(jobs: list, scheduler, timeout: int, finish: Callable) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        futures = {
            client.submit(
                _render_company,
                params,
                timeout,
                key=f"ks-{hashlib.sha1(k.encode()).hexdigest()}-{time.time_ns()}",
                pure=False,
            ): (c, params, k, p)
            for c, params, k, p in jobs
        }
        for future in dask_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died
                outcome = (
                    "failed",
                    f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=1)}",
                    None,
                )
            finish(*futures[future], outcome)
    finally:
        if not isinstance(scheduler, Client):
            client.close()
