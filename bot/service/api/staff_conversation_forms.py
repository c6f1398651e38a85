"""What the staff conversation pages read from query strings and forms, and the Dutch words they show.

Pages take every parameter as plain text and check it here, so garbage in a URL or a form gives
a Dutch sentence on the page (422), never FastAPI's JSON error or a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from pydantic import TypeAdapter, ValidationError

from bot.service.conversations.dashboard import LOCAL
from bot.service.conversations.listing import ConversationFilter
from bot.service.conversations.schemas import NoteBody, Tag
from bot.service.web.labels import NEED_NAMES

PAGE_SIZE = 25
MAX_ID = 2**31 - 1
MAX_TAGS = 20
MAX_SEARCH = 200

CHANNEL_NAMES = {"web": "website", "telegram": "Telegram", "rest": "REST"}
ADVICE_NAMES = {"training": "training", "coaching": "coaching", "mentoring": "mentoring", "geen": "geen advies"}
YES_NO = {"ja": True, "nee": False}

# ?gedaan=... after a POST: fixed texts only, so a crafted link cannot put words on our page.
DONE = {
    "nagekeken": "Het gesprek staat op nagekeken.",
    "niet-nagekeken": "Het gesprek staat weer op niet nagekeken.",
    "labels": "De labels zijn opgeslagen.",
    "notitie": "Je notitie is toegevoegd.",
    "gemarkeerd": "Het bericht is gemarkeerd. Je vindt het terug bij Markeringen.",
    "weggehaald": "De markering is weggehaald.",
}
ERASED = re.compile(r"^([0-9]{1,6})-([0-9]{1,6})$")

TAG_ERROR = ("Een label bestaat uit letters, cijfers, spaties, - of _ (hoogstens 40 tekens), "
             f"en een gesprek heeft hoogstens {MAX_TAGS} labels.")

_tag = TypeAdapter(Tag)
_note = TypeAdapter(NoteBody)


def percent(confidence: float | None) -> str:
    return "" if confidence is None else f"{round(confidence * 100)}%"


def parse_id(value: str) -> int | None:
    """A row id from a path or form field; anything else is "not found", not an error page."""
    if not re.fullmatch(r"[0-9]{1,10}", value or ""):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def done_message(params: Mapping[str, str]) -> str | None:
    if (erased := ERASED.match(params.get("gewist", ""))) is not None:
        conversations, leads = (int(n) for n in erased.groups())
        return (f"Gewist: {conversations} {'gesprek' if conversations == 1 else 'gesprekken'}, "
                f"{leads} {'lead' if leads == 1 else 'leads'}.")
    return DONE.get(params.get("gedaan", ""))


@dataclass
class ListQuery:
    """The list page's filter form: what was typed (to show it again), what it means, what was wrong."""

    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    wanted: ConversationFilter = field(default_factory=ConversationFilter)
    page: int = 1

    def link(self, page: int) -> str:
        """The same filters on another page (the filters come from a validated form, not raw input)."""
        query = {name: value for name, value in self.values.items() if value}
        if page > 1:
            query["pagina"] = str(page)
        return "/staff/gesprekken" + (f"?{urlencode(query)}" if query else "")

    @property
    def filtered(self) -> bool:
        return any(self.values.values())


FIELDS = ("van", "tot", "kanaal", "behoefte", "advies", "lead", "nagekeken", "label", "zoek")


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    values = {name: (params.get(name) or "").strip()[:MAX_SEARCH] for name in FIELDS}
    query = ListQuery(values=values)
    errors = query.errors
    start, end = _day(values["van"], errors, "Van"), _day(values["tot"], errors, "Tot en met")
    if start and end and start > end:
        errors.append("De datum bij ‘Van’ ligt na de datum bij ‘Tot en met’.")
    channel = _choice(values["kanaal"], CHANNEL_NAMES, errors, "Dit kanaal kennen we niet.")
    need = _choice(values["behoefte"], NEED_NAMES, errors, "Deze behoefte kennen we niet.")
    advice = _choice(values["advies"], ADVICE_NAMES, errors, "Dit advies kennen we niet.")
    handed_over = _yes_no(values["lead"], errors)
    reviewed = _yes_no(values["nagekeken"], errors)
    tag = None
    if values["label"]:
        try:
            tag = _tag.validate_python(values["label"].lower())
        except ValidationError:
            errors.append(TAG_ERROR)
    text = values["zoek"] or None
    if text and not _printable(text):
        errors.append("De zoektekst bevat tekens die niemand typt.")
    query.wanted = ConversationFilter(
        started_from=_utc(start), started_to=_utc(end + timedelta(days=1)) - timedelta(microseconds=1) if end else None,
        channel=channel, need=need, recommendation="none" if advice == "geen" else advice,
        handed_over=handed_over, reviewed=reviewed, tag=tag, text=text,
    )
    query.page = parse_page(params.get("pagina", ""))
    return query


def parse_page(value: str) -> int:
    """A page number; garbage means the first page (nothing to explain to anyone)."""
    return int(value) if re.fullmatch(r"[0-9]{1,5}", value or "") and int(value) >= 1 else 1


def parse_tags(raw: str) -> list[str] | None:
    """Comma-separated labels; None when one is not a valid label."""
    parts = [part for part in raw.split(",") if part.strip()]
    if len(parts) > MAX_TAGS:
        return None
    try:
        # Lower-cased first: Tag's pattern is checked before its own to_lower (pydantic-core's order).
        return [_tag.validate_python(part.lower()) for part in parts]
    except ValidationError:
        return None


def parse_note(raw: str) -> str:
    """The note's text, or ValueError with the Dutch reason."""
    if not raw.strip():
        raise ValueError("Schrijf eerst iets in de notitie.")
    try:
        return _note.validate_python(raw)
    except ValidationError as invalid:
        kinds = {error["type"] for error in invalid.errors()}
        if "string_too_long" in kinds:
            raise ValueError("Een notitie is hoogstens 4000 tekens.") from None
        raise ValueError("De notitie bevat tekens die niemand typt.") from None


def _day(value: str, errors: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        errors.append(f"‘{label}’ is geen geldige datum (bijvoorbeeld 2026-11-23).")
        return None
    return day


def _utc(day: date | None) -> datetime | None:
    """Midnight in Amsterdam at the start of that day, in UTC."""
    return datetime.combine(day, time.min, LOCAL).astimezone(UTC) if day else None


def _choice(value: str, allowed: Mapping[str, str], errors: list[str], error: str) -> str | None:
    if value and value not in allowed:
        errors.append(error)
        return None
    return value or None


def _yes_no(value: str, errors: list[str]) -> bool | None:
    if value and value not in YES_NO:
        errors.append("Kies ja, nee of maakt niet uit.")
        return None
    return YES_NO.get(value)


def _printable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in value)
