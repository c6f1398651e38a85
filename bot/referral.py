"""Which referral a message needs, whatever the classifier predicted: plain Python, tested in milliseconds.

Acute danger (bot.safety) outranks a need for treatment (bot.care); a treatment need outranks any
development need, since a mentor or coach is no therapist. Typed commands ("/need_x") are a
button's payload or a visitor typing one: the safety net reads words, not commands.
"""

from __future__ import annotations

from bot.care import needs_care
from bot.safety import signals_distress

DISTRESS_INTENT = "need_distress"
CARE_INTENT = "need_care"


def safety_intent(text: str, predicted: str | None) -> str | None:
    """The intent the safety net imposes on this message, or None to keep the prediction."""
    if text.lstrip().startswith("/"):
        return None
    if signals_distress(text):
        return DISTRESS_INTENT
    if predicted != DISTRESS_INTENT and needs_care(text):
        return CARE_INTENT
    return None
