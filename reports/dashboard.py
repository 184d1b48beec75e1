"""What the leadership dashboard shows from the rollup, assembled once per rollup refresh.

The dashboard splits one period three ways, adds the 766 indicators and draws the trend, all
from one scan of the rollup (``rollup_groups``), whatever the period. All of it changes only
when the rollup is refreshed, so it is cached under the refresh's time, and the refresh task
computes it right away for the periods the dashboard's quick links open (this month, the
default, among them). Live parts (dossiers at risk, bundles) stay in the view.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.periods import Period
from reports import charts, rollups
from reports.cells import BESIDE_COLUMNS
from reports.indicators import SPECS, IndicatorResult, indicator_list
from reports.selectors import (
    ALL_COLUMNS,
    refresh_cached,
    refresh_known,
    report_table,
    rollup_groups,
    rollup_series,
)
from reports.templatetags.reports_tags import drill

SHORT_COLUMNS = ["received", "resolved", "resolved_overdue", "in_progress", "in_progress_overdue"]


def _months_back(today: date, months: int) -> date:
    """The first day of the month ``months`` calendar months before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def quick_periods(today: date) -> list[tuple[str, Period]]:
    """The periods the dashboard offers as links; the refresh task computes each in advance."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return [
        (_("Tháng này"), Period.current_month(today)),
        (_("Tháng trước"), Period.month(last_month_end.year, last_month_end.month)),
        (_("Năm nay"), Period(date(today.year, 1, 1), today)),
        (_("12 tháng qua"), Period(_months_back(today, 11), today)),
    ]


def link_table(table, columns: list[str], *, at=None):
    """Give each row its cells as (value, drill-down URL, beside-the-form) for the template,
    so rendering does no per-cell lookups. ``at`` is when the numbers were computed: each
    link lists the dossiers as they stood then, so the list is the set the number counted."""
    period = table.period.at(at or timezone.now())
    for row in [*table.rows, table.total]:
        key_dim = table.dimension if row is not table.total else None
        row.cells = [
            (row.values[c], drill(period, c, key_dim, row.key) if row.values[c] else "",
             c in BESIDE_COLUMNS)
            for c in columns
        ]
    return table


def trend(period: Period, grain: str, *, at=None) -> dict:
    series = rollup_series(period=period, grain=grain)
    for bucket in series:
        bucket["label"] = (bucket["bucket"].strftime("%m/%Y") if grain == "month"
                           else bucket["bucket"].strftime("%d/%m"))
    cells = {"received": "received_new", "resolved": "resolved"}

    def url(bucket, key):
        return drill(Period(bucket["first"], bucket["last"], at), cells[key])

    return charts.grouped_bars(
        series, [("received", _("Tiếp nhận mới")), ("resolved", _("Đã giải quyết"))], url=url,
    )


def _compute(period: Period, grain: str, stamp) -> dict:
    with refresh_known(stamp):
        return _figures(period, grain, stamp or timezone.now())


def _figures(period: Period, grain: str, at) -> dict:
    groups = rollup_groups(period)
    return {
        "by_field": link_table(report_table(period=period, dimension="field", groups=groups),
                               ALL_COLUMNS, at=at),
        "by_department": link_table(report_table(period=period, dimension="department",
                                                 columns=SHORT_COLUMNS, groups=groups),
                                    SHORT_COLUMNS, at=at),
        "by_officer": link_table(report_table(period=period, dimension="officer",
                                              columns=SHORT_COLUMNS, groups=groups),
                                 SHORT_COLUMNS, at=at),
        # Kept without their specs: a spec's lazy translations cost a fresh proxy class
        # each when unpickled, which was a third of a cached request.
        "indicators": [(r.spec.code, r.measure, r.reason)
                       for r in indicator_list(period=period, groups=groups)],
        "trend": trend(period, grain, at=at),
        "counted": period.at(at),
    }


def figures(period: Period, grain: str = "month", *, stamp=None) -> dict:
    """The dashboard's tables, indicators and trend for the period, cached until the next
    refresh. Labels are translated, so the language is part of the key."""
    stamp = stamp or rollups.refreshed_at()
    shown = refresh_cached("dashboard", period, (grain, translation.get_language()),
                           lambda: _compute(period, grain, stamp), stamp=stamp)
    return {**shown, "indicators": [IndicatorResult(SPECS[code], measure, reason)
                                     for code, measure, reason in shown["indicators"]]}


def warm(*, today: date | None = None) -> list[Period]:
    """Compute the figures of every quick period, in the site's language, after a refresh."""
    today = today or timezone.localdate()
    stamp = rollups.refreshed_at()
    with translation.override(settings.LANGUAGE_CODE):
        periods = [period for _label, period in quick_periods(today)]
        for period in periods:
            figures(period, "month", stamp=stamp)
    return periods
