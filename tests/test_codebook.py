"""The questionnaire model: both real codebooks load, bad codebooks are refused clearly."""

from __future__ import annotations

import pytest
import yaml

from ksresearch import CodebookError, config, load_codebook


def test_both_codebooks_load(codebooks):
    c24, c25 = codebooks[2024], codebooks[2025]
    assert (c24.year, c25.year) == (2024, 2025)
    required = {
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
    }
    assert required <= set(c24.constructs) and required <= set(c25.constructs)
    assert len(c24.construct_items("turnover_intention")) >= 3
    assert c24.item("enps").type == "nps" and c24.scale_of("enps").max == 10
    assert "education" in c24.item("edu_rel").text.en.lower()
    assert {s.id for s in c24.segments} >= {
        "company",
        "industry",
        "centre_size",
        "role",
        "tenure",
        "age_band",
        "education",
        "work_location",
    }


def test_2025_adds_new_themes(codebooks):
    c24, c25 = codebooks[2024], codebooks[2025]
    assert "shift_work" not in {s.id for s in c24.segments}
    assert "shift_work" in {s.id for s in c25.segments}
    assert c25.item("ai_freq").type == "single" and c25.item("ai_use").type == "multi"
    assert {"ai_usefulness", "selfservice"} <= set(c25.constructs)
    assert c25.item("ai_concern").type == "multi"


def test_trend_items_keep_id_and_wording(codebooks):
    c24, c25 = codebooks[2024], codebooks[2025]
    t24, t25 = c24.by_trend_id(), c25.by_trend_id()
    assert set(t24) <= set(t25)
    for trend, item_id in t24.items():
        a, b = c24.item(item_id), c25.item(t25[trend])
        assert (a.text, a.scale, a.reverse, a.construct) == (
            b.text,
            b.scale,
            b.reverse,
            b.construct,
        ), trend


def test_every_item_type_is_used(codebooks):
    types = {i.type for i in codebooks[2025].items}
    assert types == {"likert", "nps", "single", "multi", "numeric", "text"}


def test_export_columns_expand_multi_items(codebooks):
    names = codebooks[2025].column_names
    assert names[:3] == ["respondent_id", "submitted_at", "duration_sec"]
    assert [n for n in names if n.startswith("ai_use_")] == [f"ai_use_{k}" for k in range(1, 7)]


def test_reverse_keyed_items_exist(codebooks):
    assert {i.id for i in codebooks[2025].items if i.reverse} == {"str_3", "toi_3"}


def _write(tmp_path, data):
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


@pytest.fixture
def good():
    return yaml.safe_load(config.codebook_path(2024).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["items"][0].update(scale="agree7"),
            r"item 'mot_1' uses unknown scale 'agree7'",
        ),
        (lambda d: d["items"][0].update(construct="moral"), r"unknown construct 'moral'"),
        (
            lambda d: d["items"][0].update(colour="red"),
            r"items\[0\] \(id 'mot_1'\)\.colour: Extra inputs",
        ),
        (lambda d: d["items"][1].update(id="mot_1"), r"column names used twice: \['mot_1'\]"),
        (
            lambda d: d["constructs"].update(
                ghost={"min_items": 1, "label": {"nb": "x", "en": "x"}}
            ),
            r"construct 'ghost' has no items",
        ),
        (
            lambda d: d["constructs"]["motivation"].update(min_items=9),
            r"min_items 9 exceeds its 3 items",
        ),
        (lambda d: d["scales"]["agree5"].update(dont_know=[3]), r"inside the scale 1..5"),
        (lambda d: d.pop("constructs"), r"constructs: Field required"),
        (
            lambda d: d["items"][0]["text"].pop("en"),
            r"items\[0\] \(id 'mot_1'\)\.text\.en: Field required",
        ),
        (lambda d: d["segments"].pop(0), r"roles\.company: 'company' is not a segment"),
        (lambda d: d.pop("roles"), r"roles: Field required"),
        (
            lambda d: d["roles"].update(company="industry"),
            r"roles\.company: segment 'industry' must be of type id",
        ),
        (lambda d: d["roles"].update(stress="str_1"), r"roles\.stress: 'str_1' is not a construct"),
        (
            lambda d: d["roles"].update(enps="mot_1"),
            r"roles\.enps: item 'mot_1' is likert, must be nps",
        ),
        (
            lambda d: d["roles"].update(quit_intent={"item": "toi_1", "codes": [4, 9, 6]}),
            r"roles\.quit_intent\.codes: \[6, 9\] are not answers of 'toi_1'",
        ),
        (
            lambda d: d["roles"].update(
                quit_intent={"item": "toi_1", "segment": "role", "codes": [4]}
            ),
            r"roles\.quit_intent: .*either 'item' or 'segment'",
        ),
        (
            lambda d: d["roles"].update(nonsense="x"),
            r"roles\.nonsense: Extra inputs are not permitted",
        ),
        (
            lambda d: d.update(
                meta={
                    "respondent_id": "respondent_id",
                    "duration": {"id": "duration_sec", "computed": True},
                }
            ),
            r"meta: .*duration: computed needs started_at and submitted_at",
        ),
        (
            lambda d: d.update(responses={"column": "Status"}),
            r"responses: 'column' and 'values' go together",
        ),
        (
            lambda d: d["items"][0].update(delimiter=","),
            r"items\[0\] \(id 'mot_1'\): .*'delimiter' is for multi items",
        ),
        (
            lambda d: d["items"][1].update(source="mot_1"),
            r"export columns \(source\) used twice: \['mot_1'\]",
        ),
        (
            lambda d: d["items"][2].update(trend_id="KS.MOT.1"),
            r"trend_id is used by more than one item",
        ),
    ],
)
def test_malformed_codebook_is_refused_with_its_place(tmp_path, good, mutate, message):
    mutate(good)
    path = _write(tmp_path, good)
    with pytest.raises(CodebookError, match=message) as err:
        load_codebook(path)
    assert str(path) in str(err.value)


def test_invalid_yaml_names_line(tmp_path):
    p = tmp_path / "codebook.yaml"
    p.write_text("survey: x\nitems: [\n  - {id: a, text: {nb: Hva?, en: What}\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"invalid YAML at line \d+, column \d+"):
        load_codebook(p)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="file not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_labels_and_texts_in_both_languages(codebooks):
    cb = codebooks[2025]
    assert cb.labels("industry", "en")[5] == "Passenger transport"
    assert cb.labels("shift_work", "nb") == {1: "Ja", 2: "Nei"}
    assert cb.labels("ai_use", "en")[2] == "Drafting replies"
    assert cb.text("turnover_intention", "nb") == "Turnoverintensjon"
    with pytest.raises(ValueError, match="language must be 'nb' or 'en'"):
        cb.text("mot_1", "sv")
