"""Agency adapters: one small protocol (submit, status) and its HTTP implementation.

Every call carries the step's idempotency key, so an agency that already registered a step
answers with the same registration instead of a second one; that is what makes a retry after
a lost reply (timeout, killed worker) safe.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

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
    ``GET {base}/{agency}/submissions/{reference}``; the key travels as ``Idempotency-Key``."""

    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        conf = linkage_settings()
        self.base_url = (base_url or conf.agency_base_url).rstrip("/")
        self.timeout = timeout if timeout is not None else conf.agency_timeout

    def submit(self, *, agency: str, idempotency_key: str, payload: dict) -> AgencyReply:
        return self._call(
            "POST",
            f"/{agency}/submissions",
            body=payload,
            headers={"Idempotency-Key": idempotency_key},
        )

    def status(self, *, agency: str, reference: str) -> AgencyReply:
        return self._call("GET", f"/{agency}/submissions/{reference}")

    def _call(
        self, method: str, path: str, *, body: dict | None = None, headers=None
    ) -> AgencyReply:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise AgencyError(f"HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as exc:
            raise AgencyError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
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


def default_adapter() -> AgencyAdapter:
    return HttpAgencyAdapter()
