"""A synthetic KS employee-index survey with a known truth.

Respondents are generated from latent constructs with set correlations, item loadings and
company effects; turnover intention is a linear function of the constructs with set weights;
shift workers are more stressed (within their company, while shift work is concentrated in
some companies); AI use varies by industry and centre size; formal-education relevance is low.
The export carries the mess a real survey tool produces: item non-response, "don't know",
straight-liners, speeders and duplicate submissions.

Everything the generator decides is written to ``truth.json`` so that tests can check that
the analyses recover it.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import config
from .codebook import Codebook, load_codebook

__all__ = ["SynthSurvey", "generate", "write_export", "write_synth", "example_survey", "LATENTS",
           "TURNOVER_WEIGHTS"]  # fmt: skip

#: Latent variables behind the items (``edu_rel`` is a single-item latent).
LATENTS = [
    "motivation",
    "satisfaction",
    "culture",
    "leadership",
    "involvement",
    "development",
    "technology",
    "stress",
    "attractiveness",
    "edu_rel",
]
# Loading of each latent on a general "engagement" factor: corr(i, j) = g_i * g_j.
_GENERAL = dict(
    motivation=0.75,
    satisfaction=0.80,
    culture=0.65,
    leadership=0.60,
    involvement=0.65,
    development=0.70,
    technology=0.45,
    stress=-0.45,
    attractiveness=0.60,
    edu_rel=0.30,
)
#: Standardised weights of the latents on turnover intention (within the population).
TURNOVER_WEIGHTS = dict(
    motivation=0.0,
    satisfaction=-0.06,
    culture=0.0,
    leadership=-0.04,
    involvement=-0.36,
    development=-0.12,
    technology=0.0,
    stress=0.24,
    attractiveness=-0.10,
    edu_rel=-0.10,
)
# Centre of each item's answers on the 1-5 scale (before reverse keying).
_ITEM_MEAN = dict(
    motivation=3.9,
    satisfaction=4.0,
    culture=3.9,
    leadership=4.1,
    involvement=2.8,
    development=3.2,
    technology=3.3,
    stress=3.3,
    attractiveness=2.7,
    edu_rel=2.2,
    turnover_intention=2.6,
    ai_usefulness=3.6,
    selfservice=3.5,
)
_LOADINGS = (0.80, 0.72, 0.66, 0.60)
#: the default theme dictionary of comments, copied beside a synthetic year's codebook
THEMES = Path(__file__).parent / "lexicon" / "themes.yaml"
_COMPANY_SD = 0.30  # sd of company effects on every latent (ICC about 0.08)
_SHIFT_STRESS = 0.40  # within-company effect of shift work on latent stress (sd units)
_SHIFT_CONFOUND = (
    -0.80
)  # company stress effect per unit of shift share (centred): confounds raw gaps
_INDUSTRY_AI = {
    1: 0.6,
    2: 0.3,
    3: 0.9,
    4: -0.2,
    5: -0.9,
    6: -0.6,
    7: 0.4,
    8: -0.3,
}  # logit of AI use
_SIZE_AI = 0.35  # logit change per centre-size band
_INDUSTRY_SHIFT = {1: 0.05, 2: 0.05, 3: 0.45, 4: 0.40, 5: 0.75, 6: 0.25, 7: 0.20, 8: 0.15}
_INDUSTRY_SS = {1: 0.4, 2: 0.2, 3: 0.3, 4: 0.0, 5: -0.3, 6: -0.2, 7: 0.5, 8: 0.0}  # self-service
_YEAR_SHIFT = {2025: dict(involvement=0.10, technology=0.15)}  # latent mean change vs 2024
_SIZE_BANDS = [(0, 10), (10, 50), (50, 100), (100, 250), (250, 1000), (1000, 10**6)]

_NAME_A = [
    "Nord",
    "Fjell",
    "Vik",
    "Bølge",
    "Lys",
    "Havn",
    "Skog",
    "Elv",
    "Stjerne",
    "Berg",
    "Sol",
    "Fjord",
]
_NAME_B = [
    "kraft",
    "tel",
    "bank",
    "reise",
    "forsikring",
    "handel",
    "data",
    "energi",
    "linje",
    "hjelp",
]


@dataclass
class SynthSurvey:
    """A generated survey: the export as a survey tool writes it, its codebook and the truth."""

    responses: pd.DataFrame
    codebook: Codebook
    truth: dict


def _corr() -> np.ndarray:
    g = np.array([_GENERAL[k] for k in LATENTS])
    r = np.outer(g, g)
    np.fill_diagonal(r, 1.0)
    return r


def _lmg(cov: np.ndarray, beta: np.ndarray, noise_var: float) -> tuple[np.ndarray, float]:
    """Population general dominance (LMG) of each predictor of ``y = X beta + e``, by brute
    force over all subsets; returns the shares (summing to R²) and R²."""
    p = len(beta)
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    var_y = beta @ cov @ beta + noise_var
    c = (cov @ beta) / sd / np.sqrt(var_y)  # corr(predictor, y)

    def r2(idx: tuple[int, ...]) -> float:
        if not idx:
            return 0.0
        ix = list(idx)
        return float(c[ix] @ np.linalg.solve(r[np.ix_(ix, ix)], c[ix]))

    weights = np.zeros(p)
    for k in range(p):
        others = [j for j in range(p) if j != k]
        for size in range(p):
            for s in itertools.combinations(others, size):
                weights[k] += (r2(tuple(sorted(s + (k,)))) - r2(s)) / (p * math.comb(p - 1, size))
    return weights, r2(tuple(range(p)))


def _companies(n_companies: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 1])
    names = [a + b for a, b in itertools.product(_NAME_A, _NAME_B)]
    rng.shuffle(names)
    if n_companies > len(names):
        raise ValueError(f"at most {len(names)} synthetic companies, asked for {n_companies}")
    industry = rng.choice(
        np.arange(1, 9), size=n_companies, p=[0.2, 0.1, 0.12, 0.1, 0.12, 0.16, 0.12, 0.08]
    )
    employees = (
        np.exp(rng.normal(np.log(70), 1.1, size=n_companies)).round().clip(4, 1500).astype(int)
    )
    band = np.searchsorted([b[1] for b in _SIZE_BANDS], employees, side="right") + 1
    shift_share = np.clip([_INDUSTRY_SHIFT[i] + rng.normal(0, 0.1) for i in industry], 0, 0.95)
    effects = rng.normal(0, _COMPANY_SD, size=(n_companies, len(LATENTS)))
    s = LATENTS.index("stress")
    effects[:, s] += _SHIFT_CONFOUND * (shift_share - shift_share.mean())
    return pd.DataFrame(
        {
            "company": [f"{n} AS" for n in names[:n_companies]],
            "industry": industry,
            "employees": employees,
            "centre_size": band,
            "shift_share": shift_share,
            "effects": list(effects),
        }
    )


def _respondents_per_company(companies: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    n = np.maximum(
        3, np.round(companies["employees"] * rng.uniform(0.3, 0.7, len(companies)))
    ).astype(int)
    n = np.minimum(n, 400)
    # Always a couple of companies below the anonymity minimum.
    n[: min(2, len(n))] = [3, 4][: min(2, len(n))]
    return n


def _likert(
    latent: np.ndarray, loading: float, mean: float, rng: np.random.Generator, reverse: bool
) -> np.ndarray:
    star = loading * latent + np.sqrt(1 - loading**2) * rng.standard_normal(len(latent))
    x = np.clip(np.round(mean + 1.0 * star), 1, 5)
    return 6 - x if reverse else x


def generate(
    year: int,
    seed: int = 2025,
    n_companies: int = 30,
    codebook: Codebook | None = None,
    item_bias: dict[str, float] | None = None,
) -> SynthSurvey:
    """Generate one year of the synthetic survey.

    Parameters
    ----------
    year : int
        Survey year; its codebook decides which questions exist.
    seed : int
        Random seed: the same seed gives the same companies in every year and the same file.
    n_companies : int
        Number of companies taking part (two of them always fall below the anonymity minimum).
    codebook : Codebook, optional
        Defaults to the repository's ``data/raw/<year>/codebook.yaml``.
    item_bias : dict, optional
        ``{item: shift}`` added to those items' answers (scale points, before rounding) in this
        year only: item bias that breaks scalar measurement invariance across years.

    Returns
    -------
    SynthSurvey
        ``responses`` in export coding (codes, "don't know" as its code, blanks as missing,
        duplicate submissions included), ``codebook`` and ``truth``.

    Examples
    --------
    >>> s = generate(2025, seed=1, n_companies=8)
    >>> s.truth["turnover"]["order"][0]
    'involvement'
    >>> s.responses["company"].nunique()
    8
    """
    cb = _check_generate(year, n_companies, codebook, item_bias)
    rng = np.random.default_rng([seed, year])
    comp = _companies(n_companies, seed)
    n_per = _respondents_per_company(comp, rng)
    c = comp.iloc[np.repeat(np.arange(n_companies), n_per)].reset_index(drop=True)
    seg = _background(c, rng)
    r = _corr()
    latent_of, z, explained = _latents(c, seg, r, year, rng)
    ai_user = _ai_users(c, seg, latent_of, z, rng)
    out, loadings = _answers(cb, latent_of, ai_user, item_bias or {}, rng)
    df, ids = _export_frame(cb, seg, out, year, rng)
    df, mess = _mess(df, cb, ids, year, rng)
    df, comments = _comments(df, cb, np.random.default_rng([seed, year, 1]))
    truth = _truth(
        cb, comp, n_per, r, explained, ai_user, loadings, mess, seed, n_companies, item_bias
    )
    truth["n_rows"] = int(len(df))
    truth["comments"] = comments
    means = _census_means(cb, out, c["company"].to_numpy())
    for name, row in means.iterrows():  # how its people answered: what customer KPIs follow
        truth["companies"][name]["index_means"] = {k: round(float(v), 6) for k, v in row.items()}
    return SynthSurvey(df, cb, truth)


def _census_means(cb: Codebook, out: dict, company: np.ndarray) -> pd.DataFrame:
    """Each company's mean of every construct's item mean (reverse-keyed items turned), over
    all its generated respondents: its scores as a census would give them, before any mess."""
    scores = {}
    for construct in cb.constructs:
        items = [i for i in cb.construct_items(construct) if i in out]
        turned = [6 - out[i] if cb.item(i).reverse else out[i] for i in items]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # non-users have no AI items
            scores[construct] = np.nanmean(np.column_stack(turned).astype(float), axis=1)
    return pd.DataFrame(scores).groupby(company).mean()


#: What people write, by theme (the ids of the default themes.yaml): sentences for the
#: synthetic comments, none of them in the tests' labelled set.
_COMMENT_BANK = {
    "leadership": [
        "Nærmeste leder gir gode tilbakemeldinger.",
        "Ledelsen burde lytte mer til oss som sitter på telefonen.",
        "Sjefen er lite synlig i hverdagen.",
        "Teamlederen min tar seg tid til hver enkelt.",
    ],
    "workload": [
        "Det er for travelt i perioder, og køen blir lang.",
        "Arbeidspresset har økt etter nedbemanningen.",
        "Mye stress og lite tid til pauser.",
        "Vi er for få på jobb når pågangen er stor.",
    ],
    "systems": [
        "Systemene er trege og henger seg opp.",
        "Vi trenger bedre verktøy for å finne svar raskt.",
        "Telefonisystemet faller ut for ofte.",
    ],
    "pay": [
        "Lønnen står ikke i stil med ansvaret.",
        "Lønnsutviklingen har vært svak i flere år.",
        "Bedre betalt hadde gjort det lettere å bli.",
    ],
    "colleagues": [
        "Kollegene er det beste med jobben.",
        "Godt arbeidsmiljø og mye latter.",
        "Samholdet i gruppa er sterkt.",
    ],
    "training": [
        "Jeg ønsker meg mer opplæring i nye produkter.",
        "Få muligheter for kurs og kompetanseutvikling.",
        "Opplæringen av nyansatte er for kort.",
    ],
    "ai": [
        "KI-verktøyet hjelper meg å skrive svar.",
        "Chatboten sender for mange saker videre til oss.",
        "Automatiseringen har tatt over de enkleste sakene.",
    ],
    "shift_work": [
        "Turnusen gjør det vanskelig å planlegge fritiden.",
        "Kveldsvaktene er slitsomme.",
        "Vaktplanen kommer for sent.",
    ],
    "customers": [
        "Kundene er stort sett hyggelige.",
        "Flere sinte kunder enn før.",
        "Henvendelsene er mer komplekse nå.",
    ],
    "home_office": [
        "Hjemmekontor noen dager i uka fungerer godt.",
        "Ønsker meg mer hjemmekontor.",
    ],
    None: ["Fin arbeidsplass alt i alt.", "Takk for undersøkelsen.", "Ingen flere kommentarer."],
}
_COMMENT_WEIGHTS = {
    "leadership": 0.14, "workload": 0.16, "systems": 0.12, "pay": 0.10, "colleagues": 0.12,
    "training": 0.08, "ai": 0.06, "shift_work": 0.06, "customers": 0.08, "home_office": 0.04,
    None: 0.04,
}  # fmt: skip
#: Personal details some people write anyway: the redactor must take every one out.
_COMMENT_PII = [
    "Ring meg gjerne på 412 34 567 om dere lurer på noe.",
    "Skriv til ola.nordmann@example.no for detaljer.",
    "Spør Kari Hansen på teamet, hun kan fortelle mer.",
    "Fødselsnummeret mitt er 01010012356 hvis dere trenger det.",
    "Les mer på www.eksempel.no/ansatte om saken.",
    "Mitt svenske personnummer er 811218-9876.",
    "Kontakt meg på +46 70 123 45 67.",
]
COMMENT_RATE = 0.3


def _comments(df: pd.DataFrame, cb: Codebook, rng: np.random.Generator):
    """Free-text comments with themes (shift workers write about shift work more), for about
    ``COMMENT_RATE`` of the respondents; a few hold personal details and the company's own
    name. A random stream of its own, so that the other answers stay as they were."""
    text_items = [i.id for i in cb.items if i.type == "text"]
    if not text_items:
        return df, {}
    item, n = text_items[0], len(df)
    themes = list(_COMMENT_WEIGHTS)
    base = np.array(list(_COMMENT_WEIGHTS.values()))
    shift = df["shift_work"].to_numpy() == 1 if "shift_work" in df else np.zeros(n, bool)
    texts, counts, pii = [], dict.fromkeys([t for t in themes if t], 0), []
    for i in range(n):
        if rng.uniform() >= COMMENT_RATE:
            texts.append("")
            continue
        w = base.copy()
        if shift[i]:
            w[themes.index("shift_work")] *= 4
        picked = rng.choice(
            len(themes), size=rng.choice([1, 2], p=[0.6, 0.4]), replace=False, p=w / w.sum()
        )
        parts = []
        for k in picked:
            bank = _COMMENT_BANK[themes[k]]
            parts.append(bank[rng.integers(len(bank))])
            if themes[k] is not None:
                counts[themes[k]] += 1
        if rng.uniform() < 0.04:
            parts.append(_COMMENT_PII[rng.integers(len(_COMMENT_PII))])
            pii.append(parts[-1])
        if rng.uniform() < 0.02:
            parts.append(f"Vi i {df['company'].iloc[i]} fortjener bedre.")
        texts.append(" ".join(parts))
    df[item] = texts
    details = ["412 34 567", "ola.nordmann@example.no", "Kari Hansen", "01010012356",
               "www.eksempel.no", "811218-9876", "+46 70 123 45 67"]  # fmt: skip
    return df, {
        "rate": COMMENT_RATE,
        "theme_counts": counts,
        "planted_details": [d for d in details if any(d in p for p in pii)],
    }


def _check_generate(year: int, n_companies: int, codebook: Codebook | None, item_bias) -> Codebook:
    if n_companies < 1:
        raise ValueError(f"n_companies must be at least 1, got {n_companies}")
    cb = codebook if codebook is not None else load_codebook(config.codebook_path(year))
    if cb.year != year:
        raise ValueError(f"codebook is for {cb.year}, not {year}")
    unknown = sorted(set(item_bias or {}) - set(cb.items_of_type("likert")))
    if unknown:
        raise ValueError(f"item_bias names items that are not likert items of {year}: {unknown}")
    return cb


def _background(c: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The segments of every respondent (codes), from their company and at random."""
    n = len(c)
    role = rng.choice([1, 2, 3, 4], size=n, p=[0.8, 0.1, 0.04, 0.06])
    tenure = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.22, 0.28, 0.25, 0.15, 0.10])
    age = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.25, 0.35, 0.18, 0.13, 0.09])
    education = rng.choice([1, 2, 3, 4], size=n, p=[0.35, 0.15, 0.35, 0.15])
    location = rng.choice([1, 2, 3], size=n, p=[0.45, 0.15, 0.40])
    shift = rng.uniform(size=n) < c["shift_share"].to_numpy()
    return {
        "company": c["company"].to_numpy(),
        "industry": c["industry"].to_numpy(),
        "centre_size": c["centre_size"].to_numpy(),
        "role": role,
        "tenure": tenure,
        "age_band": age,
        "education": education,
        "work_location": location,
        "shift_work": np.where(shift, 1, 2),
    }


def _latents(c: pd.DataFrame, seg: dict, r: np.ndarray, year: int, rng: np.random.Generator):
    """Latent scores: individual part ~ N(0, R), plus company effect, year change and shift
    effect; turnover intention from the set weights. Returns ({latent: scores}, z, R² part)."""
    n = len(c)
    z = rng.multivariate_normal(np.zeros(len(LATENTS)), r, size=n)
    lat = z + np.vstack(c["effects"].to_numpy())
    for name, delta in _YEAR_SHIFT.get(year, {}).items():
        lat[:, LATENTS.index(name)] += delta
    lat[:, LATENTS.index("stress")] += _SHIFT_STRESS * (seg["shift_work"] == 1)
    lat[:, LATENTS.index("edu_rel")] += -0.25 * (seg["education"] - 2.5)
    beta = np.array([TURNOVER_WEIGHTS[k] for k in LATENTS])
    explained = beta @ r @ beta
    toi = lat @ beta + np.sqrt(1 - explained) * rng.standard_normal(n)
    latent_of = {k: lat[:, j] for j, k in enumerate(LATENTS)}
    latent_of["turnover_intention"] = toi
    return latent_of, z, explained


def _ai_users(
    c: pd.DataFrame, seg: dict, latent_of: dict, z: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """AI use: logistic in industry and centre size; usefulness and self-service latents."""
    n = len(c)
    industry = np.array([_INDUSTRY_AI[i] for i in c["industry"]])
    ai_logit = industry + _SIZE_AI * (c["centre_size"] - 3.5) + 0.3 * (seg["role"] == 4)
    ai_user = rng.uniform(size=n) < 1 / (1 + np.exp(-ai_logit))
    noise = np.sqrt(1 - 0.16) * rng.standard_normal(n)
    latent_of["ai_usefulness"] = 0.4 * z[:, LATENTS.index("technology")] + noise
    latent_of["selfservice"] = np.array(
        [_INDUSTRY_SS[i] for i in c["industry"]]
    ) + rng.standard_normal(n)
    return np.asarray(ai_user)


def _answers(
    cb: Codebook, latent_of: dict, ai_user: np.ndarray, item_bias: dict, rng: np.random.Generator
):
    """Every item's answers (export columns) and the loadings of the likert items."""
    n = len(ai_user)
    out: dict[str, object] = {}
    loadings: dict[str, float] = {}
    for item in cb.items:
        key = "edu_rel" if item.id == "edu_rel" else item.construct
        if item.type == "likert" and key is not None:
            pos = cb.construct_items(key).index(item.id) if item.construct else 0
            lam = 0.85 if item.id == "edu_rel" else _LOADINGS[pos % len(_LOADINGS)]
            loadings[item.id] = lam
            centre = _ITEM_MEAN[key] + item_bias.get(item.id, 0.0)
            out[item.id] = _likert(latent_of[key], lam, centre, rng, item.reverse)
        elif item.type == "nps":
            drive = 0.55 * latent_of["satisfaction"] + 0.35 * latent_of["attractiveness"]
            out[item.id] = np.clip(
                np.round(7.0 + 1.6 * drive + 1.3 * rng.standard_normal(n)), 0, 10
            )
        elif item.type == "numeric":
            out[item.id] = np.where(
                rng.uniform(size=n) < 0.8, 37.5, rng.choice([20.0, 22.5, 30.0, 40.0], n)
            )
        elif item.type == "text":
            comment = 'Fin arbeidsplass; travle dager, "alltid" noe nytt.'
            out[item.id] = np.where(rng.uniform(size=n) < 0.1, comment, "")
        elif item.id == "ai_freq":
            out[item.id] = np.where(
                ai_user, rng.choice([2, 3, 4, 5], size=n, p=[0.2, 0.25, 0.3, 0.25]), 1
            )
        elif item.type == "multi":
            out.update(_multi_answers(item, ai_user, rng))
        else:
            raise ValueError(f"synth does not know how to generate item {item.id!r} ({item.type})")
    for item_id in cb.construct_items("ai_usefulness") if "ai_usefulness" in cb.constructs else []:
        out[item_id] = np.where(ai_user, out[item_id], np.nan)  # asked of users only
    return out, loadings


def _multi_answers(item, ai_user: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(ai_user)
    out = {}
    for code in item.options:
        if item.id == "ai_use":
            p = [0.55, 0.6, 0.5, 0.2, 0.3, 0.1][code - 1]
            out[f"{item.id}_{code}"] = np.where(
                ai_user, (rng.uniform(size=n) < p).astype(float), np.nan
            )
        else:
            p = 0.25 if code < 5 else 0.35
            out[f"{item.id}_{code}"] = (rng.uniform(size=n) < p).astype(float)
    return out


def _export_frame(cb: Codebook, seg: dict, out: dict, year: int, rng: np.random.Generator):
    """The export's columns in codebook order: ids, submission times, durations, segments, items."""
    n = len(seg["company"])
    ids = rng.permutation(n) + 1
    m = cb.meta
    start = pd.Timestamp(f"{year}-09-01 08:00:00")
    submitted = start + pd.to_timedelta(rng.uniform(0, 40 * 86400, n).round(), unit="s")
    frame = {
        m.respondent_id.export: [f"R{year}{i:06d}" for i in ids],
        m.submitted_at.export: submitted.strftime("%Y-%m-%d %H:%M:%S"),
        m.duration.export: np.round(np.exp(rng.normal(np.log(540), 0.35, n)), 1),
    }
    for s in cb.segments:
        frame[s.id] = seg[s.id]
    df = pd.DataFrame(frame)
    for col in [c for c in cb.columns if c.kind in ("item", "option")]:
        df[col.name] = out[col.name]
    return df, ids


def _mess(df: pd.DataFrame, cb: Codebook, ids: np.ndarray, year: int, rng: np.random.Generator):
    """The mess of a real export: item non-response, "don't know", straight-liners, speeders
    and duplicate submissions. Returns the export and what was planted."""
    n, m = len(df), cb.meta
    likert = [i.id for i in cb.items if i.type == "likert"]
    dk_items = [i for i in likert if i.startswith(("led_", "tec_", "ai_useful", "ss_", "edu_rel"))]
    vals = df[likert].to_numpy(dtype=float)
    nonresp = (rng.uniform(size=vals.shape) < 0.02) & ~np.isnan(vals)
    vals[nonresp] = np.nan
    df[likert] = vals
    dk = (rng.uniform(size=(n, len(dk_items))) < 0.04) & df[dk_items].notna().to_numpy()
    df[dk_items] = df[dk_items].mask(dk, 9)
    order = rng.permutation(n)
    n_straight, n_speed, n_dup = (
        max(1, round(0.015 * n)),
        max(1, round(0.02 * n)),
        max(1, round(0.005 * n)),
    )
    straight = order[:n_straight]
    speed = order[n_straight : n_straight + n_speed]
    dup = order[n_straight + n_speed : n_straight + n_speed + n_dup]
    asked = df[likert].notna() | pd.DataFrame(nonresp, columns=likert)  # items each respondent saw
    df.loc[straight, likert] = np.repeat(
        rng.choice([3, 4, 5], size=(n_straight, 1)), len(likert), axis=1
    )
    df.loc[speed, m.duration.export] = np.round(rng.uniform(45, 110, n_speed), 1)
    df.loc[speed, likert] = rng.integers(1, 6, size=(n_speed, len(likert)))
    df[likert] = df[likert].where(asked)
    dups = df.loc[dup].copy()
    resubmitted = pd.to_datetime(dups[m.submitted_at.export]) + pd.Timedelta(minutes=7)
    dups[m.submitted_at.export] = resubmitted.dt.strftime("%Y-%m-%d %H:%M:%S")
    df = (
        pd.concat([df, dups])
        .sort_values(m.submitted_at.export, kind="stable")
        .reset_index(drop=True)
    )
    for col in cb.columns:
        if col.dtype == "int":
            df[col.name] = df[col.name].astype("Int64")
    mess = {
        "item_nonresponse_rate": 0.02,
        "dont_know_rate": 0.04,
        "dont_know_items": dk_items,
        "straightliners": sorted(f"R{year}{ids[i]:06d}" for i in straight),
        "speeders": sorted(f"R{year}{ids[i]:06d}" for i in speed),
        "duplicate_submissions": sorted(f"R{year}{ids[i]:06d}" for i in dup),
    }
    return df, mess


def _truth(
    cb, comp, n_per, r, explained, ai_user, loadings, mess, seed, n_companies, item_bias
) -> dict:
    """What the analyses must recover (``truth.json``)."""
    beta = np.array([TURNOVER_WEIGHTS[k] for k in LATENTS])
    cov = r + _COMPANY_SD**2 * np.eye(len(LATENTS))
    shares, r2_pop = _lmg(cov, beta, 1 - explained)
    # at the mean centre size, agents
    industry_rate = {int(k): float(1 / (1 + np.exp(-v))) for k, v in _INDUSTRY_AI.items()}
    companies = {
        row.company: {
            "industry": int(row.industry),
            "centre_size": int(row.centre_size),
            "n_respondents": int(k),
            "shift_share": round(float(row.shift_share), 4),
        }
        for row, k in zip(comp.itertuples(), n_per, strict=True)
    }
    return {
        "year": cb.year,
        "seed": seed,
        "n_companies": n_companies,
        "n_respondents": int(len(ai_user)),
        "n_rows": None,
        "companies": companies,
        "latents": LATENTS,
        "latent_correlation": np.round(r, 6).tolist(),
        "company_sd": _COMPANY_SD,
        "item_loadings": loadings,
        "item_means": dict(_ITEM_MEAN),
        "year_change_vs_2024": _YEAR_SHIFT.get(cb.year, {}),
        "measurement_invariant_across_years": not item_bias,
        "item_bias": dict(item_bias or {}),
        "turnover": {
            "weights": TURNOVER_WEIGHTS,
            "r2": round(r2_pop, 6),
            "lmg": {k: round(float(v), 6) for k, v in zip(LATENTS, shares, strict=True)},
            "order": [LATENTS[k] for k in np.argsort(-shares)],
        },
        "shift_work": {
            "stress_effect_within_company": _SHIFT_STRESS,
            "company_confounding_per_share": _SHIFT_CONFOUND,
            "asked": "shift_work" in {s.id for s in cb.segments},
        },
        "ai": {
            "use_rate_by_industry": industry_rate,
            "logit_per_size_band": _SIZE_AI,
            "user_rate_observed": round(float(ai_user.mean()), 4),
        },
        "selfservice_by_industry": {int(k): v for k, v in _INDUSTRY_SS.items()},
        "education_relevance_mean": _ITEM_MEAN["edu_rel"],
        "mess": mess,
    }


def write_export(df: pd.DataFrame, path: str | Path, codebook: Codebook, fmt: str = "csv") -> Path:
    """Write ``df`` as a survey tool would: Norwegian Excel CSV (``;``, decimal comma,
    UTF-8 with BOM), XLSX, or SPSS ``.sav`` with the codebook's value labels (nb)."""
    path = Path(path)
    if fmt == "csv":
        df.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        df.to_excel(path, index=False, engine="openpyxl")
    elif fmt == "sav":
        import pyreadstat

        out = df.copy()
        labels: dict[str, dict[float, str]] = {}
        for col in codebook.columns:
            if col.dtype == "int":
                out[col.name] = out[col.name].astype("float64")
                try:
                    labels[col.name] = {float(k): v for k, v in codebook.labels(col.source).items()}
                except KeyError:
                    pass
        for col in out.columns:
            if out[col].dtype == object or str(out[col].dtype).startswith("str"):
                out[col] = out[col].astype(object)
        pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    else:
        raise ValueError(f"format must be csv, xlsx or sav, got {fmt!r}")
    return path


def _headcounts(responses: pd.DataFrame, rng: np.random.Generator, split: np.random.Generator):
    """How many each company invited, by role: its answers divided by a response rate between
    20 and 90 % (a few companies under the 30 % a report warns about); those who did not
    answer are mostly agents (managers answer more often), so raking to the roles' headcounts
    changes the mix."""
    answered = responses.groupby("company", sort=True)["company"].size()
    rate = rng.uniform(0.2, 0.9, len(answered))
    invited = np.ceil(answered.to_numpy() / rate).astype(int)
    roles = [1, 2, 3, 4]
    by_role = responses.groupby(["company", "role"]).size().unstack(fill_value=0)
    by_role = by_role.reindex(index=answered.index, columns=roles, fill_value=0)
    rows = []
    for company, total in zip(answered.index, invited, strict=True):
        silent = split.multinomial(total - answered[company], [0.88, 0.05, 0.01, 0.06])
        for role, n in zip(roles, by_role.loc[company].to_numpy() + silent, strict=True):
            if n > 0:
                rows.append((company, role, int(n)))
    return pd.DataFrame(rows, columns=["company", "role", "invited"])


#: Customer KPIs of a company from its mean score of one construct (in sds across the
#: companies): KPI -> (construct, mean, change per sd, noise sd). Better-satisfied staff,
#: better-served customers.
_KPI_MODEL = {
    "oks": ("satisfaction", 72.0, 6.0, 3.0),
    "kti": ("satisfaction", 68.0, 5.0, 4.0),
    "nps": ("motivation", 20.0, 12.0, 10.0),
    "fcr": ("technology", 70.0, 5.0, 4.0),
    "sick_leave": ("stress", 7.0, 1.5, 1.0),
    "staff_turnover": ("involvement", 15.0, -4.0, 3.0),
}


def _kpis(survey: SynthSurvey, rng: np.random.Generator):
    """Each company's customer KPIs (``company_kpis.csv``; every seventh company reports no
    NPS) and the truth: which construct each KPI follows and the rank correlation, across the
    companies of at least the minimum size, between the KPI and the company's census mean of
    that construct (:func:`_census_means`)."""
    from scipy.stats import spearmanr

    companies = survey.truth["companies"]
    names = [c for c in companies if c in set(survey.responses["company"])]
    out = pd.DataFrame({"company": names})
    truth = {"follows": {k: v[0] for k, v in _KPI_MODEL.items()}, "spearman": {}}
    big = np.array([companies[c]["n_respondents"] >= config.MIN_GROUP_SIZE for c in names])
    for kpi, (construct, mean, slope, noise) in _KPI_MODEL.items():
        level = np.array([companies[c]["index_means"][construct] for c in names])
        z = (level - level.mean()) / level.std()
        value = mean + slope * z + noise * rng.standard_normal(len(names))
        out[kpi] = np.clip(value, -100.0 if kpi == "nps" else 0.0, 100.0).round(1)
        if kpi == "nps":
            out.loc[out.index % 7 == 3, kpi] = np.nan
        ok = big & out[kpi].notna().to_numpy()
        truth["spearman"][kpi] = round(float(spearmanr(out.loc[ok, kpi], level[ok])[0]), 6)
    return out, truth


def write_synth(
    year: int,
    seed: int = 2025,
    data_dir: str | Path | None = None,
    n_companies: int = 30,
    fmt: Literal["csv", "xlsx", "sav"] = "csv",
) -> Path:
    """Generate a year and write ``raw/<year>/``: ``responses.<fmt>``, ``codebook.yaml``,
    ``themes.yaml``, ``headcounts.csv``, ``company_kpis.csv`` and ``truth.json``. Any earlier
    export of that year in the folder is replaced.

    Returns the path of the written export.

    Parameters
    ----------
    year : int
        The survey year. (2024 or 2025: the years with a codebook).
    seed : int
        Random seed.
    data_dir : str or Path, optional
        The folder holding ``raw/`` and ``processed/`` (default: the project's ``data/``).
    n_companies : int
        Companies in the survey.
    fmt : {"csv", "xlsx", "sav"}
        The export's format.

    Returns
    -------
    Path
        The written export.

    Examples
    --------
    >>> import tempfile, ksresearch as ks
    >>> path = ks.write_synth(2025, seed=1, data_dir=tempfile.mkdtemp(), n_companies=3)
    >>> path.name
    'responses.csv'
    """
    cb_src = config.codebook_path(year)
    survey = generate(year, seed=seed, n_companies=n_companies)
    raw = config.raw_dir(year, data_dir)
    raw.mkdir(parents=True, exist_ok=True)
    for old in raw.glob("responses.*"):
        old.unlink()
    target_cb = raw / "codebook.yaml"
    if target_cb.resolve() != cb_src.resolve():
        target_cb.write_bytes(cb_src.read_bytes())
    themes = raw / "themes.yaml"  # the default theme dictionary, where a user edits it
    if not themes.exists():
        themes.write_bytes(THEMES.read_bytes())
    path = write_export(survey.responses, raw / f"responses.{fmt}", survey.codebook, fmt)
    invited = _headcounts(
        survey.responses,
        np.random.default_rng([seed, year, 2]),
        np.random.default_rng([seed, year, 3]),
    )
    invited.to_csv(raw / "headcounts.csv", sep=";", index=False, encoding="utf-8-sig")
    totals = invited.groupby("company")["invited"].sum()
    survey.truth["headcounts"] = {str(k): int(v) for k, v in totals.items()}
    kpis, survey.truth["kpis"] = _kpis(survey, np.random.default_rng([seed, year, 4]))
    kpis.to_csv(raw / "company_kpis.csv", sep=";", decimal=",", index=False, encoding="utf-8-sig")
    (raw / "truth.json").write_text(
        json.dumps(survey.truth, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return path


@functools.cache
def example_survey(year: int = 2025, n_companies: int = 12, seed: int = 1):
    """A small synthetic survey, written and ingested once per process in a temporary folder:
    what the documentation's examples and tutorials run on (with your own data,
    ``ks.load(year)`` after ``ksresearch ingest`` gives the same kind of object).

    Parameters
    ----------
    year : int
        The survey year (2024 or 2025: the years with a codebook).
    n_companies : int
        Companies in the survey (12: small enough to make in a few seconds).
    seed : int
        Random seed of :func:`write_synth`.

    Returns
    -------
    Survey
        The ingested survey, as :func:`ksresearch.load` returns it; the same object on every
        call with the same arguments.

    Examples
    --------
    >>> survey = example_survey()
    >>> survey.year, survey.responses["company"].nunique()
    (2025, 12)
    """
    import atexit
    import shutil
    import tempfile

    from .ingestion import ingest
    from .survey import load

    folder = Path(tempfile.mkdtemp(prefix="ksresearch-example-"))
    atexit.register(shutil.rmtree, folder, True)  # removed when the process ends
    write_synth(year, seed=seed, data_dir=folder, n_companies=n_companies)
    ingest(year, folder)
    return load(year, folder)
