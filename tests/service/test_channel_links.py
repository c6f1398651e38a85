"""One-time links from a web conversation to Telegram (`bot/channels/links.py`), on the service's
migrated database (SQLite and PostgreSQL): issued, claimed once, expiring, erased with the conversation."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.channels.links import ChannelLinks, token_hash
from bot.service import cli
from bot.service.db.models import AuditEntry, ChannelLink
from bot.service.db.types import utcnow
from bot.service.settings import Settings, get_settings
from tests.service.conftest import SERVICE


@pytest.fixture
def links(settings: Settings, app) -> ChannelLinks:  # `app` empties the tables afterwards
    store = ChannelLinks(settings.database_url, ttl_seconds=600)
    yield store
    store.dispose()


def test_a_link_moves_the_conversation_to_one_telegram_chat(links: ChannelLinks) -> None:
    token = links.issue("web-anna")

    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()  # Telegram's start rules
    assert links.sender_for_chat(4242) is None
    assert links.claim(token, 4242) == "web-anna"
    assert links.sender_for_chat(4242) == "web-anna"
    assert links.sender_for_chat(9999) is None


def test_a_link_works_once(links: ChannelLinks) -> None:
    token = links.issue("web-anna")
    assert links.claim(token, 1) == "web-anna"

    assert links.claim(token, 2) is None  # someone who saw the link later gets nothing
    assert links.sender_for_chat(2) is None
    assert links.sender_for_chat(1) == "web-anna"


def test_an_expired_or_unknown_link_gives_nothing(links: ChannelLinks) -> None:
    issued_at = time.time() - 601
    token = links.issue("web-anna", now=issued_at)

    assert links.claim(token, 1) is None
    assert links.claim("not-a-token", 1) is None
    assert links.claim("", 1) is None


def test_only_a_hash_of_the_token_is_stored(links: ChannelLinks, session: Session) -> None:
    token = links.issue("web-anna")
    [stored] = session.scalars(select(ChannelLink.token_hash))
    assert stored == token_hash(token) and token not in stored


def test_the_latest_link_of_a_chat_wins(links: ChannelLinks) -> None:
    assert links.claim(links.issue("web-first"), 7, now=time.time() - 5) == "web-first"
    assert links.claim(links.issue("web-second"), 7) == "web-second"
    assert links.sender_for_chat(7) == "web-second"


def test_two_chats_racing_for_one_link_get_it_once(links: ChannelLinks) -> None:
    token = links.issue("web-anna")
    results: list[str | None] = []
    start = threading.Barrier(8)

    def claim(chat_id: int) -> None:
        start.wait()
        results.append(links.claim(token, chat_id))

    threads = [threading.Thread(target=claim, args=(chat_id,)) for chat_id in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("web-anna") == 1 and results.count(None) == 7


def test_forget_me_erases_the_conversations_links(client: TestClient, links: ChannelLinks, session: Session) -> None:
    links.claim(links.issue("web-anna"), 11)
    links.issue("web-anna")
    links.claim(links.issue("web-bob"), 12)

    response = client.delete("/api/conversations/web-anna", headers=SERVICE)

    assert response.status_code == 200, response.text
    assert links.sender_for_chat(11) is None  # the Telegram chat starts afresh
    assert links.sender_for_chat(12) == "web-bob"
    assert session.scalar(select(func.count()).select_from(ChannelLink)) == 1


def test_purge_removes_links_past_retention(
    links: ChannelLinks, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    links.claim(links.issue("web-old"), 21)
    links.issue("web-new")
    old = (utcnow() - timedelta(days=366)).timestamp()
    session.execute(update(ChannelLink).where(ChannelLink.conversation_id == "web-old").values(created_at=old))
    session.commit()
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RETENTION_DAYS", "365")
    get_settings.cache_clear()
    try:
        assert cli.main(["purge"]) == 0
    finally:
        get_settings.cache_clear()

    assert "1 Telegram-koppeling(en)" in capsys.readouterr().out
    session.expire_all()
    assert list(session.scalars(select(ChannelLink.conversation_id))) == ["web-new"]


def test_forget_me_and_purge_are_in_the_audit_log(
    client: TestClient, links: ChannelLinks, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert client.delete("/api/conversations/web-anna", headers=SERVICE).status_code == 200
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["purge"]) == 0
    finally:
        get_settings.cache_clear()

    session.expire_all()
    entries = {entry.action: entry for entry in session.scalars(select(AuditEntry))}
    assert entries["conversation.erase"].detail == {"conversation_id": "web-anna"}
    assert entries["conversation.erase"].actor == "bezoeker (vergeet mij)"
    assert entries["retention.purge"].detail["leads"] == 0
