"""The staff pages' login: GET/POST /staff/login, POST /staff/logout, and the landing page /staff.

Server-rendered (Jinja2), no JavaScript. Every form carries the session's CSRF token; a page
opened without a login session redirects to the login form, which returns there afterwards
(local paths only). The JSON API does not use this session: it takes bearer tokens.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from bot.service.api.auth import LOGIN_UNAVAILABLE, WRONG_LOGIN
from bot.service.api.conversations import refresh_index
from bot.service.api.deps import SessionDep, SettingsDep
from bot.service.api.errors import RETRY_AFTER_SECONDS
from bot.service.api.widget import templates
from bot.service.auth import csrf, login, sessions
from bot.service.auth.deps import LoginRequired, PageStaffDep, page_principal
from bot.service.auth.principal import Principal
from bot.service.auth.throttle import ThrottleUnavailable
from bot.service.conversations import dashboard
from bot.service.db.models import Lead
from bot.service.db.types import utcnow
from bot.service.web.charts import dashboard_charts
from bot.service.web.labels import local_time

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

HOME = "/staff"
LOGIN = "/staff/login"
ROLE_NAMES = {"mentor": "mentor", "admin": "beheerder"}
STALE_FORM = "Dit formulier is verlopen. Probeer het nog eens."
MAX_FIELD = 1000  # longer form values are cut, not answered with JSON errors
PERIODS = {"7": 7, "30": 30, "90": 90}  # the dashboard's period choices (?dagen=)
DEFAULT_PERIOD = 30
INBOX_PREVIEW = 5  # newest new leads on the dashboard; the rest in /staff/leads

STAFF_CSS = templates.get_template("staff_style.html").render()
_CSS_HASH = base64.b64encode(hashlib.sha256(STAFF_CSS.encode()).digest()).decode()
PAGE_HEADERS = {
    "Content-Security-Policy": "; ".join([
        "default-src 'none'",
        f"style-src 'self' 'sha256-{_CSS_HASH}'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Personal data may be on staff pages: never from a shared cache or the back button after logout.
    "Cache-Control": "no-store",
}


def safe_next(value: str | None) -> str:
    """Where to go after logging in: a path on this site, never another site (no open redirect)."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return HOME
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return HOME  # browsers read "/\evil.example" as "//evil.example"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in (LOGIN, "/staff/logout"):
        return HOME
    return value


def render(request: Request, template: str, status_code: int = 200, headers: dict | None = None, **context):
    settings = request.app.state.settings
    html = templates.get_template(template).render(
        site_css=request.url_for("widget_asset", name="site.css").path,
        staff_css=STAFF_CSS,
        title=settings.widget_title,
        csrf_token=csrf.token(request),
        role_names=ROLE_NAMES,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS | (headers or {}))


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


async def redirect_to_login(request: Request, exc: Exception) -> Response:
    """Handler for LoginRequired (registered in main.create_app)."""
    assert isinstance(exc, LoginRequired)
    return redirect(f"{LOGIN}?next={quote(safe_next(exc.next_path), safe='/')}")


def _logged_in(request: Request, session: SessionDep) -> Principal | None:
    try:
        return page_principal(request, session)
    except LoginRequired:
        return None


def login_form(
    request: Request, next_path: str, status_code: int = 200, headers: dict | None = None, **context
) -> HTMLResponse:
    context.setdefault("email", "")
    return render(request, "staff_login.html", status_code, headers, next=safe_next(next_path), staff=None, **context)


@router.get(LOGIN, response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, next: str | None = None, uitgelogd: str | None = None):
    if _logged_in(request, session):
        return redirect(safe_next(next))
    message = "Je bent uitgelogd." if uitgelogd is not None else None
    return login_form(request, next or HOME, message=message)


@router.post(LOGIN, response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
):
    email, password, next_path = email[:MAX_FIELD], password[:MAX_FIELD], next[:MAX_FIELD]
    if not csrf.is_valid(request, csrf_token):
        csrf.rotate(request)
        return login_form(request, next_path, 403, error=STALE_FORM, email=email)
    client = login.client_address(request.client and request.client.host)
    try:
        account = login.attempt(session, request.app.state.login_throttle, email, password, client)
    except login.Throttled as throttled:
        minutes = max(1, round(throttled.retry_after / 60))
        error = f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw."
        return login_form(request, next_path, 429, {"Retry-After": str(throttled.retry_after)}, error=error,
                          email=email)
    except ThrottleUnavailable:
        log.error("login throttle storage unreachable (RATE_LIMIT_STORAGE_URL)")
        return login_form(request, next_path, 503, {"Retry-After": RETRY_AFTER_SECONDS}, error=LOGIN_UNAVAILABLE,
                          email=email)
    if account is None:
        return login_form(request, next_path, 200, error=WRONG_LOGIN, email=email)
    sessions.log_in(request, session, account, settings.staff_session_hours)
    return redirect(safe_next(next_path))


@router.post("/staff/logout")
def logout(request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = ""):
    # Checked too: another site must not be able to log staff out (and into its own account next).
    if not csrf.is_valid(request, csrf_token):
        return render(request, "staff_message.html", 403, staff=None, heading="Niet uitgelogd", message=STALE_FORM)
    sessions.log_out(request, session)
    return redirect(f"{LOGIN}?uitgelogd")


@router.get(HOME, response_class=HTMLResponse)
def staff_home(request: Request, session: SessionDep, staff: PageStaffDep, dagen: str | None = None):
    """The dashboard: figures over the chosen period (?dagen=7/30/90; anything else: 30), and the inbox."""
    days = PERIODS.get(dagen or "", DEFAULT_PERIOD)
    refresh_index(request)
    figures = dashboard.figures(session, days, utcnow())
    new_leads = session.scalar(select(func.count()).select_from(Lead).where(Lead.status == "new")) or 0
    newest = session.scalars(
        select(Lead).where(Lead.status == "new").order_by(Lead.created_at.desc(), Lead.id.desc()).limit(INBOX_PREVIEW)
    ).all()
    return render(request, "staff_home.html", staff=staff, section="home", new_leads=new_leads, newest=newest,
                  figures=figures, charts=dashboard_charts(figures), periods=PERIODS.values(), days=days,
                  local_time=local_time, wide=True)
