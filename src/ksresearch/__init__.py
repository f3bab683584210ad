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

try:
    __version__ = version("ksresearch")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

#: public name -> the module that defines it
_EXPORTS = {
    "AnonymityError": "anonymity",
    "protect": "anonymity",
    "benchmark": "benchmarking",
    "company_drivers": "benchmarking",
    "eligible_companies": "benchmarking",
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
    "IngestError": "ingestion",
    "Survey": "ingestion",
    "ingest": "ingestion",
    "load": "ingestion",
    "try_load": "ingestion",
    "read_export": "ingestion",
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
_MODULES = {"config", "codebook", "ingestion", "synth", "scoring", "psychometrics", "sem", "anonymity", "drivers",
            "compare", "findings", "benchmarking", "kernel", "present", "plots", "reports"}  # fmt: skip

__all__ = ["__version__", "config", *_EXPORTS]


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
