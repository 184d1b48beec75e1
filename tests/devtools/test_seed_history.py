"""``seed_history`` writes what the services would, and the scenario meets the published figures."""

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone

from cases.catalogue_import import catalogue_import, catalogue_load
from cases.deadlines import classify
from cases.models import CopyCertification, Dossier, DossierCodeSequence, DossierEvent
from cases.models.dossier import FINISHED_STATES
from cases.periods import Period
from cases.search import fold
from devtools import seeding
from intake.models import Payment, PaymentMethod, PaymentStatus
from linkage.models import BundleStep
from reports import rollups
from reports.indicators import indicator_list
from reports.selectors import bundle_summary, report_table, synthetic_withdrawals
from tests.factories import UserFactory
from tests.reports.test_identities import assert_identities
from thanhsen.roles import Role


def check_invariants():
    dossiers = Dossier.objects.all()
    # Codes: unique by the constraint; each day's sequence row covers its highest number.
    for row in dossiers.values("code"):
        unit, day, number = row["code"].rsplit("-", 2)
        assert len(number) >= 4
    highest = {}
    for code in dossiers.values_list("code", flat=True):
        unit, day, number = code.rsplit("-", 2)
        highest[(unit, day)] = max(highest.get((unit, day), 0), int(number))
    sequences = {(s.unit, f"{s.day:%y%m%d}"): s.last_value for s in
                 DossierCodeSequence.objects.filter(unit=settings.UNIT_CODE)}
    assert highest == sequences
    # The folded name the workspace search reads.
    for name, folded in dossiers.values_list("applicant_name", "applicant_name_search"):
        assert folded == fold(name) and folded
    # One paid fee per received dossier with a fee; online ones carry the provider's id.
    received_with_fee = dossiers.filter(received_at__isnull=False, fee_amount__gt=0)
    assert Payment.objects.count() == received_with_fee.count()
    assert not received_with_fee.exclude(payments__status=PaymentStatus.PAID).exists()
    assert not Payment.objects.filter(method=PaymentMethod.ONLINE, provider_transaction="").exists()
    assert not Payment.objects.exclude(amount=F("dossier__fee_amount")).exists()
    # Copy certifications: signed ones numbered from the year's register, without holes.
    for year, last in DossierCodeSequence.objects.filter(
            unit=f"{settings.UNIT_CODE}-SCT").values_list("day__year", "last_value"):
        numbers = sorted(CopyCertification.objects.filter(year=year)
                         .values_list("number", flat=True))
        assert numbers == list(range(1, last + 1))
    signed = CopyCertification.objects.filter(number__isnull=False)
    assert not signed.exclude(dossier__status__in=FINISHED_STATES).exists()
    assert not signed.filter(certified_at__isnull=True).exists()
    # Classification is what cases.deadlines says, against the original due date.
    for d in dossiers.filter(status__in=FINISHED_STATES).iterator():
        assert d.result_classification == classify(due_at=d.due_at, finished_at=d.resolved_at,
                                                   now=d.resolved_at).value
        assert d.received_at <= d.resolved_at
    # Every received dossier has its receipt event and a due date; events end in its status.
    assert not dossiers.filter(received_at__isnull=False, due_at__isnull=True).exists()
    missing = dossiers.filter(received_at__isnull=False).exclude(events__action="receive")
    assert not missing.exists()
    last_events = DossierEvent.objects.values("dossier_id").annotate(last=Max("id"))
    last_status = dict(DossierEvent.objects.filter(id__in=[r["last"] for r in last_events])
                       .values_list("dossier_id", "to_status"))
    for pk, status in dossiers.values_list("id", "status"):
        assert last_status[pk] == status
    assert not dossiers.filter(Q(resolved_at__isnull=False) & Q(stopped_at__isnull=False)).exists()


@pytest.mark.django_db
def test_scenario_reproduces_the_published_figures():
    catalogue_import(data=catalogue_load())
    out = StringIO()
    call_command("seed_history", "--scenario", "thanhsen-2025", stdout=out)
    period = Period(seeding.SCENARIO_FIRST, seeding.SCENARIO_LAST)
    live = report_table(period=period, source="live").total
    rolled = report_table(period=period).total
    assert live.values == rolled.values
    assert_identities(live, "scenario")
    assert live["received"] == 18400 and live["carried_over"] == 0
    assert live["received_online"] == 18400
    assert live["resolved_early"] == 14910 and live["resolved_on_time"] == 3294
    assert live["resolved_overdue"] == 0
    assert live["in_progress"] == 136 and live["in_progress_overdue"] == 0
    assert live["stopped"] == 60
    by_code = dict(Dossier.objects.filter(received_at__gte=period.start_at,
                                          received_at__lt=period.end_at)
                   .values_list("procedure__code").annotate(n=Count("id")))
    assert by_code[seeding.E_CERTIFICATION] == 3171
    assert by_code[seeding.BIRTH] == 697 and by_code[seeding.DEATH] == 221
    bundles = {row["kind__code"]: row for row in bundle_summary(period=period)}
    assert bundles["birth"]["all"] == 697 and bundles["death"]["all"] == 221
    assert bundles["birth"]["overdue"] == bundles["death"]["overdue"] == 0
    assert not BundleStep.objects.exclude(state="done").exists()
    assert synthetic_withdrawals(period=period) == 60
    check_invariants()
    indicators = {r.spec.code: r for r in indicator_list(period=period)}
    assert indicators["online_payment"].rate == Decimal("99.74")
    certification = indicators["e_certification"]
    assert certification.measure.numerator == 1
    assert certification.measure.details[0].value == 3171
    text = out.getvalue()
    assert "57 hồ sơ không rõ" in text and "lệch 3" in text
    assert re.search(r"Thanh toán trực tuyến \(%\)\s+99\.74\s+99\.74", text)
    with pytest.raises(Exception, match="Đã có hồ sơ"):
        call_command("seed_history", "--scenario", "thanhsen-2025", stdout=StringIO())


@pytest.mark.django_db
def test_scale_seeding_keeps_the_invariants_and_continues_sequences(catalogue):
    out = StringIO()
    call_command("seed_history", "--dossiers", "600", "--days", "30", stdout=out)
    call_command("seed_history", "--dossiers", "300", "--days", "30", "--seed", "7", stdout=out)
    assert Dossier.objects.count() == 900
    assert "100.0%" in out.getvalue()
    check_invariants()
    assert Dossier.objects.filter(status="not_accepted").exists()
    assert Dossier.objects.filter(supplement_requested_at__isnull=False).exists()


@pytest.mark.django_db
def test_seeded_dossiers_are_found_by_name_without_diacritics(client, catalogue):
    call_command("seed_history", "--dossiers", "40", "--days", "10", "--no-rollup",
                 stdout=StringIO())
    seeded = Dossier.objects.order_by("id").first()
    others = Dossier.objects.exclude(applicant_name=seeded.applicant_name)
    assert fold(seeded.applicant_name) != seeded.applicant_name.lower()  # it has diacritics
    counter = UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)
    client.force_login(counter)
    page = client.get(reverse("cases:search"), {"q": fold(seeded.applicant_name)}).content.decode()
    assert seeded.code in page
    assert not [d.code for d in others if d.code in page]


def _profile(dossiers) -> dict[str, float]:
    """Shares a history is made of: outcomes, channels, fields, supplements, online fees,
    reused forms, months, and events per dossier by action."""
    total = dossiers.count()

    def share(qs) -> float:
        return qs.count() / total

    shares = {
        "not_accepted": share(dossiers.filter(status="not_accepted")),
        "stopped": share(dossiers.filter(status="stopped")),
        "supplement": share(dossiers.filter(supplement_requested_at__isnull=False)),
        "reused": share(dossiers.filter(documents__reused=True)),
        "online_fee": share(dossiers.filter(payments__method="online")),
        "cash_fee": share(dossiers.filter(payments__method="cash")),
    }
    for name in ("early", "on_time", "overdue"):
        shares[name] = share(dossiers.filter(result_classification=name))
    for channel in ("online", "direct", "postal"):
        shares[channel] = share(dossiers.filter(channel=channel))
    for row in dossiers.values("procedure__field__code").annotate(n=Count("id")):
        shares[f"field {row['procedure__field__code']}"] = row["n"] / total
    for row in dossiers.values("created_at__month").annotate(n=Count("id")):
        shares[f"month {row['created_at__month']}"] = row["n"] / total
    for row in DossierEvent.objects.filter(dossier__in=dossiers).values("action") \
            .annotate(n=Count("id")):
        shares[f"events {row['action']}"] = row["n"] / total
    return shares


@pytest.mark.django_db
def test_generating_on_the_database_side_gives_the_python_writer_s_distributions(
        catalogue, monkeypatch):
    """``devtools.seeding_sql`` draws what ``seeding.scale_plans`` and ``Writer`` draw: the
    same shares of outcomes, channels, fields, months, supplements, fee payments, reused
    forms and events per dossier, within what sampling 3,000 dossiers allows."""
    from devtools import seeding_sql

    assert seeding_sql.supported()
    with monkeypatch.context() as patch:
        patch.setattr(seeding_sql, "supported", lambda: False)
        call_command("seed_history", "--dossiers", "3000", "--days", "120", "--no-rollup",
                     stdout=StringIO())
    written = _profile(Dossier.objects.all())
    top = Dossier.objects.aggregate(top=Max("id"))["top"]
    call_command("seed_history", "--dossiers", "3000", "--days", "120", "--seed", "9",
                 "--no-rollup", stdout=StringIO())
    generated = _profile(Dossier.objects.filter(id__gt=top))
    assert set(generated) == set(written)
    for key, value in written.items():
        # Three standard errors of a share out of 3,000, and at least one point.
        tolerance = max(0.01, 3 * (value * (1 - value) / 3000) ** 0.5 * 2 ** 0.5)
        assert abs(generated[key] - value) <= tolerance, (key, written[key], generated[key])
    check_invariants()


def _snapshot() -> list[tuple]:
    return list(Dossier.objects.order_by("id").values_list(
        "id", "code", "status", "received_at", "resolved_at", "applicant_name",
        "events__action", "events__at").order_by("id", "events__at", "events__action"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sessions_side_by_side_write_what_one_session_writes(monkeypatch):
    """``--workers 2`` shares the chunks between two sessions, each committing its own: the
    rows are the ones a single session writes (each chunk seeds its own draws), the register
    is numbered without holes, and the indexes dropped for the load are back."""
    from django.db import connection

    from devtools import seeding_sql

    catalogue_import(data=catalogue_load())
    monkeypatch.setattr(seeding_sql, "CHUNK", 400)
    monkeypatch.setattr(seeding_sql, "_REINDEX_FROM", 0)

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)",
                           [seeding_sql._TABLES])
            return {row[0] for row in cursor.fetchall()}

    before = indexes()
    args = ["seed_history", "--dossiers", "2000", "--days", "60", "--no-rollup"]
    call_command(*args, "--workers", "2", stdout=StringIO())
    side_by_side = _snapshot()
    check_invariants()
    assert indexes() == before
    # Event ids follow the order of receipt, whichever session wrote them: the rollup's
    # refresh, which looks past the last ids it saw, then rolls the last days, not the year.
    last = DossierEvent.objects.order_by("-id").values_list("dossier_id", flat=True).first()
    assert last == Dossier.objects.order_by("-id").values_list("id", flat=True).first()
    rollups.refresh(full=True)
    first_rolled, _last = rollups.refresh()
    assert first_rolled >= timezone.localdate() - timedelta(days=14)
    with connection.cursor() as cursor:  # history rows cannot be deleted, only truncated
        cursor.execute("TRUNCATE cases_dossier, cases_dossiercodesequence RESTART IDENTITY CASCADE")
    call_command(*args, "--workers", "1", stdout=StringIO())
    assert _snapshot() == side_by_side
    assert Dossier.objects.count() == 2000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_day_past_9999_dossiers_numbers_on_with_five_digits(monkeypatch):
    """At 10,000,000 dossiers a year a day receives some 40,000: the codes go on past 9999
    (``lpad`` to four digits cut them, and the seeding failed on a duplicate code). Committed
    and emptied after (a transactional test): ten thousand rolled-back dossiers would stay as
    dead rows that every later test's scans read, on a server without autovacuum."""
    from devtools import seeding_sql

    catalogue_import(data=catalogue_load())

    real = seeding_sql._per_day

    def all_on_one_day(working, count):
        days = real(working, count)
        busiest = max(days, key=lambda day: day[1])[0]
        return [(index, count if index == busiest else 0) for index, _n in days]

    monkeypatch.setattr(seeding_sql, "_per_day", all_on_one_day)
    call_command("seed_history", "--dossiers", "10050", "--days", "30", "--no-rollup",
                 stdout=StringIO())
    numbers = sorted(int(code.rsplit("-", 1)[1])
                     for code in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, 10051))
    check_invariants()
