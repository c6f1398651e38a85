"""`make chat` shows the channel's own Dutch explanation when a message is refused."""

from __future__ import annotations

import httpx

from bot.cli_chat import refusal


def test_a_refused_message_shows_the_channels_dutch_reason():
    response = httpx.Response(429, json={"error": "Stuur het over een minuut gerust nog eens."})
    assert refusal(response) == "Stuur het over een minuut gerust nog eens."


def test_a_refusal_without_a_reason_names_the_status():
    assert "HTTP 502" in refusal(httpx.Response(502, text="<html>Bad Gateway</html>"))
    assert "HTTP 500" in refusal(httpx.Response(500, json=["not", "an", "object"]))
