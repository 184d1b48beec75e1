"""A stand-in for the agencies' systems (civil-status registry, residence database, social
insurance, labour-social line) for development, tests and the benchmark.

Behaves like an idempotent registry: a submission with a known ``Idempotency-Key`` gets the
first registration back, never a second one. It can be told to be slow, to fail, to time out
after registering (so the reply is lost and the caller must retry with the same key), and to
return a dossier for correction. It counts registrations per key and per (dossier, procedure)
so tests can prove there are no duplicates.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field

from devtools.simulators.faults import FaultControl
from devtools.simulators.server import Reply
from devtools.simulators.server import make_server as serve_systems

RESULT_DOCUMENTS = {
    "1.004222": ("Xác nhận thông tin về cư trú", "CT"),
    "9.000001": ("Thẻ bảo hiểm y tế", "TE1"),
    "9.000003": ("Thẻ căn cước", "CC"),
    "1.003197": ("Thông báo xóa đăng ký thường trú", "XTT"),
    "9.000002": ("Quyết định hưởng chế độ tử tuất", "TT"),
    "1.001731": ("Quyết định hỗ trợ chi phí mai táng", "MT"),
    "1.010824": ("Quyết định trợ cấp mai táng, trợ cấp một lần", "NCC"),
}


@dataclass
class SimulatorConfig:
    latency: float = 0.0  # seconds before every answer
    failure_rate: float = 0.0  # share of calls answered 503 without registering
    timeout_rate: float = 0.0  # share of submissions registered, then answered too late
    timeout_sleep: float = 10.0  # how late such an answer comes
    return_procedures: list[str] = field(default_factory=list)  # rejected once per dossier
    process_seconds: float = 0.0  # > 0: answer "received", "done" on a status query later
    seed: int | None = None


class AgencySimulator(FaultControl):
    def __init__(self, config: SimulatorConfig | None = None):
        self.config = config or SimulatorConfig()
        self.lock = threading.Lock()
        self.rng = random.Random(self.config.seed)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.registrations: dict[str, dict] = {}  # idempotency key → registration
            self.by_reference: dict[str, dict] = {}
            self.per_key: dict[str, int] = {}  # registrations created per key (must stay ≤ 1)
            self.per_subject: dict[tuple[str, str], int] = {}  # per (dossier, procedure)
            self.returned: set[tuple[str, str]] = set()
            self.submissions = self.replays = self.failures = self.timeouts = 0

    def stats(self) -> dict:
        with self.lock:
            return {
                "submissions": self.submissions,
                "registrations": len(self.registrations),
                "replays": self.replays,
                "failures": self.failures,
                "timeouts": self.timeouts,
                "returned": len(self.returned),
                "max_per_key": max(self.per_key.values(), default=0),
                "duplicates": sum(n - 1 for n in self.per_subject.values() if n > 1),
                "config": asdict(self.config),
            }

    # --- the agencies' side --------------------------------------------------------------------
    def submit(self, agency: str, key: str, payload: dict) -> tuple[int, dict, float]:
        """Returns (HTTP status, body, extra delay before answering)."""
        with self.lock:
            self.submissions += 1
            if self.rng.random() < self.config.failure_rate:
                self.failures += 1
                return 503, {"error": "unavailable"}, 0.0
            existing = self.registrations.get(key)
            if existing is not None:
                self.replays += 1
                return 200, self._answer(existing), 0.0
            procedure = str(payload.get("procedure", ""))
            subject = (str(payload.get("dossier", "")), procedure)
            if procedure in self.config.return_procedures and subject not in self.returned:
                self.returned.add(subject)
                return (
                    200,
                    {
                        "status": "returned",
                        "reason": (
                            "Thông tin trong đăng ký hộ tịch không khớp "
                            "Cơ sở dữ liệu quốc gia về dân cư; "
                            "đề nghị kiểm tra, sửa lại."
                        ),
                    },
                    0.0,
                )
            registration = self._register(agency, key, subject, procedure)
            delay = 0.0
            if self.rng.random() < self.config.timeout_rate:
                self.timeouts += 1
                delay = self.config.timeout_sleep
            return 200, self._answer(registration), delay

    def status(self, reference: str) -> tuple[int, dict]:
        with self.lock:
            if self.rng.random() < self.config.failure_rate:
                self.failures += 1
                return 503, {"error": "unavailable"}
            registration = self.by_reference.get(reference)
            if registration is None:
                return 404, {"error": "unknown reference"}
            return 200, self._answer(registration)

    def _register(self, agency: str, key: str, subject: tuple[str, str], procedure: str) -> dict:
        root = ".".join(procedure.split(".")[:2])
        document, prefix = RESULT_DOCUMENTS.get(root, ("Kết quả giải quyết", "KQ"))
        reference = f"{agency}-{uuid.uuid4().hex[:12].upper()}"
        registration = {
            "reference": reference,
            "created": time.monotonic(),
            "result": {
                "document": document,
                "number": f"{prefix}{self.rng.randint(10**9, 10**10 - 1)}",
            },
        }
        self.registrations[key] = registration
        self.by_reference[reference] = registration
        self.per_key[key] = self.per_key.get(key, 0) + 1
        self.per_subject[subject] = self.per_subject.get(subject, 0) + 1
        return registration

    def _answer(self, registration: dict) -> dict:
        if time.monotonic() - registration["created"] < self.config.process_seconds:
            return {"status": "received", "reference": registration["reference"]}
        return {
            "status": "done",
            "reference": registration["reference"],
            "result": registration["result"],
        }


def agency_system(simulator: AgencySimulator):
    """The agencies as a system of the simulators' server (``devtools.simulators.server``):
    ``POST /<agency>/submissions`` with an ``Idempotency-Key``, ``GET /<agency>/submissions/<ref>``,
    ``GET /_stats``, ``POST /_config`` and ``POST /_reset``."""

    def handle(method: str, path: str, query: dict, headers: dict, raw: bytes) -> Reply:
        controlled = simulator.control(method, path, raw)
        if controlled is not None:
            return controlled
        parts = path.strip("/").split("/")
        if method == "GET":
            time.sleep(simulator.config.latency)
            if len(parts) == 3 and parts[1] == "submissions":
                return Reply(*simulator.status(parts[2]))
            return Reply(404, {"error": "not found"})
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return Reply(400, {"error": "invalid JSON"})
        time.sleep(simulator.config.latency)
        key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), "")
        if len(parts) != 2 or parts[1] != "submissions" or not key:
            return Reply(400, {"error": "POST /<agency>/submissions with Idempotency-Key"})
        status, answer, delay = simulator.submit(parts[0], key, body)
        return Reply(status, answer, delay)

    return handle


def make_server(simulator: AgencySimulator, host: str = "127.0.0.1", port: int = 8765):
    """The agencies alone at the root of a server (tests and benchmarks on a spare port)."""
    return serve_systems({"": agency_system(simulator)}, host, port)
