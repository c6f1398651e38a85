"""Browser tests: Debian's headless Chromium, driven by Playwright, against the whole real stack
(tests/support/stack.py: Rasa with the trained model, actions, the lead service that serves the
widget page, SMTP), started once per session. Screenshots go to var/artifacts/browser/.

They skip when Chromium (/usr/bin/chromium: scripts/ensure-debian-packages.sh), Playwright or the
socket.io bundle (`npm ci`) is missing, unless REQUIRE_SERVICES=1 (CI): then they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import MODEL, ROOT
from tests.support.stack import Stack, start_stack
from tests.support.telegram_api import FakeBotApi, telegram_env

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = Path("/usr/bin/chromium")
SOCKET_IO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
ARTIFACTS = ROOT / "var" / "artifacts" / "browser"
# No downloads, no background traffic: the browser talks only to our servers on 127.0.0.1.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 800}


def unavailable(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"no headless Chromium at {CHROMIUM}: run make chromium (as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed in .venv (requirements/app.lock)")
    if not SOCKET_IO_CLIENT.exists():
        unavailable(f"{SOCKET_IO_CLIENT.relative_to(ROOT)} missing: run `npm ci`")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        # Playwright's own browser download is never used: Debian's Chromium only.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def stack(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Asks for the browser first: no 90-second stack start when the browser tests would skip.
    Rasa gets a Telegram bot (a local Bot API, as in tests/e2e) so "Verder op Telegram" is offered."""
    assert MODEL.exists(), "train the model first: make train"
    telegram = FakeBotApi().start()
    started = start_stack(tmp_path_factory.mktemp("browser-stack"), rasa_env=telegram_env(telegram))
    try:
        # The first turn loads the action server's pipelines: not inside a test's reply timeout.
        started.rasa.send("browser-warm-up", "hallo")
        yield started
    finally:
        started.stop()
        telegram.stop()


class PageProblems:
    """What must never happen on our pages: script errors, alert() dialogs, CSP refusals."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.csp: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if re.search(r"Content Security Policy|Refused to", message.text):
            self.csp.append(message.text)


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(browser, problems: PageProblems):
    """A fresh browser profile per call (own localStorage): a new visitor."""
    contexts = []

    def make(viewport: dict[str, int] = LAPTOP, **options):
        context = browser.new_context(viewport=viewport, locale="nl-NL", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems.errors, f"script errors on the page: {problems.errors}"
    assert not problems.dialogs, f"a dialog opened: {problems.dialogs}"
    assert not problems.csp, f"CSP refused something: {problems.csp}"


@pytest.fixture
def chat_factory(new_page, request: pytest.FixtureRequest):
    from tests.browser.chat import Chat

    def make(viewport: dict[str, int] = LAPTOP, **options) -> Chat:
        return Chat(new_page(viewport, **options), ARTIFACTS, request.node.name)

    return make
