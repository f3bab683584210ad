"""A brute-force scan of a release folder, independent of the audit: the text of every file a
reader gets (HTML, PDF, PowerPoint) searched for other participants' names and for planted
personal details, by plain case-folded substring, with separators also taken out.

``python -m tests.scan_release reports/2025 --data-dir data`` scans a release (the demo's:
``make demo`` first) for every company's name in every other company's files; the test
(:mod:`tests.test_release_scan`) also plants the hostile-comment corpus and looks for its
secrets.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def file_text(path: Path) -> str:
    """What a reader of ``path`` sees, as one string."""
    from bs4 import BeautifulSoup

    from ksresearch.report import formats

    if path.suffix == ".html":
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        alt = " ".join(str(t.get(a, "")) for t in soup.find_all(True) for a in ("alt", "title"))
        return soup.get_text(" ") + " " + alt
    if path.suffix == ".pdf":
        return formats.pdf_text(path)
    if path.suffix == ".pptx":
        return formats.pptx_text(path)
    raise ValueError(f"{path}: not a published format")


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _bare(text: str) -> str:
    """Letters and digits only: "912 - 34 - 567" and "91234567" are one number."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _name_forms(name: str) -> list[str]:
    """A company's full name and its first word of five letters or more (its short name)."""
    words = [w for w in re.split(r"[\s\-]+", name) if len(w) >= 5 and w.isalpha()]
    return [name, *words[:1]]


def scan(folder: Path, companies: dict[str, str], secrets: list[str] = ()) -> list[tuple[str, str]]:
    """``(file, what)`` for every other company's name found in a company's files (by
    ``companies``: file stem -> company), any company's name in another file (the general
    report), and every secret found in any file."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".html", ".pdf", ".pptx") or "failed" in path.parts:
            continue
        text = file_text(path)
        folded, bare = _folded(text), _bare(text)
        own = companies.get(path.stem)  # the general report names none
        rest = folded.replace(own.casefold(), " ") if own else folded
        for other in companies.values():
            if own and (other == own or other.casefold() in own.casefold()):
                continue
            for form in _name_forms(other):
                if form.casefold() in rest:
                    found.append((path.name, f"names {form!r}"))
        for secret in secrets:
            if own and _folded(secret) in own.casefold():  # its own name, in its own report
                continue
            if _folded(secret) in rest or (len(_bare(secret)) >= 6 and _bare(secret) in bare):
                found.append((path.name, f"holds {secret!r}"))
    return found


def company_files(folder: Path) -> dict[str, str]:
    """``{file stem: company}`` from the release's company manifest."""
    import json

    manifest = folder / "companies" / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    return {Path(e["file"]).stem: company for company, e in entries.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    found = scan(args.folder, company_files(args.folder))
    for name, what in found:
        print(f"{name}: {what}")
    files = sum(1 for p in args.folder.rglob("*") if p.suffix in (".html", ".pdf", ".pptx"))
    print(f"{files} files scanned, {len(found)} finding(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
