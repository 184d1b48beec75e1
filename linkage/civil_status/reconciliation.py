"""Reconciliation with the registry: the registrations we recorded against those it holds.

Daily from beat (yesterday) and on demand. A registration we hold as registered in the period
that the registry does not hold, or holds with another number, book or page, is a mismatch;
so is one it holds for a dossier of ours that we never saw registered (its reply was lost:
the officer asks the registry to send it again). Registrations still awaiting an answer are
not mismatches.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases.policy import sync_denial_reason
from linkage.civil_status import SYSTEM
from linkage.civil_status.mapping import registry_time
from linkage.civil_status.services import registry_adapter
from linkage.framework.models import ReconciliationRun
from linkage.models import CivilRegistration, RegistrationState
from thanhsen.errors import ApplicationError, ErrorKind

MISSING = "missing"  # we recorded it registered, the registry does not hold it
DIFFERENT = "different"  # both hold it, with another number, book or page
UNKNOWN = "unknown"  # the registry holds it, we never received its registration


def reconciliation_run(*, start: date, end: date, actor=None, adapter=None,
                       now: datetime | None = None) -> ReconciliationRun:
    if actor is not None:
        reason = sync_denial_reason(actor, "retry")
        if reason:
            raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    adapter = adapter or registry_adapter()
    answer = adapter.reconciliation(start=registry_time(since),
                                    end=registry_time(until - timedelta(seconds=1)))
    theirs = {entry["MaHoSo"]: entry for entry in answer["DangKy"]}
    ours = {
        r.dossier.code: r for r in CivilRegistration.objects.filter(
            registered_at__gte=since, registered_at__lt=until,
            state=RegistrationState.REGISTERED,
        ).select_related("dossier")
    }
    mismatches = []
    for code, record in sorted(ours.items()):
        held = theirs.get(code)
        mine = f"{record.number}/{record.book}/{record.page}"
        if held is None:
            mismatches.append({"code": code, "kind": MISSING, "ours": mine, "theirs": None})
        elif (held["SoDangKy"], held["QuyenSo"], held["TrangSo"]) != (
            record.number, record.book, record.page
        ):
            mismatches.append({"code": code, "kind": DIFFERENT, "ours": mine,
                               "theirs": f"{held['SoDangKy']}/{held['QuyenSo']}/{held['TrangSo']}"})
    for code in sorted(set(theirs) - set(ours)):
        registered_elsewhere = CivilRegistration.objects.filter(
            dossier__code=code, state=RegistrationState.REGISTERED
        ).exists()
        if not registered_elsewhere:
            held = theirs[code]
            mismatches.append({"code": code, "kind": UNKNOWN, "ours": None,
                               "theirs": f"{held['SoDangKy']}/{held['QuyenSo']}/{held['TrangSo']}"})
    return ReconciliationRun.objects.create(
        system=SYSTEM, period_start=start, period_end=end, ran_at=now, ran_by=actor,
        checked=len(ours), held_by_them=len(theirs), mismatches=mismatches,
    )
