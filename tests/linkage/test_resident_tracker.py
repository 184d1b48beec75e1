"""The resident follows each procedure of their bundle on their own dossier page."""

import pytest
from django.urls import reverse

from linkage.bundles import bundle_submit
from tests.factories import applicant
from tests.linkage import support

pytestmark = pytest.mark.django_db


def test_the_residents_dossier_page_has_one_track_per_procedure(client):
    people = support.load_catalogue()
    bundle = bundle_submit(
        kind_code="birth", applicant=applicant(), actor=people.resident, channel="online",
        chosen_procedures=(), receive=False,
    )
    client.force_login(people.resident)

    page = client.get(reverse("intake:my_dossier", args=[bundle.dossier.code])).content.decode()

    assert "Tiến độ theo từng thủ tục liên thông" in page
    for step in bundle.steps.select_related("procedure"):
        assert step.procedure.name in page
    assert "Chờ bước đăng ký hộ tịch" in page


def test_a_dossier_that_is_not_a_bundle_shows_no_bundle_tracker(client, catalogue, resident):
    from cases import actions

    dossier = actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="online",
        actor=resident,
    )
    client.force_login(resident)

    page = client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()

    assert "Tiến độ theo từng thủ tục liên thông" not in page
