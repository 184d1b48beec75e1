"""Bulk history for reports: the center's published period, or N dossiers at scale.

This bypasses ``cases.actions`` on purpose (millions of rows), so it writes exactly what the
services would: codes from the per-day sequence, timestamps in working hours, due dates from
``cases.deadlines`` and classifications from ``classify``, the folded name the search reads,
the essential events of each step, the fee payment of fee-bearing dossiers (as intake settles
it: paid online through the provider, or in cash at the counter) and the register row of copy
certifications (numbered from the year's register when signed). ``tests/devtools/
test_seed_history.py`` holds the result to the same invariants.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.actions import COPY_CERTIFICATION_ROOT
from cases.calendar import working_calendar
from cases.deadlines import VIETNAM_TZ, Classification, TimeUnit, classify, due_at
from cases.fees import fee_amount
from cases.history import keep_given_event_time
from cases.models import (
    Channel,
    CopyCertification,
    CopyType,
    Department,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    Outcome,
    Procedure,
    Status,
)
from cases.search import fold
from intake.models import Payment, PaymentMethod, PaymentPurpose, PaymentStatus
from thanhsen.models import User
from thanhsen.roles import HANDLER_ROLES, Role

BATCH = 5000
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Hữu"]
_GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh",
          "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
SUPPLEMENT_REASONS = [
    "Thiếu bản sao giấy khai sinh", "Tờ khai chưa ghi đủ thông tin", "Thiếu giấy ủy quyền",
    "Bản vẽ sơ đồ thửa đất chưa đúng hiện trạng", "Thiếu xác nhận của tổ dân phố",
]
REFUSAL_REASONS = ["Không thuộc thẩm quyền giải quyết của phường", "Hồ sơ giả mạo giấy tờ",
                   "Đã được giải quyết trước đó"]


class SeedError(Exception):
    """The database is not in a state this seeding can write to (message is for the user)."""


@dataclass
class Plan:
    procedure: Procedure
    channel: str
    received_at: datetime | None
    outcome: str  # early | on_time | overdue | open | stopped | not_accepted
    created_at: datetime | None = None
    resolve_after: date | None = None  # open dossiers: resolved after this day, if before now
    resolve_by: date | None = None  # finished dossiers: resolved no later than this day
    supplement: bool = False
    #: Fee-bearing dossiers: whether the fee was paid online (else in cash at the counter).
    paid_online: bool = True


@dataclass
class Rows:
    """One dossier's rows in every table the seeding writes."""

    dossier: dict
    documents: list[dict]
    events: list[dict]
    payments: list[dict]
    certifications: list[dict]


# --- time helpers ------------------------------------------------------------------------
def _moment(cal, day: date, rng: random.Random, earliest: time | None = None,
            latest: time | None = None) -> datetime:
    """A random instant inside the day's working windows, optionally clipped."""
    windows = cal.windows_on(day) or [(cal.start_of_day(day), cal.end_of_day(day))]
    lo = datetime.combine(day, earliest, VIETNAM_TZ) if earliest else windows[0][0]
    hi = datetime.combine(day, latest, VIETNAM_TZ) if latest else windows[-1][1]
    spans = [(max(a, lo), min(b, hi)) for a, b in windows if min(b, hi) > max(a, lo)]
    if not spans:
        return lo
    total = sum((b - a).total_seconds() for a, b in spans)
    pick = rng.uniform(0, total)
    for a, b in spans:
        length = (b - a).total_seconds()
        if pick <= length:
            return a + timedelta(seconds=int(pick))
        pick -= length
    return spans[-1][1]


def _working_days(cal, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if cal.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _limit_days(procedure: Procedure) -> int:
    if procedure.time_unit == TimeUnit.WORKING_HOURS:
        return 0
    return procedure.time_limit


# --- the row builder -----------------------------------------------------------------------
class Writer:
    """Turns plans into dossier, document and event rows, and writes them in batches."""

    def __init__(self, *, cal, rng: random.Random, people: dict, now: datetime,
                 progress: Callable[[int], None]):
        self.cal, self.rng, self.people, self.now = cal, rng, people, now
        self.progress = progress
        self.unit = settings.UNIT_CODE
        #: The certification register: one sequence per year, as ``cases.actions`` numbers it.
        self.register_unit = f"{self.unit}-SCT"
        self.sequence: dict[tuple[str, date], int] = {
            (unit, day): value for unit, day, value in DossierCodeSequence.objects.filter(
                unit__in=[self.unit, self.register_unit]).values_list("unit", "day", "last_value")
        }
        self.used: set[tuple[str, date]] = set()
        self.provider = settings.PAYMENT_PROVIDER

    def _next(self, unit: str, day: date) -> int:
        number = self.sequence.get((unit, day), 0) + 1
        self.sequence[(unit, day)] = number
        self.used.add((unit, day))
        return number

    def _code(self, created: datetime) -> str:
        day = created.astimezone(VIETNAM_TZ).date()
        return f"{self.unit}-{day:%y%m%d}-{self._next(self.unit, day):04d}"

    def _resolution(self, outcome: str, due: datetime, received: datetime, *,
                    after: date | None = None, by: date | None = None) -> datetime:
        """A result moment that classifies as ``outcome``, on a day in (after, by]."""
        cal, rng = self.cal, self.rng
        due_day = due.astimezone(VIETNAM_TZ).date()
        start_day = received.astimezone(VIETNAM_TZ).date()
        if after is not None:
            start_day = max(start_day, after + timedelta(days=1))
        if outcome == "early":
            last = due_day - timedelta(days=1)
            days = _working_days(cal, start_day, min(last, by) if by else last)
            day = rng.choice(days[: max(1, len(days) // 2 + 1)])
            earliest = (received + timedelta(minutes=20)).astimezone(VIETNAM_TZ).time() \
                if day == start_day else None
            return _moment(cal, day, rng, earliest=earliest)
        if outcome == "on_time":
            earliest = (received + timedelta(minutes=20)).astimezone(VIETNAM_TZ).time() \
                if due_day == start_day else time(13, 30)
            return _moment(cal, due_day, rng, earliest=earliest)
        day = cal.add_working_days(due_day, rng.randint(1, 3))
        return _moment(cal, day, rng)

    def rows(self, plan: Plan) -> Rows:
        rows = self._dossier_rows(plan)
        d = rows.dossier
        if d.get("received_at") and d["fee_amount"]:
            payment = self._payment(d, online=plan.paid_online)
            rows.payments.append(payment)
            d["fee_paid_at"], d["fee_paid_via"] = payment["paid_at"], payment["method"]
        if d.get("received_at") and plan.procedure.root_code == COPY_CERTIFICATION_ROOT:
            rows.certifications.append(self._certification(d))
        return rows

    def _payment(self, d: dict, *, online: bool) -> dict:
        """The fee as intake settles it: online before the dossier is received, or in cash
        at the counter when it is received."""
        code = d["code"]
        row = {"purpose": PaymentPurpose.FEE, "description": "Phí, lệ phí thủ tục",
               "amount": d["fee_amount"], "status": PaymentStatus.PAID,
               "reference": f"LS{code}", "created_at": d["created_at"]}
        if online:
            return {**row, "method": PaymentMethod.ONLINE, "provider": self.provider,
                    "provider_transaction": f"LS{code}",
                    "paid_at": min(d["created_at"] + timedelta(minutes=3), d["received_at"])}
        return {**row, "method": PaymentMethod.CASH, "paid_at": d["received_at"],
                "recorded_by_id": self.people["counter"]}

    def _certification(self, d: dict) -> dict:
        pages = d.pop("_pages")
        row = {"document_name": "Giấy khai sinh (bản chính)", "pages": pages,
               "fee": d["fee_amount"], "scan": ""}
        if d["status"] in (Status.RESOLVED, Status.RETURNED):
            signed = d["resolved_at"]
            year = signed.astimezone(VIETNAM_TZ).year
            row.update(year=year, number=self._next(self.register_unit, date(year, 1, 1)),
                       signer_id=d["decided_by_id"], certified_at=signed)
        return row

    def _dossier_rows(self, plan: Plan) -> Rows:
        rng, people = self.rng, self.people
        procedure = plan.procedure
        created = plan.created_at or plan.received_at
        name = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        department_id = procedure.department_id
        handler = rng.choice(people["handlers"].get(department_id) or [None])
        pages = rng.randint(1, 6)
        d = {
            "code": self._code(created), "procedure_id": procedure.pk, "channel": plan.channel,
            "applicant_name": name, "applicant_name_search": fold(name),
            "applicant_id_number": f"042{rng.randint(0, 10**9 - 1):09d}",
            "applicant_phone": f"09{rng.randint(0, 10**8 - 1):08d}",
            "applicant_address": "Phường Thành Sen, tỉnh Hà Tĩnh",
            "fee_amount": fee_amount(procedure.fee, pages=pages),
            "created_at": created, "status": Status.SUBMITTED, "_pages": pages,
        }
        events = [self._event(created, "create", "", Status.SUBMITTED,
                              {"channel": plan.channel, "documents": 1})]
        docs = [{"name": "Tờ khai", "copy_type": CopyType.ELECTRONIC if plan.channel ==
                 Channel.ONLINE else CopyType.ORIGINAL,
                 "reused": rng.random() < 0.6, "uploaded_at": created}]
        if plan.outcome == "not_accepted":
            at = created + timedelta(hours=rng.randint(1, 6))
            reason = rng.choice(REFUSAL_REASONS)
            d.update(status=Status.NOT_ACCEPTED, not_accepted_reason=reason)
            events.append(self._event(at, "refuse_intake", Status.SUBMITTED,
                                      Status.NOT_ACCEPTED, {}, note=reason))
            return Rows(d, docs, events, [], [])
        received = plan.received_at
        due = due_at(self.cal, start=received, limit=_limit_days(procedure),
                     unit=TimeUnit(procedure.time_unit))
        d.update(received_at=received, received_by_id=people["counter"], initial_due_at=due,
                 due_at=due, quality_due_at=due, status=Status.RECEIVED)
        events.append(self._event(received, "receive", Status.SUBMITTED, Status.RECEIVED,
                                  {"due_at": due.isoformat()}, actor=people["counter"]))
        assigned = received + timedelta(minutes=rng.randint(5, 90))
        if plan.outcome == "stopped":
            at = received + timedelta(hours=rng.randint(2, 30))
            d.update(status=Status.STOPPED, stopped_at=at, stop_reason="Công dân rút hồ sơ",
                     stop_requested_at=at)
            events.append(self._event(at, "stop", Status.RECEIVED, Status.STOPPED, {},
                                      note="Công dân rút hồ sơ", actor=people["counter"]))
            return Rows(d, docs, events, [], [])
        d.update(department_id=department_id, handler_id=handler, assigned_at=assigned,
                 status=Status.IN_PROGRESS)
        events.append(self._event(assigned, "assign", Status.RECEIVED, Status.IN_PROGRESS,
                                  {"department": None, "handler": None},
                                  actor=people["counter"]))
        clock_start = received
        if plan.supplement:
            # Asked within the first working day, answered within two: the statutory clock
            # restarts from the complete dossier; the 766 view subtracts the wait.
            asked = self.cal.add_working_seconds(assigned, rng.randint(1800, 6 * 3600))
            back = self.cal.add_working_seconds(asked, rng.randint(3600, 16 * 3600))
            reason = rng.choice(SUPPLEMENT_REASONS)
            clock_start = back
            due = due_at(self.cal, start=back, limit=_limit_days(procedure),
                         unit=TimeUnit(procedure.time_unit))
            quality = self.cal.add_working_seconds(
                d["initial_due_at"], self.cal.working_seconds_between(asked, back))
            d.update(supplement_requested_at=asked, supplement_request=reason,
                     supplemented_at=back, due_at=due, quality_due_at=quality)
            events.append(self._event(asked, "request_supplement", Status.IN_PROGRESS,
                                      Status.SUPPLEMENT_REQUESTED, {}, note=reason,
                                      actor=handler))
            events.append(self._event(back, "supplement", Status.SUPPLEMENT_REQUESTED,
                                      Status.IN_PROGRESS, {"due_at": due.isoformat()}))
        outcome = plan.outcome
        if outcome == "open":
            outcome = "on_time" if _limit_days(procedure) == 0 else "early"
        resolved = self._resolution(outcome, due, clock_start, after=plan.resolve_after,
                                    by=plan.resolve_by)
        if resolved > self.now:
            return Rows(d, docs, events, [], [])
        last_step = max(assigned, d.get("supplemented_at") or assigned)
        submitted = last_step + (resolved - last_step) * 3 / 4
        events.append(self._event(submitted, "submit_for_approval", Status.IN_PROGRESS,
                                  Status.AWAITING_APPROVAL, {}, actor=handler))
        classification = classify(due_at=due, finished_at=resolved, now=resolved)
        if classification != Classification(outcome):
            raise AssertionError(f"planned {outcome}, got {classification} for {d['code']}")
        d.update(status=Status.RESOLVED, outcome=Outcome.APPROVED, resolved_at=resolved,
                 decided_by_id=people["signer"], result_classification=classification.value)
        events.append(self._event(resolved, "approve", Status.AWAITING_APPROVAL,
                                  Status.RESOLVED, {}, actor=people["signer"]))
        returned = resolved + timedelta(minutes=rng.randint(10, 60 * 24))
        if returned <= self.now:
            d.update(status=Status.RETURNED, returned_at=returned)
            events.append(self._event(returned, "return_result", Status.RESOLVED,
                                      Status.RETURNED, {}, actor=people["counter"]))
        return Rows(d, docs, events, [], [])

    @staticmethod
    def _event(at, action, from_status, to_status, payload, *, note="", actor=None) -> dict:
        return {"at": at, "action": action, "from_status": from_status, "to_status": to_status,
                "payload": payload, "note": note, "actor_id": actor}

    # --- writing ---------------------------------------------------------------------------
    def write(self, plans: Iterator[Plan]) -> None:
        batch: list[Rows] = []
        done = 0
        for plan in plans:
            batch.append(self.rows(plan))
            if len(batch) >= BATCH:
                self._flush(batch)
                done += len(batch)
                batch = []
                self.progress(done)
        if batch:
            self._flush(batch)
            done += len(batch)
            self.progress(done)
        self._save_sequences()

    def _flush(self, batch: list[Rows]) -> None:
        with transaction.atomic():
            keep_given_event_time()  # the seeded history's own moments (owner role only)
            ids = self._insert_dossiers([rows.dossier for rows in batch])
            children: dict = {DossierDocument: [], DossierEvent: [], Payment: [],
                              CopyCertification: []}
            for rows in batch:
                pk = ids[rows.dossier["code"]]
                for model, items in ((DossierDocument, rows.documents),
                                     (DossierEvent, rows.events), (Payment, rows.payments),
                                     (CopyCertification, rows.certifications)):
                    children[model] += [{**item, "dossier_id": pk} for item in items]
            for model, items in children.items():
                self._insert(model, items)

    def _insert_dossiers(self, dossiers: list[dict]) -> dict[str, int]:
        for d in dossiers:
            d.pop("_pages", None)
        self._insert(Dossier, dossiers)
        codes = [d["code"] for d in dossiers]
        return dict(Dossier.objects.filter(code__in=codes).values_list("code", "id"))

    def _insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        rows = _complete(model, rows)
        if connection.vendor == "postgresql":
            _copy(model, rows)
        else:
            _executemany(model, rows)

    def _save_sequences(self) -> None:
        existing = self.used & set(
            DossierCodeSequence.objects.filter(unit__in=[self.unit, self.register_unit])
            .values_list("unit", "day"))
        new = [DossierCodeSequence(unit=unit, day=day, last_value=self.sequence[(unit, day)])
               for unit, day in self.used if (unit, day) not in existing]
        DossierCodeSequence.objects.bulk_create(new, batch_size=1000)
        for unit, day in existing:
            DossierCodeSequence.objects.filter(unit=unit, day=day).update(
                last_value=self.sequence[(unit, day)])


def _complete(model, rows: list[dict]) -> list[dict]:
    """Every column, with the model's defaults for what a row leaves out (the database has none,
    and columns other apps add to these tables must be filled too)."""
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields
                if not f.primary_key}
    return [{**defaults, **row} for row in rows]


def _copy(model, rows: list[dict]) -> None:
    """COPY … FROM STDIN: the fastest way in, with values prepared by the model's fields."""
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in fields]
    special = [(i, f) for i, f in enumerate(fields)
               if f.get_internal_type() in ("JSONField", "FileField")]
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = [row[name] for name in names]
                for i, f in special:
                    values[i] = _prep(f, values[i])
                copy.write_row(values)


def _executemany(model, rows: list[dict]) -> None:
    """One prepared INSERT run for all rows: what bulk_create does, without per-value compiling."""
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) " \
          f"VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[_sqlite(f, row[f.attname]) for f in fields] for row in rows])


def _sqlite(f, value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return _prep(f, value)


def _prep(f, value):
    if value is None:
        return None
    if f.get_internal_type() == "JSONField":
        return json.dumps(value, ensure_ascii=False)
    if f.get_internal_type() == "FileField":
        return str(value or "")
    return value


# --- people -----------------------------------------------------------------------------
def _people(rng: random.Random) -> dict:
    """Existing staff when there are (demo accounts), or history accounts without a password."""

    def one(role: str, username: str, department=None) -> int:
        found = User.objects.filter(role=role, is_active=True)
        if department is not None:
            found = found.filter(department=department)
        user = found.order_by("id").first()
        if user is None:
            user = User(username=username, role=role, department=department,
                        first_name="Lịch sử", last_name=username)
            user.set_unusable_password()
            user.save()
        return user.pk

    handlers: dict[int, list[int]] = defaultdict(list)
    for dept in Department.objects.all():
        staff = list(User.objects.filter(role__in=HANDLER_ROLES, is_active=True,
                                         department=dept).values_list("id", flat=True))
        handlers[dept.pk] = staff or [one(Role.HANDLING_OFFICER, f"lichsu-{dept.code.lower()}",
                                          dept)]
    return {"counter": one(Role.COUNTER_OFFICER, "lichsu-tiepnhan"),
            "signer": one(Role.WARD_LEADER, "lichsu-lanhdao"), "handlers": handlers}


# --- scenarios ------------------------------------------------------------------------------
PUBLISHED = {
    "received": 18400, "early": 14910, "on_time": 3294, "overdue": 0, "in_progress": 136,
    "resolved": 18207, "certifications": 3171, "birth_bundles": 697, "death_bundles": 221,
    "online_rate": 100.0, "paid_online_rate": 99.74,
}
SCENARIO_FIRST = date(2025, 7, 1)
SCENARIO_LAST = date(2026, 2, 25)
E_CERTIFICATION = "2.000815.000.00.00.H27.02"
BIRTH = "1.001193.000.00.00.H27"
DEATH = "1.000656.000.00.00.H27"
#: The rest of the volume by field, roughly as a ward's one-stop center sees it.
FIELD_WEIGHTS = {"HT": 30, "CT": 25, "DD": 14, "DKKD": 9, "BTXH": 8, "NCC": 4, "CTRU": 7,
                 "BHYT": 2, "BHXH": 1}
#: Seasonality: months before Tết are busier (civil status, land transfers).
MONTH_WEIGHTS = {7: 1.0, 8: 0.95, 9: 1.0, 10: 1.05, 11: 1.05, 12: 1.15, 1: 1.3, 2: 0.9}


def _weighted_days(cal, first: date, last: date) -> tuple[list[date], list[float]]:
    days = _working_days(cal, first, last)
    return days, [MONTH_WEIGHTS.get(d.month, 1.0) for d in days]


def _received(cal, rng, day: date, *, late: bool) -> datetime:
    if late:  # after the cut-off: the clock starts the next working day
        return _moment(cal, day, rng, earliest=time(15, 5), latest=time(16, 30))
    return _moment(cal, day, rng, latest=time(14, 55))


def scenario_plans(cal, rng: random.Random) -> list[Plan]:
    """Plans reproducing the published figures where they are consistent."""
    procedures = {p.code: p for p in Procedure.objects.filter(is_current=True)
                  .select_related("field")}
    missing = [c for c in (E_CERTIFICATION, BIRTH, DEATH) if c not in procedures]
    if missing:
        raise SeedError("Chưa nạp danh mục thủ tục (thiếu " + ", ".join(missing)
                        + "): chạy `python manage.py load_catalogue` trước.")
    # The published certifications are all electronic copies: no other copy certification.
    others = [p for p in procedures.values()
              if p.code not in (BIRTH, DEATH) and p.root_code != COPY_CERTIFICATION_ROOT
              and p.field.code in FIELD_WEIGHTS]
    weights = [FIELD_WEIGHTS[p.field.code] / sum(1 for o in others if o.field == p.field)
               for p in others]
    days, day_weights = _weighted_days(cal, SCENARIO_FIRST, SCENARIO_LAST)
    # The 136 in progress at the end: received in the last working days, long enough limits.
    tail_days = _working_days(cal, SCENARIO_LAST - timedelta(days=4), SCENARIO_LAST)
    long_procedures = [p for p in others if _limit_days(p) >= 5]
    stopped, in_progress = 60, PUBLISHED["in_progress"]
    on_time, early = PUBLISHED["on_time"], PUBLISHED["early"]

    plans: list[Plan] = []

    def add(procedure, outcome, *, day=None, late=False):
        while True:
            pick = day or rng.choices(days, day_weights)[0]
            received = _received(cal, rng, pick, late=late)
            due = due_at(cal, start=received, limit=_limit_days(procedure),
                         unit=TimeUnit(procedure.time_unit))
            # Finished in the period: an on-time result falls on the due day itself.
            if outcome != "on_time" or due.astimezone(VIETNAM_TZ).date() <= SCENARIO_LAST:
                break
        plans.append(Plan(procedure, Channel.ONLINE, received, outcome,
                          resolve_by=None if outcome == "open" else SCENARIO_LAST,
                          created_at=received - timedelta(minutes=rng.randint(5, 60 * 36)),
                          supplement=outcome != "stopped" and rng.random() < 0.02
                          and _limit_days(procedure) >= 3))

    # Same-day procedures: certifications are on time; birth and death registrations received
    # after the cut-off are returned the same evening, i.e. early.
    for _ in range(PUBLISHED["certifications"]):
        add(procedures[E_CERTIFICATION], "on_time")
    for code, count in ((BIRTH, PUBLISHED["birth_bundles"]), (DEATH, PUBLISHED["death_bundles"])):
        for _ in range(count):
            add(procedures[code], "early", late=True)
    for _ in range(in_progress):
        add(rng.choice(long_procedures), "open", day=rng.choice(tail_days))
    for _ in range(stopped):
        # Withdrawn within the period: a stop comes at most about a day after receipt.
        add(rng.choices(others, weights)[0], "stopped", day=rng.choice(days[:-3]))
    remaining_on_time = on_time - PUBLISHED["certifications"]
    for _ in range(remaining_on_time):
        add(rng.choices(others, weights)[0], "on_time")
    for _ in range(early - PUBLISHED["birth_bundles"] - PUBLISHED["death_bundles"]):
        procedure = rng.choices(others, weights)[0]
        add(procedure, "early", late=_limit_days(procedure) == 0)
    for p in plans:
        if p.outcome == "open":
            p.resolve_after = SCENARIO_LAST
    # 99.74% of the fee-bearing dossiers paid online; the rest paid in cash at the counter.
    fee_bearing = [p for p in plans if p.procedure.is_fee_bearing]
    paid_online = round(len(fee_bearing) * PUBLISHED["paid_online_rate"] / 100)
    for p in rng.sample(fee_bearing, len(fee_bearing) - paid_online):
        p.paid_online = False
    plans.sort(key=lambda p: p.created_at)
    return plans


def scale_plans(cal, rng: random.Random, *, count: int, first: date, last: date) -> Iterator[Plan]:
    """N dossiers over [first, last], all channels and outcomes, in order of creation."""
    procedures = list(Procedure.objects.filter(is_current=True))
    days, day_weights = _weighted_days(cal, first, last)
    per_day = Counter(rng.choices(range(len(days)), day_weights, k=count))
    outcomes = ["early", "on_time", "overdue", "stopped", "not_accepted"]
    outcome_weights = [70, 24, 4, 1, 1]
    for index in sorted(per_day):
        day = days[index]
        for _ in range(per_day[index]):
            procedure = rng.choice(procedures)
            outcome = rng.choices(outcomes, outcome_weights)[0]
            late = outcome == "early" and _limit_days(procedure) == 0
            received = _received(cal, rng, day, late=late)
            channel = rng.choices([Channel.ONLINE, Channel.DIRECT, Channel.POSTAL], [70, 28, 2])[0]
            yield Plan(procedure, channel, received, outcome, created_at=received,
                       supplement=outcome in ("early", "on_time") and rng.random() < 0.03
                       and _limit_days(procedure) >= 3, paid_online=channel == Channel.ONLINE)


def seed(*, plans, rng: random.Random, progress, now: datetime | None = None) -> None:
    writer = Writer(cal=working_calendar(), rng=rng, people=_people(rng),
                    now=now or timezone.now(), progress=progress)
    writer.write(iter(plans))


def range_has_dossiers(first: date, last: date) -> bool:
    return Dossier.objects.filter(
        created_at__gte=datetime.combine(first, time(0), VIETNAM_TZ),
        created_at__lt=datetime.combine(last + timedelta(days=1), time(0), VIETNAM_TZ),
    ).exists()


