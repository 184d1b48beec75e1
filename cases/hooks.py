"""How other apps react to dossier events without ``cases`` importing them.

Apps register a callback in their ``AppConfig.ready``; every service publishes the event it
wrote once the transaction commits (``transaction.on_commit(robust=True)``), so a reaction
never sees a rolled-back step and a failing reaction cannot undo a committed one.
"""

from collections.abc import Callable

_subscribers: list[Callable[[int], None]] = []


def subscribe(callback: Callable[[int], None]) -> Callable[[int], None]:
    """Register ``callback(event_id)``; returns it so it can be used as a decorator."""
    if callback not in _subscribers:
        _subscribers.append(callback)
    return callback


def publish(event_id: int) -> None:
    for callback in list(_subscribers):
        callback(event_id)
