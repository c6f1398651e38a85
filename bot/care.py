"""Recognise a need for treatment rather than guidance, whatever the NLU thinks.

Addiction, an eating disorder, trauma, depression, anxiety or panic, a burn-out or grief that
stops someone functioning: a mentor or coach is no therapist (the seeds say so), so such a
message gets a referral, never advice or a lead form. DIET learns `need_care` from examples;
these patterns are the net under it for the unmistakable words. They favour precision over
recall: "omgaan met stress bij presentaties" or "na mijn burn-out wil ik mijn loopbaan weer
oppakken" are guidance needs and must reach the guided questions.
"""

from __future__ import annotations

import re

from bot.recommender.free_text import normalise

_NOT = r"(?:niet|ni|nie)"
_PATTERNS = [
    # addiction
    r"verslaa?f", r"verslaving", r"afkick", r"alcoholist", r"(alcohol|drank|drugs|coke|cocaine)probleem",
    r"\b(drink|blow|gok|game|snuif|gebruik) .{0,40}\bkan " + _NOT + r" (meer )?stoppen",
    r"\bkan " + _NOT + r" (meer )?(stoppen|zonder) .{0,20}(drinken|blowen|gokken|gamen|pillen|drank|alcohol)",
    r"afhankelijk (geworden )?van (alcohol|drank|pillen|slaappillen|kalmeringsmiddelen|pijnstillers|drugs)",
    r"onder invloed (op|aan) (het werk|de werkvloer)", r"\bdrinkt? .{0,30}\b(te veel|onder controle)",
    r"slaappillen|kalmeringsmiddelen",
    # eating disorders
    r"eetstoornis", r"eetbui", r"anorexia", r"anorectisch", r"boulimi", r"\bbraak .{0,20}na (het )?eten",
    r"\bkots .{0,20}\buit na (het )?eten",
    r"\beet (bijna|amper|nauwelijks) (niks|niets|niet) meer",
    # trauma
    r"\bptss\b", r"\bptsd\b", r"flashbacks?", r"nachtmerries", r"herbele(ef|ven|ving)",
    r"trauma(verwerking|tisch|'?s)?\b",
    # depression
    r"depressie", r"depressief", r"\bdepri\b", r"postnatale",
    # anxiety, panic, compulsion
    r"angststoornis", r"angstaanval", r"angstklachten", r"paniekstoornis", r"sociale angst",
    r"dwanggedachten", r"dwangstoornis", r"\bocd\b", r"hyperventilatie",
    # burn-out or grief that stops someone functioning
    r"(zware|ernstige|zwaar) (burn-?out|overspannen)",
    r"burn-?out.{0,60}\b(kan|lukt|krijg)\b.{0,30}\b(" + _NOT + r"|niks|niets) (meer|meer gedaan)",
    r"(opgebrand|overspannen).{0,60}\b(niks|niets|" + _NOT + r") meer\b",
    # First person only: a manager asking how to guide someone back is a leadership need.
    r"\b(ik zit|zit ik|ik ben|ben ik)\b.{0,30}\b(thuis|ziek ?gemeld|in de ziektewet) (met|door|wegens|vanwege) "
    r"(een |mijn |m'n )?(burn-?out|overspannenheid|depressie)",
    r"\bbed\b.{0,20}\b(" + _NOT + r"|nauwelijks|amper) (meer )?uit\b",
    r"\b(" + _NOT + r"|nauwelijks|amper) (meer )?uit (mijn|m'n|mn|me|het) bed\b",
    r"\bfunctioneer .{0,12}" + _NOT + r" meer", r"\bkan " + _NOT + r" meer functioneren", r"functioneert nauwelijks",
    r"(rouw|verdriet).{0,60}(verlamt|overspoelt|overmand|" + _NOT + r" meer functioneren|"
    r"kan " + _NOT + r" (meer )?werken)",
    r"\b(huil|ween)\b.{0,12}\b(veel|elke dag|de hele dag|constant|steeds|voortdurend)\b",
    # asking for treatment
    r"(?<!geen )therapie nodig", r"\bin behandeling\b", r"\bbehandel(en|ing|aar)\b.{0,30}\bvoor (mijn|zijn|haar|een)\b",
    r"\b(zoek|vind|nieuwe) (ik )?(een )?(psycholoog|psychiater|behandelaar|therapeut)",
]
# Recovery is history, not the need: "na mijn burn-out wil ik weer aan de slag" asks for guidance.
_RECOVERED = re.compile(
    r"\b(na|sinds mijn herstel van|hersteld van|herstellende van) (mijn|zijn|haar|een|de) "
    r"(\w+ )?(burn-?out|depressie|overspannenheid|ziekte|verslaving)\b"
)
_COMPILED = [re.compile(pattern) for pattern in _PATTERNS]


def needs_care(text: str) -> bool:
    plain = _RECOVERED.sub(" ", normalise(text))
    return any(pattern.search(plain) for pattern in _COMPILED)
