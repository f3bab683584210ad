"""Small groups disclose nothing: a share of a group under MIN_SHARE_N is hidden whatever its
value (in a table and in a figure), a response rate is not a share of answers, the KPI figure
has no point per company, and "About" states the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch.stats.disclosure import Members


@pytest.fixture(scope="module")
def section(synth_data):
    return ks.Section(2025, "en", 5, synth_data)


def _shares() -> pd.DataFrame:
    """Three groups: 6 who all agree, 9 of whom none does, 40 split; the members of each
    share recorded as an analysis records them."""
    table = pd.DataFrame(
        {"n": [6, 9, 40], "share": [1.0, 0.0, 0.45], "mean": [80.0, 20.0, 55.0]},
        index=["a", "b", "c"],
    )
    members = Members()
    start = 0
    for row, n in zip(table.index, table["n"], strict=True):
        members.add(row, "share", np.arange(start, start + n), "agree")
        members.add(row, None, np.arange(start, start + n))  # the count and the mean
        start += n
    table.attrs["members"] = members
    return table


def _cells(styler) -> list[list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(styler.to_html(), "html.parser")
    return [[td.get_text() for td in tr.find_all("td")] for tr in soup.find("tbody")("tr")]


def test_a_share_of_a_group_under_ten_is_hidden_whatever_its_value(section):
    styler = section.table(_shares(), columns=["n", "share", "mean"], percent=["share"])
    assert _cells(styler) == [["6", "–", "80.0"], ["9", "–", "20.0"], ["40", "45.0%", "55.0"]]
    caption = styler.caption or ""
    assert "at least 10" in caption


def test_a_response_rate_is_not_a_share_of_answers(section):
    table = _shares()
    styler = section.table(table, columns=["n", "share"], percent=["share"], shares=[])
    assert _cells(styler)[0][1] != "–"


def test_a_figure_leaves_out_the_share_of_a_small_group(section):
    import matplotlib.pyplot as plt

    fig = section.bar_ci(_shares(), "share", percent=True)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plt.close(fig)
    assert labels == ["c"]


def test_the_share_rule_is_in_about(section):
    about = section.provenance({"year": 2025})
    text = " ".join(about.data.astype(str).to_numpy().ravel())
    assert "every share" in text and "at least 10" in text


def test_the_kpi_figure_has_no_point_per_company(synth_data):
    survey = ks.load(2025, synth_data)
    scores = ks.company_scores(survey)
    kpi = survey.kpis.columns.drop("company")[0]
    given = scores.dropna(subset=["stress", kpi])
    if len(given) < ks.study.customers.MIN_BAND_COMPANIES:
        with pytest.raises(ks.InsufficientDataError):
            ks.kpi_bands(scores, "stress", kpi)
        return
    bands = ks.kpi_bands(scores, "stress", kpi)
    assert (bands["n_companies"] >= ks.config.MIN_COMPANIES).all()
    assert bands["n_companies"].sum() == len(given)
    ordered = given.sort_values(kpi, kind="stable")
    first = ordered.iloc[: bands.at[1, "n_companies"]]
    assert bands.at[1, "x"] == pytest.approx(first["stress"].mean())
    assert bands.at[1, "y"] == pytest.approx(first[kpi].mean())
    assert bands["y"].is_monotonic_increasing


def test_fewer_than_ten_companies_give_no_kpi_figure():
    scores = pd.DataFrame({"n": 20, "a": range(9), "k": range(9)}, index=list("abcdefghi"))
    with pytest.raises(ks.InsufficientDataError, match="at least 10"):
        ks.kpi_bands(scores, "a", "k")


def test_a_share_goes_with_its_count_when_the_release_hides_the_count(section):
    """ "Kundene – 20,7 %" beside a known total gave the hidden count back (47 / 34,8 % x
    20,7 % = 28): where the release audit hides a row's count, its shares go too."""
    from ksresearch.report.ledger import encode_members, fingerprint

    table = _shares().iloc[[2]].assign(n_commenters=40)
    members = table.attrs["members"]
    members.add("c", "n_commenters", np.arange(15, 55), "commenters")
    hidden = fingerprint(encode_members(members[("c", "n_commenters")]))
    section._hidden = {hidden}
    try:
        styler = section.table(table, columns=["n_commenters", "share"], percent=["share"])
    finally:
        section._hidden = set()
    assert _cells(styler) == [["–", "–"]]
