"""Decision 766 indicators whose data lives in other apps' tables, registered as providers.

``reports`` is the aggregator: it reads intake's payments, ratings and complaints, the
dossiers' result files, cases' copy certifications and the national portal's sync log; those
apps know nothing of reports.
Every count is one SQL aggregate through a cell of ``reports.cells`` where the number is about
dossiers, so the list behind it comes from the same filter. Complaints are not dossiers and
have no drill-down.

A provider returns None while its source has never recorded anything (no fee paid, no rating
or complaint, no electronic result): the indicator then reads "chưa có dữ liệu" with its reason
instead of a misleading 0%. Results are cached like the rollup's aggregates, until the next
refresh.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CopyCertification, Dossier, OnlineLevel, Procedure
from cases.periods import Period
from cases.services import COPY_CERTIFICATION_ROOT
from intake.models import (
    Complaint,
    OnlineSubmission,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    Rating,
)
from linkage.portal.reconciliation import sync_recorded, synced_indicator
from reports.cells import CELLS
from reports.indicators import Detail, Measure, register_provider, satisfaction_from
from reports.selectors import refresh_cached, rollup_groups


def _live_counts(period: Period, base: str, cells: list[str]) -> dict[str, int]:
    """One aggregate over the base cell's dossiers: the count of each cell among them."""
    return Dossier.objects.filter(CELLS[base].live(period)).aggregate(
        **{name: Count("id", filter=CELLS[name].live(period)) for name in cells}
    )


def _live_count(period: Period, cell: str) -> int:
    """The count of one cell's dossiers with its filter as the ``WHERE`` clause, where
    PostgreSQL turns an ``EXISTS`` into a (hash) semi-join; inside an aggregate's ``FILTER``
    the same ``EXISTS`` is probed once per dossier of the period."""
    return Dossier.objects.filter(CELLS[cell].live(period)).count()


def _rollup_totals(period: Period, cells: list[str]) -> dict[str, int]:
    totals = dict.fromkeys(cells, 0)
    for group in rollup_groups(period, cells):
        for name in cells:
            totals[name] += group[f"c_{name}"] or 0
    return totals


def _cached(code: str, period: Period, compute) -> dict | None:
    """Counts only (no translated text) go into the cache; an empty dict means no source."""
    counts = refresh_cached(f"provider-{code}", period, None, lambda: compute() or {})
    return counts or None


# --- online payment -------------------------------------------------------------------------
def _online_payment_counts(period: Period) -> dict | None:
    if not Payment.objects.filter(purpose=PaymentPurpose.FEE, status=PaymentStatus.PAID).exists():
        return None
    return {name: _live_count(period, name) for name in ("paid_online", "fee_bearing_received")}


def online_payment(period: Period) -> Measure | None:
    """Dossiers of fee-bearing procedures received in the period whose fee was paid online."""
    c = _cached("online_payment", period, lambda: _online_payment_counts(period))
    if c is None:
        return None
    return Measure(c["paid_online"], c["fee_bearing_received"], "paid_online",
                   "fee_bearing_received")


# --- procedures offered online and for online payment ---------------------------------------
def _online_procedures() -> list[Procedure]:
    return list(Procedure.objects.filter(is_current=True).only("id", "code", "fee", "online_level"))


def _procedure_counts(period: Period) -> dict:
    """Catalogue counts (procedures, not dossiers: no drill-down list) for the online-service
    and online-payment metrics. Online payment is offered wherever the procedure is submitted
    online: the fee is paid through the gateway at submission."""
    procedures = _online_procedures()
    online = {p.pk for p in procedures if p.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)}
    fee_bearing = {p.pk for p in procedures if p.is_fee_bearing}
    used_online = set(Dossier.objects.filter(
        CELLS["received_online"].live(period), procedure_id__in=online,
    ).values_list("procedure_id", flat=True).distinct())
    paid_online = set(Payment.objects.filter(
        purpose=PaymentPurpose.FEE, status=PaymentStatus.PAID, method=PaymentMethod.ONLINE,
        paid_at__gte=period.start_at, paid_at__lt=period.end_at,
        dossier__procedure_id__in=fee_bearing,
    ).values_list("dossier__procedure_id", flat=True).distinct())
    return {
        "procedures": len(procedures), "online": len(online), "used_online": len(used_online),
        "fee_bearing": len(fee_bearing), "fee_online": len(fee_bearing & online),
        "fee_paid_online": len(paid_online),
        "any_fee_paid": int(Payment.objects.filter(purpose=PaymentPurpose.FEE,
                                                   status=PaymentStatus.PAID).exists()),
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
    rated = Dossier.objects.filter(CELLS["processed"].live(period),
                                   pk__in=Rating.objects.values("dossier_id"))
    complained = Complaint.objects.filter(received_at__gte=period.start_at,
                                          received_at__lt=period.end_at)
    if not (rated.exists() or complained.exists()):
        return None
    totals = _rollup_totals(period, ["processed", "processed_overdue"])
    complained = _live_count(period, "complained")
    return {**totals, "complained": complained}


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
    if not Complaint.objects.exists():
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
    # The certifications are the small table: look there first, the dossiers only if needed.
    stored = CopyCertification.objects.exclude(certified_pdf="").exists() or Dossier.objects \
        .exclude(result_file="").exists()
    if not stored:
        return None
    return _live_counts(period, "with_result_document", ["e_result", "with_result_document"])


def e_results(period: Period) -> Measure | None:
    """Resolved dossiers of procedures with a result document that have an electronic result."""
    c = _cached("e_results", period, lambda: _e_result_counts(period))
    if c is None:
        return None
    return Measure(c["e_result"], c["with_result_document"], "e_result", "with_result_document")


# --- electronic copy certification ----------------------------------------------------------
def _certification_counts(period: Period) -> dict:
    offered = Procedure.objects.filter(
        is_current=True, code__startswith=f"{COPY_CERTIFICATION_ROOT}.").exists()
    # The ``e_certified`` cell's dossiers, counted from the certifications' side: a dossier has
    # at most one certification (one-to-one), so this is the same number without scanning
    # the dossier table.
    certified = CopyCertification.objects.filter(
        certified_at__gte=period.start_at, certified_at__lt=period.end_at).count()
    return {"offered": int(offered), "certified": certified}


def e_certification(period: Period) -> Measure:
    """Offered or not (the national yes/no, 2 points), with the certifications signed in the
    period: the service is offered when the catalogue has a current 2.000815 procedure, whose
    dossiers ``cases`` certifies as signed electronic copies."""
    c = _cached("e_certification", period, lambda: _certification_counts(period))
    return Measure(c["offered"], 1, details=(
        Detail(_("Bản sao điện tử đã chứng thực trong kỳ"), c["certified"], "e_certified"),
    ))


# --- population data ------------------------------------------------------------------------
def _population_counts(period: Period) -> dict | None:
    if not OnlineSubmission.objects.filter(signed_in_with_vneid=True).exists():
        return None
    return _live_counts(period, "received", ["vneid_received", "received"])


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
    "portal_sync": portal_sync,
}


def register_all() -> None:
    """Called from ``ReportsConfig.ready``."""
    for code, provider in PROVIDERS.items():
        register_provider(code, provider)
