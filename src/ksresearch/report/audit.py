"""The audit: what keeps a report from being published."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from ..stats.disclosure import min_size
from .export import company_file
from .present import COUNT_ATTRIBUTE

__all__ = ["audit_html", "audit"]


def _count(cell: str) -> int | None:
    """A count as a report prints it ("1 234", "1,234", "1234"); None for anything else ("< 5")."""
    s = cell.strip()
    if not re.fullmatch(r"\d{1,3}([\u202f\u00a0 ,.]\d{3})*|\d+", s):
        return None
    return int(re.sub(r"\D", "", s))


def _code_and_errors(soup) -> list[str]:
    problems = []
    if soup.select(".jp-InputArea-editor, .jp-InputPrompt, .highlight-ipynb"):
        problems.append("the report contains code cells")
    stderr = soup.select('[data-mime-type="application/vnd.jupyter.stderr"]')
    if stderr or "Traceback (most recent call last)" in soup.get_text(" "):
        problems.append("the report contains an error message or stderr output")
    return problems


def _count_cells(table) -> list:
    """The data cells of the columns a table lists as counts (:data:`present.COUNT_ATTRIBUTE`:
    the table helper's mark, whatever the header says)."""
    columns = {f"col{j}" for j in table.get(COUNT_ATTRIBUTE, "").split()}
    return [
        td
        for td in table.find_all("td")
        if "data" in td.get("class", []) and columns & set(td["class"])
    ]


def _small_counts(soup, m: int) -> list[str]:
    """Counts of respondents under the minimum, in the cells marked as counts."""
    problems = []
    for table in soup.find_all("table", attrs={COUNT_ATTRIBUTE: True}):
        for cell in _count_cells(table):
            value = _count(cell.get_text(" ", strip=True))
            if value is not None and value < m:
                problems.append(f"a table shows a group of {value} respondents (minimum {m})")
    return problems


def _other_companies(page: str, survey, company: str | None) -> list[str]:
    names = set(survey.responses[survey.codebook.role("company")].dropna().astype(str))
    leaked = [n for n in sorted(names) if n != company and n in page]
    if not leaked:
        return []
    return [f"the report names {len(leaked)} other compan{'y' if len(leaked) == 1 else 'ies'}"]


def _respondent_ids(text: str, survey) -> list[str]:
    ids = set(survey.responses[survey.codebook.meta.respondent_id.id].astype(str))
    shown = ids & set(re.findall(r"[A-Za-z0-9_\-]{4,}", text))
    return [f"the report shows {len(shown)} respondent id(s)"] if shown else []


def _free_text(page: str, text: str, survey) -> list[str]:
    df = survey.responses
    columns = [i.id for i in survey.codebook.items if i.type == "text"]
    answers = {
        str(a).strip() for col in columns for a in df[col].dropna() if len(str(a).strip()) >= 15
    }
    shown = [a for a in answers if a in text or html_lib.escape(a) in page]
    return [f"the report shows {len(shown)} free-text answer(s)"] if shown else []


def audit_html(
    page: str, survey, *, company: str | None = None, min_n: int | None = None
) -> list[str]:
    """Problems that keep a report from being published (an empty list: it may be kept).

    Checks: no code cells and no error tracebacks; no count of respondents below the minimum
    group size (cells marked as counts by the table helper); no company named other than
    ``company`` (the general report names none); no respondent id; no free-text answer.
    """
    from bs4 import BeautifulSoup

    m = min_size(min_n)
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()  # the stylesheet names every class: look at elements only
    text = soup.get_text(" ")
    return [
        *_code_and_errors(soup),
        *_small_counts(soup, m),
        *_other_companies(page, survey, company),
        *_respondent_ids(text, survey),
        *_free_text(page, text, survey),
    ]


def audit(
    path: str | Path,
    year: int,
    data_dir: str | Path | None = None,
    *,
    company: str | None = None,
    min_n: int | None = None,
) -> list[str]:
    """Audit a report file (see :func:`audit_html`); the company of a company report is read
    from its file name when not given."""
    from ..data.survey import load

    path = Path(path)
    survey = load(year, data_dir)
    if company is None and path.parent.name == "companies":
        by_file = {
            company_file(c): c
            for c in survey.responses[survey.codebook.role("company")].dropna().unique()
        }
        company = by_file.get(path.name)
    return audit_html(path.read_text(encoding="utf-8"), survey, company=company, min_n=min_n)
