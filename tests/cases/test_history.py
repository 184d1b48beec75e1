"""The history is append-only, in the ORM everywhere and in the database on PostgreSQL."""

from datetime import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.history import keep_given_event_time
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


# --- the database sets the event time and refuses TRUNCATE (issue 11) ------------------------
INSERT_OLD_EVENT = """
    INSERT INTO cases_dossierevent (dossier_id, at, action, from_status, to_status, note, payload)
    VALUES (%s, '2020-01-01 08:00+07', 'approve', 'awaiting_approval', 'resolved', '', '{}')
    RETURNING at
"""


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_insert_with_an_old_time_gets_the_databases_time(event):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        started = cursor.fetchone()[0]
        cursor.execute(INSERT_OLD_EVENT, [event.dossier_id])
        stamped = cursor.fetchone()[0]
    assert stamped >= started and stamped.year != 2020
    assert not DossierEvent.objects.filter(at__year=2020).exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_owner_back_fills_only_when_it_says_so(event):
    """Seeding, demo data and paper back-filling run as the tables' owner and ask for it."""
    with transaction.atomic(), connection.cursor() as cursor:
        keep_given_event_time()
        cursor.execute(INSERT_OLD_EVENT, [event.dossier_id])
        assert cursor.fetchone()[0].year == 2020


@pytest.mark.postgres
@pytest.mark.django_db
def test_services_keep_the_moment_they_are_given_for_the_owner(catalogue):
    """The services' ``at`` (demo data, tests' fixed dates) still reaches the history."""
    monday = timezone.make_aware(datetime(2026, 3, 2, 9))
    dossier = dossier_in("in_progress", procedure=catalogue.civil, at=monday)
    assert {e.at for e in DossierEvent.objects.filter(dossier=dossier)} == {monday}


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_truncate_the_history(event):
    with pytest.raises(DatabaseError, match="TRUNCATE refused"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL thanhsen.allow_truncate = 'off'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's pending FK checks
            cursor.execute("TRUNCATE cases_dossierevent CASCADE")
    assert DossierEvent.objects.filter(pk=event.pk).exists()
