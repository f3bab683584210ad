"""Exported reports: one self-contained HTML page without code, written atomically."""

from __future__ import annotations

import html as html_lib
import os
import re
import tempfile
import threading
from pathlib import Path

import nbformat

__all__ = ["TEMPLATES", "to_html", "write_atomic", "company_file"]


TEMPLATES = Path(__file__).parent / "templates"

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
    first = next(
        (
            i
            for i, c in enumerate(nb.cells)
            if any("<h1" in o.get("data", {}).get("text/html", "") for o in c.get("outputs", []))
        ),
        -1,
    )
    nb.cells.insert(first + 1, toc)
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]
    for i, cell in enumerate(nb.cells):  # stable ids: the same notebook gives the same page
        cell["id"] = f"cell-{i}"
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def company_file(company: str) -> str:
    """The report file name of a company: ``Nordkraft AS`` -> ``Nordkraft_AS.html``."""
    return re.sub(r"[^\w.-]+", "_", str(company)).strip("_") + ".html"
