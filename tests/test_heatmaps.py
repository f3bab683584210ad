"""Heatmaps: every cell a segment's difference from the mean, by hand; cells under the
minimum hidden with their complement; colour only where the difference holds; the cells in the
ledger pass the release audit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ksresearch as ks
from ksresearch.stats.benchmark import clustered_mean_se

COMPANY_SEGMENTS = ["job_role", "tenure", "shift_worker", "work_location"]


@pytest.fixture(scope="module")
def survey(synth_data):
    return ks.load(2025, synth_data)


def _company(survey) -> str:
    eligible = ks.eligible_companies(survey)
    return eligible[eligible["eligible"]].sort_values("n").index[-1]


def test_a_company_cell_is_its_group_less_the_company_mean(survey):
    company = _company(survey)
    heat = ks.segment_heatmap(survey, COMPANY_SEGMENTS, company=company)
    df = ks.prepare(survey)
    own = df[df["company"] == company].dropna(subset=["leadership_index"])  # any role or none
    y, here = own["leadership_index"], own["role"] == 1
    assert heat.loc[("role", 1), "leadership"] == pytest.approx(y[here].mean() - y.mean())
    w = here.mean()
    se = (1 - w) * np.hypot(stats.sem(y[here]), stats.sem(y[~here]))
    low = heat.attrs["low"].loc[("role", 1), "leadership"]
    assert low == pytest.approx(y[here].mean() - y.mean() - stats.norm.ppf(0.975) * se)


def test_a_general_cell_has_company_clustered_errors(demo_data):
    survey = ks.load(2025, demo_data)
    heat = ks.segment_heatmap(survey, ["industry", "centre_size"])
    df = ks.prepare(survey).dropna(subset=["stress_index"])  # any industry or none
    shown = heat["stress"].dropna()
    segment, level = shown.index[0]
    here = (df[segment] == level).to_numpy()
    y, g = df["stress_index"].to_numpy(), df["company"].to_numpy()
    w = here.mean()
    se = (1 - w) * np.hypot(
        clustered_mean_se(y[here], g[here]), clustered_mean_se(y[~here], g[~here])
    )
    high = heat.attrs["high"].loc[(segment, level), "stress"]
    assert high == pytest.approx(shown.iloc[0] + stats.norm.ppf(0.975) * se)


def _company_heatmaps(survey):
    """``{company: heatmap}`` of every eligible company that has one to show."""
    out = {}
    for company in ks.eligible_companies(survey).query("eligible").index:
        try:
            out[company] = ks.segment_heatmap(survey, COMPANY_SEGMENTS, company=company)
        except ks.InsufficientDataError:
            continue
    return out


def test_small_groups_are_hidden_with_their_complement_and_colour_means_it_holds(survey):
    df = ks.prepare(survey)
    seen_left_out = False
    for company, heat in _company_heatmaps(survey).items():
        own = df[df["company"] == company]
        for (segment, level), row in heat.iterrows():
            assert row.notna().any(), (company, segment, level)  # no row of "–" only
            for construct, value in row.items():
                answered = own.loc[own[segment] == level, f"{construct}_index"].notna().sum()
                if 0 < answered < 5:
                    assert np.isnan(value)
        for segment in map(survey.codebook.role, COMPANY_SEGMENTS):
            sizes = own[segment].value_counts()
            shown = heat.loc[segment].index if segment in heat.index else []
            assert len(shown) != 1, (company, segment)  # one level would be everyone shown
            left_out = [lv for lv in sizes.index if lv not in shown]
            seen_left_out |= bool(len(shown) and left_out)
            hidden = [lv for lv in left_out if sizes[lv] < 5]
            assert not len(shown) or len(left_out) != 1 or not hidden, (company, segment)
        significant, p_adj = heat.attrs["significant"], heat.attrs["p_adj"]
        assert (significant == (p_adj < 0.05)).all().all()
        low, high = heat.attrs["low"][significant], heat.attrs["high"][significant]
        assert ((low > 0) | (high < 0))[significant].sum().sum() == significant.sum().sum()
    assert seen_left_out  # the synthetic companies have small groups, left out with their rows


def _five_person_company(tmp_path):
    """The synthetic 2025 export with five respondents of its largest company given to a new
    company, "Fem AS" (the export and the headcounts rewritten line by line), ingested."""
    import shutil

    data = tmp_path / "data"
    ks.write_synth(2025, seed=7, data_dir=data, n_companies=12)
    raw = data / "raw" / "2025"
    lines = (raw / "responses.csv").read_text(encoding="utf-8-sig").splitlines()
    companies = pd.Series([line.split(";")[3] for line in lines[1:]])
    largest = companies.value_counts().index[0]
    moved = 0
    for i, line in enumerate(lines[1:], start=1):
        if moved < 5 and line.split(";")[3] == largest:
            lines[i] = line.replace(f";{largest};", ";Fem AS;", 1)
            moved += 1
    (raw / "responses.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    heads = (raw / "headcounts.csv").read_text(encoding="utf-8-sig")
    (raw / "headcounts.csv").write_text("\ufeff" + heads + "Fem AS;1;6\n", encoding="utf-8")
    shutil.rmtree(data / "processed", ignore_errors=True)
    ks.ingest(2025, data)
    return data


def test_a_five_person_company_has_no_heatmap_row_that_shows_a_group(tmp_path):
    """Five respondents split over any segment leave no level of five: no row, not even a
    "–" row that would tell that a group of one to four exists."""
    data = _five_person_company(tmp_path)
    survey = ks.load(2025, data)
    with pytest.raises(ks.InsufficientDataError):
        ks.segment_heatmap(survey, COMPANY_SEGMENTS, company="Fem AS")


def test_heatmap_cells_pass_the_release_audit(synth_data, tmp_path):
    survey = ks.load(2025, synth_data)
    companies = list(ks.eligible_companies(survey).query("eligible").index[:3])
    result = ks.batch(2025, companies=companies, data_dir=synth_data, out=tmp_path, workers=1)
    assert not result.failed, result.failed
    ledgers = list((tmp_path / "2025" / "ledger" / "companies").glob("*.json"))
    cells = [
        cell
        for path in ledgers
        for table in json.loads(path.read_text())["tables"]
        for cell in table["cells"]
    ]
    heat = [c for c in cells if c["row"].startswith("('role'")]  # the heatmap's rows
    assert heat and all(c["additive"] for c in heat)  # each cell gives a group's mean away
    check = ks.audit_release(2025, out=tmp_path, data_dir=synth_data, fix=False)
    assert check.leaks == []


def test_a_codebook_without_the_segments_has_no_heatmap(survey):
    with pytest.raises(ks.InsufficientDataError):
        ks.segment_heatmap(survey, [])
    table = pd.DataFrame({"g": [1] * 3 + [2] * 3, "y": [1.0, 2, 3, 4, 5, 6]})
    found = ks.stats.compare.level_differences(table, "y", "g")
    assert found["diff"].tolist() == [-1.5, 1.5]


def test_the_heatmap_table_colours_every_cell_by_size_and_sets_what_holds_in_bold(
    synth_data, survey
):
    from bs4 import BeautifulSoup

    S = ks.Section(2025, "en", 5, synth_data)
    coloured = bold = 0
    for heat in _company_heatmaps(survey).values():
        soup = BeautifulSoup(S.heatmap(heat).to_html(), "html.parser")
        cells = [tr.find_all("td") for tr in soup.find("tbody").find_all("tr")]
        assert len(cells) == len(heat) and {len(row) for row in cells} == {heat.shape[1] + 1}
        significant = heat.attrs["significant"].reindex_like(heat).fillna(False)
        for i, row in enumerate(cells):
            assert row[0].get_text() == str(int(heat.attrs["n"].iloc[i]))  # the group's size first
            for j, td in enumerate(row[1:]):
                value, name = heat.iat[i, j], [c for c in td["class"] if c.startswith("ks-heat")]
                better = value * (heat.attrs["direction"].get(heat.columns[j]) or 1)
                if np.isnan(value):
                    assert name == ["ks-heat-na"] and td.get_text() == "–"
                elif abs(better) < 1:  # no colour under a point (it prints as 0,0)
                    assert name == (["ks-heat-sig"] if significant.iat[i, j] else [])
                else:
                    step = sum(abs(better) >= s for s in (3, 6, 10)) + 1
                    colour = f"ks-heat-{'b' if better > 0 else 'w'}{step}"
                    assert name == [colour, "ks-heat-sig"] if significant.iat[i, j] else [colour]
                    coloured += 1
                    bold += bool(significant.iat[i, j])
        caption = soup.find("caption").get_text()
        assert "3, 6 and 10 points" in caption and "bold" in caption
        tests = int(heat.attrs["p_adj"].notna().to_numpy().sum())
        assert f"correcting for {tests} cells" in caption
    assert coloured > bold  # every shown difference has its colour; only some hold


def test_the_heatmap_reference_is_everyone_who_answered(survey):
    """A cell is the group's mean less the mean the themes table shows (everyone who
    answered, those who gave no group included), not the mean of those with a group."""
    df = ks.prepare(survey)
    company = _company(survey)
    own = df[df[survey.codebook.role("company")] == company]
    heat = ks.segment_heatmap(survey, COMPANY_SEGMENTS, company=company)
    segment, level = heat.index[0]
    construct = heat.columns[heat.iloc[0].notna().to_numpy()][0]
    y = own[f"{construct}_index"]
    expected = y[own[segment] == level].mean() - y.mean()
    assert heat.iat[0, list(heat.columns).index(construct)] == pytest.approx(expected)
    table = pd.DataFrame({"g": [1, 1, 2, 2, np.nan, np.nan], "y": [1.0, 3, 5, 7, 9, 11]})
    found = ks.stats.compare.level_differences(table, "y", "g")
    assert found["diff"].tolist() == [2 - 6, 6 - 6]  # the mean of all six is 6


def test_a_deck_keeps_the_heatmap_colours(tmp_path):
    from pptx import Presentation

    from ksresearch.report import formats, present

    page = (
        "<h1>Report</h1><p class='ks-text'>Intro.</p><h2>Groups</h2><table><tr><th></th>"
        "<th>Stress</th></tr><tr><th>Team leads</th><td class='data ks-heat-w3'>7,1</td></tr>"
        "<tr><th>Agents</th><td class='data'>0,4</td></tr></table>"
    )
    deck = Presentation(str(formats.html_to_pptx(page, tmp_path / "d.pptx")))
    table = next(sh.table for s in deck.slides for sh in s.shapes if sh.has_table)
    assert (
        str(table.cell(1, 1).fill.fore_color.rgb) == present.HEAT_COLOURS["ks-heat-w3"][1:].upper()
    )
    assert table.cell(2, 1).fill.type is None and table.cell(1, 1).text == "7,1"


def test_a_cell_the_release_audit_hides_is_grey_and_blank(synth_data, survey, tmp_path):
    import shutil

    from bs4 import BeautifulSoup

    from ksresearch.report.ledger import encode_members, fingerprint, suppressed_path

    data = tmp_path / "data"
    shutil.copytree(synth_data, data)
    company = _company(survey)
    heat = ks.segment_heatmap(survey, COMPANY_SEGMENTS, company=company)
    i, j = np.argwhere(heat.notna().to_numpy())[0]
    labels = heat.attrs["members"].get((heat.index[i], heat.columns[j]))
    hidden = {"sets": [fingerprint(encode_members(labels))]}
    path = suppressed_path(tmp_path / "reports", 2025)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(hidden))
    S = ks.Section(2025, "en", 5, data, release=tmp_path / "reports")
    assert ks.Section(2025, "en", 5, data, release=tmp_path / "elsewhere")._hidden == set()
    again = ks.segment_heatmap(S.survey, COMPANY_SEGMENTS, company=company)
    soup = BeautifulSoup(S.heatmap(again).to_html(), "html.parser")
    cell = soup.find("tbody").find_all("tr")[i].find_all("td")[j + 1]  # after the count
    assert cell.get_text() == "–" and "ks-heat-na" in cell["class"]


def test_a_five_person_company_is_told_no_share_anywhere(tmp_path):
    """The attack's five-person company: no share, eNPS or "don't know" share in its
    benchmark (whatever their values: 'plan to look for another job 80 %'), so no key
    finding states one; its means stay."""
    data = _five_person_company(tmp_path)
    survey = ks.load(2025, data)
    bench = ks.benchmark(survey, "Fem AS")
    shares = ["enps", *ks.study.benchmarking.SHARE_MEASURES]
    assert bench.loc[bench.index.isin(shares), "company"].isna().all()
    assert bench["dont_know"].isna().all() and bench["company"].notna().any()
    found = ks.company_key_findings(survey, "Fem AS", bench=bench)
    subjects = set(found["subject"].dropna()) if "subject" in found else set()
    assert not subjects & set(shares)


def test_level_differences_of_several_outcomes_equal_a_brute_force_computation():
    """The list form computes the columns together: each row as computed by hand, level by
    level, from the respondents who answered that outcome (a level with one answer has no
    interval, a level with none for an outcome has no row for it); with clusters, each
    outcome as its own call."""
    from scipy import stats

    from ksresearch.stats.compare import level_differences

    rng = np.random.default_rng(3)
    n = 60
    df = pd.DataFrame(
        {
            "g": rng.choice([1.0, 2.0, 3.0], n),
            "unit": rng.choice(list("abcdef"), n),
            "y": rng.normal(50, 10, n),
            "x": rng.normal(30, 5, n),
        }
    )
    df.loc[rng.random(n) < 0.2, "y"] = np.nan
    df.loc[df["g"] == 3.0, "x"] = np.nan  # level 3 never answered x
    df.loc[df.index[df["g"] == 2.0][1:], "x"] = np.nan  # level 2 answered x once
    df.loc[:4, "g"] = np.nan  # some without a level
    found = level_differences(df, ["y", "x"], "g")
    z = stats.norm.ppf(0.975)
    expected = []
    for outcome in ("y", "x"):
        ok = df[df[outcome].notna()]
        for level in sorted(ok["g"].dropna().unique()):
            here, rest = ok[ok["g"] == level][outcome], ok[ok["g"] != level][outcome]
            se_g = here.std(ddof=1) / np.sqrt(len(here)) if len(here) > 1 else np.nan
            se_r = rest.std(ddof=1) / np.sqrt(len(rest)) if len(rest) > 1 else np.nan
            se = (1 - len(here) / len(ok)) * np.hypot(se_g, se_r)
            diff = here.mean() - ok[outcome].mean()
            p = 2 * stats.norm.sf(abs(diff) / se) if se > 0 else np.nan
            expected.append((outcome, level, len(here), here.mean(), diff, diff - z * se,
                             diff + z * se, p))  # fmt: skip
    want = pd.DataFrame(
        expected, columns=["outcome", "g", "n", "mean", "diff", "low", "high", "p"]
    ).set_index(["outcome", "g"])
    assert ("x", 3.0) not in found.index and np.isnan(found.loc[("x", 2.0), "low"])
    pd.testing.assert_frame_equal(found, want, check_exact=False, rtol=1e-12)
    clustered = level_differences(df, ["y", "x"], "g", clusters="unit")
    for outcome in ("y", "x"):
        one = level_differences(df, outcome, "g", clusters="unit")
        pd.testing.assert_frame_equal(clustered.xs(outcome, level="outcome"), one)
