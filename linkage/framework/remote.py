"""What every connector's HTTP adapter shares besides the JSON client: fetching a file the other
side serves, and one adapter per process, rebuilt when its settings change (tests move the
simulator between runs)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable

from linkage.framework.http import JsonClient
from linkage.framework.outbound import TransportError


def file_fetch(client: JsonClient, path: str, headers: dict, *, limit: int, owner: str) -> bytes:
    """A file's bytes from the other side's own host (a path, never another address), refused
    when larger than ``limit``; the caller checks its hash and content."""
    if not path.startswith("/") or path.startswith("//"):
        raise TransportError(f"file path outside {owner}: {path!r}")
    try:
        status, _reason, raw = client.exchange("GET", path, None, headers)
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    if status != 200:
        raise TransportError(f"HTTP {status} for {path}")
    if len(raw) > limit:
        raise TransportError(f"file larger than {limit} bytes: {path}")
    return raw


class ProcessAdapter[Adapter]:
    """Calling it gives the process's adapter, built from ``settings()`` and built again when
    they differ from the ones it was built with (its ``conf``)."""

    def __init__(self, settings: Callable[[], object], build: Callable[[object], Adapter]):
        self._settings, self._build = settings, build
        self._adapter: Adapter | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Adapter:
        conf = self._settings()
        with self._lock:
            if self._adapter is None or self._adapter.conf != conf:
                self._adapter = self._build(conf)
            return self._adapter
