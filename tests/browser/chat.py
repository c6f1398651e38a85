"""Drive the chat widget in a page the way a visitor does: click, read, type, tap.

The widget lives in an open shadow root; Playwright's CSS locators pierce it, the small
JavaScript probes below read it directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 60_000  # a cold action server can be slow for the first answer

# True once the widget is idle (no bot_done outstanding) and shows more bot lines than `before`.
REPLIED = """([before]) => {
  const shadow = document.getElementById('mentorwijzer-widget')?.shadowRoot;
  if (!shadow) return false;
  const root = shadow.querySelector('.mw-root');
  const lines = shadow.querySelectorAll('.mw-log .mw-bot, .mw-log .mw-error').length;
  return root.dataset.busy === 'false' && lines > before;
}"""
ACTIVE_ELEMENT = """() => {
  const shadow = document.getElementById('mentorwijzer-widget')?.shadowRoot;
  const active = shadow && shadow.activeElement;
  return active ? active.className : null;
}"""
INFORM = re.compile(r'^/inform(\{.*\})$')


@dataclass
class Chat:
    page: Page
    artifacts: Path
    name: str
    shots: list[Path] = field(default_factory=list)

    # --- the widget's parts --------------------------------------------------------------------

    @property
    def root(self) -> Locator:
        return self.page.locator(".mw-root")

    @property
    def bubble(self) -> Locator:
        return self.page.locator(".mw-bubble")

    @property
    def panel(self) -> Locator:
        return self.page.locator(".mw-panel")

    @property
    def input(self) -> Locator:
        return self.page.locator(".mw-input")

    @property
    def status(self) -> Locator:
        return self.page.locator(".mw-status")

    @property
    def typing(self) -> Locator:
        return self.page.locator(".mw-typing")

    @property
    def replies(self) -> Locator:
        return self.page.locator(".mw-reply")

    def bot_lines(self) -> list[str]:
        return self.page.locator(".mw-log .mw-bot .mw-text").all_inner_texts()

    def user_lines(self) -> list[str]:
        return self.page.locator(".mw-log .mw-user .mw-text").all_inner_texts()

    def reply_titles(self) -> list[str]:
        return self.page.locator(".mw-reply .mw-reply-title").all_inner_texts()

    def reply_payloads(self) -> list[str]:
        return [button.get_attribute("data-payload") for button in self.replies.all()]

    def focused(self) -> str | None:
        """The class of the focused element inside the widget."""
        return self.page.evaluate(ACTIVE_ELEMENT)

    def session_id(self) -> str:
        stored = self.page.evaluate("() => Object.entries(localStorage)")
        ids = [value for key, value in stored if key.endswith(":session")]
        assert len(ids) == 1, stored
        return ids[0]

    def conversation_id(self) -> str:
        # The server signs `<conversation id>.<signature>` (bot/channels/session_ids.py).
        return self.session_id().partition(".")[0]

    # --- what a visitor does -------------------------------------------------------------------

    def shot(self, step: str) -> Path:
        path = self.artifacts / f"{self.name}-{len(self.shots) + 1:02d}-{step}.png"
        self.page.screenshot(path=str(path))
        self.shots.append(path)
        return path

    def visit(self, url: str) -> Chat:
        self.page.goto(url)
        expect(self.bubble).to_be_visible()
        return self

    def open(self) -> Chat:
        self.bubble.click()
        expect(self.panel).to_be_visible()
        return self

    def accept_privacy(self) -> Chat:
        note = self.page.locator(".mw-privacy")
        expect(note).to_be_visible()
        expect(note).to_contain_text("vergeet mij")
        self.page.get_by_role("button", name="Start het gesprek").click()
        expect(note).to_be_hidden()
        expect(self.input).to_be_focused()
        return self

    def wait_until_online(self, timeout_ms: float = 30_000) -> None:
        expect(self.root).to_have_attribute("data-connection", "online", timeout=timeout_ms)

    def _answered(self, act) -> list[str]:
        """Do `act`, wait for the whole reply (bot_done); the bot lines that came in."""
        bots = len(self.bot_lines())
        lines = self.page.locator(".mw-log .mw-bot, .mw-log .mw-error").count()
        act()
        self.page.wait_for_function(REPLIED, arg=[lines], timeout=REPLY_TIMEOUT_MS)
        return self.bot_lines()[bots:]

    def say(self, text: str) -> list[str]:
        """Type and press Enter."""
        def act() -> None:
            self.input.fill(text)
            self.input.press("Enter")
        return self._answered(act)

    def tap(self, title: str) -> list[str]:
        return self._answered(lambda: self.replies.filter(has_text=title).first.click())

    def text(self) -> str:
        return "\n".join(self.bot_lines())


def answer_for(payload: str) -> tuple[str, str] | None:
    """The guided question's dimension and value behind a button payload: `/inform{"goal":"skill"}`."""
    match = INFORM.match(payload or "")
    if not match:
        return None
    ((dimension, value),) = json.loads(match.group(1)).items()
    return dimension, value
