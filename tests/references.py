"""R's own results kept as files: ``tests/reference/<name>.json``, written by the R script
beside it (``make references``), with the calls and the versions of R and its packages."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent / "reference"


def load(name: str) -> dict:
    """The ``results`` of ``tests/reference/<name>.json``."""
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))["results"]


def data(name: str) -> Path:
    """A data file shared by a reference script and its test."""
    return HERE / "data" / name
