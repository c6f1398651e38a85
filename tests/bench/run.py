"""`make bench`: how well and how fast the assistant works, written to docs/benchmarks.md.

- NLU on the held-out set (tests/nlu/heldout.yml, never trained on): macro-F1
  over the intents and a confusion-matrix picture (Rasa's own `rasa test nlu`).
- The scripted personas (tests/support/personas.py) against the real servers:
  how many get the advice the sources lead to, and user turns after the opening.
- Per-message latency over REST (p50/p95), sequential, as a visitor sees it; the same over the
  widget's socket.io channel and Telegram's webhook (local Bot API server).
- Leads per second and p95 of `POST /api/leads` on the lead service (SQLite).
- Staff screens with 10,000 stored conversations: indexing them, the list's first page, a
  filtered search, opening one of 200 events, the dashboard (SQLite, and PostgreSQL when reachable).
- Load over REST (tests/bench/load.py): messages per second and p50/p95/p99 at 1, 10 and 50 conversations at
  once, on SQLite and on PostgreSQL + Redis with one and two Rasa instances, peak memory, docs/load_chart.svg.
- The hand-off: "ja, verstuur maar" until the reference, and until the mentor's e-mail arrives.
- Speed beside a stock Rasa 3.6 bot (tests/bench/speed.py): training from scratch and after one NLU change,
  start-up, CPU per message, latency and throughput, a long conversation, the test suite per suite
  (skip with BENCH_SKIP_SPEED=1).
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import NamedTuple

from bot.channels.conversation_ids import rest_conversation_id
from tests.bench import channels, handoff, lead_service, load, nlu_sets, speed, staff_screens
from tests.support.conversation import Persona, is_clarifying_question, run_persona
from tests.support.personas import PERSONAS
from tests.support.servers import ROOT
from tests.support.stack import Stack, start_stack
from tests.support.telegram_api import FakeBotApi, telegram_env

DOCS = ROOT / "docs"
LATENCY_MESSAGES = [
    "hoi", "ik wil beter leren presenteren", "wat is het verschil tussen coaching en mentoring?",
    "in een groep", "weet ik niet", "ik ben net leidinggevende", "1-op-1", "bedankt!",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


class PersonaOutcome(NamedTuple):
    persona: Persona
    turns: int | None  # None: the persona never reached advice
    recommendation: str | None
    variant: str | None
    right: bool
    clarified: bool  # asked which need they meant (the clarifying question)


def personas_and_latency(stack: Stack) -> dict:
    rasa = stack.rasa
    latencies: list[float] = []
    clarified: set[str] = set()  # senders who were asked which need they meant

    def timed_sender(sender: str):
        def send(message: str) -> list[dict]:
            started = time.perf_counter()
            replies = rasa.send(sender, message)
            latencies.append((time.perf_counter() - started) * 1000)
            if is_clarifying_question(replies):
                clarified.add(sender)
            return replies
        return send

    outcomes = []
    for persona in PERSONAS:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        try:
            _, turns = run_persona(timed_sender(sender), persona)
            slots = rasa.slots(rest_conversation_id(sender))
            right = slots["recommendation"] == persona.expected and (
                persona.expected_variant is None or slots["guidance_variant"] == persona.expected_variant)
            outcomes.append(PersonaOutcome(persona, turns, slots["recommendation"], slots["guidance_variant"],
                                           right, sender in clarified))
        except AssertionError as failure:
            outcomes.append(PersonaOutcome(persona, None, None, None, False, sender in clarified))
            print(f"persona {persona.name}: {failure}")
    for round_ in range(10):
        send = timed_sender(f"latency-{round_}")
        for message in LATENCY_MESSAGES:
            send(message)
    return {"outcomes": outcomes, "latencies": latencies}


def write_report(nlu: dict, conv: dict, speeds: dict | None, leads: dict, handoffs: dict,
                 channel_latency: dict[str, list[float]], screens: dict | None = None,
                 loads: dict | None = None) -> None:
    outcomes = conv["outcomes"]
    right = sum(1 for o in outcomes if o.right)
    turns = [o.turns for o in outcomes if o.turns is not None]
    lat = conv["latencies"]
    asked = [o for o in outcomes if o.clarified]
    asked_then_right = [o for o in asked if o.right]
    lines = [
        "# Benchmarks",
        "",
        f"Measured {date.today().isoformat()} with `make bench` on {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Targets from the issue in brackets.",
        "",
    ]
    lines += nlu_sets.markdown(nlu)
    lines += ["## Personas (`tests/support/personas.py`, real Rasa + action server over REST)", "",
              f"- Right advice (form and mentoring variant): **{right}/{len(outcomes)}** "
              f"({100 * right / len(outcomes):.0f}%) (>= 90%)",
              f"- User turns after the opening until the advice: median **{statistics.median(turns):g}**, "
              f"max {max(turns)} (median <= 4)" if turns else "- no persona reached advice",
              f"- Not understood at first, so asked which need they meant (the clarifying question): "
              f"{len(asked)}/{len(outcomes)}; of those, **{len(asked_then_right)}** then reached the right advice",
              "", "| persona | expected | got | turns |", "|---|---|---|---|"]
    for persona, n, form, variant, ok, _ in outcomes:
        expected = persona.expected + (f" / {persona.expected_variant}" if persona.expected_variant else "")
        got = f"{form} / {variant}" if variant else str(form)
        lines.append(f"| {persona.name} | {expected} | {got}{'' if ok else ' ✗'} | {n} |")
    lines += ["", "## Latency per message (REST, sequential, SQLite tracker store)", "",
              f"- {len(lat)} messages: p50 **{percentile(lat, 50):.0f} ms**, p95 **{percentile(lat, 95):.0f} ms** "
              f"(p95 < 300 ms), max {max(lat):.0f} ms", ""]
    for name, values in channel_latency.items():
        lines += [f"- {name}, {len(values)} messages: p50 **{percentile(values, 50):.0f} ms**, "
                  f"p95 **{percentile(values, 95):.0f} ms**, max {max(values):.0f} ms"]
    lines += [""]
    lines += ["## Lead service (`POST /api/leads`, uvicorn, SQLite file, dispatcher off)", "",
              f"- One client, {len(leads['sequential'])} leads: **{leads['sequential_rate']:.0f} leads/s** "
              f"(>= 200/s), p50 {percentile(leads['sequential'], 50):.1f} ms, "
              f"p95 **{percentile(leads['sequential'], 95):.1f} ms**",
              f"- {lead_service.CLIENTS} clients at once, {len(leads['parallel'])} leads: "
              f"**{leads['parallel_rate']:.0f} leads/s**, p50 {percentile(leads['parallel'], 50):.1f} ms, "
              f"p95 **{percentile(leads['parallel'], 95):.1f} ms**", ""]
    if screens is not None:
        lines += staff_screens.markdown(screens)
    if loads is not None:
        lines += load.markdown(loads)
    confirm, notified = handoffs["confirm"], handoffs["notified"]
    lines += ["## Hand-off to a mentor (whole stack: Rasa, actions, lead service, SMTP)", "",
              f"- {len(confirm)} hand-offs. \"Ja, verstuur maar\" until the reply with the reference: "
              f"p50 {percentile(confirm, 50):.0f} ms, p95 **{percentile(confirm, 95):.0f} ms**",
              f"- Until the mentor's e-mail has arrived at the SMTP server: p50 {percentile(notified, 50):.0f} ms, "
              f"p95 **{percentile(notified, 95):.0f} ms**", ""]
    if speeds is not None:
        lines += speed.markdown(speeds)
    (DOCS / "benchmarks.md").write_text("\n".join(line for line in lines if line is not None) + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        DOCS.mkdir(exist_ok=True)
        nlu = nlu_sets.evaluate(workdir, DOCS)
        telegram_api = FakeBotApi().start()
        stack = start_stack(workdir / "stack", rasa_env=telegram_env(telegram_api))
        try:
            conv = personas_and_latency(stack)
            channel_latency = {
                "Widget (socket.io over a websocket, message until `bot_done`)":
                    channels.widget_latency(stack, LATENCY_MESSAGES),
                "Telegram (webhook update until answered, replies at the local Bot API)":
                    channels.telegram_latency(stack, telegram_api, LATENCY_MESSAGES),
            }
            handoffs = handoff.measure(stack)
        finally:
            stack.stop()
            telegram_api.stop()
        leads = lead_service.measure(workdir)
        screens = staff_screens.measure(workdir / "staff-screens")
        loads = load.measure(workdir / "load")  # also writes docs/load_chart.svg
        speeds = None if os.environ.get("BENCH_SKIP_SPEED") else speed.measure(workdir / "speed")
        write_report(nlu, conv, speeds, leads, handoffs, channel_latency, screens, loads)
    print((DOCS / "benchmarks.md").read_text())


if __name__ == "__main__":
    main()
