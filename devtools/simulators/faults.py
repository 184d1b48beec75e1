"""What every simulated system shares: its fault settings, changed at run time, the faults a
call meets, and the control paths (``GET /_stats``, ``POST /_config``, ``POST /_reset``) the
tests and benchmarks use.

A simulator keeps its knobs in a dataclass (the newer ones extend ``FaultFields``); a new seed
resets the random source. ``fault()`` is the failure a call meets, if any (a whole outage, or
one failed call by rate); ``late()`` is the extra delay of an answer that is applied and then
lost to the caller's timeout.
"""

from __future__ import annotations

import json
import random
import threading
from dataclasses import dataclass

from devtools.simulators.server import Reply


@dataclass
class FaultFields:
    latency: float = 0.0  # seconds before every answer
    failure_rate: float = 0.0  # share of calls answered 503 and not applied
    timeout_rate: float = 0.0  # share of calls applied, then answered too late
    timeout_sleep: float = 10.0
    outage: bool = False  # every call answered 503
    seed: int | None = None


class FaultControl:
    """Mixed into a simulator that has ``config`` (a dataclass), ``lock``, ``stats()`` and
    ``reset()``; ``rng`` follows the configured seed. ``__init__`` sets them up for a simulator
    that does not do it itself."""

    def __init__(self, config):
        self.config = config
        self.lock = threading.Lock()
        self.rng = random.Random(config.seed)
        self.failures = self.timeouts = 0

    def configure(self, **changes) -> None:
        with self.lock:
            for name, value in changes.items():
                if not hasattr(self.config, name):
                    raise ValueError(f"unknown setting {name}")
                setattr(self.config, name, value)
            if "seed" in changes:
                self.rng = random.Random(self.config.seed)

    def control(self, method: str, path: str, raw: bytes) -> Reply | None:
        """The answer to a control path, or ``None`` for the system's own paths."""
        if path.rstrip("/") == "/_stats" and method == "GET":
            return Reply(200, self.stats())
        if path.rstrip("/") == "/_reset" and method == "POST":
            self.reset()
            return Reply(200, self.stats())
        if path.rstrip("/") == "/_config" and method == "POST":
            try:
                self.configure(**json.loads(raw or b"{}"))
            except (ValueError, TypeError) as exc:
                return Reply(400, {"error": str(exc)})
            return Reply(200, self.stats())
        return None

    def fault(self) -> tuple[int, dict] | None:
        """Call with the lock held: the failure this call meets, or None."""
        if self.config.outage:
            return 503, {"error": "Hệ thống tạm ngừng phục vụ"}
        if self.rng.random() < self.config.failure_rate:
            self.failures += 1
            return 503, {"error": "unavailable"}
        return None

    def late(self) -> float:
        """Call with the lock held, after applying: the delay that makes the caller time out."""
        if self.rng.random() < self.config.timeout_rate:
            self.timeouts += 1
            return self.config.timeout_sleep
        return 0.0
