"""PowerPoint decks of reports, laid out before they are placed.

A deck is made from a report's HTML, so it says what the report says and nothing else: a title
slide, then each section (h2) in order, its sentences beside the table or figure they
introduce. Every table is shown whole: a table longer than a slide goes on on the next one,
its header repeated and "(continued)" in the title. Before anything is placed, every text is
measured with the font's own metrics (Pillow's ``ImageFont`` on Liberation Sans, which has
Arial's widths), so that columns are at least as wide as their longest word (no word is broken
letter by letter), rows as high as their wrapped lines, and nothing leaves the slide. Heatmap
cells keep their colours, and a difference that holds after correction is set in bold, as in
the HTML.

The default deck's theme has the HTML report's colours (:data:`THEME_COLOURS`: tables and
titles in its blue) and Arial as its fonts. A consultancy can give its own ``.pptx`` as
``template``: its slide master, theme colours, fonts of titles and logo are used, and its
layouts named "Title Slide" and "Title Only" (or the first and the sixth) hold the slides.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["html_to_pptx", "DECK_FONT"]

#: The font of the deck's text: Arial, measured with Liberation Sans (the same widths).
DECK_FONT = "Arial"
_FONT_FILES = ("LiberationSans-Regular.ttf", "Arimo-Regular.ttf", "DejaVuSans.ttf")
_BOLD_FILES = ("LiberationSans-Bold.ttf", "Arimo-Bold.ttf", "DejaVuSans-Bold.ttf")
_KNOWN_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
)
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")

# the slide (16:9) and its regions, in inches
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
BODY_TOP = 1.45
BODY_BOTTOM = SLIDE_H - 0.45
TEXT_W = 4.2  # the sentences beside a table or figure
GAP = 0.3
# a table cell: margins (inches) and line height (times the font size)
CELL_X, CELL_Y = 0.05, 0.03
LINE = 1.2
TABLE_PT = (12, 11, 10, 9, 8)
TEXT_PT = (16, 14, 13, 12, 11, 10)
MAX_HEADER_H = 2.4  # an upright header is at most this high
MIN_FIGURE_H = 2.8  # a figure under its table is at least this high


# ----------------------------------------------------------------------------- measuring
@lru_cache(maxsize=2)
def _font(bold: bool = False):
    """The measuring font at 100 px (a width scales with the size)."""
    from PIL import ImageFont

    names = _BOLD_FILES if bold else _FONT_FILES
    known = [Path(d) / n for d in _KNOWN_DIRS for n in names]
    found = next((p for p in known if p.is_file()), None)
    for name in names if found is None else ():  # elsewhere: look through the font folders
        for root in (Path(r) for r in _FONT_DIRS if Path(r).is_dir()):
            found = found or next(root.rglob(name), None)
    return ImageFont.truetype(str(found), size=100) if found else ImageFont.load_default(size=100)


@lru_cache(maxsize=65536)
def text_width(text: str, pt: float, bold: bool = False) -> float:
    """The width of one line of ``text`` at ``pt`` points, in inches."""
    return _font(bold).getlength(text) * pt / 100 / 72


def wrap(text: str, width: float, pt: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` inches, broken between words only (a word
    wider than the line stands alone on its line)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, pt, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def longest_word(text: str, pt: float, bold: bool = False) -> float:
    return max((text_width(w, pt, bold) for w in text.split(" ")), default=0.0)


def lines_height(n: int, pt: float) -> float:
    return n * pt * LINE / 72


# ----------------------------------------------------------------------------- reading
@dataclass
class Table:
    rows: list[list[str]]
    fills: list[list[str | None]]
    bold: list[list[bool]]
    caption: str = ""


@dataclass
class Block:
    """What one slide group shows: a heading, sentences, and a table or a figure."""

    heading: str
    sub: str = ""
    text: list[str] = field(default_factory=list)
    table: Table | None = None
    image: bytes | None = None


def read_blocks(soup) -> tuple[str, list[str], list[Block]]:
    """The report's title, its opening sentences and its blocks, in the order of the page:
    each table or figure with the sentences (and sub-heading) just before it; sentences with
    nothing after them in their section make a block of their own."""
    title_node = soup.find("h1")
    title = _clean(title_node.get_text(" ")) if title_node else ""
    opening: list[str] = []
    blocks: list[Block] = []
    heading, sub, text = None, "", []

    def flush() -> None:
        nonlocal text
        last = blocks[-1] if blocks else None
        if heading is not None and text:
            if last is not None and (last.heading, last.sub) == (heading, sub):
                last.text += text  # a sentence after its table goes with the table
            else:
                blocks.append(Block(heading, sub, text))
        text = []

    for node in soup.find_all(["h2", "h3", "p", "li", "h4", "table", "img"]):
        if node.find_parent("nav") or node.find_parent("table") and node.name != "table":
            continue
        if node.name == "h2":
            flush()
            heading, sub = _clean(node.get_text(" ")), ""
        elif heading is None:
            if node.name == "p" and "ks-text" in (node.get("class") or []):
                opening.append(_clean(node.get_text(" ")))
        elif node.name == "h3":
            flush()
            sub = _clean(node.get_text(" "))
        elif node.name == "h4":
            text.append(_clean(node.get_text(" ")) + ":")
        elif node.name == "p" and "ks-text" in (node.get("class") or []):
            text.append(_clean(node.get_text(" ")))
        elif node.name == "li" and node.find_parent(["ul", "ol"]):
            text.append("• " + _clean(node.get_text(" ")))
        elif node.name == "table":
            blocks.append(Block(heading, sub, text, table=_read_table(node)))
            text = []
        elif node.name == "img":
            src = node.get("src", "")
            if src.startswith("data:image/png;base64,"):
                image = base64.b64decode(src.split(",", 1)[1])
                blocks.append(Block(heading, sub, text, image=image))
                text = []
    flush()
    return title, opening, blocks


def _read_table(node) -> Table:
    caption = node.find("caption")
    trs = node.find_all("tr")
    cells = [tr.find_all(["th", "td"]) for tr in trs]
    return Table(
        rows=[[_clean(c.get_text(" ")) for c in row] for row in cells],
        fills=[[_cell_fill(c) for c in row] for row in cells],
        bold=[["ks-heat-sig" in (c.get("class") or []) for c in row] for row in cells],
        caption=_clean(caption.get_text(" ")) if caption else "",
    )


def _cell_fill(cell) -> str | None:
    from .present import HEAT_COLOURS

    return next((HEAT_COLOURS[c] for c in cell.get("class") or [] if c in HEAT_COLOURS), None)


def _clean(text: str) -> str:
    """Text as shown: runs of spaces and line breaks one space; a no-break space (between a
    number and its % sign) kept, so that the two stay on one line."""
    return _SPACES.sub(" ", text.replace("¶", "")).strip()


_SPACES = re.compile(r"[ \t\r\n]+")


# ----------------------------------------------------------------------------- table layout
@dataclass
class TableLayout:
    pt: float
    upright: bool
    widths: list[float]
    heights: list[float]  # per row, the header first

    @property
    def width(self) -> float:
        return sum(self.widths)


def layout_table(
    table: Table, width: float, upright: bool = True, min_pt: float = TABLE_PT[-1]
) -> TableLayout | None:
    """Font size, header direction, column widths and row heights that fit ``width`` inches
    without breaking a word: the largest font of :data:`TABLE_PT` with the headers lying, else
    (with ``upright``) the largest with them upright; None when nothing fits."""
    for turned in (False, True) if upright else (False,):
        for pt in (p for p in TABLE_PT if p >= min_pt):
            widths = _column_widths(table.rows, width, pt, turned)
            if widths is not None:
                return TableLayout(pt, turned, widths, _row_heights(table, widths, pt, turned))
    return None


def _column_widths(rows, width: float, pt: float, upright: bool) -> list[float] | None:
    ncols = max(len(r) for r in rows)
    header, body = rows[0], rows[1:]
    pad = 2 * CELL_X + 0.02
    least, wish = [], []
    for j in range(ncols):
        column = [r[j] for r in body if j < len(r)]
        head = header[j] if j < len(header) else ""
        low = max([longest_word(c, pt) for c in column] + [0.0])
        full = max([text_width(c, pt) for c in column] + [0.0])
        if upright:
            low = max(low, lines_height(1, pt))
        else:
            low = max(low, longest_word(head, pt, True))
            full = max(full, min(text_width(head, pt, True), 1.6))
        least.append(low + pad)
        wish.append(min(max(full, low) + pad, 3.6))
    if sum(least) > width:
        return None
    widths = list(least)
    spare = width - sum(widths)
    want = [w - lo for w, lo in zip(wish, least, strict=True)]
    if sum(want) > 0:
        share = min(1.0, spare / sum(want))
        widths = [lo + share * w for lo, w in zip(least, want, strict=True)]
    return widths


def _row_heights(table: Table, widths, pt: float, upright: bool) -> list[float]:
    heights = []
    for i, row in enumerate(table.rows):
        bold = i == 0
        if i == 0 and upright:
            longest = max((text_width(c, pt, True) for c in row[1:]), default=0.0)
            heights.append(min(longest, MAX_HEADER_H) + 2 * CELL_X + 0.05)
            continue
        lines = max(
            (
                len(wrap(c, w - 2 * CELL_X - 0.02, pt, bold))
                for c, w in zip(row, widths, strict=False)
            ),
            default=1,
        )
        heights.append(lines_height(lines, pt) + 2 * CELL_Y + 0.03)
    return heights


def pages(layout: TableLayout, height: float) -> list[range]:
    """The body rows of each slide of a table: as many as fit ``height`` inches under the
    header, at least one."""
    out, start, used = [], 1, layout.heights[0]
    for i in range(1, len(layout.heights)):
        if i > start and used + layout.heights[i] > height:
            out.append(range(start, i))
            start, used = i, layout.heights[0]
        used += layout.heights[i]
    out.append(range(start, len(layout.heights)))
    return out


# ----------------------------------------------------------------------------- text layout
def fit_text(text: list[str], width: float, height: float) -> tuple[float, list[list[str]]]:
    """The largest font of :data:`TEXT_PT` at which ``text`` fits the box, and the sentences
    of each box (more than one box when even the smallest font does not hold them all)."""
    for pt in TEXT_PT:
        if _text_height(text, width, pt) <= height:
            return pt, [text]
    pt = TEXT_PT[-1]
    boxes, box = [], []
    for sentence in text:
        if box and _text_height([*box, sentence], width, pt) > height:
            boxes.append(box)
            box = []
        box.append(sentence)
    boxes.append(box)
    return pt, boxes


def _text_height(text: list[str], width: float, pt: float) -> float:
    inner = width - 0.2  # a text box's own margins
    lines = sum(len(wrap(t, inner, pt)) for t in text)
    return lines_height(lines, pt) * 1.05 + len(text) * pt * 0.5 / 72 + 0.1


# ----------------------------------------------------------------------------- the deck
def html_to_pptx(
    page: str, out: Path, *, lang: str | None = None, template: str | Path | None = None
) -> Path:
    """A slide deck of a report's HTML (see the module's text): ``lang`` the catalogue's
    language of the few words the deck adds (default: the page's ``<html lang>``), ``template``
    a 16:9 ``.pptx`` whose master and layouts to use (default
    :func:`ksresearch.config.deck_template`: ``templates/deck.pptx`` or ``KS_DECK_TEMPLATE``).
    Text goes in as text, never as markup."""
    from bs4 import BeautifulSoup
    from pptx import Presentation
    from pptx.util import Emu

    from .export import write_atomic
    from .present import LANGS

    soup = BeautifulSoup(page, "html.parser")
    root = soup.find("html")
    lang = lang or (root.get("lang") if root is not None else None)
    lang = lang if lang in LANGS else "en"
    from .. import config

    template = template or config.deck_template()
    if template is not None and not Path(template).is_file():
        raise ValueError(f"{template}: no such slide template (a .pptx file)")
    deck = Presentation(str(template)) if template else _default_deck()
    size = (round(Emu(deck.slide_width).inches, 2), round(Emu(deck.slide_height).inches, 2))
    if size != (round(SLIDE_W, 2), SLIDE_H):
        raise ValueError(
            f"{template}: slides of {size[0]} x {size[1]} in; the deck is laid out for "
            f"{SLIDE_W:.2f} x {SLIDE_H} in (16:9, PowerPoint's widescreen)"
        )
    title, opening, blocks = read_blocks(soup)
    _title_slide(deck, title, opening)
    i = 0
    while i < len(blocks):
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if after is not None and _together(deck, blocks[i], after, lang):
            i += 2
            continue
        _block_slides(deck, blocks[i], lang)
        i += 1
    buffer = io.BytesIO()
    deck.save(buffer)
    write_atomic(out, buffer.getvalue())
    return out


#: The default deck's theme colours (the HTML report's): tables take their header and bands
#: from accent 1, titles their colour from text 2.
THEME_COLOURS = {"dk2": "1F5F8B", "lt2": "F5F7FA", "accent1": "1F5F8B", "accent2": "B03A2E"}


def _default_deck():
    """python-pptx's own template made 16:9, its layouts' titles and bodies set within the
    wider slide's margins, its theme given the report's colours and the font the deck is
    measured with (a consultancy's template keeps its own)."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    _set_theme(deck)
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    width = Inches(SLIDE_W - 2 * MARGIN)
    for layout in [deck.slide_master, *deck.slide_layouts]:
        for shape in layout.placeholders:
            shape.left, shape.width = Inches(MARGIN), width
    _, only = _layouts(deck)
    for shape in only.placeholders:
        if shape.placeholder_format.type == 1:  # PP_PLACEHOLDER.TITLE
            shape.top, shape.height = Inches(0.3), Inches(1.05)
    return deck


def _set_theme(deck) -> None:
    """The theme's colours (:data:`THEME_COLOURS`) and its heading and body fonts
    (:data:`DECK_FONT`); titles in text 2."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = deck.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    for name, rgb in THEME_COLOURS.items():
        xml = re.sub(
            rf"<a:{name}>.*?</a:{name}>", f'<a:{name}><a:srgbClr val="{rgb}"/></a:{name}>', xml
        )
    xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*', rf"\g<1>{DECK_FONT}", xml)
    theme._blob = xml.encode("utf-8")
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    style = deck.slide_master._element.find(
        ".//{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle"
    )
    for colour in style.iter(f"{a}schemeClr"):
        colour.set("val", "tx2")


def _layouts(deck):
    """The template's title and title-only layouts (by name, else the first and the sixth)."""
    named = {layout.name: layout for layout in deck.slide_layouts}
    title = named.get("Title Slide", deck.slide_layouts[0])
    only = named.get("Title Only", deck.slide_layouts[min(5, len(deck.slide_layouts) - 1)])
    return title, only


def _title_slide(deck, title: str, opening: list[str]) -> None:
    from pptx.util import Pt

    layout, _ = _layouts(deck)
    slide = deck.slides.add_slide(layout)
    if slide.shapes.title is not None:
        slide.shapes.title.text = title
        _fit_title(slide.shapes.title, title, 40)
    body = next((p for p in slide.placeholders if p.placeholder_format.idx == 1), None)
    if body is not None:
        body.text_frame.word_wrap = True
        for i, sentence in enumerate(opening):
            para = body.text_frame.paragraphs[0] if i == 0 else body.text_frame.add_paragraph()
            para.text = sentence
            para.font.size = Pt(16)


def _fit_title(shape, text: str, pt: float) -> None:
    """A title at the largest size up to ``pt`` at which it takes at most two lines."""
    from pptx.util import Emu, Pt

    width = Emu(shape.width).inches - 0.2
    while pt > 18 and len(wrap(text, width, pt, True)) > 2:
        pt -= 2
    for para in shape.text_frame.paragraphs:
        para.font.size = Pt(pt)


def _slide(deck, heading: str, sub: str, continued: bool, lang: str):
    from pptx.util import Inches

    from .present import text as catalogue

    _, layout = _layouts(deck)
    slide = deck.slides.add_slide(layout)
    words = " – ".join(filter(None, [heading, sub]))
    if continued:
        words = f"{words} {catalogue('deck.continued', lang)}"
    title = slide.shapes.title
    if title is None:
        title = slide.shapes.add_textbox(
            Inches(MARGIN), Inches(0.3), Inches(SLIDE_W - 2 * MARGIN), Inches(1.0)
        )
    title.text = words
    _fit_title(title, words, 30)
    return slide


def _block_slides(deck, block: Block, lang: str) -> None:
    """The slides of one block: its sentences beside its table or figure, or above it when
    the table needs the slide's width (on a slide of their own when they are long); a table
    goes on over as many slides as it needs; sentences alone fill the slide's width."""
    height = BODY_BOTTOM - BODY_TOP
    full = SLIDE_W - 2 * MARGIN
    caption = [block.table.caption] if block.table is not None and block.table.caption else []
    text = [*block.text, *caption]
    if block.table is None and block.image is None:
        _text_slides(deck, block, text, full, height, lang)
        return
    beside = full - TEXT_W - GAP
    layout, where = None, "beside" if text else "alone"
    if block.table is not None:
        layout = layout_table(block.table, beside, upright=False, min_pt=10) if text else None
        if layout is None:
            layout = layout_table(block.table, full) or _narrowest(block.table, full)
            where = "above" if text else "alone"
    top = BODY_TOP
    if where == "above":
        pt = TEXT_PT[2]
        above = _text_height(text, full, pt)
        if above > 1.6:  # long: the sentences on a slide of their own, the table after
            _text_slides(deck, block, text, full, height, lang)
            text, where = [], "after"
        else:
            top = BODY_TOP + above + 0.1
    left = MARGIN + TEXT_W + GAP if where == "beside" else MARGIN
    width = beside if where == "beside" else full
    room = BODY_BOTTOM - top
    chunks = pages(layout, room) if layout is not None else [None]
    pt, boxes = fit_text(text, TEXT_W, height) if where == "beside" else (TEXT_PT[2], [text])
    for i, rows in enumerate(chunks):
        slide = _slide(deck, block.heading, block.sub, i > 0 or where == "after", lang)
        if where in ("beside", "above") and i < len(boxes):
            box_w = TEXT_W if where == "beside" else full
            box_h = height if where == "beside" else top - BODY_TOP
            _text_box(slide, boxes[i], MARGIN, box_w, box_h, pt)
        if layout is not None:
            _place_table(slide, block.table, layout, rows, left, top)
        else:
            _place_image(slide, block.image, left, width, room)
    for j in range(len(chunks), len(boxes)):  # sentences that did not fit beside it
        slide = _slide(deck, block.heading, block.sub, True, lang)
        _text_box(slide, boxes[j], MARGIN, TEXT_W, height, pt)


def _together(deck, block: Block, figure: Block, lang: str) -> bool:
    """A short table and the figure drawn from it on one slide, the figure under the table,
    when the figure has no sentences of its own and both fit (the figure at least
    :data:`MIN_FIGURE_H` high); False, and nothing placed, when they do not."""
    if block.table is None or figure.image is None or figure.text:
        return False
    if (figure.heading, figure.sub) != (block.heading, block.sub):
        return False
    full = SLIDE_W - 2 * MARGIN
    text = [*block.text, *([block.table.caption] if block.table.caption else [])]
    above = _text_height(text, full, TEXT_PT[2]) + 0.1 if text else 0.0
    layout = layout_table(block.table, full)
    if layout is None or above > 1.6:
        return False
    table_h = sum(layout.heights)
    room = BODY_BOTTOM - BODY_TOP - above - table_h - 0.15
    if room < MIN_FIGURE_H:
        return False
    slide = _slide(deck, block.heading, block.sub, False, lang)
    if text:
        _text_box(slide, text, MARGIN, full, above - 0.1, TEXT_PT[2])
    _place_table(
        slide, block.table, layout, range(1, len(layout.heights)), MARGIN, BODY_TOP + above
    )
    _place_image(slide, figure.image, MARGIN, full, room, BODY_TOP + above + table_h + 0.15)
    return True


def _text_slides(deck, block: Block, text: list[str], width: float, height: float, lang):
    pt, boxes = fit_text(text, width, height)
    for i, box in enumerate(boxes):
        slide = _slide(deck, block.heading, block.sub, i > 0, lang)
        _text_box(slide, box, MARGIN, width, height, pt)


def _narrowest(table: Table, width: float) -> TableLayout:
    """A table too wide for the slide at the smallest font, upright headers: its columns
    shrunk in proportion (words may break: the HTML and PDF still show it whole)."""
    pt = TABLE_PT[-1]
    least = _column_widths(table.rows, 1e9, pt, True)
    scale = width / sum(least)
    widths = [w * scale for w in least]
    return TableLayout(pt, True, widths, _row_heights(table, widths, pt, True))


def _text_box(slide, text: list[str], left: float, width: float, height: float, pt: float):
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(BODY_TOP), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    for i, sentence in enumerate(text):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = sentence
        run.font.size, run.font.name = Pt(pt), DECK_FONT
        para.space_after = Pt(pt * 0.5)


def _place_table(
    slide, table: Table, layout: TableLayout, rows: range, left: float, top: float
) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    index = [0, *rows]
    ncols = len(layout.widths)
    total = sum(layout.heights[i] for i in index)
    shape = slide.shapes.add_table(
        len(index), ncols, Inches(left), Inches(top), Inches(layout.width), Inches(total)
    )
    grid = shape.table
    for j, w in enumerate(layout.widths):
        grid.columns[j].width = Inches(w)
    for r, i in enumerate(index):
        grid.rows[r].height = Inches(layout.heights[i])
        row = table.rows[i]
        for j in range(ncols):
            cell = grid.cell(r, j)
            cell.margin_left = cell.margin_right = Inches(CELL_X)
            cell.margin_top = cell.margin_bottom = Inches(CELL_Y)
            cell.text_frame.word_wrap = True
            para = cell.text_frame.paragraphs[0]
            run = para.add_run()
            run.text = row[j] if j < len(row) else ""
            run.font.size, run.font.name = Pt(layout.pt), DECK_FONT
            run.font.bold = i == 0 or (j < len(table.bold[i]) and table.bold[i][j])
            fill = table.fills[i][j] if j < len(table.fills[i]) else None
            if fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#").upper())
                run.font.color.rgb = RGBColor(0, 0, 0)
            if i == 0 and layout.upright and j > 0:
                cell._tc.get_or_add_tcPr().set("vert", "vert270")
    shape.height = Inches(total)


def _place_image(
    slide, image: bytes, left: float, width: float, height: float, top: float = BODY_TOP
) -> None:
    """A figure as large as the region allows, its proportions kept."""
    from PIL import Image
    from pptx.util import Inches

    w, h = Image.open(io.BytesIO(image)).size
    scale = min(width / w, height / h)
    slide.shapes.add_picture(
        io.BytesIO(image), Inches(left), Inches(top), Inches(w * scale), Inches(h * scale)
    )
