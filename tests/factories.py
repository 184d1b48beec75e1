"""factory_boy factories, and ``dossier_in`` which walks a dossier to a state through actions.

Dossiers are never built by setting ``status``: they take the same path as at the counter, so
every test dossier has a consistent history and due dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import factory
from django.utils import timezone

from cases import actions
from cases.models import (
    CompetentAuthority,
    Department,
    DepartmentKind,
    Field,
    OnlineLevel,
    Procedure,
    RequiredDocument,
)
from thanhsen.models import User
from thanhsen.roles import Role


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"F{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")
    kind = DepartmentKind.WARD_OFFICE


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{n:06d}.000.00.00.H27")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    department = factory.SubFactory(DepartmentFactory)
    competent_authority = CompetentAuthority.WARD_LEADER
    center_may_decide = True
    time_limit = 3
    time_unit = "working_days"
    fee = factory.LazyFunction(lambda: {"kind": "none"})
    online_level = OnlineLevel.FULL

    @factory.post_generation
    def with_documents(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            RequiredDocument.objects.create(procedure=obj, name="Tờ khai", copy_type="original")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Iterator(["Văn Minh", "Thị Lan", "Đức Anh", "Thu Hà", "Quốc Huy", "Ngọc Mai"])
    last_name = factory.Iterator(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"])
    role = Role.RESIDENT
    password = factory.django.Password("matkhau-thu-nghiem")


@dataclass
class Catalogue:
    """A small catalogue with the shapes the rules care about."""

    center: Department
    civil_office: Department
    economy_office: Department
    land_office: Department
    civil: Procedure  # 3 working days, ward leader signs, may be delegated to the center
    land: Procedure  # 10 working days, land office decides, fee-bearing
    certification: Procedure  # same day, per-page fee, delegable
    residence: Procedure  # decided by an external agency

    @classmethod
    def build(cls) -> Catalogue:
        center = DepartmentFactory(code="TTPVHCC", name="Trung tâm PVHCC", kind=DepartmentKind.CENTER)
        civil_office = DepartmentFactory(code="VHXH", name="Phòng Văn hóa - Xã hội")
        economy_office = DepartmentFactory(code="KT", name="Phòng Kinh tế")
        land_office = DepartmentFactory(
            code="VPDKDD", name="Chi nhánh VPĐKĐĐ", kind=DepartmentKind.LAND_OFFICE
        )
        external = DepartmentFactory(code="CA", name="Công an phường", kind=DepartmentKind.EXTERNAL)
        civil_status = FieldFactory(code="HT", name="Hộ tịch")
        return cls(
            center=center,
            civil_office=civil_office,
            economy_office=economy_office,
            land_office=land_office,
            civil=ProcedureFactory(
                code="1.000894.000.00.00.H27", name="Đăng ký kết hôn", field=civil_status,
                department=civil_office,
            ),
            land=ProcedureFactory(
                code="1.004227.000.00.00.H27", name="Đăng ký biến động đất đai",
                field=FieldFactory(code="DD", name="Đất đai"), department=land_office,
                competent_authority=CompetentAuthority.LAND_OFFICE, center_may_decide=False,
                time_limit=10, fee={"kind": "fixed", "amount": 30000},
                online_level=OnlineLevel.PARTIAL,
            ),
            certification=ProcedureFactory(
                code="2.000815.000.00.00.H27", name="Chứng thực bản sao từ bản chính",
                field=FieldFactory(code="CT", name="Chứng thực"), department=civil_office,
                time_limit=0,
                fee={"kind": "per_page", "first_pages": 2, "first_page_amount": 2000,
                     "next_page_amount": 1000},
            ),
            residence=ProcedureFactory(
                code="1.001976.000.00.00.H27", name="Đăng ký thường trú",
                field=FieldFactory(code="CTRU", name="Cư trú"), department=external,
                competent_authority=CompetentAuthority.AGENCY, center_may_decide=False,
                time_limit=2,
            ),
        )


def applicant(**overrides) -> actions.Applicant:
    values = dict(
        name="Nguyễn Văn An", id_number="042090001234", phone="0912345678",
        address="Số 5, đường Phan Đình Phùng, phường Thành Sen, Hà Tĩnh",
        email="an@example.vn",
    )
    values.update(overrides)
    return actions.Applicant(**values)


#: The path from ``submitted`` to each state, as (service, actor role) steps.
PATHS = {
    "submitted": [],
    "received": ["receive"],
    "not_accepted": ["refuse_intake"],
    "in_progress": ["receive", "assign"],
    "supplement_requested": ["receive", "assign", "request_supplement"],
    "awaiting_payment": ["receive", "assign", "request_payment"],
    "awaiting_approval": ["receive", "assign", "submit_for_approval"],
    "resolved": ["receive", "assign", "submit_for_approval", "approve"],
    "returned": ["receive", "assign", "submit_for_approval", "approve", "return_result"],
    "stopped": ["receive", "stop"],
}


def mandatory_papers(procedure: Procedure) -> list[actions.SubmittedDocument]:
    """The procedure's mandatory papers, as the counter's checklist hands them in: receipt
    refuses a dossier missing one."""
    return [
        actions.SubmittedDocument(name=doc.name, copy_type=doc.copy_type, quantity=doc.quantity,
                                   required_document_id=doc.pk)
        for doc in procedure.documents.filter(mandatory=True)
    ]


def dossier_in(state: str, *, procedure: Procedure, at: datetime | None = None, resident=None,
               counter=None, handler=None, signer=None):
    """A dossier in ``state``, reached through the services by the right people."""
    at = at or timezone.now()
    counter = counter or UserFactory(role=Role.COUNTER_OFFICER)
    handler = handler or UserFactory(role=Role.HANDLING_OFFICER, department=procedure.department)
    signer = signer or UserFactory(role=_SIGNER_ROLE[procedure.competent_authority],
                                   department=procedure.department)
    creator = resident or counter
    dossier = actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), actor=creator, at=at,
        channel="online" if resident else "direct",
        documents=mandatory_papers(procedure),
    )
    steps = {
        "receive": lambda d: actions.dossier_receive(dossier=d, actor=counter, at=at),
        "refuse_intake": lambda d: actions.dossier_refuse_intake(
            dossier=d, actor=counter, reason="Không thuộc thẩm quyền", at=at),
        "assign": lambda d: actions.dossier_assign(
            dossier=d, actor=counter, handler=handler, at=at),
        "request_supplement": lambda d: actions.dossier_request_supplement(
            dossier=d, actor=handler, reason="Thiếu giấy khai sinh", at=at),
        "request_payment": lambda d: actions.dossier_request_payment(
            dossier=d, actor=handler, reason="Nộp thuế thu nhập cá nhân", at=at),
        "submit_for_approval": lambda d: actions.dossier_submit_for_approval(
            dossier=d, actor=handler, at=at),
        "approve": lambda d: actions.dossier_approve(dossier=d, actor=signer, at=at),
        "return_result": lambda d: actions.dossier_return_result(
            dossier=_fee_paid(d, counter, at), actor=counter, at=at),
        "stop": lambda d: actions.dossier_stop(
            dossier=d, actor=counter, reason="Công dân rút hồ sơ", at=at),
    }
    for step in PATHS[state]:
        dossier = steps[step](dossier)
    return dossier


def _fee_paid(dossier, counter, at):
    """The fee is collected in cash before the result goes out, as the counter must."""
    if not dossier.fee_due:
        return dossier
    return actions.dossier_record_fee_payment(dossier=dossier, actor=counter, via="cash", at=at)


_SIGNER_ROLE = {
    "ward_leader": Role.WARD_LEADER,
    "center_director": Role.CENTER_DIRECTOR,
    "land_office": Role.LAND_OFFICER,
    "agency": Role.WARD_LEADER,
}
