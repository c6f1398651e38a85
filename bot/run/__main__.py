"""`make run` (scripts/run.sh): secrets, database, then every process under one supervisor.

Ctrl-C, SIGTERM or SIGHUP stops every process, including the ones they started.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys

from bot.local_secrets import ensure_local_secrets
from bot.run.programs import APP_PYTHON, ROOT, RunSettings, programs, readiness_urls
from bot.run.readiness import banner, wait_until_ready
from bot.run.supervisor import Program, Supervisor

log = logging.getLogger("bot.run")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per readiness check
    os.chdir(ROOT)  # relative paths (VAR_DIR, the secrets' files) are the repository's
    try:
        settings = RunSettings.from_environ(os.environ)
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        secrets = ensure_local_secrets(settings.secrets_dir)
    except ValueError as error:  # a bad setting: say which, start nothing
        log.error("%s", error)
        return 2
    children = programs(settings, os.environ, secrets)
    try:
        if not _migrate(next(program for program in children if program.name == "service")):
            return 1
    except KeyboardInterrupt:  # Ctrl-C before anything started
        return 130
    asyncio.run(_supervise(Supervisor(children), settings))
    return 0


def _migrate(service: Program) -> bool:
    """The lead service's database (and Rasa's, the same one by default) up to date before anyone uses it."""
    done = subprocess.run([APP_PYTHON, "-m", "bot.service.cli", "migrate"], env=dict(service.env), cwd=service.cwd)
    if done.returncode != 0:
        log.error("migrating DATABASE_URL failed (exit status %d); nothing started", done.returncode)
    return done.returncode == 0


async def _supervise(supervisor: Supervisor, settings: RunSettings) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, supervisor.stop)
    running = asyncio.create_task(supervisor.run())
    ready = asyncio.create_task(wait_until_ready(readiness_urls(settings)))
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    if ready.done():
        print(banner(settings), flush=True)
    else:
        ready.cancel()
    await running


if __name__ == "__main__":
    sys.exit(main())
