"""Read the guided-question answers from free Dutch text.

A back-up for the NLU entities: DIET is good at the phrasings it was trained
on, this parser catches the plain keywords it may miss ("1-op-1", "paar
maanden", "in groep") so a visitor is understood rather than asked again.
A phrase right after a negation ("niet in een groep") is ignored: we would
rather ask than guess the opposite.
"""

from __future__ import annotations

import re
import unicodedata

# Per dimension: value -> patterns (on lowercased text without accents).
PATTERNS: dict[str, dict[str, tuple[str, ...]]] = {
    "goal": {
        "skill": (r"vaardigheid", r"\bskills?\b", r"iets (concreets )?(aan)?leren", r"aanleren"),
        "problem": (r"probleem", r"\bdoel (bereiken|halen)", r"vastzit", r"vast ?lopen"),
        "growth": (r"breder groeien", r"persoonlijke groei", r"groeien als (mens|persoon)", r"mezelf ontwikkelen"),
    },
    "horizon": {
        "short": (r"\bkort\b", r"kort en intensief", r"\bsnel\b", r"paar (dagen|weken)", r"\been dag\b",
                  r"korte termijn"),
        "medium": (r"paar maanden", r"enkele maanden", r"half ?jaar", r"\bmaanden\b", r"middellange"),
        "long": (r"lange(re)? (termijn|tijd|duur)", r"\bjaren\b", r"\bjaar(en)? lang", r"vaste sparringpartner",
                 r"langdurig"),
    },
    "setting": {
        "group": (r"\bgroep\b", r"\bin groep", r"samen met (anderen|collega)", r"\bklas\b", r"workshop",
                  r"met anderen"),
        "individual": (r"een[ -]op[ -]een", r"\b1[ -]?op[ -]?1\b", r"\b1 ?-?1\b", r"individueel", r"onder vier ogen",
                       r"^alleen\b", r"\b(liefst|liever|graag|of) alleen\b", r"in m(ij)?n eentje",
                       r"persoonlijke begeleiding"),
    },
    "guide_role": {
        "expert": (r"\bexpert\b", r"\btrainer\b", r"vakexpert", r"(uit)?leg(t)? (het )?(me|mij) uit",
                   r"die het me leert", r"\bdocent\b"),
        "questioner": (r"vragen stelt", r"zelf (de )?antwoorden", r"doorvraagt", r"zelf (de )?oplossing"),
        "experienced": (r"iemand met (veel )?ervaring", r"ervaren (collega|mentor|iemand|persoon)", r"rolmodel",
                        r"advies geeft", r"al gedaan heeft", r"\bals voorbeeld\b"),
    },
    "scope": {
        "work": (r"\bwerk\b", r"\bjob\b", r"\bop het werk\b", r"professioneel"),
        "life": (r"leven als geheel", r"\bprive\b", r"mijn leven", r"breder dan (mijn )?werk", r"persoonlijk leven"),
    },
}
NEGATION = re.compile(r"\b(niet|geen|nooit|liever niet)\s+(\w+\s+){0,3}$")
_COMPILED = {
    dimension: {value: [re.compile(p) for p in patterns] for value, patterns in values.items()}
    for dimension, values in PATTERNS.items()
}


def normalise(text: str) -> str:
    """Lowercase, strip accents ("één" -> "een"), squeeze spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", plain).strip()


def parse_answers(text: str) -> dict[str, str]:
    """The dimension values a message states unambiguously; {} when unsure."""
    plain = normalise(text)
    found: dict[str, str] = {}
    for dimension, values in _COMPILED.items():
        hits = {value for value, patterns in values.items() if any(_affirmed(p, plain) for p in patterns)}
        if len(hits) == 1:  # two values at once ("groep of alleen?") is no answer
            found[dimension] = hits.pop()
    return found


def _affirmed(pattern: re.Pattern[str], text: str) -> bool:
    return any(not NEGATION.search(text[: match.start()]) for match in pattern.finditer(text))
