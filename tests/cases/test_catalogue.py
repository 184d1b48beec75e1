"""The catalogue loads once, whatever the number of runs; a changed rule is a new version."""

import json

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
    from cases import actions
    from tests.factories import applicant, mandatory_papers

    dossier = actions.dossier_create(
        procedure_code=death["code"], applicant=applicant(), channel="direct", actor=counter,
        receive=True,
        documents=mandatory_papers(Procedure.objects.get(code=death["code"], is_current=True)),
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


def test_a_revision_through_the_service_records_who_changed_what(catalogue, leader):
    from cases import actions
    from cases.models import CatalogueChange

    old_fee = catalogue.civil.fee
    new = actions.procedure_revise(
        procedure=catalogue.civil, changes={"fee": {"kind": "fixed", "amount": 8000}},
        actor=leader,
    )

    change = CatalogueChange.objects.get()
    assert change.procedure == new and change.actor == leader
    assert change.changes == {"fee": {"old": old_fee, "new": {"kind": "fixed", "amount": 8000}}}


def _admin_form_data(procedure, **changes):
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(procedure).items() if v is not None}
    data["fee"] = json.dumps(procedure.fee)
    data["form_fields"] = json.dumps(procedure.form_fields)
    data.update(changes)
    documents = list(procedure.documents.all())
    data.update({"documents-TOTAL_FORMS": len(documents), "documents-INITIAL_FORMS": len(documents),
                 "documents-MIN_NUM_FORMS": 0, "documents-MAX_NUM_FORMS": 1000})
    for i, doc in enumerate(documents):
        data.update({f"documents-{i}-{k}": v for k, v in model_to_dict(doc).items()
                     if v is not None})
    return {k: v for k, v in data.items() if v is not False}


@pytest.mark.parametrize("with_dossier", [False, True], ids=["in place", "new version"])
def test_an_edit_in_the_admin_records_who_changed_what(client, catalogue, counter, with_dossier):
    from cases.models import CatalogueChange
    from tests.factories import UserFactory, dossier_in

    if with_dossier:
        dossier_in("received", procedure=catalogue.civil)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    procedure = catalogue.civil
    url = f"/admin/cases/procedure/{procedure.pk}/change/"

    response = client.post(url, _admin_form_data(
        procedure, time_limit=procedure.time_limit + 3,
        fee=json.dumps({"kind": "fixed", "amount": 12000}),
    ))

    assert response.status_code == 302, response.content.decode()[:3000]
    change = CatalogueChange.objects.get()
    assert change.actor == admin
    assert change.procedure == Procedure.objects.get(code=procedure.code, is_current=True)
    assert change.changes == {
        "time_limit": {"old": procedure.time_limit, "new": procedure.time_limit + 3},
        "fee": {"old": procedure.fee, "new": {"kind": "fixed", "amount": 12000}},
    }
    audit = client.get("/admin/cases/cataloguechange/").content.decode()
    assert procedure.code in audit
    assert "/admin/cases/cataloguechange/add/" not in audit  # written by the services only


def test_an_import_that_corrects_a_procedure_in_place_is_recorded_too(db):
    from cases.models import CatalogueChange

    data = catalogue_load()
    catalogue_import(data=data)
    entry = data["procedures"][0]
    old_limit = entry["time_limit"]
    entry["time_limit"] += 1
    assert catalogue_import(data=data).updated == 1

    change = CatalogueChange.objects.get()
    assert change.procedure.code == entry["code"] and change.actor is None
    assert change.changes == {"time_limit": {"old": old_limit, "new": old_limit + 1}}
