"""How fast a mentor hears of a hand-off: the visitor's "ja, verstuur maar" until the reply with the
reference, and until the mentor's e-mail has arrived at the SMTP server (whole stack, real)."""

from __future__ import annotations

import re
import time
import uuid

from tests.support.conversation import button, give_details
from tests.support.stack import Stack

ROUNDS = 10
REFERENCE = re.compile(r"MW-[0-9A-Z]{5}")
MAIL_TIMEOUT = 60


def measure(stack: Stack, rounds: int = ROUNDS) -> dict:
    confirm_ms: list[float] = []
    notified_ms: list[float] = []
    for _ in range(rounds):
        sender = f"bench-handoff-{uuid.uuid4().hex[:8]}"

        def say(message: str, sender: str = sender) -> list[dict]:
            return stack.rasa.send(sender, message)

        summary = give_details(say, say("ik wil met een mentor praten"))
        started = time.perf_counter()
        replies = say(button(summary, "Ja, verstuur maar"))
        confirm_ms.append((time.perf_counter() - started) * 1000)
        reference = REFERENCE.search(" ".join(reply.get("text", "") for reply in replies))
        if reference is None:
            raise RuntimeError(f"no reference in the reply: {replies}")
        while not any(reference.group() in body for body in stack.mailbox.bodies()):
            if time.perf_counter() - started > MAIL_TIMEOUT:
                raise RuntimeError(f"no e-mail for {reference.group()} after {MAIL_TIMEOUT} s")
            time.sleep(0.01)
        notified_ms.append((time.perf_counter() - started) * 1000)
    return {"confirm": confirm_ms, "notified": notified_ms}
