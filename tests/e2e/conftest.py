"""The whole stack, real and on free ports, once for the e2e session (tests/support/stack.py)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.postgres import admin_engine
from tests.support.servers import MODEL
from tests.support.stack import start_stack
from tests.support.telegram_api import FakeBotApi, telegram_env

TICKET_LIFETIME = 10


@pytest.fixture(scope="session")
def telegram_api():
    """A local Telegram Bot API; Rasa's Telegram channel talks to it (tests/e2e/test_telegram.py)."""
    api = FakeBotApi().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, telegram_api):
    assert MODEL.exists(), "train the model first: make train"
    # A ticket that is not renewed lives this long (Rasa's default is 60 s): short enough that
    # test_slow_action.py can show a slower action keeps its turn anyway.
    rasa_env = {**telegram_env(telegram_api), "TICKET_LOCK_LIFETIME": str(TICKET_LIFETIME)}
    started = start_stack(tmp_path_factory.mktemp("stack"), rasa_env=rasa_env, action_proxy=True)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def admin():
    """The local PostgreSQL server's maintenance database (AUTOCOMMIT), for throwaway databases."""
    engine = admin_engine()
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def action_proxy(stack):
    return stack.action_proxy


@pytest.fixture(scope="session")
def rasa(stack):
    return stack.rasa


@pytest.fixture(scope="session")
def actions(stack):
    return stack.actions


@pytest.fixture(scope="session")
def service(stack):
    return stack.service


@pytest.fixture
def mailbox(stack):
    return stack.mailbox


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def say(rasa, sender):
    """Send one message as this test's visitor and return the bot's replies."""
    return lambda message: rasa.send(sender, message)
