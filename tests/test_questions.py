"""The backbone's numbers, each against a brute-force count on the analysed answers: themes and
questions (index, favourable / neutral / unfavourable, "don't know", eNPS), choice shares,
numeric quartiles (R's quantile type 7), a company against all others (the simultaneous
interval and a label that never contradicts it) and the focus areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

import ksresearch as ks
from ksresearch.stats.benchmark import clustered_mean_se
from ksresearch.study.prepare import kept


@pytest.fixture(scope="module")
def survey(synth_data):
    return ks.load(2025, synth_data)


@pytest.fixture(scope="module")
def answers(survey) -> pd.DataFrame:
    """The analysed respondents' answers, keyed as ks.prepare keys them."""
    return kept(survey).set_axis(ks.prepare(survey).index)


def _codebook(**changes) -> ks.data.codebook.Codebook:
    data = yaml.safe_load(ks.config.codebook_path(2025).read_text(encoding="utf-8"))
    for path, value in changes.items():
        node = data
        *head, last = path.split(".")
        for key in head:
            node = node[key]
        node[last] = value
    return ks.data.codebook.Codebook.model_validate(data)


def test_answer_bands_follow_the_scale():
    cb = _codebook()
    assert ks.answer_bands(cb, "mot_1") == ([4, 5], [1, 2])
    assert ks.answer_bands(cb, "enps") == ([9, 10], [0, 1, 2, 3, 4, 5, 6])
    for points, good in (
        (4, [3, 4]),
        (6, [5, 6]),
        (7, [6, 7]),
        (3, [3]),
        (11, [10, 11]),
        (15, [13, 14, 15]),
    ):
        data = yaml.safe_load(ks.config.codebook_path(2025).read_text(encoding="utf-8"))
        data["scales"]["wide"] = {"min": 1, "max": points}
        text = {"nb": "Ekstra", "en": "Extra"}
        data["items"].append({"id": "extra", "type": "likert", "scale": "wide", "text": text})
        cb = ks.data.codebook.Codebook.model_validate(data)
        assert ks.answer_bands(cb, "extra")[0] == good, points
    cb = _codebook(**{"scales.agree5.favourable": [5]})
    assert ks.answer_bands(cb, "mot_1") == ([5], [1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scales.agree5.favourable": [6]}, "not on the scale"),
        ({"scales.agree5.favourable": [3, 4, 5]}, "more than half"),
        ({"roles.outcome": "company"}, "neither a construct nor"),
    ],
)
def test_a_wrong_favourable_or_outcome_is_refused(change, message):
    with pytest.raises(ValueError, match=message):
        _codebook(**change)


def test_a_question_by_hand(survey, answers):
    table = ks.question_results(survey)
    x = answers["mot_1"].astype(float).dropna()
    row = table.loc["mot_1"]
    assert row["n"] == len(x) and row["theme"] == "motivation"
    assert row["index"] == pytest.approx(100 * (x.mean() - 1) / 4)
    assert row["favourable"] == pytest.approx((x >= 4).mean())
    assert row["unfavourable"] == pytest.approx((x <= 2).mean())
    assert row["neutral"] == pytest.approx((x == 3).mean())


def test_agreeing_with_a_stress_question_is_unfavourable_unless_it_is_reverse_worded(
    survey, answers
):
    table = ks.question_results(survey)
    plain, turned = answers["str_1"].astype(float).dropna(), answers["str_3"].astype(float).dropna()
    assert table.at["str_1", "favourable"] == pytest.approx((plain <= 2).mean())  # stress: low
    assert table.at["str_3", "favourable"] == pytest.approx((turned >= 4).mean())  # reversed
    assert table.at["str_3", "index"] == pytest.approx(100 * (5 - turned.mean()) / 4)


def test_a_theme_pools_the_answers_of_its_questions(survey, answers):
    table = ks.question_results(survey)
    df = ks.prepare(survey)
    scored = df.index[df["motivation_index"].notna()]
    pooled = answers.loc[scored, ["mot_1", "mot_2", "mot_3"]].astype(float).stack().dropna()
    row = table.loc["motivation"]
    assert row["n"] == len(scored) and row["kind"] == "construct"
    assert row["favourable"] == pytest.approx((pooled >= 4).mean())
    assert row["index"] == pytest.approx(df["motivation_index"].mean())
    order = list(table.index)
    assert order[order.index("motivation") + 1 : order.index("motivation") + 4] == [
        "mot_1",
        "mot_2",
        "mot_3",
    ]  # the questions beneath their theme, in the questionnaire's order


def test_dont_know_and_enps_by_hand(survey, answers):
    table = ks.question_results(survey)
    ids = answers[survey.codebook.meta.respondent_id.id].astype(str)
    said = survey.dont_know.loc[survey.dont_know["item"] == "led_1", "respondent_id"]
    n_dk = int(ids.isin(said.astype(str)).sum())
    n = int(answers["led_1"].notna().sum())
    assert n_dk > 0 and table.at["led_1", "dont_know"] == pytest.approx(n_dk / (n_dk + n))
    assert np.isnan(table.at["enps", "dont_know"])  # no "don't know" on its scale
    e = answers["enps"].astype(float).dropna()
    assert table.at["enps", "enps"] == pytest.approx(100 * ((e >= 9).mean() - (e <= 6).mean()))
    assert table.at["enps", "kind"] == "nps"


def test_every_rating_question_of_the_codebook_has_a_row(survey):
    table = ks.question_results(survey)
    rated = set(survey.codebook.items_of_type("likert", "nps"))
    assert rated | set(survey.codebook.constructs) == set(table.index)


def test_a_company_under_the_minimum_for_a_question_shows_its_count_only(survey):
    eligible = ks.eligible_companies(survey)
    company = eligible.index[eligible["eligible"]][0]
    table = ks.question_results(survey, company=company, min_group_size=10_000)
    assert table[["index", "favourable", "mean"]].isna().all().all() and (table["n"] > 0).all()


def test_choice_shares_by_hand(survey, answers):
    table = ks.choice_results(survey)
    x = answers["ai_freq"].astype(float).dropna()
    for code in range(1, 6):
        assert table.at[("ai_freq", code), "share"] == pytest.approx((x == code).mean())
    options = [c for c in answers.columns if c.startswith("ai_use_")]
    chosen = answers[options].astype(float).dropna(how="all")
    assert table.at[("ai_use", 2), "n"] == len(chosen)
    assert table.at[("ai_use", 2), "share"] == pytest.approx((chosen["ai_use_2"] > 0).mean())


def test_numeric_quartiles_are_r_type_7(survey, answers):
    table = ks.numeric_results(survey)
    x = answers["hours_week"].astype(float).dropna().to_numpy()
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])  # numpy's linear = R's type 7
    assert table.loc["hours_week", ["q1", "median", "q3"]].tolist() == pytest.approx(
        [q1, median, q3]
    )


@pytest.fixture(scope="module")
def large(demo_data):
    survey = ks.load(2025, demo_data)
    company = ks.eligible_companies(survey).sort_values("n").index[-1]
    return survey, company, ks.question_benchmark(survey, company)


def test_a_company_against_all_others_by_hand(large):
    survey, company, bench = large
    df = ks.prepare(survey)
    key = survey.codebook.role("company")
    own, others = df[df[key] == company], df[df[key] != company]
    y, p = own["involvement_index"].dropna(), others["involvement_index"].dropna()
    se = np.hypot(
        y.std(ddof=1) / np.sqrt(len(y)),
        clustered_mean_se(p.to_numpy(), others.loc[p.index, key].to_numpy()),
    )
    row = bench.loc["involvement"]
    assert row["diff"] == pytest.approx(y.mean() - p.mean())
    k = bench.attrs["tests"]
    z = stats.norm.ppf(1 - 0.05 / (2 * k))
    assert row["diff_low"] == pytest.approx(row["diff"] - z * se)
    assert row["p_adj"] == pytest.approx(min(1.0, k * 2 * stats.norm.sf(abs(row["diff"]) / se)))


def test_a_verdict_never_contradicts_the_interval_beside_it(large):
    _, _, bench = large
    tested = bench[bench["diff"].notna()]
    outside = (tested["diff_low"] > 0) | (tested["diff_high"] < 0)
    labelled = tested["assessment"].isin(["strength", "weakness"])
    assert (labelled == (outside & (tested["diff"].abs() >= ks.config.MIN_BENCHMARK_DIFF))).all()
    assert labelled.any() and (~labelled).any()  # the demo's large company has both


def test_focus_areas_are_weaknesses_that_go_most_with_the_outcome(large):
    survey, _, bench = large
    focus = ks.focus_areas(survey, bench)
    assert focus.attrs["outcome"] == survey.codebook.role("turnover_intention")
    assert len(focus) <= ks.study.questions.MAX_FOCUS_AREAS
    assert (bench.loc[focus.index, "assessment"] == "weakness").all()
    assert list(focus["rho"].abs()) == sorted(focus["rho"].abs(), reverse=True)
    if not focus.empty:
        first = focus.index[0]
        df = ks.prepare(survey)
        scores = ks.study.questions._scores(survey, ks.study.questions._frame(survey, None), first)
        pair = pd.concat([scores, df["turnover_intention_index"]], axis=1).dropna()
        rho = stats.spearmanr(pair.iloc[:, 0], pair.iloc[:, 1]).statistic
        assert focus.at[first, "rho"] == pytest.approx(rho)
        weak = bench[(bench["assessment"] == "weakness") & (bench.index != focus.attrs["outcome"])]
        assert len(focus) == min(5, len(weak)) or focus["kind"].eq("construct").any()


def test_the_outcome_falls_back_and_says_why():
    cb = _codebook()
    assert ks.outcome_measure(cb) == ("turnover_intention", "turnover_intention")
    assert ks.outcome_measure(_codebook(**{"roles.outcome": "motivation"})) == (
        "motivation",
        "outcome",
    )
    no_turnover = _codebook(**{"roles.turnover_intention": None})
    assert ks.outcome_measure(no_turnover) == ("enps", "enps")
    neither = _codebook(**{"roles.turnover_intention": None, "roles.enps": None})
    assert ks.outcome_measure(neither) == ("enps", "enps")  # the first nps item, by its type


def test_what_goes_with_the_outcome_weighs_the_other_themes(survey):
    found = ks.outcome_drivers(survey)
    assert found.attrs["outcome"] == "turnover_intention"
    assert "turnover_intention" not in found.index
    assert set(found.index) == {c for c in survey.codebook.constructs if c != "turnover_intention"}
    assert found["share"].sum() == pytest.approx(1.0)
    df = ks.prepare(survey)
    by_hand = ks.key_drivers(df, "turnover_intention_index", [f"{c}_index" for c in found.index])
    assert found["general_dominance"].to_numpy() == pytest.approx(
        by_hand["general_dominance"].reindex([f"{c}_index" for c in found.index]).to_numpy()
    )


def test_an_item_outcome_never_has_its_own_theme_as_a_driver(survey):
    data = yaml.safe_load(ks.config.codebook_path(2025).read_text(encoding="utf-8"))
    data["roles"]["outcome"] = "mot_1"
    survey_mot = ks.data.survey.Survey.__new__(ks.data.survey.Survey)
    survey_mot.__dict__.update(survey.__dict__)
    survey_mot.codebook = ks.data.codebook.Codebook.model_validate(data)
    survey_mot.cache = {}
    found = ks.outcome_drivers(survey_mot)
    assert found.attrs == {**found.attrs, "outcome": "mot_1", "reason": "outcome"}
    assert "motivation" not in found.index and len(found) == len(survey.codebook.constructs) - 1
