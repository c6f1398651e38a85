"""A message sent while the one before it is still in a slow action waits for its turn: it is
never answered with nothing or an apology, never run alongside the slow one, and never dropped.

Stock Rasa's lock lets the next message in once the first one's ticket is older than
TICKET_LOCK_LIFETIME (60 s by default), even though the action still runs, and both turns then
write the same conversation. bot/lock_store.py renews the ticket while its message is served.
The session stack runs with a 10 s lifetime (conftest.py); the action here takes 15 s.
"""

from __future__ import annotations

import concurrent.futures
import time

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.e2e.conftest import TICKET_LIFETIME
from tests.support.tracker_events import assert_one_whole_turn_per_message, stored_events

SLOW_ACTION_SECONDS = TICKET_LIFETIME + 5


def answered(replies: list[dict]) -> bool:
    spoken = [reply.get("text") for reply in replies if reply.get("text")]
    return bool(spoken) and FAILURE_REPLY not in spoken


def test_a_message_behind_a_slow_action_waits_for_its_turn_and_is_answered(rasa, service, action_proxy, sender):
    first, second = "ik wil beter leren presenteren", "wat is het verschil tussen coaching en mentoring?"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        action_proxy.delay = SLOW_ACTION_SECONDS
        try:
            seen = action_proxy.requests
            slow = pool.submit(rasa.send, sender, first)
            deadline = time.monotonic() + 60
            while action_proxy.requests == seen:  # the first message is inside its action now
                assert time.monotonic() < deadline and not slow.done(), "the first message called no action"
                time.sleep(0.05)
        finally:
            action_proxy.delay = 0
        started = time.monotonic()
        queued = rasa.send(sender, second)
        waited = time.monotonic() - started
        slow_replies = slow.result()

    assert answered(slow_replies), slow_replies
    assert answered(queued), queued
    assert waited > SLOW_ACTION_SECONDS - 2  # it waited out the slow action, longer than a ticket lives
    conversation = rest_conversation_id(sender)
    assert_one_whole_turn_per_message(stored_events(service.database, [conversation])[conversation], [first, second])
