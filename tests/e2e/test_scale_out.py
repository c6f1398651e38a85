"""Two Rasa instances share PostgreSQL (tracker store) and Redis (lock store), as docs/operations.md's
scale-out configuration has it, with no sticky routing in front: the messages of one conversation
may reach either instance, even at the same moment.

What must hold, read from the tracker store itself: one message at a time per conversation, in the
order they arrived, with no event lost or written twice; a slow action keeps its turn (stock Rasa
lets the next message in once a ticket is 60 s old); an instance that dies mid-turn frees the
conversation once its ticket expires.

Real processes: two Rasa servers, the action server behind a slow-network proxy, PostgreSQL and
Redis (skips without them, except in CI: REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import redis
from sqlalchemy.engine import make_url

from bot.channels.conversation_ids import rest_conversation_id
from bot.conversation_queue import KEY_PREFIX
from bot.message_guard import FAILURE_REPLY
from tests.support.nginx import Nginx
from tests.support.postgres import admin_engine, throwaway_databases
from tests.support.redis_server import redis_url_or_skip
from tests.support.servers import MODEL, ActionServer, RasaServer
from tests.support.slow_proxy import SlowProxy
from tests.support.tracker_events import StoredEvent, assert_one_whole_turn_per_message, stored_events

# Short enough that stock Rasa would let a second message in during the slow action below.
TICKET_LIFETIME = 3
SLOW_ACTION_SECONDS = 3 * TICKET_LIFETIME

# Messages that each get an answer whatever came before (no buttons needed).
QUESTIONS = [
    "hallo",
    "wat is het verschil tussen coaching en mentoring?",
    "wat is een training precies?",
    "ik wil beter leren presenteren",
    "wat is het verschil tussen training en coaching?",
    "wat doet een mentor?",
    "dank je wel",
    "wat is coaching?",
    "hoe verschilt mentoring van training?",
    "oké",
    "wat is het verschil tussen coaching en mentoring?",
    "bedankt",
]


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    admin = admin_engine()
    with throwaway_databases(admin, prefix="mw_scale") as make:
        url = make_url(make())
        # A plain postgresql:// URL, as docs/operations.md tells operators.
        yield url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin.dispose()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[SlowProxy]:
    actions = ActionServer(tmp_path_factory.mktemp("actions"))
    actions.start()
    proxy = SlowProxy(f"http://127.0.0.1:{actions.port}")
    yield proxy
    proxy.stop()
    actions.stop()


@pytest.fixture(scope="module")
def instances(database, proxy, tmp_path_factory) -> Iterator[list[RasaServer]]:
    assert MODEL.exists(), "train the model first: make train"
    env = {
        "DATABASE_URL": database,
        "LOCK_STORE_URL": redis_url_or_skip(),
        "TICKET_LOCK_LIFETIME": str(TICKET_LIFETIME),
        "RATE_LIMIT_STORAGE_URL": redis_url_or_skip(),
        "CHAT_RATE_LIMIT_PER_ADDRESS": "",
    }
    servers = [RasaServer(tmp_path_factory.mktemp(f"rasa-{n}"), action_url=f"{proxy.url}/webhook", env=env)
               for n in (1, 2)]
    # The first creates the tables; then both start at once (each takes a minute or two).
    servers[0].start()
    second = threading.Thread(target=servers[1].start)
    second.start()
    second.join()
    assert servers[1].process and servers[1].process.poll() is None
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def front(instances, tmp_path_factory) -> Iterator[Nginx]:
    """deploy/nginx.conf in front of both instances (no lead service in this module)."""
    proxy = Nginx(tmp_path_factory.mktemp("nginx"), [f"127.0.0.1:{server.port}" for server in instances],
                  "127.0.0.1:9")
    proxy.start()
    yield proxy
    proxy.stop()


def events(database: str, sender: str) -> list[StoredEvent]:
    """What the tracker store holds of REST visitor `sender`."""
    url = make_url(database).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    conversation = rest_conversation_id(sender)
    return stored_events(url, [conversation])[conversation]


async def post(client: httpx.AsyncClient, server: RasaServer | Nginx, sender: str, message: str) -> list[dict]:
    response = await client.post(f"{server.url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def answered(replies: list[dict]) -> bool:
    spoken = [reply.get("text") for reply in replies if reply.get("text")]
    return bool(spoken) and FAILURE_REPLY not in spoken


def test_one_conversation_sent_to_both_instances_at_once_is_served_one_message_at_a_time_in_order(
        instances, database) -> None:
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    queue = redis.Redis.from_url(redis_url_or_skip())
    drawn = f"{KEY_PREFIX}{{{rest_conversation_id(sender)}}}:last"  # the last ticket drawn for this conversation

    async def send_all() -> list[list[dict]]:
        async with httpx.AsyncClient() as client:
            sending = []
            for n, message in enumerate(QUESTIONS):
                # To the instances in turn, each as soon as the one before has drawn its ticket (has
                # arrived), so "in order" is well defined; most wait while earlier ones are served.
                sending.append(asyncio.create_task(post(client, instances[n % 2], sender, message)))
                deadline = time.monotonic() + 60
                while int(queue.get(drawn) or 0) < n + 1:
                    assert time.monotonic() < deadline, f"message {n} never drew a ticket (is the lock store ours?)"
                    await asyncio.sleep(0.005)
            return await asyncio.gather(*sending)

    replies = asyncio.run(send_all())
    assert all(answered(reply) for reply in replies), replies
    assert_one_whole_turn_per_message(events(database, sender), QUESTIONS)


def test_many_conversations_over_both_instances_lose_nothing(instances, database) -> None:
    senders = [f"scale-many-{n}-{uuid.uuid4().hex[:6]}" for n in range(16)]
    sent = QUESTIONS[:6]

    async def visitor(client: httpx.AsyncClient, index: int, sender: str) -> list[bool]:
        results = []
        for n, message in enumerate(sent):  # a visitor waits for each answer; the instance alternates
            results.append(answered(await post(client, instances[(index + n) % 2], sender, message)))
        return results

    async def run() -> list[list[bool]]:
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as client:
            return await asyncio.gather(*(visitor(client, n, sender) for n, sender in enumerate(senders)))

    assert all(all(results) for results in asyncio.run(run()))
    for sender in senders:
        assert_one_whole_turn_per_message(events(database, sender), sent)


def test_the_shipped_front_proxy_spreads_visitors_over_the_instances_and_loses_nothing(front, database) -> None:
    senders = [f"scale-front-{n}-{uuid.uuid4().hex[:6]}" for n in range(8)]
    sent = QUESTIONS[:5]

    async def visitor(client: httpx.AsyncClient, sender: str) -> list[bool]:
        return [answered(await post(client, front, sender, message)) for message in sent]

    async def run() -> list[list[bool]]:
        async with httpx.AsyncClient() as client:
            return await asyncio.gather(*(visitor(client, sender) for sender in senders))

    assert all(all(results) for results in asyncio.run(run()))
    for sender in senders:
        assert_one_whole_turn_per_message(events(database, sender), sent)
    # Rasa's HTTP API is not reachable from outside.
    assert httpx.get(f"{front.url}/conversations/{senders[0]}/tracker").status_code == 404


def test_a_message_queued_behind_a_slow_action_waits_for_its_turn_on_the_other_instance(
        instances, proxy, database) -> None:
    sender = f"scale-slow-{uuid.uuid4().hex[:8]}"
    first, second = "ik wil beter leren presenteren", "wat is het verschil tussen coaching en mentoring?"

    async def run() -> tuple[list[dict], list[dict], float, float]:
        async with httpx.AsyncClient() as client:
            proxy.delay = SLOW_ACTION_SECONDS
            seen = proxy.requests
            slow = asyncio.create_task(post(client, instances[0], sender, first))
            while proxy.requests == seen:  # the first message is now inside its (slow) action
                await asyncio.sleep(0.05)
            proxy.delay = 0
            started = time.monotonic()
            queued = await post(client, instances[1], sender, second)
            waited = time.monotonic() - started
            return await slow, queued, waited, time.monotonic()

    try:
        slow_replies, queued_replies, waited, _ = asyncio.run(run())
    finally:
        proxy.delay = 0
    assert answered(slow_replies) and answered(queued_replies)
    # It waited out the slow action (longer than a ticket lives), and was not turned away.
    assert waited > SLOW_ACTION_SECONDS - 1
    assert_one_whole_turn_per_message(events(database, sender), [first, second])


def test_an_instance_that_dies_mid_turn_frees_the_conversation_for_the_other(instances, proxy, front,
                                                                           database) -> None:
    sender = f"scale-crash-{uuid.uuid4().hex[:8]}"
    doomed, survivor = instances
    assert answered(survivor.send(sender, "hallo"))

    async def run() -> list[dict]:
        async with httpx.AsyncClient() as client:
            proxy.delay = 60
            seen = proxy.requests
            dying = asyncio.create_task(post(client, doomed, sender, "ik wil beter leren presenteren"))
            while proxy.requests == seen:
                await asyncio.sleep(0.05)
            proxy.delay = 0
            doomed.process.send_signal(signal.SIGKILL)  # holds the conversation's ticket
            doomed.process.wait()
            with pytest.raises(httpx.HTTPError):
                await dying
            after = await post(client, survivor, sender, "wat is het verschil tussen coaching en mentoring?")
            # The front proxy passes what it cannot hand to the dead instance to the living one.
            for _ in range(4):
                assert answered(await post(client, front, sender, "dank je"))
            return after

    try:
        replies = asyncio.run(run())
    finally:
        proxy.delay = 0
        doomed.process = None  # the last test of this module: no restart needed
    assert answered(replies)
    # The dead instance saved nothing of its turn; the survivor's turns are whole.
    assert_one_whole_turn_per_message(events(database, sender),
                                      ["hallo", "wat is het verschil tussen coaching en mentoring?"] + ["dank je"] * 4)
