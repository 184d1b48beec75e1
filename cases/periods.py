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
    """``as_of``, when set, is the moment the period's numbers were computed: counts end there
    (a number rolled up at 10:28 and the list behind it then show the same dossiers, however
    many arrived since)."""

    first: date
    last: date
    as_of: datetime | None = None

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
        """Exclusive: midnight after the last day, or the moment of ``as_of`` if earlier."""
        end = local_midnight(self.last + timedelta(days=1))
        return min(end, self.as_of) if self.as_of else end

    def at(self, moment: datetime | None) -> Period:
        """The same days, counted as they stood at ``moment``."""
        return Period(self.first, self.last, moment)

    def snapshot_day(self, today: date | None = None) -> date:
        """The day whose end the "in progress" columns describe: the last day, or today."""
        today = today or (timezone.localdate(self.as_of) if self.as_of else timezone.localdate())
        return min(self.last, today)

    def snapshot_moment(self, today: date | None = None) -> datetime:
        """The last instant of the snapshot day (PostgreSQL keeps microseconds): the waits
        open then make an unfinished dossier "within deadline, waiting" in the report."""
        return local_midnight(self.snapshot_day(today) + timedelta(days=1)) - timedelta(
            microseconds=1
        )

    def overdue_threshold(self, today: date | None = None) -> datetime:
        """An open dossier is overdue at the period's end when ``due_at`` is before this."""
        return overdue_threshold(local_midnight(self.snapshot_day(today)), VIETNAM_TZ)

    @property
    def label(self) -> str:
        return _("Từ %(first)s đến %(last)s") % {
            "first": self.first.strftime("%d/%m/%Y"), "last": self.last.strftime("%d/%m/%Y"),
        }

    def as_query(self) -> dict[str, str]:
        query = {"tu": self.first.isoformat(), "den": self.last.isoformat()}
        if self.as_of:
            query["luc"] = self.as_of.isoformat()
        return query

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
    as_of = _parse_moment(params.get("luc", "").strip())
    if not first and not last:
        return Period.current_month(today).at(as_of)
    today = today or timezone.localdate()
    first_day = _parse_day(first, "tu") if first else today.replace(day=1)
    last_day = _parse_day(last, "den") if last else today
    return Period(first_day, last_day, as_of)


def _parse_moment(value: str) -> datetime | None:
    """``?luc=`` the moment a number was computed (ISO 8601 with its offset), or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        message = _("Thời điểm tính số liệu không hợp lệ.")
        raise invalid("luc", message, summary=message)
    return moment
