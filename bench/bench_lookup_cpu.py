"""CPU of one status lookup beyond a bare Django view, in one process, without the network.

``bench_lookup.py`` measures what the goal names (throughput under load against gunicorn), but
on a shared machine its figures move by more than one small change saves. This calls Django's
WSGI handler directly, as gunicorn would, and times CPU only: the same htmx lookup (random
dossier, right factor) and the same bare view, 2,000 requests each, three times. The figure to
compare between two versions of the code is "extra": the lookup's CPU beyond the bare view's.
Prints figures, asserts nothing. ``BENCH_DOSSIERS`` sets the seeded count (100,000 by default).
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from urllib.parse import urlencode

import bench_lookup
from _pg import throwaway_database
from _results import emit, size

DOSSIERS = size("BENCH_DOSSIERS", 100_000, 5_000)
REQUESTS = size("BENCH_REQUESTS", 2_000, 200)
REPEATS = 3


def environ(method: str, path: str, body: bytes = b"", **headers) -> dict:
    return {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)), **headers,
    }


def main() -> None:
    with bench_lookup.site_modules() as folder:
        sys.path.insert(0, str(folder))
        os.environ.update(DJANGO_SETTINGS_MODULE="_bench_lookup_settings", DEBUG="0",
                          SECRET_KEY="bench-lookup-only")
        with throwaway_database("thanhsen_bench_lookup_cpu"):
            start = bench_lookup.seed(DOSSIERS)
            measure(start)


def measure(start) -> None:
    from django.core.handlers.wsgi import WSGIHandler
    from django.middleware.csrf import _get_new_csrf_string

    handler = WSGIHandler()
    # The header carries the cookie's value, as the benchmark's clients and htmx pages send it.
    secret = _get_new_csrf_string()
    rng = random.Random(1)

    def call(env) -> tuple[str, bytes]:
        statuses = []
        response = handler(env, lambda status, headers: statuses.append(status))
        content = b"".join(response)
        response.close()
        return statuses[0], content

    def lookup():
        n = rng.randrange(DOSSIERS)
        body = urlencode({"code": bench_lookup._code(n, start),
                          "factor": bench_lookup._phone(n)[-4:]}).encode()
        status, content = call(environ(
            "POST", "/tra-cuu/", body, CONTENT_TYPE="application/x-www-form-urlencoded",
            HTTP_COOKIE=f"csrftoken={secret}", HTTP_X_CSRFTOKEN=secret, HTTP_HX_REQUEST="true",
        ))
        assert status.startswith("200") and b"status-card" in content, status

    def bare():
        assert call(environ("GET", "/bare/"))[1] == b"ok"

    def cpu_us(fn) -> float:
        began = time.process_time()
        for _ in range(REQUESTS):
            fn()
        return (time.process_time() - began) * 1e6 / REQUESTS

    for _ in range(min(300, REQUESTS)):
        lookup()
        bare()
    print(f"{DOSSIERS:,} dossiers, {REQUESTS:,} requests each, CPU of this process per request")
    extras = []
    for _ in range(REPEATS):
        bare_us, lookup_us = cpu_us(bare), cpu_us(lookup)
        extras.append(lookup_us - bare_us)
        print(f"bare {bare_us:6.0f} µs   lookup {lookup_us:6.0f} µs   extra {lookup_us - bare_us:6.0f} µs")
    emit(f"status lookup's CPU beyond a bare view, one process, {DOSSIERS:,} dossiers", goal="—",
         measured=f"{min(extras) / 1000:.2f}–{max(extras) / 1000:.2f} ms per request")


if __name__ == "__main__":
    main()
