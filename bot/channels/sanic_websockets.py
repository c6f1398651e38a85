"""Make Sanic 21.12's websockets work on Python 3.11 (Rasa 3.6 pins Sanic 21).

Sanic 21.12 calls `asyncio.wait()` with a bare coroutine when it reads a websocket frame;
Python 3.11 refuses that (coroutines must be wrapped in tasks), so every websocket dies right
after the handshake and socket.io clients fall back to long-polling or fail. Sanic 22 wraps
the coroutine itself; here its websocket module gets an `asyncio` whose `wait` does the same.
Nothing else in Sanic or asyncio changes. Imported by the widget channel.
"""

from __future__ import annotations

import asyncio
from typing import Any


class _AsyncioWrappingCoroutines:
    """`asyncio`, except that `wait()` accepts coroutines again (as before Python 3.11)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait(awaitables: Any, **kwargs: Any) -> Any:
        return await asyncio.wait([asyncio.ensure_future(item) for item in awaitables], **kwargs)


def apply() -> bool:
    """Patch Sanic's websocket implementation once; False when this Sanic has no such module."""
    try:
        from sanic.server.websockets import impl
    except ImportError:
        return False
    if not isinstance(impl.asyncio, _AsyncioWrappingCoroutines):
        impl.asyncio = _AsyncioWrappingCoroutines()
    return True
