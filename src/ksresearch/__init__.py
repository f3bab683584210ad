"""ksresearch: open research toolkit for the yearly employee index of Nordic customer-service centres.

A flat public namespace, pingouin-style::

    import ksresearch as ks
    survey = ks.load(2025)

Names are imported on first use (PEP 562), so ``import ksresearch`` and the command line start
quickly and the Jupyter kernel launcher does not load the scientific stack.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("ksresearch")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

#: public name -> the module that defines it
_EXPORTS = {
    "AnonymityError": "anonymity",
    "protect": "anonymity",
    "benchmark": "benchmark",
    "company_drivers": "benchmark",
    "eligible_companies": "benchmark",
    "Codebook": "codebook",
    "CodebookError": "codebook",
    "load_codebook": "codebook",
    "compare_groups": "compare",
    "compare_proportions": "compare",
    "hedges_g": "compare",
    "trend": "compare",
    "DominanceAnalysis": "drivers",
    "dominance": "drivers",
    "key_drivers": "drivers",
    "logistic_drivers": "drivers",
    "priority_matrix": "drivers",
    "relative_weights": "drivers",
    "ai_adoption_by": "findings",
    "ai_association": "findings",
    "ai_use_cases": "findings",
    "ai_usefulness_by": "findings",
    "by_centre_size": "findings",
    "competence_links": "findings",
    "construct_trends": "findings",
    "education_and_involvement": "findings",
    "education_relevance": "findings",
    "item_trends": "findings",
    "response_summary": "findings",
    "reliability_by_construct": "findings",
    "structure_summary": "findings",
    "measurement_check": "findings",
    "prepare": "findings",
    "quit_intent_drivers": "findings",
    "turnover_priorities": "findings",
    "segment_summary": "findings",
    "selfservice_by_industry": "findings",
    "shift_work": "findings",
    "tracked_constructs": "findings",
    "turnover_by": "findings",
    "turnover_drivers": "findings",
    "IngestError": "ingest",
    "Survey": "ingest",
    "ingest": "ingest",
    "load": "ingest",
    "try_load": "ingest",
    "read_export": "ingest",
    "EFA": "psychometrics",
    "ParallelAnalysis": "psychometrics",
    "alpha": "psychometrics",
    "bartlett": "psychometrics",
    "efa": "psychometrics",
    "item_analysis": "psychometrics",
    "kmo": "psychometrics",
    "omega": "psychometrics",
    "parallel_analysis": "psychometrics",
    "enps": "scoring",
    "item_stats": "scoring",
    "reverse_items": "scoring",
    "score_scales": "scoring",
    "to_index": "scoring",
    "top_box": "scoring",
    "CFA": "sem",
    "MeasurementInvariance": "sem",
    "cfa": "sem",
    "invariance": "sem",
    "model_from_codebook": "sem",
    "parse_model": "sem",
    "generate": "synth",
    "write_synth": "synth",
}
_MODULES = {"config", "codebook", "ingest", "synth", "scoring", "psychometrics", "sem", "anonymity", "drivers",
            "compare", "findings", "benchmark", "kernel", "present", "plots", "reports"}  # fmt: skip

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
    "try_load",
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
    "turnover_priorities",
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
    "response_summary",
    "reliability_by_construct",
    "structure_summary",
    # benchmark
    "benchmark",
    "company_drivers",
    "eligible_companies",
]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _MODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'ksresearch' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | _MODULES)


if TYPE_CHECKING:  # for type checkers and IDEs
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
