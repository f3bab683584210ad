"""Pairwise post-hoc comparisons against R: Tukey's HSD as base R's TukeyHSD gives it, and
Games-Howell by its formula with ptukey/qtukey (tests/reference/posthoc.R, its JSON result
and data/posthoc.csv). R's qtukey and ptukey iterate to about 1e-5 (its own documentation:
"eps = 0.0001"), so the intervals and p are compared to that precision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from tests import references


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(references.data("posthoc.csv"))


def test_tukey_equals_r_tukeyhsd(data):
    out = ks.posthoc(data, "y", "g", method="tukey")
    ref = references.load("posthoc")["tukey"]
    assert len(out) == len(ref) == 6
    for pair in ref:  # R's rows are B - A: the same pair with the sign turned
        row = out.loc[(pair["A"], pair["B"])]
        assert -row["diff"] == pytest.approx(pair["diff"], rel=1e-12)
        assert -row["ci_high"] == pytest.approx(pair["low"], rel=1e-4)
        assert -row["ci_low"] == pytest.approx(pair["high"], rel=1e-4)
        assert row["p_adj"] == pytest.approx(pair["p"], rel=1e-4, abs=1e-6)


def test_games_howell_equals_its_formula_in_r(data):
    out = ks.posthoc(data, "y", "g")
    ref = references.load("posthoc")["games_howell"]
    for pair in ref:
        row = out.loc[(pair["A"], pair["B"])]
        assert row[["diff", "se", "df"]].to_numpy(float) == pytest.approx(
            [pair["diff"], pair["se"], pair["df"]], rel=1e-10
        )
        assert row[["ci_low", "ci_high"]].to_numpy(float) == pytest.approx(
            [pair["low"], pair["high"]], rel=1e-4
        )
        assert row["p_adj"] == pytest.approx(pair["p"], rel=1e-4, abs=1e-6)
    assert out.attrs["method"] == "games-howell" and out.attrs["left_out"] == []


def test_a_group_under_the_minimum_is_left_out_and_each_pair_rests_on_its_two_groups(data):
    small = pd.concat([data, pd.DataFrame({"g": ["e"] * 3, "y": [1.0, 2.0, 3.0]})])
    small = small.reset_index(drop=True)
    out = ks.posthoc(small, "y", "g")
    assert out.attrs["left_out"] == ["e"]
    assert "e" not in set(out.index.get_level_values(0)) | set(out.index.get_level_values(1))
    who = ks.members_of(out)[(("a", "b"), None)]
    assert np.array_equal(who, small.index[small["g"].isin(["a", "b"])].to_numpy())
    with pytest.raises(ks.InsufficientDataError):
        ks.posthoc(small[small["g"].isin(["a", "e"])], "y", "g")
    with pytest.raises(ValueError, match="method"):
        ks.posthoc(data, "y", "g", method="scheffe")
