"""Error answers documented in the OpenAPI schema, so clients (and schemathesis) know them."""

from __future__ import annotations

from typing import Any

from bot.service.schemas import Problem


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "Body is geen leesbare JSON (bijvoorbeeld geen UTF-8)",
        401: "Ongeldig of ontbrekend token",
        404: "Niet gevonden",
        409: "Niet toegestaan in de huidige status",
        410: "De bezoeker vroeg na deze hand-off om alles te wissen: niet bewaard",
        413: "Verzoek groter dan 64 KB",
        422: "Ongeldige invoer",
        503: "Database tijdelijk niet bereikbaar",
    }
    return {code: {"model": Problem, "description": descriptions[code]} for code in codes}
