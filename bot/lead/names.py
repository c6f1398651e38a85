"""Read a first name from a reply to "hoe mogen we je noemen?", and the rule for what a name is.

A name is letters (any script, accents included) in at most three words, joined by a space, a
hyphen or an apostrophe: "Zoë", "Anne-Marie", "D'Hondt", "Marie Claire". Anything else ("/affirm",
HTML, digits, an e-mail address) is not a name: the visitor is asked again. The lead service checks
the same rule (`is_name`), so a name no one could be called by never reaches a mentor.
"""

from __future__ import annotations

import re
import unicodedata

PREFIXES = re.compile(
    r"^(hoi|hallo|hey|dag|goedemorgen|goedemiddag|goedenavond)?[,!.\s]*"
    r"(ik ben|ik heet|mijn (voor)?naam is|noem me( maar)?|zeg maar|je mag me .+ noemen|dat is|het is)?\s*",
    re.IGNORECASE,
)
# Words that make a reply a sentence or an answer to another question rather than a name.
NOT_IN_A_NAME = frozenset({
    "ik", "je", "jij", "u", "wil", "wilt", "kan", "kun", "mag", "moet", "een", "het", "wat", "hoe", "waarom",
    "wie", "waar", "wanneer", "niet", "geen", "weet", "mentor", "mentoren", "coach", "coaching", "training",
    "mentoring", "graag", "bedankt", "dank", "hulp", "praten", "spreken", "vraag",
    "ja", "nee", "neen", "ok", "oke", "oké", "okay", "prima", "goed", "klopt", "jawel",
})
# A surname starts at these particles; the mentor needs the first name only.
SURNAME_PARTICLES = frozenset({
    "van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "vd", "v.d.", "la", "le", "du", "von"
})
MAX_NAME_WORDS = 3
MAX_NAME_CHARS = 50
# Between the parts of a name: one space, hyphen or apostrophe (typed or typographic).
JOINERS = re.compile("[ \\-\u2010\u2011'\u2019\u02bc]")


def is_name(value: str) -> bool:
    """True for a tidy name as `parse_first_name` returns it (NFC, single spaces)."""
    if not 0 < len(value) <= MAX_NAME_CHARS:
        return False
    return all(_is_name_part(part) for part in JOINERS.split(value))


def _is_name_part(part: str) -> bool:
    # Letters, and the marks that some scripts need on them (Devanagari vowel signs, Hebrew points).
    return bool(part) and unicodedata.category(part[0]).startswith("L") and all(
        unicodedata.category(char)[0] in "LM" for char in part)


def parse_first_name(text: str | None) -> str | None:
    """The name as typed (tidied), or None when the reply does not look like one."""
    # NFC: "Zoë" typed as "Zoe" plus a combining diaeresis is one letter, as the name rule expects.
    reply = unicodedata.normalize("NFC", re.sub(r"\s+", " ", (text or "").strip())).rstrip(".!")
    reply = PREFIXES.sub("", reply, count=1).strip()
    if not reply:
        return None
    words = [word.strip(",") for word in reply.split(" ")]
    if any(word.lower() in NOT_IN_A_NAME for word in words):
        return None
    name_words: list[str] = []
    for word in words:
        if word.lower() in SURNAME_PARTICLES:
            if name_words:
                break
            if len(words) > 1:
                return None  # "van der Berg" is a surname: ask for the first name
        name_words.append(word)
    if len(name_words) > MAX_NAME_WORDS:
        return None
    name = " ".join(name_words)
    if not is_name(name):
        return None
    # "anna" -> "Anna", "anne-marie" -> "Anne-Marie"; "dEsiree" and the like stay as the person typed them.
    if name.islower():
        name = re.sub(r"(^|[ \-\u2010\u2011])(\w)", lambda match: match.group(1) + match.group(2).upper(), name)
    return name
