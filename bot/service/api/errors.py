"""Exception handlers: every error is a short JSON answer in Dutch, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"
DUTCH_STATUS = {
    400: "Het verzoek is ongeldig.",
    401: "Ongeldig of ontbrekend token.",
    403: "Geen toegang.",
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
    413: "Het verzoek is te groot.",
    415: "Dit inhoudstype wordt niet ondersteund.",
}
DUTCH_ERRORS = {
    "missing": "dit veld is verplicht",
    "extra_forbidden": "dit veld is onbekend",
    "string_too_long": "tekst is te lang",
    "string_too_short": "tekst is te kort of leeg",
    "string_pattern_mismatch": "bevat ongeldige tekens",
    "too_long": "te veel onderdelen",
    "literal_error": "deze waarde is niet toegestaan",
    "json_invalid": "geen geldige JSON",
    "value_error": "ongeldige waarde",
    "greater_than_equal": "waarde is te klein",
    "less_than_equal": "waarde is te groot",
}


class ApiError(HTTPException):
    """An error our own code raises; its detail is already a Dutch sentence for the client."""


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.add_exception_handler(Exception, _unexpected)


async def _http_error(request: Request, exc: Any) -> JSONResponse:
    if isinstance(exc, ApiError):
        detail = exc.detail
    else:  # raised by Starlette/FastAPI with English text
        detail = DUTCH_STATUS.get(exc.status_code, "Er ging iets mis met dit verzoek.")
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: Any) -> JSONResponse:
    errors = [{"loc": list(error.get("loc", ())), "msg": _dutch_message(error)} for error in exc.errors()]
    # Never echo the input back: it may hold personal data.
    body = {"detail": "De invoer klopt niet.", "errors": jsonable_encoder(errors)}
    return JSONResponse(body, status_code=422)


def _dutch_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    message = str(error.get("msg", ""))
    if error.get("loc", ())[-1:] in (("consent_store",), ("consent_contact",)) and kind != "missing":
        return "zonder toestemming bewaren we niets (moet true zijn)"
    if kind == "value_error" and message.startswith("Value error, "):
        return message.removeprefix("Value error, ")  # our validators already speak Dutch
    if kind.startswith("url_"):
        return "geen geldige link"
    if kind.startswith(("datetime_", "date_")):
        return "geen geldig tijdstip (bijvoorbeeld 2026-01-31T14:00:00Z)"
    if kind.startswith(("int_", "float_")):
        return "geen geldig getal"
    if kind.startswith("bool_"):
        return "geen geldige ja/nee-waarde"
    if kind == "value_error" and "email" in message.lower():
        return "geen geldig e-mailadres (bijvoorbeeld naam@voorbeeld.nl)"
    return DUTCH_ERRORS.get(kind, "ongeldige waarde")


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.error("database unreachable: %s", type(exc).__name__)
    return JSONResponse(
        {"detail": "De database is even niet bereikbaar. Probeer het later opnieuw."},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Type only: the message could contain what a visitor typed.
    log.error("unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse({"detail": "Er ging iets mis aan onze kant."}, status_code=500)
