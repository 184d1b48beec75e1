"""A stand-in for the national public service portal (Cổng DVCQG), for development and tests.

It checks every message against the contract in the repository and refuses what does not
conform, with the reason; it deduplicates by message id (a resend is answered as the first
time and never applied twice); it refuses a message about a dossier it has not been told to
create. Acknowledgements become available after ``ack_delay`` and are fetched with a cursor;
they can be duplicated or come in reverse order on request. Failures, timeouts and whole
outages are injected by rate, switch or window (``outage_seconds`` from when it is set).
``GET /_stats`` says what arrived: messages per dossier code, ``duplicates`` (a change applied
twice) and ``out_of_order`` (a dossier's message that came after a later one of the same
dossier).

Inbound: it offers residents' online dossiers at ``offer_rate`` per second (or on
``POST /_offer`` with ``{"count": n}``) at ``GET /dossiers?after=<cursor>``, each with a small PDF
at ``/files/<n>`` and its SHA-256; ``offer_twice`` lists each twice, ``bad_file_rate`` serves a
file that is not what it claims (an HTML page named ``.pdf``, with a matching hash).

Coordination (Decree 301/2026): ``POST /coordination`` takes a bundle step (per contract,
``Idempotency-Key``) and routes it to the agency it names on the agencies' simulator, ``GET
/coordination/<reference>`` asks again; each answer carries the legs so far (portal received,
routed to the agency, the agency's result or return). ``_stats`` lists the agencies each
dossier's steps were routed to under ``coordination``.

Control: ``POST /_config`` with any of ``PortalConfig``'s fields, ``POST /_reset``.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import secrets
import threading
import time
from bisect import insort
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qs

from pypdf import PdfWriter

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig
from devtools.simulators.faults import FaultControl
from devtools.simulators.server import Reply
from linkage.portal.contract import CONTRACT, COORDINATION_STEP, OUTGOING


def _declaration_pdf(number: int) -> bytes:
    """A real one-page PDF per offered dossier (our uploads are parsed whole, so a header alone
    would be refused as not a PDF)."""
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_metadata({"/Title": f"To khai {number}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@dataclass
class PortalConfig:
    latency: float = 0.0  # seconds before every answer
    failure_rate: float = 0.0  # share of messages answered 503 and not applied
    timeout_rate: float = 0.0  # share of messages applied, then answered too late
    timeout_sleep: float = 10.0
    outage: bool = False  # every request answered 503
    # > 0: an outage window of this many seconds from the moment it is set (503 meanwhile)
    outage_seconds: float = 0.0
    ack_delay: float = 0.0  # seconds after acceptance before the acknowledgement is available
    # A transfer (ChuyenHoSo) is acknowledged by the competent unit: this much later again.
    transfer_ack_delay: float = 0.0
    duplicate_ack_rate: float = 0.0  # share of acknowledgements listed twice
    reverse_acks: bool = False  # each page of acknowledgements in reverse order
    reject_codes: list[str] = field(default_factory=list)  # dossier codes refused (business)
    reject_kinds: list[str] = field(default_factory=list)  # message kinds refused (business)
    client_id: str = ""  # set: OAuth2 client credentials required
    client_secret: str = ""
    page_size: int = 200
    offer_rate: float = 0.0  # online dossiers offered per second
    offer_twice: bool = False
    bad_file_rate: float = 0.0
    offer_procedures: list[str] = field(default_factory=lambda: ["1.000894.000.00.00.H27"])
    seed: int | None = None


#: The agencies' answer → the coordination system's, and the leg it reports.
_COORDINATION_STATES = {
    "received": ("DaNhan", "CoQuanDaNhan"),
    "done": ("HoanThanh", "CoQuanTraKetQua"),
    "returned": ("TraVe", "CoQuanTraVe"),
}


class PortalSimulator(FaultControl):
    def __init__(self, config: PortalConfig | None = None,
                 agencies: AgencySimulator | None = None):
        self.config = config or PortalConfig()
        #: Where the coordination system routes bundle steps (the same simulator as at
        #: /agencies when ``run_simulators`` serves both).
        self.agencies = agencies or AgencySimulator(SimulatorConfig(seed=self.config.seed))
        self.lock = threading.Lock()
        self.rng = random.Random(self.config.seed)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.accepted: dict[str, dict] = {}  # message id → the message as applied
            self.dossiers: dict[str, list[dict]] = {}  # code → applied messages, arrival order
            self.applied: dict[tuple[str, int], int] = {}  # (code, sequence) → times applied
            self.acks: list[tuple[float, dict]] = []  # (available at, acknowledgement)
            self.tokens: set[str] = set()
            self.received = self.replays = self.rejected = self.failures = self.timeouts = 0
            self.out_of_order = 0
            self.last_rejection = ""
            self.offers: list[dict] = []  # the dossier list as served (duplicates included)
            self.offered = 0
            self.files: dict[str, bytes] = {}
            self.offer_clock = time.monotonic()
            self.linked: dict[str, str] = {}  # portal code → our code, from TaoHoSo
            self.outage_until = 0.0
            self.outage_refusals = 0
            self.routed: dict[str, list[str]] = {}  # dossier code → agencies routed to
            self.legs: dict[str, list[dict]] = {}  # reference → legs reported so far

    def configure(self, **changes) -> None:
        super().configure(**changes)
        if "outage_seconds" in changes:
            with self.lock:
                self.outage_until = time.monotonic() + self.config.outage_seconds

    def down(self) -> bool:
        """In an outage: switched on, or inside the configured window."""
        if self.config.outage or time.monotonic() < self.outage_until:
            with self.lock:
                self.outage_refusals += 1
            return True
        return False

    def stats(self) -> dict:
        with self.lock:
            return {
                "received": self.received,
                "accepted": len(self.accepted),
                "replays": self.replays,
                "rejected": self.rejected,
                "failures": self.failures,
                "timeouts": self.timeouts,
                "duplicates": sum(n - 1 for n in self.applied.values() if n > 1),
                "out_of_order": self.out_of_order,
                "outage_refusals": self.outage_refusals,
                "acknowledgements": len(self.acks),
                "offered": self.offered,
                "linked": len(self.linked),
                "last_rejection": self.last_rejection,
                "messages": {code: len(items) for code, items in self.dossiers.items()},
                "coordination": {code: list(agencies) for code, agencies in self.routed.items()},
                "config": asdict(self.config),
            }

    def history(self, code: str) -> list[dict]:
        """The messages applied for one dossier, in arrival order (tests and demos)."""
        with self.lock:
            return [dict(m) for m in self.dossiers.get(code, [])]

    # --- HTTP ---------------------------------------------------------------------------------
    def __call__(self, method: str, path: str, query: dict, headers: dict, raw: bytes) -> Reply:
        controlled = self.control(method, path, raw)
        if controlled is not None:
            return controlled
        if path == "/_offer" and method == "POST":
            try:
                count = int(json.loads(raw or b"{}").get("count", 1))
            except (ValueError, TypeError, AttributeError):
                return Reply(400, {"error": "count must be a number"})
            return Reply(200, {"offered": [self.offer()["MaHoSoDVCQG"] for _ in range(count)]})
        if path == "/token" and method == "POST":
            return self._token(raw)
        delay = self.config.latency
        if self.down():
            return Reply(503, {"error": "Cổng tạm ngừng phục vụ"}, delay)
        if not self._authorised(headers):
            return Reply(401, {"error": "invalid_token"}, delay)
        if path == "/messages" and method == "POST":
            try:
                message = json.loads(raw or b"{}")
            except ValueError:
                return Reply(400, {"error": "invalid JSON"}, delay)
            status, body, extra = self.receive(message)
            return Reply(status, body, delay + extra)
        if path == "/dossiers" and method == "GET":
            return Reply(200, self.dossier_page(query.get("after", "")), delay)
        if path.startswith("/files/") and method == "GET":
            content = self.files.get(path[len("/files/"):])
            return Reply(200, content, delay) if content is not None else Reply(
                404, {"error": "no such file"}, delay)
        if path == "/coordination" and method == "POST":
            key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), "")
            try:
                step = json.loads(raw or b"{}")
            except ValueError:
                return Reply(400, {"error": "invalid JSON"}, delay)
            status, body, extra = self.coordinate(step, key)
            return Reply(status, body, delay + extra)
        if path.startswith("/coordination/") and method == "GET":
            status, body = self.coordination_status(path[len("/coordination/"):])
            return Reply(status, body, delay)
        if path == "/acknowledgements" and method == "GET":
            return Reply(200, self.acknowledgements(query.get("after", "")), delay)
        if path == "/reconciliation" and method == "GET":
            return Reply(200, self.reconciliation(query.get("from", ""), query.get("to", "")),
                         delay)
        return Reply(404, {"error": "not found"}, delay)

    def _token(self, raw: bytes) -> Reply:
        form = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        if form.get("grant_type") != "client_credentials" or (
            self.config.client_id
            and (form.get("client_id"), form.get("client_secret"))
            != (self.config.client_id, self.config.client_secret)
        ):
            return Reply(401, {"error": "invalid_client"})
        token = secrets.token_hex(16)
        with self.lock:
            self.tokens.add(token)
        return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _authorised(self, headers: dict) -> bool:
        if not self.config.client_id:
            return True
        value = headers.get("Authorization", "")
        return value.startswith("Bearer ") and value[7:] in self.tokens

    # --- the portal's side ---------------------------------------------------------------
    def receive(self, message: dict) -> tuple[int, dict, float]:
        """Returns (HTTP status, body, extra delay before answering)."""
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
                return 422, {"MaThongDiep": message_id if isinstance(message_id, str)
                             and len(message_id) == 36 else "00000000-0000-0000-0000-000000000000",
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
        kind = message.get("LoaiThongDiep")
        schema = OUTGOING.get(kind) if isinstance(kind, str) else None
        if schema is None:
            return f"Loại thông điệp không hợp lệ: {kind!r}."
        errors = CONTRACT.errors(schema, message)
        if errors:
            return "Không đúng hợp đồng: " + "; ".join(errors[:5])
        code = message["MaHoSo"]
        if kind != "TaoHoSo" and code not in self.dossiers:
            return f"Hồ sơ {code} chưa được tạo trên Cổng."
        if code in self.config.reject_codes or kind in self.config.reject_kinds:
            return f"Cổng từ chối thông điệp {kind} của hồ sơ {code} (mô phỏng)."
        return ""

    def _apply(self, message: dict) -> None:
        code, sequence = message["MaHoSo"], message["SoThuTu"]
        items = self.dossiers.setdefault(code, [])
        if items and sequence < items[-1]["SoThuTu"]:
            self.out_of_order += 1
        key = (code, sequence)
        self.applied[key] = self.applied.get(key, 0) + 1
        applied = {
            "MaThongDiep": message["MaThongDiep"],
            "SoThuTu": sequence,
            "LoaiThongDiep": message["LoaiThongDiep"],
            "TrangThaiHoSo": message.get("TrangThaiHoSo"),
            "NgayTiepNhan": message.get("NgayTiepNhan"),
        }
        items.append(applied)
        if message.get("MaHoSoDVCQG"):
            self.linked[message["MaHoSoDVCQG"]] = code
        self.accepted[message["MaThongDiep"]] = applied
        ack = {
            "MaThongDiep": message["MaThongDiep"],
            "MaHoSo": code,
            "SoThuTu": sequence,
            "KetQua": "DaXuLy",
            "ThoiDiem": time.strftime("%Y%m%d%H%M%S"),
        }
        available = time.monotonic() + self.config.ack_delay
        if message["LoaiThongDiep"] == "ChuyenHoSo":
            available += self.config.transfer_ack_delay
        # Kept in the order they become available (a transfer's comes later), so a page never
        # stops at one that is not due while later ones are; what was served is all before
        # ``now`` and stays in place, so the cursor (an index) stays valid.
        insort(self.acks, (available, ack), key=lambda item: item[0])
        if self.rng.random() < self.config.duplicate_ack_rate:
            insort(self.acks, (available, dict(ack)), key=lambda item: item[0])

    # --- the coordination system of the bundles -----------------------------------------
    def coordinate(self, step, key: str) -> tuple[int, dict, float]:
        """Route one bundle step to its agency; (HTTP status, body, extra delay)."""
        errors = CONTRACT.errors(COORDINATION_STEP, step)
        if errors or not key:
            return 422, {"error": "; ".join(errors[:5]) or "Idempotency-Key required"}, 0.0
        payload = {
            "dossier": step["MaHoSo"], "bundle_kind": step["LoaiLienThong"],
            "procedure": step["MaTTHC"], "correction": step.get("LanSua", 0),
            "applicant": {"name": step["ChuHoSo"]["HoTen"],
                          "id_number": step["ChuHoSo"].get("SoDinhDanh", "")},
        }
        agency = step["CoQuanNhan"]
        status, answer, extra = self.agencies.submit(agency, key, payload)
        if status != 200:
            return 503, {"error": f"{agency} unavailable"}, 0.0
        with self.lock:
            routed = self.routed.setdefault(step["MaHoSo"], [])
            if agency not in routed:
                routed.append(agency)
            legs = self.legs.setdefault(answer.get("reference") or f"{key}-returned", [])
            if not legs:
                now = time.strftime("%Y%m%d%H%M%S")
                legs.extend([{"Chang": "CongNhan", "CoQuan": "Cổng DVCQG", "ThoiDiem": now},
                             {"Chang": "ChuyenCoQuan", "CoQuan": agency, "ThoiDiem": now}])
            return 200, self._coordination_answer(agency, answer, legs), extra

    def coordination_status(self, reference: str) -> tuple[int, dict]:
        status, answer = self.agencies.status(reference)
        if status == 404:
            return 404, {"error": "unknown reference"}
        if status != 200:
            return 503, {"error": "agency unavailable"}
        with self.lock:
            legs = self.legs.setdefault(reference, [])
            return 200, self._coordination_answer(reference.split("-", 1)[0], answer, legs)

    @staticmethod
    def _coordination_answer(agency: str, answer: dict, legs: list[dict]) -> dict:
        state, leg = _COORDINATION_STATES[answer["status"]]
        if not any(item["Chang"] == leg for item in legs):
            legs.append({"Chang": leg, "CoQuan": agency,
                         "ThoiDiem": time.strftime("%Y%m%d%H%M%S")})
        body = {"MaThamChieu": answer.get("reference", ""), "TrangThai": state,
                "TienTrinh": [dict(item) for item in legs]}
        if answer.get("result"):
            body["KetQua"] = answer["result"]
        if answer.get("reason"):
            body["LyDo"] = answer["reason"]
        return body

    def acknowledgements(self, after: str) -> dict:
        """Acknowledgements past the cursor (an index) that are due, in one page."""
        start = int(after) if after.isdigit() else 0
        now = time.monotonic()
        with self.lock:
            page = []
            position = start
            for available, ack in self.acks[start:start + self.config.page_size]:
                if available > now:
                    break
                page.append(ack)
                position += 1
            if self.config.reverse_acks:
                page.reverse()
        return {"BienNhan": page, "ConTro": str(position)}

    def reconciliation(self, start: str, end: str) -> dict:
        """What the portal holds per dossier: its last status and last sequence."""
        with self.lock:
            held = []
            for code, items in self.dossiers.items():
                status = next((m["TrangThaiHoSo"] for m in reversed(items)
                               if m["TrangThaiHoSo"] is not None), 1)
                received = next((m["NgayTiepNhan"] for m in reversed(items)
                                 if m["NgayTiepNhan"]), None)
                entry = {"MaHoSo": code, "TrangThaiHoSo": status,
                         "SoThuTuCuoi": max(m["SoThuTu"] for m in items)}
                if received:
                    entry["NgayTiepNhan"] = received
                held.append(entry)
        return {"TuNgay": start or "20000101000000", "DenNgay": end or "29991231235959",
                "HoSo": held}

    # --- inbound: residents' online dossiers ----------------------------------------------
    def offer(self) -> dict:
        """One new online dossier with one component file, listed (twice if configured)."""
        with self.lock:
            self.offered += 1
            number = self.offered
            bad = self.rng.random() < self.config.bad_file_rate
            content = (
                b"<html><body>not a scan</body></html>" if bad
                else _declaration_pdf(number)
            )
            file_id = f"{number:06d}"
            self.files[file_id] = content
            item = {
                "MaHoSoDVCQG": f"G22.99-{time.strftime('%y%m%d')}-{number:06d}",
                "MaTTHC": self.config.offer_procedures[number % len(self.config.offer_procedures)],
                "KenhThucHien": 2,
                "NgayNopHoSo": time.strftime("%Y%m%d%H%M%S"),
                "ChuHoSo": {
                    "HoTen": "Lê Thị Hoa",
                    "SoDinhDanh": f"0421{number:08d}",
                    "SoDienThoai": "0987654321",
                    "DiaChi": "Tổ dân phố 3, phường Thành Sen, Hà Tĩnh",
                },
                "ThanhPhanHoSo": [{
                    "TenGiayTo": "Tờ khai",
                    "TepTin": {
                        "TenTep": f"to-khai-{file_id}.pdf",
                        "DuongDan": f"/files/{file_id}",
                        "MaBam": hashlib.sha256(content).hexdigest(),
                        "KichThuoc": len(content),
                    },
                }],
            }
            self.offers.append(item)
            if self.config.offer_twice:
                self.offers.append(dict(item))
            return item

    def _offer_by_rate(self) -> None:
        if self.config.offer_rate <= 0:
            return
        due = int((time.monotonic() - self.offer_clock) * self.config.offer_rate)
        for _ in range(due):
            self.offer()
        if due:
            self.offer_clock += due / self.config.offer_rate

    def dossier_page(self, after: str) -> dict:
        """Offered dossiers past the cursor (an index), with file paths relative to /portal."""
        self._offer_by_rate()
        start = int(after) if after.isdigit() else 0
        with self.lock:
            page = self.offers[start:start + self.config.page_size]
        return {"HoSo": page, "ConTro": str(start + len(page))}
