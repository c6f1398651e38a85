"""Settings: safe defaults without configuration, and no placeholder secret in any environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.service.api.main import MissingSecrets, create_app
from bot.service.settings import Settings, get_settings

STRONG = "Vb7kQ2xLr9Tz4WmN8pYc3HdJ6fGs1aE5"  # random-looking, 32 characters
# What earlier versions shipped as defaults, and what people type when asked for "a secret".
WEAK = ["dev-service-token-change-me", "dev-staff-secret-key-change-me", "changeme-0123456789abcdefghijklmnop",
        "short", "a" * 40, "0123456701234567012345670123456701234567", "your-secret-key-here-0123456789abcdef",
        STRONG + " "]


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


def test_without_secrets_the_service_does_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SERVICE_TOKEN", "STAFF_TOKEN", "STAFF_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(database_url="sqlite://")
    with pytest.raises(MissingSecrets) as refused:
        create_app(settings)
    assert "SERVICE_TOKEN is not set" in str(refused.value)
    assert "STAFF_SECRET_KEY is not set" in str(refused.value)


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("name", ["service_token", "staff_token", "staff_secret_key"])
@pytest.mark.parametrize("weak", WEAK, ids=range(len(WEAK)))
def test_no_environment_accepts_a_placeholder_or_weak_secret(environment: str, name: str, weak: str) -> None:
    others = {"service_token": STRONG + "s", "staff_token": STRONG + "t", "staff_secret_key": STRONG + "k"}
    with pytest.raises(ValidationError, match=name.upper()):
        Settings(environment=environment, **{**others, name: weak})


def test_one_value_may_not_serve_as_two_secrets() -> None:
    with pytest.raises(ValidationError, match="must all differ"):
        Settings(service_token=STRONG, staff_token=STRONG, staff_secret_key=STRONG + "k")
    with pytest.raises(ValidationError, match="must all differ"):
        Settings(service_token=STRONG, staff_secret_key=STRONG)


def test_real_secrets_are_accepted_and_staff_token_is_optional() -> None:
    settings = Settings(environment="production", service_token=STRONG + "s", staff_secret_key=STRONG + "k")
    assert settings.missing_secrets() == []
    assert settings.staff_token.get_secret_value() == ""


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


def test_trusted_proxies_are_addresses_or_networks_never_everyone() -> None:
    assert Settings(service_trusted_proxies="10.0.0.0/8, 127.0.0.1").service_trusted_proxies == [
        "10.0.0.0/8", "127.0.0.1"]
    assert Settings(service_trusted_proxies="").service_trusted_proxies == []
    for value in ("*", "proxy.internal", "10.0.0.1/8"):
        with pytest.raises(ValidationError, match="SERVICE_TRUSTED_PROXIES"):
            Settings(service_trusted_proxies=value)
