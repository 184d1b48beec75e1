"""What the land office and tax authority simulators share: a message inbox and a reply feed.

``POST /messages`` checks the message against the connector's contract in the repository and
refuses what does not conform (with the reason), deduplicates by message id (a resend is
answered as the first time and never applied twice) and lets the system react by queueing
replies. ``GET /replies?after=<cursor>`` serves them after ``reply_delay`` seconds, each
acknowledgement and answer with its own reply id; ``duplicate_reply_rate`` lists some twice and
``reverse_replies`` serves each page backwards (out of order). ``GET /_stats`` says what
arrived: the dossier codes received, messages per code, replays, refusals, failures.
Control: ``POST /_config`` (any field of the config), ``POST /_reset``; faults as
``devtools.simulators.faults``.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

from devtools.simulators.faults import FaultControl, FaultFields
from devtools.simulators.server import Reply


@dataclass
class SectorConfig(FaultFields):
    reply_delay: float = 0.0  # seconds after a message before its replies are served
    duplicate_reply_rate: float = 0.0
    reverse_replies: bool = False
    reject_codes: list[str] = field(default_factory=list)  # dossier codes refused (business)
    page_size: int = 200


class SectorSimulator(FaultControl):
    #: The connector's contract and its outgoing kinds → schema (set by each system).
    contract = None
    outgoing: dict[str, str] = {}
    prefix = "PH"

    def __init__(self, config: SectorConfig | None = None):
        super().__init__(config or self.default_config())
        self.reset()

    @classmethod
    def default_config(cls):
        return SectorConfig()

    def reset(self) -> None:
        with self.lock:
            self.accepted: dict[str, dict] = {}  # message id → message
            self.dossiers: dict[str, list[str]] = {}  # code → kinds, in arrival order
            self.replies: list[tuple[float, dict]] = []  # (available at, reply)
            self.received = self.replays = self.rejected = 0
            self.failures = self.timeouts = 0
            self.issued = 0
            self.last_rejection = ""
            self.reset_system()

    def reset_system(self) -> None:
        """Each system's own state (called with the lock held)."""

    def stats(self) -> dict:
        with self.lock:
            return {
                "received": self.received,
                "accepted": len(self.accepted),
                "replays": self.replays,
                "rejected": self.rejected,
                "failures": self.failures,
                "timeouts": self.timeouts,
                "replies": len(self.replies),
                "last_rejection": self.last_rejection,
                "dossiers": sorted(self.dossiers),
                "messages": {code: list(kinds) for code, kinds in self.dossiers.items()},
                **self.system_stats(),
                "config": asdict(self.config),
            }

    def system_stats(self) -> dict:
        return {}

    # --- HTTP ---------------------------------------------------------------------------------
    def __call__(self, method: str, path: str, query: dict, headers: dict, raw: bytes) -> Reply:
        controlled = self.control(method, path, raw)
        if controlled is not None:
            return controlled
        if path.startswith("/_") and method == "POST":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return Reply(400, {"error": "invalid JSON"})
            return self.system_control(path, body if isinstance(body, dict) else {})
        delay = self.config.latency
        if path == "/messages" and method == "POST":
            try:
                message = json.loads(raw or b"{}")
            except ValueError:
                return Reply(400, {"error": "invalid JSON"}, delay)
            status, body, extra = self.receive(message)
            return Reply(status, body, delay + extra)
        with self.lock:
            failed = self.fault()
        if failed:
            return Reply(*failed, delay)
        if path == "/replies" and method == "GET":
            return Reply(200, self.reply_page(query.get("after", "")), delay)
        if path == "/reconciliation" and method == "GET":
            return Reply(200, self.reconciliation(), delay)
        return Reply(404, {"error": "not found"}, delay)

    def system_control(self, path: str, body: dict) -> Reply:
        """A system's own ``POST /_…`` controls (the tax authority's payment)."""
        return Reply(404, {"error": "not found"})

    def reconciliation(self) -> dict:
        return {"HoSo": []}

    # --- the system's side --------------------------------------------------------------------
    def receive(self, message) -> tuple[int, dict, float]:
        message_id = message.get("MaThongDiep") if isinstance(message, dict) else None
        with self.lock:
            self.received += 1
            failed = self.fault()
            if failed:
                return *failed, 0.0
            if isinstance(message_id, str) and message_id in self.accepted:
                self.replays += 1
                return 200, {"MaThongDiep": message_id, "TrangThai": "DaNhan"}, 0.0
            reason = self._refusal(message)
            if reason:
                self.rejected += 1
                self.last_rejection = reason
                valid_id = isinstance(message_id, str) and len(message_id) == 36
                return 422, {"MaThongDiep": message_id if valid_id
                             else "00000000-0000-0000-0000-000000000000",
                             "TrangThai": "TuChoi", "LyDo": reason}, 0.0
            self.accepted[message_id] = message
            self.dossiers.setdefault(message["MaHoSo"], []).append(message["LoaiThongDiep"])
            self.reply(message, "BienNhan", MaThongDiep=message_id, KetQua="DaXuLy")
            for kind, body in self.react(message):
                self.reply(message, kind, **body)
            return 200, {"MaThongDiep": message_id, "TrangThai": "DaNhan"}, self.late()

    def _refusal(self, message) -> str:
        if not isinstance(message, dict):
            return "Thông điệp phải là một đối tượng JSON."
        kind = message.get("LoaiThongDiep")
        schema = self.outgoing.get(kind) if isinstance(kind, str) else None
        if schema is None:
            return f"Loại thông điệp không hợp lệ: {kind!r}."
        errors = self.contract.errors(schema, message)
        if errors:
            return "Không đúng hợp đồng: " + "; ".join(errors[:5])
        if message["MaHoSo"] in self.config.reject_codes:
            return f"Từ chối hồ sơ {message['MaHoSo']} (mô phỏng)."
        return self.refusal(message)

    def refusal(self, message: dict) -> str:
        """A system's own business refusal of a conforming message ("" accepts it)."""
        return ""

    def react(self, message: dict) -> list[tuple[str, dict]]:
        """The answers a new message causes, besides its acknowledgement."""
        return []

    def reply(self, message_or_code, kind: str, **body) -> dict:
        """Queue one reply (lock held); listed twice by ``duplicate_reply_rate``."""
        self.issued += 1
        code = (message_or_code["MaHoSo"] if isinstance(message_or_code, dict)
                else message_or_code)
        reply = {"MaPhanHoi": f"{self.prefix}-{self.issued:08d}", "LoaiPhanHoi": kind,
                 "MaHoSo": code, "ThoiDiem": time.strftime("%Y%m%d%H%M%S"), **body}
        available = time.monotonic() + self.config.reply_delay
        self.replies.append((available, reply))
        if self.rng.random() < self.config.duplicate_reply_rate:
            self.replies.append((available, dict(reply)))
        return reply

    def reply_page(self, after: str) -> dict:
        start = int(after) if after.isdigit() else 0
        now = time.monotonic()
        with self.lock:
            page = []
            for available, reply in self.replies[start:start + self.config.page_size]:
                if available > now:
                    break
                page.append(reply)
            if self.config.reverse_replies:
                page.reverse()
        return {"PhanHoi": page, "ConTro": str(start + len(page))}
