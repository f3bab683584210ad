"""A report in the formats a client keeps: PDF and PowerPoint, made from its audited HTML.

* **PDF**: headless Chromium (Debian's ``chromium``) prints the HTML: A4, sections going on
  where the last one ended, a heading never ending a page, table headers repeated across
  pages, the company (or the report's title), the year and the page number in the footer. One
  browser prints every report of a run, each in a new tab, over the DevTools protocol (a
  launch per report would cost a second each).
* **PPTX** (python-pptx, laid out by :mod:`ksresearch.report.deck`): a title slide, the key
  findings, then every table and figure of every section in order with the sentences that
  introduce them; tables go on over as many slides as they need, never cut, and no word is
  broken.

Both are made from the HTML after the audit passed, hold nothing the HTML does not, and are
audited again on their own text (:func:`ksresearch.report.audit.audit_text`).
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .deck import html_to_pptx
from .reading import pdf_text, pptx_tables, pptx_text

__all__ = [
    "FORMATS",
    "parse_formats",
    "Chromium",
    "html_to_pptx",
    "pdf_text",
    "pptx_text",
    "pptx_tables",
    "write_formats",
]

#: The formats a report can be written in; HTML is always written (the others come from it).
FORMATS = ("html", "pdf", "pptx")
#: A4 in inches, and the page margins (inches): top, bottom, sides.
_A4 = (8.27, 11.69)
_MARGINS = (0.55, 0.7, 0.5)


def parse_formats(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"html,pdf,pptx"`` (or a list) as the formats to write, HTML always among them.

    Examples
    --------
    >>> parse_formats("pdf, pptx")
    ('html', 'pdf', 'pptx')
    >>> parse_formats(None)
    ('html',)
    """
    parts = value.split(",") if isinstance(value, str) else list(value or [])
    wanted = {p.strip().lower() for p in parts if p.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f == "html" or f in wanted)


# ----------------------------------------------------------------------------- PDF
def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError(
            "PDF needs Debian's chromium (apt-get install chromium; `make browser` does it)"
        )
    return found


class Chromium:
    """One headless Chromium for a run, printing HTML files to PDF over the DevTools protocol.

    Examples
    --------
    >>> with Chromium() as browser:  # doctest: +SKIP
    ...     browser.pdf(Path("report.html"), Path("report.pdf"), footer="Nordkraft AS · 2025")
    """

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._proc = None
        self._ws = None
        self._id = 0
        self._tmp = None

    def __enter__(self) -> Chromium:
        import websocket

        self._tmp = profile = Path(tempfile.mkdtemp(prefix="ks-chromium-"))
        args = [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        self._proc = subprocess.Popen(  # a group of its own: its helpers end with it
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError("chromium did not start (no DevTools port)")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self._ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{path}", timeout=self.timeout, suppress_origin=True
        )
        return self

    def __exit__(self, *exc) -> None:
        """Close the browser (``Browser.close``: it writes its profile and ends), end any
        helper process left in its group, then remove the profile. The helpers may still be
        writing there when the browser has gone (seen as "Directory not empty: 'Default'"),
        so the removal is tried again for a while; a profile that cannot be removed is left in
        the temporary folder rather than failing the run."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                self._ws.send(json.dumps({"id": self._id + 1, "method": "Browser.close"}))
            self._ws.close()
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.terminate()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
        if self._tmp is not None:
            _remove_profile(self._tmp)

    def _send(self, method: str, params: dict | None = None, session: str | None = None):
        """Send one command and return its result, skipping the events in between; with
        ``method`` None, wait for the event named in ``params["event"]``."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        return self._wait(lambda m: m.get("id") == self._id)

    def _wait(self, match):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self._ws.recv())
            if match(message):
                if "error" in message:
                    raise RuntimeError(f"chromium: {message['error'].get('message')}")
                return message.get("result", message.get("params", {}))
        raise RuntimeError("chromium did not answer in time")

    def pdf(self, page: Path, out: Path, *, footer: str = "") -> Path:
        """Print ``page`` (an HTML file) to ``out``: A4, page numbers and ``footer`` below."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            self._send("Page.enable", session=session)
            self._send("Page.navigate", {"url": Path(page).resolve().as_uri()}, session=session)
            self._wait(
                lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session
            )
            result = self._send("Page.printToPDF", _print_options(footer), session=session)
        finally:
            self._send("Target.closeTarget", {"targetId": target})
        data = base64.b64decode(result["data"])
        _write_bytes(out, data)
        return out


def _remove_profile(profile: Path, tries: int = 40) -> None:
    """Remove a browser profile, trying again while a helper process still writes there."""
    for _ in range(tries):
        try:
            shutil.rmtree(profile)
            return
        except FileNotFoundError:
            return
        except OSError:  # a helper still writing
            time.sleep(0.05)
    shutil.rmtree(profile, ignore_errors=True)


def _print_options(footer: str) -> dict:
    top, bottom, side = _MARGINS
    small = 'style="font-size:8px;width:100%;color:#555;padding:0 12mm;display:flex;justify-content:space-between"'
    template = (
        f"<div {small}><span>{html.escape(footer)}</span>"
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )
    return {
        "paperWidth": _A4[0],
        "paperHeight": _A4[1],
        "marginTop": top,
        "marginBottom": bottom,
        "marginLeft": side,
        "marginRight": side,
        "printBackground": True,
        "displayHeaderFooter": True,
        "headerTemplate": "<div></div>",
        "footerTemplate": template,
        "preferCSSPageSize": False,
    }


def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`~ksresearch.report.export.write_atomic`)."""
    from .export import write_atomic

    write_atomic(path, data)


# ----------------------------------------------------------------------------- the step
def write_formats(
    pages: list[tuple[Path, str | None]],
    formats: tuple[str, ...],
    survey,
    *,
    min_group_size: int | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the PDF and PowerPoint (as ``formats`` asks) of each audited HTML report, beside
    it under the same name, and audit each file written (:func:`audit_document`); a file
    already newer than its HTML is kept unless ``force``, and a PDF or deck older than its
    HTML that is not asked for now is removed (it was made from earlier data). ``pages``:
    (HTML path, its company or None for the general report).

    The browser prints one PDF after another while a second thread builds the decks and
    audits what is written, so the Python work overlaps the browser's.

    Raises
    ------
    ReportError
        A file failed the audit: it is removed, and the error names it and its problems.
    """
    from concurrent.futures import ThreadPoolExecutor

    wanted = [f for f in formats if f != "html"]
    _withdraw_stale(pages, wanted)
    jobs = [
        (page, company, page.with_suffix(f".{f}"))
        for page, company in pages
        for f in wanted
        if force or _stale(page.with_suffix(f".{f}"), page)
    ]
    printing = any(out.suffix == ".pdf" for *_, out in jobs)
    futures = []
    with Chromium() if printing else _nothing() as browser, ThreadPoolExecutor(1) as pool:
        for page, company, out in jobs:
            text = page.read_text(encoding="utf-8")
            if out.suffix == ".pdf":
                browser.pdf(page, out, footer=_footer(text, survey.year))
                futures.append(pool.submit(_audited, out, survey, company, min_group_size))
            else:
                futures.append(pool.submit(_deck, text, out, survey, company, min_group_size))
        return [f.result() for f in futures]


def _withdraw_stale(pages: list[tuple[Path, str | None]], wanted: list[str]) -> None:
    """A PDF or deck older than its HTML and not rebuilt now was made from earlier data: set
    beside the new HTML it would give away what changed (two late answers: their mean by
    subtraction), so it is removed."""
    for page, _ in pages:
        for other in ("pdf", "pptx"):
            old = page.with_suffix(f".{other}")
            if other not in wanted and old.exists() and _stale(old, page):
                old.unlink()


def _deck(text: str, out: Path, survey, company: str | None, min_group_size: int | None) -> Path:
    html_to_pptx(text, out)
    return _audited(out, survey, company, min_group_size)


def _audited(out: Path, survey, company: str | None, min_group_size: int | None) -> Path:
    """``out`` when it passes the audit; else it is removed and a ReportError says why."""
    from .audit import audit_document
    from .execute import ReportError

    problems = audit_document(out, survey, company=company, min_group_size=min_group_size)
    if problems:
        out.unlink()
        raise ReportError(f"{out.name} failed the audit and was not kept: " + "; ".join(problems))
    return out


def _stale(target: Path, source: Path) -> bool:
    return not target.exists() or target.stat().st_mtime < source.stat().st_mtime


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> None:
        return None


def _footer(page: str, year: int) -> str:
    """The report's title (its ``<title>``: the company's, or the general report's) and the
    year, for the foot of every page."""

    found = re.search(r"<title>(.*?)</title>", page, re.S)
    title = html.unescape(found.group(1)).strip() if found else ""
    return title if str(year) in title else f"{title} · {year}"
