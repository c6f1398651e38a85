"""Short replies inside the hand-off: yes, no, "liever niet", "aanpassen"."""

from __future__ import annotations

import re

# Ways to stop the hand-off at any question. Checked on the whole (short) reply,
# so a first name like "Stoffel" or a moment like "na het stoppen" never matches.
DECLINE = re.compile(
    r"^(nee[,.!]?\s*)?(liever niet|toch (maar )?niet|laat (maar|maar zitten|het maar)|stop|stoppen|annuleer|annuleren|"
    r"ik wil (toch )?(geen|niet)( contact)?|geen contact|niet nodig|hoeft niet|nee dank je|nee bedankt)[.!]*$"
)
YES = re.compile(r"^(ja|jazeker|jawel|jep|yes|ok|oke|oké|okay|prima|goed|is goed|dat is goed|akkoord|klopt|"
                 r"ja,? (graag|prima|dat is goed|akkoord|klopt|hoor|natuurlijk|verstuur maar|ga je gang)|"
                 r"zeker|natuurlijk|graag|dat mag|mag|verstuur maar|ga je gang|doe maar)[.!]*$")
NO = re.compile(r"^(nee|neen|nope|no|niet akkoord|klopt niet|dat klopt niet|nee,? (dat klopt niet|niet akkoord)|"
                r"aanpassen|wijzigen|iets aanpassen|ik wil iets aanpassen|veranderen)[.!]*$")
# The buttons send intents; typed replies go through the patterns above.
YES_INTENTS = frozenset({"affirm"})
NO_INTENTS = frozenset({"deny"})


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def is_decline(text: str | None) -> bool:
    return bool(DECLINE.match(normalise(text)))


def yes_or_no(text: str | None, intent: str | None = None) -> bool | None:
    """True, False, or None when the reply is neither (then we ask again)."""
    reply = normalise(text)
    if YES.match(reply):
        return True
    if NO.match(reply) or is_decline(reply):
        return False
    if intent in YES_INTENTS:
        return True
    if intent in NO_INTENTS:
        return False
    return None
