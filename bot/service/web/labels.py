"""The Dutch words staff screens show for stored keys, and how they show a time: one vocabulary
for the dashboard, the conversation pages and the lead inbox. (The mentor's e-mail words its own
sentences: bot/service/notify/summary.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.needs import STAFF_LABELS
from bot.service.conversations.dashboard import LOCAL

NO_VALUE = "–"
LEAD_STATUS_NAMES = {"new": "nieuw", "contacted": "gecontacteerd", "matched": "gematcht", "closed": "gesloten"}
RECOMMENDATION_NAMES = {"training": "training", "coaching": "coaching", "mentoring": "mentoring"}
NEED_NAMES: dict[str, str] = STAFF_LABELS


def local_time(moment: datetime | None) -> str:
    """A stored time as staff read it: 23-11-2026 14:05 on their own clock (Europe/Amsterdam)."""
    if moment is None:
        return NO_VALUE
    if moment.tzinfo is None:  # stored as UTC without a zone (SQLite)
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).strftime("%d-%m-%Y %H:%M")
