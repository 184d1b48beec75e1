"""The API gives no server error for any input its schema allows, or almost allows (issue 11).

Schemathesis reads ``/api/schema/`` and sends generated requests (valid ones and near
misses: NUL bytes, odd dates, wrong types) to every operation, through Django's WSGI handler
in this process, anonymously and as a counter officer with a token. The only check is "not
a server error": a 4xx is a fine answer to bad input. Bounded so that it stays under two
minutes: a few examples per operation, no shrinking beyond Hypothesis's defaults, no database
of past failures (each run starts fresh, as CI does).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.factories import dossier_in
from thanhsen.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 10


def _fuzz(headers: dict) -> None:
    """Every operation, valid and invalid requests; Hypothesis reports the first server error."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, "the schema lists the API's operations"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def no_server_error(case):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            try:
                no_server_error()
            except Unsatisfiable:
                # An operation with nothing to get wrong (no parameters, no body) has no
                # invalid requests to generate; its valid ones ran above.
                assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the connection after each request; the test's transaction
    lives on it (Django's own test client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def a_dossier(catalogue, counter):
    """One real dossier, so that some generated codes and filters reach real rows."""
    return dossier_in("in_progress", procedure=catalogue.civil, counter=counter)


def test_no_server_error_anonymous(a_dossier):
    _fuzz(headers={})


def test_no_server_error_as_staff(a_dossier, counter):
    token, _created = Token.objects.get_or_create(user=counter)
    _fuzz(headers={"Authorization": f"Token {token.key}"})
