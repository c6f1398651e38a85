"""Run the lead service: `python -m bot.service.serve` (what `make run` and the tests start).

uvicorn on its own trusts `X-Forwarded-For` from 127.0.0.1: behind no proxy, anyone on the
machine could send a new made-up address with every wrong password and never meet the login
throttle. Here the header is read only from SERVICE_TRUSTED_PROXIES (empty by default: the
peer's own address counts), like Rasa's CHAT_TRUSTED_PROXIES for the chat.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from pydantic import ValidationError

from bot.service.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.service.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as error:
        print(f"The lead service cannot start: {error}", file=sys.stderr)
        return 2
    if missing := settings.missing_secrets():
        print("The lead service cannot start: " + "; ".join(missing), file=sys.stderr)
        return 2
    proxies = settings.service_trusted_proxies
    uvicorn.run(
        "bot.service.api.main:create_app", factory=True,
        host=settings.service_host, port=settings.service_port, log_level=args.log_level,
        proxy_headers=bool(proxies), forwarded_allow_ips=",".join(proxies) or None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
