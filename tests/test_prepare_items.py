"""prepare(survey, items=True): the items and the scores of exactly the analysed respondents,
and how many responses the quality flags left out."""

from __future__ import annotations

import numpy as np
import pytest

import ksresearch as ks


@pytest.fixture(scope="module")
def survey(demo_data):
    return ks.load(2025, demo_data)


def test_items_rest_on_the_analysed_respondents_and_give_their_scores(survey):
    cb = survey.codebook
    df = ks.prepare(survey, items=True)
    scores = ks.prepare(survey)
    assert df.index.equals(scores.index)
    construct = next(iter(cb.constructs))
    items = cb.construct_items(construct)
    assert set(items) <= set(df.columns)
    by_hand = ks.score_scales(df[items], cb)[construct]
    assert np.allclose(by_hand, df[construct], equal_nan=True)
    stats = ks.item_stats(df[items], cb)
    assert (stats["n"] <= len(scores)).all() and stats["n"].max() > 0.9 * len(scores)


def test_the_responses_left_out_are_counted_by_flag(survey):
    df = ks.prepare(survey)
    left = df.attrs["left_out"]
    flagged = survey.responses[[f"qc_{f}" for f in left]].astype(bool).any(axis=1).sum()
    assert df.attrs["n_responses"] - len(df) == flagged
    assert sum(left.values()) >= flagged > 0
    everyone = ks.prepare(survey, exclude_flagged=False)
    assert everyone.attrs["left_out"] == {} and len(everyone) == df.attrs["n_responses"]
