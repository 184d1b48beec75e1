"""The only code that knows the registry's wire: URLs, the bearer token, HTTP codes.

- ``POST {base}/registrations`` with the registration, ``Idempotency-Key: <MaThongDiep>``:
  200/202 ``TrangThai: DaNhan`` is accepted; 4xx ``TrangThai: TuChoi`` with ``LyDo`` is refused
  (parked for staff); anything else, a timeout or no connection is "try again later".
- ``GET {base}/replies?after=<cursor>``: a page of replies (acknowledgements, registrations
  with their extract, returns for correction), each checked on its own by the services.
- ``GET {base}<DuongDan>``: an extract's bytes.
- ``GET {base}/reconciliation?from=…&to=…``: the ward's registrations the registry holds.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from django.conf import settings

from linkage.civil_status.contract import ACCEPTANCE, CONTRACT, RECONCILIATION, REPLY_PAGE
from linkage.framework.contract import ContractError
from linkage.framework.http import HttpFailure, JsonClient
from linkage.framework.outbound import Delivery, TransportError
from linkage.framework.remote import ProcessAdapter, file_fetch

#: The largest extract fetched (a one-page signed PDF is tens of kilobytes).
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RegistrySettings:
    base_url: str
    token: str
    timeout: float


def registry_settings() -> RegistrySettings:
    return RegistrySettings(
        base_url=settings.CIVIL_STATUS_BASE_URL.rstrip("/"),
        token=settings.CIVIL_STATUS_TOKEN,
        timeout=settings.CIVIL_STATUS_TIMEOUT_SECONDS,
    )


class HttpRegistryAdapter:
    def __init__(self, conf: RegistrySettings | None = None):
        self.conf = conf or registry_settings()
        self._client = JsonClient(self.conf.base_url, self.conf.timeout)

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.conf.token}"} if self.conf.token else {}

    def _get(self, path: str, schema: str) -> dict:
        try:
            status, answer = self._client.call("GET", path, headers=self._auth())
        except HttpFailure as exc:
            raise TransportError(str(exc)) from exc
        if status != 200:
            raise TransportError(f"HTTP {status}")
        try:
            CONTRACT.check(schema, answer)
        except ContractError as exc:
            raise TransportError(f"reply not per contract ({exc.reason})") from exc
        return answer

    def send(self, message: dict) -> Delivery:
        try:
            status, answer = self._client.call(
                "POST", "/registrations", body=message,
                headers={**self._auth(), "Idempotency-Key": message["MaThongDiep"]},
            )
        except HttpFailure as exc:
            raise TransportError(str(exc)) from exc
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

    def replies(self, cursor: str) -> tuple[list[dict], str]:
        answer = self._get(f"/replies?{urllib.parse.urlencode({'after': cursor})}", REPLY_PAGE)
        return answer["PhanHoi"], answer["ConTro"]

    def reconciliation(self, *, start: str, end: str) -> dict:
        query = urllib.parse.urlencode({"from": start, "to": end})
        return self._get(f"/reconciliation?{query}", RECONCILIATION)

    def file(self, path: str) -> bytes:
        """An extract's bytes (the services check its hash, size and content)."""
        return file_fetch(self._client, path, self._auth(), limit=MAX_FILE_BYTES,
                          owner="the registry")


#: The process's adapter (``default_adapter()``).
default_adapter: ProcessAdapter[HttpRegistryAdapter] = ProcessAdapter(
    registry_settings, HttpRegistryAdapter
)
