"""Every number of the official report, defined once.

A ``Cell`` is one column of Biểu 06/VPCP/KSTT (or a count beside it). It has a *live* filter,
a ``Q`` over ``Dossier`` for a period, which is what the drill-down list shows; and a *rollup*
expression over ``DailyRollup`` that the dashboards sum. ``tests/reports`` hold the two equal
for every cell, period and grouping, so a number and the list behind it cannot disagree.

Some cells read other apps' tables (payments, ratings and complaints, result files, copy
certifications, VNeID filings): the rollup counts them too, day by day, so every number a
dashboard shows, whatever the period, is a sum over the rollup; the drill-down still lists
the dossiers through the cell's ``live`` filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.deadlines import Classification
from cases.models import (
    Channel,
    CopyCertification,
    CopyType,
    DossierDocument,
    DossierEvent,
    Status,
)
from cases.periods import Period
from cases.quality_flags import electronic_result, end_to_end_online, reused_component
from cases.selectors import overdue_at
from cases.synthetic import synthetic_withdrawal
from intake.models import (
    Complaint,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    Rating,
    Score,
)
from linkage.portal.reconciliation import synced_receipt


def _received_in(p: Period) -> Q:
    return Q(received_at__gte=p.start_at, received_at__lt=p.end_at)


def _open_at(moment) -> Q:
    """Received before ``moment`` and neither resolved nor stopped by then."""
    return (
        Q(received_at__lt=moment)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=moment))
        & (Q(stopped_at__isnull=True) | Q(stopped_at__gte=moment))
    )


def _resolved_in(p: Period, classification: str | None = None) -> Q:
    q = Q(resolved_at__gte=p.start_at, resolved_at__lt=p.end_at)
    if classification:
        q &= Q(result_classification=classification)
    return q


def _in_progress(p: Period, overdue: bool | None = None) -> Q:
    """Open at the period's end; overdue by ``cases.selectors.overdue_at``: a dossier waiting
    on someone else then is within its deadline, whatever its stored due date says."""
    q = _open_at(p.end_at)
    if overdue is None:
        return q
    late = overdue_at(p.snapshot_moment(), threshold=p.overdue_threshold())
    return q & (late if overdue else ~late)


def _digitised_exists():
    return Exists(
        DossierDocument.objects.filter(dossier=OuterRef("pk")).filter(
            ~Q(file="") | Q(copy_type=CopyType.ELECTRONIC)
        )
    )


def _refused_at_intake(p: Period) -> Q:
    return Q(status=Status.NOT_ACCEPTED) & Q(
        Exists(DossierEvent.objects.filter(
            dossier=OuterRef("pk"), action="refuse_intake",
            at__gte=p.start_at, at__lt=p.end_at,
        ))
    )


def _processed(p: Period) -> Q:
    """Resolved in the period or still open at its end: the 766 denominators' dossiers."""
    return _resolved_in(p) | _in_progress(p)


def _fee_bearing() -> Q:
    """Dossiers of procedures with a fee rule, as ``Procedure.is_fee_bearing`` says."""
    return Q(procedure__fee__kind__isnull=False) & ~Q(procedure__fee__kind="none")


def _paid_online_exists():
    return Exists(Payment.objects.filter(
        dossier=OuterRef("pk"), purpose=PaymentPurpose.FEE, status=PaymentStatus.PAID,
        method=PaymentMethod.ONLINE,
    ))


def _complained_or_disliked() -> Q:
    """A complaint naming the dossier's code, or an overall rating of "không hài lòng".

    Written as two uncorrelated ``IN`` lists rather than correlated ``EXISTS``: under an ``OR``
    PostgreSQL cannot turn ``EXISTS`` into a join and would probe the complaints (which have no
    index on the dossier code) once per dossier; the lists are small and are hashed once."""
    return Q(code__in=Complaint.objects.exclude(dossier_code="").values("dossier_code")) | Q(
        pk__in=Rating.objects.filter(overall_score=Score.POOR).values("dossier_id"))


def _with_result_document(p: Period) -> Q:
    return _resolved_in(p) & Q(procedure__has_result_document=True)


def _e_result_missing() -> Q:
    """Resolved, its procedure issues a result document, and no electronic result: such a
    dossier is not "digitised" in the 766 sense (components **and** an e-result where due)."""
    return (Q(resolved_at__isnull=False) & Q(procedure__has_result_document=True)
            & ~electronic_result())


def _certified_in(p: Period) -> Q:
    return Q(Exists(CopyCertification.objects.filter(
        dossier=OuterRef("pk"), certified_at__gte=p.start_at, certified_at__lt=p.end_at)))


@dataclass(frozen=True)
class Term:
    """One rollup column read for a period: summed over its days (``days``), or the end-of-day
    snapshot of the period's last day (``end``) or of the day before it (``start``); counted
    with ``sign``, only on rows of ``channels`` when given. ``reports.rollup_reads`` sums a
    cell's terms for any period from whole months and single days."""

    column: str
    at: str = "days"
    sign: int = 1
    channels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Cell:
    code: str
    label: str
    live: Callable[[Period], Q]
    #: The rollup terms whose signed sum is the cell's number.
    rollup: tuple[Term, ...]


def _days(column: str) -> tuple[Term, ...]:
    """Sum of a daily column over the period's days."""
    return (Term(column),)


def _snapshot(column: str, *, at_start: bool = False) -> tuple[Term, ...]:
    """An end-of-day snapshot column on one day: the day before the period, or its last day."""
    return (Term(column, "start" if at_start else "end"),)


def _minus(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    return tuple(Term(t.column, t.at, -t.sign, t.channels) for t in terms)


def _plus(*parts: tuple[Term, ...]) -> tuple[Term, ...]:
    return tuple(term for part in parts for term in part)


def _days_channel(column: str, channels: tuple[str, ...]) -> tuple[Term, ...]:
    return (Term(column, channels=channels),)


_OTHER_CHANNELS = (Channel.DIRECT, Channel.POSTAL)

CELLS: dict[str, Cell] = {c.code: c for c in [
    Cell("received", _("Tổng số hồ sơ tiếp nhận"),
         lambda p: _received_in(p) | _open_at(p.start_at),
         _plus(_days("received"), _snapshot("open_end", at_start=True))),
    Cell("received_online", _("Trực tuyến"),
         lambda p: _received_in(p) & Q(channel=Channel.ONLINE),
         _days_channel("received", (Channel.ONLINE,))),
    Cell("received_other", _("Trực tiếp, dịch vụ bưu chính"),
         lambda p: _received_in(p) & Q(channel__in=_OTHER_CHANNELS),
         _days_channel("received", _OTHER_CHANNELS)),
    Cell("carried_over", _("Từ kỳ trước chuyển sang"),
         lambda p: _open_at(p.start_at),
         _snapshot("open_end", at_start=True)),
    Cell("resolved", _("Tổng số hồ sơ đã giải quyết"),
         lambda p: _resolved_in(p),
         _plus(_days("resolved_early"), _days("resolved_on_time"), _days("resolved_overdue"))),
    Cell("resolved_early", _("Trước hạn"),
         lambda p: _resolved_in(p, Classification.EARLY), _days("resolved_early")),
    Cell("resolved_on_time", _("Đúng hạn"),
         lambda p: _resolved_in(p, Classification.ON_TIME), _days("resolved_on_time")),
    Cell("resolved_overdue", _("Quá hạn"),
         lambda p: _resolved_in(p, Classification.OVERDUE), _days("resolved_overdue")),
    Cell("in_progress", _("Tổng số hồ sơ đang giải quyết"),
         lambda p: _in_progress(p), _snapshot("open_end")),
    Cell("in_progress_within", _("Trong hạn"),
         lambda p: _in_progress(p, overdue=False),
         _plus(_snapshot("open_end"), _minus(_snapshot("open_overdue_end")))),
    Cell("in_progress_overdue", _("Quá hạn"),
         lambda p: _in_progress(p, overdue=True), _snapshot("open_overdue_end")),
    Cell("stopped", _("Dừng xử lý, công dân rút hồ sơ"),
         lambda p: Q(stopped_at__gte=p.start_at, stopped_at__lt=p.end_at,
                     received_at__isnull=False),
         _days("stopped")),
    Cell("not_accepted", _("Không được tiếp nhận"), _refused_at_intake, _days("not_accepted")),
    Cell("stopped_synthetic", _("Dừng xử lý do dữ liệu mô phỏng sinh ra"),
         lambda p: Q(stopped_at__gte=p.start_at, stopped_at__lt=p.end_at,
                     received_at__isnull=False) & synthetic_withdrawal(),
         _days("stopped_synthetic")),
    # Counts the indicators need beside the official columns.
    Cell("received_new", _("Tiếp nhận mới trong kỳ"), _received_in, _days("received")),
    Cell("processed", _("Đã và đang giải quyết"),
         _processed,
         _plus(_days("resolved_early"), _days("resolved_on_time"), _days("resolved_overdue"),
               _snapshot("open_end"))),
    Cell("early_on_time_or_within", _("Giải quyết trước hạn, đúng hạn hoặc đang trong hạn"),
         lambda p: _resolved_in(p, Classification.EARLY) | _resolved_in(p, Classification.ON_TIME)
         | _in_progress(p, overdue=False),
         _plus(_days("resolved_early"), _days("resolved_on_time"), _snapshot("open_end"),
               _minus(_snapshot("open_overdue_end")))),
    Cell("digitised", _("Có thành phần được số hóa và kết quả điện tử khi phải có"),
         lambda p: _received_in(p) & Q(_digitised_exists()) & ~_e_result_missing(),
         _days("digitised")),
    Cell("reused", _("Tái sử dụng dữ liệu đã số hóa"),
         lambda p: _received_in(p) & reused_component(), _days("reused")),
    Cell("resolved_working_days", _("Tổng số ngày làm việc đã giải quyết"),
         lambda p: _resolved_in(p), _days("resolved_working_days")),
    Cell("processed_overdue", _("Đã và đang giải quyết quá hạn"),
         lambda p: _resolved_in(p, Classification.OVERDUE) | _in_progress(p, overdue=True),
         _plus(_days("resolved_overdue"), _snapshot("open_overdue_end"))),
    # What other apps' tables say of the dossiers: rolled up the same way.
    Cell("fee_bearing_received", _("Tiếp nhận mới thuộc thủ tục có phí, lệ phí"),
         lambda p: _received_in(p) & _fee_bearing(), _days("fee_bearing_received")),
    Cell("paid_online", _("Thanh toán phí, lệ phí trực tuyến"),
         lambda p: _received_in(p) & _fee_bearing() & Q(_paid_online_exists()),
         _days("paid_online")),
    Cell("complained", _("Bị phản ánh, kiến nghị hoặc đánh giá không hài lòng"),
         lambda p: _processed(p) & _complained_or_disliked(),
         _plus(_days("resolved_complained"), _snapshot("open_complained_end"))),
    Cell("rated", _("Đã và đang giải quyết, có đánh giá của người dân"),
         lambda p: _processed(p) & Q(pk__in=Rating.objects.values("dossier_id")),
         _plus(_days("resolved_rated"), _snapshot("open_rated_end"))),
    Cell("end_to_end_online", _("Tiếp nhận mới, xử lý trực tuyến toàn trình"),
         lambda p: _received_in(p) & end_to_end_online(), _days("end_to_end_online")),
    Cell("vneid_received", _("Tiếp nhận mới, nộp bằng tài khoản VNeID"),
         lambda p: _received_in(p) & Q(online_submission__signed_in_with_vneid=True),
         _days("vneid_received")),
    Cell("with_result_document", _("Đã giải quyết, thủ tục có văn bản kết quả"),
         _with_result_document, _days("with_result_document")),
    Cell("e_result", _("Có kết quả điện tử"),
         lambda p: _with_result_document(p) & electronic_result(), _days("e_result")),
    Cell("e_certified", _("Chứng thực bản sao điện tử đã ký trong kỳ"), _certified_in,
         _days("e_certified")),
    # The portal's acknowledgements arrive after the day is rolled up, from a log the refresh
    # does not follow: the number is its provider's (``reports.providers.portal_sync``), this
    # cell is the list behind it.
    Cell("portal_synced", _("Tiếp nhận trong kỳ, Cổng DVCQG đã xác nhận đồng bộ"),
         lambda p: _received_in(p) & Q(synced_receipt()), ()),
]}

#: The official table's columns, in the form's order.
BIEU06_COLUMNS = [
    "received", "received_online", "received_other", "carried_over",
    "resolved", "resolved_early", "resolved_on_time", "resolved_overdue",
    "in_progress", "in_progress_within", "in_progress_overdue",
]
#: Counted beside the table (the form has no column for them).
BESIDE_COLUMNS = ["stopped", "not_accepted"]
#: Every cell with rollup terms, in one rollup scan: the dashboard, Biểu 06, the indicators and
#: their providers all read their period's numbers from it.
ROLLUP_CELLS = [name for name, cell in CELLS.items() if cell.rollup]
#: Rollup sums that are not dossier counts, read in the same scan: dossiers with an online
#: fee payment by the payment's day (a dossier paying twice would count twice), which only
#: says whether a procedure saw any online payment in the period.
PROCEDURE_SIGNALS = {"fee_paid_online": _days("fee_paid_online")}


@dataclass(frozen=True)
class Dimension:
    """A way to split the report into rows; the same key on the live and the rollup side."""

    code: str
    label: str
    live_key: object
    rollup_key: str


DIMENSIONS: dict[str, Dimension] = {d.code: d for d in [
    Dimension("field", _("Lĩnh vực"), F("procedure__field_id"), "procedure__field_id"),
    Dimension("procedure", _("Thủ tục"), F("procedure__code"), "procedure__code"),
    Dimension("department", _("Đơn vị xử lý"),
              Coalesce("department_id", "procedure__department_id"), "department_id"),
    Dimension("officer", _("Cán bộ xử lý"), F("handler_id"), "handler_id"),
    Dimension("channel", _("Kênh nộp"), F("channel"), "channel"),
]}
