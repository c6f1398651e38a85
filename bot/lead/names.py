"""Read a first name from a reply to "hoe mag de mentor je noemen?"."""

from __future__ import annotations

import re

PREFIXES = re.compile(
    r"^(hoi|hallo|hey|dag|goedemorgen|goedemiddag|goedenavond)?[,!.\s]*"
    r"(ik ben|ik heet|mijn (voor)?naam is|noem me( maar)?|zeg maar|je mag me .+ noemen|dat is|het is)?\s*",
    re.IGNORECASE,
)
# Words that make a reply a sentence rather than a name ("ik wil eerst iets vragen").
NOT_IN_A_NAME = frozenset({
    "ik", "je", "jij", "u", "wil", "wilt", "kan", "kun", "mag", "moet", "een", "het", "wat", "hoe", "waarom",
    "wie", "waar", "wanneer", "niet", "geen", "weet", "mentor", "mentoren", "coach", "coaching", "training",
    "mentoring", "graag", "bedankt", "dank", "hulp", "praten", "spreken", "vraag"
})
# A surname starts at these particles; the mentor needs the first name only.
SURNAME_PARTICLES = frozenset({
    "van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "vd", "v.d.", "la", "le", "du", "von"
})
MAX_NAME_WORDS = 3
MAX_NAME_CHARS = 60


def parse_first_name(text: str | None) -> str | None:
    """The name as typed (tidied), or None when the reply does not look like one."""
    reply = re.sub(r"\s+", " ", (text or "").strip()).rstrip(".!")
    reply = PREFIXES.sub("", reply, count=1).strip()
    if not reply or "?" in reply or "@" in reply or not any(char.isalpha() for char in reply):
        return None
    words = reply.split(" ")
    if any(word.lower().strip(",") in NOT_IN_A_NAME for word in words):
        return None
    name_words: list[str] = []
    for word in words:
        if name_words and word.lower() in SURNAME_PARTICLES:
            break
        name_words.append(word.strip(","))
    if len(name_words) > MAX_NAME_WORDS:
        return None
    name = " ".join(name_words)[:MAX_NAME_CHARS]
    # "anna" -> "Anna", but leave "Jan-Willem", "dEsiree" and anything unusual as the person typed it.
    return name[:1].upper() + name[1:] if name.islower() else name
