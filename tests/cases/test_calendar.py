"""The ward's configured days take effect on deadlines at once in this process."""

from datetime import date, datetime

import pytest

from cases.calendar import working_calendar
from cases.deadlines import VIETNAM_TZ, TimeUnit, due_at
from cases.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_a_configured_day_off_moves_due_dates_immediately():
    monday = datetime(2026, 3, 9, 9, 0, tzinfo=VIETNAM_TZ)
    assert due_at(working_calendar(), start=monday, limit=3, unit=TimeUnit.WORKING_DAYS).date() == date(2026, 3, 12)

    CalendarDay.objects.create(date=date(2026, 3, 11), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ lễ địa phương")

    assert due_at(working_calendar(), start=monday, limit=3, unit=TimeUnit.WORKING_DAYS).date() == date(2026, 3, 13)


def test_a_configured_make_up_saturday_counts_as_a_working_day():
    friday = datetime(2026, 3, 13, 9, 0, tzinfo=VIETNAM_TZ)
    CalendarDay.objects.create(date=date(2026, 3, 14), kind=CalendarDay.Kind.WORKING_DAY)

    assert due_at(working_calendar(), start=friday, limit=1, unit=TimeUnit.WORKING_DAYS).date() == date(2026, 3, 14)
    CalendarDay.objects.filter(date=date(2026, 3, 14)).get().delete()
    assert due_at(working_calendar(), start=friday, limit=1, unit=TimeUnit.WORKING_DAYS).date() == date(2026, 3, 16)
