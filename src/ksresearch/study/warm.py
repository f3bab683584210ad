"""What a report kernel would otherwise make afresh for every company: made once, before the
kernels are forked (:class:`ksresearch.report.kernel.KernelServer`).

Importing this module imports the study modules every report uses; :func:`warm` fills each
survey's cache (``survey.cache``) with the tables that do not depend on the company asking.
A study module that adds such a table adds it here, and the fork server needs no change.
"""

from __future__ import annotations

import contextlib

from ..data.survey import Survey, keep_warm
from . import customers, findings, heatmaps, keyfindings, participation  # noqa: F401  (imported once)
from .benchmarking import benchmark_ranks
from .comments import code_themes, commenters, load_themes
from .measurement import year_comparability
from .prepare import prepare
from .questions import question_arrays, question_results

__all__ = ["warm"]


def warm(surveys: list[tuple[int, str | None]]) -> dict[int, Survey]:
    """Load each survey ``(year, data_dir)`` (:func:`ksresearch.data.survey.keep_warm`) and make
    what every report of it reads: the analysed sample, the benchmark ranks, the comments'
    themes, every question's table, and the comparison with the year before where both are
    given. A survey that cannot be loaded is left out: the kernels' notebooks report why.
    """
    warm = {}
    for year, data_dir in surveys:
        with contextlib.suppress(Exception):
            warm[int(year)] = keep_warm(int(year), data_dir)
    for year, survey in warm.items():
        steps = [
            prepare,
            participation.response_rates,  # the sample with the flagged responses too
            benchmark_ranks,  # every company report shows its row of the same ranks
            question_results,  # the questions' frame and who said "don't know"
            question_arrays,  # every rated row as arrays: a company's benchmark is sums
            lambda s, y=year: _themes(s, y, dict(surveys)[y]),  # every word stemmed once
        ]
        if year - 1 in warm:  # the trends' measurement check across two years
            steps.append(lambda s, y=year: year_comparability(s, warm[y - 1]))
        for step in steps:  # each on its own: a survey with no company has no ranks
            with contextlib.suppress(Exception):
                step(survey)
    return warm


def _themes(survey: Survey, year: int, data_dir: str | None) -> None:
    if survey.comments is not None:
        code_themes(survey.comments["text"], load_themes(year, data_dir))
        commenters(survey)  # each respondent's comments joined, for every company's report
