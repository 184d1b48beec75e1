"""Reads for reports: the official table, series for charts, and the dossiers behind a number.

Every number goes through ``reports.cells``: ``report_table(source="rollup")`` sums the daily
rollup (what dashboards show), ``source="live"`` aggregates the dossier table with the very
filters that ``dossier_drilldown`` lists. Both are single GROUP BY queries.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from hashlib import md5

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Channel, Department, Dossier, Field, Procedure
from cases.periods import Period
from reports.cells import (
    BESIDE_COLUMNS,
    BIEU06_COLUMNS,
    CELLS,
    DIMENSIONS,
)
from reports.models import DailyRollup, MonthlyRollup
from reports.rollup_reads import period_groups, split
from thanhsen.errors import invalid
from thanhsen.models import User

ALL_COLUMNS = BIEU06_COLUMNS + BESIDE_COLUMNS
#: Rollup aggregates are cached per refresh; this only bounds how long unused keys linger.
CACHE_SECONDS = 24 * 3600


@dataclass
class ReportRow:
    key: object
    label: str
    values: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.values[name]


@dataclass
class ReportTable:
    period: Period
    dimension: str | None
    rows: list[ReportRow]
    total: ReportRow
    source: str


def dimension_get(code: str | None):
    if code in (None, ""):
        return None
    if code not in DIMENSIONS:
        message = _("Không có cách chia báo cáo này.")
        raise invalid("theo", message, summary=message)
    return DIMENSIONS[code]


def _live_aggregates(period: Period, columns: list[str]) -> dict:
    return {f"c_{name}": Count("id", filter=CELLS[name].live(period)) for name in columns}


def _relevant_live(period: Period, columns: list[str]) -> QuerySet[Dossier]:
    """Dossiers any of the cells can count in the period (keeps the live scan to the period)."""
    q = Q()
    for name in columns:
        q |= CELLS[name].live(period)
    return Dossier.objects.filter(q)


def rollup_groups(period: Period) -> list[dict]:
    """Every cell's sum per key of the rollup's finest key (``reports.rollup_reads``).

    Dashboards split the same period several ways, and the indicators and their providers
    read the same period: they all add up these group subtotals instead of reading the
    rollup once per table or indicator. The rollup only changes when it is refreshed, so the
    result is cached under the refresh's timestamp: exact, never stale.
    """
    return refresh_cached("groups", period, None, lambda: period_groups(period))


#: The refresh time a page has already read, for the figures it computes under it, and the
#: figures it has already read from the cache (by key).
_known_stamp: ContextVar = ContextVar("reports_refresh_stamp", default=None)
_page_memo: ContextVar = ContextVar("reports_page_memo", default=None)


@contextmanager
def refresh_known(stamp):
    """Within the block, cached figures use ``stamp`` as the refresh time instead of reading it
    again, and each cached figure is read from the cache once: a dashboard's tables,
    indicators and providers make a dozen cached reads of the same rollup groups, and each
    would otherwise ask the database when the rollup was refreshed and unpickle them again."""
    outer = _page_memo.get()  # keys hold the stamp: a nested block may share the page's memo
    tokens = (_known_stamp.set(stamp), _page_memo.set({} if outer is None else outer))
    try:
        yield
    finally:
        _known_stamp.reset(tokens[0])
        _page_memo.reset(tokens[1])


def refresh_cached(kind: str, period: Period | None, extra, compute, *, stamp=None):
    """``compute()``, cached for the period (None: for any period) until the rollup's next
    refresh (the time the pages print as "số liệu tổng hợp lúc"); not cached before the first
    refresh. A caller that has already read the refresh time passes it as ``stamp`` (or runs
    inside ``refresh_known``)."""
    from reports.rollups import refreshed_at

    stamp = stamp or _known_stamp.get() or refreshed_at()
    if stamp is None:
        return compute()
    days = (period.first, period.last, period.snapshot_day()) if period else ("-", "-", "-")
    key = "reports:%s:%s:%s:%s:%s:%s" % (
        kind, *days, stamp.timestamp(), md5(repr(extra).encode()).hexdigest())
    memo = _page_memo.get()
    if memo is not None and key in memo:
        return memo[key]
    value = cache.get_or_set(key, compute, timeout=CACHE_SECONDS)
    if memo is not None:
        memo[key] = value
    return value


def catalogue_procedures() -> dict[int, Procedure]:
    """Every procedure version by id, read once per page and cached like the figures: the
    tables' splits, the indicators and their providers all look procedures up by the rollup's
    key, and each asked the database on its own."""
    return refresh_cached("procedures", None, None,
                          lambda: {p.pk: p for p in Procedure.objects.order_by()})


def _group_key(dimension: str | None):
    if dimension is None:
        return lambda g: None
    if dimension in ("field", "procedure"):
        attr = "field_id" if dimension == "field" else "code"
        mapping = {pk: getattr(p, attr) for pk, p in catalogue_procedures().items()}
        return lambda g: mapping[g["procedure_id"]]
    name = {"department": "department_id", "officer": "handler_id", "channel": "channel"}
    return lambda g: g[name[dimension]]


def _aggregate(period: Period, columns: list[str], source: str, key=None,
               groups: list[dict] | None = None) -> list[dict]:
    if source == "rollup":
        groups = rollup_groups(period) if groups is None else groups
        key_of = _group_key(key.code if key else None)
        merged: dict = {}
        for g in groups:
            k = key_of(g)
            target = merged.setdefault(k, {"k": k, **{f"c_{c}": 0 for c in columns}})
            for c in columns:
                target[f"c_{c}"] += g[f"c_{c}"] or 0
        return list(merged.values()) or [{"k": None, **{f"c_{c}": 0 for c in columns}}]
    if source != "live":
        message = _("Nguồn số liệu không hợp lệ.")
        raise invalid("nguon", message, summary=message)
    qs = _relevant_live(period, columns)
    aggregates = _live_aggregates(period, columns)
    if key is None:
        return [{"k": None, **qs.aggregate(**aggregates)}]
    return list(qs.annotate(k=key.live_key).values("k").annotate(**aggregates).order_by())


def _labels(dimension: str, keys: list) -> dict:
    keys = [k for k in keys if k is not None]
    if dimension == "field":
        return dict(Field.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "procedure":
        return dict(Procedure.objects.filter(code__in=keys, is_current=True)
                    .values_list("code", "name"))
    if dimension == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "officer":
        return {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=keys)}
    if dimension == "channel":
        return dict(Channel.choices)
    return {}


def _none_label(dimension: str) -> str:
    return _("Chưa phân công") if dimension == "officer" else _("Không xác định")


def report_table(*, period: Period, dimension: str | None = None, source: str = "rollup",
                 columns: list[str] | None = None,
                 groups: list[dict] | None = None) -> ReportTable:
    """Biểu 06 for the period, split by ``dimension`` (field, procedure, department, officer,
    channel) or as one total row; rows with nothing to report are left out. ``groups``
    (from ``rollup_groups``) lets several tables of one page share one rollup scan."""
    dim = dimension_get(dimension)
    columns = columns or ALL_COLUMNS
    rows: list[ReportRow] = []
    if dim is None:
        values = _aggregate(period, columns, source, groups=groups)[0]
        total = ReportRow(None, _("Tổng cộng"), {c: int(values[f"c_{c}"] or 0) for c in columns})
        return ReportTable(period, None, rows, total, source)
    raw = _aggregate(period, columns, source, dim, groups=groups)
    labels = _labels(dim.code, [r["k"] for r in raw])
    for r in raw:
        label = labels.get(r["k"], r["k"]) if r["k"] is not None else _none_label(dim.code)
        rows.append(ReportRow(r["k"], str(label), {c: int(r[f"c_{c}"] or 0) for c in columns}))
    # Every dossier falls in exactly one group, so the total is the sum of the groups.
    total = ReportRow(None, _("Tổng cộng"),
                      {c: sum(row.values[c] for row in rows) for c in columns})
    rows = [row for row in rows if any(row.values.values())]
    rows.sort(key=lambda row: (-row.values.get("received", 0), row.label))
    return ReportTable(period, dim.code, rows, total, source)


def dossier_drilldown(*, period: Period, cell: str, dimension: str | None = None,
                      key: str | None = None) -> QuerySet[Dossier]:
    """The dossiers behind one number: the cell's live filter, narrowed to one row's key."""
    if cell not in CELLS:
        message = _("Không có chỉ tiêu này.")
        raise invalid("o", message, summary=message)
    qs = Dossier.objects.filter(CELLS[cell].live(period))
    dim = dimension_get(dimension)
    if dim is not None:
        qs = qs.annotate(_k=dim.live_key)
        qs = qs.filter(_k__isnull=True) if key in (None, "", "none") else qs.filter(
            _k=_coerce_key(dim.code, key))
    return qs.select_related("procedure", "procedure__field", "department", "handler") \
        .order_by("received_at", "id")


def _coerce_key(dimension: str, key: str):
    if dimension in ("field", "department", "officer"):
        try:
            return int(key)
        except (TypeError, ValueError):
            message = _("Giá trị không hợp lệ.")
            raise invalid("k", message, summary=message) from None
    return key


# --- series for charts ----------------------------------------------------------------------
def rollup_series(*, period: Period, grain: str = "month") -> list[dict]:
    """Received and resolved per week or month, from the rollup (cached like the groups)."""
    trunc = {"month": TruncMonth("day"), "week": TruncWeek("day")}.get(grain)
    if trunc is None:
        message = _("Chỉ chia theo tuần hoặc tháng.")
        raise invalid("nhom", message, summary=message)
    return refresh_cached("series", period, grain, lambda: _series(period, grain, trunc))


_SERIES_SUMS = {"n_received": "received", "early": "resolved_early",
                "on_time": "resolved_on_time", "overdue": "resolved_overdue"}


def _bucket_rows(model, where: Q, trunc) -> list[dict]:
    return list(model.objects.filter(where).annotate(bucket=trunc).values("bucket").annotate(
        **{name: Sum(column, default=0) for name, column in _SERIES_SUMS.items()}))


def _series(period: Period, grain: str, trunc) -> list[dict]:
    """Per month: the whole months from the monthly rollup, the partial ones from the days."""
    if grain == "month":
        months, ranges = split(period)
        rows = _bucket_rows(MonthlyRollup, Q(month__in=months), F("month")) if months else []
        if ranges:
            days = Q()
            for first, last in ranges:
                days |= Q(day__gte=first, day__lte=last)
            rows += _bucket_rows(DailyRollup, days, trunc)
    else:
        rows = _bucket_rows(DailyRollup, Q(day__gte=period.first, day__lte=period.last), trunc)
    rows.sort(key=lambda r: r["bucket"])
    out = []
    for r in rows:
        r["received"] = r.pop("n_received")
        bucket = r["bucket"]
        if hasattr(bucket, "date"):
            bucket = bucket.date()
        first = max(bucket, period.first)
        last = (_next_bucket(bucket, grain) - timedelta(days=1))
        out.append({**r, "bucket": bucket, "first": first, "last": min(last, period.last),
                    "resolved": r["early"] + r["on_time"] + r["overdue"]})
    return out


def _next_bucket(bucket: date, grain: str) -> date:
    if grain == "week":
        return bucket + timedelta(days=7)
    return date(bucket.year + bucket.month // 12, bucket.month % 12 + 1, 1)


def demand_by_field(*, period: Period) -> list[dict]:
    """Received per field and month: the demand picture and its seasonality."""
    rows = (
        DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last)
        .annotate(month=TruncMonth("day"))
        .values("month", "procedure__field_id", "procedure__field__name")
        .annotate(n=Sum("received", default=0)).order_by("month")
    )
    return [
        {"month": r["month"].date() if hasattr(r["month"], "date") else r["month"],
         "field_id": r["procedure__field_id"], "field": r["procedure__field__name"],
         "received": r["n"]}
        for r in rows if r["n"]
    ]


def synthetic_withdrawals(*, period: Period, source: str = "rollup") -> int:
    """How many of the period's withdrawals a development seeding invented
    (``cases.synthetic``): Biểu 06 and the dashboard name them in a note.

    Counted from the same source as the table the note stands under: from the rollup (the
    groups the page has already summed) it is no extra statement, where counting it live was
    a scan of every stopped dossier, the slowest statement of the dashboard."""
    return report_table(period=period, columns=["stopped_synthetic"], source=source).total.values[
        "stopped_synthetic"]


def bundle_summary(*, period: Period) -> list[dict]:
    """Birth and death bundles created in the period, by kind, counted per bucket of
    ``linkage.selectors.BUNDLE_BUCKETS`` (all, unfinished, early, on_time, overdue): the very
    filters the staff bundle list applies when a number is followed, so the two always agree."""
    from linkage.models import Bundle
    from linkage.selectors import BUNDLE_BUCKETS, bundle_kind_groups, bundles_behind

    by = {bucket: Count("id", filter=q) for bucket, q in BUNDLE_BUCKETS.items()}
    rows = list(
        Bundle.objects.filter(bundles_behind(period=period))
        .values("kind__code")
        .annotate(**by)
        .order_by("kind__code")
    )
    # One row per group across its versions (Decree 301/2026 renamed the birth bundle).
    names = {kind.code: kind.name for kind in bundle_kind_groups()}
    return [{**row, "kind__name": names.get(row["kind__code"], row["kind__code"])} for row in rows]


def row_label(dimension: str | None, key: str | None) -> str:
    """The label of one row of a split table, for the drill-down page's title."""
    dim = dimension_get(dimension)
    if dim is None:
        return ""
    if key in (None, "", "none"):
        return _none_label(dim.code)
    coerced = _coerce_key(dim.code, key)
    return str(_labels(dim.code, [coerced]).get(coerced, key))


def transparency_months(*, months: int = 12, today: date | None = None) -> list[dict]:
    """The public page's figures per month, newest first: volumes and rates, no names."""
    from reports.indicators import provider_measure

    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = date(index // 12, index % 12 + 1, 1)
    rows = (
        DailyRollup.objects.filter(day__gte=first, day__lte=today)
        .annotate(month=TruncMonth("day")).values("month")
        .annotate(
            n_received=Sum("received", default=0),
            online=Sum("received", filter=Q(channel=Channel.ONLINE), default=0),
            early=Sum("resolved_early", default=0),
            on_time=Sum("resolved_on_time", default=0),
            overdue=Sum("resolved_overdue", default=0),
        ).order_by("-month")
    )
    out = []
    for r in rows:
        month = r["month"].date() if hasattr(r["month"], "date") else r["month"]
        resolved = r["early"] + r["on_time"] + r["overdue"]
        last = min(_next_bucket(month, "month") - timedelta(days=1), today)
        satisfaction = provider_measure("satisfaction", Period(month, last))
        out.append({
            "month": month, "received": r["n_received"], "resolved": resolved,
            "on_time_rate": _rate(r["early"] + r["on_time"], resolved),
            "online_rate": _rate(r["online"], r["n_received"]),
            "satisfaction": _rate(satisfaction.numerator, satisfaction.denominator)
            if satisfaction else None,
        })
    return out


def _rate(numerator: int, denominator: int):
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"))
