"""The tables of the demo's published reports, as text: the yardstick that a refactoring keeps
the demo's numbers.

``python tests/demo_tables.py`` (run before the groundwork refactoring, again when the backbone added every question and the small-share rule hid shares of small groups, when the benchmark tables took simultaneous intervals with labels that follow them, and when a small company's rank table of dashes became a sentence: the only changes, checked table by table) builds the demo survey (seed 2025, 30 companies, both years) in a
temporary folder, writes the general report (nb) and three company reports, and stores every
table's cells in ``tests/reference/demo_tables.json``. The provenance table ("About this
report": run time, checksums, version) is left out: it changes with every run by design.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REFERENCE = Path(__file__).parent / "reference" / "demo_tables.json"
SEED, N_COMPANIES, YEAR = 2025, 30, 2025
#: a large company (with its own driver analysis), a middling one and a small one
COMPANIES = ["Sollinje AS", "Fjordlinje AS", "Soldata AS"]
PROVENANCE_ROWS = {"Kjørt (UTC)", "Run (UTC)"}


def extract_tables(page: str) -> list[list[list[str]]]:
    """Every table of an HTML page as rows of cell texts (whitespace folded), provenance left out."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    tables = []
    for t in soup.find_all("table"):
        rows = [
            [" ".join(c.get_text(" ", strip=True).split()) for c in tr.find_all(["th", "td"])]
            for tr in t.find_all("tr")
        ]
        if any(row and row[0] in PROVENANCE_ROWS for row in rows):
            continue
        tables.append(rows)
    return tables


def demo_tables(data: Path, companies: list[str]) -> dict[str, list]:
    """The tables of the general report (nb) and of ``companies``' reports of the demo survey
    ingested in ``data``."""
    import ksresearch as ks

    out = data / "reports"
    general = ks.general_report(YEAR, lang="nb", data_dir=data, out=out)
    result = ks.batch(YEAR, companies=companies, data_dir=data, out=out, workers=2)
    if result.failed:
        raise RuntimeError(f"company reports failed: {result.failed}")
    snapshot = {"general": extract_tables(general.read_text(encoding="utf-8"))}
    for company, path in sorted(result.written.items()):
        snapshot[company] = extract_tables(path.read_text(encoding="utf-8"))
    return snapshot


def main() -> None:
    import ksresearch as ks

    data = Path(tempfile.mkdtemp(prefix="ks-demo-"))
    for year in (2024, 2025):
        ks.write_synth(year, seed=SEED, data_dir=data, n_companies=N_COMPANIES)
        ks.ingest(year, data)
    snapshot = demo_tables(data, sys.argv[1:] or COMPANIES)
    REFERENCE.write_text(
        json.dumps(snapshot, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    print(REFERENCE, {k: len(v) for k, v in snapshot.items()})


if __name__ == "__main__":
    main()
