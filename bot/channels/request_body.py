"""Read a webhook's JSON body, the same way in every channel: bounded, an object or nothing."""

from __future__ import annotations

from enum import Enum
from typing import Any

from sanic.request import Request


class BodyProblem(Enum):
    TOO_LARGE = 413
    NOT_AN_OBJECT = 400


def json_object(request: Request, max_bytes: int) -> dict[str, Any] | BodyProblem:
    """The body as a dict, or what is wrong with it (each channel words its own answer)."""
    if len(request.body or b"") > max_bytes:
        return BodyProblem.TOO_LARGE
    try:
        body = request.json
    except Exception:  # sanic raises its own error type on bad JSON (and bad UTF-8)
        return BodyProblem.NOT_AN_OBJECT
    return body if isinstance(body, dict) else BodyProblem.NOT_AN_OBJECT
