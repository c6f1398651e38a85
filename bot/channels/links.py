"""One-time links that move a web conversation to Telegram ("verder op Telegram").

The widget asks for a link; the visitor opens `https://t.me/<bot>?start=<token>`; Telegram
sends `/start <token>` and from then on that Telegram chat writes into the same conversation
(same Rasa sender id, so slots, answers and the advice carry over, and "vergeet mij" erases
one conversation). Only a SHA-256 of the token is stored: a leaked database gives no links.

The table belongs to the lead service (Alembic migration 0003, `DATABASE_URL`); Rasa's process
reads and writes it here with SQLAlchemy Core, which works on the 1.4 in Rasa's environment and
on 2.x in ours. Times are Unix seconds (floats): the same on both versions and both dialects.
Blocking calls: channels run them in a thread.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import secrets
import time

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///var/mentorwijzer.db"
DEFAULT_TTL_SECONDS = 600
# Telegram's deep-link `start` parameter allows up to 64 of [A-Za-z0-9_-]; 24 bytes -> 32 chars.
TOKEN_BYTES = 24

metadata = sa.MetaData()
channel_links = sa.Table(
    "channel_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float, nullable=True),
    sa.Column("telegram_chat_id", sa.BigInteger, nullable=True, index=True),
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def engine_url(url: str) -> sa.engine.URL:
    """The service names psycopg 3; Rasa's environment only has psycopg2."""
    parsed = make_url(url)
    if parsed.drivername == "postgres":  # Heroku-style URLs; SQLAlchemy 1.4 knows only "postgresql"
        parsed = parsed.set(drivername="postgresql")
    if parsed.drivername == "postgresql+psycopg" and importlib.util.find_spec("psycopg") is None:
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


class ChannelLinks:
    def __init__(self, database_url: str = DEFAULT_DATABASE_URL, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self.engine = sa.create_engine(engine_url(database_url), future=True, pool_pre_ping=True)

    @classmethod
    def from_env(cls) -> ChannelLinks:
        return cls(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
                   float(os.environ.get("CHANNEL_LINK_TTL_SECONDS") or DEFAULT_TTL_SECONDS))

    def issue(self, conversation_id: str, now: float | None = None) -> str:
        """A new one-time token for this conversation, valid `ttl_seconds`."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.engine.begin() as connection:
            connection.execute(channel_links.insert().values(
                token_hash=token_hash(token), conversation_id=conversation_id,
                created_at=now, expires_at=now + self.ttl_seconds))
        return token

    def claim(self, token: str, telegram_chat_id: int, now: float | None = None) -> str | None:
        """The conversation the token belongs to, once: a used, expired or unknown token gives None."""
        now = time.time() if now is None else now
        digest = token_hash(token)
        with self.engine.begin() as connection:
            # One UPDATE decides who wins: two chats opening the same link at once get it once.
            claimed = connection.execute(
                channel_links.update()
                .where(channel_links.c.token_hash == digest, channel_links.c.claimed_at.is_(None),
                       channel_links.c.expires_at > now)
                .values(claimed_at=now, telegram_chat_id=telegram_chat_id)
            ).rowcount
            if claimed != 1:
                return None
            return connection.execute(
                sa.select(channel_links.c.conversation_id).where(channel_links.c.token_hash == digest)
            ).scalar_one()

    def sender_for_chat(self, telegram_chat_id: int) -> str | None:
        """The conversation this Telegram chat continues, if it was linked (the latest link wins)."""
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(channel_links.c.conversation_id)
                .where(channel_links.c.telegram_chat_id == telegram_chat_id,
                       channel_links.c.claimed_at.is_not(None))
                .order_by(channel_links.c.claimed_at.desc(), channel_links.c.id.desc())
                .limit(1)
            ).scalar_one_or_none()

    def dispose(self) -> None:
        self.engine.dispose()
