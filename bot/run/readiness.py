"""Tell the person at the terminal when everything answers, and where to talk to it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from bot.run.programs import RunSettings

log = logging.getLogger("bot.run.readiness")
POLL_SECONDS = 1.0
SLOW_START_SECONDS = 300  # Rasa takes ~1-2 minutes; after this, say what is still missing


async def wait_until_ready(urls: Mapping[str, str]) -> None:
    """Return once every url has answered (HTTP below 500, or a TCP connection for tcp://); each is
    asked until it answers once, so the logs are not filled with health checks."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    missing = dict(urls)
    warned = False
    async with httpx.AsyncClient(timeout=2) as client:
        while True:
            for name, url in list(missing.items()):
                if await _answers(client, url):
                    del missing[name]
            if not missing:
                return
            if not warned and loop.time() - started > SLOW_START_SECONDS:
                log.warning("still waiting for %s; see the log above", ", ".join(missing))
                warned = True
            await asyncio.sleep(POLL_SECONDS)


async def _answers(client: httpx.AsyncClient, url: str) -> bool:
    parts = urlsplit(url)
    try:
        if parts.scheme == "tcp":
            _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), 2)
            writer.close()
            return True
        return (await client.get(url)).status_code < 500
    except (OSError, TimeoutError, httpx.HTTPError):
        return False


def banner(settings: RunSettings) -> str:
    mail = (f"kept in {settings.mail_dir}/new (local SMTP on port {settings.smtp_port})"
            if settings.local_smtp else f"sent through {settings.smtp_host}")
    rasa, service = settings.rasa_port, settings.service_port
    return f"""
  Mentorwijzer is running.
    Website chat:   http://localhost:{service}/   (embed it on your site: /embed)
    Rasa server:    http://localhost:{rasa}   (REST: POST /webhooks/rest/webhook)
    Action server:  http://localhost:{settings.actions_port}
    Lead service:   http://localhost:{service}   (API docs: /docs, health: /health)
    Mentor e-mail:  {mail}
  Talk to it:
    make chat            (in a second terminal)
    curl -s localhost:{rasa}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
      -d '{{"sender": "ik", "message": "ik wil beter leren presenteren"}}'
  A process that stops is started again; Ctrl-C stops them all.
"""
