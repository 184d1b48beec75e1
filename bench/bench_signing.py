"""Signing cost: a one-page result notice signed (PAdES) against the same page unsigned, in
the same run, and the public verification page's latency.

Goal (issue 15): signing ≤ 1.5 × rendering the same page unsigned; verification page
p95 ≤ 100 ms. Prints figures, asserts nothing. Creates its own database and a throwaway
development CA, and drops both.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

KEY_DIR = tempfile.TemporaryDirectory()
os.environ["PDF_SIGNING_BACKEND"] = "development"
os.environ["PDF_SIGNING_KEY_DIR"] = KEY_DIR.name
# The throwaway development keys are stored encrypted; DEBUG is off here, so name a passphrase.
os.environ.setdefault("PDF_SIGNING_PKCS12_PASSPHRASE", "bench-signing-only")
# The test client speaks plain http, as the TLS proxy does to the app.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from _pg import throwaway_database  # noqa: E402  (sets Django up after the environment)
from _results import emit, size  # noqa: E402

ROUNDS = size("BENCH_ROUNDS", 30, 3)
PAGE_VISITS = size("BENCH_VISITS", 300, 30)


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    with throwaway_database("thanhsen_bench_signing"):
        from django.test import Client
        from django.urls import reverse

        from intake.documents.render import result_pdf
        from intake.signing.adapters import signer_for
        from intake.signing.documents import _decision_signature, signed_result
        from intake.signing.services import sign_pdf, verification_url
        from tests.factories import Catalogue, UserFactory, dossier_in
        from thanhsen.roles import Role

        catalogue = Catalogue.build()
        leader = UserFactory(role=Role.WARD_LEADER, position="Chủ tịch")
        dossier = dossier_in("resolved", procedure=catalogue.civil, signer=leader)
        signature = _decision_signature(dossier, signed=True)
        url = verification_url("00000000-0000-0000-0000-000000000000")
        signer = signer_for(leader)

        def render():
            return result_pdf(dossier, verification=url, signature=signature)

        def render_and_sign():
            return sign_pdf(render(), signer=signer, field_name="TSMCbench",
                            signer_name=str(leader))

        render(), render_and_sign()  # warm: fonts, stylesheet, key loaded
        unsigned, signed = [], []
        for _ in range(ROUNDS):  # interleaved, so both see the same machine load
            unsigned.append(_timed(render))
            signed.append(_timed(render_and_sign))
        u, s = statistics.median(unsigned), statistics.median(signed)
        print(f"one-page result, median of {ROUNDS}: rendered {u * 1000:.1f} ms, "
              f"rendered and signed {s * 1000:.1f} ms")
        print(f"  signing adds {(s - u) * 1000:.1f} ms; signed ÷ unsigned = {s / u:.2f} "
              f"(goal ≤ 1.50)")
        emit("signing a one-page result against rendering it unsigned", goal="≤ 1.5 ×",
             measured=f"{s * 1000:.0f} ms vs {u * 1000:.0f} ms", ratio=s / u, met=s / u <= 1.5)

        document = signed_result(dossier)
        client = Client()
        page = reverse("signing:verify", args=[document.id])
        assert client.get(page).status_code == 200
        visits = []
        for _ in range(PAGE_VISITS):
            started = time.perf_counter()
            client.get(page)
            visits.append(time.perf_counter() - started)
        visits.sort()
        p95 = visits[int(len(visits) * 0.95) - 1]
        print(f"verification page, {PAGE_VISITS} visits: median {statistics.median(visits) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms (goal ≤ 100 ms)")
        emit("the public verification page", goal="p95 ≤ 100 ms",
             measured=f"median {statistics.median(visits) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms",
             met=p95 <= 0.1)
    KEY_DIR.cleanup()


if __name__ == "__main__":
    main()
