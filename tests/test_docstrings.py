"""Every public ``ks.*`` name is documented as pingouin documents its functions: numpy
sections ``Parameters`` (where it takes any), ``Returns`` (a function) and ``Examples`` with
a doctest (run by the test suite), which the documentation site renders.

``STILL_TO_DOCUMENT`` lists the names whose docstrings lack a section today (issue 27): it
may only shrink. A new public name without the sections fails, and so does a listed name
that is now documented (take it off the list)."""

from __future__ import annotations

import inspect

import ksresearch as ks

STILL_TO_DOCUMENT: frozenset[str] = frozenset(
    {
        "BatchResult",
        "CheckResult",
        "Codebook",
        "Draft",
        "Redacted",
        "ReleaseResult",
        "Survey",
        "Themes",
        "ai_adoption_by",
        "ai_association",
        "ai_use_cases",
        "ai_usefulness_by",
        "answer_bands",
        "audit",
        "audit_html",
        "audit_release",
        "batch",
        "benchmark",
        "benchmark_ranks",
        "by_centre_size",
        "check_export",
        "check_release",
        "check_weighting",
        "choice_results",
        "code_themes",
        "comment_themes_by",
        "comments",
        "company_drivers",
        "company_file",
        "company_key_findings",
        "company_kpis",
        "company_scores",
        "company_trends",
        "comparable_years",
        "competence_links",
        "construct_trends",
        "dont_know_by_construct",
        "draft_codebook",
        "education_and_involvement",
        "education_relevance",
        "eligible_companies",
        "exclusion_sensitivity",
        "focus_areas",
        "general_key_findings",
        "general_report",
        "ingest",
        "item_trends",
        "kpi_correlations",
        "kpi_matrix",
        "load_themes",
        "measurement_check",
        "numeric_results",
        "outcome_drivers",
        "outcome_measure",
        "prepare",
        "question_benchmark",
        "quit_intent_drivers",
        "read_export",
        "read_headcounts",
        "redact",
        "reliability_by_construct",
        "response_rate_summary",
        "response_rates",
        "response_summary",
        "segment_heatmap",
        "segment_summary",
        "selfservice_by_industry",
        "shift_work",
        "structure_summary",
        "suggest_themes",
        "survey_weights",
        "tracked_constructs",
        "try_load",
        "turnover_by",
        "turnover_drivers",
        "turnover_priorities",
        "weighting_summary",
        "write_synth",
        "year_comparability",
    }
)


def _sections(doc: str) -> set[str]:
    lines = doc.splitlines()
    return {a.strip() for a, b in zip(lines, lines[1:], strict=False)
            if b.strip() and set(b.strip()) == {"-"} and len(b.strip()) >= 3}  # fmt: skip


def _missing(obj: object) -> list[str]:
    """The sections ``obj``'s docstring lacks (an exception needs only a docstring)."""
    doc = inspect.getdoc(obj) or ""
    if isinstance(obj, type) and issubclass(obj, Exception):
        return [] if doc else ["a docstring"]
    have, need = _sections(doc), []
    try:
        takes = [p for p in inspect.signature(obj).parameters.values() if p.name != "self"]
    except (TypeError, ValueError):
        takes = []
    if takes and "Parameters" not in have:
        need.append("Parameters")
    if not isinstance(obj, type) and "Returns" not in have:
        need.append("Returns")
    if "Examples" not in have or ">>>" not in doc.split("Examples", 1)[-1]:
        need.append("Examples")
    return need


def _public() -> dict[str, object]:
    return {n: getattr(ks, n) for n in ks.__all__ if n not in ("__version__", "config")}


def test_every_public_name_documents_parameters_returns_and_an_example():
    missing = {name: _missing(obj) for name, obj in _public().items()}
    undocumented = {name for name, need in missing.items() if need}
    new = sorted(undocumented - STILL_TO_DOCUMENT)
    assert not new, "document " + "; ".join(f"{n}: {', '.join(missing[n])}" for n in new)
    done = sorted(STILL_TO_DOCUMENT - undocumented)
    assert not done, f"documented now, take off STILL_TO_DOCUMENT: {done}"


def test_the_check_finds_a_missing_section():
    def documented(x: int) -> int:
        """Twice x.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int

        Examples
        --------
        >>> documented(2)
        4
        """
        return 2 * x

    def bare(x: int) -> int:
        """Twice x."""
        return 2 * x

    assert _missing(documented) == []
    assert _missing(bare) == ["Parameters", "Returns", "Examples"]
    assert _missing(ks.InsufficientDataError) == []
