"""The wire of the sector systems (land office, tax authority): messages out, a reply feed in.

- ``POST {base}/messages`` with the message and ``Idempotency-Key: <MaThongDiep>``: 200/202
  with ``TrangThai: DaNhan`` is accepted; 4xx with ``TrangThai: TuChoi`` and ``LyDo`` is
  rejected (parked for staff); anything else, a timeout or no connection is "try again later".
- ``GET {base}/replies?after=<cursor>``: a page of replies (acknowledgements and answers), each
  checked on its own against the contract by the caller, and the next cursor.
- ``GET {base}/reconciliation``: what the system holds of ours, where the contract has it.

One class serves every such system; each connector gives it its settings and contract.
"""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass

from linkage.framework.contract import Contract, ContractError
from linkage.framework.http import HttpFailure, JsonClient
from linkage.framework.outbound import Delivery, TransportError


@dataclass(frozen=True)
class ExchangeSettings:
    base_url: str
    timeout: float
    api_key: str = ""


class ExchangeAdapter:
    def __init__(self, conf: ExchangeSettings, contract: Contract, *, acceptance: str,
                 reply_page: str, reconciliation: str = ""):
        self.conf = conf
        self.contract = contract
        self.acceptance = acceptance
        self.reply_page = reply_page
        self.reconciliation_schema = reconciliation
        self._client = JsonClient(conf.base_url, conf.timeout)

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, *, body=None, headers=None) -> tuple[int, object]:
        auth = {"Authorization": f"Bearer {self.conf.api_key}"} if self.conf.api_key else {}
        try:
            return self._client.call(method, path, body=body, headers={**auth, **(headers or {})})
        except HttpFailure as exc:
            raise TransportError(str(exc)) from exc

    def _checked(self, schema: str, status: int, answer, what: str):
        if status != 200:
            raise TransportError(f"{what}: HTTP {status}")
        try:
            self.contract.check(schema, answer)
        except ContractError as exc:
            raise TransportError(f"{what} not per contract ({exc.reason})") from exc
        return answer

    def send(self, message: dict) -> Delivery:
        status, answer = self._call(
            "POST", "/messages", body=message,
            headers={"Idempotency-Key": message["MaThongDiep"]},
        )
        if status >= 500 or status in (401, 403, 408, 429):
            raise TransportError(f"HTTP {status}")
        try:
            self.contract.check(self.acceptance, answer)
        except ContractError as exc:
            raise TransportError(f"HTTP {status}: reply not per contract ({exc.reason})") from exc
        if answer["TrangThai"] == "TuChoi":
            return Delivery(accepted=False, reason=answer.get("LyDo", ""))
        if status >= 400:
            raise TransportError(f"HTTP {status}")
        return Delivery(accepted=True)

    def replies(self, cursor: str) -> tuple[list[dict], str]:
        query = urllib.parse.urlencode({"after": cursor})
        status, answer = self._call("GET", f"/replies?{query}")
        answer = self._checked(self.reply_page, status, answer, "replies")
        return answer["PhanHoi"], answer["ConTro"]

    def reconciliation(self) -> dict:
        status, answer = self._call("GET", "/reconciliation")
        return self._checked(self.reconciliation_schema, status, answer, "reconciliation")


class AdapterCache:
    """One adapter per process, rebuilt when its settings change (tests move the simulator)."""

    def __init__(self, build):
        self._build = build
        self._lock = threading.Lock()
        self._adapter: ExchangeAdapter | None = None

    def get(self, conf: ExchangeSettings) -> ExchangeAdapter:
        with self._lock:
            if self._adapter is None or self._adapter.conf != conf:
                self._adapter = self._build(conf)
            return self._adapter
