"""Demo bundles for ``make run``: birth and death bundles in every interesting state.

Every step goes through the same services as in production, at past moments; agency replies
are recorded directly (``step_claim`` + ``step_record_*``) so seeding needs no simulator and
never waits on one. Steps left ready are published after commit like any other: without a
broker they run in-process and, with no simulator listening, fail at once into a retry.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases import actions as case_actions
from cases.actions import Applicant
from cases.calendar import working_calendar
from cases.models import Procedure
from devtools.simulators.agencies import RESULT_DOCUMENTS
from linkage.adapters import AgencyReply, ReplyStatus
from linkage.bundles import bundle_civil_status_done, bundle_relatives_wait_start, bundle_submit
from linkage.kinds import bundle_kinds_import
from linkage.models import Bundle, BundleKind, BundleStep
from linkage.pipeline import step_claim, step_record_failure, step_record_reply
from thanhsen.models import User
from thanhsen.roles import Role

SURVIVOR, FUNERAL, MERITORIOUS, ID_CARD = (
    "9.000002.000.00.00.H27",
    "1.001731.000.00.00.H27",
    "1.010824.000.00.00.H27",
    "9.000003.000.00.00.H27",
)

#: (kind, chosen procedures, what happens after the civil-status step, applicant)
SCENARIOS = [
    ("birth", (), "civil_status", "Nguyễn Thị Mai"),
    ("birth", (ID_CARD,), "completed", "Trần Văn Bình"),
    ("birth", (), "first_done", "Lê Thị Hoa"),
    ("birth", (), "needs_attention", "Phạm Quốc Tuấn"),
    ("birth", (), "returned", "Hoàng Thị Yến"),
    ("death", (), "completed", "Võ Văn Sơn"),
    ("death", (SURVIVOR,), "relatives", "Đặng Thị Thu"),
    ("death", (SURVIVOR, MERITORIOUS), "first_done", "Bùi Hữu Nam"),
]


def seed_bundle_demo() -> int:
    """Load the bundle kinds and, when there are no bundles yet, the demo bundles."""
    bundle_kinds_import()
    if Bundle.objects.exists() or not BundleKind.objects.exists():
        return 0
    counter = User.objects.filter(username="tiepnhan").first()
    leader = User.objects.filter(username="chutich").first()
    if counter is None or leader is None:
        return 0
    cal = working_calendar()
    day = timezone.localdate()
    for index, scenario in enumerate(SCENARIOS):
        start = cal.start_of_day(_working_day_back(cal, day, 3 - index % 3)) + timedelta(hours=1)
        _Walk(counter, leader, min(start, timezone.now() - timedelta(hours=2))).run(*scenario)
    return len(SCENARIOS)


def _working_day_back(cal, day, n):
    for _ in range(n):
        day = cal.previous_working_day(day)
    return day


class _Walk:
    def __init__(self, counter: User, leader: User, at: datetime):
        self.counter, self.leader, self.at = counter, leader, at

    def _tick(self, minutes: int = 7) -> datetime:
        self.at = min(self.at + timedelta(minutes=minutes), timezone.now())
        return self.at

    def run(self, kind: str, chosen: tuple, scenario: str, name: str) -> None:
        root = Procedure.objects.get(
            code=BundleKind.objects.filter(code=kind).first().root_procedure_code, is_current=True
        )
        handler = User.objects.filter(
            department=root.department, role=Role.HANDLING_OFFICER
        ).first()
        with transaction.atomic():
            bundle = bundle_submit(
                kind_code=kind,
                actor=self.counter,
                channel="online",
                chosen_procedures=chosen,
                receive=True,
                at=self.at,
                documents=[
                    case_actions.SubmittedDocument(
                        name=doc.name, copy_type=doc.copy_type, quantity=doc.quantity,
                        required_document_id=doc.pk,
                    )
                    for doc in root.documents.filter(mandatory=True)
                ],
                applicant=Applicant(
                    name=name,
                    id_number=f"04209{zlib.crc32(name.encode()) % 10**7:07d}",
                    phone="0912345678",
                    address="Số 12, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
                ),
            )
            if kind == "death" and scenario == "relatives":
                bundle_relatives_wait_start(bundle=bundle, actor=self.counter, at=self._tick())
            if scenario == "civil_status":
                return
            dossier = case_actions.dossier_assign(
                dossier=bundle.dossier, actor=self.counter, handler=handler, at=self._tick()
            )
            dossier = case_actions.dossier_submit_for_approval(
                dossier=dossier, actor=handler, at=self._tick(40)
            )
            case_actions.dossier_approve(dossier=dossier, actor=self.leader, at=self._tick(30))
            bundle_civil_status_done(bundle=bundle, at=self.at)
            steps = list(
                BundleStep.objects.filter(bundle=bundle, is_root=False, state="ready")
                .select_related("procedure", "agency")
                .order_by("position")
            )
            if scenario == "completed":
                for step in steps:
                    self._reply(step, ReplyStatus.DONE)
            elif scenario in ("first_done", "relatives") and steps:
                self._reply(steps[0], ReplyStatus.DONE)
            elif scenario == "needs_attention":
                self._reply(steps[0], ReplyStatus.DONE)
                self._fail_until_attention(steps[1])
            elif scenario == "returned":
                self._reply(steps[1], ReplyStatus.DONE)
                self._reply(steps[0], ReplyStatus.RETURNED)

    def _reply(self, step: BundleStep, status: str) -> None:
        claimed = step_claim(step.pk, now=self._tick(3))
        root = ".".join(step.procedure.code.split(".")[:2])
        document, prefix = RESULT_DOCUMENTS.get(root, ("Kết quả giải quyết", "KQ"))
        reply = AgencyReply(
            status=status,
            reference=f"{step.agency.code}-DEMO{step.pk:06d}",
            result={"document": document, "number": f"{prefix}{4200000000 + step.pk}"},
            reason="Ngày sinh trong đăng ký khai sinh không khớp Cơ sở dữ liệu quốc gia về dân cư.",
        )
        step_record_reply(step=claimed, reply=reply, at=self._tick(1))

    def _fail_until_attention(self, step: BundleStep) -> None:
        while True:
            current = BundleStep.objects.get(pk=step.pk)
            if current.state == "needs_attention":
                return
            claimed = step_claim(step.pk, now=max(self._tick(1), current.next_attempt_at))
            self.at = claimed.claimed_at
            step_record_failure(step=claimed, error="HTTP 503 Service Unavailable", at=self.at)
