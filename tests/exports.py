"""Exports shaped as survey tools write them, from a small questionnaire of our own (not
``synth``): a customer-centre wellbeing pulse with its truth kept beside it.

Each writer takes the truth (one row per real respondent, answers as codes) and writes the
file a tool would: Qualtrics CSV (three header rows, previews and unfinished responses, "don't
know" left at code 6), SurveyXact SPSS (generic names, labels, user-missing 9, the company
coded with labels, invited people who never started; also its XLSX with Dataset(n), Structure
and Labels sheets and its three-file CSV), Microsoft Forms XLSX (question texts as
headers, answers as text, multi answers joined with ";", Norwegian dates) and a Norwegian
Excel re-save of a plain CSV (cp1252, ";", padded cells, a trailing empty column, "Vet ikke"
typed in).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

COMPANIES = {
    1: "Alfa Kundeservice AS",
    2: "Beta Energi AS",
    3: "Gamma Bank ASA",
    4: "Delta Reiser AS",
}
SIZES = {1: 22, 2: 18, 3: 14, 4: 9}
TEAMS = {
    1: ("Kundesenter", "Contact centre"),
    2: ("Backoffice", "Back office"),
    3: ("Ledelse", "Management"),
}
AGREE = {
    1: "Helt uenig",
    2: "Litt uenig",
    3: "Verken enig eller uenig",
    4: "Litt enig",
    5: "Helt enig",
}
AGREE_EN = {1: "Strongly disagree", 2: "Somewhat disagree", 3: "Neither agree nor disagree",
            4: "Somewhat agree", 5: "Strongly agree"}  # fmt: skip
CHANNELS = {
    1: ("Telefon", "Phone"),
    2: ("Chat", "Chat"),
    3: ("E-post", "E-mail"),
    4: ("Sosiale medier", "Social media"),
}
QUESTIONS = {
    "q1": "Jeg trives på jobben",
    "q2": "Jeg får hjelp av kollegaene mine",
    "q3": "Jeg har det jeg trenger for å løse kundens sak",
    "nps": "Hvor sannsynlig er det at du vil anbefale arbeidsplassen din?",
    "channels": "Hvilke kanaler jobber du i?",
    "comment": "Noe mer du vil si?",
    "team": "Hvor jobber du?",
    "company": "Virksomhet",
}


def truth(seed: int = 3) -> pd.DataFrame:
    """The real respondents: id, company name, team code, q1-q3 (1-5, None for "don't know"),
    nps (0-10), channels_1..4 (0/1), comment, start and end time."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2025-10-01 08:00")
    for code, n in SIZES.items():
        for k in range(n):
            level = rng.normal(0, 1)
            answers = {
                f"q{j}": int(np.clip(round(3.4 + 0.9 * level + rng.normal(0, 0.7)), 1, 5))
                for j in (1, 2, 3)
            }
            if rng.uniform() < 0.12:
                answers[f"q{rng.integers(1, 4)}"] = None  # "don't know"
            chosen = rng.uniform(size=4) < [0.8, 0.5, 0.4, 0.15]
            chosen[0] |= not chosen.any()
            begin = start + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 10)))
            rows.append({
                "id": f"R_{code}{k:03d}x{rng.integers(1000, 9999)}",
                "company": COMPANIES[code],
                "company_code": code,
                "team": int(rng.choice([1, 2, 3], p=[0.75, 0.15, 0.10])),
                **answers,
                "nps": int(np.clip(round(7 + 1.5 * level + rng.normal(0, 1)), 0, 10)),
                **{f"channels_{c + 1}": int(chosen[c]) for c in range(4)},
                "comment": "Travle dager, men gode kolleger." if rng.uniform() < 0.2 else "",
                "started": begin,
                "ended": begin + pd.Timedelta(seconds=int(rng.integers(120, 900))),
            })  # fmt: skip
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- Qualtrics
#: How an Excel re-save writes Qualtrics' dates: ISO as exported, US (m/d/yy h:mm) or Norwegian.
DATES = {"iso": "%Y-%m-%d %H:%M:%S", "us": "%-m/%-d/%y %-H:%M", "eu": "%d/%m/%Y %H:%M"}


def write_qualtrics(t: pd.DataFrame, path: Path, *, dates: str = "iso") -> Path:
    """Qualtrics CSV with numeric values: three header rows, metadata columns, previews and an
    unfinished response, the company as an embedded-data field of names, multi answers as
    "1,3,4", "don't know" at code 6. ``dates``: as exported (``iso``) or as an Excel re-save
    writes them (``us`` month first, ``eu`` day first)."""
    head = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
            "RecordedDate", "ResponseId", "LocationLatitude", "LocationLongitude", "UserLanguage",
            "Virksomhet", "Q2", "Q3_1", "Q3_2", "Q3_3", "Q4", "Q5", "Q6"]  # fmt: skip
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Location Latitude", "Location Longitude",
             "User Language", "Virksomhet", QUESTIONS["team"], f"Om jobben - {QUESTIONS['q1']}",
             f"Om jobben - {QUESTIONS['q2']}", f"Om jobben - {QUESTIONS['q3']}", QUESTIONS["nps"],
             QUESTIONS["channels"], QUESTIONS["comment"]]  # fmt: skip
    ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
           "_recordId", "locationLatitude", "locationLongitude", "userLanguage", "Virksomhet", "QID2", "QID3_1",
           "QID3_2", "QID3_3", "QID4", "QID5", "QID6_TEXT"]  # fmt: skip
    rows = []
    for r in t.itertuples():
        chosen = ",".join(str(c) for c in range(1, 5) if getattr(r, f"channels_{c}"))
        q = [
            6
            if getattr(r, f"q{j}") is None or pd.isna(getattr(r, f"q{j}"))
            else int(getattr(r, f"q{j}"))
            for j in (1, 2, 3)
        ]
        rows.append([r.started.strftime("%Y-%m-%d %H:%M:%S"), r.ended.strftime("%Y-%m-%d %H:%M:%S"), 0,
                     "10.0.0.1", 100, int((r.ended - r.started).total_seconds()), 1, r.ended.strftime("%Y-%m-%d %H:%M:%S"),
                     r.id, "59.91", "10.75", "NO", r.company, r.team, *q, r.nps, chosen, r.comment])  # fmt: skip
    previews = [["2025-09-30 10:00:00", "2025-09-30 10:02:00", 1, "", 100, 120, 1, "2025-09-30 10:02:00",
                 f"R_preview{i}", "", "", "NO", COMPANIES[1], 1, 3, 3, 3, 8, "1", ""] for i in range(3)]  # fmt: skip
    unfinished = [["2025-10-02 09:00:00", "2025-10-02 09:01:00", 0, "10.0.0.9", 20, 60, 0, "2025-10-09 09:01:00",
                   "R_unfinished", "", "", "NO", COMPANIES[2], "", "", "", "", "", "", ""]]  # fmt: skip
    body = pd.DataFrame(
        previews[:2] + rows[:10] + unfinished + rows[10:] + previews[2:], columns=head
    )
    import csv

    for c in ("StartDate", "EndDate", "RecordedDate"):
        body[c] = pd.to_datetime(body[c]).dt.strftime(DATES[dates])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerow(texts)
        w.writerow([json.dumps({"ImportId": i}) for i in ids])
        w.writerows(body.astype(str).replace({"nan": ""}).to_numpy().tolist())
    return path


def codebook(year: int, *, sources: dict | None = None, meta: dict | None = None, dont_know=(9,),
             delimiter: str | None = None, **top) -> dict:  # fmt: skip
    """The small questionnaire as a codebook (a dict to dump as YAML)."""
    sources = sources or {}
    agree = {c: {"nb": AGREE[c], "en": AGREE_EN[c]} for c in AGREE}
    agree.update({c: {"nb": "Vet ikke", "en": "Don't know"} for c in dont_know})

    def src(key: str) -> dict:
        return {"source": sources[key]} if key in sources else {}

    company = {
        "id": "company",
        "type": "id",
        "required": True,
        "text": {"nb": "Virksomhet", "en": "Company"},
        **src("company"),
    }
    items = [
        {"id": q, "type": "likert", "scale": "agree5", "construct": "wellbeing", "trend_id": f"PULSE.{q}",
         "text": {"nb": QUESTIONS[q], "en": QUESTIONS[q]}, **src(q)} for q in ("q1", "q2", "q3")
    ]  # fmt: skip
    items.append(
        {
            "id": "nps",
            "type": "nps",
            "scale": "nps11",
            "text": {"nb": QUESTIONS["nps"], "en": "Recommend"},
            **src("nps"),
        }
    )
    channels = {"id": "channels", "type": "multi", "text": {"nb": QUESTIONS["channels"], "en": "Channels"},
                "options": {c: {"nb": nb, "en": en} for c, (nb, en) in CHANNELS.items()}, **src("channels")}  # fmt: skip
    if delimiter:
        channels["delimiter"] = delimiter
    items.append(channels)
    items.append(
        {
            "id": "comment",
            "type": "text",
            "text": {"nb": QUESTIONS["comment"], "en": "Comment"},
            **src("comment"),
        }
    )
    cb = {
        "survey": "Trivselspuls",
        "year": year,
        "version": f"{year}.1",
        "meta": meta
        or {
            "respondent_id": "respondent_id",
            "submitted_at": "submitted_at",
            "duration": "duration_sec",
        },
        **top,
        "scales": {
            "agree5": {"min": 1, "max": 5, "labels": agree, "dont_know": list(dont_know)},
            "nps11": {
                "min": 0,
                "max": 10,
                "labels": {
                    0: {"nb": "Svært lite sannsynlig", "en": "Not at all likely"},
                    10: {"nb": "Svært sannsynlig", "en": "Extremely likely"},
                },
            },
        },  # fmt: skip
        "segments": [
            company,
            {
                "id": "team",
                "text": {"nb": QUESTIONS["team"], "en": "Team"},
                **src("team"),
                "values": {c: {"nb": nb, "en": en} for c, (nb, en) in TEAMS.items()},
            },
        ],  # fmt: skip
        "items": items,
        "constructs": {
            "wellbeing": {"min_items": 2, "label": {"nb": "Trivsel", "en": "Wellbeing"}}
        },
        "roles": {"company": "company", "job_role": "team", "enps": "nps"},
    }
    return cb


# ----------------------------------------------------------------------------- Forms / Questback
def write_forms(t: pd.DataFrame, path: Path) -> Path:
    """Microsoft Forms XLSX: ID, Start time, Completion time, Email, Name, then one column per
    question headed by its text; answers as text; multi answers "a;b;"; dates dd.mm.yyyy hh:mm."""
    out = pd.DataFrame({
        "ID": range(1, len(t) + 1),
        "Start time": t["started"].dt.strftime("%d.%m.%Y %H:%M"),
        "Completion time": t["ended"].dt.strftime("%d.%m.%Y %H:%M"),
        "Email": [f"person{i}@example.no" for i in range(len(t))],
        "Name": [f"Ansatt {i}" for i in range(len(t))],
        QUESTIONS["company"]: t["company"],
        QUESTIONS["team"]: t["team"].map(lambda c: TEAMS[c][0]),
        **{QUESTIONS[q]: t[q].map(lambda v: "Vet ikke" if v is None or pd.isna(v) else AGREE[int(v)]) for q in ("q1", "q2", "q3")},
        QUESTIONS["nps"]: t["nps"],
        QUESTIONS["channels"]: [
            "".join(f"{CHANNELS[c][0]};" for c in range(1, 5) if r[f"channels_{c}"]) for _, r in t.iterrows()
        ],
        QUESTIONS["comment"]: t["comment"].replace("", None),
    })  # fmt: skip
    out.to_excel(path, index=False, engine="openpyxl")
    return path


# ----------------------------------------------------------------------------- SurveyXact
def _surveyxact_frame(t: pd.DataFrame, never_started: int) -> pd.DataFrame:
    """SurveyXact's dataset: respondent, e-mail, start and close time, a status, s_1 ... (the
    company coded 1-4, 9 for "Vet ikke"); invited people who never started are rows too."""
    n = len(t)
    df = pd.DataFrame({
        "respondent": t["id"],
        "email": [f"person{i}@example.no" for i in range(n)],
        "starttime": t["started"],
        "closetime": t["ended"],
        "statoverall_4": 1.0,
        "s_1": t["company_code"].astype(float),
        "s_2": t["team"].astype(float),
        **{f"s_{k}": t[q].map(lambda v: 9.0 if v is None or pd.isna(v) else float(v)) for k, q in ((3, "q1"), (4, "q2"), (5, "q3"))},
        "s_6": t["nps"].astype(float),
        **{f"s_7_{c}": t[f"channels_{c}"].astype(float) for c in range(1, 5)},
        "s_8": t["comment"],
    })  # fmt: skip
    ghosts = pd.DataFrame({"respondent": [f"X{i:04d}" for i in range(never_started)],
                           "email": [f"ghost{i}@example.no" for i in range(never_started)],
                           "statoverall_4": 0.0, "s_1": 1.0})  # fmt: skip
    df = pd.concat([df.iloc[:7], ghosts, df.iloc[7:]], ignore_index=True)
    df["s_8"] = df["s_8"].fillna("")
    return df


def _surveyxact_labels() -> dict[str, dict[float, str]]:
    labels = {
        f"s_{k}": {float(c): v for c, v in AGREE.items()} | {9.0: "Vet ikke"} for k in (3, 4, 5)
    }
    labels["s_1"] = {float(c): v for c, v in COMPANIES.items()}
    labels["s_2"] = {float(c): v[0] for c, v in TEAMS.items()}
    labels["statoverall_4"] = {0.0: "Ikke startet", 1.0: "Gjennomført"}
    return labels


#: SurveyXact numbers the choices of the channels question 11-14 in columns s_7_1 ... s_7_4:
#: a column's suffix is not its choice value.
SX_CHOICE = {c: c + 10 for c in CHANNELS}


def _surveyxact_structure() -> pd.DataFrame:
    """SurveyXact's Structure: one row per question variable, one per choice of a multi."""
    rows = [("company", "s_1", "single", QUESTIONS["company"], None, None),
            ("team", "s_2", "single", QUESTIONS["team"], None, None),
            *[(f"q{k - 2}", f"s_{k}", "single", QUESTIONS[f"q{k - 2}"], None, None) for k in (3, 4, 5)],
            ("nps", "s_6", "single", QUESTIONS["nps"], None, None),
            *[("channels", f"s_7_{c}", "multiple", QUESTIONS["channels"], SX_CHOICE[c], CHANNELS[c][0]) for c in CHANNELS],
            ("comment", "s_8", "open", QUESTIONS["comment"], None, None)]  # fmt: skip
    return pd.DataFrame(rows, columns=["questionName", "variableName", "questionType", "questionText",
                                       "choiceValue", "choiceText"])  # fmt: skip


def _labels_rows() -> pd.DataFrame:
    return pd.DataFrame(
        [(var, int(code), label) for var, codes in _surveyxact_labels().items() for code, label in codes.items()]
    )  # fmt: skip


def write_surveyxact_sav(t: pd.DataFrame, path: Path, never_started: int = 6) -> Path:
    """SurveyXact-style SPSS: s_1 ... names, question texts as variable labels, Norwegian value
    labels, 9 as user-missing "Vet ikke", the company coded 1-4 with labels, e-mail, start and
    close time, a status; invited people who never started are rows too."""
    import pyreadstat

    df = _surveyxact_frame(t, never_started)
    column_labels = [None, "E-post", "Starttid", "Sluttid", "Status", QUESTIONS["company"], QUESTIONS["team"],
                     QUESTIONS["q1"], QUESTIONS["q2"], QUESTIONS["q3"], QUESTIONS["nps"],
                     *[f"{QUESTIONS['channels']} - {CHANNELS[c][0]}" for c in range(1, 5)], QUESTIONS["comment"]]  # fmt: skip
    pyreadstat.write_sav(df, str(path), column_labels=column_labels, variable_value_labels=_surveyxact_labels(),
                         missing_ranges={f"s_{k}": [9.0] for k in (3, 4, 5)})  # fmt: skip
    return path


def write_surveyxact_xlsx(t: pd.DataFrame, path: Path, never_started: int = 6) -> Path:
    """SurveyXact's XLSX: the dataset split over sheets ``Dataset(1)`` and ``Dataset(2)``
    (joined column-wise), ``Structure`` and ``Labels`` (no header); the channels question's
    choices are 11-14 in columns s_7_1 ... s_7_4."""
    df = _surveyxact_frame(t, never_started)
    cut = df.columns.get_loc("s_3")
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        df.iloc[:, :cut].to_excel(xl, sheet_name="Dataset(1)", index=False)
        df.iloc[:, cut:].to_excel(xl, sheet_name="Dataset(2)", index=False)
        _surveyxact_structure().to_excel(xl, sheet_name="Structure", index=False)
        _labels_rows().to_excel(xl, sheet_name="Labels", index=False, header=False)
    return path


def write_surveyxact_csv(t: pd.DataFrame, folder: Path, never_started: int = 6) -> Path:
    """SurveyXact's CSV: the same as three files, dataset.csv, structure.csv and labels.csv
    (";"-separated, UTF-8 with BOM, dates dd.mm.yyyy hh:mm:ss)."""
    df = _surveyxact_frame(t, never_started)
    for c in ("starttime", "closetime"):
        df[c] = pd.to_datetime(df[c]).dt.strftime("%d.%m.%Y %H:%M:%S")
    num = [c for c in df.columns if c.startswith("s_") and c != "s_8"] + ["statoverall_4"]
    df[num] = df[num].astype("Int64")
    df.to_csv(folder / "dataset.csv", sep=";", index=False, encoding="utf-8-sig")
    _surveyxact_structure().astype({"choiceValue": "Int64"}).to_csv(
        folder / "structure.csv", sep=";", index=False, encoding="utf-8-sig"
    )
    _labels_rows().to_csv(
        folder / "labels.csv", sep=";", index=False, header=False, encoding="utf-8-sig"
    )
    return folder / "dataset.csv"


# ----------------------------------------------------------------------------- Excel re-save
def write_excel_csv(t: pd.DataFrame, path: Path) -> Path:
    """Our own layout re-saved by Excel in Norway: cp1252, ";", CRLF, padded cells, a trailing
    empty column, "Vet ikke" typed into numeric columns, multi options as 0/1 columns."""
    out = pd.DataFrame({
        "respondent_id": t["id"],
        "submitted_at": t["ended"].dt.strftime("%d.%m.%Y %H:%M"),
        "duration_sec": ((t["ended"] - t["started"]).dt.total_seconds()).map(lambda s: f"{s:.1f}".replace(".", ",")),
        "company": " " + t["company"] + " ",
        "team": t["team"].astype(str),
        **{q: t[q].map(lambda v: "Vet ikke" if v is None or pd.isna(v) else f" {int(v)}") for q in ("q1", "q2", "q3")},
        "nps": t["nps"].astype(str),
        **{f"channels_{c}": t[f"channels_{c}"].astype(str) for c in range(1, 5)},
        "comment": t["comment"],
        "": "",
    })  # fmt: skip
    path.write_bytes(out.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1252"))
    return path
