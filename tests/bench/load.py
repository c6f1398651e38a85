"""Load over REST (issue #6): many visitors at once, each a 15-message conversation, against three
set-ups started fresh with the real processes (one action server for all of them):

- SQLite tracker store, one Rasa, the lock store in Rasa's process (`make run`'s default);
- PostgreSQL tracker store + Redis lock store, one Rasa;
- the same with two Rasa instances sharing PostgreSQL and Redis, each message sent to the next
  instance in turn (no sticky routing: the lock store keeps a conversation's turns in order).

A visitor opens with a persona's need (tests/support/personas.py), answers the guided questions
as that persona would (its buttons), then asks about the advice and says thanks; never asks for a
mentor, so no lead is made. Two load models:

- capacity (closed loop), at 1, 10 and 50 conversations at once: the next message goes as soon as
  the reply arrives, no think time: messages per second is what the set-up can do; this is where
  two instances show against one;
- visitor-paced, at 10 and 50 at once: 2-4 s (random, seeded) between a reply and the next message,
  as someone reading and typing (real people take longer): the latency a visitor sees; the issue's
  target is p95 < 500 ms at 10 conversations at once. (A lone visitor meets an idle server either
  way: capacity at 1 shows that case.)

Also counted, as errors under load: non-200 answers, answers without text, and the apology for a
failed turn (bot/message_guard.py FAILURE_REPLY). Peak memory (VmHWM) of every process per set-up,
and where the CPU went (ours, and other programs': the machine is shared, so the figures are noisy).

`.venv/bin/python -m tests.bench.load` measures, writes docs/load_chart.svg, prints the section and
rewrites only that section of docs/benchmarks.md (`--print-only`: leave docs/benchmarks.md alone;
`--save results.json` keeps the raw figures, `--from results.json` re-renders them without measuring).
`make bench` (tests/bench/run.py) runs `measure()` and puts `markdown()` in its report.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import os
import random
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.message_guard import FAILURE_REPLY
from tests.support import servers
from tests.support.conversation import asked_dimension
from tests.support.personas import PERSONAS
from tests.support.postgres import POSTGRES_ADMIN_URL, throwaway_databases
from tests.support.redis_server import REDIS_URL
from tests.support.servers import MODEL, ROOT, ActionServer, RasaServer

DOCS = ROOT / "docs"
CHART = DOCS / "load_chart.svg"
REPORT = DOCS / "benchmarks.md"
HEADING = "## Load (REST"

MESSAGES = 15  # per conversation
CAPACITY_LEVELS = (1, 10, 50)  # conversations at once
PACED_LEVELS = (10, 50)  # a lone visitor with think time meets an idle server: capacity at 1 shows that
CONVERSATIONS_ALONE = 2  # at one conversation at once, two in a row: 30 messages instead of 15
THINK_SECONDS = (2.0, 4.0)  # visitor-paced: reading the reply and typing the next message
TARGET_P95_MS = 500.0
TARGET_AT = 10
RASA_START_TIMEOUT = 600  # seconds
REQUEST_TIMEOUT = 180.0  # seconds; at 50 at once without think time a reply takes seconds
SEED = 20261206

SETUPS = {  # key: (name in the report, Rasa instances)
    "sqlite": ("SQLite, 1 Rasa", 1),
    "postgres-1": ("PostgreSQL + Redis, 1 Rasa", 1),
    "postgres-2": ("PostgreSQL + Redis, 2 Rasa", 2),
}
COLOURS = {"sqlite": "#8a94a6", "postgres-1": "#1f6f5c", "postgres-2": "#e09a1a"}

FOLLOW_UPS = [  # after the advice, or whenever no guided question is open; never a yes to a hand-off
    "wat is het verschil tussen coaching en mentoring?",
    "waarom niet coaching?",
    "wat is een training precies?",
    "meer uitleg",
    "wat is het verschil tussen training en coaching?",
    "waarom past dat bij mij?",
    "ben jij een robot?",
    "nee, toch liever in een groep",
    "waar waren we?",
    "wat is het verschil tussen mentoring en training?",
    "wat doet een mentor?",
    "waarop baseer je dat?",
    "hoezo?",
    "kun je dat toelichten?",
]
CLOSINGS = ["dank je", "bedankt!", "dank je wel, hier kan ik mee verder", "top, bedankt"]


# --- visitors ------------------------------------------------------------------------------------------------


@dataclass
class Visitor:
    """One scripted conversation: answers the open guided question, else says its next line."""

    sender: str
    rng: random.Random
    persona: Any = None
    script: list[str] = field(default_factory=list)
    last: list[dict] = field(default_factory=list)
    sent: int = 0

    def __post_init__(self) -> None:
        self.persona = self.rng.choice(PERSONAS)
        follow_ups = FOLLOW_UPS[:]
        self.rng.shuffle(follow_ups)
        self.script = [self.persona.opening, *follow_ups]

    def next_message(self) -> str:
        self.sent += 1
        if self.sent == MESSAGES:
            return self.rng.choice(CLOSINGS)
        if self.sent > 1 and asked_dimension(self.last) is not None:
            return self.persona.reply_to(self.last)  # a button payload, or what the persona types
        return self.script.pop(0)


@dataclass
class Level:
    """What one load level measured."""

    concurrency: int
    conversations: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, every answered request
    seconds: float = 0.0
    non_200: int = 0
    no_text: int = 0
    apologies: int = 0
    transport_errors: int = 0
    handoffs: int = 0  # a hand-off to a mentor began (it should not: nobody asks for one)
    examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.non_200 + self.no_text + self.apologies + self.transport_errors

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def problem(self, what: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(what)

    def summary(self) -> dict[str, Any]:
        return {"concurrency": self.concurrency, "conversations": self.conversations,
                "messages": len(self.latencies), "seconds": self.seconds, "rate": self.rate,
                "p50": percentile(self.latencies, 50), "p95": percentile(self.latencies, 95),
                "p99": percentile(self.latencies, 99), "max": max(self.latencies, default=math.nan),
                "non_200": self.non_200, "no_text": self.no_text, "apologies": self.apologies,
                "transport_errors": self.transport_errors, "handoffs": self.handoffs, "errors": self.errors,
                "examples": self.examples}


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank, as the other benchmarks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


async def converse(client: httpx.AsyncClient, route: Callable[[], str], visitor: Visitor, level: Level,
                   think: bool) -> None:
    if think:  # visitors arrive spread over the first few seconds, not all in the same millisecond
        await asyncio.sleep(visitor.rng.uniform(0, THINK_SECONDS[1]))
    for number in range(1, MESSAGES + 1):
        if think and number > 1:
            await asyncio.sleep(visitor.rng.uniform(*THINK_SECONDS))
        message = visitor.next_message()
        started = time.perf_counter()
        try:
            response = await client.post(route(), json={"sender": visitor.sender, "message": message})
        except httpx.HTTPError as error:
            level.transport_errors += 1
            level.problem(f"{visitor.sender} #{number}: {type(error).__name__}")
            continue
        level.latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            level.non_200 += 1
            level.problem(f"{visitor.sender} #{number}: HTTP {response.status_code} {response.text[:120]!r}")
            continue
        replies = response.json()
        texts = [reply.get("text") or "" for reply in replies]
        if not any(t.strip() for t in texts):
            level.no_text += 1
            level.problem(f"{visitor.sender} #{number} ({message!r}): no text in {replies!r:.160}")
        if FAILURE_REPLY in texts:
            level.apologies += 1
            level.problem(f"{visitor.sender} #{number} ({message!r}): the apology for a failed turn")
        if "voornaam" in " ".join(texts):
            level.handoffs += 1
        visitor.last = replies


async def run_level(urls: list[str], concurrency: int, think: bool, label: str, seed: int) -> Level:
    """`concurrency` visitors at once (at 1 without think time: CONVERSATIONS_ALONE in a row)."""
    endpoints = itertools.cycle(f"{url}/webhooks/rest/webhook" for url in urls)  # round-robin per message
    rounds = CONVERSATIONS_ALONE if concurrency == 1 and not think else 1
    level = Level(concurrency)
    limits = httpx.Limits(max_connections=concurrency * len(urls) + 5, max_keepalive_connections=concurrency + 5)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        async def one_slot(slot: int) -> None:
            for round_ in range(rounds):
                rng = random.Random(f"{seed}-{slot}-{round_}")
                visitor = Visitor(f"load-{label}-{slot:02d}-{round_}-{rng.getrandbits(32):08x}", rng)
                await converse(client, lambda: next(endpoints), visitor, level, think)
                level.conversations += 1

        started = time.perf_counter()
        await asyncio.gather(*(one_slot(slot) for slot in range(concurrency)))
        level.seconds = time.perf_counter() - started
    return level


# --- processes -------------------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS in kB from /proc/<pid>/status."""
    found: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0])
    except OSError:
        pass
    return found


def reset_peak(pid: int) -> bool:
    """Start VmHWM afresh (Linux >= 4.0: "5" > clear_refs), so a long-lived process's peak is per set-up."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _stat_fields(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, ...]."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2:].split()


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (the action server's Sanic runs its worker as a child process)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(int(_stat_fields(entry.name)[1]), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far."""
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all programs on the machine have used (every core), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Where the CPU went while a set-up was measured: our processes, and everything else on the machine
    (PostgreSQL, Redis, and other people's programs: this machine is shared)."""

    def __init__(self, roles: dict[str, list[int]]) -> None:
        self.roles = roles
        self.started = time.perf_counter()
        self.machine = machine_busy_seconds()
        self.used = {role: cpu_seconds(pids) for role, pids in roles.items()}

    def stop(self) -> dict[str, float]:
        """Average cores used per role over the measuring time, and "other" for the rest of the machine."""
        wall = time.perf_counter() - self.started
        used = {role: (cpu_seconds(pids) - self.used[role]) / wall for role, pids in self.roles.items()}
        machine = (machine_busy_seconds() - self.machine) / wall
        return {"seconds": wall, "machine": machine, **used, "other": max(0.0, machine - sum(used.values()))}


def tree_memory(name: str, pid: int) -> dict[str, dict[str, int]]:
    """VmHWM/VmRSS of a process, of its largest child (Sanic's worker, where the work happens), and of
    its other children together (multiprocessing's helpers): Rasa 3.6 runs as one process, rasa_sdk as four."""
    found = {name: proc_status(pid)}
    children = sorted((proc_status(child) for child in process_tree(pid)[1:]), key=lambda s: -s.get("VmRSS", 0))
    if children:
        found[f"{name}, worker process"] = children[0]
    if len(children) > 1:
        found[f"{name}, {len(children) - 1} helper processes"] = {
            key: sum(child.get(key, 0) for child in children[1:]) for key in ("VmHWM", "VmRSS")}
    return found


def postgres_and_redis() -> str | None:
    """None when both answer, else why not."""
    engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        return f"PostgreSQL unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"Redis unreachable ({type(exc).__name__})"
    finally:
        client.close()
    return None


def redis_memory() -> dict[str, str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        info = client.info("memory")
        return {"used": info.get("used_memory_human", "?"), "peak": info.get("used_memory_peak_human", "?")}
    except redis.RedisError:
        return {}
    finally:
        client.close()


def events_table_exists(database_url: str) -> bool:
    engine = create_engine(make_url(database_url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT to_regclass('public.events')")).scalar() is not None
    except OperationalError:
        return False
    finally:
        engine.dispose()


def start_all(rasas: list[RasaServer], database_url: str | None) -> None:
    """Start the first; the others once it has made the tables (two creating them at once would clash),
    while it is still loading its model: saves a minute on two cores."""
    failures: list[BaseException] = []

    def start(server: RasaServer) -> None:
        try:
            server.start()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(rasas[0],))]
    threads[0].start()
    if len(rasas) > 1 and database_url:
        while threads[0].is_alive() and not events_table_exists(database_url):
            time.sleep(1)
    for server in rasas[1:]:
        threads.append(threading.Thread(target=start, args=(server,)))
        threads[-1].start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def run_setup(key: str, workdir: Path, actions: ActionServer, env: dict[str, str],
              database_url: str | None = None) -> dict[str, Any]:
    name, instances = SETUPS[key]
    print(f"load: {name}: starting", file=sys.stderr, flush=True)
    started = time.perf_counter()
    action_pids = process_tree(actions.process.pid)
    peak_reset = all([reset_peak(pid) for pid in action_pids])
    rasa_env = {"CHAT_RATE_LIMIT_PER_ADDRESS": "", "CHAT_RATE_LIMIT_PER_SENDER": "", **env}
    rasas: list[RasaServer] = []
    for n in range(instances):
        (workdir / f"rasa-{n + 1}").mkdir(parents=True, exist_ok=True)
        rasas.append(RasaServer(workdir / f"rasa-{n + 1}", action_url=actions.url, env=rasa_env))
    result: dict[str, Any] = {"name": name, "instances": instances}
    try:
        start_all(rasas, database_url)
        result["start_seconds"] = time.perf_counter() - started
        urls = [server.url for server in rasas]
        # Warm-up (not measured): a Rasa answers its first messages slowly.
        asyncio.run(run_level(urls, instances, think=False, label=f"{key}-warm", seed=SEED - 1))
        roles = {"Rasa": [pid for server in rasas for pid in process_tree(server.process.pid)],
                 "action server": action_pids, "load generator": [os.getpid()]}
        meter = CpuMeter(roles)
        result["capacity"], result["paced"] = {}, {}
        for model, levels, think in (("capacity", CAPACITY_LEVELS, False), ("paced", PACED_LEVELS, True)):
            for concurrency in levels:
                level_meter = CpuMeter(roles)
                level = asyncio.run(run_level(urls, concurrency, think=think, label=f"{key}-{model}{concurrency}",
                                              seed=SEED))
                result[model][concurrency] = level.summary() | {"cpu": level_meter.stop()}
                print(f"load: {name}: {model} at {concurrency}: {level.rate:.1f} msg/s, "
                      f"p95 {percentile(level.latencies, 95):.0f} ms, errors {level.errors}",
                      file=sys.stderr, flush=True)
        result["cpu"] = meter.stop()
        memory: dict[str, dict[str, int]] = {}
        for n, server in enumerate(rasas):
            memory |= tree_memory(f"Rasa {n + 1}" if instances > 1 else "Rasa", server.process.pid)
        memory |= tree_memory("action server" + ("" if peak_reset else " (peak since its start)"),
                              actions.process.pid)
        result["memory"] = memory
        if env.get("LOCK_STORE_URL"):
            result["redis"] = redis_memory()
    except Exception as exc:  # a set-up that does not start is reported, the others still run
        result["failed"] = f"{type(exc).__name__}: {str(exc)[-300:]}"
    finally:
        for server in rasas:
            server.stop()
    result["seconds"] = time.perf_counter() - started
    return result


def measure(workdir: Path) -> dict[str, Any]:
    """Runs every set-up (20-30 minutes on two shared cores) and writes docs/load_chart.svg."""
    assert MODEL.exists(), "train the model first: make train"
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Others' Rasa servers and CI may share the machine: give a start-up more than the usual 300 s.
    servers.RASA_START_TIMEOUT = max(servers.RASA_START_TIMEOUT, RASA_START_TIMEOUT)
    actions = ActionServer(workdir, env={"LEAD_OUTBOX_URL": f"sqlite:///{workdir / 'outbox.db'}"})
    results: dict[str, Any] = {"setups": {}}
    try:
        actions.start()
        results["setups"]["sqlite"] = run_setup("sqlite", workdir / "sqlite", actions, {
            "DATABASE_URL": f"sqlite:///{workdir / 'sqlite' / 'tracker.db'}", "LOCK_STORE_URL": ""})
        unreachable = postgres_and_redis()
        if unreachable:
            for key in ("postgres-1", "postgres-2"):
                results["setups"][key] = {"name": SETUPS[key][0], "instances": SETUPS[key][1],
                                          "skipped": unreachable}
        else:
            admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            try:
                with throwaway_databases(admin, prefix="mw_load") as make:
                    for key in ("postgres-1", "postgres-2"):
                        # A plain postgresql:// URL, as docs/operations.md tells operators (Rasa picks psycopg2).
                        url = make_url(make()).set(drivername="postgresql").render_as_string(hide_password=False)
                        results["setups"][key] = run_setup(key, workdir / key, actions,
                                                           {"DATABASE_URL": url, "LOCK_STORE_URL": REDIS_URL}, url)
            finally:
                admin.dispose()
    finally:
        actions.stop()
    results["seconds"] = time.perf_counter() - started
    results["generator_peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results["date"] = date.today().isoformat()
    DOCS.mkdir(exist_ok=True)
    CHART.write_text(chart_svg(results))
    return results


# --- reporting -------------------------------------------------------------------------------------------------


def ms(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def short_ms(value: float) -> str:
    """For labels on narrow bars: "420 ms", "1.3 s", "15 s"."""
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.1f} s" if value < 10_000 else f"{value / 1000:.0f} s"


def mb(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "–"


def cpu_cells(figures: dict[str, Any]) -> str:
    """Rasa's CPU time per message, and the cores that programs other than ours (PostgreSQL, Redis, and
    other people's) kept busy meanwhile: the noise of a shared machine, made visible."""
    cpu = figures.get("cpu")
    if not cpu or not figures["messages"]:
        return "– | –"
    per_message = cpu["Rasa"] * cpu["seconds"] / figures["messages"] * 1000
    return f"{per_message:.0f} ms | {cpu['other']:.2f} cores"


def errors_cell(figures: dict[str, Any]) -> str:
    if not figures["errors"]:
        return "0"
    parts = [f"{figures[key]} {what}" for key, what in (("non_200", "non-200"), ("no_text", "without text"),
                                                          ("apologies", "apology"),
                                                          ("transport_errors", "no answer"))
             if figures[key]]
    return f"**{figures['errors']}** ({', '.join(parts)})"


def measured(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {key: setup for key, setup in results["setups"].items() if "capacity" in setup and "failed" not in setup}


def markdown(results: dict[str, Any], alone: bool = False) -> list[str]:
    """The section of docs/benchmarks.md (`alone`: measured on its own, not in a full `make bench`)."""
    setups = results["setups"]
    done = measured(results)
    lines = [f"{HEADING}, {MESSAGES}-message conversations, {', '.join(map(str, CAPACITY_LEVELS))} at once)", ""]
    if alone:
        lines += [f"Measured {results['date']} on its own (`.venv/bin/python -m tests.bench.load`, the same code "
                  "`make bench` runs); the other sections are from the last full `make bench`.", ""]
    lines += [
        f"Each visitor holds one conversation of {MESSAGES} messages over `POST /webhooks/rest/webhook`, each "
        "sent after the previous reply: a persona's need, its answers to the guided questions (buttons), then "
        "questions about the advice and thanks (no hand-off to a mentor). Set-ups, each started fresh with one "
        "action server for all: **SQLite** tracker store with the lock store in Rasa's process; **PostgreSQL** "
        "tracker store + **Redis** lock store with one Rasa; the same with **two Rasa** instances, every message "
        "sent to the next instance in turn (no sticky routing). Chat rate limits off (every visitor comes from "
        "127.0.0.1).",
        "",
        f"- **Capacity** (closed loop, no think time): each visitor sends its next message as soon as the reply "
        f"arrives, so messages per second is what the set-up can do at that concurrency (at 1: "
        f"{CONVERSATIONS_ALONE} conversations in a row).",
        f"- **Visitor-paced**: each visitor reads and types {THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s (random, "
        "seeded) between a reply and its next message, quicker than real people: the latency a visitor sees.",
        "",
        f"Machine: {_cores()} cores, shared by the Rasa instances, the action server, PostgreSQL, Redis and the "
        "load generator itself (and whatever else ran on it meanwhile): the figures are noisy and a lower bound "
        "of what separate machines would do. Percentiles are nearest-rank over every message of the level "
        f"(at 1 at once, p99 of {CONVERSATIONS_ALONE * MESSAGES} messages is about their maximum). "
        "The last two columns show the noise: Rasa's CPU time per message "
        "(all its instances together), and how many cores programs other than Rasa, the action server and the "
        "load generator kept busy meanwhile (PostgreSQL and Redis working for us included).",
        "",
        "![Load: messages per second (capacity) and p95 latency (visitor-paced) per set-up](load_chart.svg)",
        "",
    ]
    for setup in setups.values():
        if "skipped" in setup:
            lines += [f"- {setup['name']}: not measured ({setup['skipped']})"]
        elif "failed" in setup:
            lines += [f"- {setup['name']}: failed ({setup['failed']})"]
    if any("skipped" in s or "failed" in s for s in setups.values()):
        lines += [""]
    for model, title in (("capacity", "Capacity (no think time)"),
                         ("paced", f"Visitor-paced ({THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s between messages)")):
        lines += [f"### {title}", "", "| set-up | at once | messages | msg/s | p50 | p95 | p99 | max | errors "
                  "| Rasa CPU per message | other programs' CPU |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for setup in done.values():
            for concurrency, f in setup[model].items():
                p95 = f"**{ms(f['p95'])}**"
                if model == "paced" and int(concurrency) == TARGET_AT:
                    p95 += f" ({'✓' if f['p95'] < TARGET_P95_MS else '✗'} < {TARGET_P95_MS:.0f} ms)"
                rate = f"**{f['rate']:.1f}**" if model == "capacity" else f"{f['rate']:.1f}"
                lines.append(f"| {setup['name']} | {concurrency} | {f['messages']} | {rate} | {ms(f['p50'])} | {p95} "
                             f"| {ms(f['p99'])} | {ms(f['max'])} | {errors_cell(f)} | {cpu_cells(f)} |")
        lines += [""]
    lines += verdicts(results)
    lines += ["### Peak memory (VmHWM of each process at the end of its set-up)", ""]
    rows: dict[str, dict[str, str]] = {}
    for key, setup in done.items():
        for process, status in setup["memory"].items():
            rows.setdefault(process, {})[key] = mb(status.get("VmHWM"))
        if setup.get("redis"):
            rows.setdefault("Redis (`used_memory_peak`, whole server)", {})[key] = setup["redis"].get("peak", "–")
    lines += ["| process | " + " | ".join(s["name"] for s in done.values()) + " |",
              "|---|" + "---|" * len(done)]
    order = ("Rasa", "action server", "Redis")
    for process, by_setup in sorted(rows.items(), key=lambda row: next(
            (n for n, prefix in enumerate(order) if row[0].startswith(prefix)), len(order))):
        lines.append(f"| {process} | " + " | ".join(by_setup.get(key, "–") for key in done) + " |")
    lines += ["", "The action server is the same processes throughout; their peaks are reset between set-ups. "
              "Redis is shared with other users of this machine: its peak is the server's since it started, not this "
              "bench's alone. Load generator (this Python process, all set-ups): "
              f"{mb(results.get('generator_peak_kb'))}.", "",
              f"### Where the CPU went (average cores busy while measuring, of {_cores()})", "",
              "| set-up | measuring | whole machine | Rasa | action server | load generator | everything else "
              "(PostgreSQL, Redis, other users' programs) |", "|---|---|---|---|---|---|---|"]
    for setup in done.values():
        cpu = setup.get("cpu")
        if cpu:
            lines.append(f"| {setup['name']} | {cpu['seconds'] / 60:.1f} min | {cpu['machine']:.2f} "
                         f"| {cpu['Rasa']:.2f} | {cpu['action server']:.2f} | {cpu['load generator']:.2f} "
                         f"| {cpu['other']:.2f} |")
    lines += ["", f"Whole load bench: {results['seconds'] / 60:.1f} min, Rasa start-ups included ("
              + "; ".join(f"{s['name']}: {s['start_seconds']:.0f} s" for s in done.values()) + ").", ""]
    return lines


def verdicts(results: dict[str, Any]) -> list[str]:
    done = measured(results)
    lines = ["### Targets", ""]
    problems = [(s["name"], model, c, f) for s in done.values() for model in ("capacity", "paced")
                for c, f in s[model].items() if f["errors"]]
    total = sum(f["messages"] for s in done.values() for model in ("capacity", "paced") for f in s[model].values())
    if problems:
        lines.append(f"- Errors under load: **{sum(f['errors'] for *_, f in problems)}** of {total:,} messages (0) ✗")
        for name, model, concurrency, f in problems:
            lines.append(f"  - {name}, {model} at {concurrency}: " + "; ".join(f"`{e}`" for e in f["examples"][:3]))
    else:
        lines.append(f"- Errors under load (non-200, reply without text, apology for a failed turn): **0** of "
                     f"{total:,} messages (0) ✓")
    handoffs = sum(f.get("handoffs", 0) for s in done.values() for model in ("capacity", "paced")
                   for f in s[model].values())
    if handoffs:
        lines.append(f"- A hand-off to a mentor began {handoffs} times, though no visitor asked for one ✗")
    for setup in done.values():
        paced = setup["paced"].get(TARGET_AT)
        if paced:
            ok = paced["p95"] < TARGET_P95_MS
            lines.append(f"- {setup['name']}, visitor-paced at {TARGET_AT} at once: p95 **{ms(paced['p95'])}** "
                         f"(< {TARGET_P95_MS:.0f} ms) {'✓' if ok else '✗'}")
    if "postgres-1" in done and "postgres-2" in done:
        one, two = done["postgres-1"]["capacity"], done["postgres-2"]["capacity"]
        for concurrency in CAPACITY_LEVELS:
            if concurrency in one and concurrency in two:
                ratio = two[concurrency]["rate"] / max(one[concurrency]["rate"], 1e-9)
                line = (f"- Two Rasa instances against one (PostgreSQL + Redis), capacity at {concurrency}: "
                        f"{two[concurrency]['rate']:.1f} vs {one[concurrency]['rate']:.1f} msg/s, **×{ratio:.2f}**"
                        + (f" (> 1) {'✓' if ratio > 1 else '✗'}" if concurrency > 1 else ""))
                cpu_two, cpu_one = two[concurrency].get("cpu"), one[concurrency].get("cpu")
                if cpu_two and cpu_one:  # what each could use of the machine decides this comparison
                    line += (f"; Rasa used {cpu_two['Rasa']:.2f} vs {cpu_one['Rasa']:.2f} cores while other "
                             f"programs kept {cpu_two['other']:.2f} vs {cpu_one['other']:.2f} cores busy")
                lines.append(line)
    per_message = sorted(f["cpu"]["Rasa"] * f["cpu"]["seconds"] / f["messages"] * 1000 for s in done.values()
                         for f in s["capacity"].values() if f.get("cpu") and f["messages"])
    if per_message:
        middle = per_message[len(per_message) // 2]
        lines += ["", f"Rasa needs about **{middle:.0f} ms of CPU per message** (median over the capacity levels). "
                  "One instance works on one message at a time (one event loop), so it uses about one core at most "
                  "and cannot answer much more than "
                  f"{1000 / middle:.0f} messages per second; a second instance can use the other core, as far as "
                  "the action server, the databases and the load generator leave it free (the last column shows how "
                  "busy other programs kept the machine)."]
    return lines + [""]


def _cores() -> int:
    return os.cpu_count() or 0


# --- the chart -------------------------------------------------------------------------------------------------


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _grouped_bars(x0: float, y0: float, width: float, height: float, groups: list[int],
                  series: dict[str, dict[int, float]], scale: Callable[[float], float],
                  shown: Callable[[float], str]) -> list[str]:
    """Bars per group (concurrency) and series (set-up); `scale` maps a value to 0..1 of the height."""
    out = []
    slot = width / max(len(groups), 1)
    bar = min(42.0, slot * 0.86 / max(len(series), 1))
    for g, group in enumerate(groups):
        left = x0 + g * slot + (slot - bar * len(series)) / 2
        for s, (key, values) in enumerate(series.items()):
            if group not in values or math.isnan(values[group]):
                continue
            h = max(1.0, scale(values[group]) * height)
            x = left + s * bar
            out.append(f'<rect x="{x:.1f}" y="{y0 + height - h:.1f}" width="{bar - 3:.1f}" height="{h:.1f}" '
                       f'fill="{COLOURS.get(key, "#555")}"><title>{escape(SETUPS[key][0])}, {group} at once: '
                       f'{escape(shown(values[group]))}</title></rect>')
            out.append(f'<text x="{x + (bar - 3) / 2:.1f}" y="{y0 + height - h - 4:.1f}" font-size="10.5" '
                       f'text-anchor="middle">{escape(shown(values[group]))}</text>')
        out.append(f'<text x="{x0 + g * slot + slot / 2:.1f}" y="{y0 + height + 18:.1f}" font-size="12" '
                   f'text-anchor="middle">{group} at once</text>')
    return out


def chart_svg(results: dict[str, Any]) -> str:
    done = measured(results)
    width, height = 1000, 430
    panel_w, panel_h, top = 400, 270, 70
    left1, left2 = 70, 580
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" font-family="system-ui, sans-serif" role="img">',
             "<title>Load over REST: messages per second without think time, and p95 latency with 2-4 s between "
             "messages, per set-up and conversations at once</title>",
             f'<rect width="{width}" height="{height}" fill="#fff"/>']
    if not done:
        parts += ['<text x="20" y="40" font-size="14">No set-up was measured.</text>', "</svg>"]
        return "\n".join(parts) + "\n"

    # Left: throughput, linear.
    throughput = {key: {int(c): f["rate"] for c, f in s["capacity"].items()} for key, s in done.items()}
    top_rate = _nice_max(max(v for values in throughput.values() for v in values.values()))
    parts.append(f'<text x="{left1}" y="28" font-size="15" font-weight="bold">Capacity: messages per second</text>')
    parts.append(f'<text x="{left1}" y="47" font-size="12" fill="#444">no think time, higher is better</text>')
    for i in range(6):
        value = top_rate * i / 5
        y = top + panel_h - panel_h * i / 5
        parts.append(f'<line x1="{left1}" x2="{left1 + panel_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left1 - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{value:g}</text>')
    parts.append(f'<text x="20" y="{top + panel_h / 2:.1f}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 20 {top + panel_h / 2:.1f})">messages / s</text>')
    parts += _grouped_bars(left1, top, panel_w, panel_h, list(CAPACITY_LEVELS), throughput,
                           lambda v: v / top_rate, lambda v: f"{v:.1f}")

    # Right: p95 latency of the visitor-paced model, logarithmic (from tens of ms to seconds).
    p95 = {key: {int(c): f["p95"] for c, f in s["paced"].items()} for key, s in done.items()}
    values = [v for series in p95.values() for v in series.values() if not math.isnan(v)] or [TARGET_P95_MS]
    low = 10 ** math.floor(math.log10(min(min(values), TARGET_P95_MS) * 0.8))
    high = next(tick for tick in (d * 10 ** k for k in range(0, 8) for d in (1, 2, 5))
                if tick >= max(max(values), TARGET_P95_MS) * 1.15)

    def log_scale(v: float) -> float:
        return (math.log10(max(v, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

    parts.append(f'<text x="{left2}" y="28" font-size="15" font-weight="bold">Visitor-paced: p95 latency</text>')
    parts.append(f'<text x="{left2}" y="47" font-size="12" fill="#444">2-4 s between messages, log scale, '
                 "lower is better</text>")
    decade = low
    while decade <= high * 1.001:
        for step in (1, 2, 5):
            tick = decade * step
            if tick > high * 1.001:
                break
            y = top + panel_h - log_scale(tick) * panel_h
            parts.append(f'<line x1="{left2}" x2="{left2 + panel_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
            parts.append(f'<text x="{left2 - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
                         f'{f"{tick / 1000:g} s" if tick >= 1000 else f"{tick:g} ms"}</text>')
        decade *= 10
    parts.append(f'<text x="{left2 - 52}" y="{top + panel_h / 2:.1f}" font-size="12" text-anchor="middle" '
                 f'transform="rotate(-90 {left2 - 52} {top + panel_h / 2:.1f})">p95 per message</text>')
    parts += _grouped_bars(left2, top, panel_w, panel_h, list(PACED_LEVELS), p95, log_scale, short_ms)
    target_y = top + panel_h - log_scale(TARGET_P95_MS) * panel_h
    parts.append(f'<line x1="{left2}" x2="{left2 + panel_w}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
                 'stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/>')

    for left in (left1, left2):  # axes
        parts.append(f'<line x1="{left}" x2="{left + panel_w}" y1="{top + panel_h}" y2="{top + panel_h}" '
                     'stroke="#333"/>')
        parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + panel_h}" stroke="#333"/>')
    x = left1
    legend_y = height - 22
    for key, setup in done.items():
        parts.append(f'<rect x="{x}" y="{legend_y - 11}" width="14" height="14" fill="{COLOURS.get(key, "#555")}"/>')
        parts.append(f'<text x="{x + 20}" y="{legend_y + 1}" font-size="12">{escape(setup["name"])}</text>')
        x += 40 + 7 * len(setup["name"])
    parts.append(f'<line x1="{x}" x2="{x + 22}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="#c0392b" '
                 'stroke-width="1.5" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{x + 28}" y="{legend_y + 1}" font-size="12">target: p95 &lt; {TARGET_P95_MS:.0f} ms '
                 f'at {TARGET_AT} at once</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# --- docs/benchmarks.md --------------------------------------------------------------------------------------


def replace_section(report: str, section: list[str]) -> str:
    """The report with its load section replaced (up to the next "## " heading), or inserted before
    "## Hand-off" / at the end when there is none yet."""
    lines = report.splitlines()
    new = list(section)
    while new and not new[-1]:
        new.pop()
    start = next((n for n, line in enumerate(lines) if line.startswith(HEADING)), None)
    if start is None:
        at = next((n for n, line in enumerate(lines) if line.startswith("## Hand-off")), len(lines))
        return "\n".join(lines[:at] + new + [""] + lines[at:]).rstrip("\n") + "\n"
    end = next((n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines))
    rest = lines[end:]
    return "\n".join(lines[:start] + new + ([""] + rest if rest else [])).rstrip("\n") + "\n"


def from_json(path: Path) -> dict[str, Any]:
    """Saved results (`--save PATH`), with the concurrency keys as numbers again."""
    results = json.loads(path.read_text())
    for setup in results["setups"].values():
        for model in ("capacity", "paced"):
            if model in setup:
                setup[model] = {int(c): figures for c, figures in setup[model].items()}
    return results


def main(argv: list[str]) -> None:
    """[--print-only] [--save PATH] [--from PATH]: --from re-renders saved results without measuring."""
    options = {flag: (argv[n + 1] if n + 1 < len(argv) else "") for n, flag in enumerate(argv) if flag.startswith("--")}
    if "--from" in options:
        results = from_json(Path(options["--from"]))
        CHART.write_text(chart_svg(results))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results = measure(Path(tmp))
    if "--save" in options:
        Path(options["--save"]).write_text(json.dumps(results, indent=1))
    section = markdown(results, alone=True)
    print("\n".join(section))
    if "--print-only" not in argv and REPORT.exists():
        REPORT.write_text(replace_section(REPORT.read_text(), section))


if __name__ == "__main__":
    main(sys.argv[1:])
