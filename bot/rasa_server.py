"""`rasa` with our speed-ups to Rasa 3.6 applied first (bot/rasa_speedups.py):
`scripts/rasa-server.sh` runs `python -m bot.rasa_server run ...`. Runs in Rasa's environment.

`run` starts only with real secrets (bot/secret_rules.py): Rasa sends ACTION_SERVER_TOKEN to the
action server (endpoints.yml) and signs widget sessions with WIDGET_SESSION_SECRET; the optional
RASA_AUTH_TOKEN guards Rasa's HTTP API. A missing or placeholder value stops it here, with the
setting's name, instead of at the first visitor."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from bot.secret_rules import secret_problem

REQUIRED_SECRETS = ("ACTION_SERVER_TOKEN", "WIDGET_SESSION_SECRET")
OPTIONAL_SECRETS = ("RASA_AUTH_TOKEN",)


def secret_problems(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """Why `rasa <argv>` must not start with these settings (empty: it may)."""
    if not argv or argv[0] != "run":
        return []  # training, tests and data checks call no action server and sign nothing
    problems = [secret_problem(name, environ.get(name)) for name in REQUIRED_SECRETS]
    problems += [secret_problem(name, environ[name]) for name in OPTIONAL_SECRETS if environ.get(name)]
    return [problem for problem in problems if problem]


def main() -> None:
    problems = secret_problems(sys.argv[1:], os.environ)
    if problems:
        print("Rasa cannot start: " + "; ".join(problems), file=sys.stderr)
        raise SystemExit(2)
    # Telemetry and Rasa's crash reports to Sentry stay off however Rasa is started (not only from the
    # Makefile): nothing here may reach the network, and a crash report could carry a visitor's words.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    from rasa.__main__ import main as rasa_main

    from bot import rasa_speedups  # Rasa's environment only; the check above is plain Python

    rasa_speedups.apply()
    rasa_main()


if __name__ == "__main__":
    main()
