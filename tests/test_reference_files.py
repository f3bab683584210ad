"""The R reference files are complete: every script has its JSON result with the calls and
versions, and every result is read by a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.references import HERE

SCRIPTS = sorted(p for p in HERE.glob("*.R") if not p.name.startswith("_"))


def test_there_are_reference_scripts():
    assert len(SCRIPTS) >= 5


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_each_script_has_its_result_with_calls_and_versions(script: Path):
    out = json.loads(script.with_suffix(".json").read_text(encoding="utf-8"))
    assert out["script"] == script.name
    assert out["calls"] and out["results"]
    assert "R" in out["versions"] and len(out["versions"]) >= 2
    used = "".join(p.read_text(encoding="utf-8") for p in HERE.parent.glob("test_*.py"))
    assert f'references.load("{script.stem}")' in used
