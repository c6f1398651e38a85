"""Every setting of the lead service in one typed object, read from the environment."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.secret_rules import require_secret, secret_problem

# Secrets without which the app does not start (`make run` generates them into var/secrets/);
# STAFF_TOKEN is optional: without it there is no automation token at all.
REQUIRED_SECRETS = ("SERVICE_TOKEN", "STAFF_SECRET_KEY")


class Settings(BaseSettings):
    """Environment variables are matched case-insensitively (`DATABASE_URL` -> `database_url`)."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/mentorwijzer.db"
    # Rasa's SQL tracker store: read for the staff screens, erased on request, never migrated by
    # us. Unset: the service's own database, where Rasa keeps it by default (endpoints.yml).
    tracker_database_url: str = ""

    # Bearer tokens: the action server calls /api/leads; STAFF_TOKEN (optional) is an admin for
    # automation. Never a default value: bot/secret_rules.py refuses placeholders everywhere.
    service_token: SecretStr = SecretStr("")
    staff_token: SecretStr = SecretStr("")

    smtp_host: str = "localhost"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_from: str = "Mentorwijzer <mentorwijzer@localhost>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    notify_timeout_seconds: float = Field(default=10, gt=0)

    # Ordered: a new lead goes to the first; an unanswered one moves down the list.
    mentor_emails: Annotated[list[str], NoDecode] = ["mentoren@localhost"]
    webhook_url: AnyHttpUrl | None = None

    escalate_after_minutes: int = Field(default=60, ge=1)
    retention_days: int = Field(default=365, ge=1)
    # Erasing a conversation waits this long, so Rasa has finished the turn that asked for it
    # (it would otherwise save the whole conversation again at the end of that turn).
    conversation_erase_delay_seconds: float = Field(default=15, gt=0, le=86_400)
    consent_text_version: str = "2026-12"

    # The outbox dispatcher inside the app; tests switch it off and call it directly.
    dispatcher_enabled: bool = True
    dispatch_interval_seconds: float = Field(default=5, gt=0)
    notify_max_attempts: int = Field(default=8, ge=1)

    # The chat widget on our own pages (bot/service/api/widget.py). The server URL is Rasa's
    # socket.io channel as a visitor's browser reaches it; it also goes into the pages' CSP.
    widget_server_url: Annotated[str, Field(pattern=r"^https?://[^\s/?#]+/?$")] = "http://localhost:5005"
    widget_socket_path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9._~/-]*$")] = "/socket.io/"
    widget_title: str = Field(default="Mentorwijzer", min_length=1, max_length=60)
    widget_subtitle: str = Field(default="Training, coaching of mentoring?", max_length=120)
    widget_primary_color: Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")] = "#1f6f5c"
    widget_opening_message: str = Field(
        default="Hoi! Ik help je kiezen tussen training, coaching en mentoring. Vertel eens in je eigen woorden:"
                " wat wil je ontwikkelen?",
        max_length=500,
    )
    widget_privacy_url: Annotated[str, Field(pattern=r"^(https?://|/)\S*$")] | None = None

    # Staff accounts (bot/service/auth/): signs staff access tokens and the login session cookie.
    staff_secret_key: SecretStr = SecretStr("")
    staff_token_lifetime_minutes: int = Field(default=60, ge=1, le=24 * 60)
    staff_session_hours: int = Field(default=8, ge=1, le=24 * 30)
    # Secure flag on the session cookie; unset: on in production only (local http would lose it).
    staff_cookie_secure: bool | None = None
    # Wrong passwords per account and address; `memory://` counts per process, `redis://host:6379`
    # shares the count between service instances.
    rate_limit_storage_url: Annotated[str, Field(pattern=r"^(memory|redis|rediss|redis\+unix)://")] = "memory://"
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    login_failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Wrong bearer tokens (SERVICE_TOKEN, STAFF_TOKEN, access tokens) per client address: past the
    # limit every bearer request from that address gets 429 until the window moves on.
    token_max_failures: int = Field(default=20, ge=1, le=10_000)
    token_failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)

    # Where `python -m bot.service.serve` listens, and the reverse proxies whose X-Forwarded-For
    # it believes (addresses or networks, comma-separated). Empty: the peer's own address counts.
    service_host: str = "127.0.0.1"
    service_port: int = Field(default=8000, ge=1, le=65535)
    service_trusted_proxies: Annotated[list[str], NoDecode] = []

    @field_validator("mentor_emails", "service_trusted_proxies", mode="before")
    @classmethod
    def split_commas(cls, value: object) -> object:
        """Lists come from the environment as comma-separated text."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("service_trusted_proxies")
    @classmethod
    def check_proxies(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy)
            except ValueError:
                raise ValueError(f"SERVICE_TRUSTED_PROXIES: {proxy!r} is no address or network") from None
        return value

    @field_validator("mentor_emails")
    @classmethod
    def check_mentor_emails(cls, value: list[str]) -> list[str]:
        if not value or any("@" not in address for address in value):
            raise ValueError("MENTOR_EMAILS needs at least one address, comma-separated")
        return value

    @field_validator(
        "webhook_url", "smtp_username", "smtp_password", "widget_privacy_url", "staff_cookie_secure", mode="before"
    )
    @classmethod
    def empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def tracker_in_service_database(self) -> Settings:
        if not self.tracker_database_url:
            self.tracker_database_url = self.database_url
        return self

    @field_validator("service_token", "staff_token", "staff_secret_key")
    @classmethod
    def no_placeholder_secret(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        """In every environment: unset, or a real secret (the message names the setting)."""
        if value.get_secret_value():
            require_secret(str(info.field_name).upper(), value.get_secret_value())
        return value

    @model_validator(mode="after")
    def secrets_differ(self) -> Settings:
        # One leaked value must not open two doors.
        values = {name: getattr(self, name.lower()).get_secret_value() for name in (*REQUIRED_SECRETS, "STAFF_TOKEN")}
        given = [value for value in values.values() if value]
        if len(given) != len(set(given)):
            raise ValueError("SERVICE_TOKEN, STAFF_TOKEN and STAFF_SECRET_KEY must all differ")
        return self

    def missing_secrets(self) -> list[str]:
        """Why the app cannot start (one sentence per secret), empty when it can."""
        problems = (secret_problem(name, getattr(self, name.lower()).get_secret_value()) for name in REQUIRED_SECRETS)
        return [problem for problem in problems if problem]

    @property
    def staff_cookie_https_only(self) -> bool:
        return self.environment == "production" if self.staff_cookie_secure is None else self.staff_cookie_secure


@lru_cache
def get_settings() -> Settings:
    """Read the environment once; tests call `get_settings.cache_clear()` after changing it."""
    return Settings()
