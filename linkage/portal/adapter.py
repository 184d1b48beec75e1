"""The only code that knows the portal's wire: URLs, OAuth2 client credentials, HTTP codes.

The exact wire of the provincial integration platform (LGSP) is configuration, so it lives here
behind our contract; what the rest of the code sees is ``Delivery`` and the contract's messages.

- ``POST {base}/messages`` with the message, ``Idempotency-Key: <MaThongDiep>``: 200/202 with
  ``TrangThai: DaNhan`` is accepted, 4xx with ``TrangThai: TuChoi`` and ``LyDo`` is rejected
  (parked for staff); anything else, a timeout or no connection is "try again later".
- ``GET {base}/acknowledgements?after=<cursor>``: a page of acknowledgements (``BienNhan``).
- ``GET {base}/reconciliation?from=…&to=…``: what the portal holds for our dossiers.
- ``GET {base}/dossiers?after=<cursor>``: residents' online dossiers for our counter; their
  component files at the path each names (``DuongDan``, relative to the base).
- ``POST {base}/coordination`` with a bundle step (``Idempotency-Key``: the step's key) and
  ``GET {base}/coordination/<reference>``: the coordination system of the bundles; the answer
  says received, done (with the agency's result) or returned, with each leg the portal saw.
- The token comes from ``PORTAL_TOKEN_URL`` (``grant_type=client_credentials``) and is reused
  until shortly before it expires; a 401 fetches a new one once.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from linkage.framework.contract import ContractError
from linkage.framework.http import HttpFailure, JsonClient
from linkage.framework.outbound import Delivery, TransportError
from linkage.framework.remote import ProcessAdapter, file_fetch
from linkage.portal.contract import (
    ACCEPTANCE,
    ACKNOWLEDGEMENT_PAGE,
    CONTRACT,
    COORDINATION_REPLY,
    COORDINATION_STEP,
    ONLINE_DOSSIER_PAGE,
    RECONCILIATION,
)

#: The largest component file fetched from the portal (our own upload limit applies after).
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class PortalSettings:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    timeout: float


def portal_settings() -> PortalSettings:
    return PortalSettings(
        base_url=settings.PORTAL_BASE_URL.rstrip("/"),
        token_url=settings.PORTAL_TOKEN_URL,
        client_id=settings.PORTAL_CLIENT_ID,
        client_secret=settings.PORTAL_CLIENT_SECRET,
        timeout=settings.PORTAL_TIMEOUT_SECONDS,
    )


class _Token:
    """An OAuth2 client-credentials token shared by the process's threads."""

    def __init__(self, conf: PortalSettings):
        self.conf = conf
        self.lock = threading.Lock()
        self.value = ""
        self.expires = 0.0

    def header(self, *, renew: bool = False) -> dict:
        if not self.conf.token_url:
            return {}
        with self.lock:
            if renew or not self.value or time.monotonic() > self.expires:
                self._fetch()
            return {"Authorization": f"Bearer {self.value}"}

    def _fetch(self) -> None:
        data = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_id": self.conf.client_id,
            "client_secret": self.conf.client_secret,
        }).encode()
        request = urllib.request.Request(self.conf.token_url, data=data, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.conf.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            raise TransportError(f"token: {type(exc).__name__}: {exc}") from exc
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise TransportError("token: no access_token in the reply")
        self.value = token
        self.expires = time.monotonic() + max(float(answer.get("expires_in", 300)) - 30, 5)


class HttpPortalAdapter:
    def __init__(self, conf: PortalSettings | None = None):
        self.conf = conf or portal_settings()
        self._client = JsonClient(self.conf.base_url, self.conf.timeout)
        self._token = _Token(self.conf)

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, *, body=None, headers=None) -> tuple[int, object]:
        try:
            status, answer = self._client.call(
                method, path, body=body, headers={**self._token.header(), **(headers or {})}
            )
            if status == 401:
                status, answer = self._client.call(
                    method, path, body=body,
                    headers={**self._token.header(renew=True), **(headers or {})},
                )
        except HttpFailure as exc:
            raise TransportError(str(exc)) from exc
        return status, answer

    def send(self, message: dict) -> Delivery:
        status, answer = self._call(
            "POST", "/messages", body=message,
            headers={"Idempotency-Key": message["MaThongDiep"]},
        )
        if status >= 500 or status in (401, 403, 408, 429):
            raise TransportError(f"HTTP {status}")
        try:
            CONTRACT.check(ACCEPTANCE, answer)
        except ContractError as exc:
            raise TransportError(f"HTTP {status}: reply not per contract ({exc.reason})") from exc
        if answer["TrangThai"] == "TuChoi":
            return Delivery(accepted=False, reason=answer.get("LyDo", ""))
        if status >= 400:
            raise TransportError(f"HTTP {status}")
        return Delivery(accepted=True)

    def acknowledgements(self, cursor: str) -> tuple[list[dict], str]:
        query = urllib.parse.urlencode({"after": cursor})
        status, answer = self._call("GET", f"/acknowledgements?{query}")
        if status != 200:
            raise TransportError(f"HTTP {status}")
        try:
            CONTRACT.check(ACKNOWLEDGEMENT_PAGE, answer)
        except ContractError as exc:
            raise TransportError(f"acknowledgements not per contract ({exc.reason})") from exc
        return answer["BienNhan"], answer["ConTro"]

    def reconciliation(self, *, start: str, end: str) -> dict:
        query = urllib.parse.urlencode({"from": start, "to": end})
        status, answer = self._call("GET", f"/reconciliation?{query}")
        if status != 200:
            raise TransportError(f"HTTP {status}")
        try:
            CONTRACT.check(RECONCILIATION, answer)
        except ContractError as exc:
            raise TransportError(f"reconciliation not per contract ({exc.reason})") from exc
        return answer

    def coordination_submit(self, step: dict, *, idempotency_key: str) -> dict:
        """Hand a bundle step to the coordination system; its answer, per contract."""
        CONTRACT.check(COORDINATION_STEP, step)
        status, answer = self._call(
            "POST", "/coordination", body=step, headers={"Idempotency-Key": idempotency_key}
        )
        return self._coordination_answer(status, answer)

    def coordination_status(self, reference: str) -> dict:
        status, answer = self._call(
            "GET", f"/coordination/{urllib.parse.quote(reference, safe='')}"
        )
        return self._coordination_answer(status, answer)

    @staticmethod
    def _coordination_answer(status: int, answer) -> dict:
        if status != 200:
            raise TransportError(f"HTTP {status}")
        try:
            CONTRACT.check(COORDINATION_REPLY, answer)
        except ContractError as exc:
            raise TransportError(f"coordination reply not per contract ({exc.reason})") from exc
        return answer

    def online_dossiers(self, cursor: str) -> tuple[list[dict], str]:
        """A page of offered dossiers; each is checked on its own by the inbound service."""
        query = urllib.parse.urlencode({"after": cursor})
        status, answer = self._call("GET", f"/dossiers?{query}")
        if status != 200:
            raise TransportError(f"HTTP {status}")
        if not isinstance(answer, dict) or not isinstance(answer.get("HoSo"), list):
            raise TransportError("dossier page not per contract")
        errors = CONTRACT.errors(ONLINE_DOSSIER_PAGE, {"HoSo": [], "ConTro": answer.get("ConTro")})
        if errors:
            raise TransportError(f"dossier page not per contract ({errors[0]})")
        return answer["HoSo"], answer["ConTro"]

    def file(self, path: str) -> bytes:
        """A component file's bytes (the caller checks its hash and content)."""
        return file_fetch(self._client, path, {**self._token.header()}, limit=MAX_FILE_BYTES,
                          owner="the portal")


#: The process's adapter (``default_adapter()``).
default_adapter: ProcessAdapter[HttpPortalAdapter] = ProcessAdapter(
    portal_settings, HttpPortalAdapter
)
