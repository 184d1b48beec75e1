"""The history is append-only, in the ORM everywhere and in the database on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from cases.models import DossierEvent
from cases.models.events import AppendOnlyError
from tests.factories import dossier_in


@pytest.fixture
def event(catalogue):
    dossier = dossier_in("received", procedure=catalogue.civil)
    return dossier.events.get(action="receive")


@pytest.mark.django_db
def test_the_orm_refuses_to_change_an_event(event):
    event.note = "sửa lại lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).update(note="sửa")
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.note == ""


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cases_dossierevent SET note = 'sửa' WHERE id = %s",
        "DELETE FROM cases_dossierevent WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_an_event(event, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert DossierEvent.objects.filter(pk=event.pk, note="").exists()
