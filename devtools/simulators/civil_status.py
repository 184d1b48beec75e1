"""A stand-in for the civil-status registry (the Ministry of Justice's shared e-civil-status
software), for development and tests, served under ``/civil-status/`` by ``run_simulators``.

It checks every registration against the contract in the repository and refuses what does not
conform; it deduplicates by message id (a resend is answered as the first time and registered
once). Each accepted registration gets an acknowledgement after ``ack_delay`` seconds and a
result after ``result_delay``: the registration number, book and page with the electronic
extract (a small PDF at ``/files/<n>``, with its SHA-256), or, for a dossier code listed in
``return_codes``, a return for correction of ``return_field`` (once per code: the corrected
resend is registered). Replies are fetched with a cursor; they can be duplicated or come in
reverse order on request. Failures, timeouts and outages are injected like the portal's.

``GET /_stats`` says what arrived, with the dossier codes received; ``POST /_config`` with any of
``CivilStatusConfig``'s fields; ``POST /_reset``.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import threading
import time
from dataclasses import asdict, dataclass, field

from pypdf import PdfWriter

from devtools.simulators.faults import FaultControl
from devtools.simulators.server import Reply
from linkage.civil_status.contract import CONTRACT, REGISTRATION

BOOK = "01/2026"


def _extract_pdf(code: str, number: str) -> bytes:
    """A real one-page PDF standing for the signed extract (uploads are parsed whole)."""
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_metadata({"/Title": f"Trich luc {number}", "/Subject": code})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@dataclass
class CivilStatusConfig:
    latency: float = 0.0  # seconds before every answer
    failure_rate: float = 0.0  # share of registrations answered 503 and not applied
    timeout_rate: float = 0.0  # share applied, then answered too late
    timeout_sleep: float = 10.0
    outage: bool = False  # every request answered 503
    ack_delay: float = 0.0  # seconds after acceptance before the acknowledgement is listed
    result_delay: float = 0.0  # seconds after acceptance before the result is listed
    duplicate_reply_rate: float = 0.0  # share of replies listed twice
    reverse_replies: bool = False  # each page of replies in reverse order (result before ack)
    reject_codes: list[str] = field(default_factory=list)  # refused at once (TuChoi)
    return_codes: list[str] = field(default_factory=list)  # returned for correction once
    return_field: str = "NguoiYeuCau.HoTen"
    return_reason: str = (
        "Họ tên không khớp Cơ sở dữ liệu quốc gia về dân cư; đề nghị kiểm tra, sửa lại."
    )
    page_size: int = 200
    seed: int | None = None


class CivilStatusSimulator(FaultControl):
    def __init__(self, config: CivilStatusConfig | None = None):
        self.config = config or CivilStatusConfig()
        self.lock = threading.Lock()
        self.rng = random.Random(self.config.seed)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.accepted: dict[str, dict] = {}  # message id → registration applied
            self.codes: list[str] = []  # dossier codes received, arrival order (with repeats)
            self.registered: dict[str, dict] = {}  # dossier code → number, book, page
            self.per_code: dict[str, int] = {}  # registrations made per dossier code
            self.returned: set[str] = set()
            self.replies: list[tuple[float, dict]] = []
            self.files: dict[str, bytes] = {}
            self.received = self.replays = self.rejected = self.failures = self.timeouts = 0
            self.last_rejection = ""
            self.serial = 0

    def stats(self) -> dict:
        with self.lock:
            return {
                "received": self.received,
                "accepted": len(self.accepted),
                "replays": self.replays,
                "rejected": self.rejected,
                "failures": self.failures,
                "timeouts": self.timeouts,
                "registered": len(self.registered),
                "returned": sorted(self.returned),
                "duplicates": sum(n - 1 for n in self.per_code.values() if n > 1),
                "replies": len(self.replies),
                "last_rejection": self.last_rejection,
                "codes": sorted(set(self.codes)),
                "config": asdict(self.config),
            }

    # --- HTTP ---------------------------------------------------------------------------------
    def __call__(self, method: str, path: str, query: dict, headers: dict, raw: bytes) -> Reply:
        controlled = self.control(method, path, raw)
        if controlled is not None:
            return controlled
        delay = self.config.latency
        if self.config.outage:
            return Reply(503, {"error": "Cơ sở dữ liệu hộ tịch tạm ngừng phục vụ"}, delay)
        if path == "/registrations" and method == "POST":
            try:
                message = json.loads(raw or b"{}")
            except ValueError:
                return Reply(400, {"error": "invalid JSON"}, delay)
            status, body, extra = self.receive(message)
            return Reply(status, body, delay + extra)
        if path == "/replies" and method == "GET":
            return Reply(200, self.reply_page(query.get("after", "")), delay)
        if path.startswith("/files/") and method == "GET":
            content = self.files.get(path[len("/files/"):])
            return Reply(200, content, delay) if content is not None else Reply(
                404, {"error": "no such file"}, delay)
        if path == "/reconciliation" and method == "GET":
            return Reply(200, self.reconciliation(query.get("from", ""), query.get("to", "")),
                         delay)
        return Reply(404, {"error": "not found"}, delay)

    # --- the registry's side -------------------------------------------------------------
    def receive(self, message: dict) -> tuple[int, dict, float]:
        message_id = message.get("MaThongDiep") if isinstance(message, dict) else None
        with self.lock:
            self.received += 1
            if self.rng.random() < self.config.failure_rate:
                self.failures += 1
                return 503, {"error": "unavailable"}, 0.0
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
            self._apply(message)
            delay = 0.0
            if self.rng.random() < self.config.timeout_rate:
                self.timeouts += 1
                delay = self.config.timeout_sleep
            return 200, {"MaThongDiep": message_id, "TrangThai": "DaNhan"}, delay

    def _refusal(self, message) -> str:
        if not isinstance(message, dict):
            return "Thông điệp phải là một đối tượng JSON."
        errors = CONTRACT.errors(REGISTRATION, message)
        if errors:
            return "Không đúng hợp đồng: " + "; ".join(errors[:5])
        if message["MaHoSo"] in self.config.reject_codes:
            return f"Cơ sở dữ liệu hộ tịch từ chối đăng ký của hồ sơ {message['MaHoSo']} (mô phỏng)."
        return ""

    def _reply(self, message: dict, kind: str, **more) -> dict:
        self.serial += 1
        return {"MaPhanHoi": f"PH-{self.serial:08d}", "MaThongDiep": message["MaThongDiep"],
                "MaHoSo": message["MaHoSo"], "LoaiPhanHoi": kind,
                "ThoiDiem": time.strftime("%Y%m%d%H%M%S"), **more}

    def _list(self, available: float, reply: dict) -> None:
        self.replies.append((available, reply))
        if self.rng.random() < self.config.duplicate_reply_rate:
            self.replies.append((available, dict(reply)))

    def _apply(self, message: dict) -> None:
        code = message["MaHoSo"]
        self.codes.append(code)
        self.accepted[message["MaThongDiep"]] = {"MaHoSo": code, "LanGui": message["LanGui"]}
        now = time.monotonic()
        self._list(now + self.config.ack_delay, self._reply(message, "BienNhan"))
        if code in self.config.return_codes and code not in self.returned:
            self.returned.add(code)
            result = self._reply(message, "TraVe", TruongSai=self.config.return_field,
                                 LyDo=self.config.return_reason)
        else:
            registration = self.registered.get(code)
            if registration is None:
                number = str(len(self.registered) + 1)
                registration = {"SoDangKy": number, "QuyenSo": BOOK,
                                "TrangSo": str(len(self.registered) // 4 + 1)}
                self.registered[code] = registration
                self.per_code[code] = self.per_code.get(code, 0) + 1
            content = _extract_pdf(code, registration["SoDangKy"])
            file_id = f"{self.serial + 1:08d}"
            self.files[file_id] = content
            result = self._reply(
                message, "DaDangKy", **registration, NgayDangKy=time.strftime("%Y%m%d%H%M%S"),
                TrichLuc={"TenTep": f"trich-luc-{registration['SoDangKy']}.pdf",
                          "DuongDan": f"/files/{file_id}",
                          "MaBam": hashlib.sha256(content).hexdigest(),
                          "KichThuoc": len(content)},
            )
        self._list(now + max(self.config.result_delay, self.config.ack_delay), result)

    def reply_page(self, after: str) -> dict:
        """Replies past the cursor (an index) that are due, in one page."""
        start = int(after) if after.isdigit() else 0
        now = time.monotonic()
        with self.lock:
            page = []
            position = start
            for available, reply in self.replies[start:start + self.config.page_size]:
                if available > now:
                    break
                page.append(reply)
                position += 1
            if self.config.reverse_replies:
                page.reverse()
        return {"PhanHoi": page, "ConTro": str(position)}

    def reconciliation(self, start: str, end: str) -> dict:
        with self.lock:
            held = [{"MaHoSo": code, **registration}
                    for code, registration in sorted(self.registered.items())]
        return {"TuNgay": start or "20000101000000", "DenNgay": end or "29991231235959",
                "DangKy": held}
