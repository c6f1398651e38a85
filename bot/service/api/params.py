"""Path parameters more than one router reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator

from bot.service.validation import clean_text

# Rasa's sender_id (its `events.sender_id` is VARCHAR(255)). No control characters at all:
# conversation ids are logged, and a newline would forge a log line.
ConversationIdPath = Annotated[
    str,
    Path(min_length=1, max_length=255, pattern=r"^[^\x00-\x1F\x7F-\x9F]+$", description="Rasa sender id"),
    AfterValidator(clean_text),
]
