"""Executing the report notebooks (papermill), exporting HTML (nbconvert), the anonymity audit,
and the batch of company reports.

The notebooks in ``notebooks/`` are jupytext ``py:percent`` files; they are executed in memory
with the ``ksresearch`` kernel and exported without code. Every HTML is audited before it is
written, and written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import os
import re
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import config
from .anonymity import min_size
from .kernel import KERNEL_NAME, KernelServer, install_kernelspec

__all__ = [
    "NOTEBOOK_DIR",
    "general_notebooks",
    "BENCHMARK_NOTEBOOK",
    "ReportError",
    "read_notebook",
    "execute",
    "to_html",
    "audit_html",
    "audit",
    "general_report",
    "BatchResult",
    "batch",
    "company_file",
]

NOTEBOOK_DIR = config.PROJ_ROOT / "notebooks"
BENCHMARK_NOTEBOOK = NOTEBOOK_DIR / "company_benchmark.py"
DEFAULT_TIMEOUT = 600

TEMPLATES = Path(__file__).parent / "templates"


def general_notebooks() -> list[Path]:
    """The general report's section notebooks, in order."""
    return sorted((NOTEBOOK_DIR / "general").glob("*.py"))


class ReportError(RuntimeError):
    """A notebook failed, or a report failed the audit; ``notebook`` holds the executed notebook."""

    def __init__(self, message: str, notebook: nbformat.NotebookNode | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook


# ----------------------------------------------------------------------------- execution
def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """A jupytext ``py:percent`` (or ``.ipynb``) notebook as a notebook node."""
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (ksresearch)",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    return nb


_kernel_ready = threading.Lock()
_kernel_checked = False


def _ensure_kernel() -> None:
    """Install the ksresearch kernel spec once, if this environment does not have it."""
    global _kernel_checked
    with _kernel_ready:
        if _kernel_checked:
            return
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        try:
            spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
            if spec.argv[0] != sys.executable:
                install_kernelspec()
        except NoSuchKernel:
            install_kernelspec()
        _kernel_checked = True


def execute(notebook: str | Path | nbformat.NotebookNode, parameters: dict, *, timeout: int = DEFAULT_TIMEOUT,
            kernel_name: str = KERNEL_NAME) -> nbformat.NotebookNode:  # fmt: skip
    """Execute a notebook with papermill and return the executed notebook.

    Raises
    ------
    ReportError
        A cell failed or timed out; ``.notebook`` is the partly executed notebook.
    """
    import papermill as pm

    _ensure_kernel()
    nb = read_notebook(notebook) if not isinstance(notebook, nbformat.NotebookNode) else notebook
    with tempfile.TemporaryDirectory(prefix="ks-nb-") as tmp:
        out = Path(tmp) / "executed.ipynb"
        try:
            return pm.execute_notebook(nb, str(out), parameters=parameters, kernel_name=kernel_name, language="python",
                                       execution_timeout=timeout, progress_bar=False, log_output=False,
                                       cwd=str(NOTEBOOK_DIR))  # fmt: skip
        except Exception as exc:  # papermill raises its own, nbclient's and timeout errors
            executed = nbformat.read(out, as_version=4) if out.exists() else nb
            raise ReportError(f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}",
                              executed) from exc  # fmt: skip


# ----------------------------------------------------------------------------- HTML
_local = threading.local()


def _exporter():
    """One nbconvert exporter per thread, reused for every report it writes."""
    if getattr(_local, "exporter", None) is None:
        from nbconvert import HTMLExporter

        _local.exporter = HTMLExporter(
            template_name="ksreport",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    return _local.exporter


_HEADING = re.compile(r'<h([23]) id="([^"]+)" class="ks-heading">(.*?)</h\1>', re.S)


def _toc(nb: nbformat.NotebookNode, title: str) -> str:
    items = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for level, anchor, label in _HEADING.findall(out.get("data", {}).get("text/html", "")):
                indent = ' style="margin-left:1.2rem"' if level == "3" else ""
                items.append(f'<li{indent}><a href="#{anchor}">{label}</a></li>')
    return f'<nav class="ks-toc"><strong>{html_lib.escape(title)}</strong><ul>{"".join(items)}</ul></nav>'


def to_html(nb: nbformat.NotebookNode, *, lang: str, title: str, toc_title: str) -> str:
    """Export an executed notebook to one self-contained HTML page without code: figures are
    embedded, a table of contents follows the first heading."""
    nb = nbformat.from_dict(nb)
    toc = nbformat.v4.new_code_cell(
        "",
        outputs=[nbformat.v4.new_output("display_data", data={"text/html": _toc(nb, toc_title)})],
    )
    first = next((i for i, c in enumerate(nb.cells) if any("<h1" in o.get("data", {}).get("text/html", "")
                                                            for o in c.get("outputs", []))), -1)  # fmt: skip
    nb.cells.insert(first + 1, toc)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    for i, cell in enumerate(nb.cells):  # stable ids: the same notebook gives the same page
        cell["id"] = f"cell-{i}"
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ----------------------------------------------------------------------------- audit
_COUNT_HEADERS = {"n", "Antall svar", "Respondents"}


def _count(cell: str) -> int | None:
    """A count as a report prints it ("1 234", "1,234", "1234"); None for anything else ("< 5")."""
    s = cell.strip()
    if not re.fullmatch(r"\d{1,3}([\u202f\u00a0 ,.]\d{3})*|\d+", s):
        return None
    return int(re.sub(r"\D", "", s))


def audit_html(
    page: str, survey, *, company: str | None = None, min_n: int | None = None
) -> list[str]:
    """Problems that keep a report from being published (an empty list: it may be kept).

    Checks: no code cells and no error tracebacks; no count below the minimum group size in a
    table; no company named other than ``company`` (the general report names none); no
    respondent id; no free-text answer.
    """
    from bs4 import BeautifulSoup

    m = min_size(min_n)
    problems = []
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()  # the stylesheet names every class: look at elements only
    if soup.select(".jp-InputArea-editor, .jp-InputPrompt, .highlight-ipynb"):
        problems.append("the report contains code cells")
    if soup.select(
        '[data-mime-type="application/vnd.jupyter.stderr"]'
    ) or "Traceback (most recent call last)" in (soup.get_text(" ")):
        problems.append("the report contains an error message or stderr output")
    for t in soup.find_all("table"):
        rows = t.find_all("tr")
        header_row = rows[0] if rows else None
        cols = (
            [c.get_text(" ", strip=True) for c in header_row.find_all(["th", "td"])]
            if header_row
            else []
        )
        for j, name in enumerate(cols):
            if name not in _COUNT_HEADERS:
                continue
            for tr in rows[1:]:
                cells = tr.find_all(["th", "td"])
                if j < len(cells):
                    value = _count(cells[j].get_text(" ", strip=True))
                    if value is not None and value < m:
                        problems.append(
                            f"a table shows a group of {value} respondents (minimum {m})"
                        )
    text = soup.get_text(" ")
    df = survey.responses
    names = set(df["company"].dropna().astype(str))
    others = sorted(n for n in names if n != company)
    leaked = [n for n in others if n in page]
    if leaked:
        problems.append(
            f"the report names {len(leaked)} other compan{'y' if len(leaked) == 1 else 'ies'}"
        )
    ids = set(df[survey.codebook.meta.respondent_id].astype(str))
    tokens = set(re.findall(r"[A-Za-z0-9_\-]{4,}", text))
    if ids & tokens:
        problems.append(f"the report shows {len(ids & tokens)} respondent id(s)")
    free_text = [i.id for i in survey.codebook.items if i.type == "text"]
    answers = {
        str(a).strip() for col in free_text for a in df[col].dropna() if len(str(a).strip()) >= 15
    }
    shown = [a for a in answers if a in text or html_lib.escape(a) in page]
    if shown:
        problems.append(f"the report shows {len(shown)} free-text answer(s)")
    return problems


def audit(path: str | Path, year: int, data_dir: str | Path | None = None, *, company: str | None = None,
          min_n: int | None = None) -> list[str]:  # fmt: skip
    """Audit a report file (see :func:`audit_html`); the company of a company report is read
    from its file name when not given."""
    from .ingestion import load

    path = Path(path)
    survey = load(year, data_dir)
    if company is None and path.parent.name == "companies":
        by_file = {company_file(c): c for c in survey.responses["company"].dropna().unique()}
        company = by_file.get(path.name)
    return audit_html(path.read_text(encoding="utf-8"), survey, company=company, min_n=min_n)


# ----------------------------------------------------------------------------- the general report
def _out_dir(year: int, out: str | Path | None) -> Path:
    return (Path(out) if out is not None else config.REPORTS_DIR) / str(year)


def _parameters(
    year: int, lang: str, min_n: int, data_dir: str | Path | None, **extra: object
) -> dict:
    return {"year": year, "lang": lang, "min_group_size": min_n, "data_dir": str(data_dir) if data_dir else None,
            **extra}  # fmt: skip


def general_report(year: int, *, lang: str = "nb", data_dir: str | Path | None = None, out: str | Path | None = None,
                   min_n: int | None = None, timeout: int = DEFAULT_TIMEOUT) -> Path:  # fmt: skip
    """Execute the general report's notebooks and write ``<out>/<year>/general_report.<lang>.html``.

    A section notebook whose header lists ``ksresearch: requires: [...]`` question ids is
    left out in years that do not ask them (e.g. AI and shift work before 2025).

    Raises
    ------
    ReportError
        A notebook failed (its executed copy is kept as ``<out>/<year>/failed/<name>.ipynb``)
        or the report failed the audit (nothing is written).
    """
    from .ingestion import load
    from .present import text

    m = min_size(min_n)
    survey = load(year, data_dir)
    params = _parameters(year, lang, m, data_dir)
    target = _out_dir(year, out)
    merged = None
    asked = {i.id for i in survey.codebook.items} | {s.id for s in survey.codebook.segments}
    with KernelServer():
        for path in general_notebooks():
            notebook = read_notebook(path)
            if not set(notebook.metadata.get("ksresearch", {}).get("requires", [])) <= asked:
                continue  # a section about questions this year did not ask
            try:
                nb = execute(notebook, params, timeout=timeout)
            except ReportError as exc:
                failed = target / "failed" / f"{path.stem}.ipynb"
                failed.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(exc.notebook, failed)
                raise ReportError(
                    f"{path.name} failed ({exc}); executed notebook kept at {failed}", exc.notebook
                ) from exc
            if merged is None:
                merged = nb
            else:
                merged.cells.extend(nb.cells)
    title = text("report.title", lang, year=year)
    page = to_html(merged, lang=lang, title=title, toc_title=text("report.toc", lang))
    problems = audit_html(page, survey, company=None, min_n=m)
    if problems:
        raise ReportError(
            "the general report failed the audit and was not kept: " + "; ".join(problems)
        )
    path = target / f"general_report.{lang}.html"
    _write_atomic(path, page)
    return path


# ----------------------------------------------------------------------------- company batch
def company_file(company: str) -> str:
    """The report file name of a company: ``Nordkraft AS`` -> ``Nordkraft_AS.html``."""
    return re.sub(r"[^\w.-]+", "_", str(company)).strip("_") + ".html"


@dataclass
class BatchResult:
    """What a batch did: written, up to date (skipped), not eligible, and failed companies."""

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
    from . import __version__

    digest = hashlib.sha256()
    digest.update((survey.path / "responses.parquet").read_bytes() if survey.path else b"")
    digest.update(survey.codebook.checksum.encode())
    digest.update(BENCHMARK_NOTEBOOK.read_bytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    digest.update(__version__.encode())
    package = Path(__file__).parent  # any change to the code or the templates redoes the reports
    for source in sorted([*package.glob("*.py"), *package.glob("templates/**/*")]):
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _render_company(params: dict, timeout: int) -> tuple[str, str | None, dict | None]:
    """Execute and export one company report: (status, html or error, executed notebook on failure).
    Runs in a thread or on a Dask worker; it writes nothing.

    The work runs in a thread of its own: nbclient drives the kernel with an asyncio loop, and
    an executor's thread (a Dask worker's, say) may already have one running.
    """
    box: dict[str, tuple] = {}
    thread = threading.Thread(target=lambda: box.update(result=_render_in_thread(params, timeout)))
    thread.start()
    thread.join()
    return box.get("result", ("failed", "the report thread ended without a result", None))


def _render_in_thread(params: dict, timeout: int) -> tuple[str, str | None, dict | None]:
    from .present import text

    try:
        nb = execute(BENCHMARK_NOTEBOOK, params, timeout=timeout)
    except ReportError as exc:
        return "failed", str(exc), dict(exc.notebook) if exc.notebook is not None else None
    except Exception as exc:  # the kernel could not start, and the like
        return "failed", f"{type(exc).__name__}: {exc}", None
    title = text("benchmark.title", params["lang"], company=params["company"])
    return (
        "ok",
        to_html(nb, lang=params["lang"], title=title, toc_title=text("report.toc", params["lang"])),
        None,
    )


def batch(
    year: int,
    *,
    companies: Iterable[str] | None = None,
    workers: int = 2,
    lang: str = "nb",
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    min_n: int | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """One benchmark report per company into ``<out>/<year>/companies/<company>.html``.

    Companies below the minimum group size get no report (listed in ``not_eligible``). One
    company failing never stops the others: its error is listed, its executed notebook is kept
    under ``companies/failed/``. Reports that exist and are up to date (same data, codebook,
    notebook, parameters and code) are skipped unless ``force``. Kernels start from a fork
    server (see :mod:`ksresearch.kernel`) with the libraries already imported.

    Parameters
    ----------
    executor : {"local", "dask"}
        Run in ``workers`` local threads, or on a Dask cluster at ``scheduler`` (an address,
        or a ``distributed.Client``/``LocalCluster``); the HTML comes back and is audited and
        written here.
    progress : callable, optional
        Called with the number of companies finished so far (e.g. a tqdm ``update``).
    """
    from .benchmarking import eligible_companies
    from .ingestion import load

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if executor not in ("local", "dask"):
        raise ValueError(f"executor must be 'local' or 'dask', got {executor!r}")
    if executor == "dask" and scheduler is None:
        raise ValueError("the dask executor needs --scheduler ADDRESS")
    start = time.perf_counter()
    m = min_size(min_n)
    survey = load(year, data_dir)
    eligible = eligible_companies(survey, min_n=m)
    wanted = list(companies) if companies is not None else list(eligible.index)
    unknown = [c for c in wanted if c not in eligible.index]
    if unknown:
        raise ValueError(f"companies not in the {year} data: {unknown}")
    folder = _out_dir(year, out) / "companies"
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    result = BatchResult()
    jobs = []
    for company in wanted:
        if not eligible.loc[company, "eligible"]:
            result.not_eligible[company] = str(eligible.loc[company, "reason"])
            continue
        params = _parameters(year, lang, m, data_dir, company=company)
        key = _key(survey, params)
        path = folder / company_file(company)
        if not force and path.exists() and manifest.get(company, {}).get("key") == key:
            result.up_to_date[company] = path
            continue
        jobs.append((company, params, key, path))
    lock = threading.Lock()
    done = 0

    def finish(company: str, params: dict, key: str, path: Path, outcome: tuple) -> None:
        nonlocal done
        status, payload, executed = outcome
        failed = folder / "failed" / company_file(company).replace(".html", ".ipynb")
        if status == "ok":
            problems = audit_html(payload, survey, company=company, min_n=m)
            if problems:
                status, payload = "failed", "audit: " + "; ".join(problems)
        with lock:
            if status == "ok":
                _write_atomic(path, payload)
                result.written[company] = path
                manifest[company] = {"key": key, "file": path.name}
                if failed.exists():
                    failed.unlink()
            else:
                result.failed[company] = payload
                manifest.pop(company, None)
                if executed is not None:
                    failed.parent.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nbformat.from_dict(executed), failed)
            _write_atomic(
                manifest_path, json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
            )
            done += 1
            if progress:
                progress(done)

    if jobs and executor == "local":
        with KernelServer(), ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_render_company, params, timeout): (c, params, k, p)
                for c, params, k, p in jobs
            }
            for future in as_completed(futures):
                finish(*futures[future], future.result())
    elif jobs:
        _run_dask(jobs, scheduler, timeout, finish)
    result.seconds = time.perf_counter() - start
    return result


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
