"""The demo data and the catalogue load once, whatever the number of runs."""

import pytest
from django.core.management import call_command
from django.db.models import Prefetch

from cases.catalogue_import import catalogue_import, catalogue_load
from cases.models import Dossier, DossierEvent, Procedure, Status
from thanhsen.models import User
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


def test_the_ward_catalogue_is_complete_and_loads_idempotently():
    first = catalogue_import(data=catalogue_load())
    second = catalogue_import(data=catalogue_load())

    procedures = Procedure.objects.filter(is_current=True)
    assert procedures.count() >= 25
    assert first.created == procedures.count()
    assert second.unchanged == procedures.count() and second.created == 0
    codes = set(procedures.values_list("code", flat=True))
    assert {"1.000656", "2.000815"} <= {".".join(c.split(".")[:2]) for c in codes}
    fields = set(procedures.values_list("field__code", flat=True))
    assert {"HT", "CT", "DD", "DKKD", "BTXH", "CTRU", "BHYT", "BHXH"} <= fields


def test_a_changed_rule_becomes_a_new_version_once_dossiers_use_it(catalogue, counter):
    data = catalogue_load()
    catalogue_import(data=data)
    death = next(p for p in data["procedures"] if p["code"].startswith("1.000656"))
    from cases import services
    from tests.factories import applicant

    dossier = services.dossier_create(
        procedure_code=death["code"], applicant=applicant(), channel="direct", actor=counter,
        receive=True,
    )
    death["time_limit"] += 2
    summary = catalogue_import(data=data)

    assert summary.revised == 1
    current = Procedure.objects.get(code=death["code"], is_current=True)
    assert current.version == 2 and current.time_limit == death["time_limit"]
    dossier.refresh_from_db()
    assert dossier.procedure.version == 1
    assert dossier.procedure.time_limit == death["time_limit"] - 2
    assert current.documents.count() == dossier.procedure.documents.count()


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
