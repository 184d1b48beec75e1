"""Agency adapters: one small protocol (submit, status) and its HTTP implementation.

Every call carries the step's idempotency key, so an agency that already registered a step
answers with the same registration instead of a second one; that is what makes a retry after
a lost reply (timeout, killed worker) safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from linkage.conf import linkage_settings
from linkage.framework.http import HttpFailure, JsonClient


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

    The framework's ``JsonClient`` keeps one connection per thread; a resend on a fresh
    connection is safe because a submission carries its idempotency key and a status query
    changes nothing.
    """

    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        conf = linkage_settings()
        self._client = JsonClient(
            base_url or conf.agency_base_url,
            timeout if timeout is not None else conf.agency_timeout,
        )
        self.base_url = self._client.base_url
        self.timeout = self._client.timeout

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
        self._client.close()

    def _call(
        self, method: str, path: str, *, body: dict | None = None, headers=None
    ) -> AgencyReply:
        try:
            status, answer = self._client.call(method, path, body=body, headers=headers)
        except HttpFailure as exc:
            raise AgencyError(str(exc)) from exc
        if status >= 400:
            raise AgencyError(f"HTTP {status}")
        if not isinstance(answer, dict) or answer.get("status") not in (
            ReplyStatus.RECEIVED,
            ReplyStatus.DONE,
            ReplyStatus.RETURNED,
        ):
            status_value = answer.get("status") if isinstance(answer, dict) else None
            raise AgencyError(f"unknown reply status {status_value!r}")
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
