"""Dossier histories at chosen moments, walked through ``cases.actions`` like at the counter."""

from __future__ import annotations

from datetime import datetime, timedelta

from cases import actions as case_actions
from tests.factories import UserFactory, applicant
from thanhsen.roles import Role

#: The services each end state passes through after creation.
ROUTES = {
    "submitted": [],
    "not_accepted": ["refuse_intake"],
    "received": ["receive"],
    "in_progress": ["receive", "assign"],
    "supplement_requested": ["receive", "assign", "request_supplement"],
    "awaiting_approval": ["receive", "assign", "submit_for_approval"],
    "resolved": ["receive", "assign", "submit_for_approval", "approve"],
    "refused": ["receive", "assign", "submit_for_approval", "refuse"],
    "returned": ["receive", "assign", "submit_for_approval", "approve", "return_result"],
    "stopped": ["receive", "stop"],
    "stopped_in_progress": ["receive", "assign", "stop"],
}


def team(catalogue) -> dict:
    """The people a history needs: a counter officer, a handler of the civil office, a signer."""
    return {
        "counter": UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center),
        "handler": UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office),
        "signer": UserFactory(role=Role.WARD_LEADER),
    }


def walk(*, procedure, route: str, start: datetime, gaps: list[timedelta], people: dict,
         channel: str = "direct", documents=None):
    """Create a dossier at ``start`` and take the route's steps, step i after ``gaps[i]``."""
    dossier = case_actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), actor=people["counter"], at=start,
        channel=channel,
        documents=documents or [case_actions.SubmittedDocument(name="Tờ khai", copy_type="original")],
    )
    at = start
    actions = {
        "receive": lambda d, t: case_actions.dossier_receive(dossier=d, actor=people["counter"], at=t),
        "refuse_intake": lambda d, t: case_actions.dossier_refuse_intake(
            dossier=d, actor=people["counter"], reason="Không thuộc thẩm quyền", at=t),
        "assign": lambda d, t: case_actions.dossier_assign(
            dossier=d, actor=people["counter"], handler=people["handler"], at=t),
        "request_supplement": lambda d, t: case_actions.dossier_request_supplement(
            dossier=d, actor=people["handler"], reason="Thiếu giấy khai sinh", at=t),
        "submit_for_approval": lambda d, t: case_actions.dossier_submit_for_approval(
            dossier=d, actor=people["handler"], at=t),
        "approve": lambda d, t: case_actions.dossier_approve(dossier=d, actor=people["signer"], at=t),
        "refuse": lambda d, t: case_actions.dossier_refuse(
            dossier=d, actor=people["signer"], reason="Không đủ điều kiện", at=t),
        "return_result": lambda d, t: case_actions.dossier_return_result(
            dossier=_fee_paid(d, people["counter"], t), actor=people["counter"], at=t),
        "stop": lambda d, t: case_actions.dossier_stop(
            dossier=d, actor=people["counter"], reason="Công dân rút hồ sơ", at=t),
    }
    for index, step in enumerate(ROUTES[route]):
        at = at + (gaps[index] if index < len(gaps) else timedelta(hours=1))
        dossier = actions[step](dossier, at)
    return dossier


def _fee_paid(dossier, counter, at):
    """The counter collects the fee in cash before it hands the result over."""
    if not dossier.fee_due:
        return dossier
    return case_actions.dossier_record_fee_payment(dossier=dossier, actor=counter, via="cash", at=at)
