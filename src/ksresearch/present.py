"""What a report shows, in Norwegian (``nb``, the default) or English (``en``).

Notebooks call these to show headings, short texts, tables and the provenance; the notebook
code itself is hidden in the published HTML. Numbers are formatted the Norwegian way in
``nb`` (decimal comma, a narrow space between thousands, "12,3 %").
"""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import config

__all__ = [
    "LANGS",
    "TEXTS",
    "LABELS",
    "text",
    "slug",
    "heading",
    "say",
    "fmt_number",
    "table",
    "provenance",
    "names",
]

LANGS = ("nb", "en")
_TABLES = itertools.count()

#: Column labels shared by every table.
LABELS: dict[str, dict[str, str]] = {
    "n": {"nb": "Antall svar", "en": "Respondents"},
    "n_shown": {"nb": "Antall svar", "en": "Respondents"},
    "mean": {"nb": "Snitt", "en": "Mean"},
    "share": {"nb": "Andel", "en": "Share"},
    "ci_low": {"nb": "KI nedre", "en": "CI low"},
    "ci_high": {"nb": "KI øvre", "en": "CI high"},
    "p": {"nb": "p", "en": "p"},
    "p_adj": {"nb": "p (justert)", "en": "p (adjusted)"},
    "diff": {"nb": "Forskjell", "en": "Difference"},
    "diff_low": {"nb": "KI nedre", "en": "CI low"},
    "diff_high": {"nb": "KI øvre", "en": "CI high"},
    "adjusted_diff": {"nb": "Forskjell innen virksomhet", "en": "Difference within companies"},
    "adjusted_low": {"nb": "KI nedre", "en": "CI low"},
    "adjusted_high": {"nb": "KI øvre", "en": "CI high"},
    "hedges_g": {"nb": "Effektstørrelse (g)", "en": "Effect size (g)"},
    "comparable": {"nb": "Sammenlignbar måling", "en": "Comparable measurement"},
    "share_of_r2": {"nb": "Andel av forklart varians", "en": "Share of explained variance"},
    "rank": {"nb": "Rang", "en": "Rank"},
    "company": {"nb": "Virksomheten", "en": "The company"},
    "pool": {"nb": "Alle andre", "en": "All others"},
    "percentile": {"nb": "Persentil blant virksomheter", "en": "Percentile among companies"},
    "assessment": {"nb": "Vurdering", "en": "Assessment"},
    "value": {"nb": "Verdi", "en": "Value"},
    "rows": {"nb": "Rader", "en": "Rows"},
    "label": {"nb": "Mål", "en": "Measure"},
    "turnover_index": {"nb": "Turnoverintensjon (0–100)", "en": "Turnover intention (0–100)"},
    "quit_share": {"nb": "Vil søke ny jobb", "en": "Plan to look for a job"},
    "attractiveness_index": {"nb": "Attraktivitet (0–100)", "en": "Attractiveness (0–100)"},
    "user_share": {"nb": "Bruker KI", "en": "Use AI"},
    "weekly_share": {"nb": "Ukentlig eller oftere", "en": "Weekly or more"},
    "daily_share": {"nb": "Daglig", "en": "Daily"},
    "usefulness_index": {"nb": "Opplevd nytte (0–100)", "en": "Usefulness (0–100)"},
    "agree_share": {"nb": "Enig", "en": "Agree"},
    "disagree_share": {"nb": "Uenig", "en": "Disagree"},
    "selfservice_index": {
        "nb": "Effekt av selvbetjening (0–100)",
        "en": "Effect of self-service (0–100)",
    },
    "more_complex_share": {"nb": "Mer komplekse saker", "en": "More complex cases"},
    "odds_ratio": {"nb": "Oddsratio (per standardavvik)", "en": "Odds ratio (per SD)"},
    "r": {"nb": "Korrelasjon", "en": "Correlation"},
    "mean_previous": {"nb": "I fjor", "en": "Last year"},
    "mean_current": {"nb": "I år", "en": "This year"},
    "change": {"nb": "Endring", "en": "Change"},
    "change_low": {"nb": "KI nedre", "en": "CI low"},
    "change_high": {"nb": "KI øvre", "en": "CI high"},
    "alpha": {"nb": "Alfa", "en": "Alpha"},
    "omega_total": {"nb": "Omega", "en": "Omega"},
    "n_items": {"nb": "Spørsmål", "en": "Questions"},
    "importance": {"nb": "Viktighet", "en": "Importance"},
    "performance": {"nb": "Resultat (0–100)", "en": "Score (0–100)"},
    "quadrant": {"nb": "Prioritet", "en": "Priority"},
    "verdict": {"nb": "Invarians", "en": "Invariance"},
    "n_company": {"nb": "Svar", "en": "Answers"},
    "enps": {"nb": "eNPS", "en": "eNPS"},
}

#: Report texts: headings, short explanations and captions.
TEXTS: dict[str, dict[str, str]] = {
    "report.title": {"nb": "KS medarbeiderindeks {year}", "en": "KS employee index {year}"},
    "report.subtitle": {"nb": "Fellesrapport for kundesentre som deltok i {year}",
                        "en": "General report for the customer centres taking part in {year}"},
    "report.toc": {"nb": "Innhold", "en": "Contents"},
    "report.suppressed": {"nb": "Grupper med færre enn {m} svar vises ikke («< {m}»), heller ikke når de kan regnes ut fra andre tall.",
                          "en": "Groups with fewer than {m} answers are not shown («< {m}»), nor when they could be worked out from other figures."},
    "quality.title": {"nb": "Datagrunnlag og svarkvalitet", "en": "Data and response quality"},
    "quality.intro": {"nb": "Alle svar er kontrollert mot spørreskjemaet. Ugyldige rader er satt til side med begrunnelse, og svar som tyder på lite oppmerksomhet er holdt utenfor analysene.",
                      "en": "Every answer was checked against the questionnaire. Invalid rows were set aside with a reason, and answers suggesting little attention are left out of the analyses."},
    "quality.counts": {"nb": "Svar og kontroller", "en": "Responses and checks"},
    "quality.by_industry": {"nb": "Svar etter bransje", "en": "Responses by industry"},
    "quality.by_size": {"nb": "Svar etter størrelse på kundesenteret", "en": "Responses by size of the customer centre"},
    "measurement.title": {"nb": "Måling: pålitelighet og faktorstruktur", "en": "Measurement: reliability and factor structure"},
    "measurement.intro": {"nb": "Hvert tema måles med flere spørsmål. Her vises hvor samstemte spørsmålene er (alfa og omega), og om de måler det de skal (faktoranalyse).",
                          "en": "Each theme is measured by several questions. Here we show how consistent the questions are (alpha and omega) and whether they measure what they should (factor analysis)."},
    "measurement.reliability": {"nb": "Pålitelighet per tema", "en": "Reliability per theme"},
    "measurement.structure": {"nb": "Faktorstruktur", "en": "Factor structure"},
    "measurement.structure_text": {"nb": "Parallellanalyse foreslår {k} faktorer for {c} temaer. Konfirmatorisk faktoranalyse: CFI = {cfi}, RMSEA = {rmsea}, SRMR = {srmr}.",
                                   "en": "Parallel analysis suggests {k} factors for {c} themes. Confirmatory factor analysis: CFI = {cfi}, RMSEA = {rmsea}, SRMR = {srmr}."},
    "measurement.invariance": {"nb": "Sammenlignbarhet mellom turnus og ikke turnus", "en": "Comparability between shift and non-shift workers"},
    "turnover.title": {"nb": "Turnover: hva får medarbeidere til å ville slutte?", "en": "Turnover: what makes employees want to leave?"},
    "turnover.intro": {"nb": "Turnoverintensjon måles med tre spørsmål, blant annet om man planlegger å søke ny jobb innen 12 måneder. Viktigheten av hvert tema er beregnet med dominansanalyse: hvor mye av den forklarte variansen temaet står for.",
                       "en": "Turnover intention is measured by three questions, among them whether one plans to look for another job within 12 months. The importance of each theme is computed by dominance analysis: how much of the explained variance it accounts for."},
    "turnover.drivers": {"nb": "Drivere for turnoverintensjon", "en": "Drivers of turnover intention"},
    "turnover.drivers_caption": {"nb": "Andel av forklart varians (R² = {r2}) med 95 % konfidensintervall fra {b} trekninger av virksomheter og medarbeidere.",
                                 "en": "Share of explained variance (R² = {r2}) with 95 % confidence intervals from {b} resamples of companies and employees."},
    "turnover.by_role": {"nb": "Turnoverintensjon etter rolle", "en": "Turnover intention by role"},
    "turnover.by_tenure": {"nb": "Turnoverintensjon etter ansiennitet", "en": "Turnover intention by tenure"},
    "turnover.education": {"nb": "Relevant utdanning, involvering og turnover", "en": "Relevant education, involvement and turnover"},
    "turnover.priority": {"nb": "Prioriteringsmatrise", "en": "Priority matrix"},
    "ai.title": {"nb": "Kunstig intelligens og språkmodeller", "en": "AI and large language models"},
    "ai.intro": {"nb": "Nytt i år: hvor utbredt er bruken av KI-verktøy, hva brukes de til, og hvor nyttige oppleves de?",
                 "en": "New this year: how widespread is the use of AI tools, what are they used for, and how useful are they found?"},
    "ai.by_industry": {"nb": "Bruk av KI etter bransje", "en": "AI use by industry"},
    "ai.by_size": {"nb": "Bruk av KI etter størrelse på kundesenteret", "en": "AI use by size of the customer centre"},
    "ai.use_cases": {"nb": "Hva KI brukes til (blant brukerne)", "en": "What AI is used for (among users)"},
    "ai.usefulness": {"nb": "Opplevd nytte blant brukerne, etter rolle", "en": "Perceived usefulness among users, by role"},
    "ai.association": {"nb": "Brukere og ikke-brukere sammenlignet", "en": "Users and non-users compared"},
    "competence.title": {"nb": "Kompetanse og utdanning", "en": "Competence and education"},
    "competence.intro": {"nb": "I fjor mente mange at den formelle utdanningen ikke er relevant for jobben. Her følges dette opp.",
                         "en": "Last year many said their formal education is not relevant to the job. This follows it up."},
    "competence.relevance": {"nb": "«Min formelle utdanning er relevant for jobben min»", "en": "«My formal education is relevant to my job»"},
    "competence.by_education": {"nb": "Etter utdanningsnivå", "en": "By level of education"},
    "competence.links": {"nb": "Sammenhenger med attraktivitet og turnover", "en": "Links with attractiveness and turnover"},
    "shift.title": {"nb": "Turnus", "en": "Shift work"},
    "shift.intro": {"nb": "Turnus er vanligere i noen virksomheter enn andre. Derfor vises både den rå forskjellen og forskjellen innen samme virksomhet.",
                    "en": "Shift work is more common in some companies than others, so both the raw difference and the difference within the same company are shown."},
    "shift.comparison": {"nb": "Turnus sammenlignet med ikke turnus (indeks 0–100)", "en": "Shift work compared with no shift work (index 0–100)"},
    "selfservice.title": {"nb": "Selvbetjening og kundedialogen", "en": "Self-service and the customer dialogue"},
    "selfservice.intro": {"nb": "Hvordan endrer apper og nettsider samtalene med kundene?", "en": "How do apps and web pages change the conversations with customers?"},
    "selfservice.by_industry": {"nb": "Selvbetjeningens effekt etter bransje", "en": "Effect of self-service by industry"},
    "trends.title": {"nb": "Utvikling fra i fjor", "en": "Change since last year"},
    "trends.intro": {"nb": "Endringer vises bare der målingen er sammenlignbar mellom årene (målingsinvarians).",
                     "en": "Changes are shown only where the measurement is comparable between the years (measurement invariance)."},
    "trends.none": {"nb": "Ingen tidligere årgang er tilgjengelig.", "en": "No earlier year is available."},
    "trends.constructs": {"nb": "Temaer (indeks 0–100)", "en": "Themes (index 0–100)"},
    "size.title": {"nb": "Resultater etter størrelse på kundesenteret", "en": "Results by size of the customer centre"},
    "benchmark.title": {"nb": "{company}: resultater sammenlignet med alle andre", "en": "{company}: results compared with all others"},
    "benchmark.intro": {"nb": "Virksomhetens resultater sammenlignes med alle andre deltakende virksomheter i {year}. Ingen andre virksomheter navngis.",
                        "en": "The company's results are compared with all other companies taking part in {year}. No other company is named."},
    "benchmark.table": {"nb": "Temaer og nøkkeltall", "en": "Themes and key figures"},
    "benchmark.figure": {"nb": "Forskjell fra alle andre (med 95 % konfidensintervall)", "en": "Difference from all others (with 95 % confidence interval)"},
    "benchmark.strengths": {"nb": "Styrker og forbedringsområder", "en": "Strengths and areas to improve"},
    "benchmark.drivers": {"nb": "Hva driver turnoverintensjonen hos dere?", "en": "What drives turnover intention with you?"},
    "benchmark.drivers_small": {"nb": "For få svar til en egen driveranalyse; se fellesrapporten.",
                                "en": "Too few answers for a company-specific driver analysis; see the general report."},
    "benchmark.weighting": {"nb": "Alle andre er vektet per {w}.", "en": "All others are weighted per {w}."},
    "about.title": {"nb": "Om rapporten", "en": "About this report"},
    "strength": {"nb": "Styrke", "en": "Strength"},
    "weakness": {"nb": "Forbedringsområde", "en": "Area to improve"},
    "on par": {"nb": "På nivå", "en": "On par"},
    "respondent": {"nb": "medarbeider", "en": "respondent"},
    "improve": {"nb": "Forbedre", "en": "Improve"},
    "maintain": {"nb": "Opprettholde", "en": "Maintain"},
    "monitor": {"nb": "Følge med", "en": "Monitor"},
    "lower priority": {"nb": "Lavere prioritet", "en": "Lower priority"},
    "scalar": {"nb": "Full (skalar)", "en": "Full (scalar)"},
    "metric": {"nb": "Delvis (metrisk)", "en": "Partial (metric)"},
    "configural": {"nb": "Svak (konfigural)", "en": "Weak (configural)"},
    "none": {"nb": "Ingen", "en": "None"},
    "not testable": {"nb": "Kan ikke testes", "en": "Not testable"},
    "not reported (too few answers)": {"nb": "For få svar", "en": "Too few answers"},
    "level.low": {"nb": "lav (1–2)", "en": "low (1–2)"},
    "level.neutral": {"nb": "nøytral (3)", "en": "neutral (3)"},
    "level.high": {"nb": "høy (4–5)", "en": "high (4–5)"},
    "step.raw": {"nb": "Rader i eksporten", "en": "Rows in the export"},
    "step.quarantined": {"nb": "Satt til side", "en": "Set aside"},
    "step.kept": {"nb": "Beholdt", "en": "Kept"},
    "step.analysed": {"nb": "Svar i analysene", "en": "Answers analysed"},
    "step.companies": {"nb": "Virksomheter", "en": "Companies"},
    "step.duplicate_id": {"nb": "dobbel innsending", "en": "duplicate submission"},
    "step.out_of_range": {"nb": "ugyldig svarkode", "en": "invalid answer code"},
    "step.unparseable": {"nb": "uleselig verdi", "en": "unreadable value"},
    "step.missing_required": {"nb": "mangler påkrevd verdi", "en": "required value missing"},
    "step.invalid": {"nb": "ugyldig verdi", "en": "invalid value"},
    "step.straightliner": {"nb": "samme svar på alt", "en": "same answer to everything"},
    "step.speeder": {"nb": "svært rask besvarelse", "en": "very fast completion"},
    "step.duplicate_answers": {"nb": "identiske svar", "en": "identical answers"},
    "step.flagged": {"nb": "Holdt utenfor", "en": "Left out"},
    "quality.steps": {"nb": "Rader i eksporten, rader satt til side og svar i analysene", "en": "Rows in the export, rows set aside and answers analysed"},
    "ai.not_asked": {"nb": "Ikke spurt om i {year}.", "en": "Not asked in {year}."},
    "yes": {"nb": "Ja", "en": "Yes"},
    "no": {"nb": "Nei", "en": "No"},
}  # fmt: skip


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'nb' or 'en', got {lang!r}")
    return lang


def text(key: str, lang: str = "nb", **values: object) -> str:
    """The report text ``key`` in ``lang`` with ``values`` filled in.

    Examples
    --------
    >>> text("report.title", "en", year=2025)
    'KS employee index 2025'
    """
    entry = TEXTS.get(key) or LABELS.get(key)
    if entry is None:
        raise KeyError(f"no report text {key!r}")
    return entry[_lang(lang)].format(**values)


def slug(title: str) -> str:
    """An anchor id for a heading.

    Examples
    --------
    >>> slug("Turnover: hva får medarbeidere til å ville slutte?")
    'turnover-hva-får-medarbeidere-til-å-ville-slutte'
    """
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")


class _HTML:
    """A piece of HTML that Jupyter displays as such."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return re.sub(r"<[^>]+>", "", self.html)


def heading(title: str, level: int = 2) -> _HTML:
    """A section heading with a stable anchor (used for the table of contents)."""
    if level not in (1, 2, 3):
        raise ValueError(f"level must be 1, 2 or 3, got {level}")
    from html import escape

    return _HTML(f'<h{level} id="{slug(title)}" class="ks-heading">{escape(title)}</h{level}>')


def say(key: str, lang: str = "nb", **values: object) -> _HTML:
    """A short paragraph of report text."""
    from html import escape

    return _HTML(f'<p class="ks-text">{escape(text(key, lang, **values))}</p>')


def fmt_number(x: object, lang: str = "nb", decimals: int = 1, percent: bool = False) -> str:
    """A number as a reader expects it: ``12 345,6`` and ``12,3 %`` in nb.

    Examples
    --------
    >>> fmt_number(12345.678, "nb"), fmt_number(0.123, "nb", percent=True), fmt_number(0.123, "en", percent=True)
    ('12\\u202f345,7', '12,3\\xa0%', '12.3%')
    >>> fmt_number(-0.04, "nb")
    '0,0'
    """
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return "–"
    if isinstance(x, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        return text("yes" if x else "no", lang)
    value = float(x) * (100 if percent else 1)
    value = round(value, decimals) + 0.0  # no "-0,0" for tiny negative numbers
    s = f"{value:,.{decimals}f}"
    if _lang(lang) == "nb":
        s = s.replace(",", "\u202f").replace(".", ",")
        return s + ("\u00a0%" if percent else "")
    return s + ("%" if percent else "")


def table(
    df: pd.DataFrame,
    lang: str = "nb",
    *,
    columns: dict[str, str] | list[str] | None = None,
    percent: list[str] | tuple[str, ...] = (),
    decimals: int | dict[str, int] = 1,
    index_labels: dict | None = None,
    index_name: str | None = None,
    caption: str | None = None,
    min_n: int | None = None,
    translate: list[str] | tuple[str, ...] = ("assessment", "quadrant", "verdict"),
):
    """A formatted table for a report (values of the ``translate`` columns, such as
    "strength", are shown in the report's language).

    Parameters
    ----------
    df : DataFrame
        A library result (possibly with ``n_shown``/``suppressed`` from the minimum-group rule).
    lang : {"nb", "en"}
    columns : dict or list, optional
        Columns to show, in order; a dict maps column -> header (default headers from
        :data:`LABELS`). ``n`` is shown as ``n_shown`` ("< 5") when present.
    percent : list of str
        Columns holding shares (0-1) shown as percentages.
    decimals : int or dict
        Decimals, overall or per column.
    index_labels : dict, optional
        Labels for the row index values.
    index_name : str, optional
        Header of the index column.
    caption : str, optional
        Caption above the table; a note on suppressed groups is added when rows were hidden.
    min_n : int, optional
        The minimum group size in force (for the note).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    lang = _lang(lang)
    d = df.copy()
    if "n_shown" in d.columns and "n" in d.columns:  # "< 5" where hidden, the count elsewhere
        d["n"] = d["n"].astype(object).where(d["n"].notna(), d["n_shown"])
    if columns is None:
        columns = [c for c in d.columns if c not in ("n_shown", "suppressed")]
    headers = (
        columns
        if isinstance(columns, dict)
        else {c: LABELS.get(c, {}).get(lang, c) for c in columns}
    )
    missing = [c for c in headers if c not in d.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    for col in translate:
        if col in d.columns:
            d[col] = d[col].map(
                lambda v: TEXTS[v][lang] if isinstance(v, str) and v in TEXTS else v
            )
    shown = d[list(headers)].rename(columns=headers)
    if index_labels and isinstance(shown.index, pd.MultiIndex):
        shown.index = [" – ".join(str(index_labels.get(v, v)) for v in key) for key in shown.index]
    elif index_labels:
        shown.index = [index_labels.get(i, i) for i in shown.index]
    shown.index.name = index_name or None  # an empty name would add an empty header row
    formatters = {}
    for col, head in headers.items():
        whole = pd.api.types.is_integer_dtype(d[col].dtype)  # counts never get decimals
        dec = (
            decimals.get(col, 0 if whole else 1)
            if isinstance(decimals, dict)
            else (0 if whole else decimals)
        )
        formatters[head] = lambda v, dec=dec, pct=col in percent: fmt_number(v, lang, dec, pct)
        if col == "n":
            formatters[head] = lambda v: v if isinstance(v, str) else fmt_number(v, lang, 0)
    # a stable, unique element id: the table's labels plus its place in the run (no random uuid)
    digest = hashlib.sha1(repr((list(shown.columns), list(shown.index))).encode()).hexdigest()
    styler = (
        shown.style.format(formatters)
        .set_table_attributes('class="ks-table"')
        .set_uuid(f"ks{digest[:6]}{next(_TABLES)}")
    )
    notes = [caption] if caption else []
    if "suppressed" in d.columns and (d["suppressed"].fillna("") != "").any():
        notes.append(text("report.suppressed", lang, m=min_n or config.MIN_GROUP_SIZE))
    if notes:
        styler = styler.set_caption(" ".join(notes))
    return (
        styler.hide(axis="index")
        if index_name is None and isinstance(shown.index, pd.RangeIndex)
        else styler
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(survey, parameters: dict, lang: str = "nb") -> pd.DataFrame:
    """Where a report's numbers come from: year, codebook version and checksum, checksum of the
    processed data, package version, the notebook parameters and the time of the run (UTC)."""
    from . import __version__

    data = getattr(survey, "path", None)
    data_sha = _sha256(Path(data) / "responses.parquet") if data else ""
    rows = {
        ("År", "Year"): str(survey.year),
        ("Spørreskjema (versjon)", "Codebook (version)"): survey.codebook.version,
        ("Spørreskjema (sha256)", "Codebook (sha256)"): survey.codebook.checksum[:16],
        ("Data (sha256)", "Data (sha256)"): data_sha[:16],
        ("ksresearch", "ksresearch"): __version__,
        ("Parametere", "Parameters"): ", ".join(f"{k}={v!r}" for k, v in parameters.items()),
        ("Kjørt (UTC)", "Run (UTC)"): datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    i = LANGS.index(_lang(lang))
    return pd.DataFrame({text("value", lang): list(rows.values())}, index=[k[i] for k in rows])


def names(codebook, lang: str = "nb") -> dict[str, str]:
    """Readable names for table rows and figure labels: constructs and their ``_index``
    columns, items (question text), and the measures of the benchmark.

    Examples
    --------
    >>> from ksresearch import config, load_codebook
    >>> names(load_codebook(config.codebook_path(2025)), "en")["involvement_index"]
    'Involvement'
    """
    out: dict[str, str] = {}
    for item in codebook.items:
        out[item.id] = item.text.get(lang)
    for c, con in codebook.constructs.items():
        out[c] = out[f"{c}_index"] = con.label.get(lang)
    out["edu_rel"] = out["education_relevance"] = {
        "nb": "Relevant utdanning",
        "en": "Relevant education",
    }[_lang(lang)]
    for level in ("low", "neutral", "high"):
        out[level] = text(f"level.{level}", lang)
    for key in ("quit_intent", "edu_relevant", "ai_user", "enps"):
        out[key] = LABELS.get(key, {}).get(lang, key)
    return out


def step_names(steps, lang: str = "nb") -> dict[str, str]:
    """Readable names of :func:`ksresearch.response_summary` steps ("quarantined: duplicate_id"
    -> "Satt til side: dobbel innsending").

    Examples
    --------
    >>> step_names(["raw", "flagged: speeder"], "en")
    {'raw': 'Rows in the export', 'flagged: speeder': 'Left out: very fast completion'}
    """
    out = {}
    for step in steps:
        head, _, detail = step.partition(": ")
        label = text(f"step.{head}", lang)
        out[step] = f"{label}: {text(f'step.{detail}', lang)}" if detail else label
    return out
