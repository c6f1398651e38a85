"""The chat widget's pages and files as the lead service serves them (bot/service/api/widget.py).

The widget's behaviour in a real browser is tested in tests/browser/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from pydantic import ValidationError

from bot.service.api import widget
from bot.service.api.main import create_app
from bot.service.settings import Settings
from tests.service.conftest import make_settings

CHAT = "https://chat.mentorwijzer.test:5005"


def make_client(sqlite_url: str, **overrides: object) -> TestClient:
    return TestClient(create_app(make_settings(sqlite_url, **{"widget_server_url": CHAT, **overrides})))


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    with make_client(sqlite_url) as client:
        yield client


def csp(response) -> dict[str, str]:
    directives = [part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";")]
    return {name: value for name, value in directives}


def test_demo_page_has_the_widget_tag_pointed_at_the_chat_server(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in response.text
    assert "Groei met begeleiding" in response.text
    assert f'<script src="/widget/widget.js" data-server-url="{CHAT}"' in response.text
    assert 'data-title="Mentorwijzer"' in response.text


def test_pages_allow_only_our_own_scripts_and_the_chat_server(client: TestClient) -> None:
    for path in ("/", "/embed"):
        response = client.get(path)
        policy = csp(response)
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == "'self'"  # no inline script, no CDN
        assert policy["style-src"] == "'self'"
        assert policy["connect-src"].split() == ["'self'", CHAT, "wss://chat.mentorwijzer.test:5005"]
        assert policy["frame-ancestors"] == "'none'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "unsafe" not in response.headers["content-security-policy"]


def test_plain_http_chat_server_gets_ws_in_the_policy(sqlite_url: str) -> None:
    with make_client(sqlite_url, widget_server_url="http://127.0.0.1:5005") as client:
        policy = csp(client.get("/"))
    assert policy["connect-src"].split() == ["'self'", "http://127.0.0.1:5005", "ws://127.0.0.1:5005"]


@pytest.mark.parametrize(("name", "media_type", "marker"), [
    ("widget.js", "text/javascript", "MentorwijzerWidget"),
    ("widget.css", "text/css", ".mw-bubble"),
    ("socket.io.min.js", "text/javascript", "socket.io"),
])
def test_widget_assets_are_served_with_their_content_type(client: TestClient, name, media_type, marker) -> None:
    response = client.get(f"/widget/{name}")

    assert response.status_code == 200, f"/widget/{name}: {response.text} (for socket.io.min.js: run `npm ci`)"
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"  # other sites embed it
    assert marker in response.text


@pytest.mark.parametrize("path", [
    "/widget/nope.js",
    "/widget/",
    "/widget/..%2Fwidget.py",
    "/widget/%2E%2E%2F%2E%2E%2Fsettings.py",
    "/widget/widget.JS",
])
def test_unknown_asset_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Niet gevonden."}


def test_missing_socket_io_bundle_is_a_clear_503(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setitem(widget.ASSETS, "socket.io.min.js", (tmp_path / "absent.js", widget.JS))
    response = client.get("/widget/socket.io.min.js")
    assert response.status_code == 503
    assert "npm ci" in response.json()["detail"]


def test_embed_page_shows_the_one_line_snippet_escaped(client: TestClient) -> None:
    response = client.get("/embed")

    assert response.status_code == 200
    # Shown as text: escaped once in the page, so it reads as a copyable tag.
    assert '&lt;script src=&#34;http://testserver/widget/widget.js&#34;' in response.text
    assert f"data-server-url=&#34;{CHAT}&#34;" in response.text
    assert "defer&gt;&lt;/script&gt;" in response.text
    for option in ("data-title", "data-primary-color", "data-opening-message", "data-privacy-url", "data-position"):
        assert option in response.text


def test_hostile_settings_stay_text_in_the_pages(sqlite_url: str) -> None:
    title = '"><script>alert(1)</script>'
    opening = "Hoi <img src=x onerror=alert(1)> & welkom"
    with make_client(sqlite_url, widget_title=title, widget_opening_message=opening) as client:
        demo = client.get("/").text
        embed = client.get("/embed").text

    for page in (demo, embed):
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
    assert f'data-title="{escape(title)}"' in demo
    # In the snippet the value is escaped for the tag, then the whole tag once more for the page.
    assert str(escape(widget._attribute(opening))) in embed


def test_privacy_url_goes_to_the_widget_when_set(sqlite_url: str) -> None:
    with make_client(sqlite_url, widget_privacy_url="https://mentorwijzer.test/privacy") as client:
        assert 'data-privacy-url="https://mentorwijzer.test/privacy"' in client.get("/").text
    with make_client(sqlite_url) as client:
        assert 'data-privacy-url="http://testserver/privacy"' in client.get("/").text


def test_our_privacy_page_says_what_is_kept_how_long_and_how_to_erase_it(sqlite_url: str) -> None:
    with make_client(sqlite_url, retention_days=90) as client:
        response = client.get("/privacy")
    assert response.status_code == 200
    assert "90 dagen" in response.text and "vergeet mij" in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_head_requests_work_for_pages_and_assets(client: TestClient) -> None:
    assert client.head("/").status_code == 200
    assert client.head("/widget/widget.js").status_code == 200


def test_pages_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(path == "/" or path.startswith(("/widget", "/embed")) for path in paths)


@pytest.mark.parametrize("override", [
    {"widget_server_url": "javascript:alert(1)"},
    {"widget_server_url": "https://chat.example/path?x=1"},
    {"widget_primary_color": "red; background: url(x)"},
    {"widget_primary_color": "#12345"},
    {"widget_socket_path": "socket.io"},
    {"widget_privacy_url": "javascript:alert(1)"},
    {"widget_title": ""},
])
def test_widget_settings_refuse_what_could_break_the_page(override: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        Settings(**override)


def test_widget_settings_defaults() -> None:
    settings = Settings(widget_privacy_url="")
    assert settings.widget_server_url == "http://localhost:5005"
    assert settings.widget_socket_path == "/socket.io/"
    assert settings.widget_title == "Mentorwijzer"
    assert settings.widget_privacy_url is None
