"""The measurement section on the synthetic survey: the constructs recover their true
structure, and invariance holds across years where the generator kept it and fails where
it was broken on purpose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch.data.synth import generate

CORE = [
    "motivation",
    "satisfaction",
    "culture",
    "leadership",
    "involvement",
    "development",
    "technology",
    "stress",
    "attractiveness",
    "turnover_intention",
]


@pytest.fixture(scope="module")
def cb():
    return ks.load_codebook(ks.config.codebook_path(2025))


def _items(cb, survey, constructs):
    df = survey.responses.drop_duplicates("respondent_id")
    items = [i for c in constructs for i in cb.construct_items(c)]
    return ks.reverse_items(df.replace({9: np.nan}).astype({i: float for i in items}), cb, items)


@pytest.fixture(scope="module")
def x2025(cb):
    return _items(cb, generate(2025, seed=7, n_companies=30), CORE)


def test_parallel_analysis_finds_the_ten_constructs(x2025):
    assert ks.parallel_analysis(x2025, seed=1).n_factors_ == 10


def test_efa_puts_each_construct_on_its_own_factor(cb, x2025):
    model = ks.efa(x2025, 10)
    main = model.loadings_.abs().idxmax(axis=1)
    construct = pd.Series({i: cb.item(i).construct for i in x2025.columns})
    table = pd.crosstab(construct, main)
    assert (table.gt(0).sum(axis=1) == 1).all(), table  # each construct on one factor
    assert (table.gt(0).sum(axis=0) == 1).all(), table  # each factor one construct


def test_cfa_fits_and_recovers_the_loadings(cb, x2025):
    truth = generate(2025, seed=7, n_companies=30).truth
    fit = ks.cfa(x2025, ks.model_from_codebook(cb, CORE))
    # speeders and straight-liners are left in: the fit is good, not perfect
    assert fit.fit_["cfi"] > 0.95 and fit.fit_["rmsea"] < 0.05 and fit.fit_["srmr"] < 0.05
    std = fit.loadings_.set_index("item")["std_all"]
    true = pd.Series(truth["item_loadings"])[std.index]
    # rounding to a 1-5 scale attenuates the loadings a little, in the same order
    assert np.corrcoef(std, true)[0, 1] > 0.8
    assert (std - true).abs().max() < 0.15


def test_alpha_of_every_construct_is_acceptable(cb, x2025):
    for c in CORE:
        a = ks.alpha(x2025[cb.construct_items(c)])["alpha"].iloc[0]
        assert a > 0.6, c


def _years(cb, constructs, **bias):
    a = _items(cb, generate(2024, seed=7, n_companies=30), constructs).assign(year=2024)
    b = _items(
        cb, generate(2025, seed=7, n_companies=30, item_bias=bias or None), constructs
    ).assign(year=2025)
    return pd.concat([a, b], ignore_index=True)


def test_invariance_holds_across_years_where_the_generator_kept_it(cb):
    constructs = ["involvement", "development", "stress", "leadership"]
    mi = ks.invariance(_years(cb, constructs), ks.model_from_codebook(cb, constructs), "year")
    assert mi.verdict_ == "scalar", mi.table_


def test_invariance_fails_where_item_bias_was_planted(cb):
    constructs = ["involvement", "development", "stress", "leadership"]
    data = _years(cb, constructs, inv_1=0.8, dev_2=-0.7)
    mi = ks.invariance(data, ks.model_from_codebook(cb, constructs), "year")
    assert mi.verdict_ == "metric", mi.table_
    assert mi.table_.loc["scalar", "delta_cfi"] > 0.01


def test_item_bias_must_name_likert_items():
    with pytest.raises(ValueError, match=r"not likert items of 2025: \['enps'\]"):
        generate(2025, n_companies=2, item_bias={"enps": 1.0})
