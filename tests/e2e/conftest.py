"""One real action server and one real Rasa server for the whole e2e session."""

from __future__ import annotations

import uuid

import pytest

from tests.support.servers import MODEL, ActionServer, RasaServer


@pytest.fixture(scope="session")
def actions(tmp_path_factory):
    server = ActionServer(tmp_path_factory.mktemp("actions"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa(tmp_path_factory, actions):
    assert MODEL.exists(), "train the model first: make train"
    server = RasaServer(tmp_path_factory.mktemp("rasa"), action_url=actions.url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def say(rasa, sender):
    """Send one message as this test's visitor and return the bot's replies."""
    return lambda message: rasa.send(sender, message)
