"""Bundle kinds as Decree 63/2024 and Decree 301/2026 set them: the death bundle's total by the
beneficiary group, and kinds versioned by the date a bundle is filed."""

from datetime import date, datetime, time

import pytest

from cases.deadlines import VIETNAM_TZ
from linkage.bundles import bundle_submit
from tests.factories import applicant
from tests.linkage import support
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db


def on(day: date) -> datetime:
    return datetime.combine(day, time(9), VIETNAM_TZ)


def _file(people, kind, chosen=(), *, day=date(2026, 3, 2), **kwargs):
    return bundle_submit(kind_code=kind, applicant=applicant(), actor=people.counter,
                         channel="direct", chosen_procedures=chosen, receive=True, at=on(day),
                         documents=support.papers(kind, on(day)), **kwargs)


@pytest.mark.parametrize(("chosen", "elderly", "limit"), [
    ((support.MERITORIOUS,), False, 18),
    ((support.FUNERAL_SUPPORT,), False, 6),
    ((support.FUNERAL_SUPPORT,), True, 11),
    ((support.SURVIVOR,), False, 9),
    ((support.SURVIVOR, support.MERITORIOUS), False, 18),
    ((support.SURVIVOR, support.FUNERAL_SUPPORT), False, 9),
])
def test_the_death_bundle_total_follows_the_beneficiary_group(chosen, elderly, limit):
    people = support.load_catalogue()
    bundle = _file(people, "death", chosen, deceased_elderly_with_allowance=elderly)
    assert bundle.time_limit == limit
    # No step is given more time than the bundle has.
    assert max(s.time_limit for s in bundle.steps.all()) < bundle.time_limit


def test_a_birth_bundle_filed_before_1_september_2026_has_no_id_card_step():
    people = support.load_catalogue()
    bundle = _file(people, "birth", day=date(2026, 8, 10))
    assert support.ID_CARD not in {s.procedure.code for s in bundle.steps.all()}
    assert bundle.kind.catalogue_code == ""
    with pytest.raises(ApplicationError):
        _file(people, "birth", (support.ID_CARD,), day=date(2026, 8, 10))


def test_from_1_september_2026_the_birth_bundle_takes_the_id_card_under_its_new_code():
    people = support.load_catalogue()
    bundle = _file(people, "birth", (support.ID_CARD,), day=date(2026, 9, 1))
    assert support.ID_CARD in {s.procedure.code for s in bundle.steps.all()}
    assert bundle.kind.catalogue_code == "3.000722"
    assert bundle.time_limit >= max(s.time_limit for s in bundle.steps.all())
    death = _file(people, "death", (support.SURVIVOR,), day=date(2026, 9, 1))
    assert death.kind.catalogue_code == "2.002913"
    assert _file(people, "death", (support.SURVIVOR,), day=date(2026, 8, 31)).kind.catalogue_code == ""


def test_the_api_files_a_bundle_under_the_kind_in_force(as_user):
    people = support.load_catalogue()
    response = as_user(people.counter).post("/api/v1/bundles/", {
        "kind": "death", "channel": "direct", "receive": True,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "042090001234",
                      "phone": "0912345678", "address": "Thành Sen"},
        "chosen_procedures": [support.MERITORIOUS],
        "documents": [{"name": d.name, "copy_type": d.copy_type} for d in support.papers("death")],
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["time_limit"] == 18
