"""Comments: redaction before any use, themes against a labelled set, the comment rules
(10 commenters, 10 per theme, review), and the audit of quoted comments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import ksresearch as ks
from ksresearch.data.ingestion import COMMENT_COLUMNS
from ksresearch.data.redact import valid_national_id, valid_personnummer
from ksresearch.report.audit import audit_html

LABELLED = Path(__file__).parent / "data" / "comments_labelled.yaml"
THEMES = ["leadership", "workload", "systems", "pay", "colleagues", "training", "ai",
          "shift_work", "customers", "home_office"]  # fmt: skip


def precision_recall(coded: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    tp = (coded & truth).sum()
    return pd.DataFrame(
        {"precision": tp / coded.sum(), "recall": tp / truth.sum(), "n": truth.sum()}
    )


def test_themes_are_coded_with_precision_and_recall_of_at_least_080():
    labelled = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    assert len(labelled) >= 200 and {x["lang"] for x in labelled} == {"nb", "sv"}
    coded = ks.code_themes([x["text"] for x in labelled])
    assert list(coded.columns) == THEMES
    truth = pd.DataFrame([{t: t in x["themes"] for t in THEMES} for x in labelled])
    scores = precision_recall(coded, truth)
    assert (scores["n"] >= 15).all()
    assert (scores[["precision", "recall"]] >= 0.8).all().all(), scores
    for lang in ("nb", "sv"):  # each language on its own, too
        rows = [i for i, x in enumerate(labelled) if x["lang"] == lang]
        per = precision_recall(coded.iloc[rows], truth.iloc[rows])
        assert (per["recall"] >= 0.75).all(), (lang, per)


# --------------------------------------------------------------------------- redaction
PLANTED = [
    ("Skriv til kari.nordmann@firma.no i dag", "kari.nordmann@firma.no", "[e-post]"),
    ("Mail: per+ks@eksempel.com.", "per+ks@eksempel.com", "[e-post]"),
    ("Ring 912 34 567 etter kl 16", "912 34 567", "[telefon]"),
    ("Ring 91234567", "91234567", "[telefon]"),
    ("Tlf +47 22 33 44 55", "+47 22 33 44 55", "[telefon]"),
    ("nr 0047 41234567 virker", "0047 41234567", "[telefon]"),
    ("Ring 070-123 45 67", "070-123 45 67", "[telefon]"),
    ("Ring 08-123 456 78 i Stockholm", "08-123 456 78", "[telefon]"),
    ("Mitt fnr er 01010012356.", "01010012356", "[personnummer]"),
    ("Fnr 010100 12356 står i saken", "010100 12356", "[personnummer]"),
    ("D-nummer 41010010096 brukes", "41010010096", "[personnummer]"),
    ("Personnummer 811218-9876 finns", "811218-9876", "[personnummer]"),
    ("Personnummer 19811218-9876 finns", "19811218-9876", "[personnummer]"),
    (
        "Se https://intranett.firma.no/sak?id=7 for mer",
        "https://intranett.firma.no/sak?id=7",
        "[lenke]",
    ),
    ("Les www.eksempel.no/side nå", "www.eksempel.no/side", "[lenke]"),
    ("Spør Kari Hansen om det", "Kari Hansen", "[navn]"),
    ("Jeg og Ole snakket med Andersson", "Ole", "[navn]"),
    ("Hälsa från Anna-Karin Lindqvist", "Anna-Karin Lindqvist", "[navn]"),
    ("Nordbank AS behandler oss dårlig", "Nordbank AS", "[virksomhet]"),
    ("hos nordbank as er det bra", "nordbank as", "[virksomhet]"),
    ("Vi i Nordbank fortjener mer", "Nordbank", "[virksomhet]"),
]


@pytest.mark.parametrize("text, detail, placeholder", PLANTED)
def test_redaction_takes_out_each_planted_detail(text, detail, placeholder):
    out = ks.redact(text, companies=["Nordbank AS", "Sol AS"])
    assert detail not in out.text and detail.lower() not in out.text.lower()
    assert placeholder in out.text


@pytest.mark.parametrize(
    "text",
    [
        "Møtet 01.02.2025 var bra",  # a date, not a phone number
        "Vakt 08.00-16.00 passer meg",  # hours
        "Vi tok 1200 samtaler i 2024",
        "Kundene får svar innen 48 timer",
        "Det er sol i dag og sol i morgen",  # "Sol AS" without its suffix: only capitalised
    ],
)
def test_redaction_leaves_ordinary_text_alone(text):
    out = ks.redact(text, companies=["Sol AS"])
    assert out.text == text and out.kinds == () and not out.needs_review


def test_identity_numbers_need_valid_check_digits():
    assert valid_national_id("01010012356") and not valid_national_id("01010012357")
    assert ks.redact("nr 01010012357").kinds == ("number",)  # 11 digits, invalid: a number
    assert valid_personnummer("8112189876") and not valid_personnummer("8112189875")


def test_an_unplaced_capitalised_word_holds_a_comment_for_review():
    out = ks.redact("Jeg snakket med Xylofonsen om vaktene. Teams virker.")
    assert out.needs_review and out.unplaced == ("Xylofonsen",)
    assert not ks.redact("Vaktene er tunge. Teams og Puzzel virker, KPI er ok.").needs_review


def test_ingest_redacts_before_anything_reads_the_text(raw_2025):
    raw = raw_2025 / "raw" / "2025" / "responses.csv"
    df = pd.read_csv(raw, sep=";", dtype=str, keep_default_na=False)
    planted = {0: "Ring meg på 412 34 567 eller skriv til ola@example.no.",
               1: "Spør Kari Hansen, fnr 01010012356.",
               2: f"Vi i {df.loc[3, 'company']} har det travelt, se www.example.no."}  # fmt: skip
    for row, text in planted.items():
        df.loc[row, "comment"] = text
    df.to_csv(raw, sep=";", index=False, encoding="utf-8-sig")
    result = ks.ingest(2025, raw_2025)
    processed = raw_2025 / "processed" / "2025"
    stored = pd.read_parquet(processed / "comments.parquet")
    responses = pd.read_parquet(processed / "responses.parquet")
    everything = " ".join(stored["text"]) + " ".join(responses["comment"].dropna())
    for detail in ("412 34 567", "ola@example.no", "Kari Hansen", "01010012356", "www.example.no",
                   df.loc[3, "company"]):  # fmt: skip
        assert detail not in everything
    ids = set(df.loc[list(planted), "respondent_id"])
    mine = stored[stored["respondent_id"].isin(ids)]
    assert len(mine) == 3 and mine["redacted"].str.len().gt(0).all()
    counts = result.quality["comments"]["redacted"]
    assert counts["phone"] >= 1 and counts["email"] >= 1 and counts["national_id"] >= 1
    assert result.quality["comments"]["n"] == len(stored)


# --------------------------------------------------------------------------- the rules
@pytest.fixture
def survey(synth_data):
    return ks.load(2025, synth_data)


def _company_ids(survey, company: str, k: int) -> list[str]:
    """k analysed respondents of ``company``."""
    kept = ks.study.prepare.kept(survey)
    ids = kept.loc[kept["company"] == company, "respondent_id"].astype(str)
    assert len(ids) >= k
    return list(ids[:k])


def _with_comments(survey, rows: list[tuple[str, str, str]]):
    survey.comments = pd.DataFrame(
        [(rid, company, "comment", text, "", False, "") for rid, company, text in rows],
        columns=COMMENT_COLUMNS,
    )
    return survey


def _biggest(survey) -> str:
    return survey.responses["company"].value_counts().index[0]


def test_a_company_with_nine_commenters_shows_no_comments(survey):
    company = _biggest(survey)
    ids = _company_ids(survey, company, 10)
    rows = [(rid, company, "Lønna er for lav her.") for rid in ids]
    with pytest.raises(ks.InsufficientDataError, match="at least 10"):
        ks.comments(_with_comments(survey, rows[:9]), company)
    shown = ks.comments(_with_comments(survey, rows), company)
    assert list(shown.index) == ["pay"] and shown.loc["pay", "n_commenters"] == 10


def test_a_theme_with_nine_commenters_is_not_shown(survey):
    company = _biggest(survey)
    ids = _company_ids(survey, company, 12)
    rows = [(rid, company, "Sjefen hører ikke på oss.") for rid in ids[:9]]
    rows += [(rid, company, "Lønna er for lav, og sjefen ser oss ikke.") for rid in ids[9:10]]
    rows += [(rid, company, "Lønna er for lav.") for rid in ids[10:]]
    table = ks.comments(_with_comments(survey, rows), company)
    assert "pay" not in table.index  # 3 wrote about pay
    assert table.loc["leadership", "n_commenters"] == 10  # 9 + the one who wrote of both
    rows[9] = (ids[9], company, "Lønna er for lav.")
    assert ks.comments(_with_comments(survey, rows), company).empty  # leadership: 9


def test_examples_are_at_most_three_redacted_comments_of_the_company(survey):
    company = _biggest(survey)
    ids = _company_ids(survey, company, 12)
    texts = [f"Turnusen er tung, uke {i}." for i in range(12)]
    table = ks.comments(
        _with_comments(survey, [(r, company, t) for r, t in zip(ids, texts, strict=True)]), company
    )
    examples = table.loc["shift_work", "examples"]
    assert len(examples) == 3 and set(examples) <= set(texts) and len(set(examples)) == 3
    again = ks.comments(survey, company, seed=0).loc["shift_work", "examples"]
    assert again == examples  # the draw is reproducible
    members = table.attrs["members"]
    assert len(members[("shift_work", "n_commenters")]) == 12


def test_a_comment_held_for_review_counts_only_once_reviewed(survey):
    company = _biggest(survey)
    ids = _company_ids(survey, company, 10)
    survey = _with_comments(survey, [(rid, company, "Lønna er for lav.") for rid in ids])
    survey.comments.loc[0, "needs_review"] = True
    with pytest.raises(ks.InsufficientDataError):
        ks.comments(survey, company, reviewed=set())
    assert ks.comments(survey, company, reviewed={ids[0]}).loc["pay", "n_commenters"] == 10


def test_themes_by_segment_need_ten_commenters_and_several_companies(demo_data):
    survey = ks.load(2025, demo_data)
    rows = []
    kept = ks.study.prepare.kept(survey)
    for company, group in kept.groupby("company"):
        rows += [
            (rid, company, "Sjefen lytter ikke.") for rid in group["respondent_id"].astype(str)
        ]
    table = ks.comment_themes_by(_with_comments(survey, rows), "industry")
    counts = table.attrs["n_commenters"]
    for industry, n in counts.items():
        companies = kept.loc[kept["industry"] == industry, "company"].nunique()
        shown = not np.isnan(table.loc[industry, "leadership"])
        assert shown == (n >= 10 and companies >= 3 and _no_dominant(kept, industry)), industry
    assert table["leadership"].dropna().eq(1.0).all() and table["leadership"].notna().any()


def _no_dominant(kept, industry) -> bool:
    shares = kept.loc[kept["industry"] == industry, "company"].value_counts(normalize=True)
    return shares.iloc[0] <= 0.8


# --------------------------------------------------------------------------- the audit
def _page(examples: list[str]) -> str:
    items = "".join(f"<li>«{x}»</li>" for x in examples)
    return f'<html><body><h2>Kommentarer</h2><div class="ks-comments"><ul>{items}</ul></div></body></html>'


def test_the_audit_lets_through_only_the_examples_the_rules_allow(survey):
    company = _biggest(survey)
    ids = _company_ids(survey, company, 12)
    texts = [f"Turnusen er tung, uke nummer {i}." for i in range(12)]
    survey = _with_comments(survey, [(r, company, t) for r, t in zip(ids, texts, strict=True)])
    allowed = ks.comments(survey, company).loc["shift_work", "examples"]
    assert audit_html(_page(allowed), survey, company=company) == []
    other = next(t for t in texts if t not in allowed)
    assert audit_html(_page([other]), survey, company=company) == [
        "the report shows 1 free-text answer(s) outside the comment rules"
    ]
    assert audit_html(_page(allowed), survey, company=None)  # the general report quotes none
    leaked = _page(["Turnusen er tung, ring meg på 412 34 567."])
    assert "a quoted comment holds [telefon]" in audit_html(leaked, survey, company=company)


def test_suggested_topics_separate_what_people_write_about():
    rng = np.random.default_rng(0)
    shifts = ["Turnusen er tung", "Vaktene er lange", "Turnusen og vaktene sliter"]
    pay = ["Lønna er lav", "Lønna stiger aldri", "Lav lønn for mye ansvar"]
    texts = [rng.choice(shifts) for _ in range(30)] + [rng.choice(pay) for _ in range(30)]
    topics = ks.suggest_themes(texts, 2, top_words=3)
    assert len(topics) == 2 and topics["n_texts"].sum() == 60
    words = [set(w.split(", ")) for w in topics["words"]]
    assert any({"turnusen", "vaktene"} & w for w in words)
    assert any("lønna" in w for w in words)
    assert not any({"turnusen", "vaktene"} & w and "lønna" in w for w in words)
    placeholders = ks.suggest_themes(["Ring [telefon] om turnusen"] * 3 + texts, 2)
    assert "telefon" not in " ".join(placeholders["words"])


@pytest.mark.parametrize(
    "text",
    [
        "themes:\n  pay: {keywords: {nb: [lønn]}}\n",  # no label
        "themes:\n  pay: {label: {nb: Lønn, en: Pay}}\n",  # no keywords
        "tema: {}\n",  # not a themes file
        "themes: [unclosed\n",  # not YAML
    ],
)
def test_a_bad_themes_file_is_named_with_what_a_theme_needs(tmp_path, text):
    folder = tmp_path / "raw" / "2025"
    folder.mkdir(parents=True)
    (folder / "themes.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(
        ValueError, match="themes.yaml: a theme needs 'label' .nb, en. and 'keywords'"
    ):
        ks.load_themes(2025, tmp_path)


def test_a_year_without_its_own_themes_file_uses_the_default(tmp_path):
    assert list(ks.load_themes(2025, tmp_path).labels) == THEMES
