"""One conversation as a file for the person who asked for it (JSON) or for a spreadsheet (CSV)."""

from __future__ import annotations

import csv
import io

from bot.service.conversations.schemas import ConversationDetail

CSV_COLUMNS = ("tijd (UTC)", "spreker", "tekst", "intent", "zekerheid", "knoppen")
# A cell starting with one of these is a formula in Excel and LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_json(conversation: ConversationDetail) -> str:
    return conversation.model_dump_json(indent=2)


def as_csv(conversation: ConversationDetail) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for message in conversation.messages:
        if message.speaker == "user":
            confidence = f"{message.confidence:.3f}" if message.confidence is not None else ""
            row = (message.time.isoformat(), "bezoeker", message.text or "", message.intent or "", confidence, "")
        else:
            row = (message.time.isoformat(), "assistent", message.text or "", "", "", " | ".join(message.buttons))
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value
