"""The chat widget's pages and files: a demo page at `/`, the embed snippet at `/embed`, and the
widget's own assets under `/widget/` (our JS and CSS, and socket.io-client's prebuilt bundle from
`npm ci`). Nothing comes from a CDN. Not part of the OpenAPI schema: these are pages, not API."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.service.api.errors import ApiError
from bot.service.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

ROOT = Path(__file__).resolve().parents[3]
WEB = Path(__file__).resolve().parents[1] / "web"
SOCKET_IO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"

JS = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
# The only files served: a fixed map, so no request path ever reaches the file system.
ASSETS: dict[str, tuple[Path, str]] = {
    "widget.js": (WEB / "static" / "widget.js", JS),
    "widget.css": (WEB / "static" / "widget.css", CSS),
    "socket.io.min.js": (SOCKET_IO_CLIENT, JS),
    "site.css": (WEB / "static" / "site.css", CSS),
    "staff.css": (WEB / "static" / "staff.css", CSS),
}
ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    # Third-party sites load these files into their own pages.
    "Cross-Origin-Resource-Policy": "cross-origin",
}

templates = Environment(
    loader=FileSystemLoader(WEB / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def chat_origins(server_url: str) -> list[str]:
    """The chat server's origin as http(s) and as ws(s): socket.io polls first, then upgrades."""
    parts = urlsplit(server_url)
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def page_headers(settings: Settings) -> dict[str, str]:
    """Our pages run only our own scripts and styles, and talk only to us and the chat server."""
    policy = "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        # Bot messages may carry an image from elsewhere.
        "img-src 'self' data: https:",
        "connect-src 'self' " + " ".join(chat_origins(settings.widget_server_url)),
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cache-Control": "no-cache",
    }


def widget_attributes(settings: Settings, privacy_page: str) -> list[tuple[str, str]]:
    """The data-attributes of the <script> tag, in the order the embed page shows them.

    Without `WIDGET_PRIVACY_URL` the privacy note links to our own `/privacy` page."""
    attributes = [
        ("data-server-url", settings.widget_server_url.rstrip("/")),
        ("data-socket-path", settings.widget_socket_path),
        ("data-title", settings.widget_title),
        ("data-subtitle", settings.widget_subtitle),
        ("data-primary-color", settings.widget_primary_color),
        ("data-opening-message", settings.widget_opening_message),
    ]
    attributes.append(("data-privacy-url", settings.widget_privacy_url or privacy_page))
    return attributes


def render(request: Request, template: str, **context: object) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    # Our own pages load the widget from the same origin, by path: right behind any proxy.
    html = templates.get_template(template).render(
        widget_src=request.url_for("widget_asset", name="widget.js").path,
        site_css=request.url_for("widget_asset", name="site.css").path,
        widget_attributes=widget_attributes(settings, str(request.url_for("privacy_page"))),
        title=settings.widget_title,
        **context,
    )
    return HTMLResponse(html, headers=page_headers(settings))


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def demo_page(request: Request) -> HTMLResponse:
    return render(request, "demo.html")


@router.api_route("/embed", methods=["GET", "HEAD"], response_class=HTMLResponse)
def embed_page(request: Request) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    # The snippet goes on other sites: the full address, as the site owner reached this page.
    widget_src = str(request.url_for("widget_asset", name="widget.js"))
    lines = [f'<script src="{widget_src}"']
    attributes = widget_attributes(settings, str(request.url_for("privacy_page")))
    lines += [f'        {name}="{_attribute(value)}"' for name, value in attributes]
    lines += ["        defer></script>"]
    snippet = "\n".join(lines)
    return render(request, "embed.html", snippet=snippet, chat_origins=chat_origins(settings.widget_server_url),
                  service_origin=f"{request.base_url.scheme}://{request.base_url.netloc}")


@router.api_route("/privacy", methods=["GET", "HEAD"], response_class=HTMLResponse, name="privacy_page")
def privacy_page(request: Request) -> HTMLResponse:
    return render(request, "privacy.html", retention_days=request.app.state.settings.retention_days)


@router.api_route("/widget/{name}", methods=["GET", "HEAD"], name="widget_asset")
def widget_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise ApiError(404, "Niet gevonden.")
    path, media_type = ASSETS[name]
    if not path.is_file():
        # Only socket.io-client can be missing: `npm ci` was not run on this machine.
        log.error("widget asset %s missing at %s: run `npm ci`", name, path)
        raise ApiError(503, "De chat is hier nog niet geïnstalleerd (npm ci).")
    return FileResponse(path, media_type=media_type, headers=ASSET_HEADERS)


def _attribute(value: str) -> str:
    """The snippet is shown as text (escaped again by the template); here it must be valid HTML itself."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
