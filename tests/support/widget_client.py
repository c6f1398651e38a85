"""A socket.io client that speaks to Rasa the way the web widget does (bot/channels/socketio.py)."""

from __future__ import annotations

import queue
from typing import Any

import socketio

REPLY_TIMEOUT = 60  # seconds; a cold action server can take a while for the first answer


class WidgetClient:
    def __init__(self, server_url: str, origin: str | None = None) -> None:
        self.server_url = server_url
        self.origin = origin
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        # websocket-client sends its own Origin header (the server's URL) unless told which one.
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin} if origin else {})
        self.sio.on("*", self._record)
        self.session_id: str | None = None
        self.continue_on_telegram: bool | None = None

    def _record(self, event: str, data: Any = None) -> None:
        self.events.put((event, data))

    def connect(self) -> WidgetClient:
        self.sio.connect(self.server_url, transports=["websocket"], socketio_path="/socket.io", wait_timeout=10)
        return self

    def close(self) -> None:
        self.sio.disconnect()

    def next_event(self, timeout: float = REPLY_TIMEOUT) -> tuple[str, Any]:
        return self.events.get(timeout=timeout)

    def wait_for(self, name: str, timeout: float = REPLY_TIMEOUT) -> Any:
        """The data of the next `name` event; events before it are dropped."""
        while True:
            event, data = self.next_event(timeout)
            if event == name:
                return data

    def request_session(self, session_id: str | None = None) -> list[dict]:
        """session_request -> session_confirm; returns the replayed history."""
        self.sio.emit("session_request", {"session_id": session_id})
        confirm = self.wait_for("session_confirm", 10)
        self.session_id = confirm["session_id"]
        self.continue_on_telegram = confirm["continue_on_telegram"]
        return self.wait_for("history", 30)["messages"]

    def say(self, message: Any, **extra: Any) -> list[tuple[str, Any]]:
        """Send one message; every event until `bot_done` (bot_uttered, bot_error)."""
        self.sio.emit("user_uttered", {"message": message, **extra})
        received = []
        while True:
            event, data = self.next_event()
            if event == "bot_done":
                return received
            received.append((event, data))

    def texts(self, message: Any, **extra: Any) -> list[str]:
        return [data.get("text", "") for event, data in self.say(message, **extra) if event == "bot_uttered"]
