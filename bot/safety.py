"""Recognise a message from someone in acute distress, whatever the NLU thinks.

A safety net under the classifier: missing a cry for help costs far more than
answering a dramatic sentence with care, so these patterns favour recall. The
Rasa component `bot.nlu.safety_override` uses this on every message.
"""

from __future__ import annotations

import re

from bot.recommender.free_text import normalise

_PATTERNS = [
    r"zelfmoord", r"suicid", r"zelfdoding", r"zelfbeschadig",
    r"\b(een )?eind(e)? aan (mijn leven )?(te )?maken", r"er een eind aan",
    r"\b(wil|wou|zou) (graag |liever )?dood", r"dood (willen|wil) ", r"\bwas ik (maar )?dood",
    r"niet meer (willen |wil )?leven", r"\bwil niet meer leven",
    r"er niet meer (willen |wil )?zijn", r"\bwil er niet meer zijn",
    r"zie het (echt |helemaal |totaal |gewoon )?niet meer zitten",
    r"\b(wil|zou willen) (gewoon |het liefst )?verdwijnen\b(?! uit)",
    r"mezelf (iets )?(aan ?doen|pijn doen|snijden)", r"snijd(en)? in mezelf", r"\bdoe mezelf (iets|pijn)",
    r"niemand (zou )?me (ook maar )?(zou )?missen",
    r"\bik kan (het |dit )?(echt |gewoon |echt gewoon )?niet meer[.!]*$",
    r"\bik voel me (zo |echt |compleet |helemaal )?waardeloos",
    r"paniekaanval",
]
_COMPILED = [re.compile(p) for p in _PATTERNS]


def signals_distress(text: str) -> bool:
    plain = normalise(text)
    return any(pattern.search(plain) for pattern in _COMPILED)
