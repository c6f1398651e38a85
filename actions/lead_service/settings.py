"""Settings of the action server (and its outbox worker), from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.secret_rules import require_secret


class LeadLinkSettings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    lead_service_url: str = "http://localhost:8000"
    # Where staff open the service in a browser (the transcript link in the mentor's e-mail).
    public_service_url: str | None = None
    # No default: `make run` generates it into var/secrets/ (bot/local_secrets.py).
    service_token: SecretStr = SecretStr("")
    lead_service_timeout_seconds: float = Field(default=5, gt=0)
    lead_outbox_url: str = "sqlite:///var/lead_outbox.db"
    lead_outbox_retry_seconds: float = Field(default=15, gt=0)
    lead_outbox_max_backoff_seconds: float = Field(default=600, gt=0)
    # Told to the visitor in the consent question; keep it equal to the service's RETENTION_DAYS.
    retention_days: int = Field(default=365, ge=1)

    # The action server itself (actions/server.py): Rasa's token, and the interface it listens on.
    action_server_token: SecretStr = SecretStr("")
    actions_host: str = "127.0.0.1"

    @field_validator("service_token", "action_server_token")
    @classmethod
    def no_placeholder(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        """An unset secret is said where it is needed; a set one must be a real secret."""
        if value.get_secret_value():
            require_secret(str(info.field_name).upper(), value.get_secret_value())
        return value

    @property
    def transcript_base_url(self) -> str:
        return self.public_service_url or self.lead_service_url


@lru_cache
def get_settings() -> LeadLinkSettings:
    return LeadLinkSettings()
