"""The buttons the bot last offered in a conversation, read from Rasa's tracker store.

Channels that show options as numbers (or that get a short hash back from a button) need
to know which buttons were on screen. `agent` is Rasa's Agent (`request.app.ctx.agent` in a
Sanic handler). Events are recognised by Rasa's `type_name` ("bot" for BotUttered), so the
module needs no Rasa import and can be tested with plain objects.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.numbered import option_number, payload_for_number

logger = logging.getLogger(__name__)


async def last_bot_buttons(agent: Any, sender_id: str) -> list[dict]:
    """The buttons of the bot's last message; [] when it had none or there is no conversation."""
    for event in reversed(await _events(agent, sender_id)):
        if getattr(event, "type_name", None) == "bot":
            return _buttons(event)
    return []


async def bot_buttons(agent: Any, sender_id: str) -> list[dict]:
    """Every button the bot offered in this conversation's session, newest first."""
    buttons: list[dict] = []
    for event in reversed(await _events(agent, sender_id)):
        if getattr(event, "type_name", None) == "bot":
            buttons.extend(_buttons(event))
    return buttons


async def resolve_numbered_reply(agent: Any, sender_id: str, text: str) -> str:
    """The payload when `text` is the number of one of the last buttons, else `text` unchanged."""
    # Cheap check first: only a bare number needs a look in the tracker store.
    if option_number(text) is None:
        return text
    return payload_for_number(text, await last_bot_buttons(agent, sender_id)) or text


async def _events(agent: Any, sender_id: str) -> list[Any]:
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        # Never fatal: without the tracker the reply is simply read as text.
        logger.exception("tracker_buttons: reading conversation %s failed", sender_id)
        return []
    return list(tracker.events) if tracker is not None else []


def _buttons(event: Any) -> list[dict]:
    data = getattr(event, "data", None) or {}
    buttons = data.get("buttons") if isinstance(data, dict) else None
    return [button for button in buttons or [] if isinstance(button, dict)]
