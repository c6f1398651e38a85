"""How fast staff screens are with a realistic history: 10,000 stored conversations (and one of
200 events), indexed from Rasa's tracker store into `conversations`.

The issue's target: list the conversations (first page) and open one with 200 events, each with
p95 < 200 ms on this machine. Measured in-process (FastAPI's TestClient, no network, dispatcher
off) on a migrated SQLite file that also holds Rasa's `events` table (the `make run` default),
and on a throwaway PostgreSQL database when the local server is reachable.

`python -m tests.bench.staff_screens` prints the figures; `make bench` puts them in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.service.api.main import create_app
from bot.service.auth import accounts
from bot.service.conversations import indexer
from bot.service.db import migrate
from bot.service.settings import Settings
from tests.service.rasa_tracker import action, bot, create_events_table, events, slot, user

CONVERSATIONS = 10_000
RETURNING_SHARE = 0.05  # visitors who come back another day: a second conversation of the same sender
LONG_EVENTS = 200
SPREAD_DAYS = 60
REQUESTS = 50
WARM_UP = 3
TARGET_MS = 200.0
INSERT_CHUNK = 5_000
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STAFF_TOKEN = "bench-staff-token-" + secrets.token_hex(16)
STAFF_EMAIL = "bench@mentorwijzer.test"
STAFF_PASSWORD = "fiets paraplu hagelslag 42 bench"
DAY = 24 * 3600

NEEDS = [  # (intent, need slot, recommendation, guidance variant, what the visitor writes)
    ("need_skill", "skill", "training", None, "ik wil beter leren presenteren"),
    ("need_skill", "skill", "training", None, "hoe word ik beter in excel"),
    ("need_coaching", "coaching", "coaching", None, "ik loop vast in mijn werk en zoek een coach"),
    ("need_career", "career", "mentoring", "career", "ik wil een volgende stap in mijn loopbaan"),
    ("need_onboarding", "onboarding", "mentoring", "career", "ik ben net begonnen bij een nieuw bedrijf"),
    ("need_leadership", "leadership", "mentoring", "leadership", "ik ben sinds kort leidinggevende"),
    ("need_personal_growth", "personal_growth", "mentoring", "personal_growth", "ik wil groeien als mens"),
    ("need_reverse_mentoring", "reverse", "mentoring", "reverse", "ik wil leren van jongere collega's"),
    ("need_program", "program", "mentoring", "program", "wij willen een mentorprogramma opzetten"),
    ("need_unsure", "unsure", None, None, "ik weet eigenlijk niet wat ik zoek"),
    ("ask_difference", None, None, None, "wat is het verschil tussen coaching en mentoring?"),
]
CHANNELS = [("socketio", 0.6), ("telegram", 0.25), ("rest", 0.15)]
SETTINGS_ANSWERS = [("in een groep", "group"), ("1-op-1", "individual"), ("maakt me niet uit", None)]


# --- the stored history ----------------------------------------------------------------------------------


def said(text_: str, intent: str, confidence: float, timestamp: float, channel: str) -> dict[str, Any]:
    return user(text_, intent, confidence, timestamp) | {"input_channel": channel}


def one_conversation(rng: random.Random, start: float) -> list[dict[str, Any]]:
    """About 10-12 events, as Rasa stores a short guided conversation."""
    intent, need, recommendation, variant, words = rng.choice(NEEDS)
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    answer, setting = rng.choice(SETTINGS_ANSWERS)
    at = start
    found = [
        action("action_session_start", at),
        action("action_listen", at + 0.1),
        said(words, intent, round(rng.uniform(0.55, 0.99), 3), at + rng.uniform(2, 30), channel),
        slot("need", need, at + 31) if need else slot("need", None, at + 31),
        bot("Wil je dit in een groep of 1-op-1 leren?", at + 32, buttons=("In een groep", "1-op-1", "Weet ik niet")),
        action("action_listen", at + 32.1),
    ]
    at += 32
    if rng.random() < 0.12:  # misunderstood once
        at += rng.uniform(5, 60)
        found += [said("ehm tja dat hangt ervan af", "nlu_fallback", 0.31, at, channel),
                  bot("Sorry, dat begreep ik niet helemaal.", at + 0.5)]
    at += rng.uniform(5, 90)
    found += [said(answer, "inform", 0.93, at, channel), slot("setting", setting, at + 0.1)]
    if recommendation:
        found += [slot("recommendation", recommendation, at + 0.2)]
        if variant:
            found += [slot("guidance_variant", variant, at + 0.2)]
        found += [bot(f"Ik denk dat {recommendation} het best bij je past.", at + 0.5)]
        if rng.random() < 0.2:
            found += [slot("lead_reference", f"MW-{rng.randrange(36**5):05X}", at + 60)]
    else:
        found += [bot("Zal ik de drie vormen eens naast elkaar zetten?", at + 0.5)]
    return found


def long_conversation(start: float) -> list[dict[str, Any]]:
    """Exactly LONG_EVENTS events: someone who kept talking."""
    found = [action("action_session_start", start), action("action_listen", start + 0.1)]
    n = 0
    while len(found) < LONG_EVENTS:
        at = start + 10 + n * 20
        found += [said(f"vraag {n}: hoe zit het met feedback geven aan mijn team?", "ask_more", 0.8, at, "socketio"),
                  slot("topics", ["feedback", f"onderwerp {n}"], at + 0.1),
                  bot(f"Antwoord {n}: een mentor met ervaring als leidinggevende helpt je daarbij.", at + 0.5,
                      buttons=("Meer", "Klaar")),
                  action("action_listen", at + 0.6)]
        n += 1
    found = found[: LONG_EVENTS - 1] + [slot("recommendation", "mentoring", start + 10 + n * 20)]
    return found


def history(seed: int = 20261127) -> tuple[list[tuple[str, list[dict[str, Any]]]], str]:
    """(sender, events) in the order Rasa stored them, and the sender of the 200-event conversation."""
    rng = random.Random(seed)
    now = time.time()
    visits: list[tuple[float, str]] = []
    returning = int(CONVERSATIONS * RETURNING_SHARE)
    for n in range(CONVERSATIONS - returning):
        visits.append((now - rng.uniform(0, SPREAD_DAYS * DAY), f"bench-{n:05d}-{rng.getrandbits(32):08x}"))
    first_visits = sorted(visits)
    for start, sender in rng.sample(first_visits[: len(first_visits) // 2], returning):
        visits.append((start + rng.uniform(1, 20) * DAY, sender))  # back another day: a new session
    long_sender = "bench-long-" + secrets.token_hex(4)
    visits.append((now - SPREAD_DAYS * DAY / 2, long_sender))
    visits.sort()
    return [(sender, long_conversation(start) if sender == long_sender else one_conversation(rng, start))
            for start, sender in visits], long_sender


def rows_of(sender: str, conversation: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """What Rasa's SQLTrackerStore writes per event (as tests/service/rasa_tracker.py does)."""
    for event in conversation:
        yield {
            "sender_id": sender,
            "type_name": event["event"],
            "timestamp": event.get("timestamp"),
            "intent_name": event.get("parse_data", {}).get("intent", {}).get("name"),
            "action_name": event.get("name"),
            "data": json.dumps(event),
        }


def store_history(url: str) -> dict[str, Any]:
    """Migrate, create Rasa's table, bulk-insert the history; returns the counts and the long sender."""
    migrate.upgrade(url)
    create_events_table(url)
    stored, long_sender = history()
    engine = create_engine(url)
    count = 0
    started = time.perf_counter()
    try:
        with engine.begin() as connection:
            chunk: list[dict[str, Any]] = []
            for sender, conversation in stored:
                chunk.extend(rows_of(sender, conversation))
                if len(chunk) >= INSERT_CHUNK:
                    connection.execute(events.insert(), chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                connection.execute(events.insert(), chunk)
                count += len(chunk)
    finally:
        engine.dispose()
    return {"events": count, "conversations": len(stored), "long_sender": long_sender,
            "insert_seconds": time.perf_counter() - started}


# --- measuring -----------------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def timed(get: Callable[[], Any], requests: int = REQUESTS) -> list[float] | None:
    """Milliseconds per request; None when the route does not exist (yet)."""
    for _ in range(WARM_UP):
        response = get()
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = get()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    return timings


def settings_for(url: str) -> Settings:
    """As tests/service/conftest.make_settings, for a benchmark: nothing sends mail, nothing runs in the background."""
    return Settings(
        environment="test",
        database_url=url,
        tracker_database_url=url,
        service_token="bench-service-token-" + secrets.token_hex(16),
        staff_token=STAFF_TOKEN,
        staff_secret_key="bench-staff-secret-key-" + secrets.token_hex(16),
        smtp_host="127.0.0.1",
        smtp_port=9,
        mentor_emails=["mentor@mentorwijzer.test"],
        webhook_url=None,
        dispatcher_enabled=False,
    )


def log_in(client: TestClient, app) -> bool:
    """A staff account and a login session (cookie) for the HTML pages, through the login form."""
    with app.state.sessionmaker() as session:
        accounts.create(session, STAFF_EMAIL, "Bench", "mentor", STAFF_PASSWORD)
        session.commit()
    form = client.get("/staff/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if form.status_code != 200 or not match:
        return False
    response = client.post("/staff/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                                 "csrf_token": match.group(1)}, follow_redirects=False)
    return response.status_code == 303


def measure_database(url: str) -> dict[str, Any]:
    stored = store_history(url)
    app = create_app(settings_for(url))
    figures: dict[str, Any] = {"stored": stored}
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            started = time.perf_counter()
            indexed_events = indexer.catch_up(app.state.sessionmaker, app.state.tracker)
            figures["index_seconds"] = time.perf_counter() - started
            figures["indexed_events"] = indexed_events
            headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
            api = "/api/staff/conversations"
            first_page = client.get(api, headers=headers).json()
            figures["listed_total"] = first_page["total"]
            [long] = [item for item in client.get(api, params={"q": "feedback geven aan mijn team", "limit": 100},
                                                   headers=headers).json()["items"]
                      if item["sender_id"] == stored["long_sender"]]
            long_detail = client.get(f"{api}/{long['id']}", headers=headers).json()
            figures["long_messages"] = len(long_detail["messages"])
            filtered = {"channel": "web", "need": "need_skill", "q": "presenteren"}
            figures["filtered_total"] = client.get(api, params=filtered, headers=headers).json()["total"]
            timings: dict[str, list[float] | None] = {
                "GET /api/staff/conversations (first page, 25)": timed(lambda: client.get(api, headers=headers)),
                "GET /api/staff/conversations?channel=web&need=need_skill&q=presenteren":
                    timed(lambda: client.get(api, params=filtered, headers=headers)),
                "GET /api/staff/conversations?offset=5000 (page 201)":
                    timed(lambda: client.get(api, params={"offset": 5000}, headers=headers)),
                f"GET /api/staff/conversations/{{id}} ({LONG_EVENTS} events)":
                    timed(lambda: client.get(f"{api}/{long['id']}", headers=headers)),
                "GET /api/staff/dashboard (30 days)":
                    timed(lambda: client.get("/api/staff/dashboard", headers=headers)),
                "GET /api/staff/dashboard?days=60":
                    timed(lambda: client.get("/api/staff/dashboard", params={"days": 60}, headers=headers)),
            }
            pages: dict[str, list[float] | str | None] = {}
            if log_in(client, app):
                for name, path in (("GET /staff/gesprekken (page)", "/staff/gesprekken"),
                                   (f"GET /staff/gesprekken/{{id}} (page, {LONG_EVENTS} events)",
                                    f"/staff/gesprekken/{long['id']}")):
                    try:  # the pages are newer than the API: a page that fails is reported, not fatal
                        pages[name] = timed(lambda path=path: client.get(path))
                    except RuntimeError as failure:
                        pages[name] = f"failed: {str(failure)[:120]}"
            figures["timings"] = timings | pages
    finally:
        app.state.engine.dispose()
        app.state.tracker.dispose()
    return figures


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A throwaway database on the local server (as tests/service/conftest does), or None when unreachable."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except OperationalError:
        admin.dispose()
        yield None
        return
    name = f"mw_bench_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(workdir: Path) -> dict[str, Any]:
    """Figures per database: {"SQLite": {...}, "PostgreSQL": {...} or None when it is not reachable}."""
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"SQLite": measure_database(f"sqlite:///{workdir / 'staff-screens.db'}")}
    with postgres_database() as url:
        results["PostgreSQL"] = measure_database(url) if url else None
    return results


# --- reporting -------------------------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> list[str]:
    """The section of docs/benchmarks.md."""
    lines = [f"## Staff screens ({CONVERSATIONS:,} stored conversations, one of {LONG_EVENTS} events)", "",
             f"In-process (TestClient, no network), dispatcher off; {REQUESTS} requests each after {WARM_UP} "
             f"to warm up. Target from the issue: p95 < {TARGET_MS:.0f} ms for the first page of the list and "
             "for opening the long conversation.", ""]
    for database, figures in results.items():
        if figures is None:
            lines += [f"### {database}", "", "- not reachable: skipped", ""]
            continue
        stored = figures["stored"]
        lines += [
            f"### {database}", "",
            f"- Stored: {stored['events']:,} Rasa events in {stored['conversations']:,} conversations "
            f"({stored['insert_seconds']:.1f} s to insert)",
            f"- First indexing of all of them (`indexer.catch_up`): **{figures['index_seconds']:.1f} s** "
            f"({figures['indexed_events'] / max(figures['index_seconds'], 1e-9):,.0f} events/s); "
            f"the list then shows {figures['listed_total']:,} conversations, the filtered search "
            f"{figures['filtered_total']:,}, the long one {figures['long_messages']} messages",
            "",
            "| request | p50 | p95 | max | target |",
            "|---|---|---|---|---|",
        ]
        for name, timings in figures["timings"].items():
            if timings is None or isinstance(timings, str):
                why = timings or "route not there (404): skipped"
                lines.append(f"| `{name}` | – | – | – | {why} |")
                continue
            p95 = percentile(timings, 95)
            verdict = "✓" if p95 < TARGET_MS else "✗"
            lines.append(f"| `{name}` | {statistics.median(timings):.1f} ms | **{p95:.1f} ms** | "
                         f"{max(timings):.1f} ms | {verdict} < {TARGET_MS:.0f} ms |")
        lines.append("")
    return lines


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = measure(Path(tmp))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
