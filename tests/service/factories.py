"""Lead payloads as the action server sends them."""

from __future__ import annotations

import itertools
from typing import Any

from bot.lead.texts import CONSENT_TEXT_VERSION

_numbers = itertools.count(1)


def lead_payload(**overrides: Any) -> dict[str, Any]:
    number = next(_numbers)
    payload: dict[str, Any] = {
        "conversation_id": f"conv-{number}",
        "first_name": "Anna",
        "email": f"anna{number}@voorbeeld.nl",
        "phone": "06 12345678",
        "preferred_moment": "dinsdagochtend",
        "need": "need_leadership",
        "recommendation": "mentoring",
        "guidance_variant": "leadership",
        "reasons": ["Je zoekt iemand die het vak kent en zijn ervaring deelt."],
        "answers": {"goal": "growth", "horizon": "long", "setting": "individual"},
        "topics": ["delegeren", "presenteren"],
        "transcript_url": f"http://localhost:8000/staff/transcripts/conv-{number}",
        "consent_store": True,
        "consent_contact": True,
        "consent_text_version": CONSENT_TEXT_VERSION,
        "consent_at": "2026-11-20T10:00:00Z",
    }
    payload.update(overrides)
    # As the action server sends it: consent per channel, for the channels given (unless a test says otherwise).
    payload.setdefault("consent_email", payload["email"] is not None)
    payload.setdefault("consent_phone", payload["phone"] is not None)
    return payload
