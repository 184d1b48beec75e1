"""Agency adapters: one small protocol (submit, status) and its HTTP implementation.

Every call carries the step's idempotency key, so an agency that already registered a step
answers with the same registration instead of a second one; that is what makes a retry after
a lost reply (timeout, killed worker) safe.
"""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from linkage.conf import linkage_settings


class ReplyStatus:
    RECEIVED = "received"  # the agency's system took the message; no decision yet
    DONE = "done"  # registered, with its result
    RETURNED = "returned"  # the agency found an error in the civil-status data


@dataclass(frozen=True)
class AgencyReply:
    status: str
    reference: str = ""
    result: dict = field(default_factory=dict)
    reason: str = ""


class AgencyError(Exception):
    """The agency could not be reached or did not answer properly: try again later."""


class AgencyAdapter(Protocol):
    def submit(self, *, agency: str, idempotency_key: str, payload: dict) -> AgencyReply: ...

    def status(self, *, agency: str, reference: str) -> AgencyReply: ...


class HttpAgencyAdapter:
    """JSON over HTTP with a hard timeout: ``POST {base}/{agency}/submissions``,
    ``GET {base}/{agency}/submissions/{reference}``; the key travels as ``Idempotency-Key``.

    Each thread keeps one persistent (keep-alive) connection: a new TCP connection per call
    cost the worker more CPU than the rest of a step's work. A call that fails on a reused
    connection before any answer came (the agency closed it while idle) is sent once more on a
    fresh one; that is safe because a submission carries its idempotency key and a status
    query changes nothing.
    """

    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        conf = linkage_settings()
        self.base_url = (base_url or conf.agency_base_url).rstrip("/")
        self.timeout = timeout if timeout is not None else conf.agency_timeout
        parts = urlsplit(self.base_url)
        self._connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._local = threading.local()

    def submit(self, *, agency: str, idempotency_key: str, payload: dict) -> AgencyReply:
        return self._call(
            "POST",
            f"/{agency}/submissions",
            body=payload,
            headers={"Idempotency-Key": idempotency_key},
        )

    def status(self, *, agency: str, reference: str) -> AgencyReply:
        return self._call("GET", f"/{agency}/submissions/{reference}")

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

    def _exchange(self, method: str, path: str, data: bytes | None, headers: dict):
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

    def _call(
        self, method: str, path: str, *, body: dict | None = None, headers=None
    ) -> AgencyReply:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", **(headers or {})}
        try:
            status, reason, raw = self._exchange(method, path, data, headers)
        except (OSError, http.client.HTTPException) as exc:
            raise AgencyError(f"{type(exc).__name__}: {exc}") from exc
        if status >= 400:
            raise AgencyError(f"HTTP {status} {reason}")
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise AgencyError("invalid JSON reply") from exc
        if answer.get("status") not in (
            ReplyStatus.RECEIVED,
            ReplyStatus.DONE,
            ReplyStatus.RETURNED,
        ):
            raise AgencyError(f"unknown reply status {answer.get('status')!r}")
        return AgencyReply(
            status=answer["status"],
            reference=str(answer.get("reference", "")),
            result=answer.get("result") or {},
            reason=str(answer.get("reason", "")),
        )


_default: HttpAgencyAdapter | None = None
_default_lock = threading.Lock()


def default_adapter() -> AgencyAdapter:
    """The process's adapter for the configured agencies (one connection per thread).

    Rebuilt when the settings change (tests point workers at a new simulator).
    """
    global _default
    conf = linkage_settings()
    with _default_lock:
        if (
            _default is None
            or _default.base_url != conf.agency_base_url
            or _default.timeout != conf.agency_timeout
        ):
            _default = HttpAgencyAdapter()
        return _default
