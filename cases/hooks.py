"""How other apps react to dossier events without ``cases`` importing them.

Apps register a callback in their ``AppConfig.ready``, naming the actions they care about;
every service publishes the event it wrote once the transaction commits
(``transaction.on_commit(robust=True)``), so a reaction never sees a rolled-back step, a
failing reaction cannot undo a committed one, and an app is not woken for actions it ignores.

A few reactions must instead be part of the change itself: an integration's outbox row has to
commit with the change or not at all, or a crash between the two loses a message. Those
register with ``subscribe_in_transaction``; every writer calls ``record(event)`` right after
inserting the event, inside its transaction, so a recorder that fails rolls the change back.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Subscription:
    callback: Callable[[int], None]
    actions: frozenset[str] | None


_subscriptions: list[_Subscription] = []
_recorders: list[_Subscription] = []


def subscribe(callback: Callable[[int], None], *, actions: Iterable[str] | None = None) -> None:
    """Call ``callback(event_id)`` after each committed event (of ``actions`` only, if given)."""
    subscription = _Subscription(callback, frozenset(actions) if actions is not None else None)
    if subscription not in _subscriptions:
        _subscriptions.append(subscription)


def publish(event_id: int, action: str) -> None:
    for subscription in list(_subscriptions):
        if subscription.actions is None or action in subscription.actions:
            subscription.callback(event_id)


def subscribe_in_transaction(
    callback: Callable[[object], None], *, actions: Iterable[str] | None = None
) -> None:
    """Call ``callback(event)`` inside the writing transaction (of ``actions`` only, if given)."""
    subscription = _Subscription(callback, frozenset(actions) if actions is not None else None)
    if subscription not in _recorders:
        _recorders.append(subscription)


def record(event) -> None:
    """Run the in-transaction recorders for a just-written ``DossierEvent``."""
    for subscription in _recorders:
        if subscription.actions is None or event.action in subscription.actions:
            subscription.callback(event)


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
