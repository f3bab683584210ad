"""Exported reports: one self-contained HTML page without code, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import html as html_lib
import itertools
import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path

import nbformat

__all__ = [
    "TEMPLATES",
    "MAX_SLUG",
    "to_html",
    "prepare_exporters",
    "write_atomic",
    "check_writable",
    "company_file",
    "company_files",
]


TEMPLATES = Path(__file__).parent / "templates"

_idle: list = []  # exporters not in use: each builds its templates once, then serves many reports
_idle_lock = threading.Lock()


def prepare_exporters(n: int) -> None:
    """Make ``n`` exporters and have each load and compile its templates (a third of a second
    each) by rendering an empty page: a batch does this while its fork server starts, on the
    core that would otherwise wait, instead of when its first reports come back."""
    import nbformat

    empty = nbformat.v4.new_notebook()
    with _idle_lock:
        missing = n - len(_idle)
    for _ in range(missing):
        with _exporter(fresh=True) as exporter:
            exporter.from_notebook_node(empty, resources={"metadata": {"name": ""}})


@contextlib.contextmanager
def _exporter(*, fresh: bool = False):
    """An nbconvert exporter of its own for as long as the caller renders (exporters are not
    thread-safe); reused afterwards, since each report runs in a thread of its own."""
    with _idle_lock:
        exporter = _idle.pop() if _idle and not fresh else None
    if exporter is None:
        exporter = _page_exporter()(
            template_name="ksreport",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    try:
        yield exporter
    finally:
        with _idle_lock:
            _idle.append(exporter)


def _page_exporter() -> type:
    """nbconvert's HTML exporter without its second pass, which parses the whole page again
    with BeautifulSoup to add two attributes (a third of a second a report, more than the
    rendering): the same attributes are added here as the page is written (:func:`_focusable`)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        #: the notebook is validated once, after the preprocessors, not after each of them
        optimistic_validation = True

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code", Highlight2HTML(pygments_lexer="python", parent=self)
            )
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                      resources=resources),
            )  # fmt: skip
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _focusable(page), resources

    return PageExporter


_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
_OUTPUT_DIV = re.compile(
    r'(<div\b[^>]*\bclass="[^"]*(?<![\w-])(?:jp-OutputArea-output|jp-Cell-inputWrapper)(?![\w-])[^"]*")'
)


def _focusable(page: str) -> str:
    """What nbconvert's HTML exporter adds in its second pass: an ``alt`` on every image without
    one, and ``tabindex="0"`` on every output (keyboard users can scroll a wide table)."""
    page = _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', page)
    return _OUTPUT_DIV.sub(r'\1 tabindex="0"', page)


_HEADING = re.compile(r'<h([23]) id="([^"]+)" class="ks-heading">(.*?)</h\1>', re.S)


def _toc(nb: nbformat.NotebookNode, title: str) -> str:
    items = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for level, anchor, label in _HEADING.findall(out.get("data", {}).get("text/html", "")):
                indent = ' style="margin-left:1.2rem"' if level == "3" else ""
                items.append(f'<li{indent}><a href="#{anchor}">{label}</a></li>')
    return f'<nav class="ks-toc"><strong>{html_lib.escape(title)}</strong><ul>{"".join(items)}</ul></nav>'


_SENTENCE = re.compile(r'\s*<p class="ks-text">(?:(?!<p[ >]).)*</p>\s*', re.S)


def _kind(output) -> str | None:
    """What an output shows on the page: a heading (``h2``, ``h3``), a sentence, something
    else (a table, a figure, a list), or nothing (None)."""
    data = output.get("data", {})
    page = data.get("text/html", "")
    if isinstance(page, list):
        page = "".join(page)
    if heading := _HEADING.search(page):
        return f"h{heading.group(1)}"
    if _SENTENCE.fullmatch(page):
        return "sentence"
    if page.strip() or any(k.startswith("image/") for k in data):
        return "other"
    return None


def _mark_introductions(nb: nbformat.NotebookNode) -> None:
    """Mark (``ks-keep``) each sentence that introduces what comes after it in its section (a
    sentence, a sub-heading, a table or a figure), so that the print style keeps it with that;
    a sentence that ends its section (the next section's heading, or the report's end, comes
    next) may end a page: were it kept with the next section as well, a run of short sections
    would leave the browser no break but between a heading and its sentence."""
    shown = [
        (o, kind)
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if (kind := _kind(o)) is not None
    ]
    for (output, kind), (_, after) in itertools.pairwise(shown):
        if kind == "sentence" and after != "h2":
            page = output["data"]["text/html"]
            if isinstance(page, list):
                page = "".join(page)
            output["data"]["text/html"] = page.replace(
                '<p class="ks-text">', '<p class="ks-text ks-keep">', 1
            )


def to_html(nb: nbformat.NotebookNode, *, lang: str, title: str, toc_title: str) -> str:
    """Export an executed notebook to one self-contained HTML page without code: figures are
    embedded, a table of contents follows the first heading."""
    nb = nbformat.from_dict(nb)
    toc = nbformat.v4.new_code_cell(
        "",
        outputs=[nbformat.v4.new_output("display_data", data={"text/html": _toc(nb, toc_title)})],
    )
    first = next(
        (
            i
            for i, c in enumerate(nb.cells)
            if any("<h1" in o.get("data", {}).get("text/html", "") for o in c.get("outputs", []))
        ),
        -1,
    )
    nb.cells.insert(first + 1, toc)
    _mark_introductions(nb)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    for i, cell in enumerate(nb.cells):  # stable ids: the same notebook gives the same page
        cell["id"] = f"cell-{i}"
    with _exporter() as exporter:
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary sibling:
    never a partial file, and the temporary file is removed on any error (a full disk)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it to read it, which
    another thread writing a file at that moment would feel)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            found = next((line for line in fh if line.startswith("Umask:")), None)
        if found is not None:
            return int(found.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The longest readable part of a report's file name.
MAX_SLUG = 60
_SAFE = re.compile(r"[^\W_]+(?:[ .-][^\W_]+)*")


def check_writable(folder: Path) -> None:
    """Fail before any work when reports cannot be written to ``folder`` (created if missing)."""
    from .execute import ReportError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ks-write-check-"):
            pass
    except OSError as exc:
        raise ReportError(f"cannot write reports to {folder}: {exc.strerror or exc}") from None


def company_file(company: str, *, hashed: bool = False) -> str:
    """The report file name of a company: stable, readable, and never shared by two names.

    A name of letters, digits and single spaces, dots or hyphens (``Nordkraft AS``) becomes
    itself with spaces as ``_`` (``Nordkraft_AS.html``: the name can be read back from it).
    Any other name (``A/S Nord``, a zero-width space, 300 characters) becomes a readable
    slug of at most :data:`MAX_SLUG` characters, ``~`` and the first 10 hex digits of the
    SHA-256 of its exact text; ``~`` never occurs in the first kind, so the two kinds never
    meet, and two names of the second kind would need a hash collision to meet. ``hashed``
    gives the second kind for any name (:func:`company_files` uses it where two names differ
    only in case, which some file systems do not tell apart).

    Parameters
    ----------
    company : str
        The company's name.
    hashed : bool
        Always the slug and hash form.

    Returns
    -------
    str
        The file name, ``.html``.

    Examples
    --------
    >>> company_file("Nordkraft AS"), company_file("A S Nord")
    ('Nordkraft_AS.html', 'A_S_Nord.html')
    >>> company_file("A/S Nord")
    'A_S_Nord~31c65e10f6.html'
    """
    name = str(company)
    if not hashed and len(name) <= MAX_SLUG and _SAFE.fullmatch(name):
        return name.replace(" ", "_") + ".html"
    readable = unicodedata.normalize("NFKC", name)
    readable = re.sub(r"[^\w.-]+", "_", readable, flags=re.UNICODE).strip("_.")[:MAX_SLUG]
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"{readable or 'company'}~{digest}.html"


def company_files(companies) -> dict[str, str]:
    """``{company: report file}`` for every company of a release: :func:`company_file`, with
    the hashed form for names whose files would differ only in case."""
    plain = {c: company_file(c) for c in companies}
    folded: dict[str, list[str]] = {}
    for c, f in plain.items():
        folded.setdefault(f.casefold(), []).append(c)
    clash = {c for names in folded.values() if len(names) > 1 for c in names}
    return {c: company_file(c, hashed=True) if c in clash else f for c, f in plain.items()}
