"""Talk to the running assistant from a terminal, over the REST channel.

    make chat            (RASA_URL defaults to http://localhost:5005)

Buttons are shown numbered; type the number to tap one.
"""

from __future__ import annotations

import os
import sys
import uuid

import httpx

RASA_URL = os.environ.get("RASA_URL", "http://localhost:5005")


def main() -> int:
    sender = f"cli-{uuid.uuid4().hex}"  # a REST sender is its own key: unguessable
    buttons: list[dict] = []
    print("Typ je bericht (Ctrl-D of 'stop' om te stoppen).")
    while True:
        try:
            line = input("jij> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.lower() in {"stop", "quit", "exit"}:
            return 0
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            line = buttons[int(line) - 1]["payload"]
        try:
            response = httpx.post(f"{RASA_URL}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": line}, timeout=60)
        except httpx.HTTPError as error:
            print(f"(de assistent is niet bereikbaar op {RASA_URL}: {error}; draait `make run`?)")
            continue
        if response.is_error:
            print(f"bot> {refusal(response)}")  # e.g. 429: too many messages; the server says when to retry
            continue
        buttons = []
        for reply in response.json():
            if reply.get("text"):
                print(f"bot> {reply['text']}")
            for button in reply.get("buttons") or []:
                buttons.append(button)
                print(f"     {len(buttons)}. {button['title']}")


def refusal(response: httpx.Response) -> str:
    """The channel's own Dutch explanation of a refused message (400, 413, 429), else the status."""
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return f"(de assistent antwoordde met HTTP {response.status_code})"


if __name__ == "__main__":
    sys.exit(main())
