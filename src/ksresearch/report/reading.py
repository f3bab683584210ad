"""What a reader of a PDF or a deck sees, as text: for the audit (which reads every format
with the HTML's rules) and for whoever checks a release."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["pdf_text", "pptx_text", "pptx_tables"]


# ----------------------------------------------------------------------------- PDF
def pdf_text(path: Path) -> str:
    """The text of every page of a PDF (pypdf), pages joined by blank lines, and a word that
    the browser broke after its hyphen at a line's end joined again: ``[e-`` ``post]`` on two
    lines is ``[e-post]``, as the HTML has it (read apart, a quoted comment no longer matched
    the example the comment rules allow, and a clean PDF failed the audit).

    Raises
    ------
    ValueError
        The file is not a readable PDF (damaged, cut off, or something else).
    """
    from pypdf import PdfReader

    try:
        pages = [page.extract_text() or "" for page in PdfReader(str(path)).pages]
    except Exception as exc:  # pypdf raises its own errors, and others, for a damaged file
        raise ValueError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    return _HYPHEN_BREAK.sub("-", "\n\n".join(pages))


#: A hyphen that ends a line, the word going on at the next line's start.
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\n[ \t]*(?=\w)")


# ----------------------------------------------------------------------------- PPTX
def pptx_text(path: Path) -> str:
    """Every text of a deck, slide by slide: titles, text boxes, table cells, shapes inside
    groups, charts (titles, categories, series names) and the speaker's notes."""
    lines = []
    for slide in _open_deck(path).slides:
        for shape in slide.shapes:
            lines += _shape_texts(shape)
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
        lines.append("")
    return "\n".join(lines)


def _shape_texts(shape) -> list[str]:
    """The texts a shape shows, a group's shapes included."""
    out = []
    if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
        for inner in shape.shapes:
            out += _shape_texts(inner)
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        out.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        out += ["\t".join(cell.text for cell in row.cells) for row in shape.table.rows]
    if getattr(shape, "has_chart", False) and shape.has_chart:
        chart = shape.chart
        if chart.has_title and chart.chart_title.has_text_frame:
            out.append(chart.chart_title.text_frame.text)
        for plot in chart.plots:
            out += [str(c) for c in plot.categories]
            out += [s.name for s in plot.series if s.name]
    return out


def pptx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a deck as rows of cell texts."""
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for slide in _open_deck(path).slides
        for shape in slide.shapes
        if getattr(shape, "has_table", False) and shape.has_table
    ]


def _open_deck(path: Path):
    """A deck opened with python-pptx; ValueError naming the file when it is not one."""
    from pptx import Presentation

    try:
        return Presentation(str(path))
    except Exception as exc:  # not a zip, no package, a part missing
        raise ValueError(
            f"{path}: not a readable PowerPoint file ({type(exc).__name__}: {exc})"
        ) from None
