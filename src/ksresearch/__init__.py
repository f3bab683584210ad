"""ksresearch: open research toolkit for the yearly employee index of Nordic customer-service centres.

A flat public namespace, pingouin-style::

    import ksresearch as ks
    survey = ks.load(2025)
"""

from importlib.metadata import PackageNotFoundError, version

from . import config
from .codebook import Codebook, CodebookError, load_codebook
from .ingest import IngestError, Survey, ingest, load, read_export
from .synth import generate, write_synth

try:
    __version__ = version("ksresearch")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "config",
    "Codebook",
    "CodebookError",
    "load_codebook",
    "IngestError",
    "Survey",
    "ingest",
    "load",
    "read_export",
    "generate",
    "write_synth",
]
