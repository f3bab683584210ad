"""ks.plot: the exploration figures, in the notebook's language, with the numbers they show."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import semopy  # noqa: E402

import ksresearch as ks  # noqa: E402


@pytest.fixture(autouse=True)
def english():
    ks.plot.set_language("en")
    yield
    ks.plot.set_language("en")
    plt.close("all")


def test_the_path_diagram_shows_each_standardised_loading_and_correlation():
    hs = semopy.examples.holzinger39.get_data()
    fit = ks.cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9")
    shown = {t.get_text() for t in ks.plot.path(fit).axes[0].texts}
    assert {f"{v:.2f}" for v in fit.loadings_["std_all"]} <= shown
    corr = fit.factor_correlations_
    assert f"{corr.loc['visual', 'textual']:.2f}" in shown and {"x1", "visual"} <= shown


def test_the_language_is_the_sessions_and_a_report_sets_its_own(demo_data):
    data = pd.DataFrame({"q1": [1, 2, 2, 5, 4], "q2": [5, 5, 4, 3, 1]})
    assert ks.plot.items(data).axes[0].get_xlabel() == "Share of answers (%)"
    ks.plot.set_language("nb")
    assert ks.plot.items(data).axes[0].get_xlabel() == "Andel av svarene (%)"
    assert ks.plot.items(data, lang="en").axes[0].get_xlabel() == "Share of answers (%)"
    ks.plot.set_language("en")
    ks.Section(2025, "nb", data_dir=demo_data)
    assert ks.plot.language() == "nb"
    with pytest.raises(ValueError, match="lang must be one of"):
        ks.plot.set_language("de")


def test_the_item_bars_are_the_shares_of_the_answers():
    data = pd.DataFrame({"q1": [1, 1, 2, 2, np.nan], "q2": [2, 2, 2, 2, 2]})
    ax = ks.plot.items(data).axes[0]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches if p.get_width() > 0)
    assert widths == [50.0, 50.0, 100.0]  # q1: half 1, half 2 (the missing left out); q2: all 2


def test_scree_and_heatmap_draw_what_the_analyses_give(demo_data):
    survey = ks.load(2025, demo_data)
    items = ks.prepare(survey, items=True)[
        [i for c in ("stress", "culture") for i in survey.codebook.construct_items(c)]
    ]
    pa = ks.parallel_analysis(items, n_iter=5)
    line = ks.plot.scree(pa).axes[0].lines[0]
    assert np.allclose(line.get_ydata(), pa.eigenvalues_["pc_observed"])
    table = ks.segment_heatmap(survey, ["job_role"])
    ax = ks.plot.heatmap(table).axes[0]
    shown = [t.get_text() for t in ax.texts]
    assert shown == [f"{v:.1f}" for v in table.to_numpy().ravel() if np.isfinite(v)]
