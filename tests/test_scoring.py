"""Scoring against brute-force computations and the codebook's rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks


@pytest.fixture(scope="module")
def survey(synth_data):
    return ks.load(2025, synth_data)


def test_score_scales_equals_a_row_by_row_computation(survey):
    df, cb = survey.responses, survey.codebook
    scores = ks.score_scales(df, cb)
    assert list(scores.columns) == list(cb.constructs)
    for construct in ("stress", "turnover_intention", "ai_usefulness"):
        items = cb.construct_items(construct)
        for i in range(0, len(df), 97):
            answers = []
            for item in items:
                v = df[item].iloc[i]
                if pd.notna(v):
                    answers.append(6 - float(v) if cb.item(item).reverse else float(v))
            expected = (
                np.mean(answers) if len(answers) >= cb.constructs[construct].min_items else np.nan
            )
            assert scores[construct].iloc[i] == pytest.approx(expected, nan_ok=True), (construct, i)


def test_index_is_pomp(survey):
    df, cb = survey.responses, survey.codebook
    mean = ks.score_scales(df, cb, ["leadership"])
    index = ks.score_scales(df, cb, ["leadership"], index=True)
    np.testing.assert_allclose(index["leadership"], 100 * (mean["leadership"] - 1) / 4)
    assert index["leadership"].between(0, 100).all() or index["leadership"].isna().any()
    assert ks.to_index(pd.Series([1.0, 3.0, 5.0]), 1, 5).tolist() == [0.0, 50.0, 100.0]
    with pytest.raises(ValueError, match="max"):
        ks.to_index(3.0, 5, 1)


def test_reverse_keyed_items_score_in_the_construct_direction(survey):
    df, cb = survey.responses, survey.codebook
    turned = ks.reverse_items(df, cb, ["str_1", "str_3"]).dropna()
    assert turned.corr().iloc[0, 1] > 0.3  # after turning, the reverse item agrees with str_1
    assert df[["str_1", "str_3"]].astype(float).dropna().corr().iloc[0, 1] < -0.3


def test_top_box_and_enps_by_hand():
    cb = ks.load_codebook(ks.config.codebook_path(2025))
    x = pd.Series([5, 5, 4, 3, 1, np.nan], name="sat_1")
    assert ks.top_box(x, cb) == pytest.approx(3 / 5)
    assert ks.top_box(x, cb, k=1) == pytest.approx(2 / 5)
    reverse = pd.Series([1, 2, 5, 5], name="str_3")  # reverse-keyed: 1 and 2 are the top box
    assert ks.top_box(reverse, cb) == pytest.approx(0.5)
    scores = pd.Series([10, 9, 9, 8, 7, 6, 5, 0, np.nan])
    assert ks.enps(scores) == pytest.approx(100 * (3 / 8 - 3 / 8))
    assert ks.enps(pd.Series([10, 10, 6])) == pytest.approx(100 * (2 / 3 - 1 / 3))
    with pytest.raises(ValueError, match="0-10"):
        ks.enps(pd.Series([11]))
    with pytest.raises(ValueError, match="k must be"):
        ks.top_box(x, cb, k=5)


def test_item_stats_match_pandas_and_dont_know_table(survey):
    df, cb = survey.responses, survey.codebook
    stats = ks.item_stats(df, cb, ["led_1", "enps", "ai_freq"], dont_know=survey.dont_know)
    led = df["led_1"].astype(float).dropna()
    assert stats.loc["led_1", "n"] == len(led)
    assert stats.loc["led_1", "mean"] == pytest.approx(led.mean())
    assert stats.loc["led_1", "sd"] == pytest.approx(led.std())
    n_dk = int((survey.dont_know["item"] == "led_1").sum())
    assert stats.loc["led_1", "dont_know_share"] == pytest.approx(n_dk / (n_dk + len(led)))
    assert stats.loc["led_1", ["p_1", "p_2", "p_3", "p_4", "p_5"]].sum() == pytest.approx(1)
    assert stats.loc["led_1", "top2_share"] == pytest.approx((led >= 4).mean())
    assert stats.loc["enps", "dont_know_share"] == 0
    assert np.isnan(stats.loc["ai_freq", "top2_share"])  # single choice: no top box


def test_bad_input_is_named():
    cb = ks.load_codebook(ks.config.codebook_path(2025))
    with pytest.raises(
        ValueError, match=r"items of construct 'stress' not in the data: \['str_2', 'str_3'\]"
    ):
        ks.score_scales(pd.DataFrame({"str_1": [1]}), cb, ["stress"])
    with pytest.raises(KeyError, match="no construct 'moral'"):
        ks.score_scales(pd.DataFrame({"str_1": [1]}), cb, ["moral"])
