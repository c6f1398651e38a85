"""Staff login in the browser: the login form, its CSRF token, the session cookie, logout, redirects."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from bot.service.api.main import create_app
from bot.service.api.staff_pages import safe_next
from bot.service.auth.sessions import SESSION_COOKIE
from tests.service.conftest import SERVICE, STAFF, STAFF_PASSWORD, make_settings
from tests.service.factories import lead_payload


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form has no CSRF token"
    return match.group(1)


def open_login_form(client: TestClient, path: str = "/staff/login") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return csrf_from(response.text)


def submit(client: TestClient, token: str | None, email: str = "sanne@voorbeeld.nl", password: str = STAFF_PASSWORD,
           next_path: str | None = None):
    form = {"email": email, "password": password}
    if token is not None:
        form["csrf_token"] = token
    if next_path is not None:
        form["next"] = next_path
    return client.post("/staff/login", data=form, follow_redirects=False)


def test_staff_pages_redirect_to_the_login_form(client: TestClient) -> None:
    response = client.get("/staff?filter=nieuw", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=/staff%3Ffilter%3Dnieuw"


def test_logging_in_shows_who_and_the_inbox(client: TestClient, make_account) -> None:
    make_account("sanne@voorbeeld.nl", name="Sanne de Vries")
    for _ in range(2):
        client.post("/api/leads", json=lead_payload(), headers=SERVICE)
    token = open_login_form(client, "/staff/login?next=/staff")

    response = submit(client, token, email="Sanne@voorbeeld.nl", next_path="/staff")

    assert response.status_code == 303 and response.headers["location"] == "/staff"
    home = client.get("/staff")
    assert home.status_code == 200
    assert "Welkom, Sanne de Vries" in home.text
    assert re.search(r'class="count">2<', home.text)
    assert "nieuwe leads wachten" in home.text
    assert 'action="/staff/logout"' in home.text and "Uitloggen" in home.text
    assert home.headers["cache-control"] == "no-store"
    assert "form-action 'self'" in home.headers["content-security-policy"]


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient, make_account) -> None:
    make_account()
    response = submit(client, open_login_form(client))

    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http in development; production below


def test_production_cookie_is_secure(sqlite_url: str) -> None:
    app = create_app(make_settings(sqlite_url, staff_cookie_secure=True))
    with TestClient(app, base_url="https://testserver") as client:
        cookie = client.get("/staff/login").headers["set-cookie"]
    assert "; secure" in cookie.lower()


def test_a_wrong_password_shows_the_form_again(client: TestClient, make_account) -> None:
    make_account()
    token = open_login_form(client)

    wrong = submit(client, token, password="niet mijn wachtwoord")
    unknown = submit(client, token, email="niemand@voorbeeld.nl")

    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "E-mailadres of wachtwoord klopt niet." in response.text
    assert client.get("/staff", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", [None, "", "vervalst"], ids=["missing", "empty", "wrong"])
def test_the_login_form_needs_its_csrf_token(client: TestClient, make_account, token: str | None) -> None:
    make_account()
    open_login_form(client)  # the session has a token; the post does not carry it

    response = submit(client, token)

    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.text
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_a_login_form_from_another_session_is_refused(client: TestClient, make_account) -> None:
    make_account()
    with TestClient(client.app) as other:
        foreign_token = open_login_form(other)
    open_login_form(client)

    assert submit(client, foreign_token).status_code == 403


def test_logout_ends_the_session(client: TestClient, make_account) -> None:
    make_account()
    submit(client, open_login_form(client))
    home = client.get("/staff")

    response = client.post("/staff/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/staff/login?uitgelogd"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=null") and "expires=thu, 01 jan 1970" in cookie.lower()
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert "Je bent uitgelogd." in client.get("/staff/login?uitgelogd").text


def test_a_copy_of_the_cookie_is_worthless_after_logging_out(client: TestClient, make_account) -> None:
    """The probe: a session cookie kept working for 8 hours after "Uitloggen"."""
    make_account()
    submit(client, open_login_form(client))
    home = client.get("/staff")
    copied = client.cookies[SESSION_COOKIE]  # as someone who saw it (a shared computer, a proxy log)

    client.post("/staff/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)

    with TestClient(client.app, cookies={SESSION_COOKIE: copied}) as thief:
        page = thief.get("/staff", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
        assert thief.get("/staff/gesprekken", follow_redirects=False).status_code == 303


def test_logging_out_ends_only_that_session(client: TestClient, make_account) -> None:
    make_account()
    with TestClient(client.app) as laptop:
        submit(laptop, open_login_form(laptop))
        submit(client, open_login_form(client))
        home = client.get("/staff")
        client.post("/staff/logout", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False)
        assert laptop.get("/staff").status_code == 200, "the other device stays logged in"


def test_logout_needs_the_csrf_token(client: TestClient, make_account) -> None:
    make_account()
    submit(client, open_login_form(client))

    assert client.post("/staff/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/staff").status_code == 200  # still logged in


def test_a_deactivated_account_loses_its_session(client: TestClient, make_account) -> None:
    account = make_account()
    submit(client, open_login_form(client))
    assert client.post(f"/api/staff/accounts/{account.id}/deactivate", headers=STAFF).status_code == 200

    assert client.get("/staff", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example/staff", "/\\evil.example", "http:/staff", "javascript:alert(1)",
     "/staff/login", "staff", "/\tevil", ""],
)
def test_no_open_redirect_after_login(client: TestClient, make_account, target: str) -> None:
    make_account()

    response = submit(client, open_login_form(client), next_path=target)

    assert response.status_code == 303
    assert response.headers["location"] == "/staff"


def test_next_keeps_local_paths() -> None:
    assert safe_next("/staff/gesprekken?pagina=2") == "/staff/gesprekken?pagina=2"
    assert safe_next(None) == "/staff"


def test_the_login_form_is_rate_limited(client: TestClient, make_account) -> None:
    make_account()
    token = open_login_form(client)
    for _ in range(5):
        assert "klopt niet" in submit(client, token, password="fout fout fout").text

    response = submit(client, token)

    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.text
    assert 0 < int(response.headers["retry-after"]) <= 900
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_logged_in_staff_skip_the_login_form(client: TestClient, make_account) -> None:
    make_account()
    submit(client, open_login_form(client))

    response = client.get("/staff/login?next=/staff", follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/staff"


def test_the_pages_own_style_is_allowed_by_the_csp_and_nothing_else_inline(client: TestClient) -> None:
    response = client.get("/staff/login")

    [style] = re.findall(r"<style>(.*?)</style>", response.text, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}'" in policy
    assert "script-src" not in policy and "<script" not in response.text  # no JavaScript at all
    assert 'autocomplete="current-password"' in response.text and 'lang="nl"' in response.text
