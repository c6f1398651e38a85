"""Keep e-mail addresses and phone numbers in query strings (export/erase) out of access logs."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"


class DropQueryStrings(logging.Filter):
    """Uvicorn logs (client, method, path?query, version, status): keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            args = list(record.args)
            args[2] = args[2].split("?", 1)[0]
            record.args = tuple(args)
        return True


def redact_access_log() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, DropQueryStrings) for existing in logger.filters):
        logger.addFilter(DropQueryStrings())
