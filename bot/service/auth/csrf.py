"""CSRF protection for the staff pages' forms: a random token per session, sent back in a hidden field.

A form posted from another site carries the session cookie (SameSite=Lax lets top-level POSTs
through in some browsers' grace periods) but cannot read the token from our page.
"""

from __future__ import annotations

import secrets

from fastapi import Request

FIELD = "csrf_token"
_KEY = "csrf"


def token(request: Request) -> str:
    """The session's token, made on first use (so the login form gets one before anyone logs in)."""
    value = request.session.get(_KEY)
    if not isinstance(value, str) or not value:
        value = rotate(request)
    return value


def rotate(request: Request) -> str:
    value = secrets.token_urlsafe(32)
    request.session[_KEY] = value
    return value


def is_valid(request: Request, given: str | None) -> bool:
    expected = request.session.get(_KEY)
    if not isinstance(expected, str) or not expected or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())
