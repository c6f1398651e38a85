"""The one place the action server talks HTTP to the lead service."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from actions.lead_service.settings import LeadLinkSettings

log = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """Down, slow, overloaded or misconfigured: worth trying again later."""


class LeadRejected(Exception):
    """The service refused the lead as invalid: sending it again will not help."""


class LeadErased(Exception):
    """The visitor said "vergeet mij" after this hand-off: the service did not store it, and that is final."""


@dataclass(frozen=True)
class StoredLead:
    reference: str
    created: bool  # False when this conversation had already handed over (idempotent repeat)


class LeadServiceClient:
    def __init__(self, settings: LeadLinkSettings, transport: httpx.BaseTransport | None = None) -> None:
        self._settings = settings
        self._transport = transport

    def hand_over(self, payload: dict[str, Any]) -> StoredLead:
        response = self._request("POST", "/api/leads", json=payload)
        body = response.json()
        return StoredLead(reference=body["reference"], created=response.status_code == 201)

    def erase_conversation(self, conversation_id: str, asked_at: datetime | None = None) -> None:
        """`asked_at`: when the visitor asked; the service erases only what was given before it."""
        params = {"asked_at": asked_at.isoformat()} if asked_at is not None else None
        self._request("DELETE", f"/api/conversations/{quote(conversation_id, safe='')}", params=params)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        settings = self._settings
        headers = {"Authorization": f"Bearer {settings.service_token.get_secret_value()}"}
        try:
            with httpx.Client(base_url=settings.lead_service_url, timeout=settings.lead_service_timeout_seconds,
                              transport=self._transport) as http:
                response = http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise ServiceUnavailable(type(error).__name__) from error
        if response.status_code in (401, 403):
            # A wrong SERVICE_TOKEN is an operator's mistake: keep the lead until it is fixed.
            log.error("lead service refused our token (%s): check SERVICE_TOKEN", response.status_code)
            raise ServiceUnavailable(f"HTTP {response.status_code}")
        if response.status_code == 429 or response.status_code >= 500:
            raise ServiceUnavailable(f"HTTP {response.status_code}")
        if response.status_code == 410:
            raise LeadErased("HTTP 410")
        if response.status_code >= 400:
            # Only field names, never values: the body may echo personal data.
            fields = [".".join(map(str, problem.get("loc", []))) for problem in _errors(response)]
            log.error("lead service rejected %s %s: HTTP %s %s", method, path.split("/")[2], response.status_code,
                      fields)
            raise LeadRejected(f"HTTP {response.status_code}")
        return response


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        return list(response.json().get("errors") or [])
    except (ValueError, AttributeError):
        return []
