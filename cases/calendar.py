"""The ward's working calendar: national holidays and swaps, plus the days it configures.

Every deadline computation needs the calendar, so the ward's own days are kept in memory for
``CACHE_SECONDS``; saving or deleting a ``CalendarDay`` clears this process's copy at once,
and other processes pick the change up within that time.
"""

import threading
import time as clock
from dataclasses import replace
from datetime import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cases.deadlines import WorkingCalendar, vietnam_calendar
from cases.models import CalendarDay

#: Holidays are loaded from this year on: the oldest dossier a report may recompute.
FIRST_YEAR = 2024


def _parse_time(value: str) -> time:
    try:
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ImproperlyConfigured(f"Not a HH:MM time: {value!r}") from exc


def _parse_windows(values: list[str]) -> tuple[tuple[time, time], ...]:
    windows = []
    for value in values:
        start, _sep, end = value.partition("-")
        windows.append((_parse_time(start), _parse_time(end)))
    return tuple(windows)


@lru_cache(maxsize=4)
def _national_calendar(last_year: int) -> WorkingCalendar:
    return vietnam_calendar(
        years=range(FIRST_YEAR, last_year + 1),
        windows=_parse_windows(settings.WORKING_HOURS),
        saturday_morning=settings.SATURDAY_MORNING,
        cutoff=_parse_time(settings.RECEIPT_CUTOFF),
    )


CACHE_SECONDS = 30

_cached: dict = {}
_lock = threading.Lock()


def forget_ward_days() -> None:
    with _lock:
        _cached.clear()


def _ward_days() -> tuple[frozenset, frozenset]:
    with _lock:
        if _cached and clock.monotonic() - _cached["at"] < CACHE_SECONDS:
            return _cached["days"]
    days_off, working_days = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (days_off if kind == CalendarDay.Kind.DAY_OFF else working_days).add(day)
    days = (frozenset(days_off), frozenset(working_days))
    with _lock:
        _cached.update(at=clock.monotonic(), days=days)
    return days


def working_calendar() -> WorkingCalendar:
    """The calendar in force now: national rules plus the ward's configured days."""
    national = _national_calendar(timezone.localdate().year + 2)
    days_off, working_days = _ward_days()
    if not days_off and not working_days:
        return national
    return replace(
        national,
        days_off=national.days_off | days_off,
        working_days=national.working_days | working_days,
    )
