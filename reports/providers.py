"""Decision 766 indicators whose data lives in other apps' tables, registered as providers.

``reports`` is the aggregator: it reads intake's payments, ratings and complaints, the
dossiers' result files, cases' copy certifications and the national portal's sync log; those
apps know nothing of reports. Every count about dossiers is a cell of ``reports.cells`` summed over the daily rollup (the
refresh counts them day by day, like Biểu 06), so a period of any length costs one rollup scan
shared with the dashboard, and the list behind the number comes from the cell's live filter.
Complaints are not dossiers: they are counted from their own (small) table, with no
drill-down; so are the catalogue counts. The portal's sync is counted from its log: its
acknowledgements arrive after the day is rolled up.

A provider returns None while its source has never recorded anything (no fee paid, no rating
or complaint, no electronic result): the indicator then reads "chưa có dữ liệu" with its reason
instead of a misleading 0%. Results are cached like the rollup's aggregates, until the next
refresh.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import COPY_CERTIFICATION_ROOT
from cases.models import OnlineLevel, Procedure
from cases.periods import Period
from intake.models import (
    Complaint,
    OnlineSubmission,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from linkage.portal.reconciliation import sync_recorded, synced_indicator
from reports.indicators import Detail, Measure, register_provider, satisfaction_from
from reports.models import MonthlyRollup
from reports.selectors import catalogue_procedures, refresh_cached, rollup_groups


def _rollup_totals(period: Period, cells: list[str]) -> dict[str, int]:
    totals = dict.fromkeys(cells, 0)
    for group in rollup_groups(period):
        for name in cells:
            totals[name] += group[f"c_{name}"] or 0
    return totals


def _procedures_with(period: Period, column: str, among: set[int]) -> set[int]:
    """The procedures of ``among`` with a non-zero rollup count in the period."""
    sums: dict[int, int] = {}
    for group in rollup_groups(period):
        sums[group["procedure_id"]] = sums.get(group["procedure_id"], 0) + (group[column] or 0)
    return {pk for pk, total in sums.items() if total and pk in among}


def _exists(qs) -> tuple[str, tuple]:
    sql, params = qs.values("pk")[:1].query.sql_with_params()
    return f"EXISTS ({sql})", params


def _compute_sources() -> dict[str, bool]:
    checks = {
        "fee_paid": Payment.objects.filter(purpose=PaymentPurpose.FEE,
                                           status=PaymentStatus.PAID),
        "complaint": Complaint.objects.all(),
        "e_result": MonthlyRollup.objects.filter(e_result__gt=0),
        "vneid": OnlineSubmission.objects.filter(signed_in_with_vneid=True),
        "certification_offered": Procedure.objects.filter(
            is_current=True, code__startswith=f"{COPY_CERTIFICATION_ROOT}."),
    }
    parts = [_exists(qs) for qs in checks.values()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql for sql, _params in parts),
                       [param for _sql, params in parts for param in params])
        return dict(zip(checks, map(bool, cursor.fetchone()), strict=True))


def _sources() -> dict[str, bool]:
    """Whether each source has ever recorded anything (a paid fee, a complaint, an electronic
    result, a VNeID filing) and whether the catalogue offers electronic copy certification: one
    statement, the same for every period, cached until the next refresh."""
    return refresh_cached("provider-sources", None, None, _compute_sources)


def _cached(code: str, period: Period, compute) -> dict | None:
    """Counts only (no translated text) go into the cache; an empty dict means no source."""
    counts = refresh_cached(f"provider-{code}", period, None, lambda: compute() or {})
    return counts or None


# --- online payment -------------------------------------------------------------------------
def _online_payment_counts(period: Period) -> dict | None:
    if not _sources()["fee_paid"]:
        return None
    return _rollup_totals(period, ["paid_online", "fee_bearing_received"])


def online_payment(period: Period) -> Measure | None:
    """Dossiers of fee-bearing procedures received in the period whose fee was paid online."""
    c = _cached("online_payment", period, lambda: _online_payment_counts(period))
    if c is None:
        return None
    return Measure(c["paid_online"], c["fee_bearing_received"], "paid_online",
                   "fee_bearing_received")


# --- procedures offered online and for online payment ---------------------------------------
def _online_procedures() -> list[Procedure]:
    return [p for p in catalogue_procedures().values() if p.is_current]


def _procedure_counts(period: Period) -> dict:
    """Catalogue counts (procedures, not dossiers: no drill-down list) for the online-service
    and online-payment metrics. Online payment is offered wherever the procedure is submitted
    online: the fee is paid through the gateway at submission."""
    procedures = _online_procedures()
    online = {p.pk for p in procedures if p.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)}
    fee_bearing = {p.pk for p in procedures if p.is_fee_bearing}
    used_online = _procedures_with(period, "c_received_online", online)
    paid_online = _procedures_with(period, "c_fee_paid_online", fee_bearing)
    return {
        "procedures": len(procedures), "online": len(online), "used_online": len(used_online),
        "fee_bearing": len(fee_bearing), "fee_online": len(fee_bearing & online),
        "fee_paid_online": len(paid_online),
        "any_fee_paid": int(_sources()["fee_paid"]),
    }


def _procedures(period: Period) -> dict:
    return refresh_cached("provider-procedures", period, None, lambda: _procedure_counts(period))


def online_offered(period: Period) -> Measure:
    c = _procedures(period)
    return Measure(c["online"], c["procedures"])


def online_used(period: Period) -> Measure:
    c = _procedures(period)
    return Measure(c["used_online"], c["online"])


def payment_offered(period: Period) -> Measure:
    c = _procedures(period)
    return Measure(c["fee_online"], c["fee_bearing"])


def payment_used(period: Period) -> Measure | None:
    c = _procedures(period)
    if not c["any_fee_paid"]:
        return None
    return Measure(c["fee_paid_online"], c["fee_bearing"])


# --- satisfaction ---------------------------------------------------------------------------
def _satisfaction_counts(period: Period) -> dict | None:
    # Per period: a rating of a dossier processed in it, or a complaint received in it. A
    # rating of another period's dossier says nothing of this period's residents.
    totals = _rollup_totals(period, ["processed", "processed_overdue", "complained", "rated"])
    complaints = Complaint.objects.filter(received_at__gte=period.start_at,
                                          received_at__lt=period.end_at)
    if not (totals.pop("rated") or complaints.exists()):
        return None
    return totals


def satisfaction(period: Period) -> Measure | None:
    """100% − (overdue rate + rate of dossiers with a complaint or a "không hài lòng" rating),
    both rates over the dossiers resolved in the period or still open at its end."""
    c = _cached("satisfaction", period, lambda: _satisfaction_counts(period))
    if c is None:
        return None
    measure = satisfaction_from(overdue=c["processed_overdue"], processed=c["processed"],
                                complaints=c["complained"])
    return replace(measure, details=(
        Detail(_("Quá hạn (đã và đang giải quyết)"), c["processed_overdue"], "processed_overdue"),
        Detail(_("Bị phản ánh, kiến nghị hoặc đánh giá không hài lòng"), c["complained"],
               "complained"),
    ))


# --- complaints answered on time ------------------------------------------------------------
def _complaint_counts(period: Period) -> dict | None:
    if not _sources()["complaint"]:
        return None
    # Due in the period and settled: answered, or past due unanswered. One still open before
    # its deadline is not counted yet either way.
    due = Q(due_at__gte=period.start_at, due_at__lt=period.end_at) & (
        Q(answered_at__isnull=False) | Q(due_at__lt=timezone.now()))
    return Complaint.objects.filter(due).aggregate(
        due=Count("id"), on_time=Count("id", filter=Q(answered_at__lte=F("due_at"))))


def complaints_on_time(period: Period) -> Measure | None:
    c = _cached("complaints_on_time", period, lambda: _complaint_counts(period))
    if c is None:
        return None
    return Measure(c["on_time"], c["due"])


# --- electronic results ---------------------------------------------------------------------
def _e_result_counts(period: Period) -> dict | None:
    # Whether an electronic result was ever recorded: the rollup says so per day, whatever
    # the period (a scan of the result files or certifications would read every dossier).
    if not _sources()["e_result"]:
        return None
    return _rollup_totals(period, ["e_result", "with_result_document"])


def e_results(period: Period) -> Measure | None:
    """Resolved dossiers of procedures with a result document that have an electronic result."""
    c = _cached("e_results", period, lambda: _e_result_counts(period))
    if c is None:
        return None
    return Measure(c["e_result"], c["with_result_document"], "e_result", "with_result_document")


# --- electronic copy certification ----------------------------------------------------------
def _certification_counts(period: Period) -> dict:
    offered = _sources()["certification_offered"]
    certified = _rollup_totals(period, ["e_certified"])["e_certified"]
    return {"offered": int(offered), "certified": certified}


def e_certification(period: Period) -> Measure:
    """Offered or not (the national yes/no, 2 points), with the certifications signed in the
    period: the service is offered when the catalogue has a current 2.000815 procedure, whose
    dossiers ``cases`` certifies as signed electronic copies."""
    c = _cached("e_certification", period, lambda: _certification_counts(period))
    return Measure(c["offered"], 1, details=(
        Detail(_("Bản sao điện tử đã chứng thực trong kỳ"), c["certified"], "e_certified"),
    ))


# --- end-to-end online ---------------------------------------------------------------------
def _end_to_end_counts(period: Period) -> dict:
    # The denominator is summed per procedure, like ``reports.indicators.Context`` does, over
    # the procedures offered end-to-end (the indicator's scope, ``SCOPES``, narrows its list
    # the same way).
    full = {pk for pk, p in catalogue_procedures().items() if p.online_level == OnlineLevel.FULL}
    counts = {"end_to_end": 0, "eligible": 0}
    for group in rollup_groups(period):
        counts["end_to_end"] += group["c_end_to_end_online"] or 0
        if group["procedure_id"] in full:
            counts["eligible"] += group["c_received_new"] or 0
    return counts


def end_to_end_online(period: Period) -> Measure:
    """Dossiers received in the period and handled end-to-end online
    (``cases.quality_flags.end_to_end_online``) ÷ dossiers received of end-to-end procedures;
    the denominator's list is narrowed to those procedures by the indicator's scope."""
    c = _cached("end_to_end_online", period, lambda: _end_to_end_counts(period))
    return Measure(c["end_to_end"], c["eligible"], "end_to_end_online", "received_new")


# --- population data ------------------------------------------------------------------------
def _population_counts(period: Period) -> dict | None:
    if not _sources()["vneid"]:
        return None
    return _rollup_totals(period, ["vneid_received", "received"])


def population_data(period: Period) -> Measure | None:
    """Dossiers received in the period that were filed from a VNeID-authenticated account
    (``intake.OnlineSubmission.signed_in_with_vneid``; the identity came from the population
    database) ÷ dossiers received. Components fetched from the population database are not
    recorded yet, so they are not counted."""
    c = _cached("population_data", period, lambda: _population_counts(period))
    if c is None:
        return None
    return Measure(c["vneid_received"], c["received"], "vneid_received", "received")


# --- dossiers synced to the national portal --------------------------------------------------
def _portal_sync_counts(period: Period) -> dict | None:
    if not sync_recorded():
        return None
    synced = synced_indicator(start=period.first, end=period.last)
    return {"synced": synced.synced, "received_here": synced.received_here,
            "received_there": synced.received_there}


def portal_sync(period: Period) -> Measure | None:
    """Dossiers received in the period whose receipt the portal acknowledged ÷ the larger of
    what we received and what the portal says it received (from a reconciliation of exactly
    this period, when one ran), as ``linkage.portal.reconciliation`` computes it."""
    c = _cached("portal_sync", period, lambda: _portal_sync_counts(period))
    if c is None:
        return None
    details = [Detail(_("Tiếp nhận tại đơn vị"), c["received_here"], "received")]
    if c["received_there"] is not None:
        details.append(Detail(_("Tiếp nhận theo Cổng DVCQG (đối soát)"), c["received_there"]))
    here_is_larger = c["received_here"] >= (c["received_there"] or 0)
    return Measure(c["synced"], max(c["received_here"], c["received_there"] or 0),
                   "portal_synced", "received" if here_is_larger else None, tuple(details))


PROVIDERS = {
    "online_offered": online_offered,
    "online_used": online_used,
    "payment_offered": payment_offered,
    "payment_used": payment_used,
    "online_payment": online_payment,
    "satisfaction": satisfaction,
    "complaints_on_time": complaints_on_time,
    "e_results": e_results,
    "e_certification": e_certification,
    "population_data": population_data,
    "end_to_end_online": end_to_end_online,
    "portal_sync": portal_sync,
}


def register_all() -> None:
    """Called from ``ReportsConfig.ready``."""
    for code, provider in PROVIDERS.items():
        register_provider(code, provider)
