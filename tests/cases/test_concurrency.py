"""Races on PostgreSQL: row locks and the code sequence must hold under real concurrency."""

import threading

import pytest
from django.db import connection

from cases import actions
from cases.models import Dossier, DossierEvent
from tests.factories import applicant, dossier_in, mandatory_papers
from thanhsen.errors import ApplicationError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count: int, work):
    """Run ``work(i)`` in ``count`` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except ApplicationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_ten_officers_receiving_one_dossier_receive_it_once(catalogue, counter):
    dossier = dossier_in("submitted", procedure=catalogue.civil, counter=counter)

    results, errors = _race(
        10, lambda i: actions.dossier_receive(dossier=dossier, actor=counter)
    )

    assert len(results) == 1
    assert len(errors) == 9
    assert all(error.kind == "conflict" for error in errors)
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == "received"


def test_twenty_dossiers_created_at_once_get_consecutive_codes(catalogue, counter, settings):
    settings.UNIT_CODE = "TSHT"

    papers = mandatory_papers(catalogue.civil)
    results, errors = _race(
        20,
        lambda i: actions.dossier_create(
            procedure_code=catalogue.civil.code, applicant=applicant(), channel="direct",
            actor=counter, receive=True, documents=papers,
        ).code,
    )

    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in results)
    assert numbers == list(range(1, 21))
    assert len(set(results)) == 20
    assert Dossier.objects.count() == 20


def test_wrong_factors_sent_at_once_are_each_counted_against_the_code(catalogue, settings):
    """The status lookup's limits: concurrent failures on one code lose no count, so a
    burst of guesses cannot slip past the limit."""
    from intake.models import LookupThrottle
    from intake.online.lookup import _keys, lookup_by_factor

    settings.LOOKUP_LIMIT_PER_CODE = 100
    dossier = dossier_in("received", procedure=catalogue.civil)

    results, errors = _race(12, lambda i: lookup_by_factor(
        code=dossier.code, factor="0000", client_ip=f"10.2.0.{i}"))

    assert len(results) == 12 and not errors
    assert all(result.status is None and not result.limited for result in results)
    code_key = _keys(dossier.code, "")[1]
    assert LookupThrottle.objects.get(key=code_key).failures == 12
