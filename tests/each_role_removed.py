"""Each role of the 2025 codebook removed in turn, the whole release made: the general report
and ``batch`` on a small synthetic survey, for every role. Every run must write every report.

The test suite checks the parts of this (each general section run with only the roles it
declares, :mod:`tests.test_backbone`; the company report with each of its roles removed; every
company with every role but ``company`` removed); this module runs the whole of it, which takes
about 25 s a role (11 min for the 27 roles): ``python -m tests.each_role_removed [folder]``.
It prints one line a role and exits 1 when a run failed or a report is missing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

YEAR = 2025


def run_without(role: str, base: Path, book: dict, folder: Path) -> str | None:
    """The release of ``base`` with ``role`` removed from its codebook, made in ``folder``;
    None when every report was written, else what went wrong."""
    import ksresearch as ks

    raw = folder / "raw" / str(YEAR)
    shutil.copytree(base / "raw" / str(YEAR), raw)
    kept = {**book, "roles": {r: t for r, t in book["roles"].items() if r != role}}
    (raw / "codebook.yaml").write_text(
        yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    try:
        ks.ingest(YEAR, folder)
        out = folder / "reports"
        general = ks.general_report(YEAR, lang="en", data_dir=folder, out=out)
        result = ks.batch(YEAR, data_dir=folder, out=out, workers=2)
    except Exception as exc:  # noqa: BLE001 - what failed is the finding
        return f"{type(exc).__name__}: {exc}"
    eligible = ks.eligible_companies(ks.load(YEAR, folder))
    missing = set(eligible.index[eligible["eligible"]]) - set(result.written)
    if result.failed or missing or not general.exists():
        return f"failed {result.failed}, missing {sorted(missing)}"
    return None


def main(argv: list[str]) -> int:
    import ksresearch as ks

    work = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="ks-roles-"))
    base = work / "base"
    if not base.exists():
        ks.write_synth(YEAR, seed=3, data_dir=base, n_companies=4)
    book = yaml.safe_load((base / "raw" / str(YEAR) / "codebook.yaml").read_text("utf-8"))
    failed = 0
    for role in [r for r in book["roles"] if r != "company"]:
        start = time.perf_counter()
        folder = work / role
        shutil.rmtree(folder, ignore_errors=True)
        problem = run_without(role, base, book, folder)
        failed += problem is not None
        print(f"{role}: {problem or 'every report written'} ({time.perf_counter() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
