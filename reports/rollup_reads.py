"""A period's cells from the rollup: whole months from ``MonthlyRollup``, the days around them
and the two snapshot days from ``DailyRollup``, in one SQL statement.

A year is then about a dozen month rows per key plus the odd days at its ends, instead of
365 day rows per key, and its cost stops growing with the period. Every cell is a signed sum
of ``reports.cells.Term``: a day count summed over the period (a month row where the period
holds the whole month or most of it, less the days it leaves out; the day rows elsewhere), or
an end-of-day snapshot on the period's last
day or the day before its first. The statement groups by the rollup's finest key, so every
split of the report (field, procedure, department, officer, channel) adds up its groups.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection

from cases.periods import Period
from reports.cells import CELLS, PROCEDURE_SIGNALS, ROLLUP_CELLS, Term
from reports.models import DailyRollup, MonthlyRollup

#: The rollup's finest key: every dimension is a function of it.
ROLLUP_KEY = ("procedure_id", "department_id", "handler_id", "channel")


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split(period: Period) -> tuple[list[date], list[tuple[date, date]]]:
    """The calendar months wholly inside the period (by first day), and the day ranges
    around them (all of the period when it holds no whole month)."""
    first, last = period.first, period.last
    month = first if first.day == 1 else _next_month(first)
    months = []
    while _next_month(month) - timedelta(days=1) <= last:
        months.append(month)
        month = _next_month(month)
    if not months:
        return [], [(first, last)]
    ranges = []
    if months[0] > first:
        ranges.append((first, months[0] - timedelta(days=1)))
    after = _next_month(months[-1])
    if after <= last:
        ranges.append((after, last))
    return months, ranges


def signed_split(period: Period) -> tuple[list[date], list[tuple[date, date]],
                                          list[tuple[date, date]]]:
    """The months to add, the day ranges to add and the day ranges to take away.

    A part-month that holds most of its month is its month row less the days outside the
    period (Jan 3–31 is January less Jan 1–2: two days of rows rather than twenty-nine). Day
    counts add up, so the difference is exact; the snapshot days are read apart anyway.
    """
    months, ranges = split(period)
    plus, minus = [], []
    for first, last in ranges:
        month = first.replace(day=1)
        if last.replace(day=1) != month:
            plus.append((first, last))
            continue
        end = _next_month(month) - timedelta(days=1)
        inside = (last - first).days + 1
        if (end - month).days + 1 - inside >= inside:
            plus.append((first, last))
            continue
        months.append(month)
        if first > month:
            minus.append((month, first - timedelta(days=1)))
        if last < end:
            minus.append((last + timedelta(days=1), end))
    return sorted(months), plus, minus


def _terms() -> dict[str, tuple[Term, ...]]:
    terms = {f"c_{name}": CELLS[name].rollup for name in ROLLUP_CELLS}
    terms.update({f"c_{name}": t for name, t in PROCEDURE_SIGNALS.items()})
    return terms


def _inner(terms) -> tuple[list[str], list[str]]:
    """The day columns and the snapshot columns (as ``<column>_<at>``) the terms read."""
    days = sorted({t.column for ts in terms.values() for t in ts if t.at == "days"})
    snaps = sorted({f"{t.column}_{t.at}" for ts in terms.values() for t in ts if t.at != "days"})
    return days, snaps


def _cell_sql(terms: tuple[Term, ...], params: list) -> str:
    parts = []
    for t in terms:
        name = t.column if t.at == "days" else f"{t.column}_{t.at}"
        value = f"u.{name}"
        if t.channels:
            value = (
                f"CASE WHEN u.channel IN ({', '.join(['%s'] * len(t.channels))}) "
                f"THEN {value} ELSE 0 END"
            )
            params.extend(t.channels)
        parts.append(("- " if t.sign < 0 else "+ ") + f"SUM({value})")
    return " ".join(parts).lstrip("+ ")


def period_groups(period: Period) -> list[dict]:
    """Every cell's sum for the period (``c_<cell>``) per key of ``ROLLUP_KEY``."""
    adapt = connection.ops.adapt_datefield_value
    months, plus, minus = signed_split(period)
    months = [adapt(m) for m in months]
    terms = _terms()
    days, snaps = _inner(terms)
    end, start = adapt(period.snapshot_day()), adapt(period.first - timedelta(days=1))
    key = ", ".join(ROLLUP_KEY)
    params: list = []

    def within(ranges) -> tuple[str, list]:
        sql = " OR ".join(["(day >= %s AND day <= %s)"] * len(ranges)) or "FALSE"
        return sql, [adapt(bound) for pair in ranges for bound in pair]

    (in_plus, plus_params), (in_minus, minus_params) = within(plus), within(minus)
    day_columns = [
        f"CASE WHEN {in_plus} THEN {c} WHEN {in_minus} THEN -{c} ELSE 0 END AS {c}"
        for c in days
    ]
    snap_columns = []
    for snap in snaps:
        column, at = snap.rsplit("_", 1)
        snap_columns.append(f"CASE WHEN day = %s THEN {column} ELSE 0 END AS {snap}")
    daily_select = ", ".join([key, *day_columns, *snap_columns])
    for _c in days:
        params.extend([*plus_params, *minus_params])
    for snap in snaps:
        params.append(end if snap.endswith("_end") else start)
    daily = (
        f"SELECT {daily_select} FROM {DailyRollup._meta.db_table} "
        f"WHERE {in_plus} OR {in_minus} OR day = %s OR day = %s"
    )
    params.extend([*plus_params, *minus_params, end, start])
    parts = [daily]
    if months:
        zeros = ", ".join(f"0 AS {s}" for s in snaps)
        marks = ", ".join(["%s"] * len(months))
        parts.append(
            f"SELECT {key}, {', '.join(days)}{', ' + zeros if zeros else ''} "
            f"FROM {MonthlyRollup._meta.db_table} WHERE month IN ({marks})"
        )
        params.extend(months)
    outer_params: list = []
    cells = ", ".join(f"{_cell_sql(ts, outer_params)} AS {name}" for name, ts in terms.items())
    sql = (
        f"SELECT {key}, {cells} FROM ({' UNION ALL '.join(parts)}) AS u "
        f"GROUP BY {', '.join(f'u.{k}' for k in ROLLUP_KEY)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, outer_params + params)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
