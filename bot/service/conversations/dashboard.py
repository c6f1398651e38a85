"""The staff dashboard's figures: conversations per day, needs, advice given, fallbacks, leads."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service.conversations.schemas import CountByKey, Dashboard, DayCount
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import LEAD_STATUSES, Lead

try:  # staff read days as they live them; UTC where the system has no time-zone data
    LOCAL = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # pragma: no cover - Debian and the Python image have tzdata
    LOCAL = ZoneInfo("UTC")


def figures(session: Session, days: int, now: datetime) -> Dashboard:
    today = now.astimezone(LOCAL).date()
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, datetime.min.time(), LOCAL)
    in_period = (Conversation.started_at >= since, Conversation.user_messages > 0)

    per_day: dict[date, list[int]] = {first_day + timedelta(days=n): [0, 0, 0] for n in range(days)}
    rows = session.execute(
        select(Conversation.started_at, Conversation.fallbacks, Conversation.user_messages).where(*in_period)
    )
    for started_at, fallbacks, user_messages in rows:
        bucket = per_day.get(started_at.astimezone(LOCAL).date())
        if bucket is not None:
            bucket[0] += 1
            bucket[1] += fallbacks
            bucket[2] += user_messages
    user_messages = sum(counts[2] for counts in per_day.values())
    fallbacks = sum(counts[1] for counts in per_day.values())

    def counted(column) -> list[CountByKey]:
        grouped = session.execute(select(column, func.count()).where(*in_period).group_by(column))
        most_first = sorted(grouped, key=lambda pair: (-pair[1], pair[0] or ""))
        return [CountByKey(key=key, count=count) for key, count in most_first]

    lead_counts = Counter(dict(session.execute(
        select(Lead.status, func.count()).where(Lead.created_at >= since).group_by(Lead.status)
    ).all()))
    return Dashboard(
        days=days,
        conversations=sum(counts[0] for counts in per_day.values()),
        per_day=[DayCount(day=day.isoformat(), conversations=c, fallbacks=f, user_messages=u)
                 for day, (c, f, u) in per_day.items()],
        needs=counted(Conversation.need),
        recommendations=counted(Conversation.recommendation),
        user_messages=user_messages,
        fallbacks=fallbacks,
        fallback_share=round(fallbacks / user_messages, 4) if user_messages else None,
        leads_by_status=[CountByKey(key=status, count=lead_counts.get(status, 0)) for status in LEAD_STATUSES],
        unreviewed=session.scalar(
            select(func.count()).select_from(Conversation).where(*in_period, Conversation.reviewed_at.is_(None))
        ) or 0,
    )
