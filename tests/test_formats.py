"""PDF and PowerPoint of the reports: every PDF page rendered (pdftoppm) and none blank, every
figure of the HTML in the PDF, the decks' slides and texts, and the audit reading both."""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

import ksresearch as ks
from ksresearch.cli import app
from ksresearch.report import formats
from ksresearch.report.audit import audit_document

pytestmark = [
    pytest.mark.skipif(
        shutil.which("chromium") is None or shutil.which("pdftoppm") is None,
        reason="Debian's chromium and poppler-utils are missing: `make browser` installs them",
    ),
    pytest.mark.slow,  # a release of reports printed and rendered
]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    data = tmp_path_factory.mktemp("formatdata")
    for year in (2024, 2025):
        ks.write_synth(year, seed=8, data_dir=data, n_companies=8)
        ks.ingest(year, data)
    out = tmp_path_factory.mktemp("formatreports")
    survey = ks.load(2025, data)
    company = ks.eligible_companies(survey).query("eligible").index[0]
    kinds = "html,pdf,pptx"
    result = ks.batch(2025, data_dir=data, out=out, workers=2, formats=kinds)
    general = ks.general_report(2025, lang="en", data_dir=data, out=out, formats=kinds)
    return {
        "data": data,
        "survey": survey,
        "company": company,
        "pages": {"company": result.written[company], "general": general},
        "every": [*result.written.values(), general],  # every report of the release
    }


def _pngs(pdf, folder):
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page*.png"))


@pytest.mark.parametrize("kind", ["company", "general"])
def test_every_pdf_page_renders_none_blank_and_every_figure_is_there(made, kind, tmp_path):
    import numpy as np
    from PIL import Image
    from pypdf import PdfReader

    page = made["pages"][kind]
    pdf = page.with_suffix(".pdf")
    pngs = _pngs(pdf, tmp_path)
    assert len(pngs) >= 4
    for png in pngs:
        pixels = np.asarray(Image.open(png).convert("L"))
        assert (pixels < 200).mean() > 0.002, png.name  # ink on every page
    figures = len(BeautifulSoup(page.read_text(), "html.parser").find_all("img"))
    in_pdf = sum(len(p.images) for p in PdfReader(str(pdf)).pages)
    assert figures >= 1 and in_pdf >= figures
    reader = PdfReader(str(pdf))
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 3 and abs(float(box.height) - 842) < 3  # A4
    text = formats.pdf_text(pdf)
    assert str(made["survey"].year) in text and " / " in text  # the footer: year, page numbers


def _deck_titles(path) -> list[str]:
    from pptx import Presentation

    deck = Presentation(str(path))
    return [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]


def _html_headings(page) -> list[str]:
    soup = BeautifulSoup(page.read_text(), "html.parser")
    return [" ".join(h.get_text(" ").replace("¶", "").split()) for h in soup.find_all("h2")]


def test_the_company_deck_has_its_slides_and_texts(made):
    from pptx import Presentation

    page = made["pages"]["company"]
    titles = _deck_titles(page.with_suffix(".pptx"))
    headings = _html_headings(page)
    assert titles[0].startswith(made["company"])
    shown = []  # each section's heading, in the order of the report, once
    for title in titles[1:]:
        heading = next(h for h in headings if title.startswith(h))
        if not shown or shown[-1] != heading:
            shown.append(heading)
    assert shown == headings
    text = formats.pptx_text(page.with_suffix(".pptx"))
    soup = BeautifulSoup(page.read_text(), "html.parser")
    findings = [li.get_text(" ", strip=True) for li in soup.select("ul.ks-key-findings li")]
    text = " ".join(text.split())  # no-break spaces kept in the deck, read as spaces here
    assert findings and all(" ".join(f.split()) in text for f in findings)
    deck = Presentation(str(page.with_suffix(".pptx")))
    pictures = [sh for s in deck.slides for sh in s.shapes if sh.shape_type == 13]
    assert len(pictures) == len(soup.find_all("img"))  # every figure, once


def _rows(cells) -> tuple:
    return tuple(" ".join(c.split()) for c in cells)


def test_every_table_row_of_the_html_is_in_the_deck_and_no_shape_leaves_its_slide(made):
    """In every deck of the release: tables go on over several slides, never cut; every shape
    (tables at the height of their rows) lies within the slide."""
    for page in made["every"]:
        _rows_kept_and_shapes_on_their_slides(page)


def _rows_kept_and_shapes_on_their_slides(page: Path) -> None:
    from pptx import Presentation
    from pptx.util import Emu

    soup = BeautifulSoup(page.read_text(), "html.parser")
    wanted = [
        _rows(c.get_text(" ").replace("¶", "") for c in tr.find_all(["th", "td"]))
        for table in soup.find_all("table")
        for tr in table.find_all("tr")
    ]
    deck_path = page.with_suffix(".pptx")
    found = {_rows(row) for table in formats.pptx_tables(deck_path) for row in table}
    missing = [row for row in wanted if row not in found]
    assert not missing, (page.name, missing[:3])
    deck = Presentation(str(deck_path))
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            bottom = shape.top + (
                sum(r.height for r in shape.table.rows) if shape.has_table else shape.height
            )
            where = (page.name, number, shape.name, Emu(bottom).inches)
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= width and bottom <= height, where


@pytest.mark.skipif(shutil.which("soffice") is None, reason="`make browser` installs LibreOffice")
def test_every_deck_as_libreoffice_shows_it_breaks_no_word_and_keeps_every_word_on_its_slide(
    made, tmp_path
):
    """Every deck of the release rendered as PowerPoint would show it (LibreOffice Impress to
    PDF, all in one run): one page a slide, every word of every table cell whole on a line of
    its own page (a cell too narrow breaks a word letter by letter: "Motiv" "ation"), and no
    word below the slide's foot."""
    decks = [page.with_suffix(".pptx") for page in made["every"]]
    _render(decks, tmp_path)
    broken = {
        deck.name: words
        for deck in decks
        if (words := _broken_words(deck, tmp_path, slides=len(_deck_titles(deck))))
    }
    assert broken == {}


def _render(decks: list[Path], folder: Path) -> None:
    """The decks printed to PDF by LibreOffice, each as ``folder/<stem>.pdf``."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, decks)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip


def _broken_words(deck: Path, folder: Path, slides: int) -> list[str]:
    """The words of the deck's table cells that LibreOffice does not show whole (pdfplumber's
    words of the deck printed to ``folder`` by :func:`_render`); every word must lie on its
    page, one page a slide."""
    import pdfplumber

    words = set()
    with pdfplumber.open(folder / f"{deck.stem}.pdf") as pdf:
        assert len(pdf.pages) == slides
        for page in pdf.pages:
            for word in page.extract_words(use_text_flow=True):
                assert word["bottom"] <= page.height and word["x1"] <= page.width, word
                words.add(word["text"])
    cells = {
        w
        for table in formats.pptx_tables(deck)
        for row in table
        for cell in row
        for w in cell.split()
        if len(w) >= 4 and w.isalpha()
    }
    return sorted(cells - words)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="`make browser` installs LibreOffice")
def test_the_word_check_finds_a_column_too_narrow_for_its_words(tmp_path):
    """What the deck of before did: a column narrower than its longest word."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "Narrow"
    table = slide.shapes.add_table(2, 1, Inches(1), Inches(2), Inches(0.6), Inches(1)).table
    for r, word in enumerate(["Motivasjon", "Arbeidsglede"]):
        table.cell(r, 0).text = word
        table.cell(r, 0).text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    deck.save(str(tmp_path / "narrow.pptx"))
    _render([tmp_path / "narrow.pptx"], tmp_path)
    assert _broken_words(tmp_path / "narrow.pptx", tmp_path, slides=1) == [
        "Arbeidsglede",
        "Motivasjon",
    ]


def test_the_general_deck_and_both_formats_pass_the_audit(made):
    for kind, page in made["pages"].items():
        company = made["company"] if kind == "company" else None
        for suffix in (".pdf", ".pptx"):
            found = audit_document(page.with_suffix(suffix), made["survey"], company=company)
            assert found == [], (kind, suffix, found)


def test_the_audit_catches_a_leak_planted_in_a_pdf_and_in_a_deck(made, tmp_path):
    page = made["pages"]["company"]
    survey = made["survey"]
    other = next(c for c in survey.responses["company"].unique() if c != made["company"])
    planted = page.read_text().replace(
        '<p class="ks-text">', f'<p class="ks-text">Compare {other}. ', 1
    )
    leaky = tmp_path / "leaky.html"
    leaky.write_text(planted, encoding="utf-8")
    with formats.Chromium() as browser:
        browser.pdf(leaky, tmp_path / "leaky.pdf")
    formats.html_to_pptx(planted, tmp_path / "leaky.pptx")
    for suffix in (".pdf", ".pptx"):
        found = audit_document(tmp_path / f"leaky{suffix}", survey, company=made["company"])
        assert len(found) == 1 and found[0].startswith("the report names 1 other company: "), (suffix, found)  # fmt: skip
        assert repr(other) in found[0], found  # the message names what it found
    rows = [["", ks.report.present.column("n", "nb")], ["Team", "3"]]
    deck = tmp_path / "small.pptx"
    _deck_with_table(deck, rows)
    assert audit_document(deck, survey, company=made["company"]) == [
        "a table shows a group of 3 respondents (minimum 5)"
    ]


def _deck_with_table(path, rows) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    table = slide.shapes.add_table(len(rows), 2, Inches(1), Inches(1), Inches(4), Inches(1)).table
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    deck.save(str(path))


def test_formats_are_checked_and_the_audit_command_reads_them(made):
    with pytest.raises(ValueError, match="unknown format"):
        formats.parse_formats("html,docx")
    args = ["batch", "--year", "2025", "--data-dir", str(made["data"]), "--format", "docx"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "unknown format" in result.output
    folder = made["pages"]["company"].parent
    audited = CliRunner().invoke(
        app, ["audit", str(folder), "--year", "2025", "--data-dir", str(made["data"])]
    )
    assert audited.exit_code == 0, audited.output
    assert ".pdf" in audited.output and ".pptx" in audited.output


def test_every_report_of_the_release_has_its_pdf_and_deck_made_from_its_final_html(made):
    """The general report's release audit rebuilds company reports the batch had already
    printed (cells that two reports would let one subtract): their PDF and deck are made again
    from the rebuilt HTML, not left out and not left as they were."""
    stale = [
        page.with_suffix(suffix).name
        for page in made["every"]
        for suffix in (".pdf", ".pptx")
        if not page.with_suffix(suffix).exists()
        or page.with_suffix(suffix).stat().st_mtime < page.stat().st_mtime
    ]
    assert stale == []


def test_a_rebuilt_report_loses_its_stale_pdf_and_deck(made, tmp_path):
    from ksresearch.report.release import drop_other_formats

    folder = tmp_path / "2025" / "companies"
    folder.mkdir(parents=True)
    for suffix in (".html", ".pdf", ".pptx"):
        (folder / f"x{suffix}").write_text("x")
    drop_other_formats(
        {"out": str(tmp_path), "report": "companies/x.html", "parameters": {"year": 2025}}
    )
    assert sorted(p.name for p in folder.iterdir()) == ["x.html"]


def test_the_browser_leaves_no_process_and_no_profile_behind(tmp_path):
    """Each browser's own profile folder is gone after it, and no process runs with it (a
    second test worker may run a browser of its own meanwhile)."""
    import psutil

    page = tmp_path / "page.html"
    page.write_text("<h1>Rapport</h1><p>Tekst.</p>", encoding="utf-8")
    profiles = []
    for i in range(3):  # the profile was once still being written when it was removed
        with formats.Chromium() as browser:
            browser.pdf(page, tmp_path / f"page{i}.pdf", footer="Rapport")
            profiles.append(str(browser._tmp))
        assert (tmp_path / f"page{i}.pdf").stat().st_size > 0
        assert not Path(profiles[-1]).exists()
    left = [
        p.pid
        for p in psutil.process_iter(["cmdline"])
        if any(profile in a for a in p.info["cmdline"] or [] for profile in profiles)
        and p.status() != psutil.STATUS_ZOMBIE
    ]
    assert left == []


def test_a_profile_still_being_written_is_removed_once_the_writer_stops(tmp_path):
    import threading
    import time

    profile = tmp_path / "ks-chromium-x"
    stop = time.monotonic() + 0.4

    def helper() -> None:  # a browser helper writing into its profile a while longer
        i = 0
        while time.monotonic() < stop:
            try:
                (profile / "Default").mkdir(parents=True, exist_ok=True)
                (profile / "Default" / f"f{i}").write_bytes(b"x")
            except OSError:
                pass
            i += 1

    (profile / "Default").mkdir(parents=True)
    writer = threading.Thread(target=helper)
    writer.start()
    time.sleep(0.05)
    formats._remove_profile(profile)
    writer.join()
    formats._remove_profile(profile)  # what the writer made after the first removal
    assert not profile.exists()


def test_a_word_broken_after_its_hyphen_reads_whole_in_the_pdf_text(tmp_path):
    """Chromium breaks «[e-post]» after the hyphen at a line's end; the PDF's text, as the
    audit reads it, has the word whole (a clean company PDF failed the audit: its quoted
    example no longer matched the comment the rules allow). A hyphen within a line stays."""
    from pypdf import PdfReader

    page = tmp_path / "narrow.html"
    page.write_text(
        '<html><body><p style="width: 4.5em; font-size: 20px">skriv til [e-post] for '
        "detaljer</p><p>Nord-Norge og sør-vest</p></body></html>",
        encoding="utf-8",
    )
    with formats.Chromium() as browser:
        browser.pdf(page, tmp_path / "narrow.pdf")
    raw = "".join(p.extract_text() for p in PdfReader(tmp_path / "narrow.pdf").pages)
    assert "[e-\n" in raw  # the browser did break it there
    text = formats.pdf_text(tmp_path / "narrow.pdf")
    assert "[e-post]" in text and "Nord-Norge og sør-vest" in text


def test_no_pdf_page_is_its_footer_alone_or_ends_with_a_heading(made):
    """In every PDF of the release: sections go on where the last ended (no page of one
    sentence), and a heading, or the sentence under it, never ends a page: its table or
    figure comes with it."""
    for page in made["every"]:
        _pages_have_text_and_end_on_no_heading(page)


def _pages_have_text_and_end_on_no_heading(page: Path) -> None:
    import re

    from pypdf import PdfReader

    soup = BeautifulSoup(page.read_text(), "html.parser")
    headings = {" ".join(h.get_text(" ").split()) for h in soup.find_all(["h2", "h3"])}
    intro, over_figure = _under_headings(soup)
    reader = PdfReader(str(page.with_suffix(".pdf")))
    total = len(reader.pages)
    for number, p in enumerate(reader.pages, 1):
        lines = [" ".join(line.split()) for line in (p.extract_text() or "").splitlines()]
        footer = re.compile(rf" {number} / {total}$")
        body = [line for line in lines if line and not footer.search(line)]
        where = f"{page.name} page {number}"
        assert len(body) < len(lines) or not lines, f"{where} has no footer"
        assert body, f"{where} holds only its footer"
        contents = sum(line in headings for line in body) > len(body) / 2  # the headings' list
        last = max((i for i, line in enumerate(body) if line in headings), default=None)
        pictured = last is not None and body[last] in over_figure and len(p.images) > 0
        if not contents and not pictured:
            assert body[-1] not in headings, f"{where} ends with the heading {body[-1]!r}"
            if last is not None and last < len(body) - 1:
                rest = " ".join(body[last + 1 :])
                alone = intro[body[last]] and intro[body[last]].startswith(rest)
                assert not alone, f"{where} ends with {body[last]!r} and its sentence"


def _under_headings(soup) -> tuple[dict[str, str], set[str]]:
    """Heading -> the sentences right under it when something follows them in the section (a
    table, a figure, a sub-heading: what they introduce; a section of sentences alone may end
    a page), and the headings whose sentences a figure follows: a figure is a picture with no
    text of its own, so over one a heading may end the text of a page."""
    shown = []  # (heading level, or "p", or "other"; the text) of each output, in page order
    for box in soup.find_all(class_="jp-OutputArea-output"):
        heading = box.find(["h2", "h3"])
        if heading is not None:
            shown.append((heading.name, " ".join(heading.get_text(" ").split())))
        elif box.find(["table", "img"]) is not None:
            shown.append(("img" if box.find("table") is None else "other", ""))
        elif box.find("p", class_="ks-text") is not None:
            shown.append(("p", box.get_text(" ")))
    intro, over_figure = {}, set()
    for i, (kind, name) in enumerate(shown):
        if kind not in ("h2", "h3"):
            continue
        said, j = [], i + 1
        while j < len(shown) and shown[j][0] == "p":
            said.append(shown[j][1])
            j += 1
        follows = shown[j][0] if j < len(shown) else None
        if follows == "img":
            over_figure.add(name)
        ends_section = follows is None or follows == "h2" or (kind == "h3" and follows == "h3")
        intro[name] = "" if ends_section else " ".join(" ".join(said).split())
    return intro, over_figure


def _overlapping_letters(pdf_path) -> list[tuple[int, str, str]]:
    """(page, letter, letter) of letters on one line whose boxes overlap by more than a point:
    text run into other text, as table headers too wide for their column are."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines: dict[int, list] = {}
            for ch in page.chars:
                if ch["text"].strip() and ch["upright"]:  # upright headers read down, not across
                    lines.setdefault(round(ch["top"]), []).append(ch)
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
                for a, b in zip(chars, chars[1:], strict=False):
                    if b["x0"] < a["x1"] - 0.25 * a["size"]:  # more than kerning ("Tu")
                        found.append((number, a["text"], b["text"]))
    return found


def test_the_overlap_check_finds_text_run_into_text(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 2))
    fig.text(0.1, 0.5, "Svarprosent")
    fig.text(0.2, 0.5, "Virksomheter")  # starts inside the first word
    fig.text(0.1, 0.2, "Median alone")
    fig.savefig(tmp_path / "overlap.pdf")
    plt.close(fig)
    found = _overlapping_letters(tmp_path / "overlap.pdf")
    assert found and {page for page, _, _ in found} == {1}


def test_no_text_of_a_pdf_page_runs_into_other_text(made):
    """Table headers that run into each other ("SvarprosentVirksomheterMedian") are letters
    whose boxes overlap: on no page of any PDF of the release does one letter cover another."""
    found = {p.name: f for p in made["every"] if (f := _overlapping_letters(p.with_suffix(".pdf")))}
    assert found == {}


def _consultancy_template(path, width=13.333):
    """A 16:9 master whose title-only layout carries the consultancy's mark."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(width), Inches(7.5)
    only = next(layout for layout in deck.slide_layouts if layout.name == "Title Only")
    scratch = deck.slides.add_slide(only)  # a text box made on a slide, moved to the layout
    mark = scratch.shapes.add_textbox(Inches(11.5), Inches(6.9), Inches(1.5), Inches(0.4))
    mark.text_frame.text = "ACME Consulting"
    only.shapes._spTree.append(copy.deepcopy(mark._element))
    slides = deck.slides._sldIdLst
    deck.part.drop_rel(slides[0].rId)
    slides.remove(slides[0])
    deck.save(str(path))
    return path


def test_a_consultancy_template_holds_every_section_slide(tmp_path, monkeypatch):
    from pptx import Presentation

    from ksresearch.report import formats

    page = (
        "<html lang='en'><h1>Report</h1><p class='ks-text'>Intro.</p><h2>Groups</h2>"
        "<p class='ks-text'>Each group.</p><table><tr><th></th><th>Stress</th></tr>"
        "<tr><th>Team leads</th><td>7,1</td></tr></table></html>"
    )
    template = _consultancy_template(tmp_path / "acme.pptx")
    monkeypatch.setenv("KS_DECK_TEMPLATE", str(template))
    deck = Presentation(str(formats.html_to_pptx(page, tmp_path / "d.pptx")))
    sections = list(deck.slides)[1:]
    assert sections and all(
        "ACME Consulting"
        in [s.text_frame.text for s in slide.slide_layout.shapes if s.has_text_frame]
        for slide in sections
    )
    square = _consultancy_template(tmp_path / "square.pptx", width=10)
    with pytest.raises(ValueError, match="square.pptx: slides of 10.0 x 7.5 in"):
        formats.html_to_pptx(page, tmp_path / "e.pptx", template=square)
    with pytest.raises(ValueError, match="no such slide template"):
        formats.html_to_pptx(page, tmp_path / "f.pptx", template=tmp_path / "missing.pptx")


def test_the_default_deck_has_the_reports_colours_and_the_measured_font(tmp_path):
    """Without a consultancy's template, tables and titles take the HTML report's blue from
    the theme (accent 1, text 2), and the theme's fonts are the one the layout is measured
    with."""
    import re

    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from ksresearch.report.deck import DECK_FONT, THEME_COLOURS

    page = "<html lang='en'><h1>Report</h1><h2>Groups</h2><p class='ks-text'>Each.</p></html>"
    deck = Presentation(str(formats.html_to_pptx(page, tmp_path / "d.pptx")))
    theme = deck.slide_master.part.part_related_by(RT.THEME).blob.decode("utf-8")
    blue = re.search(r'<a:accent1><a:srgbClr val="(\w+)"', theme).group(1)
    assert blue == THEME_COLOURS["accent1"] == "1F5F8B"
    assert set(re.findall(r'(?:major|minor)Font><a:latin typeface="([^"]*)', theme)) == {DECK_FONT}
    title_colours = {
        c.get("val")
        for c in deck.slide_master._element.iter()
        if c.tag.endswith("schemeClr")
        and c.getparent().getparent().tag.endswith("defRPr")
        and "titleStyle" in c.getroottree().getpath(c)
    }
    assert title_colours == {"tx2"}


def test_the_hidden_sets_are_kept_with_the_release_not_with_the_data(made):
    """What the release audit hides lives beside that release's ledgers: a release made in
    another output folder from the same data hides nothing because of this one."""
    from ksresearch import config
    from ksresearch.report.ledger import SUPPRESSED_FILE, suppressed_path

    out = made["pages"]["general"].parent.parent
    assert suppressed_path(out, 2025).exists()  # this release settled leaks by hiding sets
    assert not (config.processed_dir(2025, made["data"]) / SUPPRESSED_FILE).exists()
