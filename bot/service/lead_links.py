"""The link in the mentor's e-mail: the lead's own staff page, by lead id.

It names no conversation id: a mail that is forwarded or leaks says nothing by which a visitor's
conversation could be found or addressed. The page itself (login first) links the transcript.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

LEAD_PAGES = "/staff/leads"
# Paths of ours that may follow the base address in a link the action server sent.
OUR_PATHS = ("/staff", "/api")
MAX_URL_LENGTH = 2048  # leads.transcript_url


def staff_base_url(link: str) -> str:
    """Where staff open the service, from any link into it: `https://x.nl/mw/staff/...` -> `https://x.nl/mw`."""
    scheme, host, path, _query, _fragment = urlsplit(link)
    found = [at for at in ((path + "/").find(ours + "/") for ours in OUR_PATHS) if at >= 0]
    if found:
        path = path[:min(found)]
    return urlunsplit((scheme, host, path.rstrip("/"), "", ""))


def lead_page_url(base_url: str, lead_id: int) -> str | None:
    """The lead's staff page under `base_url`; None if it would not fit in the lead."""
    url = f"{base_url.rstrip('/')}{LEAD_PAGES}/{lead_id}"
    return url if len(url) <= MAX_URL_LENGTH else None
