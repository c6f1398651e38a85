"""What `make run` starts, on which ports, with which settings and secrets.

Every setting is optional: with none, a fresh clone runs on SQLite and a local SMTP server, with
its files and generated secrets under `var/` (VAR_DIR moves all of them, e.g. for the tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.run.supervisor import Program

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = str(ROOT / ".venv" / "bin" / "python")

# Each credential goes to the processes that use it and no other: a leak from the action server
# must not hand over staff logins. The first four are generated when missing (bot/local_secrets.py,
# bot/secret_rules.py says what they guard); the others only ever come from the operator.
CREDENTIALS_FOR: dict[str, frozenset[str]] = {
    "SERVICE_TOKEN": frozenset({"service", "worker", "actions"}),
    "STAFF_SECRET_KEY": frozenset({"service"}),
    "WIDGET_SESSION_SECRET": frozenset({"rasa"}),
    "ACTION_SERVER_TOKEN": frozenset({"rasa", "actions"}),
    "STAFF_TOKEN": frozenset({"service"}),
    "SMTP_PASSWORD": frozenset({"service"}),
    "RASA_AUTH_TOKEN": frozenset({"rasa"}),
    "TELEGRAM_BOT_TOKEN": frozenset({"rasa"}),
    "TELEGRAM_WEBHOOK_SECRET": frozenset({"rasa"}),
}


@dataclass(frozen=True)
class RunSettings:
    var_dir: Path
    rasa_port: int
    actions_port: int
    service_port: int
    smtp_port: int
    smtp_host: str  # empty: mentors' e-mails go to a local SMTP server that keeps them as files

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> RunSettings:
        return cls(
            # Relative to the repository, as `make run` starts everything there.
            var_dir=Path(environ.get("VAR_DIR") or "var"),
            rasa_port=_port(environ, "RASA_PORT", 5005),
            actions_port=_port(environ, "ACTIONS_PORT", 5055),
            service_port=_port(environ, "SERVICE_PORT", 8000),
            smtp_port=_port(environ, "SMTP_PORT", 8025),
            smtp_host=environ.get("SMTP_HOST", ""),
        )

    @property
    def local_smtp(self) -> bool:
        return not self.smtp_host

    @property
    def secrets_dir(self) -> Path:
        return self.var_dir / "secrets"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"


def shared_env(settings: RunSettings, environ: Mapping[str, str]) -> dict[str, str]:
    """What every process sees: the caller's environment without any credential, and `make run`'s defaults."""
    env = {name: value for name, value in environ.items() if name not in CREDENTIALS_FOR}
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false")
    defaults = {
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "DATABASE_URL": f"sqlite:///{settings.var_dir / 'mentorwijzer.db'}",
        "LEAD_OUTBOX_URL": f"sqlite:///{settings.var_dir / 'lead_outbox.db'}",
        "LEAD_SERVICE_URL": f"http://127.0.0.1:{settings.service_port}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.actions_port}/webhook",
        # The widget page (served by the service) talks socket.io to Rasa; only these pages may.
        "WIDGET_SERVER_URL": f"http://localhost:{settings.rasa_port}",
        "WIDGET_ALLOWED_ORIGINS": f"http://localhost:{settings.service_port},http://127.0.0.1:{settings.service_port}",
        "RASA_PORT": str(settings.rasa_port),
        "ACTIONS_PORT": str(settings.actions_port),
        "SERVICE_PORT": str(settings.service_port),
    }
    for name, value in defaults.items():
        env.setdefault(name, value)
    if settings.local_smtp:
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(settings.smtp_port))
    return env


def programs(settings: RunSettings, environ: Mapping[str, str], secrets: Mapping[str, str]) -> list[Program]:
    """The processes in start order; each gets the shared environment and its own credentials
    (`secrets`: the generated ones, bot/local_secrets.py)."""
    shared = shared_env(settings, environ)
    credentials = {name: value for name in CREDENTIALS_FOR if (value := secrets.get(name) or environ.get(name))}
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "smtp": ([APP_PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{settings.smtp_port}",
                  "-c", "aiosmtpd.handlers.Mailbox", str(settings.mail_dir)], {}),
        # uvicorn on SERVICE_HOST (127.0.0.1), X-Forwarded-For only from SERVICE_TRUSTED_PROXIES.
        "service": ([APP_PYTHON, "-m", "bot.service.serve"], {}),
        # Delivers hand-offs (and erase requests) the action server could not hand to the service.
        "worker": ([APP_PYTHON, "-m", "actions.lead_service.worker"], {}),
        # On ACTIONS_HOST (127.0.0.1), refusing every request without Rasa's ACTION_SERVER_TOKEN.
        "actions": ([APP_PYTHON, "-m", "actions.server", "--port", str(settings.actions_port)], {}),
        "rasa": ([str(ROOT / "scripts" / "rasa-server.sh")], {}),
    }
    if not settings.local_smtp:
        del commands["smtp"]
    return [
        Program(name, argv, {**shared, **extra, **_credentials_of(name, credentials)}, ROOT)
        for name, (argv, extra) in commands.items()
    ]


def _credentials_of(program: str, credentials: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in credentials.items() if program in CREDENTIALS_FOR[name]}


def readiness_urls(settings: RunSettings) -> dict[str, str]:
    """name -> where the process answers once it is up (tcp:// for a bare port)."""
    urls = {
        "service": f"http://127.0.0.1:{settings.service_port}/health",
        "actions": f"http://127.0.0.1:{settings.actions_port}/health",
        "rasa": f"http://127.0.0.1:{settings.rasa_port}/webhooks/rest/",
    }
    if settings.local_smtp:
        urls["smtp"] = f"tcp://127.0.0.1:{settings.smtp_port}"
    return urls


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name) or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{name} must be a port number, not {value!r}")
    return int(value)
