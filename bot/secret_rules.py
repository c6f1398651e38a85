"""What a secret must look like, for every process (Rasa, the action server, the lead service).

No runtime accepts a placeholder, an obviously guessable value or a short secret, in any
environment: a stack started by `make run` used to accept "dev-...-change-me" tokens, so anyone
who had read the repository could sign in as an admin. `make run` generates every missing
secret once into `var/secrets/` (bot/local_secrets.py); an operator sets them in the environment.
Plain Python without dependencies: both virtual environments import it.
"""

from __future__ import annotations

import re

MIN_SECRET_CHARS = 32
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
MIN_DISTINCT_CHARS = 10  # "aaaa...", "0123...": long, but guessable

# The secrets each process needs, and what they guard (docs/security.md has the whole picture).
SECRETS: dict[str, str] = {
    "SERVICE_TOKEN": "the action server and the outbox worker hand leads and erasures to the lead service",
    "STAFF_SECRET_KEY": "signs staff access tokens and the staff login cookie",
    "WIDGET_SESSION_SECRET": "signs the widget's session ids",
    "ACTION_SERVER_TOKEN": "Rasa's calls to the action server",
}

# Values from earlier versions of our own documentation and defaults, and generic stand-ins.
_PLACEHOLDER_WORDS = re.compile(
    r"change[-_ ]?me|placeholder|replace[-_ ]?me|your[-_ ]?(secret|token|key)|example|dummy|insecure|"
    r"^(secret|token|password|wachtwoord|geheim)[-_ ]?\d*$|^x+$|^\.\.\.+$",
    re.IGNORECASE,
)


def secret_problem(name: str, value: str | None) -> str | None:
    """Why `value` cannot serve as the secret `name` (a sentence naming the setting), or None."""
    if value is None or not value.strip():
        return f"{name} is not set ({_purpose(name)}); `make run` generates one in var/secrets/"
    if value != value.strip() or any(ord(char) < 33 or ord(char) == 127 for char in value):
        return f"{name} contains spaces or control characters"
    if _PLACEHOLDER_WORDS.search(value):
        return f"{name} is a placeholder; set a random secret ({GENERATE})"
    if len(value) < MIN_SECRET_CHARS:
        return f"{name} is too short: at least {MIN_SECRET_CHARS} characters"
    if len(set(value)) < MIN_DISTINCT_CHARS:
        return f"{name} is too easy to guess: use a random value"
    return None


def require_secret(name: str, value: str | None) -> str:
    """`value` when it may serve as secret `name`, else ValueError with the setting's name."""
    problem = secret_problem(name, value)
    if problem:
        raise ValueError(problem)
    return value  # type: ignore[return-value]


def _purpose(name: str) -> str:
    return SECRETS.get(name, "a secret")
