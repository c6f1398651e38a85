"""POST a lead as JSON to the configured webhook (for a CRM)."""

from __future__ import annotations

import httpx

from bot.service.db.models import Lead
from bot.service.schemas import LeadStaff
from bot.service.settings import Settings


def post_lead(settings: Settings, url: str, lead: Lead) -> None:
    payload = {"event": "lead.created", "lead": LeadStaff.model_validate(lead).model_dump(mode="json")}
    response = httpx.post(url, json=payload, timeout=settings.notify_timeout_seconds)
    response.raise_for_status()
