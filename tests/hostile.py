"""A labelled corpus of hostile comments, written for the tests (Norwegian and Swedish): each
carries personal details in the forms that slipped past redaction in an attack round, with the
exact strings that must not survive (``secrets``). A comment passes when none of its secrets
is in the redacted text, or when it is held for review (then never drawn as an example).

Built from sentence frames and fillers so that every frame meets every kind of detail; the
product is fixed (no randomness), 150 comments or more.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The survey's companies the corpus names (the redactor is given them).
COMPANIES = ["Nordbank AS", "Stjernetel AS", "Bølgedata AS", "Sparebank 1 Nord-Norge"]


@dataclass(frozen=True)
class Hostile:
    text: str
    kind: str  # email, phone, national_id, name, company
    secrets: tuple[str, ...]


#: (frame, language): {x} is where the personal detail stands.
FRAMES = [
    ("Skriv til {x} om lønn, ingen svarer ellers.", "nb"),
    ("Ring meg på {x} hvis dere vil vite mer om vaktlistene.", "nb"),
    ("{x} har ansvar for turnusen og det fungerer dårlig.", "nb"),
    ("Lederen vår, {x}, hører aldri på oss.", "nb"),
    ("Jeg har klaget til {x} flere ganger uten svar.", "nb"),
    ("Kontakt {x} for detaljer om opplæringen.", "nb"),
    ("Det er {x} som bestemmer alt her.", "nb"),
    ("skriv gjerne til {x} så tar vi det derfra", "nb"),
    ("Kontakta {x} om schemat, ingen lyssnar.", "sv"),
    ("Min chef {x} lyssnar aldrig på oss.", "sv"),
    ("Ring {x} om du vill veta mer.", "sv"),
    ("{x} bestämmer allt på avdelningen.", "sv"),
]

EMAILS = [
    "ola.nordmann (at) firma.no",
    "ola.nordmann[at]firma[dot]no",
    "ola.nordmann krøllalfa firma.no",
    "ola.nordmann @ firma.no",
    "kari (a) nordbank (dot) no",
    "per.hansen snabel-a foretag.se",
]
PHONES = [
    "912 - 34 - 567",
    "912.34.567",
    "+47 912 34 567",
    "0047 91234567",
    "070 - 123 45 67",
    "9 1 2 3 4 5 6 7",
]
IDS = ["010100 - 12356", "010100 12356", "01010012356", "811218-9876", "19811218 - 9876"]
NAMES = [
    ("kari nordmann", ("kari nordmann",)),
    ("KARI HANSEN", ("KARI HANSEN",)),
    ("Karis vaktlister", ("Karis",)),
    ("Ola Nordmanns", ("Ola", "Nordmanns")),
    ("Kari Nordmann", ("Kari", "Nordmann")),
    ("OLA", ("OLA",)),
    ("Solveig Hansen", ("Solveig", "Hansen")),
]
COMPANY_FORMS = [
    ("nordbank betaler bedre", ("nordbank",)),
    ("nordbankfolka tjener mer", ("nordbankfolka",)),
    ("Nordbanks lønn", ("Nordbanks",)),
    ("Nordbanksjefen", ("Nordbanksjefen",)),
    ("nordbankledelsen", ("nordbankledelsen",)),
    ("STJERNETEL", ("STJERNETEL",)),
]


def corpus() -> list[Hostile]:
    """Every frame with every filler of every kind (150 comments or more)."""
    out = []
    for frame, _ in FRAMES:
        for e in EMAILS:
            out.append(Hostile(frame.format(x=e), "email", (e.split()[0].split("[")[0],)))
        for p in PHONES:
            out.append(Hostile(frame.format(x=p), "phone", (p,)))
        for i in IDS:
            out.append(Hostile(frame.format(x=i), "national_id", (i,)))
        for text, secrets in NAMES:
            out.append(Hostile(frame.format(x=text), "name", secrets))
        for text, secrets in COMPANY_FORMS:
            out.append(Hostile(frame.format(x=text), "company", secrets))
    return out
