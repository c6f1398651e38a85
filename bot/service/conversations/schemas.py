"""What the staff conversation API accepts and returns. Texts are as typed: escape them wherever shown."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from bot.service.schemas import LeadStatus
from bot.service.validation import text

Channel = Literal["web", "telegram", "rest"]
RecommendationFilter = Literal["training", "coaching", "mentoring", "none"]
# Lower-case words, digits and dashes: tags are for grouping, not for prose (notes are).
# Lower-cased before the pattern is checked ("Loopbaan" is the label "loopbaan").
Tag = Annotated[str, BeforeValidator(lambda value: value.strip().lower() if isinstance(value, str) else value),
                StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9à-ÿ][a-z0-9à-ÿ _-]*$")]
NoteBody = text(4000, min_length=1)
# Rasa intent names: what `data/nlu` accepts (retrieval intents as ask_difference/duration).
IntentName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                              pattern=r"^[a-z][a-z0-9_]*(/[a-z0-9_]+)?$")]


class LeadBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    status: LeadStatus
    created_at: datetime


class ConversationSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sender_id: str = Field(description="Rasa's sender id; a lead's conversation_id")
    started_at: datetime
    last_active_at: datetime
    channel: str | None = Field(description="Where it began: web, telegram or rest")
    channels: list[str]
    need: str | None
    recommendation: str | None
    guidance_variant: str | None
    handed_over: bool
    user_messages: int
    fallbacks: int
    first_message: str | None
    reviewed_at: datetime | None
    reviewed_by: str | None
    tags: list[str]
    lead: LeadBrief | None


class ConversationList(BaseModel):
    items: list[ConversationSummary]
    total: int
    limit: int
    offset: int


class Flag(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    event_id: int
    text: str
    predicted_intent: str | None
    predicted_confidence: float | None
    correct_intent: str
    flagged_by: str
    created_at: datetime


class UserMessage(BaseModel):
    speaker: Literal["user"] = "user"
    event_id: int = Field(description="Rasa's event id: flag this message with it")
    time: datetime
    text: str | None
    intent: str | None
    confidence: float | None
    flag: Flag | None
    understood: bool = Field(default=True, description="False when the assistant could not place it "
                             "(nlu_fallback, or a guided question asked again)")


class BotMessage(BaseModel):
    speaker: Literal["bot"] = "bot"
    event_id: int
    time: datetime
    text: str | None
    buttons: list[str]


Message = Annotated[UserMessage | BotMessage, Field(discriminator="speaker")]


class Reason(BaseModel):
    text: str
    sources: list[str]


class Advice(BaseModel):
    """The recommendation as the assistant gave it, with its reasons (recomputed from the answers)."""

    form: str
    variant: str | None
    runner_up: str | None
    confidence: float | None
    reasons: list[Reason]
    why_not: Reason | None


class Note(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    body: str
    created_at: datetime


class ConversationDetail(ConversationSummary):
    messages: list[Message]
    slots: dict[str, Any] = Field(description="The last value of every slot set in this conversation")
    advice: Advice | None
    notes: list[Note]
    flags: list[Flag]
    other_conversations: list[int] = Field(description="This visitor's other conversations (ids)")


class ReviewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewed: bool


class TagsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tags: list[Tag] = Field(max_length=20)


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: NoteBody


class FlagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: int = Field(ge=1, le=2**31 - 1)
    correct_intent: IntentName


class FlagList(BaseModel):
    items: list[Flag]
    total: int


class CountByKey(BaseModel):
    key: str | None
    count: int


class DayCount(BaseModel):
    day: str = Field(description="YYYY-MM-DD, Europe/Amsterdam")
    conversations: int
    fallbacks: int
    user_messages: int


class Dashboard(BaseModel):
    days: int
    conversations: int
    per_day: list[DayCount]
    needs: list[CountByKey]
    recommendations: list[CountByKey]
    user_messages: int
    fallbacks: int
    fallback_share: float | None = Field(description="Fallbacks / user messages in the period")
    leads_by_status: list[CountByKey]
    unreviewed: int


class PersonErased(BaseModel):
    conversations: int
    events: int
    leads: int
    notifications: int
    channel_links: int
