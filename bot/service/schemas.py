"""What the HTTP API accepts and returns. Inputs are strict; outputs never carry more than needed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from bot.lead.names import MAX_NAME_CHARS
from bot.needs import NEED_INTENTS
from bot.service.db.types import utcnow
from bot.service.validation import as_utc, clean_text, first_name, normalise_phone, text

LeadStatus = Literal["new", "contacted", "matched", "closed"]
MentorResponse = Literal["pending", "accepted", "declined"]
Recommendation = Literal["training", "coaching", "mentoring"]
GuidanceVariant = Literal["career", "leadership", "personal_growth", "reverse", "program"]
# The need intents of the NLU contract (docs/product.md), from bot/needs.py.
Need = Literal[NEED_INTENTS]  # type: ignore[valid-type]

# HTML, commands ("/affirm") or digits are no name: refused, as the chat asks again for them.
FirstName = Annotated[text(MAX_NAME_CHARS, min_length=1), AfterValidator(first_name)]
Moment = text(200)
Reason = text(500, min_length=1)
Topic = text(80, min_length=1)
AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]
AnswerValue = text(200)
ConversationId = text(128, min_length=1)
ConsentVersion = text(32, min_length=1)
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), AfterValidator(normalise_phone)
]
# Lower-cased so export/erase find the person however they typed it.
Email = Annotated[EmailStr, AfterValidator(clean_text), AfterValidator(str.lower)]
UTCDatetime = Annotated[datetime, AfterValidator(as_utc)]

# A clock a little ahead of ours must not turn a real consent into an error.
CONSENT_CLOCK_SKEW = timedelta(minutes=10)


def _not_in_future(value: datetime) -> datetime:
    if value > utcnow() + CONSENT_CLOCK_SKEW:
        raise ValueError("dit tijdstip ligt in de toekomst")
    return value


# When a visitor asked for something (the action server's clock): never later than now.
AskedAt = Annotated[datetime, AfterValidator(as_utc), AfterValidator(_not_in_future)]


LEAD_EXAMPLE = {
    "conversation_id": "a1b2c3d4e5",
    "first_name": "Anna",
    "email": "anna@voorbeeld.nl",
    "phone": "06 12345678",
    "preferred_moment": "dinsdagochtend",
    "need": "need_leadership",
    "recommendation": "mentoring",
    "guidance_variant": "leadership",
    "reasons": ["Je zoekt iemand die het vak kent en ervaring deelt."],
    "answers": {"goal": "growth", "horizon": "long", "setting": "individual"},
    "topics": ["delegeren", "feedback geven"],
    "transcript_url": "http://localhost:8000/staff/leads",
    "consent_store": True,
    "consent_contact": True,
    "consent_email": True,
    "consent_phone": True,
    "consent_text_version": "2026-11",
    "consent_at": "2026-11-23T10:00:00Z",
}


class LeadCreate(BaseModel):
    """A hand-off from the action server, after the visitor gave both consents."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [LEAD_EXAMPLE]})

    conversation_id: ConversationId = Field(description="Rasa sender id; with `consent_at` it names the hand-off.")
    first_name: FirstName
    email: Email | None = None
    phone: Phone | None = Field(default=None, description="Dutch or Belgian number, any notation; stored as E.164.")
    preferred_moment: Moment | None = None
    need: Need | None = None
    recommendation: Recommendation | None = None
    guidance_variant: GuidanceVariant | None = None
    reasons: list[Reason] = Field(default_factory=list, max_length=10)
    answers: dict[AnswerKey, AnswerValue] = Field(default_factory=dict, max_length=20)
    topics: list[Topic] = Field(default_factory=list, max_length=30)
    transcript_url: AnyHttpUrl | None = Field(
        default=None,
        max_length=2048,
        description="Only its address up to `/staff` is used: where staff open the service in a browser. The "
        "mentor's e-mail links the lead's own staff page there (no conversation id). Left out: this request's "
        "address.",
    )
    consent_store: Literal[True] = Field(description="Consent to store these details: must be true.")
    consent_contact: Literal[True] = Field(description="Consent to be contacted by a mentor: must be true.")
    consent_email: bool | None = Field(
        default=None,
        description="Consent to be contacted by e-mail, asked for this address: true exactly when `email` is given. "
        "Left out (older action servers): not recorded per channel.",
    )
    consent_phone: bool | None = Field(
        default=None, description="Consent to be phoned, asked for this number: true exactly when `phone` is given."
    )
    consent_text_version: ConsentVersion
    consent_at: UTCDatetime = Field(
        description="When the visitor gave consent: with `conversation_id` it names this hand-off, so a hand-off "
        "sent again is stored once, and one made after a \"vergeet mij\" is a new lead."
    )

    @model_validator(mode="after")
    def needs_a_way_to_reach(self) -> LeadCreate:
        if not self.email and not self.phone:
            raise ValueError("geef een e-mailadres of een telefoonnummer")
        return self

    @model_validator(mode="after")
    def consent_for_each_channel(self) -> LeadCreate:
        if self.consent_email is None and self.consent_phone is None:
            return self  # not recorded per channel (an older action server)
        # A channel the visitor did not agree to must not reach a mentor, nor a consent without its channel.
        if bool(self.consent_email) != bool(self.email) or bool(self.consent_phone) != bool(self.phone):
            raise ValueError("toestemming per kanaal hoort bij de gegeven contactgegevens: e-mail en/of telefoon")
        return self

    @field_validator("consent_at")
    @classmethod
    def consent_not_in_future(cls, value: datetime) -> datetime:
        if value > utcnow() + CONSENT_CLOCK_SKEW:
            raise ValueError("toestemming kan niet in de toekomst gegeven zijn")
        return value


class LeadPublic(BaseModel):
    """What the action server gets back: enough to tell the visitor their reference."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str = Field(examples=["MW-7K3Q9"])
    status: LeadStatus
    created_at: datetime


class NotificationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lead_id: int
    channel: Literal["email", "webhook"]
    target: str
    attempts: int
    last_error: str | None
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    created_at: datetime


class LeadStaff(BaseModel):
    """Everything stored about a lead, for the staff review screens and exports."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    conversation_id: str
    first_name: str
    email: str | None
    phone: str | None
    preferred_moment: str | None
    need: str | None
    recommendation: str | None
    guidance_variant: str | None
    reasons: list[str]
    answers: dict[str, Any]
    topics: list[str]
    transcript_url: str | None
    consent_store: bool
    consent_contact: bool
    consent_email: bool | None = Field(description="Consent to be contacted by e-mail; null: not recorded per channel")
    consent_phone: bool | None = Field(description="Consent to be phoned; null: not recorded per channel")
    consent_text_version: str
    consent_at: datetime
    status: LeadStatus
    assigned_mentor: str | None
    mentor_response: MentorResponse
    assigned_at: datetime | None
    created_at: datetime
    updated_at: datetime


class LeadPage(BaseModel):
    items: list[LeadStaff]
    total: int
    limit: int
    offset: int


class LeadUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: LeadStatus


class MentorResponseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    response: Literal["accepted", "declined"]


class PersonLead(LeadStaff):
    notifications: list[NotificationPublic]


class PersonExport(BaseModel):
    """All data stored about one person (AVG/GDPR right of access)."""

    leads: list[PersonLead]


class ErasureResult(BaseModel):
    leads: int
    notifications: int


class ConversationErasureResult(ErasureResult):
    """The lead is gone now; the conversation itself leaves Rasa's tracker store at the due time."""

    conversation_erasure_due_at: datetime


class UserTurn(BaseModel):
    time: datetime | None = Field(description="UTC")
    speaker: Literal["user"] = "user"
    text: str | None
    intent: str | None
    confidence: float | None


class BotTurn(BaseModel):
    time: datetime | None = Field(description="UTC")
    speaker: Literal["bot"] = "bot"
    text: str | None
    buttons: list[str] = Field(description="Titles of the buttons shown with this message")


Turn = Annotated[UserTurn | BotTurn, Field(discriminator="speaker")]


class LeadLink(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str


class Transcript(BaseModel):
    """One conversation as Rasa stored it. Texts are as typed: escape them wherever they are shown."""

    conversation_id: str
    turns: list[Turn]
    slots: dict[str, Any] = Field(description="The last value of every slot set in the conversation")
    lead: LeadLink | None = Field(description="The lead handed over from this conversation, if any")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    # Rounds of the mail, erasure and indexing loop since start (None where DISPATCHER_ENABLED=false):
    # a number that stops growing means mail has stopped going out.
    dispatcher_rounds: int | None = None


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """Every error answer: a Dutch sentence, plus the fields at fault for 422."""

    detail: str
    errors: list[FieldProblem] | None = None
