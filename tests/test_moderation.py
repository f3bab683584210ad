"""Moderation with company-clustered errors and simple slopes, against R: lm with
sandwich::vcovCL (HC1) and lmtest::coeftest on G - 1 df, and plain OLS (tests/reference/
moderation.R, its JSON result and data/moderation.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from tests import references

COLUMNS = ["estimate", "se", "t", "p", "ci_low", "ci_high"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(references.data("moderation.csv"))


def _expected(rows: list[dict]) -> dict:
    return {r["term"]: [r[k] for k in ("estimate", "se", "t", "p", "low", "high")] for r in rows}


def test_clustered_moderation_and_simple_slopes_equal_sandwich_and_lmtest(data):
    ref = references.load("moderation")
    out = ks.moderation(data, "y", "x", "w", cluster="company", covariates=["age"])
    assert out.attrs["n"] == ref["n"] and out.attrs["n_clusters"] == ref["n_clusters"]
    assert out.attrs["r2"] == pytest.approx(ref["r2"], rel=1e-10)
    for term, values in _expected(ref["clustered"]).items():
        assert out.loc[("coefficient", term), COLUMNS].to_numpy(float) == pytest.approx(
            values, rel=1e-8
        )
    slopes = out.loc["slope"]
    assert len(slopes) == 3
    for (_, row), slope in zip(slopes.iterrows(), ref["slopes"], strict=True):
        assert row[["at", "estimate", "se", "p", "ci_low", "ci_high"]].to_numpy(float) == (
            pytest.approx(
                [slope[k] for k in ("at", "estimate", "se", "p", "low", "high")], rel=1e-8
            )
        )


def test_without_clusters_it_is_ordinary_least_squares(data):
    ref = references.load("moderation")
    out = ks.moderation(data, "y", "x", "w", covariates=["age"])
    assert out.attrs["n_clusters"] is None
    for term, values in _expected(ref["ols"]).items():
        assert out.loc[("coefficient", term), COLUMNS].to_numpy(float) == pytest.approx(
            values, rel=1e-8
        )


def test_every_row_rests_on_the_complete_cases(data):
    out = ks.moderation(data, "y", "x", "w", cluster="company", at=[0.0, 4.0])
    complete = data[["y", "x", "w", "company"]].dropna().index.to_numpy()
    members = ks.members_of(out)
    assert all(np.array_equal(members[(row, None)], complete) for row in out.index)
    assert list(out.loc["slope", "at"]) == [0.0, 4.0]
    with pytest.raises(ValueError, match="numeric"):
        ks.moderation(data, "company", "x", "w")
