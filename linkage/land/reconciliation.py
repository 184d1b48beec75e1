"""Reconciliation with the land office and the tax authority, per land dossier.

Daily from beat and on demand. The office lists every dossier of ours it holds with the last
step it recorded; ours is what our transfer row says. The tax authority lists every notice it
issued for our dossiers with its amount and whether it was paid; ours is the notice our transfer
row recorded. A dossier whose messages to that system are still on their way is not a
mismatch. Each run is stored like the portal's (``ReconciliationRun``, per system) and the last
one of each is listed on the sync health page.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from linkage.framework.models import MessageState, OutboundMessage, ReconciliationRun
from linkage.land import SYSTEM as LAND
from linkage.land.services import land_adapter, tax_adapter
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX

MISSING = "missing"  # we hold it (acknowledged); the other system does not
STAGE = "stage"  # both hold the dossier, at different steps (a reply or a message got lost)
UNKNOWN = "unknown"  # the other system holds a dossier or notice we never recorded
PAID = "paid"  # one side recorded the notice paid, the other did not
AMOUNT = "amount"  # both hold the notice, with different amounts


def our_stage(transfer: LandTransfer) -> str:
    """Our side of the office's ``BuocCuoi``: the last step we recorded."""
    if transfer.result_at:
        return "DaTraKetQua"
    if transfer.paid_at:
        return "DaHoanThanhNghiaVu"
    if transfer.answered_at:
        return "DaTraThongTin"
    return "DaNhan"


def _in_flight(system: str) -> set[str]:
    """Codes of dossiers with a message to ``system`` not yet acknowledged."""
    return set(
        OutboundMessage.objects.filter(
            stream__system=system, state__in=(MessageState.PENDING, MessageState.SENT)
        ).values_list("stream__dossier__code", flat=True)
    )


def _run_store(*, system: str, now: datetime, actor, checked: int, held: int,
               mismatches: list[dict]) -> ReconciliationRun:
    today = timezone.localdate(now)
    return ReconciliationRun.objects.create(
        system=system, period_start=today, period_end=today, ran_at=now, ran_by=actor,
        checked=checked, held_by_them=held, mismatches=mismatches,
    )


def land_reconcile(*, actor=None, adapter=None, now: datetime | None = None
                   ) -> ReconciliationRun:
    now = now or timezone.now()
    adapter = adapter or land_adapter()
    theirs = {entry["MaHoSo"]: entry["BuocCuoi"] for entry in adapter.reconciliation()["HoSo"]}
    in_flight = _in_flight(LAND)
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
    return _run_store(system=LAND, now=now, actor=actor, checked=len(ours), held=len(theirs),
                      mismatches=mismatches)


def _notice_mismatches(number: str, ours: dict | None, theirs: dict | None) -> list[dict]:
    """What differs about one notice: each difference is its own line, so a notice with a
    different amount that only they recorded as paid is listed twice."""
    code = (ours or theirs)["code"]
    if theirs is None:
        return [{"code": code, "notice": number, "kind": MISSING, "ours": number,
                 "theirs": None}]
    if ours is None:
        return [{"code": code, "notice": number, "kind": UNKNOWN, "ours": None,
                 "theirs": number}]
    found = []
    if ours["amount"] != theirs["amount"]:
        found.append({"code": code, "notice": number, "kind": AMOUNT,
                      "ours": ours["amount"], "theirs": theirs["amount"]})
    if ours["paid"] != theirs["paid"]:
        found.append({"code": code, "notice": number, "kind": PAID,
                      "ours": ours["paid"], "theirs": theirs["paid"]})
    return found


def tax_reconcile(*, actor=None, adapter=None, now: datetime | None = None
                  ) -> ReconciliationRun:
    """Per notice: the number, the amount and whether it was paid, ours against the authority's.

    Ours are the land dossiers with a notice (``notice_number``); a payment the authority
    recorded whose confirmation we never applied shows as ``PAID`` (ours False, theirs True)."""
    now = now or timezone.now()
    adapter = adapter or tax_adapter()
    theirs = {
        entry["SoThongBao"]: {"code": entry["MaHoSo"], "amount": entry["SoTien"],
                              "paid": entry["DaNop"]}
        for entry in adapter.reconciliation()["ThongBao"]
    }
    in_flight = _in_flight(TAX)
    ours = {
        t.notice_number: {"code": t.dossier.code, "amount": t.notice_amount,
                          "paid": t.paid_at is not None}
        for t in LandTransfer.objects.exclude(notice_number="").select_related("dossier")
    }
    mismatches = []
    for number in sorted(ours.keys() | theirs.keys()):
        mine, held = ours.get(number), theirs.get(number)
        if (mine or held)["code"] in in_flight:
            continue
        mismatches.extend(_notice_mismatches(number, mine, held))
    return _run_store(system=TAX, now=now, actor=actor, checked=len(ours), held=len(theirs),
                      mismatches=mismatches)
