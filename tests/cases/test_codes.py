"""Dossier codes: the unit, the day and the day's number, at least four digits."""

import pytest
from django.conf import settings
from django.utils import timezone

from cases import actions
from cases.models import DossierCodeSequence
from tests.factories import applicant, mandatory_papers


def _create(catalogue, counter):
    return actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
        actor=counter, receive=True, documents=mandatory_papers(catalogue.civil),
    )


@pytest.mark.django_db
def test_the_days_first_dossier_is_number_one_and_the_ten_thousandth_has_five_digits(
    catalogue, counter
):
    today = timezone.localdate()
    prefix = f"{settings.UNIT_CODE}-{today:%y%m%d}-"
    first = _create(catalogue, counter)
    assert first.code == f"{prefix}0001"
    first.refresh_from_db()
    assert first.code == f"{prefix}0001"
    DossierCodeSequence.objects.filter(unit=settings.UNIT_CODE, day=today).update(last_value=9999)
    assert _create(catalogue, counter).code == f"{prefix}10000"
