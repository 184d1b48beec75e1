"""How other apps react to dossier events without ``cases`` importing them.

Apps register a callback in their ``AppConfig.ready``, naming the actions they care about;
every service publishes the event it wrote once the transaction commits (an on-commit
callback, robust), so a reaction never sees a rolled-back step, a failing reaction cannot undo
a committed one, and an app is not woken for actions it ignores. A transaction's events are
published together, in order, by one callback: a subscriber that takes them as a batch
(``batch=True``) reacts once per commit, e.g. one Celery message for a creation and its
receipt rather than one each.

A few reactions must instead be part of the change itself: an integration's outbox row has to
commit with the change or not at all, or a crash between the two loses a message. Those
register with ``subscribe_in_transaction``; every writer calls ``record(events)`` right after
inserting the events, inside its transaction, so a recorder that fails rolls the change back.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Subscription:
    callback: Callable
    actions: frozenset[str] | None
    batch: bool = False

    def calls(self, events: list, one: Callable) -> list:
        """What to call the callback with for ``events``: the wanted ones as one list with
        ``batch``, else ``one(event)`` for each wanted event."""
        wanted = [e for e in events if self.actions is None or e.action in self.actions]
        if self.batch:
            return [wanted] if wanted else []
        return [one(event) for event in wanted]


class Published(NamedTuple):
    """A committed event as the subscribers are handed it."""

    id: int
    action: str
    dossier_id: int


_subscriptions: list[_Subscription] = []
_recorders: list[_Subscription] = []


def subscribe(
    callback: Callable, *, actions: Iterable[str] | None = None, batch: bool = False
) -> None:
    """After each commit, call ``callback(event_id)`` for each committed event (of ``actions``
    only, if given), or with ``batch`` once, ``callback([Published, ...])``, in order."""
    subscription = _Subscription(
        callback, frozenset(actions) if actions is not None else None, batch
    )
    if subscription not in _subscriptions:
        _subscriptions.append(subscription)


def publish(events: list[Published]) -> None:
    """Hand committed events to the subscribers.

    Each call is kept from the others: one reaction failing (logged) leaves the rest to run.
    """
    for subscription in list(_subscriptions):
        for argument in subscription.calls(events, attrgetter("id")):
            _react(subscription.callback, argument)


def _react(callback: Callable, argument) -> None:
    try:
        callback(argument)
    except Exception:
        log.exception("Reaction %s to dossier event(s) %s failed", callback.__qualname__, argument)


class _CommitBatch:
    """The events one on-commit callback publishes: those written under the same savepoints.

    Django drops an on-commit callback when a savepoint it was registered under rolls back,
    so an event joins a batch only when it was written under exactly that batch's savepoints:
    a rolled-back savepoint then drops its own events and no other.
    """

    def __init__(self, event: Published):
        self.events = [event]
        self.published = False

    def __call__(self) -> None:
        self.published = True
        publish(self.events)


def _open_batch(connection) -> "_CommitBatch | None":
    """The transaction's last batch, if an event written now may join it (not yet published,
    registered under the current savepoints)."""
    if not connection.in_atomic_block:
        return None
    savepoints = _savepoints(connection.savepoint_ids)
    for registered_under, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _CommitBatch):
            if not callback.published and _savepoints(registered_under) == savepoints:
                return callback
            return None
    return None


def _savepoints(ids) -> set[str]:
    # An ``atomic(savepoint=False)`` block stands in the list as None: it has no savepoint to
    # roll back, so it drops no callback.
    return {sid for sid in ids if sid is not None}


def publish_on_commit(event) -> None:
    """Publish the just-written ``DossierEvent`` once the surrounding transaction commits (at
    once outside one)."""
    published = Published(event.pk, event.action, event.dossier_id)
    batch = _open_batch(transaction.get_connection())
    if batch is not None:
        batch.events.append(published)
    else:
        transaction.on_commit(_CommitBatch(published), robust=True)


def subscribe_in_transaction(
    callback: Callable, *, actions: Iterable[str] | None = None, batch: bool = False
) -> None:
    """Call ``callback(event)`` inside the writing transaction for each event written (of
    ``actions`` only, if given), or with ``batch`` once per write, ``callback([event, ...])``:
    a step that writes several events at once (a creation received at once) writes them in
    one statement, and a batch recorder can do the same with what it adds."""
    subscription = _Subscription(
        callback, frozenset(actions) if actions is not None else None, batch
    )
    if subscription not in _recorders:
        _recorders.append(subscription)


def record(events: list) -> None:
    """Run the in-transaction recorders for just-written ``DossierEvent`` rows, in order."""
    for subscription in _recorders:
        for argument in subscription.calls(events, lambda event: event):
            subscription.callback(argument)


# --- results issued by another system ------------------------------------------------------
# Some results are issued by an outside system after the ward's decision (the civil-status
# registry's extract): until it arrives the result is not ready, so it cannot be handed over
# and the resident is not told it is. The app that talks to that system says so here.
_result_holds: list[Callable[[object], str | None]] = []


def hold_results(callback: Callable[[object], str | None]) -> None:
    """Register ``callback(dossier)``: why its result is not ready yet, or None."""
    if callback not in _result_holds:
        _result_holds.append(callback)


def result_hold(dossier) -> str | None:
    """Why the dossier's result is not ready yet (a sentence for staff), or None."""
    for callback in _result_holds:
        reason = callback(dossier)
        if reason:
            return reason
    return None
