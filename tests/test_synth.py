"""The synthetic survey: deterministic, realistic, and its truth is what it says."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import ksresearch as ks
from ksresearch.data.synth import LATENTS, TURNOVER_WEIGHTS, generate


def test_same_seed_same_file(tmp_path):
    a = ks.write_synth(2025, seed=5, data_dir=tmp_path / "a", n_companies=5)
    b = ks.write_synth(2025, seed=5, data_dir=tmp_path / "b", n_companies=5)
    c = ks.write_synth(2025, seed=6, data_dir=tmp_path / "c", n_companies=5)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b, c)]
    assert digest[0] == digest[1] != digest[2]


def test_writes_export_codebook_and_truth(tmp_path):
    path = ks.write_synth(2024, seed=1, data_dir=tmp_path, n_companies=4, fmt="xlsx")
    raw = tmp_path / "raw" / "2024"
    assert path == raw / "responses.xlsx"
    assert sorted(p.name for p in raw.iterdir()) == [
        "codebook.yaml",
        "company_kpis.csv",
        "headcounts.csv",
        "responses.xlsx",
        "themes.yaml",
        "truth.json",
    ]
    assert (raw / "codebook.yaml").read_bytes() == ks.config.codebook_path(2024).read_bytes()
    truth = json.loads((raw / "truth.json").read_text())
    assert truth["year"] == 2024 and truth["n_companies"] == 4


def test_companies_span_sizes_and_some_are_too_small():
    t = generate(2025, seed=2025, n_companies=30).truth
    sizes = sorted(c["n_respondents"] for c in t["companies"].values())
    assert sizes[0] < 5 and sizes[1] < 5  # below the anonymity minimum
    assert sizes[-1] >= 200
    assert len({c["industry"] for c in t["companies"].values()}) >= 6


def test_same_companies_every_year():
    a = generate(2024, seed=9, n_companies=10).truth["companies"]
    b = generate(2025, seed=9, n_companies=10).truth["companies"]
    assert set(a) == set(b)
    assert all(a[k]["industry"] == b[k]["industry"] for k in a)


def test_truth_lmg_shares_sum_to_r2_and_rank_involvement_first():
    t = generate(2025, seed=1, n_companies=3).truth["turnover"]
    assert sum(t["lmg"].values()) == pytest.approx(t["r2"], abs=1e-5)
    assert 0.3 < t["r2"] < 0.7
    assert t["order"][:3] == ["involvement", "stress", "development"]
    assert set(t["weights"]) == set(LATENTS) == set(TURNOVER_WEIGHTS)


def test_generated_answers_show_the_designed_patterns():
    s = generate(2025, seed=2025, n_companies=30)
    df = (
        s.responses.drop_duplicates("respondent_id").replace({9: np.nan}).astype({"edu_rel": float})
    )
    # formal education is seen as of little relevance; leaders are rated highly
    assert df["edu_rel"].mean() < 2.7 < 3.7 < df["led_1"].astype(float).mean()
    # shift workers report more stress
    stress = df["str_1"].astype(float)
    assert stress[df.shift_work == 1].mean() > stress[df.shift_work == 2].mean()
    # AI use is more common in telecom than in passenger transport
    user = df["ai_freq"].astype(float) > 1
    assert user[df.industry == 3].mean() > user[df.industry == 5].mean() + 0.2
    # usefulness of AI is asked of users only
    assert df.loc[~user, "ai_useful_1"].isna().all()


def test_mess_is_present():
    s = generate(2025, seed=2025, n_companies=30)
    df, m = s.responses, s.truth["mess"]
    assert df["respondent_id"].duplicated().sum() == len(m["duplicate_submissions"]) > 0
    assert (df["led_1"] == 9).any() and df["mot_1"].isna().any()
    assert len(m["straightliners"]) > 0 and len(m["speeders"]) > 0
    assert pd.Series(m["speeders"]).isin(df["respondent_id"]).all()


def test_too_many_companies_is_refused():
    with pytest.raises(ValueError, match="at most 120 synthetic companies"):
        generate(2025, n_companies=500)
