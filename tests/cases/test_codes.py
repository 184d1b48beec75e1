"""Dossier codes: the unit, the day and the day's number, at least four digits."""

import pytest
from django.conf import settings
from django.utils import timezone

from cases import actions
from cases.models import Dossier, DossierCodeSequence
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


@pytest.mark.django_db
def test_a_dossier_received_at_creation_is_stored_as_the_counter_sees_it(catalogue, counter):
    dossier = _create(catalogue, counter)
    stored = Dossier.objects.get(pk=dossier.pk)
    for name in ("code", "status", "received_at", "received_by_id", "due_at", "initial_due_at",
                 "handover_due_at", "quality_due_at", "completion_request"):
        assert getattr(stored, name) == getattr(dossier, name), name
    assert stored.status == "received" and stored.due_at is not None
    # The returned dossier can be saved again: the state machine knows the stored state.
    dossier.applicant_address = "Số 7, đường Hà Huy Tập"
    dossier.save(update_fields=["applicant_address"])
    assert Dossier.objects.get(pk=dossier.pk).applicant_address == "Số 7, đường Hà Huy Tập"
