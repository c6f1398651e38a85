"""Input rules shared by the schemas and the query parameters: text, phone numbers, times."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, StringConstraints

from bot.lead.contact import PHONE_REGIONS
from bot.lead.names import is_name

# Published in the OpenAPI schema too, so clients (and schemathesis) know the rule.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0B-\x1F\x7F-\x9F]*$"


def clean_text(value: str) -> str:
    """Refuse what no person types but databases choke on (NUL, control characters, lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("bevat ongeldige tekens") from None
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
        raise ValueError("bevat ongeldige tekens")
    return value


def text(max_length: int, min_length: int = 0) -> type[str]:
    """A stripped string with a length limit and no control characters."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(
            strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=NO_CONTROL_CHARACTERS
        ),
        AfterValidator(clean_text),
    ]


def first_name(value: str) -> str:
    """A first name as the chat accepts it (bot/lead/names.py): letters, joined by a space, hyphen or apostrophe."""
    value = unicodedata.normalize("NFC", value)
    if not is_name(value):
        raise ValueError("alleen een voornaam: letters, eventueel met een spatie, koppelteken of apostrof")
    return value


def normalise_phone(value: str) -> str:
    """Return the number in E.164 (+31612345678), or raise ValueError in Dutch."""
    clean_text(value)
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError("geen geldig telefoonnummer (bijvoorbeeld 06 12345678 of +32 470 12 34 56)")


def as_utc(value: datetime) -> datetime:
    """Aware UTC; a time without zone is taken as UTC. Out-of-range offsets become a ValueError."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("tijdstip buiten bereik") from None
