"""Settings: safe defaults in development, no placeholder secrets in production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.service.settings import PLACEHOLDER_SERVICE_TOKEN, Settings, get_settings

STRONG = "s" * 32


def test_defaults_work_without_any_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "SERVICE_TOKEN",
        "STAFF_TOKEN",
        "ENVIRONMENT",
        "MENTOR_EMAILS",
        "WEBHOOK_URL",
        "TRACKER_DATABASE_URL",
        "CONVERSATION_ERASE_DELAY_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///var/mentorwijzer.db"
    # Rasa's tracker store shares the service's database unless told otherwise (endpoints.yml).
    assert settings.tracker_database_url == "sqlite:///var/mentorwijzer.db"
    assert settings.conversation_erase_delay_seconds == 15
    assert (settings.smtp_host, settings.smtp_port) == ("localhost", 8025)
    assert settings.escalate_after_minutes == 60 and settings.retention_days == 365
    assert settings.webhook_url is None


@pytest.mark.parametrize(
    "tokens",
    [
        {},
        {"service_token": PLACEHOLDER_SERVICE_TOKEN, "staff_token": STRONG},
        {"service_token": STRONG + "x", "staff_token": "short"},
        {"service_token": STRONG, "staff_token": STRONG},
    ],
    ids=["placeholders", "service-placeholder", "staff-too-short", "same-token"],
)
def test_production_refuses_weak_tokens(tokens: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings(environment="production", **tokens)


def test_production_accepts_real_tokens() -> None:
    settings = Settings(
        environment="production", service_token=STRONG, staff_token=STRONG + "x", staff_secret_key=STRONG + "y"
    )
    assert settings.environment == "production"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTOR_EMAILS", " a@x.nl, b@x.nl ,c@x.nl")
    monkeypatch.setenv("WEBHOOK_URL", "")
    monkeypatch.setenv("ESCALATE_AFTER_MINUTES", "5")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.mentor_emails == ["a@x.nl", "b@x.nl", "c@x.nl"]
        assert settings.webhook_url is None
        assert settings.escalate_after_minutes == 5
        assert get_settings() is settings  # cached
    finally:
        get_settings.cache_clear()


def test_mentor_list_must_hold_addresses() -> None:
    with pytest.raises(ValidationError):
        Settings(mentor_emails="")
    with pytest.raises(ValidationError):
        Settings(mentor_emails="not-an-address")


@pytest.mark.parametrize("delay", ["0", "-1", "inf", "nan", "nooit"])
def test_erase_delay_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch, delay: str) -> None:
    monkeypatch.setenv("CONVERSATION_ERASE_DELAY_SECONDS", delay)
    with pytest.raises(ValidationError):
        Settings()


def test_tracker_follows_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://mentorwijzer@db/mentorwijzer")
    assert Settings().tracker_database_url == "postgresql://mentorwijzer@db/mentorwijzer"


def test_tracker_settings_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql://rasa@db/rasa")
    monkeypatch.setenv("CONVERSATION_ERASE_DELAY_SECONDS", "2.5")
    settings = Settings()
    assert settings.tracker_database_url == "postgresql://rasa@db/rasa"
    assert settings.conversation_erase_delay_seconds == 2.5
