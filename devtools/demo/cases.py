"""Demo data for ``make run``: one account per role and a few hundred dossiers in every state.

Dossiers go through the same services as at the counter, at past moments (``at=``), so their
histories, due dates and classifications are what the real rules produce. Seeding is
idempotent: accounts are updated, dossiers are only generated into an empty table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases import actions
from cases.calendar import working_calendar
from cases.catalogue_import import catalogue_import, catalogue_load
from cases.models import (
    Authorisation,
    CompetentAuthority,
    Department,
    DepartmentKind,
    Dossier,
    FeePayment,
    Procedure,
)
from thanhsen.models import User
from thanhsen.roles import Role

DEMO_PASSWORD_SUFFIX = "@2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    department_code: str | None = None  # the catalogue's code: the README names the department

    @property
    def password(self) -> str:
        return self.username + DEMO_PASSWORD_SUFFIX


DEMO_ACCOUNTS = [
    DemoAccount("tiepnhan", Role.COUNTER_OFFICER, "Trần Thị Thu Hà", "TTPVHCC"),
    DemoAccount("xuly", Role.HANDLING_OFFICER, "Lê Văn Minh", "VHXH"),
    DemoAccount("datdai", Role.LAND_OFFICER, "Phạm Quốc Huy", "CNVPDKDD"),
    DemoAccount("giamdoc", Role.CENTER_DIRECTOR, "Nguyễn Thị Lan", "TTPVHCC"),
    DemoAccount("chutich", Role.WARD_LEADER, "Hoàng Văn Sơn"),
    DemoAccount("congdan", Role.RESIDENT, "Nguyễn Văn An"),
    DemoAccount("quantri", Role.ADMINISTRATOR, "Quản trị hệ thống"),
]

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Hữu"]
_GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh",
          "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
_STREETS = ["Phan Đình Phùng", "Trần Phú", "Nguyễn Du", "Hà Huy Tập", "Lê Duẩn", "Xuân Diệu",
            "Nguyễn Công Trứ", "Hải Thượng Lãn Ông"]

#: How the demo dossiers are spread over the states (weights).
STATE_WEIGHTS = {
    "submitted": 12, "not_accepted": 5, "received": 8, "in_progress": 30,
    "supplement_requested": 8, "awaiting_payment": 6, "awaiting_approval": 12,
    "resolved": 20, "returned": 180, "stopped": 6,
}


def demo_accounts_ensure() -> dict[str, User]:
    """Create or refresh the demo accounts (and one handler per department, quietly)."""
    users = {}
    for account in DEMO_ACCOUNTS:
        department = None
        if account.department_code:
            department = Department.objects.get(code=account.department_code)
        family, *rest = account.full_name.split(" ")
        user, _created = User.objects.update_or_create(
            username=account.username,
            defaults=dict(
                role=account.role, department=department, last_name=family,
                first_name=" ".join(rest), email=f"{account.username}@thanhsen.example.vn",
                is_staff=account.role == Role.ADMINISTRATOR,
                is_superuser=account.role == Role.ADMINISTRATOR, phone="0912000111",
            ),
        )
        user.set_password(account.password)
        user.save(update_fields=["password"])
        users[account.username] = user
    for department in Department.objects.exclude(kind__in=[DepartmentKind.CENTER, DepartmentKind.EXTERNAL]):
        if not User.objects.filter(department=department, role__in=[Role.HANDLING_OFFICER, Role.LAND_OFFICER]).exists():
            role = Role.LAND_OFFICER if department.kind == DepartmentKind.LAND_OFFICE else Role.HANDLING_OFFICER
            user = User.objects.create(
                username=f"xuly-{department.code.lower()}", role=role, department=department,
                last_name="Cán bộ", first_name=department.name,
            )
            user.set_password("xuly" + DEMO_PASSWORD_SUFFIX)
            user.save(update_fields=["password"])
    Authorisation.objects.get_or_create(
        document_number="15/QĐ-UBND (minh họa)",
        defaults=dict(
            authoriser=users["chutich"], authorised=users["giamdoc"],
            procedure_codes=list(
                Procedure.objects.filter(is_current=True, center_may_decide=True)
                .values_list("code", flat=True)
            ),
            valid_from=date(2025, 7, 1), valid_until=date(2027, 6, 30),
        ),
    )
    return users


def seed_demo(*, dossiers: int = 300, seed: int = 2026) -> int:
    """Load the catalogue, the accounts and (into an empty table) the demo dossiers."""
    catalogue_import(data=catalogue_load())
    users = demo_accounts_ensure()
    if Dossier.objects.exists():
        return 0
    rng = random.Random(seed)
    procedures = list(
        Procedure.objects.filter(is_current=True)
        .exclude(competent_authority=CompetentAuthority.AGENCY)
        .select_related("department")
    )
    states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
    now = timezone.now()
    for index in range(dossiers):
        # The first dossiers cover every state once; the rest follow the weights.
        state = states[index] if index < len(states) else rng.choices(states, weights)[0]
        _DemoDossier(rng, users, rng.choice(procedures), now).walk_to(state)
    return dossiers


class _DemoDossier:
    """One dossier walked from submission to a target state at plausible past moments."""

    def __init__(self, rng: random.Random, users: dict[str, User], procedure: Procedure, now: datetime):
        self.rng, self.users, self.procedure, self.now = rng, users, procedure, now
        # Steps are clamped to this moment but always move forward, so a history stays in
        # order even when a recent dossier's next step would fall after "now".
        self.latest = now - timedelta(minutes=30)
        self.cal = working_calendar()
        self.handler = (
            User.objects.filter(department=procedure.department, role__in=[Role.HANDLING_OFFICER, Role.LAND_OFFICER])
            .order_by("id").first()
        )
        self.signer = self._signer()

    def _signer(self) -> User:
        authority = self.procedure.competent_authority
        if authority == CompetentAuthority.CENTER_DIRECTOR:
            return self.users["giamdoc"]
        if authority == CompetentAuthority.LAND_OFFICE:
            return self.handler
        if self.procedure.center_may_decide and self.rng.random() < 0.5:
            return self.users["giamdoc"]
        return self.users["chutich"]

    def _working_moment(self, day: date) -> datetime:
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        start, end = self.rng.choice(self.cal.windows_on(day))
        return start + (end - start) * self.rng.random()

    def _later(self, moment: datetime, max_days: int = 1) -> datetime:
        candidate = moment + timedelta(minutes=self.rng.randint(10, 90))
        if max_days and self.rng.random() < 0.5:
            candidate = self._working_moment((moment + timedelta(days=self.rng.randint(1, max_days))).date())
        return max(moment + timedelta(minutes=1), min(candidate, self.latest))

    def walk_to(self, state: str) -> None:
        open_state = state not in {"returned", "resolved", "stopped", "not_accepted"}
        back = self.rng.randint(0, 12) if open_state else self.rng.randint(3, 150)
        at = self._working_moment(timezone.localdate(self.now) - timedelta(days=back))
        at = min(at, self.now - timedelta(hours=2))
        online = self.rng.random() < 0.85
        resident = self.users["congdan"] if online and self.rng.random() < 0.2 else None
        counter = self.users["tiepnhan"]
        with transaction.atomic():
            dossier = actions.dossier_create(
                procedure_code=self.procedure.code, applicant=self._applicant(),
                channel="online" if online else self.rng.choice(["direct", "direct", "postal"]),
                actor=resident or counter, at=at, pages=self.rng.randint(1, 6),
                documents=[
                    actions.SubmittedDocument(
                        name=doc.name, copy_type=doc.copy_type, quantity=doc.quantity,
                        required_document_id=doc.pk, reused=self.rng.random() < 0.3,
                    )
                    for doc in self.procedure.documents.all()
                ],
            )
            self._steps(dossier, state, at, counter, resident)

    def _steps(self, dossier: Dossier, state: str, at: datetime, counter: User, resident: User | None):
        if state == "submitted":
            if self.rng.random() < 0.3:
                actions.dossier_request_completion(
                    dossier=dossier, actor=counter, at=self._later(at, 0),
                    reason="Bổ sung bản chụp căn cước của người nộp; ảnh tờ khai bị mờ.",
                )
            return
        at = self._later(at, 0)
        if state == "not_accepted":
            actions.dossier_refuse_intake(
                dossier=dossier, actor=counter, at=at,
                reason="Yêu cầu không thuộc thẩm quyền giải quyết của UBND phường.",
            )
            return
        dossier = actions.dossier_receive(dossier=dossier, actor=counter, at=at)
        if state == "received":
            return
        if state == "stopped":
            actions.dossier_stop(dossier=dossier, actor=counter, at=self._later(at),
                                  reason="Công dân đề nghị rút hồ sơ để bổ sung thông tin.")
            return
        at = self._later(at, 0)
        dossier = actions.dossier_assign(dossier=dossier, actor=counter, handler=self.handler, at=at)
        if state == "in_progress":
            return
        if state == "supplement_requested" or (state in {"returned", "resolved"} and self.rng.random() < 0.1):
            at = self._later(at, 2)
            dossier = actions.dossier_request_supplement(
                dossier=dossier, actor=self.handler, at=at,
                reason="Thiếu bản sao giấy chứng nhận kết hôn của cha mẹ; đề nghị bổ sung.",
            )
            if state == "supplement_requested":
                return
            at = self._later(at, 3)
            dossier = actions.dossier_supplement(dossier=dossier, actor=counter, at=at)
        if state == "awaiting_payment" or (
            self.procedure.is_fee_bearing and state in {"returned", "resolved"} and self.rng.random() < 0.3
        ):
            at = self._later(at, 1)
            dossier = actions.dossier_request_payment(
                dossier=dossier, actor=self.handler, at=at, reason="Nộp lệ phí và thuế theo thông báo.",
            )
            if state == "awaiting_payment":
                return
            at = self._later(at, 2)
            dossier = actions.dossier_confirm_payment(dossier=dossier, actor=counter, at=at)
        at = self._decision_moment(dossier, at)
        dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=self.handler, at=at)
        if state == "awaiting_approval":
            return
        at = self._later(at, 0)
        dossier = actions.dossier_approve(dossier=dossier, actor=self.signer, at=at)
        if state == "resolved":
            return
        at = self._later(at, 2)
        if dossier.fee_due:
            dossier = actions.dossier_record_fee_payment(dossier=dossier, actor=counter,
                                                          via=FeePayment.CASH, at=at)
        actions.dossier_return_result(dossier=dossier, actor=counter, at=at)

    def _decision_moment(self, dossier: Dossier, at: datetime) -> datetime:
        """Most decisions land before the due date, a few on it, the odd one late."""
        roll = self.rng.random()
        if roll < 0.8:
            target = at + (dossier.due_at - at) * self.rng.uniform(0.1, 0.8)
        elif roll < 0.95:
            target = self._working_moment(timezone.localdate(dossier.due_at))
        else:
            target = self._working_moment(timezone.localdate(dossier.due_at) + timedelta(days=2))
        return max(at + timedelta(minutes=5), min(target, self.latest))

    def _applicant(self) -> actions.Applicant:
        rng = self.rng
        name = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        return actions.Applicant(
            name=name,
            id_number=f"042{rng.randint(0, 999999999):09d}",
            phone=f"09{rng.randint(0, 99999999):08d}",
            address=f"Số {rng.randint(1, 200)}, đường {rng.choice(_STREETS)}, phường Thành Sen, Hà Tĩnh",
        )
