"""Publishing dossier events on commit: a transaction's events together, rolled-back ones never."""

import pytest
from django.db import transaction

from cases import actions, hooks
from cases.models import DossierEvent
from tests.factories import applicant, mandatory_papers


@pytest.fixture
def published(monkeypatch):
    """What a batch subscriber and a per-event subscriber are handed, call by call."""
    batches, singles = [], []
    monkeypatch.setattr(hooks, "_subscriptions", [])
    hooks.subscribe(lambda events: batches.append([e.id for e in events]),
                    actions={"create", "receive"}, batch=True)
    hooks.subscribe(singles.append, actions={"receive"})
    return batches, singles


def _create(procedure, counter, *, receive: bool):
    return actions.dossier_create(
        procedure_code=procedure.code, applicant=applicant(), channel="direct", actor=counter,
        receive=receive, documents=mandatory_papers(procedure),
    )


@pytest.mark.django_db
def test_a_creation_received_at_once_is_one_publication(catalogue, counter, published,
                                                        django_capture_on_commit_callbacks):
    batches, singles = published
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier = _create(catalogue.civil, counter, receive=True)
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("pk"))
    assert [e.action for e in events] == ["create", "receive"]
    assert len(callbacks) == 1
    assert batches == [[events[0].pk, events[1].pk]]
    assert singles == [events[1].pk]


@pytest.mark.django_db
def test_a_rolled_back_step_is_not_published_and_the_rest_is(catalogue, counter, published,
                                                             django_capture_on_commit_callbacks):
    batches, singles = published
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            kept = _create(catalogue.civil, counter, receive=False)
            try:
                with transaction.atomic():
                    _create(catalogue.civil, counter, receive=True)
                    raise RuntimeError("the counter's printer jammed")
            except RuntimeError:
                pass
            actions.dossier_receive(dossier=kept, actor=counter)
    events = list(DossierEvent.objects.filter(dossier=kept).order_by("pk"))
    assert [e.action for e in events] == ["create", "receive"]
    assert [pk for batch in batches for pk in batch] == [e.pk for e in events]
    assert singles == [events[1].pk]


@pytest.mark.django_db
def test_one_failing_reaction_leaves_the_others_to_run(catalogue, counter, published, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    batches, singles = published

    def broken(event_id):
        raise RuntimeError("bug in a reaction")

    hooks._subscriptions.insert(0, hooks._Subscription(broken, None))
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _create(catalogue.civil, counter, receive=True)
    receive = DossierEvent.objects.get(dossier=dossier, action="receive")
    assert singles == [receive.pk]
    assert len(batches) == 1
