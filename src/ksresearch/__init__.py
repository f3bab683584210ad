"""ksresearch: open research toolkit for the yearly employee index of Nordic customer-service centres.

A flat public namespace, pingouin-style::

    import ksresearch as ks
    survey = ks.load(2025)
"""

from importlib.metadata import PackageNotFoundError, version

from . import config
from .codebook import Codebook, CodebookError, load_codebook
from .ingest import IngestError, Survey, ingest, load, read_export
from .psychometrics import (
    EFA,
    ParallelAnalysis,
    alpha,
    bartlett,
    efa,
    item_analysis,
    kmo,
    omega,
    parallel_analysis,
)
from .scoring import enps, item_stats, reverse_items, score_scales, to_index, top_box
from .sem import CFA, MeasurementInvariance, cfa, invariance, model_from_codebook, parse_model
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
    # scoring
    "reverse_items",
    "score_scales",
    "to_index",
    "top_box",
    "enps",
    "item_stats",
    # psychometrics
    "alpha",
    "item_analysis",
    "omega",
    "kmo",
    "bartlett",
    "ParallelAnalysis",
    "parallel_analysis",
    "EFA",
    "efa",
    "CFA",
    "cfa",
    "MeasurementInvariance",
    "invariance",
    "parse_model",
    "model_from_codebook",
]
