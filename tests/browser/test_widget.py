"""The chat widget in headless Chromium against the real stack: a visitor's whole conversation,
a reload, a lost connection, hostile text, numbered answers, keyboard and phone use."""

from __future__ import annotations

import re
import threading

from tests.support.servers import ServiceServer, free_port
from tests.support.telegram_api import BOT_USERNAME

try:
    from playwright.sync_api import expect

    from tests.browser.chat import answer_for
except ImportError:  # no Playwright: the `browser` fixture skips (or fails under REQUIRE_SERVICES)
    expect = answer_for = None

PHONE = {"width": 390, "height": 844}
ADVICE = re.compile(r"Mijn advies: (training|coaching|mentoring)\b")
DONT_KNOW = "Weet ik niet"
SOCKET_IO = re.compile(r"/socket\.io/")


def test_whole_conversation_in_the_widget_survives_a_reload(stack, chat_factory):
    chat = chat_factory()
    chat.visit(stack.service.url)
    expect(chat.panel).to_be_hidden()
    chat.shot("page")
    chat.open()
    chat.shot("privacy-note")
    chat.accept_privacy()
    chat.wait_until_online()
    # The opening message is the widget's own: shown before anything was sent.
    assert "wat wil je ontwikkelen?" in chat.bot_lines()[0]

    replies = chat.say("ik wil beter leren presenteren")
    chat.shot("first-question")
    assert chat.reply_titles(), f"a guided question with buttons, got {replies}"
    tapped = []
    for _ in range(6):
        if ADVICE.search(chat.text()):
            break
        # The first real answer each time (never "Weet ik niet"): the buttons keep their order.
        title = next(t for t in chat.reply_titles() if t != DONT_KNOW)
        chat.tap(title)
        tapped.append(title)
        expect(chat.typing).to_be_hidden()
        chat.shot(f"tapped-{len(tapped)}")
    advice = next((line for line in chat.bot_lines() if ADVICE.search(line)), None)
    assert advice, f"no advice after {tapped}: {chat.text()}"
    assert "Waarom:" in advice and "Bronnen:" in advice
    # Tapped titles are shown as the visitor's words, never the payloads.
    assert chat.user_lines() == ["ik wil beter leren presenteren", *tapped]
    assert not any(line.startswith("/") for line in chat.user_lines())
    titles_before = chat.reply_titles()
    assert "Praat met een mentor" in titles_before
    session = chat.session_id()
    bots_before, users_before = chat.bot_lines(), chat.user_lines()

    chat.page.reload()
    # Still open after the reload, and the server's history puts the whole conversation back.
    expect(chat.panel).to_be_visible()
    chat.wait_until_online()
    expect(chat.page.locator(".mw-log .mw-bot").filter(has_text="Mijn advies:")).to_have_count(1)
    assert chat.bot_lines() == bots_before
    assert chat.user_lines() == users_before
    assert chat.reply_titles() == titles_before  # the advice's quick replies are live again
    assert chat.session_id() == session
    chat.shot("after-reload")


def test_unreachable_server_shows_an_error_and_keeps_the_message(chat_factory, tmp_path):
    # A widget page whose chat server is a port where nothing listens.
    closed = f"http://127.0.0.1:{free_port()}"
    service = ServiceServer(tmp_path, env={"ENVIRONMENT": "test", "DISPATCHER_ENABLED": "false",
                                           "WIDGET_SERVER_URL": closed})
    service.start()
    try:
        chat = chat_factory()
        chat.visit(service.url)
        chat.open()
        chat.accept_privacy()
        # An error in Dutch within a few seconds; no spinner, no typing dots.
        expect(chat.root).to_have_attribute("data-connection", "offline", timeout=5_000)
        expect(chat.status).to_contain_text("Geen verbinding met de chat")
        expect(chat.page.get_by_role("button", name="Nu opnieuw proberen")).to_be_visible()
        expect(chat.typing).to_be_hidden()

        chat.input.fill("ik wil beter leren presenteren")
        chat.input.press("Enter")
        pending = chat.page.locator(".mw-log .mw-user.mw-pending")
        expect(pending).to_contain_text("ik wil beter leren presenteren")
        expect(pending).to_contain_text("Nog niet verstuurd")
        expect(chat.typing).to_be_hidden()
        chat.shot("offline")
        # Retrying keeps failing politely, and keeps the message.
        chat.page.get_by_role("button", name="Nu opnieuw proberen").click()
        expect(chat.root).to_have_attribute("data-connection", "offline", timeout=10_000)
        expect(pending).to_have_count(1)
    finally:
        service.stop()


def test_message_typed_while_offline_is_sent_after_reconnecting(stack, chat_factory):
    chat = chat_factory()
    chat.visit(stack.service.url).open().accept_privacy()
    chat.wait_until_online()

    chat.page.context.set_offline(True)  # the visitor's network drops
    expect(chat.root).to_have_attribute("data-connection", "offline", timeout=10_000)
    chat.input.fill("ik wil beter leren presenteren")
    chat.input.press("Enter")
    expect(chat.page.locator(".mw-log .mw-user.mw-pending")).to_have_count(1)
    chat.shot("offline-with-message")

    lines = len(chat.bot_lines())
    chat.page.context.set_offline(False)
    chat.wait_until_online()
    # socket.io reconnects, the session is confirmed again, the kept message goes out once.
    expect(chat.page.locator(".mw-log .mw-user.mw-pending")).to_have_count(0, timeout=10_000)
    expect(chat.page.locator(".mw-log .mw-bot")).not_to_have_count(lines, timeout=60_000)
    expect(chat.typing).to_be_hidden(timeout=60_000)
    assert chat.user_lines() == ["ik wil beter leren presenteren"]
    assert chat.reply_titles(), chat.text()
    chat.shot("reconnected")


def test_bot_links_are_safe_and_typed_html_stays_text(stack, chat_factory, problems):
    chat = chat_factory()
    chat.visit(stack.service.url).open().accept_privacy()
    chat.wait_until_online()

    chat.say("<script>alert(1)</script><img src=x onerror=alert(2)>")
    assert chat.user_lines() == ["<script>alert(1)</script><img src=x onerror=alert(2)>"]
    assert chat.page.locator(".mw-log script, .mw-log img").count() == 0

    # The crisis reply names 113.nl: a link that opens apart from our page and tells it nothing.
    replies = chat.say("ik zie het echt niet meer zitten, ik wil er niet meer zijn")
    assert any("113" in line for line in replies), replies
    link = chat.page.locator('.mw-log .mw-bot a[href="https://113.nl/"]')
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_contain_text("113.nl")
    # Every link in the conversation is http(s).
    for href in chat.page.locator(".mw-log a").evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith(("https://", "http://")), href
    chat.shot("link-and-html")
    assert problems.dialogs == []


def test_continue_on_telegram_gives_a_one_time_link(stack, chat_factory):
    chat = chat_factory()
    chat.visit(stack.service.url).open().accept_privacy()
    chat.wait_until_online()
    chat.say("ik wil beter leren presenteren")

    button = chat.page.get_by_role("button", name="Verder op Telegram")
    expect(button).to_be_visible()  # the server said continue_on_telegram: true
    button.click()

    notice = chat.page.locator(".mw-log .mw-notice")
    expect(notice).to_contain_text("werkt één keer")
    expect(notice).to_contain_text("10 minuten")
    link = notice.locator("a")
    expect(link).to_have_attribute("href", re.compile(rf"^https://t\.me/{BOT_USERNAME}\?start=[\w-]+$"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_be_focused()
    expect(button).to_be_enabled()
    chat.shot("telegram-link")


def test_typing_a_number_answers_the_question_by_keyboard_on_a_phone(stack, chat_factory):
    chat = chat_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    chat.visit(stack.service.url)
    # Keyboard only: the bubble is a button, focus moves into the chat and back out.
    chat.bubble.focus()
    chat.page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    assert chat.focused() == "mw-start"
    chat.shot("phone-privacy")
    chat.page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()
    chat.wait_until_online()
    # Full screen on a phone.
    box = chat.panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, PHONE["width"], PHONE["height"])

    chat.say("ik wil beter leren presenteren")
    payloads = chat.reply_payloads()
    first = answer_for(payloads[0])
    assert first, f"a guided question first, got {payloads}"
    question = chat.bot_lines()[-1]
    chat.shot("phone-question")

    replies = chat.say("1")
    dimension, value = first
    assert chat.user_lines()[-1] == "1"
    assert stack.rasa.slots(chat.conversation_id())[dimension] == value
    assert replies and replies[-1] != question, "the question was asked again"
    chat.shot("phone-answered-by-number")

    chat.page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.bubble).to_be_focused()


def test_reply_that_never_comes_ends_in_a_polite_error_not_endless_typing(stack, chat_factory):
    chat = chat_factory()
    chat.page.clock.install()  # the widget's 20-second wait, fast-forwarded
    # The message leaves the browser but never reaches the server: no reply, no bot_done. Socket.io sends
    # it over long-polling or, once upgraded, the websocket: both are watched from the start.
    swallowing = threading.Event()

    def swallow_polled(route) -> None:
        if swallowing.is_set() and route.request.method == "POST" and "user_uttered" in (route.request.post_data or ""):
            route.fulfill(status=200, content_type="text/html", body="ok")
        else:
            route.continue_()

    def swallow_on_websocket(socket) -> None:
        server = socket.connect_to_server()

        def pass_on(frame: str | bytes) -> None:
            if not (swallowing.is_set() and "user_uttered" in str(frame)):
                server.send(frame)

        socket.on_message(pass_on)

    chat.page.route(SOCKET_IO, swallow_polled)
    chat.page.route_web_socket(SOCKET_IO, swallow_on_websocket)
    chat.visit(stack.service.url).open().accept_privacy()
    chat.wait_until_online()

    swallowing.set()
    chat.input.fill("ik wil beter leren presenteren")
    chat.input.press("Enter")
    expect(chat.typing).to_be_visible()
    chat.page.clock.fast_forward(21_000)

    expect(chat.typing).to_be_hidden()
    expect(chat.page.locator(".mw-log .mw-error")).to_contain_text("het antwoord blijft uit")
    expect(chat.root).to_have_attribute("data-busy", "false")
    expect(chat.input).to_be_enabled()
    chat.shot("no-reply")
