"""JSON over HTTP with one persistent (keep-alive) connection per thread and a hard timeout.

Shared by every connector's adapter. A new TCP connection per call cost a worker more CPU than
the rest of an item's work. A call that fails on a reused connection before any answer came
(the other side closed it while idle) is sent once more on a fresh one; callers only use it
for requests that are safe to repeat (they carry an idempotency key, or change nothing).
"""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit


class HttpFailure(Exception):
    """Nothing usable came back (connection, timeout, not JSON)."""


class JsonClient:
    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        parts = urlsplit(self.base_url)
        self._connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._local = threading.local()

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection, and whether it was used before."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, True
        connection = self._connection_class(self._netloc, timeout=self.timeout)
        self._local.connection = connection
        return connection, False

    def exchange(self, method: str, path: str, data: bytes | None, headers: dict):
        """``(status, reason, raw body)``; raises ``OSError``/``HTTPException`` on failure."""
        while True:
            connection, reused = self._connection()
            try:
                connection.request(method, self._prefix + path, body=data, headers=headers)
                response = connection.getresponse()
                return response.status, response.reason, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if not reused:
                    raise
            except BaseException:
                # Timeout or anything else: the connection's state is unknown, never reuse it.
                self.close()
                raise

    def call(self, method: str, path: str, *, body=None, headers=None) -> tuple[int, object]:
        """``(status, decoded JSON)``; ``HttpFailure`` when nothing usable came back."""
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **(headers or {})}
        try:
            status, reason, raw = self.exchange(method, path, data, headers)
        except (OSError, http.client.HTTPException) as exc:
            raise HttpFailure(f"{type(exc).__name__}: {exc}") from exc
        try:
            return status, json.loads(raw or b"{}")
        except ValueError as exc:
            raise HttpFailure(f"HTTP {status} {reason}: invalid JSON reply") from exc
