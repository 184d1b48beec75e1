"""Reporting periods: whole local days, from the first day's midnight to the day after the last.

Reports count by the ward's calendar dates (Asia/Ho_Chi_Minh), like the national portal, so a
period is a pair of dates; the instants used in SQL are derived here, once.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import VIETNAM_TZ, overdue_threshold
from thanhsen.errors import invalid

#: Periods longer than this are refused: the official report is monthly, quarterly or yearly.
MAX_DAYS = 3 * 366


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), VIETNAM_TZ)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            message = _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
            raise invalid("den", message, summary=message)
        if (self.last - self.first).days >= MAX_DAYS:
            message = _("Kỳ báo cáo dài tối đa 3 năm.")
            raise invalid("den", message, summary=message)

    @property
    def start_at(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end_at(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return local_midnight(self.last + timedelta(days=1))

    def snapshot_day(self, today: date | None = None) -> date:
        """The day whose end the "in progress" columns describe: the last day, or today."""
        today = today or timezone.localdate()
        return min(self.last, today)

    def overdue_threshold(self, today: date | None = None) -> datetime:
        """An open dossier is overdue at the period's end when ``due_at`` is before this."""
        return overdue_threshold(local_midnight(self.snapshot_day(today)), VIETNAM_TZ)

    @property
    def label(self) -> str:
        return _("Từ %(first)s đến %(last)s") % {
            "first": self.first.strftime("%d/%m/%Y"), "last": self.last.strftime("%d/%m/%Y"),
        }

    def as_query(self) -> dict[str, str]:
        return {"tu": self.first.isoformat(), "den": self.last.isoformat()}

    @classmethod
    def from_params(cls, params: dict) -> Period:
        return cls(date.fromisoformat(params["tu"]), date.fromisoformat(params["den"]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, monthrange(year, month)[1]))

    @classmethod
    def current_month(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.replace(day=1), today)


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = _("Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm.")
        raise invalid(name, message, summary=message) from None


def period_from_query(params, *, today: date | None = None) -> Period:
    """``?tu=YYYY-MM-DD&den=YYYY-MM-DD`` (what ``<input type=date>`` sends); default this month."""
    first, last = params.get("tu", "").strip(), params.get("den", "").strip()
    if not first and not last:
        return Period.current_month(today)
    today = today or timezone.localdate()
    first_day = _parse_day(first, "tu") if first else today.replace(day=1)
    last_day = _parse_day(last, "den") if last else today
    return Period(first_day, last_day)
