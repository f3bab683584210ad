"""Any measures by one segment in one call (the researcher's "AI use and satisfaction by
centre size"), checked by hand against the analysed respondents."""

from __future__ import annotations

import pandas as pd
import pytest

import ksresearch as ks


@pytest.fixture(scope="module")
def survey(demo_data):
    return ks.load(2025, demo_data)


def test_ai_use_and_satisfaction_by_centre_size_by_hand(survey):
    cb = survey.codebook
    table = ks.by_segment(survey, "centre_size", ["ai_user", "satisfaction"])
    df = ks.prepare(survey)
    size = cb.role("centre_size")
    shown = table[table["suppressed"] == ""]
    assert len(shown) >= 2
    for level, row in shown.iterrows():
        here = df[df[size] == level]
        assert row["ai_user"] == pytest.approx(here[cb.role("ai_user")].mean())
        assert row["satisfaction"] == pytest.approx(here["satisfaction_index"].mean())
        assert row["n"] == len(here)
    assert ks.members_of(table) is not None


def test_measures_are_constructs_roles_or_columns(survey):
    default = ks.by_segment(survey, "industry")
    constructs = ks.tracked_constructs(survey.codebook)
    assert constructs == [c for c in default.columns if c in constructs]
    with pytest.raises(ValueError, match="neither a construct, a role nor a column"):
        ks.by_segment(survey, "industry", ["no_such_thing"])
    weighted = ks.by_segment(survey, "industry", ["ai_weekly"], weighting="company")
    assert weighted.attrs["weighting"] == "company"
    assert isinstance(weighted, pd.DataFrame)
