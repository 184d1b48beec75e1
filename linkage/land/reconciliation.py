"""Reconciliation with the land office: the last step each side recorded, per transferred dossier.

Daily from beat and on demand. The office lists every dossier of ours it holds with the last
step it recorded; ours is what our transfer row says. A dossier whose messages are still on
their way is not a mismatch. The run is stored like the portal's (``ReconciliationRun``) and
listed on the sync health page.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from linkage.framework.models import MessageState, OutboundMessage, ReconciliationRun
from linkage.land import SYSTEM as LAND
from linkage.land.models import LandTransfer
from linkage.land.services import land_adapter

MISSING = "missing"  # we transferred it and it was acknowledged; the office does not hold it
STAGE = "stage"  # both hold it, at different steps (a reply or a message got lost)
UNKNOWN = "unknown"  # the office holds a dossier we never transferred


def our_stage(transfer: LandTransfer) -> str:
    """Our side of the office's ``BuocCuoi``: the last step we recorded."""
    if transfer.result_at:
        return "DaTraKetQua"
    if transfer.paid_at:
        return "DaHoanThanhNghiaVu"
    if transfer.answered_at:
        return "DaTraThongTin"
    return "DaNhan"


def land_reconcile(*, actor=None, adapter=None, now: datetime | None = None
                   ) -> ReconciliationRun:
    now = now or timezone.now()
    adapter = adapter or land_adapter()
    theirs = {entry["MaHoSo"]: entry["BuocCuoi"] for entry in adapter.reconciliation()["HoSo"]}
    in_flight = set(
        OutboundMessage.objects.filter(
            stream__system=LAND, state__in=(MessageState.PENDING, MessageState.SENT)
        ).values_list("stream__dossier__code", flat=True)
    )
    ours = {t.dossier.code: our_stage(t) for t in LandTransfer.objects.select_related("dossier")}
    mismatches = []
    for code, stage in sorted(ours.items()):
        if code in in_flight:
            continue
        held = theirs.get(code)
        if held is None:
            mismatches.append({"code": code, "kind": MISSING, "ours": stage, "theirs": None})
        elif held != stage:
            mismatches.append({"code": code, "kind": STAGE, "ours": stage, "theirs": held})
    for code, held in sorted(theirs.items()):
        if code not in ours:
            mismatches.append({"code": code, "kind": UNKNOWN, "ours": None, "theirs": held})
    today = timezone.localdate(now)
    return ReconciliationRun.objects.create(
        system=LAND, period_start=today, period_end=today, ran_at=now, ran_by=actor,
        checked=len(ours), held_by_them=len(theirs), mismatches=mismatches,
    )
