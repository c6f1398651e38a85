"""How fast it trains, starts and answers, beside a stock Rasa 3.6 bot measured the same way in the same run
(issue #15): `rasa init`'s assistant (moodbot), trained with its default configuration and served by plain
`rasa run`, no action server.

- Training from scratch (an empty Rasa cache) and again after one changed NLU example (the cache reused).
- Start-up: Rasa from launch until its REST channel answers; and `make run` (scripts/run.sh, the whole
  supervised stack) after its first start, until a visitor can chat.
- Answering over REST: p50/p95 one conversation at a time, and at 10 and 50 visitor-paced conversations
  (2-4 s between a reply and the next message); messages per second with 10 at once and no think time;
  Rasa's CPU time per message (median over those levels).
- How a long conversation ages: the median latency of messages 3-7 against 56-60 of 60-message
  conversations (stock Rasa reads every stored event back each turn).
- The test suite per suite, from the last `make test` (scripts/test-suites.sh writes var/test-durations.json).

`.venv/bin/python -m tests.bench.speed` measures and prints the section alone; `make bench` puts it in
docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import glob
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.bench import load
from tests.support.servers import MODEL, ROOT, RUN_SECRETS, base_env, free_port, stop_process
from tests.support.stack import start_stack

RASA_APP = [str(ROOT / ".venv-rasa/bin/python"), "-m", "bot.rasa_server"]  # as the Makefile runs Rasa
RASA_STOCK = [str(ROOT / ".venv-rasa/bin/rasa")]
DURATIONS = ROOT / "var" / "test-durations.json"
LONG_MESSAGES = 60
LONG_CONVERSATIONS = 3
STOCK_LINES = ["hi", "I am sad", "yes", "great", "bye", "are you a bot?", "hello there", "I am very happy",
               "good morning", "not really", "perfect", "see you later", "no", "very bad", "amazing"]
OUR_LONG_LINES = ["ik wil beter leren presenteren", "weet ik niet", "in een groep",
                  "wat is het verschil tussen coaching en mentoring?", "hoe lang duurt dat?",
                  "kan dat ook in het weekend?", "ik ben net teamleider", "dank je", "kan dat ook online?",
                  "wat kost dat?"]


# --- training ---------------------------------------------------------------------------------------------


def _stock_template() -> Path:
    found = glob.glob(str(ROOT / ".venv-rasa/lib/python*/site-packages/rasa/cli/initial_project"))
    if not found:
        raise RuntimeError("Rasa's initial project (rasa init) is not in .venv-rasa")
    return Path(found[0])


def stock_project(workdir: Path) -> Path:
    """`rasa init`'s assistant, without training it (rasa init would)."""
    project = workdir / "stock"
    shutil.copytree(_stock_template(), project)
    return project


def our_project(workdir: Path) -> Path:
    """What `rasa train` reads, copied: config, domain, data; the built spaCy pipeline linked."""
    project = workdir / "ours"
    project.mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "data", project / "data")
    (project / "build").symlink_to(ROOT / "build")
    return project


def _change_one_example(path: Path) -> None:
    """One NLU example reworded: what a developer's small change to the training data looks like."""
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        if line.lstrip().startswith("- ") and len(line.strip()) > 3:
            lines[number] = line + " hoor" if "nl" in path.name or "data/nlu" in str(path) else line + " please"
            break
    path.write_text("\n".join(lines) + "\n")


def train_twice(project: Path, rasa: list[str], nlu_file: Path) -> dict[str, float]:
    """Seconds for `rasa train` with an empty cache, then after one changed NLU example."""
    env = base_env(RASA_CACHE_DIRECTORY=str(project / ".rasa-cache"))
    times = {}
    for label in ("fresh", "after one NLU change"):
        if label != "fresh":
            _change_one_example(nlu_file)
        started = time.perf_counter()
        subprocess.run([*rasa, "train", "--out", str(project / "models"), "--fixed-model-name", label.split()[0],
                        "--quiet"], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[label] = time.perf_counter() - started
    return times


# --- answering ---------------------------------------------------------------------------------------------


@dataclass
class Bot:
    """A served assistant: where its REST channel is, Rasa's pid, and how its visitors talk."""

    name: str
    url: str
    pid: int
    visitor: Callable[[str, random.Random], Any]
    long_lines: list[str]
    stop: Callable[[], None]
    startup_seconds: float = 0.0


@dataclass
class StockVisitor:
    """Says the moodbot's kind of lines in turn (it asks little: any line is a fine answer)."""

    sender: str
    rng: random.Random
    last: list[dict] = field(default_factory=list)
    sent: int = 0

    def next_message(self) -> str:
        self.sent += 1
        return STOCK_LINES[(self.sent + self.rng.randrange(len(STOCK_LINES))) % len(STOCK_LINES)]


def serve_ours(workdir: Path) -> Bot:
    stack = start_stack(workdir / "stack")
    return Bot("ours", stack.rasa.url, stack.rasa.process.pid, lambda sender, rng: load.Visitor(sender, rng),
               OUR_LONG_LINES, stack.stop, stack.rasa.startup_seconds)


def serve_stock(project: Path) -> Bot:
    port = free_port()
    log = project / "rasa.log"
    began = time.perf_counter()
    process = subprocess.Popen([*RASA_STOCK, "run", "--model", str(project / "models" / "after.tar.gz"),
                                "--port", str(port)], cwd=project, env=base_env(),
                               stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    load.servers.wait_or_kill(f"{url}/webhooks/rest/", 300, process, log)
    seconds = time.perf_counter() - began
    return Bot("stock", url, process.pid, lambda sender, rng: StockVisitor(sender, rng), STOCK_LINES,
               lambda: stop_process(process, signal.SIGINT, timeout=30), seconds)


async def _level(bot: Bot, concurrency: int, think: bool, conversations: int = 1, messages: int = 15,
                 seed: int = 15) -> dict[str, Any]:
    """`concurrency` visitors at once, each `conversations` in a row of `messages` messages."""
    latencies: list[float] = []
    errors = 0
    url = f"{bot.url}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=concurrency + 5, max_keepalive_connections=concurrency + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        async def one(slot: int) -> None:
            nonlocal errors
            for round_ in range(conversations):
                rng = random.Random(f"{seed}-{slot}-{round_}")
                visitor = bot.visitor(f"speed-{bot.name}-{slot}-{round_}-{rng.getrandbits(32):08x}", rng)
                if think:
                    await asyncio.sleep(rng.uniform(0, load.THINK_SECONDS[1]))
                for number in range(messages):
                    if think and number:
                        await asyncio.sleep(rng.uniform(*load.THINK_SECONDS))
                    message = visitor.next_message()
                    began = time.perf_counter()
                    response = await client.post(url, json={"sender": visitor.sender, "message": message})
                    latencies.append((time.perf_counter() - began) * 1000)
                    if response.status_code != 200 or not response.json():
                        errors += 1
                        continue
                    visitor.last = response.json()

        cpu = load.cpu_seconds([bot.pid])
        began = time.perf_counter()
        await asyncio.gather(*(one(slot) for slot in range(concurrency)))
        seconds = time.perf_counter() - began
        cpu = load.cpu_seconds([bot.pid]) - cpu
    return {"messages": len(latencies), "rate": len(latencies) / seconds, "p50": load.percentile(latencies, 50),
            "p95": load.percentile(latencies, 95), "cpu_ms": 1000 * cpu / max(1, len(latencies)), "errors": errors}


def long_conversations(bot: Bot) -> dict[str, float]:
    """Median latency of messages 3-7 and 56-60 over LONG_CONVERSATIONS conversations of 60 messages."""
    by_number: dict[int, list[float]] = {n: [] for n in range(1, LONG_MESSAGES + 1)}
    with httpx.Client(timeout=60) as client:
        for conversation in range(LONG_CONVERSATIONS):
            sender = f"speed-long-{bot.name}-{conversation}-{random.getrandbits(32):08x}"
            for number in range(1, LONG_MESSAGES + 1):
                line = bot.long_lines[(number + conversation) % len(bot.long_lines)]
                began = time.perf_counter()
                client.post(f"{bot.url}/webhooks/rest/webhook", json={"sender": sender, "message": line})
                by_number[number].append((time.perf_counter() - began) * 1000)
    early = statistics.median(x for n in range(3, 8) for x in by_number[n])
    late = statistics.median(x for n in range(56, 61) for x in by_number[n])
    return {"early": early, "late": late, "ratio": late / early}


def answering(bot: Bot) -> dict[str, Any]:
    asyncio.run(_level(bot, 1, False, messages=5, seed=1))  # warm-up: first calls trace TensorFlow graphs
    levels = {
        "sequential": asyncio.run(_level(bot, 1, False, conversations=2)),
        "capacity 10": asyncio.run(_level(bot, 10, False)),
        "capacity 50": asyncio.run(_level(bot, 50, False)),
        "paced 10": asyncio.run(_level(bot, 10, True)),
        "paced 50": asyncio.run(_level(bot, 50, True)),
    }
    cpu = statistics.median(levels[name]["cpu_ms"] for name in ("sequential", "capacity 10", "capacity 50"))
    return {"levels": levels, "cpu_ms": cpu, "long": long_conversations(bot), "startup": bot.startup_seconds}


def make_run_startup(workdir: Path) -> float:
    """scripts/run.sh (`make run` once installed and trained) started a second time: until REST answers."""
    ports = {name: str(free_port()) for name in ("RASA_PORT", "ACTIONS_PORT", "SERVICE_PORT", "SMTP_PORT")}
    env = {key: value for key, value in base_env(VAR_DIR=str(workdir / "var"), **ports).items()
           if key not in RUN_SECRETS}
    workdir.mkdir(parents=True, exist_ok=True)
    seconds = 0.0
    for _ in range(2):  # the first start makes the secrets and the database; the second is what's timed
        began = time.perf_counter()
        process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, start_new_session=True,
                                   stdout=(workdir / "run.log").open("ab"), stderr=subprocess.STDOUT)
        try:
            load.servers.wait_or_kill(f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/", 300, process,
                                      workdir / "run.log", group=True)
            seconds = time.perf_counter() - began
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(60)
    return seconds


# --- all of it ---------------------------------------------------------------------------------------------


def measure(workdir: Path) -> dict[str, Any]:
    assert MODEL.exists(), "train the model first: make train"
    workdir.mkdir(parents=True, exist_ok=True)
    ours_project, stock = our_project(workdir), stock_project(workdir)
    results: dict[str, Any] = {"training": {
        "ours": train_twice(ours_project, RASA_APP, ours_project / "data" / "nlu" / "smalltalk.yml"),
        "stock": train_twice(stock, RASA_STOCK, stock / "data" / "nlu.yml"),
    }}
    for name, serve in (("ours", lambda: serve_ours(workdir)), ("stock", lambda: serve_stock(stock))):
        bot = serve()
        try:
            results[name] = answering(bot)
        finally:
            bot.stop()
    results["make_run_startup"] = make_run_startup(workdir / "make-run")
    results["tests"] = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else None
    return results


def _s(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 100 else f"{seconds:.0f} s"


def _ratio(ours: float, stock: float) -> str:
    return f"×{ours / stock:.2f}" if stock else "–"


def markdown(results: dict[str, Any]) -> list[str]:
    ours, stock, train = results["ours"], results["stock"], results["training"]

    def latency(name: str) -> tuple[str, str, str]:
        a, b = ours["levels"][name], stock["levels"][name]
        return (f"{a['p50']:.0f} / {a['p95']:.0f} ms", f"{b['p50']:.0f} / {b['p95']:.0f} ms",
                _ratio(a["p95"], b["p95"]))

    rows = [
        ("Training from scratch (`rasa train`, empty cache)", _s(train["ours"]["fresh"]), _s(train["stock"]["fresh"]),
         _ratio(train["ours"]["fresh"], train["stock"]["fresh"]), "< 3 min"),
        ("Training after one changed NLU example", _s(train["ours"]["after one NLU change"]),
         _s(train["stock"]["after one NLU change"]),
         _ratio(train["ours"]["after one NLU change"], train["stock"]["after one NLU change"]), ""),
        ("Rasa start-up (launch until REST answers)", _s(ours["startup"]), _s(stock["startup"]),
         _ratio(ours["startup"], stock["startup"]), ""),
        ("`make run` start-up after the first time (until a visitor can chat)", _s(results["make_run_startup"]),
         "–", "", "< 30 s"),
        ("Rasa CPU per message (median of sequential, 10 and 50 at once)", f"{ours['cpu_ms']:.0f} ms",
         f"{stock['cpu_ms']:.0f} ms", _ratio(ours["cpu_ms"], stock["cpu_ms"]), "<= 40 ms"),
        ("p50 / p95, one conversation at a time", *latency("sequential"), "p95 < 120 ms"),
        ("p50 / p95, 10 visitor-paced conversations", *latency("paced 10"), "p95 < 150 ms"),
        ("p50 / p95, 50 visitor-paced conversations", *latency("paced 50"), ""),
        ("Messages per second, 10 at once, no think time", f"{ours['levels']['capacity 10']['rate']:.1f}",
         f"{stock['levels']['capacity 10']['rate']:.1f}",
         _ratio(ours["levels"]["capacity 10"]["rate"], stock["levels"]["capacity 10"]["rate"]), ">= 20"),
        ("Messages per second, 50 at once, no think time", f"{ours['levels']['capacity 50']['rate']:.1f}",
         f"{stock['levels']['capacity 50']['rate']:.1f}",
         _ratio(ours["levels"]["capacity 50"]["rate"], stock["levels"]["capacity 50"]["rate"]), ""),
        ("Latency at messages 3-7 → 56-60 of a 60-message conversation",
         f"{ours['long']['early']:.0f} → {ours['long']['late']:.0f} ms (×{ours['long']['ratio']:.2f})",
         f"{stock['long']['early']:.0f} → {stock['long']['late']:.0f} ms (×{stock['long']['ratio']:.2f})", "",
         "×1.5 at most"),
    ]
    lines = ["## Speed (beside a stock Rasa 3.6 bot, measured in the same run)", "",
             "The stock bot is `rasa init`'s assistant (moodbot) with its default configuration, trained and served "
             "by plain `rasa`, measured the same way on the same machine right after ours "
             "(`.venv/bin/python -m tests.bench.speed`; tests/bench/speed.py says how). Ours is the whole stack: "
             "Rasa, the action server, the lead service. Ratio: ours divided by stock.", "",
             "| | Mentorwijzer | stock Rasa 3.6 | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {a} | {b} | {r} | {t} |" for name, a, b, r, t in rows]
    errors = sum(level["errors"] for bot in (ours, stock) for level in bot["levels"].values())
    lines += ["", f"Errors while measuring (non-200 or empty answers): {errors}."]
    tests = results.get("tests")
    if tests:
        lines += ["", f"The test suite (`make test`, {tests['measured']}, {tests.get('where', 'this machine')}); "
                  "training is reported apart, it is not a test:", "",
                  "| suite | seconds |", "|---|---|"]
        lines += [f"| {name} | {seconds} |" for name, seconds in tests["suites"].items()]
        total = sum(seconds for name, seconds in tests["suites"].items() if not name.startswith("train"))
        lines += [f"| **all tests** | **{total} ({total / 60:.1f} min)** (< 20 min) |"]
    return lines + [""]


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        results = measure(Path(tmp))
    print("\n".join(markdown(results)))


if __name__ == "__main__":
    main()
