"""ksresearch: open research toolkit for the yearly employee index of Nordic customer-service centres.

A flat public namespace, pingouin-style::

    import ksresearch as ks
    survey = ks.load(2025)

Four layers underneath, importing only downward: ``data`` (codebook, readers, ingestion, synth,
``Survey``) -> ``stats`` (general statistics on any DataFrame) -> ``study`` (the KS study, found
through the codebook's roles) -> ``report`` (texts, tables, figures, notebooks, export, audit).

Names are imported on first use (PEP 562), so ``import ksresearch`` and the command line start
quickly and the Jupyter kernel launcher does not load the scientific stack.
"""

import importlib as _importlib

#: module -> the public names it defines
_BY_MODULE = {
    "data.codebook": ["Codebook", "CodebookError", "load_codebook"],
    "data.ingestion": ["CheckResult", "IngestError", "check_export", "ingest", "read_export"],
    "data.draft": ["Draft", "DraftError", "draft_codebook"],
    "data.survey": ["Survey", "load", "try_load"],
    "data.redact": ["Redacted", "redact"],
    "data.headcounts": ["read_headcounts"],
    "data.synth": ["example_survey", "generate", "write_synth"],
    "stats.disclosure": [
        "AnonymityError",
        "InsufficientDataError",
        "Members",
        "members_of",
        "owners_rule",
        "protect",
        "renamed",
        "stacked",
        "transposed",
    ],
    "stats.correlation": ["corr_matrix"],
    "stats.posthoc": ["posthoc"],
    "stats.moderation": ["moderation"],
    "stats.scoring": ["enps", "item_stats", "reverse_items", "score_scales", "to_index", "top_box"],
    "stats.psychometrics": [
        "EFA",
        "ParallelAnalysis",
        "alpha",
        "bartlett",
        "efa",
        "item_analysis",
        "kmo",
        "omega",
        "parallel_analysis",
    ],
    "stats.ordinal": ["OrdinalMoments", "Polychoric", "ordinal_moments", "polychoric"],
    "stats.sem": [
        "CFA",
        "MeasurementInvariance",
        "cfa",
        "compare_models",
        "modification_indices",
        "invariance",
        "model_from_codebook",
        "parse_model",
    ],
    "stats.weighting": ["design_effect", "effective_n", "rake", "weighted_mean"],
    "stats.multilevel": ["icc"],
    "stats.drivers": [
        "DominanceAnalysis",
        "dominance",
        "key_drivers",
        "logistic_drivers",
        "priority_matrix",
        "relative_weights",
    ],
    "stats.compare": ["compare_groups", "compare_proportions", "hedges_g", "trend"],
    "study.prepare": ["prepare", "tracked_constructs"],
    "study.findings": [
        "by_segment",
        "ai_adoption_by",
        "ai_association",
        "ai_use_cases",
        "ai_usefulness_by",
        "by_centre_size",
        "competence_links",
        "education_and_involvement",
        "education_relevance",
        "quit_intent_drivers",
        "segment_summary",
        "selfservice_by_industry",
        "shift_work",
        "turnover_by",
        "turnover_drivers",
        "turnover_priorities",
    ],
    "study.comments": [
        "Themes",
        "code_themes",
        "comment_themes_by",
        "comments",
        "load_themes",
        "suggest_themes",
    ],
    "study.participation": [
        "check_weighting",
        "response_rate_summary",
        "response_rates",
        "survey_weights",
        "weighting_summary",
    ],
    "study.measurement": [
        "comparable_years",
        "company_trends",
        "construct_trends",
        "year_comparability",
        "dont_know_by_construct",
        "exclusion_sensitivity",
        "item_trends",
        "measurement_check",
        "reliability_by_construct",
        "response_summary",
        "structure_summary",
    ],
    "study.benchmarking": ["benchmark", "benchmark_ranks", "company_drivers", "eligible_companies"],
    "study.keyfindings": ["company_key_findings", "general_key_findings"],
    "study.heatmaps": ["segment_heatmap"],
    "study.questions": [
        "answer_bands",
        "choice_results",
        "focus_areas",
        "numeric_results",
        "outcome_drivers",
        "outcome_measure",
        "question_benchmark",
        "question_results",
    ],
    "study.customers": [
        "company_kpis",
        "company_scores",
        "kpi_bands",
        "kpi_correlations",
        "kpi_matrix",
    ],
    "report.section": ["Section"],
    "report.execute": ["ReportError"],
    "report.publish": ["general_report", "batch", "audit_release"],
    "report.batch": ["BatchResult"],
    "report.audit": ["audit", "audit_html"],
    "report.release": ["check_release", "ReleaseResult"],
    "report.export": ["company_file"],
}
_EXPORTS = {name: module for module, names in _BY_MODULE.items() for name in names}
_MODULES = {"config", "data", "stats", "study", "report", "cli"}
#: modules of a layer reached from the top: ``ks.plot`` is ``ksresearch.report.plot``
_SHORTCUTS = {"plot": "report.plot"}

__all__ = ["__version__", "config", *_EXPORTS]


def _package_version() -> str:
    """The installed version (read on first use: importlib.metadata costs a kernel launcher, which
    imports this package, a twentieth of a second)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ksresearch")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0+unknown"


def __getattr__(name: str) -> object:
    if name == "__version__":
        value = _package_version()
    elif name in _EXPORTS:
        value = getattr(_importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _MODULES:
        value = _importlib.import_module(f".{name}", __name__)
    elif name in _SHORTCUTS:
        value = _importlib.import_module(f".{_SHORTCUTS[name]}", __name__)
    else:
        raise AttributeError(f"module 'ksresearch' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | _MODULES | set(_SHORTCUTS))
