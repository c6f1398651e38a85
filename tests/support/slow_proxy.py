"""A slow network in front of the real action server: every request waits `delay` seconds
before it is passed on. Lets a test hold a conversation's turn open for as long as it likes."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class SlowProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.delay = 0.0
        self.requests = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests += 1
                time.sleep(proxy.delay)
                # Rasa's token passes through, as through any network: the action server checks it.
                forwarded = {name: self.headers[name] for name in ("Content-Type", "Authorization")
                             if self.headers.get(name)}
                answer = httpx.post(proxy.target + self.path, content=body, headers=forwarded, timeout=60)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True  # a request still sleeping must not hold up stop()
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
