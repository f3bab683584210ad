"""ksresearch: open research toolkit for the yearly employee index of Nordic customer-service centres.

A flat public namespace, pingouin-style::

    import ksresearch as ks
    survey = ks.load(2025)
"""

from importlib.metadata import PackageNotFoundError, version

from . import config
from .anonymity import AnonymityError, protect
from .benchmark import benchmark, company_drivers, eligible_companies
from .codebook import Codebook, CodebookError, load_codebook
from .compare import compare_groups, compare_proportions, hedges_g, trend
from .drivers import (
    DominanceAnalysis,
    dominance,
    key_drivers,
    logistic_drivers,
    priority_matrix,
    relative_weights,
)
from .findings import (
    ai_adoption_by,
    ai_association,
    ai_use_cases,
    ai_usefulness_by,
    by_centre_size,
    competence_links,
    construct_trends,
    education_and_involvement,
    education_relevance,
    item_trends,
    measurement_check,
    prepare,
    quit_intent_drivers,
    segment_summary,
    selfservice_by_industry,
    shift_work,
    tracked_constructs,
    turnover_by,
    turnover_drivers,
)
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
    # anonymity
    "AnonymityError",
    "protect",
    # drivers
    "DominanceAnalysis",
    "dominance",
    "relative_weights",
    "key_drivers",
    "logistic_drivers",
    "priority_matrix",
    # comparisons
    "hedges_g",
    "compare_groups",
    "compare_proportions",
    "trend",
    # findings
    "prepare",
    "tracked_constructs",
    "segment_summary",
    "turnover_by",
    "turnover_drivers",
    "quit_intent_drivers",
    "education_and_involvement",
    "ai_adoption_by",
    "ai_use_cases",
    "ai_usefulness_by",
    "ai_association",
    "education_relevance",
    "competence_links",
    "shift_work",
    "selfservice_by_industry",
    "by_centre_size",
    "measurement_check",
    "construct_trends",
    "item_trends",
    # benchmark
    "benchmark",
    "company_drivers",
    "eligible_companies",
]
