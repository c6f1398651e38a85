"""The lead as the lead service's POST /api/leads expects it (bot/service/schemas.py LeadCreate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.lead.texts import CONSENT_TEXT_VERSION
from bot.needs import INTENT_BY_SLOT_VALUE
from bot.recommender import Recommendation

# The `need` slot holds a short value; the service speaks in the NLU contract's intent names.
NEED_INTENTS = INTENT_BY_SLOT_VALUE
MAX_REASONS = 10


@dataclass(frozen=True)
class LeadDraft:
    conversation_id: str
    first_name: str
    email: str | None
    phone: str | None
    preferred_moment: str | None
    consent_at: datetime
    need: str | None = None
    advice: Recommendation | None = None
    answers: dict[str, str] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)

    def payload(self, staff_base_url: str | None = None) -> dict[str, Any]:
        """`staff_base_url`: where staff open the service (the mentor's e-mail links the lead's page there)."""
        advice = self.advice if self.advice is not None and self.advice.informed else None
        return {
            "conversation_id": self.conversation_id,
            "first_name": self.first_name,
            "email": self.email,
            "phone": self.phone,
            "preferred_moment": self.preferred_moment,
            "need": NEED_INTENTS.get(self.need or ""),
            "recommendation": advice.form if advice else None,
            "guidance_variant": advice.variant if advice else None,
            "reasons": [reason.text for reason in advice.reasons][:MAX_REASONS] if advice else [],
            "answers": dict(self.answers),
            "topics": list(self.topics),
            "transcript_url": lead_pages_url(staff_base_url),
            "consent_store": True,
            "consent_contact": True,
            # Per channel: the form asks both consents again whenever the address or number changes
            # after they were given (actions/lead_form.py), so they cover exactly what is sent here.
            "consent_email": self.email is not None,
            "consent_phone": self.phone is not None,
            "consent_text_version": CONSENT_TEXT_VERSION,
            "consent_at": self.consent_at.isoformat(),
        }


def lead_pages_url(base_url: str | None) -> str | None:
    """Where staff read leads; the service adds the lead's id. No conversation id: the link goes into e-mail."""
    return f"{base_url.rstrip('/')}/staff/leads" if base_url else None
