"""The catalogue loads once, whatever the number of runs; a changed rule is a new version."""

import pytest

from cases.catalogue_import import catalogue_import, catalogue_load
from cases.models import Procedure

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
