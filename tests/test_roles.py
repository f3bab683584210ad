"""The study finds its questions through the codebook's roles, never through our ids: a survey
with other ids gives the same report, and a questionnaire without some themes leaves those
sections out with a note."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import ksresearch as ks
from tests.demo_tables import extract_tables

SEED, N_COMPANIES = 5, 9
CSV = dict(sep=";", decimal=",", encoding="utf-8-sig")


def _read_export(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **CSV)


def _write_export(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, **CSV)


def _rename_ids(cb: dict) -> tuple[dict, dict[str, str]]:
    """Every item, segment and construct id renamed (the company segment to ``virksomhet``);
    returns the codebook and the export's column renaming."""
    segments = {
        s["id"]: ("virksomhet" if s["id"] == "company" else f"bakgrunn_{i}")
        for i, s in enumerate(cb["segments"])
    }
    items = {it["id"]: f"sp_{i:02d}" for i, it in enumerate(cb["items"])}
    constructs = {c: f"tema_{i}" for i, c in enumerate(cb["constructs"])}
    ids = {**segments, **items, **constructs}
    columns = dict(segments)
    for it in cb["items"]:
        if it["type"] == "multi":
            columns.update(
                {f"{it['id']}_{code}": f"{items[it['id']]}_{code}" for code in it["options"]}
            )
        else:
            columns[it["id"]] = items[it["id"]]
        it["id"] = items[it["id"]]
        if it.get("construct"):
            it["construct"] = constructs[it["construct"]]
    for s in cb["segments"]:
        s["id"] = segments[s["id"]]
    cb["constructs"] = {constructs[k]: v for k, v in cb["constructs"].items()}
    for role, target in cb["roles"].items():
        if isinstance(target, dict):
            key = "item" if "item" in target else "segment"
            target[key] = ids[target[key]]
        else:
            cb["roles"][role] = ids[target]
    return cb, columns


def _surveys(root: Path, change) -> Path:
    """Both years of the small synthetic survey; 2025's codebook and export changed by ``change``."""
    data = root / "data"
    for year in (2024, 2025):
        ks.write_synth(year, seed=SEED, data_dir=data, n_companies=N_COMPANIES)
    raw = data / "raw" / "2025"
    cb = yaml.safe_load((raw / "codebook.yaml").read_text(encoding="utf-8"))
    before = [seg["id"] for seg in cb["segments"]]
    export = _read_export(raw / "responses.csv")
    cb, export = change(cb, export)
    (raw / "codebook.yaml").write_text(
        yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    _write_export(export, raw / "responses.csv")
    renamed = dict(zip(before, [seg["id"] for seg in cb["segments"]], strict=True))
    renamed.pop("company")  # headcounts.csv names its company column company, always
    counts = pd.read_csv(raw / "headcounts.csv", sep=";", encoding="utf-8-sig")
    counts.rename(columns=renamed).to_csv(raw / "headcounts.csv", sep=";", index=False)
    for year in (2024, 2025):
        ks.ingest(year, data)
    return data


def _report_tables(data: Path, companies: list[str]) -> dict[str, list]:
    out = data / "reports"
    general = ks.general_report(2025, lang="nb", data_dir=data, out=out)
    result = ks.batch(2025, companies=companies, data_dir=data, out=out, workers=2)
    assert not result.failed, result.failed
    tables = {"general": extract_tables(general.read_text(encoding="utf-8"))}
    tables.update(
        {c: extract_tables(p.read_text(encoding="utf-8")) for c, p in result.written.items()}
    )
    return tables


def _unchanged(cb, export):
    return cb, export


def _renamed(cb, export):
    cb, columns = _rename_ids(cb)
    return cb, export.rename(columns=columns)


@pytest.mark.slow
def test_renamed_ids_give_the_same_report(tmp_path):
    original = _surveys(tmp_path / "a", _unchanged)
    renamed = _surveys(tmp_path / "b", _renamed)
    cb = ks.load(2025, renamed).codebook
    assert cb.role("company") == "virksomhet" and "company" not in {s.id for s in cb.segments}
    assert not {"toi_1", "edu_rel", "ai_freq"} & {i.id for i in cb.items}
    survey = ks.load(2025, original)
    eligible = ks.eligible_companies(survey)
    companies = list(eligible[eligible["eligible"]].sort_values("n").index[[0, -1]])
    before, after = _report_tables(original, companies), _report_tables(renamed, companies)
    assert before.keys() == after.keys()
    assert len(before["general"]) > 15
    for report in before:
        assert after[report] == before[report], report


def _without_ai_and_selfservice(cb, export):
    drop = {it["id"] for it in cb["items"] if it["id"].startswith(("ai_", "ss_"))}
    dropped_constructs = {"ai_usefulness", "selfservice"}
    cb["items"] = [it for it in cb["items"] if it["id"] not in drop]
    cb["constructs"] = {k: v for k, v in cb["constructs"].items() if k not in dropped_constructs}
    gone = drop | dropped_constructs
    cb["roles"] = {
        role: target
        for role, target in cb["roles"].items()
        if (target.get("item") if isinstance(target, dict) else target) not in gone
    }
    columns = [c for c in export.columns if not c.startswith(tuple(f"{d}" for d in drop))]
    return cb, export[columns]


@pytest.mark.slow
def test_sections_without_their_roles_are_left_out_with_a_note(tmp_path):
    data = _surveys(tmp_path, _without_ai_and_selfservice)
    cb = ks.load(2025, data).codebook
    assert cb.missing_roles(["ai_frequency", "selfservice", "shift_worker"]) == [
        "ai_frequency",
        "selfservice",
    ]
    for lang in ("nb", "en"):
        page = ks.general_report(2025, lang=lang, data_dir=data, out=tmp_path / "out").read_text(
            encoding="utf-8"
        )
        texts = ks.report.present.catalogue(lang)["texts"]
        for title in ("ai.title", "selfservice.title"):
            note = texts["report.left_out"].split("{section}")[1].split("{year}")[0].strip()
            assert texts[title] in page and note in page  # the note names the section
            assert (
                f'id="{ks.report.present.slug(texts[title])}"' not in page
            )  # no heading: no section
        for title in (
            "quality.title",
            "measurement.title",
            "turnover.title",
            "competence.title",
            "shift.title",
            "size.title",
            "trends.title",
            "about.title",
        ):
            assert f'id="{ks.report.present.slug(texts[title])}"' in page, title
        assert ks.audit_html(page, ks.load(2025, data)) == []
    survey = ks.load(2025, data)
    company = ks.eligible_companies(survey).sort_values("n").index[-1]
    bench = ks.benchmark(survey, company)
    assert "ai_user" not in bench.index and "selfservice" not in bench.index
    assert {"involvement", "enps", "quit_intent"} <= set(bench.index)
    result = ks.batch(2025, companies=[company], data_dir=data, out=tmp_path / "out", workers=1)
    assert not result.failed and company in result.written
    with pytest.raises(ks.InsufficientDataError, match="declares no ai_frequency"):
        ks.ai_adoption_by(survey, "industry")


def test_general_functions_work_on_plain_frames_without_a_company():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 2))
    df = pd.DataFrame(x, columns=["a", "b"]).assign(y=x @ [0.6, 0.2] + rng.standard_normal(300))
    drivers = ks.key_drivers(df, "y", ["a", "b"])
    assert drivers.index.tolist() == ["a", "b"] and drivers.attrs["n_companies"] is None
    df["g"] = np.repeat([1, 2], 150)
    out = ks.compare_groups(df, ["y"], "g")
    assert "adjusted_diff" not in out.columns or out["adjusted_diff"].isna().all()
    assert out.loc["y", "diff"] == pytest.approx(df[df.g == 2].y.mean() - df[df.g == 1].y.mean())
    df["q"] = (df["y"] > 0).astype(int)
    assert ks.logistic_drivers(df, "q", ["a", "b"]).loc["a", "odds_ratio"] > 1
    assert ks.DominanceAnalysis("y", ["a", "b"]).fit(df).general_.sum() == pytest.approx(
        drivers.attrs["r2"]
    )


def test_codebook_roles_are_looked_up_by_name(codebooks):
    cb = codebooks[2025]
    assert cb.role("job_role") == "role" and cb.role("quit_intent") == "toi_1"
    assert cb.has_roles("ai_user", "selfservice") and not codebooks[2024].has_roles("ai_user")
    with pytest.raises(KeyError, match="no role 'nope'"):
        cb.role("nope")
    with pytest.raises(KeyError, match="declares no role 'shift_worker'"):
        codebooks[2024].role("shift_worker")
