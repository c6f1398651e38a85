"""Secrets for a stack on one machine: each missing one generated once into `var/secrets/`.

`make run` gives every process the same values without the operator choosing any, and a
restart keeps them (a new WIDGET_SESSION_SECRET would end every visitor's conversation, a new
STAFF_SECRET_KEY every staff login). A value set in the environment always wins, and is checked
like a generated one (bot/secret_rules.py). Plain Python: both virtual environments can run it.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.secret_rules import SECRETS, require_secret

SECRETS_DIR = Path("var") / "secrets"
# Where an earlier `make run` kept a secret: reused, so a visitor's widget session survives the upgrade.
_EARLIER_FILES = {"WIDGET_SESSION_SECRET": Path("var") / "widget-session-secret"}


def ensure_local_secrets(
    directory: Path = SECRETS_DIR, environ: Mapping[str, str] | None = None, names: Iterable[str] = SECRETS
) -> dict[str, str]:
    """name -> value for every secret in `names`: the environment's, else the file's, else a new one."""
    environ = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for name in names:
        given = environ.get(name, "").strip()
        found[name] = require_secret(name, given) if given else _stored_or_new(directory / name, name)
    return found


def _stored_or_new(path: Path, name: str) -> str:
    earlier = _EARLIER_FILES.get(name)
    if not path.exists() and earlier is not None and earlier.exists() and path.parent.parent == earlier.parent:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        earlier.replace(path)
    if path.exists():
        return require_secret(f"{name} (in {path})", path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    value = secrets.token_urlsafe(32)
    # O_EXCL: two starts at once cannot each write a different value.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return require_secret(f"{name} (in {path})", path.read_text().strip())
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.local_secrets [NAME ...]`: `export NAME=value` lines for a shell to eval
    (`make shell` gives Rasa's shell the action server's token this way)."""
    names = (sys.argv[1:] if argv is None else argv) or list(SECRETS)
    unknown = [name for name in names if name not in SECRETS]
    if unknown:
        print(f"unknown secret(s): {', '.join(unknown)}; known: {', '.join(SECRETS)}", file=sys.stderr)
        return 2
    directory = Path(os.environ.get("VAR_DIR") or "var") / "secrets"
    for name, value in ensure_local_secrets(directory, names=names).items():
        print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
