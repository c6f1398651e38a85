"""The action server: rasa_sdk's, on 127.0.0.1 by default and closed to anyone but Rasa.

`python -m rasa_sdk` listens on every interface, allows every CORS origin and runs any action
for anyone: a forged `POST /webhook` with `next_action: action_submit_lead` stored a lead with
made-up consent, and `action_forget_me` with someone's sender id erased their conversation.
Here every request but `/health` must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`,
which Rasa sends from `endpoints.yml`; no CORS (only Rasa calls it, never a browser); and the
host is ACTIONS_HOST (127.0.0.1 unless the action server runs on another machine than Rasa,
see deploy/scale-out.env).

    python -m actions.server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from actions.lead_service.settings import get_settings
from bot.secret_rules import require_secret

log = logging.getLogger(__name__)

TOKEN_SETTING = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})  # says "ok" and nothing else: for supervisors and load balancers
REFUSED = {"error": "Alleen de Rasa-server mag acties aanvragen."}


def require_rasa_token(app: Sanic, token: str) -> None:
    """Refuse every request without Rasa's bearer token (compared in constant time)."""
    expected = f"Bearer {token}".encode()

    @app.on_request
    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode("utf-8", "replace")
        if hmac.compare_digest(given, expected):
            return None
        log.warning("action server: refused %s %s without Rasa's token", request.method, request.path)
        return response.json(REFUSED, status=401)


def create_guarded_app(actions_package: str, token: str) -> Sanic:
    """Runs in the main process and again in each Sanic worker (AppLoader), so it must be picklable."""
    executor = ActionExecutor()
    executor.register_package(actions_package)
    app = create_app_for_serve(executor, cors_origins=None)
    require_rasa_token(app, token)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT") or 5055))
    parser.add_argument("--actions", default="actions", help="the package holding the actions")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        token = require_secret(TOKEN_SETTING, settings.action_server_token.get_secret_value())
        require_secret("SERVICE_TOKEN", settings.service_token.get_secret_value())
    except ValueError as problem:
        print(f"The action server cannot start: {problem}", file=sys.stderr)
        return 2

    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    loader = AppLoader(factory=partial(create_guarded_app, args.actions, token))
    app = loader.load()
    app.prepare(host=settings.actions_host, port=args.port, workers=utils.number_of_sanic_workers())
    log.info("action server on http://%s:%s (Rasa's token required)", settings.actions_host, args.port)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
