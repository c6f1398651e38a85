"""One secret (STAFF_SECRET_KEY), a separate key per use: a session cookie can never pass as a token."""

from __future__ import annotations

import hashlib
import hmac

from bot.service.settings import Settings


def derived_key(settings: Settings, purpose: str) -> str:
    secret = settings.staff_secret_key.get_secret_value().encode()
    return hmac.new(secret, f"mentorwijzer/{purpose}".encode(), hashlib.sha256).hexdigest()
