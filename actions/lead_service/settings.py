"""Settings of the action server's link to the lead service, from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The same development placeholder the service accepts outside production (bot/service/settings.py).
PLACEHOLDER_SERVICE_TOKEN = "dev-service-token-change-me"


class LeadLinkSettings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    lead_service_url: str = "http://localhost:8000"
    # Where staff open the service in a browser (the transcript link in the mentor's e-mail).
    public_service_url: str | None = None
    service_token: SecretStr = SecretStr(PLACEHOLDER_SERVICE_TOKEN)
    lead_service_timeout_seconds: float = Field(default=5, gt=0)
    lead_outbox_url: str = "sqlite:///var/lead_outbox.db"
    lead_outbox_retry_seconds: float = Field(default=15, gt=0)
    lead_outbox_max_backoff_seconds: float = Field(default=600, gt=0)
    # Told to the visitor in the consent question; keep it equal to the service's RETENTION_DAYS.
    retention_days: int = Field(default=365, ge=1)

    @property
    def transcript_base_url(self) -> str:
        return self.public_service_url or self.lead_service_url


@lru_cache
def get_settings() -> LeadLinkSettings:
    return LeadLinkSettings()
