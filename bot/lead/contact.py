"""Find an e-mail address and/or a phone number in what a visitor typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# A Dutch number without country code is read as Dutch; a Belgian one ("0470 ...") as Belgian.
PHONE_REGIONS = ("NL", "BE")
EMAIL_CANDIDATE = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']*")
DIGITS = re.compile(r"\d")
MIN_PHONE_DIGITS = 3  # "06 123" is a number typed wrongly, not "no number"


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None  # E.164
    # Why nothing usable was found: "email" (looks like one, but is not valid), "phone", or "missing".
    problem: str | None = None

    @property
    def found(self) -> bool:
        return self.problem is None and bool(self.email or self.phone)


def parse_contact(text: str) -> Contact:
    """An address and a number may come together ("anna@voorbeeld.nl of 06 12345678")."""
    email, email_problem = _email(text)
    rest = EMAIL_CANDIDATE.sub(" ", text)
    phone, phone_problem = _phone(rest)
    if email_problem or phone_problem:
        # Half right is still wrong: ask again rather than silently drop what they meant.
        return Contact(email, phone, "email" if email_problem else "phone")
    if not email and not phone:
        return Contact(problem="missing")
    return Contact(email, phone)


def _email(text: str) -> tuple[str | None, bool]:
    match = EMAIL_CANDIDATE.search(text)
    if not match:
        return None, False
    candidate = match.group().rstrip(".")
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None, True
    return checked.normalized.lower(), False


def _phone(text: str) -> tuple[str | None, bool]:
    if len(DIGITS.findall(text)) < MIN_PHONE_DIGITS:
        return None, False
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164), False
    return None, True


def readable_phone(e164: str) -> str:
    """+31612345678 -> 06 12345678, as a Dutch visitor would write it back."""
    number = phonenumbers.parse(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 31
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
