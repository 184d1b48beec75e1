"""Reads of dossiers and the catalogue: what each user may see, and the shared filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.calendar import working_calendar
from cases.deadlines import (
    Classification,
    Pause,
    classify_open,
    handover_late,
    handover_warning_horizon,
    overdue_threshold,
    wait_open_at,
)
from cases.models import (
    Authorisation,
    CompetentAuthority,
    CopyCertification,
    Dossier,
    DossierEvent,
    DossierPause,
    Procedure,
    RequiredDocument,
    Status,
)
from cases.models.dossier import (
    AWAITING_SUPPLEMENT,
    FINISHED_STATES,
    OPEN_STATES,
    QUEUE_ORDER,
    TO_RECEIVE,
)
from cases.policy import may_search_by_personal_data
from cases.search import fold
from cases.validators import normalise_phone
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import HANDLER_ROLES, Role


def procedure_list() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_current=True)
        .select_related("field", "department", "agency")
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("position", "id"))
        )
        .order_by("field__name", "name")
    )


def procedure_get(*, code: str) -> Procedure:
    procedure = procedure_list().filter(code=code).first()
    if procedure is None:
        raise ApplicationError(_("Không tìm thấy thủ tục."), kind=ErrorKind.NOT_FOUND)
    return procedure


def dossier_visibility(user, *, prefix: str = "") -> Q | None:
    """The dossiers ``user`` may see, as a condition on a query whose dossier is reached
    through ``prefix`` (``"bundle__dossier__"``): ``Q()`` for all, ``None`` for none.

    Center staff see every dossier; handlers their department's; residents their own.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.RESIDENT:
        return Q(**{f"{prefix}applicant_user": user})
    if user.role in HANDLER_ROLES:
        return Q(**{f"{prefix}department_id": user.department_id}) | Q(
            **{f"{prefix}department__isnull": True,
               f"{prefix}procedure__department_id": user.department_id}
        )
    return Q()


def dossier_visible_to(user) -> QuerySet[Dossier]:
    dossiers = Dossier.objects.select_related(
        "procedure", "procedure__field", "department", "handler"
    )
    visible = dossier_visibility(user)
    return dossiers.none() if visible is None else dossiers.filter(visible)


def _one_by_code(dossiers: QuerySet[Dossier], code: str) -> Dossier:
    """The dossier with ``code`` among ``dossiers``; "not found" as the user's error otherwise
    (also when the dossier exists but the user may not see it)."""
    dossier = dossiers.filter(code=code).first()
    if dossier is None:
        raise ApplicationError(_("Không tìm thấy hồ sơ."), kind=ErrorKind.NOT_FOUND)
    return dossier


def dossier_get(*, user, code: str, with_events: bool = False) -> Dossier:
    dossiers = dossier_visible_to(user)
    if with_events:
        dossiers = dossiers.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related("actor", "authorisation"))
        )
    return _one_by_code(dossiers, code)


# --- deadlines: one definition of "overdue now" for every list, count and page ---------------
def waiting_at(moment: datetime) -> Q:
    """Dossiers waiting on someone else at ``moment``: the resident's papers (a supplement
    requested and not yet in) or any recorded pause (payment or tax notice, relatives' VNeID
    confirmations), open from its start (included) to its end (excluded).

    The SQL twin of ``cases.deadlines.wait_open_at`` over ``dossier_waits``; the daily rollup
    (``reports.rollups``) writes the same condition in its own SQL.
    """
    supplement = Q(supplement_requested_at__lte=moment) & (
        Q(supplemented_at__isnull=True) | Q(supplemented_at__gt=moment)
    )
    paused = Exists(
        DossierPause.objects.filter(dossier=OuterRef("pk"), started_at__lte=moment).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment)
        )
    )
    return supplement | Q(paused)


def overdue_at(moment: datetime, *, threshold: datetime) -> Q:
    """Of dossiers open at ``moment``: past the due date (before ``threshold``, see
    ``overdue_threshold``) and not waiting. Within deadline is the open dossiers without it."""
    return Q(due_at__lt=threshold) & ~waiting_at(moment)


def open_overdue(now: datetime) -> Q:
    """Open dossiers overdue now: the "Quá hạn" queue, the API's filter, the tags on pages."""
    return Q(status__in=OPEN_STATES, due_at__isnull=False) & overdue_at(
        now, threshold=overdue_threshold(now)
    )


def open_within(now: datetime) -> Q:
    """Open dossiers within their deadline now, waiting ones included."""
    return Q(status__in=OPEN_STATES, due_at__isnull=False) & ~overdue_at(
        now, threshold=overdue_threshold(now)
    )


def dossier_filter_overdue(dossiers: QuerySet[Dossier], *, overdue: bool, now: datetime | None = None):
    """Open dossiers overdue (or within their deadline) now, by ``open_overdue``.

    Classification uses the original due date even after an apology and new date.
    """
    now = now or timezone.now()
    return dossiers.filter(open_overdue(now) if overdue else open_within(now))


def dossier_waits(dossier, pauses=None) -> list[Pause]:
    """A dossier's waits on someone else: the supplement wait and its recorded pauses.

    ``pauses`` may be given (rows with ``started_at``/``ended_at``) when the caller read them;
    otherwise ``dossier.pauses.all()`` (prefetched where lists show many dossiers).
    """
    waits = []
    if dossier.supplement_requested_at:
        waits.append(Pause(dossier.supplement_requested_at, dossier.supplemented_at))
    rows = dossier.pauses.all() if pauses is None else pauses
    waits.extend(Pause(p.started_at, p.ended_at) for p in rows)
    return waits


@dataclass(frozen=True)
class DeadlineState:
    """Where an open dossier stands against its deadline, as pages show it."""

    classification: Classification
    waiting_since: datetime | None = None

    @property
    def state(self) -> str:
        """``waiting``, ``within`` or ``overdue``: a waiting dossier is within its deadline."""
        return "waiting" if self.waiting_since else self.classification.value


def dossier_deadline_state(dossier, *, now: datetime | None = None, pauses=None) -> DeadlineState | None:
    """The Python twin of ``open_overdue``/``open_within`` for one dossier; None when the
    dossier is not open or has no due date."""
    if dossier.status not in OPEN_STATES or not dossier.due_at:
        return None
    now = now or timezone.now()
    waits = dossier_waits(dossier, pauses)
    return DeadlineState(
        classification=classify_open(due_at=dossier.due_at, waits=waits, now=now),
        waiting_since=wait_open_at(waits, now),
    )


def dossier_deadline_states(dossiers, *, now: datetime | None = None) -> None:
    """Attach ``deadline`` (a ``DeadlineState`` or None) to each dossier of a page, reading
    the pauses of all of them in one query."""
    dossiers = list(dossiers)
    now = now or timezone.now()
    pauses: dict[int, list] = {}
    for pause in DossierPause.objects.filter(dossier_id__in=[d.pk for d in dossiers]):
        pauses.setdefault(pause.dossier_id, []).append(pause)
    horizon = handover_warning_horizon(working_calendar(), now)
    for d in dossiers:
        d.deadline = dossier_deadline_state(d, now=now, pauses=pauses.get(d.pk, []))
        d.handover_late = dossier_handover_late(d, now=now)
        d.handover_at_risk = (not d.handover_late and d.status == Status.RECEIVED
                              and d.handed_over_at is None and d.handover_due_at is not None
                              and d.handover_due_at <= horizon)


def dossier_handover_late(dossier: Dossier, *, now: datetime | None = None) -> bool:
    """Whether the counter step overran: handed to the department after its deadline, or still
    at the counter past it (the row mark; the "handover_late" queue lists the open ones)."""
    return handover_late(
        due=dossier.handover_due_at, handed_over_at=dossier.handed_over_at,
        now=now or timezone.now(), pending=dossier.status == Status.RECEIVED,
    )


def dossier_classification(dossier: Dossier, *, now: datetime | None = None) -> Classification | None:
    """Early / on time / overdue once finished, within / overdue while open; None otherwise."""
    if dossier.status in FINISHED_STATES and dossier.result_classification:
        return Classification(dossier.result_classification)
    state = dossier_deadline_state(dossier, now=now)
    return state.classification if state else None


def dossier_available_actions(dossier: Dossier, user) -> list[str]:
    """State-machine transitions this user may take now, by the shared permission rules."""
    return [t.name for t in dossier.get_available_user_status_transitions(user)]



# --- the staff workspace ---------------------------------------------------------------------
#: What the shared dossier table shows (``templates/cases/_dossier_table.html``).
QUEUE_COLUMNS = (
    "code", "channel", "status", "applicant_name", "created_at", "due_at", "extended_due_at",
    "fee_amount", "fee_paid_at",
    "procedure__name", "procedure__field__name", "department__name",
    "handler__username", "handler__first_name", "handler__last_name",
    "supplement_requested_at", "supplemented_at", "handover_due_at", "handed_over_at",
)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    tone: str = ""


QUEUES = {
    "to_receive": Queue("to_receive", gettext_lazy("Chờ tiếp nhận")),
    "to_take": Queue("to_take", gettext_lazy("Chờ nhận xử lý")),
    "mine": Queue("mine", gettext_lazy("Hồ sơ của tôi")),
    "due_soon": Queue("due_soon", gettext_lazy("Đến hạn trong 1 ngày làm việc"), "warn"),
    "overdue": Queue("overdue", gettext_lazy("Quá hạn"), "bad"),
    "awaiting_supplement": Queue("awaiting_supplement", gettext_lazy("Chờ bổ sung, hoàn thiện")),
    "awaiting_payment": Queue("awaiting_payment", gettext_lazy("Chờ nghĩa vụ tài chính")),
    "awaiting_approval": Queue("awaiting_approval", gettext_lazy("Chờ tôi phê duyệt")),
    "ready_to_return": Queue("ready_to_return", gettext_lazy("Chờ trả kết quả"), "ok"),
    "to_hand_over": Queue("to_hand_over", gettext_lazy("Chờ chuyển cơ quan giải quyết"), "warn"),
    "handover_late": Queue("handover_late", gettext_lazy("Chuyển cơ quan giải quyết muộn"), "bad"),
}

#: The queues each role works from, in the order of its day.
ROLE_QUEUES = {
    Role.COUNTER_OFFICER: ["to_receive", "to_hand_over", "handover_late", "due_soon", "overdue",
                           "awaiting_supplement", "awaiting_payment", "ready_to_return"],
    Role.HANDLING_OFFICER: ["mine", "to_take", "due_soon", "overdue", "awaiting_supplement",
                            "awaiting_payment"],
    Role.LAND_OFFICER: ["mine", "to_take", "due_soon", "overdue", "awaiting_supplement",
                        "awaiting_payment", "awaiting_approval"],
    Role.CENTER_DIRECTOR: ["awaiting_approval", "to_receive", "to_take", "due_soon", "overdue",
                           "awaiting_supplement", "awaiting_payment", "ready_to_return"],
    Role.WARD_LEADER: ["awaiting_approval", "due_soon", "overdue"],
    Role.ADMINISTRATOR: ["to_receive", "to_take", "due_soon", "overdue", "awaiting_supplement",
                         "awaiting_payment", "awaiting_approval", "ready_to_return"],
}


def _signable_by(user, *, today) -> Q:
    """Dossiers whose decision ``user`` may sign, as SQL (mirrors ``cases.delegation``).

    Resolved to procedure ids first (one small query on the catalogue), so the queue counts
    compare an integer per dossier instead of joining the catalogue and matching code prefixes.
    """
    if user.role == Role.WARD_LEADER:
        signable = Q(competent_authority=CompetentAuthority.WARD_LEADER)
    elif user.role == Role.LAND_OFFICER:
        signable = Q(competent_authority=CompetentAuthority.LAND_OFFICE)
    elif user.role == Role.CENTER_DIRECTOR:
        delegated = Q(pk__in=[])
        authorisations = Authorisation.objects.filter(
            authorised=user, authoriser__role=Role.WARD_LEADER, authoriser__is_active=True,
            revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        ).values_list("procedure_codes", flat=True)
        for codes in authorisations:
            for code in codes:
                delegated |= Q(code=code) | Q(code__startswith=code + ".")
        signable = Q(competent_authority=CompetentAuthority.CENTER_DIRECTOR) | (
            Q(competent_authority=CompetentAuthority.WARD_LEADER, center_may_decide=True)
            & delegated
        )
    else:
        return Q(pk__in=[])
    return Q(procedure_id__in=list(Procedure.objects.filter(signable).values_list("pk", flat=True)))


def handover_queue_filters(now: datetime) -> dict[str, Q]:
    """The counter step as queues: received dossiers not yet handed to their department whose
    hand-over deadline is still ahead (the warning), and the late hand-overs (still at the
    counter past the deadline, or handed over after it, while the dossier is open).

    The hand-over is the first assignment (``dossier_assign``: the counter routes the dossier,
    or a handler takes it); a dossier merely visible in the department's "to take" queue has
    not been handed over, as no one there has signed for it (Mẫu 06 "ký nhận").
    """
    waiting_at_counter = Q(status=Status.RECEIVED, handed_over_at__isnull=True,
                           handover_due_at__isnull=False)
    return {
        "to_hand_over": waiting_at_counter & Q(handover_due_at__gte=now),
        "handover_late": (waiting_at_counter & Q(handover_due_at__lt=now)) | Q(
            status__in=OPEN_STATES, handed_over_at__gt=F("handover_due_at")),
    }


def handover_at_risk(*, now: datetime | None = None) -> QuerySet[Dossier]:
    """Dossiers still at the counter whose hand-over deadline is less than the warning's two
    working hours away or already past (the hand-over warning), the soonest first."""
    now = now or timezone.now()
    horizon = handover_warning_horizon(working_calendar(), now)
    return (
        Dossier.objects.filter(status=Status.RECEIVED, handed_over_at__isnull=True,
                               handover_due_at__lte=horizon)
        .select_related("procedure", "procedure__department", "department")
        .order_by("handover_due_at", "id")
    )


def dossier_queue_filters(user, *, now: datetime | None = None) -> dict[str, Q]:
    """The conditions of the user's queues, in the order of their day.

    A view computes them once and hands them to ``dossier_queue_counts`` and
    ``dossier_queue``: the signing rights behind "awaiting my approval" cost two queries.
    """
    now = now or timezone.now()
    cal = working_calendar()
    threshold = overdue_threshold(now)
    today = timezone.localdate(now)
    due_soon_end = cal.end_of_day(cal.next_working_day(today))
    is_open = Q(status__in=OPEN_STATES, due_at__isnull=False)
    # A dossier waiting on someone else is neither overdue nor about to be: its date moves.
    not_waiting = ~waiting_at(now)
    filters = {
        "to_receive": TO_RECEIVE,
        "to_take": Q(status__in=[Status.RECEIVED, Status.IN_PROGRESS], handler__isnull=True),
        "mine": Q(status__in=OPEN_STATES, handler_id=user.pk),
        "due_soon": is_open & Q(due_at__gte=threshold, due_at__lte=due_soon_end) & not_waiting,
        "overdue": open_overdue(now),
        "awaiting_supplement": AWAITING_SUPPLEMENT,
        "awaiting_payment": Q(status=Status.AWAITING_PAYMENT),
        "awaiting_approval": None,
        "ready_to_return": Q(status=Status.RESOLVED),
        **handover_queue_filters(now),
    }
    keys = ROLE_QUEUES.get(user.role, [])
    if "awaiting_approval" in keys:
        filters["awaiting_approval"] = Q(status=Status.AWAITING_APPROVAL) & _signable_by(
            user, today=today
        )
    return {key: filters[key] for key in keys}


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int


def dossier_queue_counts(user, *, filters: dict[str, Q] | None = None,
                         now: datetime | None = None) -> list[QueueCount]:
    """Every queue of the user's role with its count, in one query.

    One ``SELECT count`` per queue joined by ``UNION ALL`` rather than one pass with a
    ``FILTER`` per queue: each part is planned on its own, so PostgreSQL counts it from the
    index that matches it (mostly index-only), instead of fetching every live dossier.
    """
    if filters is None:
        filters = dossier_queue_filters(user, now=now)
    if not filters:
        return []
    visible = dossier_visible_to(user).order_by()
    parts = [
        visible.filter(condition).values(queue=Value(key, output_field=CharField()))
        .annotate(n=Count("*"))
        for key, condition in filters.items()
    ]
    counts = {row["queue"]: row["n"] for row in parts[0].union(*parts[1:], all=True).order_by()}
    # A queue whose condition can match nothing (no procedure to sign) is left out of the SQL.
    return [QueueCount(QUEUES[key], counts.get(key, 0)) for key in filters]


def dossier_queue(user, key: str, *, filters: dict[str, Q] | None = None,
                  now: datetime | None = None) -> QuerySet[Dossier]:
    """One queue's dossiers, soonest due first (dossiers without a due date last).

    The order is ``QUEUE_ORDER``, which the queue indexes follow, so PostgreSQL reads a page
    off an index; only the columns the queue table shows are loaded.
    """
    if filters is None:
        filters = dossier_queue_filters(user, now=now)
    if key not in filters:
        raise ApplicationError(_("Không có hàng đợi này."), kind=ErrorKind.NOT_FOUND)
    due_at, *rest = QUEUE_ORDER
    return (
        dossier_visible_to(user)
        .filter(filters[key])
        .only(*QUEUE_COLUMNS)
        .order_by(F(due_at).asc(nulls_last=True), *rest)
    )


def dossier_search(user, query: str) -> QuerySet[Dossier]:
    """By code, applicant name without diacritics, ID number or phone (the last two only for
    those the policy lets search by personal data); newest first."""
    query = (query or "").strip()
    if not query:
        return dossier_visible_to(user).none()
    condition = Q(code__icontains=query)
    folded = fold(query)
    if folded:
        condition |= Q(applicant_name_search__contains=folded)
    digits = normalise_phone(query)
    if digits.lstrip("+").isdigit() and may_search_by_personal_data(user):
        condition |= Q(applicant_id_number=digits)
        phones = {digits}
        if digits.startswith("+84"):
            phones.add("0" + digits[3:])
        elif digits.startswith("0"):
            phones.add("+84" + digits[1:])
        condition |= Q(applicant_phone__in=phones)
    return dossier_visible_to(user).filter(condition).order_by("-created_at", "-id")


def dossier_get_for_page(*, user, code: str) -> Dossier:
    """A dossier with everything its staff page shows, in a fixed number of queries."""
    dossiers = (
        dossier_visible_to(user)
        .select_related("received_by", "decided_by", "decided_under", "returned_by",
                        "decided_under__authoriser", "procedure__department",
                        "online_submission")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related(
                "actor", "authorisation", "authorisation__authoriser")),
            "documents",
            "pauses",
        )
    )
    return _one_by_code(dossiers, code)


def dossier_get_for_forms(*, user, code: str, with_events: bool = False) -> Dossier:
    """A dossier with what its printed forms (Mẫu 01–06) read, in a fixed number of queries.

    The events are fetched for the forms printed from an act (Mẫu 02–05: its actor, their
    department, the authorisation signed under) and the control sheet (Mẫu 06), which lists the
    hand-offs; the receipt, printed for every dossier, has no use for them nor for the pauses
    the staff page shows.
    """
    dossiers = (
        dossier_visible_to(user)
        .select_related("procedure__field", "procedure__department", "department",
                        "received_by", "decided_by", "decided_under")
        .prefetch_related("documents")
    )
    if with_events:
        dossiers = dossiers.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.select_related(
                "actor__department", "authorisation__authoriser")))
    return _one_by_code(dossiers, code)


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the staff history: a step, or one person's views of the personal data on
    one day, folded together (``views``, newest first)."""

    event: DossierEvent
    views: list[DossierEvent]


def dossier_history(dossier: Dossier) -> list[HistoryEntry]:
    """The history newest first, each person's personal-data views folded per day.

    Every view is still recorded (the audit needs each one); a page that listed them all
    buried the steps under them. A folded line stands where that day's latest view was.
    """
    entries: list[HistoryEntry] = []
    folds: dict[tuple, HistoryEntry] = {}
    for event in sorted(dossier.events.all(), key=lambda e: (e.at, e.pk), reverse=True):
        if event.action != "view_personal_data":
            entries.append(HistoryEntry(event=event, views=[]))
            continue
        key = (event.actor_id, timezone.localdate(event.at))
        if key in folds:
            folds[key].views.append(event)
        else:
            folds[key] = HistoryEntry(event=event, views=[event])
            entries.append(folds[key])
    return entries


@dataclass(frozen=True)
class DeclaredAnswer:
    """One answer of the resident's e-form, labelled as the procedure's form defines it."""

    label: str
    value: str
    is_choice: bool = False


def _answer_text(kind: str, value) -> str:
    if value in (None, ""):
        return "—"
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return str(value)


def declaration_answers(procedure: Procedure, form_data: dict) -> list[DeclaredAnswer]:
    """The answers in the form's own order; answers to fields the form no longer has (the
    catalogue changed after submission) follow under their stored names, so nothing declared
    is hidden from staff."""
    specs = procedure.form_fields or []
    answers = [
        DeclaredAnswer(label=spec.get("label") or spec["name"],
                       value=_answer_text(spec.get("type", "text"), form_data.get(spec["name"])),
                       is_choice=spec.get("type") == "choice")
        for spec in specs
    ]
    known = {spec["name"] for spec in specs}
    answers += [DeclaredAnswer(label=name, value=_answer_text("text", value))
                for name, value in form_data.items() if name not in known]
    return answers


def dossier_declaration(dossier: Dossier) -> list[DeclaredAnswer]:
    """The e-form (tờ khai điện tử) of an online dossier; empty for one received at the counter.

    The online service keeps the answers beside the dossier (its ``online_submission``); they
    are read through that reverse relation so that ``cases`` imports nothing from ``intake``.
    """
    submission = getattr(dossier, "online_submission", None)
    if submission is None:
        return []
    return declaration_answers(dossier.procedure, submission.form_data or {})


def dossier_certification(dossier: Dossier):
    """The copy certification of a dossier, or None (one query, no exception)."""
    return CopyCertification.objects.select_related("signer").filter(dossier=dossier).first()


def handler_choices(department_id: int | None) -> QuerySet:
    """Active handlers of a department, for the assignment form."""
    return get_user_model().objects.filter(
        is_active=True, role__in=HANDLER_ROLES, department_id=department_id
    ).order_by("last_name", "first_name", "username")


def dossier_register(*, user, start: date, end: date) -> QuerySet[Dossier]:
    """The register (Mẫu 07): dossiers received in a date range, in order of receipt."""
    return (
        dossier_visible_to(user)
        .filter(received_at__date__gte=start, received_at__date__lte=end)
        .order_by("received_at", "id")
    )
