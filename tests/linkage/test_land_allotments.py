"""The office's answer is allotted what the procedure's department step leaves after the tax
authority's 5 working days, in whole working days and at least one: the default split of a
10-working-day procedure gives 3, a procedure's own split moves it, a short one keeps one day."""

import pytest

from cases import actions as case_actions
from cases.models import Procedure
from linkage.framework import outbound
from linkage.land.selectors import land_hops
from tests.linkage.land_support import land_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def office_answer(catalogue, counter, land_officer, *, split=None):
    if split is not None:
        Procedure.objects.filter(pk=catalogue.land.pk).update(step_allotments=split)
    dossier = land_dossier(catalogue, counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    return next(hop for hop in land_hops(dossier) if hop.key == "answered")


def test_the_default_split_of_ten_working_days_gives_the_office_three(
    catalogue, counter, land_officer, land_systems
):
    # 80 working hours: 4 counter, 64 department (8 days), 8 signer, 4 return; 8 − 5 = 3.
    assert office_answer(catalogue, counter, land_officer).allotment == "3 ngày làm việc"


def test_a_procedures_own_split_moves_the_offices_allotment(
    catalogue, counter, land_officer, land_systems
):
    split = {"counter": 4, "department": 72, "approval": 2, "return": 2}  # 9 days: 9 − 5 = 4
    hop = office_answer(catalogue, counter, land_officer, split=split)

    assert hop.allotment == "4 ngày làm việc"
    default = office_answer(catalogue, counter, land_officer, split={})
    assert hop.due_at > default.due_at


def test_a_department_share_within_the_tax_authoritys_days_still_gives_the_office_one(
    catalogue, counter, land_officer, land_systems
):
    split = {"counter": 4, "department": 36, "approval": 4, "return": 4}
    hop = office_answer(catalogue, counter, land_officer, split=split)

    assert hop.allotment == "1 ngày làm việc"
