"""`python -m bot.service.cli purge | migrate`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, update
from sqlalchemy.orm import Session

from bot.service import cli
from bot.service.db.conversation_models import Conversation
from bot.service.db.models import ConversationErasure, Lead, Notification
from bot.service.db.types import utcnow
from bot.service.settings import Settings, get_settings
from tests.service.conftest import SERVICE
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import RasaTracker, action, user

DAY = 86_400

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, settings: Settings):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", settings.tracker_database_url)
    monkeypatch.setenv("RETENTION_DAYS", "365")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_purge_removes_only_expired_leads(
    client: TestClient, session: Session, environment, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [client.post("/api/leads", json=lead_payload(), headers=SERVICE).json()["id"] for _ in range(3)]
    ages = {ids[0]: timedelta(days=400), ids[1]: timedelta(days=366), ids[2]: timedelta(days=364)}
    for lead_id, age in ages.items():
        session.execute(update(Lead).where(Lead.id == lead_id).values(created_at=utcnow() - age))
    session.commit()

    assert cli.main(["purge"]) == 0

    assert "2 lead(s) ouder dan 365 dagen verwijderd" in capsys.readouterr().out
    session.expire_all()
    assert list(session.scalars(select(Lead.id))) == [ids[2]]
    assert list(session.scalars(select(Notification.lead_id))) == [ids[2]]


def test_purge_tidies_done_erasures_past_retention(
    session: Session, environment, capsys: pytest.CaptureFixture[str]
) -> None:
    now = utcnow()
    session.add_all(
        [
            ConversationErasure(
                conversation_id="old-done",
                requested_at=now - timedelta(days=401),
                due_at=now - timedelta(days=401),
                done_at=now - timedelta(days=400),
                events_erased=12,
            ),
            ConversationErasure(
                conversation_id="recent-done",
                requested_at=now - timedelta(days=10),
                due_at=now - timedelta(days=10),
                done_at=now - timedelta(days=10),
                events_erased=3,
            ),
            # Never carried out (say the tracker store was down for a year): it must stay until it is.
            ConversationErasure(
                conversation_id="old-pending", requested_at=now - timedelta(days=400), due_at=now - timedelta(days=400)
            ),
        ]
    )
    session.commit()

    assert cli.main(["purge"]) == 0

    assert "1 afgehandeld(e) wisverzoek(en) ouder dan 365 dagen opgeruimd" in capsys.readouterr().out
    session.expire_all()
    left = session.scalars(select(ConversationErasure.conversation_id).order_by(ConversationErasure.id))
    assert list(left) == ["recent-done", "old-pending"]


def test_purge_removes_visitors_gone_longer_than_the_retention_period(
    session: Session, rasa: RasaTracker, environment, capsys: pytest.CaptureFixture[str]
) -> None:
    now = time.time()
    year_and_more, last_week = now - 400 * DAY, now - 7 * DAY

    def visit(sender: str, at: float) -> None:
        rasa.save(sender, action("action_session_start", at),
                  user("ik wil leren presenteren", "need_skill", 0.9, at + 1))

    visit("long-gone", year_and_more)
    visit("came-back", year_and_more)
    visit("came-back", last_week)  # a new session: the whole visitor stays (Rasa counts their rows)
    visit("recent", last_week)

    assert cli.main(["purge"]) == 0

    assert "Gesprekken van 1 bezoeker(s)" in capsys.readouterr().out
    assert (rasa.count("long-gone"), rasa.count("came-back"), rasa.count("recent")) == (0, 4, 2)
    session.expire_all()
    assert sorted(session.scalars(select(Conversation.sender_id))) == ["came-back", "came-back", "recent"]


def test_migrate_command_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'leads.db'}"  # the directory does not exist yet
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "bot.service.cli", "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    engine = create_engine(url)
    assert {"leads", "notifications", "conversation_erasures"} <= set(inspect(engine).get_table_names())
    engine.dispose()
