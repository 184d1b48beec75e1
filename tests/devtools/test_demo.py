"""The demo data (``seed_demo``, what ``make run`` loads) loads once, whatever the number of runs."""

import pytest
from django.core.management import call_command
from django.db.models import Prefetch

from cases.models import Dossier, DossierEvent, Status
from thanhsen.models import User
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_role_an_account_and_every_state_a_dossier(capsys):
    call_command("seed_demo", dossiers=20)
    out = capsys.readouterr().out
    seeded = (Dossier.objects.count(), DossierEvent.objects.count())
    call_command("seed_demo", dossiers=20)

    assert (Dossier.objects.count(), DossierEvent.objects.count()) == seeded
    assert seeded[0] >= 20
    assert set(Dossier.objects.values_list("status", flat=True)) == set(Status.values)
    assert {u.role for u in User.objects.filter(username__in=[
        "tiepnhan", "xuly", "datdai", "giamdoc", "chutich", "congdan", "quantri",
    ])} == set(Role.values) - {Role.SYSTEM}
    assert "tiepnhan@2026" in out
    assert User.objects.get(username="tiepnhan").check_password("tiepnhan@2026")
    received = Dossier.objects.exclude(received_at=None)
    assert all(d.due_at and d.due_at >= d.received_at for d in received)
    assert DossierEvent.objects.filter(action="receive").count() == received.count()


def test_demo_histories_are_in_order_and_in_the_past():
    from django.utils import timezone

    call_command("seed_demo", dossiers=60)

    now = timezone.now()
    for dossier in Dossier.objects.prefetch_related(
        Prefetch("events", queryset=DossierEvent.objects.order_by("id"))
    ):
        moments = [event.at for event in dossier.events.all()]  # in the order they were written
        assert moments == sorted(moments), dossier.code
        assert moments[-1] <= now
