"""Load: 50 visitors at once, 15 messages each, over REST against one Rasa server (issue #6).

Every visitor writes like a real one, one message after the other, each after the previous reply:
a need, answers to the guided questions (buttons or typed), the advice, then questions about it,
a correction, thanks. What is checked is what the visitors got and what the tracker store kept:
every message answered with text (never a 5xx, never the apology for a failed turn), and afterwards
each conversation in the database holds exactly its 15 messages, in the order sent, each followed by
the bot's replies as they were sent. Nobody asks for a mentor: no lead, no e-mail.

Timing is printed (`pytest -s`), not asserted: the machine decides it.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.channels.conversation_ids import rest_conversation_id
from bot.message_guard import FAILURE_REPLY
from tests.support.conversation import asked_dimension
from tests.support.personas import PERSONAS
from tests.support.tracker_events import stored_events, turns

VISITORS = 50
MESSAGES = 15
REQUEST_TIMEOUT = 180  # seconds; under this load one reply takes a few seconds on two cores

GREETINGS = ["hoi", "goedemiddag", "hallo, ik heb een vraag"]
# Asked in the middle of the guided questions: answered, then the open question comes back.
ASIDES = [
    "wat is het verschil tussen coaching en mentoring?",
    "ben jij een robot?",
    "wat is het verschil tussen training en coaching?",
]
# After the advice (or whenever no question is open), in a different order for every visitor.
FOLLOW_UPS = [
    "wat is het verschil tussen coaching en mentoring?",
    "waarom niet coaching?",
    "meer uitleg",
    "wat is het verschil tussen training en coaching?",
    "hoezo?",
    "waar waren we?",
    "nee, toch liever in een groep",
    "waarom past dat bij mij?",
    "ben jij een robot?",
    "wat is het verschil tussen mentoring en training?",
    "kun je dat toelichten?",
    "wat voor weer wordt het morgen?",
    "oké, duidelijk",
    "waarop baseer je dat?",
]
CLOSINGS = ["bedankt!", "dank je wel, hier kan ik mee verder", "top, bedankt voor het meedenken", "tot ziens",
            "dankjewel, doei"]


@dataclass
class Visitor:
    """One scripted visitor: answers a guided question when one is open, else says the next line."""

    index: int
    run: str
    script: list[str] = field(default_factory=list)
    aside: str | None = None
    sent: list[str] = field(default_factory=list)
    replies: list[list[dict]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.persona = PERSONAS[self.index % len(PERSONAS)]
        if self.index % 5 == 3:
            self.script.append(GREETINGS[self.index % len(GREETINGS)])
        self.script.append(self.persona.opening)
        shift = self.index % len(FOLLOW_UPS)
        follow_ups = FOLLOW_UPS[shift:] + FOLLOW_UPS[:shift]
        if self.index % 5 == 2:  # starts over with another need halfway
            other = PERSONAS[(self.index + 3) % len(PERSONAS)]
            follow_ups[3:3] = ["opnieuw", other.opening]
        self.script += follow_ups
        if self.index % 5 == 1:
            self.aside = ASIDES[self.index % len(ASIDES)]

    @property
    def sender(self) -> str:
        return f"load-{self.run}-{self.index:02d}"

    def next_message(self) -> str:
        if len(self.sent) == MESSAGES - 1:
            return CLOSINGS[self.index % len(CLOSINGS)]
        last = self.replies[-1] if self.replies else []
        if asked_dimension(last) is not None:
            if self.aside:
                aside, self.aside = self.aside, None
                return aside
            return self.persona.reply_to(last)
        return self.script.pop(0)


async def talk(client: httpx.AsyncClient, url: str, visitor: Visitor) -> None:
    for number in range(1, MESSAGES + 1):
        message = visitor.next_message()
        visitor.sent.append(message)
        started = time.perf_counter()
        try:
            response = await client.post(url, json={"sender": visitor.sender, "message": message})
        except httpx.HTTPError as error:
            visitor.problems.append(f"message {number}: {type(error).__name__}")
            return  # the rest of this conversation would not be in order any more
        visitor.latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            visitor.problems.append(f"message {number}: HTTP {response.status_code}")
            return
        replies = response.json()
        visitor.replies.append(replies)
        texts = [reply.get("text") or "" for reply in replies]
        if not any(text.strip() for text in texts):
            visitor.problems.append(f"message {number} ({message!r}): no text in {replies}")
        if FAILURE_REPLY in texts:
            visitor.problems.append(f"message {number} ({message!r}): the apology for a failed turn")


async def talk_all(url: str, visitors: list[Visitor]) -> None:
    limits = httpx.Limits(max_connections=len(visitors), max_keepalive_connections=len(visitors))
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        await asyncio.gather(*(talk(client, url, visitor) for visitor in visitors))


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux): on a shared machine it says more than the wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def test_fifty_visitors_at_once_are_all_answered_and_all_stored(stack):
    run = uuid.uuid4().hex[:6]
    visitors = [Visitor(index, run) for index in range(VISITORS)]

    rasa_cpu = cpu_seconds(stack.rasa.process.pid)
    started = time.perf_counter()
    asyncio.run(talk_all(f"{stack.rasa.url}/webhooks/rest/webhook", visitors))
    wall = time.perf_counter() - started
    rasa_cpu = cpu_seconds(stack.rasa.process.pid) - rasa_cpu

    latencies = [latency for visitor in visitors for latency in visitor.latencies]
    print(f"\nload: {VISITORS} visitors x {MESSAGES} messages = {len(latencies)} answered in {wall:.1f} s "
          f"({len(latencies) / wall:.1f}/s); latency p50 {statistics.median(latencies):.2f} s, "
          f"p95 {percentile(latencies, 0.95):.2f} s, max {max(latencies):.2f} s; Rasa used {rasa_cpu:.0f} s CPU")

    problems = [f"{visitor.sender} {problem}" for visitor in visitors for problem in visitor.problems]
    assert not problems, "\n".join(problems)

    # What the tracker store kept: each conversation, complete and in order.
    stored = stored_events(stack.service.database, [rest_conversation_id(visitor.sender) for visitor in visitors])
    for visitor in visitors:
        kept = turns(stored[rest_conversation_id(visitor.sender)])
        assert [user for user, _ in kept] == visitor.sent, f"{visitor.sender}: stored user messages differ"
        for number, ((user, bot_texts), replies) in enumerate(zip(kept, visitor.replies, strict=True), start=1):
            assert bot_texts, f"{visitor.sender} message {number} ({user!r}): no bot event stored after it"
            sent_texts = [reply.get("text") or "" for reply in replies]
            assert bot_texts == sent_texts, f"{visitor.sender} message {number}: stored replies differ from sent"

    # Nobody asked for a mentor, so nothing reached the lead service (and no mentor got e-mail).
    leads = stack.service.staff("/api/staff/leads", limit=100)
    leads.raise_for_status()
    prefix = rest_conversation_id(f"load-{run}-")
    assert not [lead for lead in leads.json()["items"] if lead["conversation_id"].startswith(prefix)]
