"""What every simulated system shares: its fault settings, changed at run time, and the control
paths (``GET /_stats``, ``POST /_config``, ``POST /_reset``) the tests and benchmarks use."""

from __future__ import annotations

import json
import random

from devtools.simulators.server import Reply


class FaultControl:
    """Mixed into a simulator that has ``config`` (a dataclass), ``lock``, ``stats()`` and
    ``reset()``; ``rng`` follows the configured seed."""

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
