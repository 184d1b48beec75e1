"""Deadline arithmetic for dossiers: working calendars, due dates, pauses and classification.

Pure on purpose (no ORM, no settings): the rules are legal ones, easiest to trust when every case
can be checked with plain dates in a test. See docs/domain.md, "Deadlines".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WINDOWS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 30)),
)
DEFAULT_CUTOFF = time(15, 0)
_ONE_DAY = timedelta(days=1)


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    DAYS = "days"


class Classification(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    OVERDUE = "overdue"
    WITHIN = "within"


def _require_aware(value: datetime, name: str) -> None:
    # A naive datetime would silently be read in the server's zone; refuse it instead.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def _span(start: datetime, end: datetime) -> timedelta:
    # Subtract in UTC so the result is right even for a zone with DST, whatever the tzinfo objects.
    return end.astimezone(UTC) - start.astimezone(UTC)


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    windows: tuple[tuple[time, time], ...] = DEFAULT_WINDOWS
    saturday_morning: bool = False
    cutoff: time = DEFAULT_CUTOFF
    tz: ZoneInfo = VIETNAM_TZ

    def __post_init__(self) -> None:
        # Every walk through the calendar relies on at least one ordered, non-empty window per day.
        if not self.windows:
            raise ValueError("a working calendar needs at least one working window")
        previous_end: time | None = None
        for opens, closes in self.windows:
            if not opens < closes:
                raise ValueError(f"window {opens}-{closes} must open before it closes")
            if previous_end is not None and opens < previous_end:
                raise ValueError("windows must be in order and must not overlap")
            previous_end = closes

    def is_working_day(self, d: date) -> bool:
        if d in self.working_days:
            return True
        if d in self.days_off:
            return False
        weekday = d.weekday()
        if weekday < 5:
            return True
        return weekday == 5 and self.saturday_morning

    def windows_on(self, d: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(d):
            return []
        windows = self.windows
        # A make-up working day replaces a full weekday; an ordinary Saturday is a morning counter.
        if d.weekday() == 5 and d not in self.working_days:
            windows = windows[:1]
        return [
            (datetime.combine(d, opens, self.tz), datetime.combine(d, closes, self.tz))
            for opens, closes in windows
        ]

    def next_working_day(self, d: date) -> date:
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def previous_working_day(self, d: date) -> date:
        d -= _ONE_DAY
        while not self.is_working_day(d):
            d -= _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def start_of_day(self, d: date) -> datetime:
        windows = self.windows_on(d)
        if windows:
            return windows[0][0]
        return datetime.combine(d, self.windows[0][0], self.tz)

    def end_of_day(self, d: date) -> datetime:
        windows = self.windows_on(d)
        if windows:
            return windows[-1][1]
        return datetime.combine(d, self.windows[-1][1], self.tz)

    def effective_receipt(self, received_at: datetime) -> datetime:
        """When the clock legally starts for a dossier handed in at `received_at`.

        The cut-off is capped at the end of that day's windows: a Saturday-morning counter
        closes at 11:30, so an online submission at 13:00 that Saturday cannot count as
        received that day (it would otherwise be due before it arrived).
        """
        _require_aware(received_at, "received_at")
        local = received_at.astimezone(self.tz)
        day = local.date()
        if self.is_working_day(day):
            cutoff = min(datetime.combine(day, self.cutoff, self.tz), self.end_of_day(day))
            if local < cutoff:
                return received_at
        return self.start_of_day(self.next_working_day(day))

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        _require_aware(start, "start")
        _require_aware(end, "end")
        start = start.astimezone(self.tz)
        end = end.astimezone(self.tz)
        if end <= start:
            return 0
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for opens, closes in self.windows_on(day):
                lo, hi = max(opens, start), min(closes, end)
                if lo < hi:
                    total += _span(lo, hi)
            day += _ONE_DAY
        return int(total.total_seconds())

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        _require_aware(start, "start")
        if seconds < 0:
            raise ValueError(f"cannot add a negative duration ({seconds} s)")
        if seconds == 0:
            return start
        remaining = timedelta(seconds=seconds)
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        while True:
            for opens, closes in self.windows_on(day):
                if closes <= cursor:
                    continue
                begin = max(opens, cursor)
                available = _span(begin, closes)
                # `<=` so that landing exactly on closing time stays there instead of rolling over.
                if remaining <= available:
                    return (begin.astimezone(UTC) + remaining).astimezone(self.tz)
                remaining -= available
            day += _ONE_DAY


def vietnam_calendar(
    *,
    years: Iterable[int],
    extra_days_off: Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
    windows: tuple[tuple[time, time], ...] = DEFAULT_WINDOWS,
    saturday_morning: bool = False,
    cutoff: time = DEFAULT_CUTOFF,
) -> WorkingCalendar:
    """Vietnam's public holidays and announced swaps, plus the ward's own configuration.

    Callers must cover every year a deadline may reach (e.g. this year and the next), because
    only the listed years' holidays are loaded.
    """
    years = set(years)
    public = holidays.country_holidays("VN", years=sorted(years))
    # weekend_workdays is not limited to the requested years, so filter it to match days_off.
    swaps = {d for d in public.weekend_workdays if d.year in years}
    return WorkingCalendar(
        days_off=frozenset(public.keys()) | frozenset(extra_days_off),
        working_days=frozenset(swaps) | frozenset(extra_working_days),
        windows=windows,
        saturday_morning=saturday_morning,
        cutoff=cutoff,
    )


def due_at(cal: WorkingCalendar, *, start: datetime, limit: int, unit: TimeUnit) -> datetime:
    """The appointment for a limit counted from `start` (Civil Code 2015 arts. 147-148)."""
    _require_aware(start, "start")
    if limit < 0:
        raise ValueError(f"a time limit cannot be negative ({limit})")
    unit = TimeUnit(unit)
    if unit is TimeUnit.WORKING_HOURS:
        return cal.add_working_seconds(start, limit * 3600)
    received = cal.effective_receipt(start).astimezone(cal.tz).date()
    if unit is TimeUnit.WORKING_DAYS:
        return cal.end_of_day(cal.add_working_days(received, limit))
    last = received + timedelta(days=limit)
    if not cal.is_working_day(last):
        # Art. 148: a period ending on a day off ends on the next working day.
        last = cal.next_working_day(last)
    return cal.end_of_day(last)


def handover_due(cal: WorkingCalendar, received_at: datetime) -> datetime:
    """When a received dossier must have reached the competent department: the counter step's
    deadline (Decree 61/2018 art. 19; DOMAIN "Hand-over").

    Received on a working day before the cut-off (15:00, capped at that day's close): the end
    of that working day. Received later, or on a day that is not a working day: the end of the
    next working day's morning (its first working window).
    """
    _require_aware(received_at, "received_at")
    local = received_at.astimezone(cal.tz)
    if cal.effective_receipt(received_at) == received_at:
        return cal.end_of_day(local.date())
    return cal.windows_on(cal.next_working_day(local.date()))[0][1]


#: How long before the hand-over deadline the counter is warned: two working hours, enough to
#: route a dossier that is still at the counter.
HANDOVER_WARNING_SECONDS = 2 * 3600


def handover_warning_horizon(cal: WorkingCalendar, now: datetime) -> datetime:
    """A hand-over due at or before this moment is at risk now: less than the warning's
    working hours are left (or none, when it is already late)."""
    return cal.add_working_seconds(now, HANDOVER_WARNING_SECONDS)


def handover_late(*, due: datetime | None, handed_over_at: datetime | None, now: datetime,
                  pending: bool) -> bool:
    """A hand-over is late when it happened after its deadline, or, while the dossier still
    waits at the counter (``pending``), once the deadline has passed. Judged to the minute:
    the deadline is a time of day, not a date."""
    if due is None:
        return False
    if handed_over_at is not None:
        return handed_over_at > due
    return pending and now > due


@dataclass(frozen=True)
class Pause:
    started_at: datetime
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.started_at, "started_at")
        if self.ended_at is not None:
            _require_aware(self.ended_at, "ended_at")
            if self.ended_at < self.started_at:
                raise ValueError("a pause cannot end before it starts")


def _merged(pauses: Iterable[Pause], *, after: datetime, now: datetime) -> list[tuple[datetime, datetime]]:
    """The pauses clipped to [after, now] and merged where they overlap.

    Overlapping pauses (say, awaiting payment while a relative's VNeID confirmation is also
    pending) stop the clock once, so their time must not be counted twice.
    """
    _require_aware(after, "after")
    _require_aware(now, "now")
    intervals = sorted(
        (max(p.started_at, after), p.ended_at if p.ended_at is not None else now)
        for p in pauses
    )
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in intervals:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def paused_seconds(
    cal: WorkingCalendar, pauses: Iterable[Pause], *, after: datetime, now: datetime
) -> int:
    """Working time the clock stood still (overlapping pauses counted once)."""
    return sum(cal.working_seconds_between(lo, hi) for lo, hi in _merged(pauses, after=after, now=now))


def paused_working_days(
    cal: WorkingCalendar, pauses: Iterable[Pause], *, after: datetime, now: datetime
) -> int:
    """Working days a pause covered, for limits counted in days.

    A day counts when the pauses covered at least half of that day's working hours: a
    10-minute wait for a payment moves nothing, Monday 10:00 to Wednesday 10:00 moves two
    days (Monday's 5.5 of 8 hours count, Wednesday's 2.5 do not). Moving a day-counted due
    date by working seconds instead would push a dossier due Thursday 17:30 to Friday 07:40
    for that 10-minute wait.
    """
    covered: dict[date, int] = {}
    for lo, hi in _merged(pauses, after=after, now=now):
        day = lo.astimezone(cal.tz).date()
        last = hi.astimezone(cal.tz).date()
        while day <= last:
            seconds = cal.working_seconds_between(
                max(lo, cal.start_of_day(day)), min(hi, cal.end_of_day(day))
            )
            if seconds:
                covered[day] = covered.get(day, 0) + seconds
            day += _ONE_DAY
    moved = 0
    for day, seconds in covered.items():
        full = sum(int(_span(opens, closes).total_seconds()) for opens, closes in cal.windows_on(day))
        if 2 * seconds >= full:
            moved += 1
    return moved


def shift_for_pauses(
    cal: WorkingCalendar,
    due: datetime,
    *,
    unit: TimeUnit,
    pauses: Iterable[Pause],
    after: datetime,
    now: datetime,
) -> datetime:
    """Move a due date by the pauses after ``after`` (up to ``now`` for a pause still open).

    Limits in working hours move by the working time the pauses covered; limits in working
    days (and calendar days, which end on a working day too) by the working days they
    covered, by the half-day rule of ``paused_working_days``.
    """
    pauses = list(pauses)
    if TimeUnit(unit) is TimeUnit.WORKING_HOURS:
        return cal.add_working_seconds(due, paused_seconds(cal, pauses, after=after, now=now))
    days = paused_working_days(cal, pauses, after=after, now=now)
    if not days:
        return due
    return cal.end_of_day(cal.add_working_days(due.astimezone(cal.tz).date(), days))


def statutory_due(
    cal: WorkingCalendar,
    *,
    received_at: datetime,
    limit: int,
    unit: TimeUnit,
    supplemented_at: datetime | None = None,
    pauses: Iterable[Pause] = (),
    now: datetime,
) -> datetime:
    """The due date shown to the resident: the law restarts the clock on a complete dossier."""
    start = supplemented_at if supplemented_at is not None else received_at
    base = due_at(cal, start=start, limit=limit, unit=unit)
    return shift_for_pauses(cal, base, unit=unit, pauses=pauses, after=start, now=now)


def quality_due(
    cal: WorkingCalendar,
    *,
    received_at: datetime,
    limit: int,
    unit: TimeUnit,
    supplement_requested_at: datetime | None = None,
    supplemented_at: datetime | None = None,
    pauses: Iterable[Pause] = (),
    now: datetime,
) -> datetime:
    """The Decision 766 view: the original clock, minus the time spent waiting on the resident.

    The supplement wait is treated as one more pause so that it merges with any overlapping
    pause rather than being subtracted twice.
    """
    _require_aware(received_at, "received_at")
    waits = list(pauses)
    if supplement_requested_at is not None:
        waits.append(Pause(supplement_requested_at, supplemented_at))
    elif supplemented_at is not None:
        raise ValueError("supplemented_at given without supplement_requested_at")
    base = due_at(cal, start=received_at, limit=limit, unit=unit)
    return shift_for_pauses(cal, base, unit=unit, pauses=waits, after=received_at, now=now)


def wait_open_at(waits: Iterable[Pause], at: datetime) -> datetime | None:
    """When the wait open at ``at`` began (the earliest of overlapping ones), or None.

    A wait is open from its start (included) to its end (excluded); one without an end is
    still open. ``cases.selectors.waiting_at`` is the same rule in SQL.
    """
    _require_aware(at, "at")
    starts = [
        w.started_at for w in waits
        if w.started_at <= at and (w.ended_at is None or w.ended_at > at)
    ]
    return min(starts) if starts else None


def classify_open(
    *, due_at: datetime, waits: Iterable[Pause], now: datetime, tz: ZoneInfo = VIETNAM_TZ
) -> Classification:
    """Within deadline or overdue for an unfinished dossier: a dossier waiting on someone else
    (the resident's papers or payment, a tax notice, relatives' confirmations) is never overdue.
    """
    if wait_open_at(waits, now) is not None:
        return Classification.WITHIN
    return classify(due_at=due_at, finished_at=None, now=now, tz=tz)


def classify(
    *,
    due_at: datetime,
    finished_at: datetime | None,
    now: datetime,
    tz: ZoneInfo = VIETNAM_TZ,
) -> Classification:
    """Early / on time / overdue by local calendar date, as the national portal counts them.

    Pass the original due date even after an extension (Mẫu 04): an apology concedes lateness.
    """
    _require_aware(due_at, "due_at")
    _require_aware(now, "now")
    due_date = due_at.astimezone(tz).date()
    if finished_at is None:
        today = now.astimezone(tz).date()
        return Classification.WITHIN if today <= due_date else Classification.OVERDUE
    _require_aware(finished_at, "finished_at")
    finished = finished_at.astimezone(tz).date()
    if finished < due_date:
        return Classification.EARLY
    if finished == due_date:
        return Classification.ON_TIME
    return Classification.OVERDUE


def overdue_threshold(now: datetime, tz: ZoneInfo = VIETNAM_TZ) -> datetime:
    """An instant for SQL filters (`due_at < threshold`) that agrees with `classify`."""
    _require_aware(now, "now")
    return datetime.combine(now.astimezone(tz).date(), time(0), tz)


def extension_deadline(cal: WorkingCalendar, due_at: datetime) -> datetime:
    """Last moment to send the apology and new date: one working day before the due date."""
    _require_aware(due_at, "due_at")
    return cal.end_of_day(cal.previous_working_day(due_at.astimezone(cal.tz).date()))
