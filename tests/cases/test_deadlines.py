"""Deadline arithmetic against concrete 2025-2026 Vietnamese calendar dates.

2026 reference: 1 Mar is a Sunday, so Mon 2 - Fri 6 Mar is an ordinary working week.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.deadlines import (
    Classification,
    Pause,
    TimeUnit,
    WorkingCalendar,
    classify,
    due_at,
    extension_deadline,
    handover_due,
    overdue_threshold,
    paused_seconds,
    quality_due,
    statutory_due,
    vietnam_calendar,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WD = TimeUnit.WORKING_DAYS
WH = TimeUnit.WORKING_HOURS
DAYS = TimeUnit.DAYS
HOUR = 3600

CAL = vietnam_calendar(years=[2025, 2026])


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=HCM)


# --- the calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        (date(2026, 2, 16), False),  # Tết
        (date(2026, 2, 20), False),  # Tết
        (date(2026, 2, 23), True),  # first day back
        (date(2026, 4, 26), False),  # Hùng Kings, a Sunday
        (date(2026, 4, 27), False),  # its substitute day off
        (date(2026, 4, 28), True),
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),  # make-up working Saturday
        (date(2026, 8, 23), False),  # ordinary Sunday
        (date(2026, 8, 29), False),  # ordinary Saturday
        (date(2026, 8, 31), False),  # off in exchange for 22 Aug
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2026, 11, 24), False),
        (date(2025, 4, 26), True),  # 2025 make-up Saturday
        (date(2025, 5, 2), False),  # ... and its day off
    ],
)
def test_vietnam_calendar_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_vietnam_calendar_only_loads_swaps_for_requested_years() -> None:
    cal_2026 = vietnam_calendar(years=[2026])
    assert date(2025, 4, 26) not in cal_2026.working_days
    assert cal_2026.is_working_day(date(2025, 4, 26)) is False
    assert cal_2026.working_days == frozenset({date(2026, 8, 22)})


def test_make_up_saturday_has_full_day_windows() -> None:
    assert CAL.windows_on(date(2026, 8, 22)) == [
        (at(2026, 8, 22, 7, 30), at(2026, 8, 22, 11, 30)),
        (at(2026, 8, 22, 13, 30), at(2026, 8, 22, 17, 30)),
    ]
    assert CAL.windows_on(date(2026, 8, 31)) == []


def test_working_days_win_over_days_off() -> None:
    d = date(2026, 3, 4)
    assert WorkingCalendar(days_off=frozenset({d}), working_days=frozenset({d})).is_working_day(d)
    assert not WorkingCalendar(days_off=frozenset({d})).is_working_day(d)


def test_next_previous_and_add_working_days_across_tet() -> None:
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.previous_working_day(date(2026, 2, 23)) == date(2026, 2, 13)
    assert CAL.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert CAL.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)


def test_start_and_end_of_day() -> None:
    assert CAL.start_of_day(date(2026, 3, 2)) == at(2026, 3, 2, 7, 30)
    assert CAL.end_of_day(date(2026, 3, 2)) == at(2026, 3, 2, 17, 30)
    # A non-working day still has a nominal end, the standard closing time.
    assert CAL.end_of_day(date(2026, 3, 1)) == at(2026, 3, 1, 17, 30)


def test_invalid_windows_are_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(windows=())
    with pytest.raises(ValueError):
        WorkingCalendar(windows=((time(13), time(12)),))
    with pytest.raises(ValueError):
        WorkingCalendar(windows=((time(8), time(12)), (time(11), time(17))))


# --- receipt and working-day limits --------------------------------------------------------------


def test_domain_examples_monday_before_and_after_cutoff() -> None:
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=3, unit=WD) == at(2026, 3, 5, 17, 30)
    assert due_at(CAL, start=at(2026, 3, 2, 16), limit=3, unit=WD) == at(2026, 3, 6, 17, 30)


def test_cutoff_boundary_is_strictly_before_15h() -> None:
    assert due_at(CAL, start=at(2026, 3, 2, 14, 59, 59), limit=3, unit=WD) == at(2026, 3, 5, 17, 30)
    assert due_at(CAL, start=at(2026, 3, 2, 15), limit=3, unit=WD) == at(2026, 3, 6, 17, 30)
    assert CAL.effective_receipt(at(2026, 3, 2, 14, 59)) == at(2026, 3, 2, 14, 59)
    assert CAL.effective_receipt(at(2026, 3, 2, 15)) == at(2026, 3, 3, 7, 30)


def test_cutoff_is_judged_in_local_time() -> None:
    # 07:59 UTC is 14:59 in Hà Tĩnh, 08:00 UTC is 15:00.
    before = datetime(2026, 3, 2, 7, 59, tzinfo=UTC)
    after = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert due_at(CAL, start=before, limit=3, unit=WD) == at(2026, 3, 5, 17, 30)
    assert due_at(CAL, start=after, limit=3, unit=WD) == at(2026, 3, 6, 17, 30)


def test_same_day_procedure_before_and_after_cutoff() -> None:
    assert due_at(CAL, start=at(2026, 3, 2, 14), limit=0, unit=WD) == at(2026, 3, 2, 17, 30)
    assert due_at(CAL, start=at(2026, 3, 2, 15, 30), limit=0, unit=WD) == at(2026, 3, 3, 17, 30)
    # After the cut-off on the Friday before Tết: the next working day is Monday 23 Feb.
    assert due_at(CAL, start=at(2026, 2, 13, 16), limit=0, unit=WD) == at(2026, 2, 23, 17, 30)


def test_received_on_sunday_counts_from_monday_morning() -> None:
    assert CAL.effective_receipt(at(2026, 3, 1, 9)) == at(2026, 3, 2, 7, 30)
    assert due_at(CAL, start=at(2026, 3, 1, 9), limit=3, unit=WD) == at(2026, 3, 5, 17, 30)


def test_tet_2026() -> None:
    # Fri 13 Feb; 14-15 weekend; 16-20 Tết; 21-22 weekend; Mon 23 (1), Tue 24 (2), Wed 25 (3).
    assert due_at(CAL, start=at(2026, 2, 13, 10), limit=3, unit=WD) == at(2026, 2, 25, 17, 30)
    # Received during Tết: counts from Mon 23 Feb.
    assert due_at(CAL, start=at(2026, 2, 18, 9), limit=1, unit=WD) == at(2026, 2, 24, 17, 30)


def test_hung_kings_2026_and_its_substitute_day_off() -> None:
    # Fri 24 Apr; 25-26 weekend; 27 substitute off; Tue 28 (1), Wed 29 (2); 30 Apr, 1 May off;
    # 2-3 weekend; Mon 4 May (3).
    assert due_at(CAL, start=at(2026, 4, 24, 10), limit=2, unit=WD) == at(2026, 4, 29, 17, 30)
    assert due_at(CAL, start=at(2026, 4, 24, 10), limit=3, unit=WD) == at(2026, 5, 4, 17, 30)


def test_make_up_saturday_22_aug_2026_counts_as_a_working_day() -> None:
    assert due_at(CAL, start=at(2026, 8, 21, 10), limit=1, unit=WD) == at(2026, 8, 22, 17, 30)
    assert due_at(CAL, start=at(2026, 8, 21, 10), limit=2, unit=WD) == at(2026, 8, 24, 17, 30)
    # Received on the make-up Saturday itself, before the cut-off.
    assert due_at(CAL, start=at(2026, 8, 22, 9), limit=1, unit=WD) == at(2026, 8, 24, 17, 30)


def test_31_aug_2026_is_off_before_national_day() -> None:
    # Fri 28 Aug; 29-30 weekend; 31 Aug, 1-2 Sep off; Thu 3 Sep (1).
    assert due_at(CAL, start=at(2026, 8, 28, 10), limit=1, unit=WD) == at(2026, 9, 3, 17, 30)


def test_configured_extra_day_off_and_extra_working_day() -> None:
    cal = vietnam_calendar(
        years=[2026],
        extra_days_off=[date(2026, 3, 4)],
        extra_working_days=[date(2026, 3, 7)],
    )
    # Tue 3 (1), Wed 4 off, Thu 5 (2), Fri 6 (3), Sat 7 make-up (4).
    assert due_at(cal, start=at(2026, 3, 2, 10), limit=3, unit=WD) == at(2026, 3, 6, 17, 30)
    assert due_at(cal, start=at(2026, 3, 2, 10), limit=4, unit=WD) == at(2026, 3, 7, 17, 30)
    # Without the configuration the same limits end a day earlier / on Monday.
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=3, unit=WD) == at(2026, 3, 5, 17, 30)
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=4, unit=WD) == at(2026, 3, 6, 17, 30)


def test_configured_windows_move_the_end_of_day() -> None:
    cal = WorkingCalendar(windows=((time(8), time(12)), (time(13), time(17))))
    assert due_at(cal, start=at(2026, 3, 2, 10), limit=1, unit=WD) == at(2026, 3, 3, 17)
    assert due_at(cal, start=at(2026, 3, 2, 10), limit=4, unit=WH) == at(2026, 3, 2, 15)


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        due_at(CAL, start=at(2026, 3, 2, 10), limit=-1, unit=WD)


# --- Saturday-morning counters -------------------------------------------------------------------


SAT_CAL = vietnam_calendar(years=[2026], saturday_morning=True)


def test_saturday_morning_windows() -> None:
    assert SAT_CAL.windows_on(date(2026, 3, 7)) == [(at(2026, 3, 7, 7, 30), at(2026, 3, 7, 11, 30))]
    assert SAT_CAL.windows_on(date(2026, 3, 8)) == []
    assert SAT_CAL.windows_on(date(2026, 8, 22)) == [
        (at(2026, 8, 22, 7, 30), at(2026, 8, 22, 11, 30)),
        (at(2026, 8, 22, 13, 30), at(2026, 8, 22, 17, 30)),
    ]
    off = WorkingCalendar(days_off=frozenset({date(2026, 3, 7)}), saturday_morning=True)
    assert off.is_working_day(date(2026, 3, 7)) is False


def test_saturday_morning_deadlines() -> None:
    assert due_at(SAT_CAL, start=at(2026, 3, 6, 10), limit=1, unit=WD) == at(2026, 3, 7, 11, 30)
    # Fri 17:00 + 2 h: 30 min on Friday, 1 h 30 on Saturday morning.
    assert due_at(SAT_CAL, start=at(2026, 3, 6, 17), limit=2, unit=WH) == at(2026, 3, 7, 9)
    # Received Saturday 10:00 (counter open): same-day procedure due at noon closing.
    assert due_at(SAT_CAL, start=at(2026, 3, 7, 10), limit=0, unit=WD) == at(2026, 3, 7, 11, 30)
    # Received Saturday 13:00, after the counter closed: counts from Monday morning.
    assert SAT_CAL.effective_receipt(at(2026, 3, 7, 13)) == at(2026, 3, 9, 7, 30)
    assert due_at(SAT_CAL, start=at(2026, 3, 7, 13), limit=0, unit=WD) == at(2026, 3, 9, 17, 30)


# --- working hours -------------------------------------------------------------------------------


def test_working_hours_cross_lunch() -> None:
    # 10:00-11:30 is 1 h 30; the remaining 2 h 30 start at 13:30.
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=4, unit=WH) == at(2026, 3, 2, 16)


def test_working_hours_cross_the_night_without_cutoff_rule() -> None:
    assert due_at(CAL, start=at(2026, 3, 2, 16), limit=4, unit=WH) == at(2026, 3, 3, 10)
    assert due_at(CAL, start=at(2026, 3, 2, 16), limit=1, unit=WH) == at(2026, 3, 2, 17)


def test_working_hours_cross_tet() -> None:
    assert due_at(CAL, start=at(2026, 2, 13, 16, 30), limit=2, unit=WH) == at(2026, 2, 23, 8, 30)


def test_add_working_seconds_edges() -> None:
    # Landing exactly on a window's end stays there.
    assert CAL.add_working_seconds(at(2026, 3, 2, 10, 30), HOUR) == at(2026, 3, 2, 11, 30)
    assert CAL.add_working_seconds(at(2026, 3, 2, 16, 30), HOUR) == at(2026, 3, 2, 17, 30)
    # Starting outside a window counts from the next window's start.
    assert CAL.add_working_seconds(at(2026, 3, 2, 12), HOUR) == at(2026, 3, 2, 14, 30)
    assert CAL.add_working_seconds(at(2026, 3, 2, 6), HOUR) == at(2026, 3, 2, 8, 30)
    assert CAL.add_working_seconds(at(2026, 3, 2, 17, 30), 1) == at(2026, 3, 3, 7, 30, 1)
    # Zero leaves the instant alone, even outside the windows.
    assert CAL.add_working_seconds(at(2026, 3, 1, 12), 0) == at(2026, 3, 1, 12)
    with pytest.raises(ValueError):
        CAL.add_working_seconds(at(2026, 3, 2, 10), -1)


def test_working_seconds_between() -> None:
    assert CAL.working_seconds_between(at(2026, 3, 2, 10), at(2026, 3, 3, 10)) == 8 * HOUR
    assert CAL.working_seconds_between(at(2026, 3, 6, 17), at(2026, 3, 9, 8)) == HOUR
    assert CAL.working_seconds_between(at(2026, 3, 2, 12), at(2026, 3, 2, 13)) == 0
    assert CAL.working_seconds_between(at(2026, 3, 3, 10), at(2026, 3, 2, 10)) == 0
    assert CAL.working_seconds_between(at(2026, 2, 13, 7), at(2026, 2, 23, 7)) == 8 * HOUR


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 20)),
    seconds=st.integers(min_value=1, max_value=40 * HOUR),
)
def test_add_working_seconds_inverts_working_seconds_between(start: datetime, seconds: int) -> None:
    start = start.replace(microsecond=0, tzinfo=HCM)
    end = CAL.add_working_seconds(start, seconds)
    assert CAL.working_seconds_between(start, end) == seconds


# --- calendar days -------------------------------------------------------------------------------


def test_calendar_days_plain_and_after_cutoff() -> None:
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=3, unit=DAYS) == at(2026, 3, 5, 17, 30)
    assert due_at(CAL, start=at(2026, 3, 2, 16), limit=3, unit=DAYS) == at(2026, 3, 6, 17, 30)


def test_calendar_days_landing_on_a_holiday_move_to_next_working_day() -> None:
    # Mon 20 Apr + 10 days = Thu 30 Apr (holiday); 1 May holiday; 2-3 weekend; Mon 4 May.
    assert due_at(CAL, start=at(2026, 4, 20, 10), limit=10, unit=DAYS) == at(2026, 5, 4, 17, 30)
    # Landing on an ordinary Saturday: Mon 2 Mar + 5 days = Sat 7 Mar -> Mon 9 Mar.
    assert due_at(CAL, start=at(2026, 3, 2, 10), limit=5, unit=DAYS) == at(2026, 3, 9, 17, 30)
    # Landing on the make-up Saturday 22 Aug: it is a working day, so it stays.
    assert due_at(CAL, start=at(2026, 8, 17, 10), limit=5, unit=DAYS) == at(2026, 8, 22, 17, 30)


# --- supplements and pauses ----------------------------------------------------------------------


RECEIVED = at(2026, 3, 2, 9)  # Monday; 5 working days -> Mon 9 Mar 17:30


def test_base_due_without_supplement_or_pause() -> None:
    now = at(2026, 3, 3, 9)
    assert statutory_due(CAL, received_at=RECEIVED, limit=5, unit=WD, now=now) == at(
        2026, 3, 9, 17, 30
    )
    assert quality_due(CAL, received_at=RECEIVED, limit=5, unit=WD, now=now) == at(
        2026, 3, 9, 17, 30
    )


def test_supplement_restart_and_subtraction_differ() -> None:
    requested = at(2026, 3, 3, 9)
    supplemented = at(2026, 3, 5, 9)
    now = at(2026, 3, 6, 9)
    # Statutory: the clock restarts Thu 5 Mar 09:00 -> Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
    assert statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, supplemented_at=supplemented, now=now
    ) == at(2026, 3, 12, 17, 30)
    # Decision 766: 16 working hours of waiting added to Mon 9 Mar 17:30 -> Wed 11 Mar 17:30.
    assert quality_due(
        CAL,
        received_at=RECEIVED,
        limit=5,
        unit=WD,
        supplement_requested_at=requested,
        supplemented_at=supplemented,
        now=now,
    ) == at(2026, 3, 11, 17, 30)


def test_quality_due_with_supplement_still_outstanding_runs_to_now() -> None:
    assert quality_due(
        CAL,
        received_at=RECEIVED,
        limit=5,
        unit=WD,
        supplement_requested_at=at(2026, 3, 3, 9),
        now=at(2026, 3, 4, 9),
    ) == at(2026, 3, 10, 17, 30)


def test_quality_due_refuses_supplement_without_request() -> None:
    with pytest.raises(ValueError):
        quality_due(
            CAL,
            received_at=RECEIVED,
            limit=5,
            unit=WD,
            supplemented_at=at(2026, 3, 5, 9),
            now=at(2026, 3, 6, 9),
        )


def test_closed_pause_pushes_the_due_date() -> None:
    # Tue 14:00 to Wed 13:30: Tuesday's 3.5 of 8 hours do not count, Wednesday's 4 (half) do.
    pause = Pause(at(2026, 3, 3, 14), at(2026, 3, 4, 13, 30))
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[pause], now=at(2026, 3, 6, 9)
    )
    assert due == at(2026, 3, 10, 17, 30)


def test_open_pause_runs_to_now() -> None:
    pause = Pause(at(2026, 3, 5, 7, 30), None)
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[pause], now=at(2026, 3, 5, 11, 30)
    )
    # Thursday's first 4 working hours so far: half of the day, one day, Mon 9 -> Tue 10 Mar.
    assert due == at(2026, 3, 10, 17, 30)


# --- pause arithmetic: working days by the half-day rule, working hours by working time -------


def test_a_ten_minute_payment_wait_moves_a_day_limit_by_nothing() -> None:
    # Received Mon 2 Mar 09:00, 3 working days: due Thu 5 Mar 17:30; paid ten minutes later.
    wait = Pause(at(2026, 3, 4, 10), at(2026, 3, 4, 10, 10))
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=3, unit=WD, pauses=[wait], now=at(2026, 3, 4, 11)
    )
    assert due == at(2026, 3, 5, 17, 30)
    assert quality_due(
        CAL, received_at=RECEIVED, limit=3, unit=WD, pauses=[wait], now=at(2026, 3, 4, 11)
    ) == at(2026, 3, 5, 17, 30)


def test_monday_to_wednesday_ten_o_clock_moves_two_working_days() -> None:
    # Monday 10:00-17:30 is 5.5 of 8 hours (counts), Tuesday whole, Wednesday 2.5 (does not).
    wait = Pause(at(2026, 3, 2, 10), at(2026, 3, 4, 10))
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[wait], now=at(2026, 3, 6, 9)
    )
    assert due == at(2026, 3, 11, 17, 30)


def test_half_a_day_exactly_counts_less_does_not() -> None:
    half = Pause(at(2026, 3, 3, 7, 30), at(2026, 3, 3, 11, 30))
    short = Pause(at(2026, 3, 3, 7, 30), at(2026, 3, 3, 11, 29))
    assert statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[half], now=at(2026, 3, 6)
    ) == at(2026, 3, 10, 17, 30)
    assert statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[short], now=at(2026, 3, 6)
    ) == at(2026, 3, 9, 17, 30)


def test_two_short_waits_on_one_day_add_up_to_that_day() -> None:
    morning = Pause(at(2026, 3, 3, 9), at(2026, 3, 3, 11, 30))
    afternoon = Pause(at(2026, 3, 3, 13, 30), at(2026, 3, 3, 15))
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[morning, afternoon],
        now=at(2026, 3, 6),
    )
    assert due == at(2026, 3, 10, 17, 30)


def test_a_wait_over_a_weekend_counts_only_working_days() -> None:
    # Fri 6 Mar 13:30 to Mon 9 Mar 11:30: Friday's afternoon and Monday's morning, two days.
    wait = Pause(at(2026, 3, 6, 13, 30), at(2026, 3, 9, 11, 30))
    due = statutory_due(
        CAL, received_at=RECEIVED, limit=5, unit=WD, pauses=[wait], now=at(2026, 3, 10)
    )
    assert due == at(2026, 3, 11, 17, 30)


def test_a_working_hours_limit_moves_by_the_working_time_covered() -> None:
    # Mon 09:00 + 8 working hours: Tue 09:00; a 10-minute wait moves it ten minutes.
    received = at(2026, 3, 2, 9)
    wait = Pause(at(2026, 3, 2, 10), at(2026, 3, 2, 10, 10))
    due = statutory_due(
        CAL, received_at=received, limit=8, unit=WH, pauses=[wait], now=at(2026, 3, 2, 11)
    )
    assert due == at(2026, 3, 3, 9, 10)
    # Over lunch: 11:00-14:00 covers one working hour (11:00-11:30, 13:30-14:00).
    lunch = Pause(at(2026, 3, 2, 11), at(2026, 3, 2, 14))
    assert statutory_due(
        CAL, received_at=received, limit=8, unit=WH, pauses=[lunch], now=at(2026, 3, 2, 15)
    ) == at(2026, 3, 3, 10)


def test_paused_seconds_clips_to_after_and_merges_overlaps() -> None:
    early = Pause(at(2026, 2, 27, 7, 30), at(2026, 3, 2, 11, 30))
    assert paused_seconds(CAL, [early], after=RECEIVED, now=at(2026, 3, 6)) == 2 * HOUR + 1800
    a = Pause(at(2026, 3, 3, 8), at(2026, 3, 3, 10))
    b = Pause(at(2026, 3, 3, 9), at(2026, 3, 3, 11))
    assert paused_seconds(CAL, [a, b], after=RECEIVED, now=at(2026, 3, 6)) == 3 * HOUR
    future = Pause(at(2026, 3, 7, 8), None)
    assert paused_seconds(CAL, [future], after=RECEIVED, now=at(2026, 3, 6)) == 0


def test_statutory_view_ignores_pauses_before_the_restart() -> None:
    pause = Pause(at(2026, 3, 3, 13, 30), at(2026, 3, 4, 13, 30))
    due = statutory_due(
        CAL,
        received_at=RECEIVED,
        limit=5,
        unit=WD,
        supplemented_at=at(2026, 3, 5, 9),
        pauses=[pause],
        now=at(2026, 3, 6, 9),
    )
    assert due == at(2026, 3, 12, 17, 30)


def test_quality_view_does_not_count_a_pause_overlapping_the_supplement_twice() -> None:
    pause = Pause(at(2026, 3, 3, 9), at(2026, 3, 4, 9))  # inside the supplement wait
    due = quality_due(
        CAL,
        received_at=RECEIVED,
        limit=5,
        unit=WD,
        supplement_requested_at=at(2026, 3, 3, 9),
        supplemented_at=at(2026, 3, 5, 9),
        pauses=[pause],
        now=at(2026, 3, 6, 9),
    )
    assert due == at(2026, 3, 11, 17, 30)


def test_pause_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        Pause(at(2026, 3, 3, 9), at(2026, 3, 3, 8))


# --- extension -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "deadline"),
    [
        (at(2026, 3, 5, 17, 30), at(2026, 3, 4, 17, 30)),
        (at(2026, 2, 23, 17, 30), at(2026, 2, 13, 17, 30)),  # over Tết
        (at(2026, 4, 28, 17, 30), at(2026, 4, 24, 17, 30)),  # over Hùng Kings' substitute day
        (at(2026, 8, 24, 17, 30), at(2026, 8, 22, 17, 30)),  # make-up Saturday counts
    ],
)
def test_extension_deadline(due: datetime, deadline: datetime) -> None:
    assert extension_deadline(CAL, due) == deadline


# --- classification ------------------------------------------------------------------------------


DUE = at(2026, 3, 5, 17, 30)


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 3, 4, 16), Classification.EARLY),
        (at(2026, 3, 5, 8), Classification.ON_TIME),
        (at(2026, 3, 5, 19), Classification.ON_TIME),  # after hours, same date
        (at(2026, 3, 6, 7, 31), Classification.OVERDUE),
        # 17:30 UTC on 5 Mar is 00:30 on 6 Mar in Hà Tĩnh.
        (datetime(2026, 3, 5, 17, 30, tzinfo=UTC), Classification.OVERDUE),
    ],
)
def test_classify_finished(finished: datetime, expected: Classification) -> None:
    assert classify(due_at=DUE, finished_at=finished, now=at(2026, 3, 10)) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 3, 5, 23, 59, 59), Classification.WITHIN),
        (at(2026, 3, 6, 0, 0), Classification.OVERDUE),
        (datetime(2026, 3, 5, 16, 59, tzinfo=UTC), Classification.WITHIN),
        (datetime(2026, 3, 5, 17, 0, tzinfo=UTC), Classification.OVERDUE),
    ],
)
def test_classify_unfinished(now: datetime, expected: Classification) -> None:
    assert classify(due_at=DUE, finished_at=None, now=now) is expected


def test_classify_uses_the_original_due_date_despite_an_extension() -> None:
    extended = at(2026, 3, 10, 17, 30)
    finished = at(2026, 3, 9, 10)
    assert classify(due_at=DUE, finished_at=finished, now=finished) is Classification.OVERDUE
    assert classify(due_at=extended, finished_at=finished, now=finished) is Classification.EARLY


def test_overdue_threshold_is_local_midnight() -> None:
    assert overdue_threshold(at(2026, 3, 5, 10)) == at(2026, 3, 5)
    assert overdue_threshold(datetime(2026, 3, 5, 18, tzinfo=UTC)) == at(2026, 3, 6)


_instants = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([HCM, UTC, ZoneInfo("America/New_York")]),
)


@given(due=_instants, now=_instants)
def test_overdue_threshold_agrees_with_classify(due: datetime, now: datetime) -> None:
    overdue = classify(due_at=due, finished_at=None, now=now) is Classification.OVERDUE
    assert overdue == (due < overdue_threshold(now))


@pytest.mark.parametrize(
    "delta", [timedelta(0), timedelta(microseconds=-1), timedelta(hours=-17, minutes=-30)]
)
def test_overdue_threshold_agrees_at_the_boundary(delta: timedelta) -> None:
    now = at(2026, 3, 6, 0) - delta  # due Thu 5 Mar; midnight into Fri 6 Mar and around it
    overdue = classify(due_at=DUE, finished_at=None, now=now) is Classification.OVERDUE
    assert overdue == (DUE < overdue_threshold(now))


# --- naive datetimes -----------------------------------------------------------------------------


NAIVE = datetime(2026, 3, 2, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.effective_receipt(NAIVE),
        lambda: CAL.add_working_seconds(NAIVE, HOUR),
        lambda: CAL.working_seconds_between(NAIVE, at(2026, 3, 3)),
        lambda: CAL.working_seconds_between(at(2026, 3, 1), NAIVE),
        lambda: due_at(CAL, start=NAIVE, limit=3, unit=WD),
        lambda: due_at(CAL, start=NAIVE, limit=3, unit=WH),
        lambda: Pause(NAIVE, None),
        lambda: Pause(at(2026, 3, 2, 9), NAIVE),
        lambda: paused_seconds(CAL, [], after=NAIVE, now=at(2026, 3, 3)),
        lambda: statutory_due(CAL, received_at=NAIVE, limit=3, unit=WD, now=at(2026, 3, 3)),
        lambda: quality_due(CAL, received_at=NAIVE, limit=3, unit=WD, now=at(2026, 3, 3)),
        lambda: classify(due_at=NAIVE, finished_at=None, now=at(2026, 3, 3)),
        lambda: classify(due_at=DUE, finished_at=NAIVE, now=at(2026, 3, 3)),
        lambda: classify(due_at=DUE, finished_at=None, now=NAIVE),
        lambda: overdue_threshold(NAIVE),
        lambda: extension_deadline(CAL, NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- the counter's hand-over to the department --------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 2, 17, 30)),  # Monday morning: that day's close
        (at(2026, 3, 2, 14, 59), at(2026, 3, 2, 17, 30)),
        (at(2026, 3, 2, 15), at(2026, 3, 3, 11, 30)),  # after 15:00: the next working morning
        (at(2026, 3, 6, 16), at(2026, 3, 9, 11, 30)),  # Friday afternoon: Monday morning
        (at(2026, 3, 7, 9), at(2026, 3, 9, 11, 30)),  # online on a Saturday: Monday morning
        (at(2026, 2, 13, 16), at(2026, 2, 23, 11, 30)),  # Friday before Tết: first morning back
    ],
)
def test_handover_due_same_working_day_or_next_morning(received: datetime, due: datetime) -> None:
    assert handover_due(CAL, received) == due


def test_handover_due_on_a_saturday_morning_counter() -> None:
    cal = vietnam_calendar(years=[2026], saturday_morning=True)
    assert handover_due(cal, at(2026, 3, 7, 9)) == at(2026, 3, 7, 11, 30)
    assert handover_due(cal, at(2026, 3, 7, 12)) == at(2026, 3, 9, 11, 30)
