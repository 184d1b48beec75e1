"""What staff read of the land pipeline: each hop with its allotted time and state, the land
officers' queue with what each dossier waits for, and the connectors' rows on the health page.

Allotted times per hop: the tax authority issues its notice within 5 working days of the land
information (the time the inter-ministerial rules on land information transfer, Joint Circular
88/2016/TTLT-BTC-BTNMT, give it); the office hands its cadastral answer back within what is left
of the department's step allotment (``cases.steps``: the dossier is in that step while at the
office and the tax authority) after those 5 days, in whole working days and at least one (3 for a
10-working-day procedure under the default split), the resident pays by the notice's deadline (outside the time limit: the clock is
paused), and the office returns the result by the dossier's due date. The transfer itself is
held to the integration service levels: sent within 10 minutes, acknowledged within 2 working
hours (Decree 63/2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.calendar import working_calendar
from cases.models import Dossier
from cases.step_selectors import procedure_allotments
from cases.steps import Step, hours_per_day
from linkage.framework.models import OutboundMessage
from linkage.framework.service_levels import ACK_LIMIT_SECONDS
from linkage.land import SYSTEM as LAND
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX

TAX_NOTICE_WORKING_DAYS = 5
MIN_OFFICE_ANSWER_WORKING_DAYS = 1


class HopState:
    NOT_STARTED = "not_started"
    WAITING = "waiting"
    DONE = "done"


STATE_LABELS = {
    HopState.NOT_STARTED: _("Chưa đến bước này"),
    HopState.WAITING: _("Đang chờ"),
    HopState.DONE: _("Đã xong"),
}


@dataclass(frozen=True)
class Hop:
    key: str
    label: str
    allotment: str
    started_at: datetime | None
    finished_at: datetime | None
    due_at: datetime | None
    #: The clock of the dossier stands still during this hop (the payment wait).
    paused: bool = False

    @property
    def state(self) -> str:
        if self.finished_at:
            return HopState.DONE
        return HopState.WAITING if self.started_at else HopState.NOT_STARTED

    @property
    def done(self) -> bool:
        return self.state == HopState.DONE

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def late(self) -> bool:
        """Finished after its allotted time, or still waiting past it."""
        if self.due_at is None or self.started_at is None:
            return False
        return (self.finished_at or timezone.now()) > self.due_at


def _end_of_working_day(start: datetime, days: int) -> datetime:
    cal = working_calendar()
    return cal.end_of_day(cal.add_working_days(timezone.localdate(start), days))


def office_answer_working_days(dossier: Dossier) -> int:
    """The office's share of the department step: its allotment in whole working days, less the
    tax authority's days (kept whether or not the change carries obligations: that is known only
    from the office's answer, and an allotment does not move after the fact)."""
    department_hours = procedure_allotments(dossier.procedure)[Step.DEPARTMENT]
    days = int(department_hours // hours_per_day(working_calendar()))
    return max(MIN_OFFICE_ANSWER_WORKING_DAYS, days - TAX_NOTICE_WORKING_DAYS)


def _transfer_acknowledged_at(dossier_id: int) -> datetime | None:
    return (
        OutboundMessage.objects.filter(stream__system=LAND, stream__dossier_id=dossier_id,
                                       kind="ChuyenHoSo")
        .values_list("acknowledged_at", flat=True).first()
    )


def land_hops(dossier: Dossier, transfer: LandTransfer | None = None) -> list[Hop]:
    """The hops of a land dossier's journey, in order; empty when it was never transferred."""
    transfer = transfer or LandTransfer.objects.filter(dossier_id=dossier.pk).first()
    if transfer is None:
        return []
    cal = working_calendar()
    answer_days = office_answer_working_days(dossier)
    hops = [
        Hop("sent", str(_("Chuyển hồ sơ đến Văn phòng Đăng ký đất đai")),
            str(_("biên nhận trong 2 giờ làm việc")), transfer.sent_at,
            _transfer_acknowledged_at(dossier.pk),
            cal.add_working_seconds(transfer.sent_at, ACK_LIMIT_SECONDS)),
        Hop("answered", str(_("Văn phòng trả thông tin địa chính")),
            str(_("%(n)s ngày làm việc") % {"n": answer_days}),
            transfer.sent_at, transfer.answered_at,
            _end_of_working_day(transfer.sent_at, answer_days)),
    ]
    taxed = transfer.tax_sent_at is not None or transfer.answered_at is None
    if taxed:
        deadline = transfer.notice_deadline
        hops += [
            Hop("notice", str(_("Cơ quan thuế thông báo nghĩa vụ tài chính")),
                str(_("%(n)s ngày làm việc") % {"n": TAX_NOTICE_WORKING_DAYS}),
                transfer.tax_sent_at, transfer.notice_at,
                _end_of_working_day(transfer.tax_sent_at, TAX_NOTICE_WORKING_DAYS)
                if transfer.tax_sent_at else None),
            Hop("paid", str(_("Người nộp thực hiện nghĩa vụ tài chính")),
                str(_("đến hạn nộp trên thông báo (không tính vào thời hạn giải quyết)")),
                transfer.notice_at, transfer.paid_at,
                timezone.make_aware(datetime.combine(deadline, time.max))
                if deadline else None, paused=True),
        ]
    result_from = transfer.paid_at if taxed else transfer.answered_at
    hops.append(
        Hop("result", str(_("Văn phòng trả kết quả")), str(_("đến hạn giải quyết của hồ sơ")),
            result_from, transfer.result_at, dossier.extended_due_at or dossier.due_at)
    )
    return hops


def waiting_for(hops: list[Hop]) -> Hop | None:
    """The hop the dossier is waiting on now (None once the result is back)."""
    return next((hop for hop in hops if not hop.done), None)


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    transfer: LandTransfer
    waiting: Hop | None
    late: bool


def land_queue(*, limit: int = 200) -> list[QueueRow]:
    """Dossiers at the office or the tax authority whose result has not come back, oldest
    transfer first, with the hop each waits on (the land officers' queue)."""
    transfers = (
        LandTransfer.objects.filter(result_at__isnull=True)
        .select_related("dossier__procedure")
        .order_by("sent_at", "pk")[:limit]
    )
    rows = []
    for transfer in transfers:
        hops = land_hops(transfer.dossier, transfer)
        waiting = waiting_for(hops)
        rows.append(QueueRow(transfer.dossier, transfer, waiting, bool(waiting and waiting.late)))
    return rows


def land_sync_health() -> list:
    """The land office's and the tax authority's rows on the sync health page."""
    from linkage.portal.selectors import sync_health

    return [
        {"system": LAND, "label": _("Văn phòng Đăng ký đất đai"), "health": sync_health(
            system=LAND)},
        {"system": TAX, "label": _("Cơ quan thuế"), "health": sync_health(system=TAX)},
    ]


def land_replies_refused() -> QuerySet:
    """Replies that could not be applied (not per contract, a file not what it claims, a
    dossier unknown) and those still waiting for an earlier one, newest first."""
    from linkage.framework.models import InboundItem

    return InboundItem.objects.filter(system__in=(LAND, TAX)).exclude(error="").order_by(
        "-received_at", "-pk")


def land_last_reconciliation():
    """The last comparison with the land office (``linkage.land.reconciliation``), or None."""
    from linkage.framework.models import ReconciliationRun

    return ReconciliationRun.objects.filter(system=LAND).first()


def tax_last_reconciliation():
    """The last comparison of the tax notices with the tax authority's, or None."""
    from linkage.framework.models import ReconciliationRun

    return ReconciliationRun.objects.filter(system=TAX).first()


def land_attention_queue() -> QuerySet:
    """The land office's and the tax authority's messages refused or past a service level."""
    from linkage.portal.selectors import attention_queue

    return attention_queue(LAND, TAX)


def land_messages(dossier_id: int) -> list[OutboundMessage]:
    """The dossier's messages to the land office and the tax authority, in order, each with its
    acknowledgement or the reason it was refused."""
    return list(
        OutboundMessage.objects.filter(stream__dossier_id=dossier_id,
                                       stream__system__in=(LAND, TAX))
        .select_related("stream").order_by("created_at", "pk")
    )
