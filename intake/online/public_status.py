"""The public status of a dossier: what the lookup page, the receipt's QR link and the
resident's own page show (the tracker, the situation in words, the due date), read with the
lookup's failure counts in one statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cases import hooks
from cases.deadlines import Pause
from cases.models import Dossier, DossierPause, Outcome, Procedure, Status
from cases.models.dossier import STOPPABLE_STATES
from cases.selectors import dossier_deadline_state
from intake.models import (
    LookupThrottle,
    Payment,
    PaymentStatus,
    Rating,
)
from intake.online.selectors import rating_exists
from intake.payments.providers import online_payment_offered
from intake.payments.selectors import _FEE_CLOSED_STATES, payment_amount_due
from intake.templatetags.intake_tags import vnd
from thanhsen.roles import Role

#: The fixed steps of the resident's progress tracker: what happens, not what has happened,
#: so the step a dossier stands at never reads as already done.
TRACKER_STEPS = (
    gettext_lazy("Nộp hồ sơ"),
    gettext_lazy("Tiếp nhận"),
    gettext_lazy("Giải quyết"),
    gettext_lazy("Có kết quả"),
    gettext_lazy("Trả kết quả"),
)

#: How far along the tracker each state is: (steps done, current step or None).
_TRACKER_POSITION = {
    Status.SUBMITTED: (1, 1),
    Status.RECEIVED: (2, 2),
    Status.IN_PROGRESS: (2, 2),
    Status.SUPPLEMENT_REQUESTED: (2, 2),
    Status.AWAITING_PAYMENT: (2, 2),
    Status.AWAITING_APPROVAL: (2, 2),
    Status.RESOLVED: (4, 4),
    Status.RETURNED: (5, None),
    Status.NOT_ACCEPTED: (1, None),
    Status.STOPPED: (1, None),
}


#: What the dossier waits for at its current step, shown beside that step.
WAITS = {
    "check": gettext_lazy("chờ cán bộ kiểm tra"),
    "completion": gettext_lazy("chờ hoàn thiện hồ sơ"),
    "supplement": gettext_lazy("chờ bổ sung"),
    "payment": gettext_lazy("chờ nộp phí"),
    "approval": gettext_lazy("chờ ký duyệt"),
    "collect": gettext_lazy("mời nhận kết quả"),
}


def tracker_wait(dossier) -> str:
    """The key of what the dossier waits for now (``WAITS``), or "" when it is simply moving.

    A result whose fee is unpaid waits for the fee: the counter cannot hand it over before.
    """
    status = dossier.status
    if status == Status.SUBMITTED:
        return "completion" if dossier.completion_request else "check"
    if status == Status.RESOLVED:
        return "payment" if dossier.fee_amount and not dossier.fee_paid_at else "collect"
    return {
        Status.SUPPLEMENT_REQUESTED: "supplement",
        Status.AWAITING_PAYMENT: "payment",
        Status.AWAITING_APPROVAL: "approval",
    }.get(status, "")


@dataclass(frozen=True)
class TrackerStep:
    label: str
    state: str  # "done", "current" or "todo"
    wait: str = ""


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the second factor may read: no personal data."""

    code: str
    procedure_name: str
    initials: str
    status: str
    headline: str
    next_step: str
    to_bring: str
    steps: list[TrackerStep]
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    returned_at: datetime | None
    amount_due: int
    stop_pending: bool
    can_rate: bool
    #: ``within``, ``waiting`` (within its deadline, waiting on the resident or another
    #: authority since ``waiting_since``) or ``overdue`` while open (``cases.selectors``);
    #: empty once finished or before receipt.
    deadline_state: str = ""
    waiting_since: datetime | None = None
    wait: str = ""

    # Formatted here rather than by template filters, so that the status card's layout can be
    # rendered once per shape and filled with these values (``intake.online.views``).
    @property
    def submitted_display(self) -> str:
        return _local(self.submitted_at, "%H:%M %d/%m/%Y", self._zone)

    @property
    def received_display(self) -> str:
        return _local(self.received_at, "%H:%M %d/%m/%Y", self._zone)

    @property
    def appointment_display(self) -> str:
        return _local(self.appointment_at, "%d/%m/%Y", self._zone)

    @property
    def returned_display(self) -> str:
        return _local(self.returned_at, "%H:%M %d/%m/%Y", self._zone)

    @property
    def waiting_display(self) -> str:
        return _local(self.waiting_since, "%H:%M %d/%m/%Y", self._zone)

    @cached_property
    def _zone(self):
        """The current time zone, read once for all the dates of an answer: each read takes
        a lock in asgiref's thread-and-task-local storage."""
        return timezone.get_current_timezone()

    @property
    def amount_display(self) -> str:
        return vnd(self.amount_due) if self.amount_due else ""


def _local(value: datetime | None, pattern: str, zone) -> str:
    """As the template's ``date`` filter prints it, in ``zone`` (``strftime`` with the same
    all-numeric fields is many times cheaper than Django's ``dateformat``)."""
    return timezone.localtime(value, zone).strftime(pattern) if value else ""


def initials(name: str) -> str:
    """``Nguyễn Văn An`` → ``N. V. A.``: enough to recognise one's own dossier, no more."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part)


def tracker(status: str, wait: str = "", language: str | None = None) -> list[TrackerStep]:
    """The steps in ``language``, by default the active one."""
    return list(_tracker(status, wait, language or get_language()))


@lru_cache(maxsize=128)
def _tracker(status: str, wait: str, language: str | None) -> tuple[TrackerStep, ...]:
    """The steps for a status and a wait in a language: fixed, so built once (the lookup's
    hot path)."""
    done, current = _TRACKER_POSITION[Status(status)]
    steps = []
    for index, label in enumerate(TRACKER_STEPS):
        state = "done" if index < done else "current" if index == current else "todo"
        note = str(WAITS[wait]) if wait and state == "current" else ""
        steps.append(TrackerStep(str(label), state, note))
    return tuple(steps)


#: What the status page says in each situation: headline, what happens next, what to bring.
#: ``None`` stands for the dossier's own text (the officer's request or reason).
_PHRASES = {
    "completion": (
        gettext_lazy("Cần hoàn thiện hồ sơ"),
        gettext_lazy("Đăng nhập, mở hồ sơ trong mục “Hồ sơ của tôi” và gửi bổ sung các nội dung "
                     "dưới đây. Hồ sơ được tiếp nhận khi đã đầy đủ."),
        None,
    ),
    Status.SUBMITTED: (
        gettext_lazy("Đã gửi, chờ cán bộ kiểm tra"),
        gettext_lazy("Cán bộ tiếp nhận kiểm tra hồ sơ trong giờ làm việc. Nếu đầy đủ, hồ sơ được "
                     "tiếp nhận và bạn nhận tin nhắn kèm ngày hẹn trả kết quả."),
        "",
    ),
    Status.RECEIVED: (
        gettext_lazy("Đã tiếp nhận"),
        gettext_lazy("Hồ sơ được chuyển tới đơn vị giải quyết. Bạn không cần làm gì thêm."),
        "",
    ),
    Status.IN_PROGRESS: (
        gettext_lazy("Đang giải quyết"),
        gettext_lazy("Đơn vị chuyên môn đang thẩm định hồ sơ. Bạn không cần làm gì thêm; chúng "
                     "tôi sẽ báo khi có kết quả."),
        "",
    ),
    Status.SUPPLEMENT_REQUESTED: (
        gettext_lazy("Cần bổ sung giấy tờ"),
        gettext_lazy("Bổ sung các giấy tờ dưới đây trực tuyến (mục “Hồ sơ của tôi”) hoặc tại "
                     "quầy. Thời hạn giải quyết được tính lại từ khi nhận đủ."),
        None,
    ),
    Status.AWAITING_PAYMENT: (
        gettext_lazy("Chờ thực hiện nghĩa vụ tài chính"),
        gettext_lazy("Thanh toán trực tuyến trong mục “Hồ sơ của tôi” hoặc nộp tiền mặt tại quầy. "
                     "Thời hạn giải quyết tạm dừng cho tới khi thanh toán xong."),
        "",
    ),
    # No payment provider configured: the fee is paid at the counter only.
    "payment_at_counter": (
        gettext_lazy("Chờ thực hiện nghĩa vụ tài chính"),
        gettext_lazy("Nộp tiền tại quầy tiếp nhận của Trung tâm trong giờ làm việc. Thời hạn giải "
                     "quyết tạm dừng cho tới khi thanh toán xong."),
        "",
    ),
    # An obligation paid to the authority that levied it (the tax authority's notice).
    "payment_elsewhere": (
        gettext_lazy("Chờ thực hiện nghĩa vụ tài chính"),
        gettext_lazy("Nộp tiền tại cơ quan thuế theo thông báo nộp tiền (hoặc trực tuyến qua Cổng "
                     "Dịch vụ công quốc gia). Thời hạn giải quyết tạm dừng cho tới khi cơ quan "
                     "thuế xác nhận đã nộp."),
        "",
    ),
    Status.RESOLVED: (
        gettext_lazy("Đã có kết quả"),
        gettext_lazy("Mời bạn đến Trung tâm nhận kết quả trong giờ làm việc."),
        gettext_lazy("Căn cước của người nhận; giấy ủy quyền nếu nhận thay."),
    ),
    # Approved, and the result is issued by another system (the civil-status registry's
    # extract) that has not answered yet.
    "result_held": (
        gettext_lazy("Đã phê duyệt, chờ cấp trích lục"),
        gettext_lazy("Hồ sơ đang chờ Cơ sở dữ liệu hộ tịch cấp số đăng ký và trích lục điện tử. "
                     "Bạn không cần làm gì thêm; chúng tôi sẽ báo khi có kết quả."),
        "",
    ),
    "refused": (
        gettext_lazy("Đã có kết quả: từ chối giải quyết"),
        gettext_lazy("Mời bạn đến Trung tâm nhận kết quả trong giờ làm việc."),
        gettext_lazy("Căn cước của người nhận; giấy ủy quyền nếu nhận thay."),
    ),
    Status.RETURNED: (
        gettext_lazy("Đã trả kết quả"),
        gettext_lazy("Hồ sơ đã hoàn thành. Mời bạn đánh giá mức độ hài lòng."),
        "",
    ),
    Status.NOT_ACCEPTED: (gettext_lazy("Không được tiếp nhận"), None, ""),
    Status.STOPPED: (
        gettext_lazy("Đã dừng xử lý"),
        gettext_lazy("Hồ sơ đã dừng theo đề nghị hoặc theo quy định."),
        "",
    ),
}
_PHRASES[Status.AWAITING_APPROVAL] = _PHRASES[Status.IN_PROGRESS]


def _situation(dossier: Dossier) -> str:
    if dossier.status == Status.SUBMITTED and dossier.completion_request:
        return "completion"
    if dossier.status == Status.RESOLVED and dossier.outcome == Outcome.REFUSED:
        return "refused"
    if dossier.status == Status.RESOLVED and hooks.result_hold(dossier):
        return "result_held"
    if dossier.status == Status.AWAITING_PAYMENT and Payment.objects.filter(
        dossier_id=dossier.id, status=PaymentStatus.PENDING
    ).exclude(levied_by="").exists():
        return "payment_elsewhere"
    if dossier.status == Status.AWAITING_PAYMENT and not online_payment_offered():
        return "payment_at_counter"
    return dossier.status


@lru_cache(maxsize=64)
def _phrases(situation: str, language: str | None) -> tuple[str | None, ...]:
    """A situation's phrases translated once per language: the lookup's hot path."""
    return tuple(None if phrase is None else str(phrase) for phrase in _PHRASES[situation])


def _texts(dossier: Dossier, language: str | None) -> tuple[str, str, str]:
    """The headline, what happens next and what to bring, in plain Vietnamese."""
    headline, next_step, to_bring = _phrases(_situation(dossier), language)
    if next_step is None:
        next_step = dossier.not_accepted_reason
    if to_bring is None:
        to_bring = (dossier.completion_request if dossier.status == Status.SUBMITTED
                    else dossier.supplement_request)
    return headline, next_step, to_bring


def dossier_public_status(
    dossier: Dossier, *, amount_due: int | None = None, rated: bool | None = None,
    now: datetime | None = None,
) -> PublicStatus:
    """The public view of a dossier (``Dossier`` or the lookup's ``PublicDossier``).

    ``amount_due`` and ``rated`` are read here unless the caller already has them.
    """
    # Read once: each read of the active language takes a lock (asgiref's local storage).
    language = get_language()
    headline, next_step, to_bring = _texts(dossier, language)
    stop_pending = bool(dossier.stop_requested_at) and dossier.status in STOPPABLE_STATES
    if stop_pending:
        next_step = _("Bạn đã đề nghị dừng xử lý; cơ quan giải quyết sẽ ra thông báo dừng.")
    if amount_due is None:
        amount_due = payment_amount_due(dossier)
    if not amount_due and dossier.fee_amount and not dossier.fee_paid_at \
            and dossier.status not in _FEE_CLOSED_STATES:
        # A dossier received at the counter owes its fee without a payable item online.
        amount_due = dossier.fee_amount
    wait = tracker_wait(dossier)
    if rated is None:
        rated = rating_exists(dossier)
    if isinstance(dossier, PublicDossier):
        open_pause = [Pause(dossier.open_pause_since, None)] if dossier.open_pause_since else []
        deadline = dossier_deadline_state(dossier, now=now, pauses=open_pause)
    else:
        deadline = dossier_deadline_state(dossier, now=now)
    return PublicStatus(
        code=dossier.code,
        procedure_name=(
            dossier.procedure_name if isinstance(dossier, PublicDossier) else dossier.procedure.name
        ),
        initials=initials(dossier.applicant_name),
        status=dossier.status,
        headline=str(headline),
        next_step=str(next_step),
        to_bring=str(to_bring),
        steps=tracker(dossier.status, wait, language),
        wait=wait,
        submitted_at=dossier.created_at,
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        returned_at=dossier.returned_at,
        amount_due=amount_due,
        stop_pending=stop_pending,
        can_rate=dossier.status == Status.RETURNED and not rated,
        deadline_state=deadline.state if deadline else "",
        waiting_since=deadline.waiting_since if deadline else None,
    )


#: Columns the public status page reads, in the order ``_LOOKUP_SQL`` selects them.
_LOOKUP_FIELDS = (
    "id", "code", "status", "procedure_id", "applicant_name", "applicant_phone",
    "applicant_id_number", "created_at", "received_at", "due_at", "extended_due_at",
    "returned_at", "completion_request", "supplement_request", "not_accepted_reason", "outcome",
    "stop_requested_at", "supplement_requested_at", "supplemented_at", "fee_amount",
    "fee_paid_at",
)
_DATETIME_FIELDS = frozenset(
    {"created_at", "received_at", "due_at", "extended_due_at", "returned_at", "stop_requested_at",
     "supplement_requested_at", "supplemented_at", "open_pause_since", "fee_paid_at"}
)
#: The public lookup is the most used page: one round trip and no ORM query compilation; only
#: the columns the status page reads, the amount still due, whether it was rated, and the
#: failures counted against the client and the code (``LookupThrottle``). The counters come
#: first and the dossier is joined to them, so an unknown code costs the same statement.
_LOOKUP_SQL = f"""
SELECT t.client_failures, t.code_failures,
       {", ".join(f"d.{name}" for name in _LOOKUP_FIELDS)},
       (SELECT MIN(w.started_at) FROM {DossierPause._meta.db_table} w
         WHERE w.dossier_id = d.id AND w.started_at <= %(now)s
           AND (w.ended_at IS NULL OR w.ended_at > %(now)s)),
       p.name,
       (SELECT pay.amount FROM {Payment._meta.db_table} pay
         WHERE pay.dossier_id = d.id AND pay.status = 'pending'
         ORDER BY pay.created_at LIMIT 1),
       EXISTS (SELECT 1 FROM {Rating._meta.db_table} r WHERE r.dossier_id = d.id)
  FROM (SELECT (SELECT failures FROM {LookupThrottle._meta.db_table}
                 WHERE key = %(client_key)s AND window_ends_at > %(now)s) AS client_failures,
               (SELECT failures FROM {LookupThrottle._meta.db_table}
                 WHERE key = %(code_key)s AND window_ends_at > %(now)s) AS code_failures) t
  LEFT JOIN {Dossier._meta.db_table} d ON d.code = %(code)s
  LEFT JOIN {Procedure._meta.db_table} p ON p.id = d.procedure_id
"""


@dataclass(frozen=True)
class PublicDossier:
    """The columns of a dossier the public pages read: building a full ``Dossier`` (with its
    state-machine set-up) would cost the lookup a good share of its time."""

    id: int
    code: str
    status: str
    procedure_id: int
    applicant_name: str
    applicant_phone: str
    applicant_id_number: str
    created_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    extended_due_at: datetime | None
    returned_at: datetime | None
    completion_request: str
    supplement_request: str
    not_accepted_reason: str
    outcome: str
    stop_requested_at: datetime | None
    supplement_requested_at: datetime | None
    supplemented_at: datetime | None
    #: When the earliest pause open now began (payment, tax notice, confirmations), or None.
    open_pause_since: datetime | None
    fee_amount: int
    fee_paid_at: datetime | None
    procedure_name: str

    @property
    def appointment_at(self) -> datetime | None:
        """As ``Dossier.appointment_at``: the apology's new date if there is one."""
        return self.extended_due_at or self.due_at


@dataclass(frozen=True)
class LookupRow:
    dossier: PublicDossier
    amount_due: int
    rated: bool


def _aware(value):
    """Datetimes as the ORM would give them (SQLite hands a bare cursor naive UTC or text)."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@lru_cache(maxsize=1)
def _preparing_cursor_class():
    """A psycopg cursor that binds on the server and prepares every statement it runs, and
    has the results sent in binary, which psycopg reads faster than text (the lookup's row is
    mostly timestamps)."""
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True, binary=True, **kwargs)

    return PreparingCursor


def _fetch_one(sql: str, params: dict):
    """One row, through a prepared statement on PostgreSQL.

    Planning the lookup's query took five times as long as running it. Django binds
    parameters on the client, which cannot prepare, so the query goes through a psycopg
    cursor that binds on the server and keeps the plan on the connection (kept between
    requests by ``CONN_MAX_AGE``). A pooler in transaction mode would need this switched off.
    When queries are logged or captured (``DEBUG``, tests) or execute wrappers are installed,
    the cursor is wrapped like Django's own, so the statement shows there; otherwise Django's
    wrapper is left out (its checks kept: a broken transaction refuses, database errors come
    out as Django's), and the connection is looked up once: both cost the busiest page more
    than the rest of reading its row.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    db.ensure_connection()
    with _preparing_cursor_class()(db.connection) as raw:
        if db.queries_logged or db.execute_wrappers:
            wrap = db.make_debug_cursor if db.queries_logged else db.make_cursor
            with wrap(raw) as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            raw.execute(sql, params)
            return raw.fetchone()


@dataclass(frozen=True)
class LookupAttempt:
    """What one lookup statement read: the dossier (None for an unknown code) and the
    failures already counted in the current window against the client and the code."""

    row: LookupRow | None
    client_failures: int
    code_failures: int


def dossier_for_lookup(code: str, *, client_key: str = "", code_key: str = "") -> LookupAttempt:
    """The dossier behind a code for the public pages, with the lookup's failure counts
    (zero for empty keys), in one statement."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {"code": code, "client_key": client_key, "code_key": code_key, "now": now}
    client_failures, code_failures, *row = _fetch_one(_LOOKUP_SQL, params)
    counts = {"client_failures": client_failures or 0, "code_failures": code_failures or 0}
    if row[0] is None:
        return LookupAttempt(row=None, **counts)
    values = dict(zip(_LOOKUP_FIELDS, row, strict=False))
    open_pause_since, procedure_name, amount_due, rated = row[len(_LOOKUP_FIELDS):]
    values["open_pause_since"] = open_pause_since
    if connection.vendor != "postgresql":  # psycopg gives aware datetimes already
        for name in _DATETIME_FIELDS:
            values[name] = _aware(values[name])
    dossier = PublicDossier(**values, procedure_name=procedure_name)
    return LookupAttempt(row=LookupRow(dossier=dossier, amount_due=amount_due or 0, rated=bool(rated)),
                         **counts)


def dossier_owned_by(*, code: str, user) -> bool:
    """Whether ``user`` is the resident who filed the dossier with this code."""
    if user is None or not user.is_authenticated or user.role != Role.RESIDENT:
        return False
    return Dossier.objects.filter(code=code, applicant_user=user).exists()
