"""Fault injection shared by the simulators: settings changed at run time, and the faults.

A simulator keeps its knobs in a dataclass with at least the ``FaultFields``; ``Configurable``
gives it ``configure(**changes)`` (unknown names refused, a new seed resets the random source)
and ``fault()``: the failure a request meets, if any (a whole outage, or one failed call by
rate). ``late()`` is the extra delay of an answer that is applied and then lost to a timeout.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass
class FaultFields:
    latency: float = 0.0  # seconds before every answer
    failure_rate: float = 0.0  # share of calls answered 503 and not applied
    timeout_rate: float = 0.0  # share of calls applied, then answered too late
    timeout_sleep: float = 10.0
    outage: bool = False  # every call answered 503
    seed: int | None = None


class Configurable:
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
