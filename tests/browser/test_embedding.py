"""The widget on someone else's site: one <script> tag, options from data-attributes or the JS
API, and every option treated as untrusted text. The shop page and the widget's files are served
to the browser from this checkout (Playwright routes): no server, no network."""

from __future__ import annotations

from pathlib import Path

from tests.support.servers import ROOT, free_port

try:
    from playwright.sync_api import expect
except ImportError:  # no Playwright: the `browser` fixture skips (or fails under REQUIRE_SERVICES)
    expect = None

SHOP = "https://shop.example.test"
STATIC = ROOT / "bot" / "service" / "web" / "static"
FILES = {
    "/widget/widget.js": (STATIC / "widget.js", "text/javascript"),
    "/widget/widget.css": (STATIC / "widget.css", "text/css"),
    "/widget/socket.io.min.js": (ROOT / "node_modules/socket.io-client/dist/socket.io.min.js", "text/javascript"),
}


def serve_shop(page, html: str) -> None:
    def handle(route) -> None:
        path = "/" + route.request.url.removeprefix(SHOP).lstrip("/").split("?")[0]
        if path == "/":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif path in FILES:
            file, media_type = FILES[path]
            route.fulfill(status=200, content_type=media_type, body=Path(file).read_bytes())
        else:
            route.fulfill(status=404, body="")

    page.route(f"{SHOP}/**", handle)


def page_with(body: str) -> str:
    return f'<!doctype html><html lang="nl"><head><title>Winkel</title></head><body><h1>Winkel</h1>{body}</body></html>'


def test_hostile_data_attributes_stay_text_and_are_validated(chat_factory, problems):
    chat = chat_factory()
    serve_shop(chat.page, page_with(
        '<script src="/widget/widget.js" defer'
        ' data-server-url="javascript:alert(1)"'
        ' data-title="&lt;img src=x onerror=alert(2)&gt;"'
        ' data-subtitle="&lt;/style&gt;&lt;script&gt;alert(3)&lt;/script&gt;"'
        ' data-primary-color="red;background:url(https://evil.test/x)"'
        ' data-privacy-url="javascript:alert(4)"'
        ' data-position="left"'
        ' data-opening-message="&lt;b&gt;Hoi&lt;/b&gt; lees https://example.org/gids of javascript:alert(5)"'
        '></script>'))
    chat.visit(SHOP)

    expect(chat.page.locator(".mw-title")).to_have_text("<img src=x onerror=alert(2)>")
    expect(chat.page.locator(".mw-subtitle")).to_have_text("</style><script>alert(3)</script>")
    assert chat.page.locator("#mentorwijzer-widget img, #mentorwijzer-widget script").count() == 0
    # Only a hex colour is taken; anything else falls back to ours.
    colour = chat.page.locator("#mentorwijzer-widget").evaluate("h => h.style.getPropertyValue('--mw-primary')")
    assert colour == "#1f6f5c"
    expect(chat.root).to_have_class("mw-root mw-left")

    chat.open()
    # No usable chat server: says so, instead of trying to connect to "javascript:".
    expect(chat.root).to_have_attribute("data-connection", "config-error")
    expect(chat.status).to_contain_text("niet goed ingesteld")
    opening = chat.page.locator(".mw-opening .mw-text")
    expect(opening).to_contain_text("<b>Hoi</b> lees")
    links = opening.locator("a")
    expect(links).to_have_count(1)  # https only; "javascript:" stays text
    expect(links).to_have_attribute("href", "https://example.org/gids")
    chat.shot("hostile-attributes")
    assert problems.dialogs == []


def test_javascript_api_starts_the_widget_with_its_options(chat_factory):
    closed = f"http://127.0.0.1:{free_port()}"
    chat = chat_factory()
    serve_shop(chat.page, page_with(
        '<script src="/widget/widget.js" data-manual="true"></script>'
        '<script>window.MentorwijzerWidget.init({serverUrl: "' + closed + '", title: "Winkelhulp",'
        ' subtitle: "Vraag het ons", primaryColor: "#ffcc00", privacyUrl: "/privacy", openOnLoad: true,'
        ' openingMessage: ""});</script>'))
    chat.page.goto(SHOP)

    # Open at once, in the shop's colours, with readable (dark) text on the light yellow.
    expect(chat.panel).to_be_visible()
    expect(chat.page.locator(".mw-title")).to_have_text("Winkelhulp")
    style = chat.page.locator("#mentorwijzer-widget").evaluate(
        "h => [h.style.getPropertyValue('--mw-primary'), h.style.getPropertyValue('--mw-on-primary')]")
    assert style == ["#ffcc00", "#1a1a1a"]
    privacy = chat.page.locator(".mw-privacy a")
    expect(privacy).to_have_attribute("href", f"{SHOP}/privacy")
    expect(privacy).to_have_attribute("rel", "noopener noreferrer")
    # Opened by the page, not the visitor: focus stays with the shop's page.
    assert chat.page.evaluate("() => document.activeElement === document.body")
    chat.accept_privacy()
    # An empty opening message means none.
    assert chat.bot_lines() == []
    expect(chat.root).to_have_attribute("data-connection", "offline", timeout=5_000)
    chat.shot("javascript-api")
