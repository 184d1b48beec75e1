"""The indicators read from payments, ratings, complaints, result files and certifications.

One September 2025 of a small ward, built through the services; every expected figure below
is counted by hand from it (see ``september``).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import actions
from cases.deadlines import VIETNAM_TZ
from cases.models import Dossier
from cases.periods import Period
from intake.models import (
    Complaint,
    Payment,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    Rating,
    Score,
)
from linkage.models import Bundle, BundleKind
from reports import rollups
from reports.dashboard import figures, quick_periods
from reports.indicators import indicator_list
from reports.selectors import dossier_drilldown
from reports.tasks import rollup_refresh
from tests.factories import ProcedureFactory, UserFactory, applicant
from tests.reports.builders import team, walk
from tests.workspace.helpers import text
from thanhsen.roles import Role

SEPTEMBER = Period(date(2025, 9, 1), date(2025, 9, 30))
HOUR = timedelta(hours=1)


def at(day: int, hour: int = 9, month: int = 9) -> datetime:
    return datetime.combine(date(2025, month, day), time(hour), VIETNAM_TZ)


def pay(dossier, method: str | None, n: int) -> Payment:
    """A fee as intake records it: paid online or in cash, or still pending (method None)."""
    paid = method is not None
    return Payment.objects.create(
        dossier=dossier, purpose=PaymentPurpose.FEE, description="Lệ phí", amount=30000,
        status=PaymentStatus.PAID if paid else PaymentStatus.PENDING, method=method or "",
        provider="simulated" if method == PaymentMethod.ONLINE else "",
        provider_transaction=f"GD{n}" if method == PaymentMethod.ONLINE else "",
        reference=f"TT-TEST-{n}", paid_at=dossier.created_at if paid else None,
    )


def rate(dossier, overall: int) -> Rating:
    scores = dict.fromkeys(Rating.CRITERIA, Score.GOOD)
    return Rating.objects.create(dossier=dossier, procedure=dossier.procedure,
                                 **{**scores, "overall_score": overall})


def complain(n: int, *, due: datetime, answered: datetime | None = None, dossier=None):
    return Complaint.objects.create(
        code=f"PA-{n}", kind="feedback", dossier_code=dossier.code if dossier else "",
        name="Trần Thị Bình", phone="0912000111", content="Chờ lâu", received_at=due - 5 * HOUR,
        due_at=due, answered_at=answered, status="answered" if answered else "open",
        answer="Đã xử lý" if answered else "",
    )


def september(catalogue, settings, tmp_path):
    """The month, by hand:

    fee-bearing (30.000 đ, 10 working days): L0 received in August, paid online, still open and
    overdue on 30/09; L1 online, returned, paid online; L2 direct, resolved, paid cash; L3
    received 25/09, open within its deadline, fee still pending.
    civil (no fee, 3 working days): C1 returned with an electronic result file, rated
    "không hài lòng"; C2 received 08/09 and still open on 30/09 (overdue); C3 returned, named in
    a complaint; C4 returned, rated "hài lòng".
    certification (per-page fee, same day): K1 received at the counter (no fee paid through
    intake), certified and signed on 16/09: an electronic result.
    """
    settings.MEDIA_ROOT = tmp_path
    people = team(catalogue)
    civil = catalogue.civil
    land = ProcedureFactory(  # signed by the ward leader, unlike catalogue.land
        code="1.001022.000.00.00.H27", name="Cấp giấy xác nhận tình trạng hôn nhân",
        field=civil.field, department=catalogue.civil_office, time_limit=10,
        fee={"kind": "fixed", "amount": 30000})
    l0 = walk(procedure=land, route="in_progress", start=at(20, month=8), gaps=[HOUR] * 2,
              people=people, channel="online")
    l1 = walk(procedure=land, route="returned", start=at(2), gaps=[HOUR] * 5, people=people,
              channel="online")
    l2 = walk(procedure=land, route="resolved", start=at(3), gaps=[HOUR] * 4, people=people)
    l3 = walk(procedure=land, route="in_progress", start=at(25), gaps=[HOUR] * 2, people=people)
    c1 = walk(procedure=civil, route="returned", start=at(4), gaps=[HOUR] * 5, people=people)
    walk(procedure=civil, route="in_progress", start=at(8), gaps=[HOUR] * 2, people=people)
    c3 = walk(procedure=civil, route="returned", start=at(10), gaps=[HOUR] * 5, people=people)
    c4 = walk(procedure=civil, route="returned", start=at(11), gaps=[HOUR] * 5, people=people)
    k1 = actions.copy_certification_receive(
        procedure_code=catalogue.certification.code, applicant=applicant(),
        actor=people["counter"], document_name="Bằng tốt nghiệp", pages=3,
        scan=SimpleUploadedFile("ban-chinh.pdf", b"%PDF-1.4\n%%EOF\n"), at=at(16, 8))
    k1 = actions.dossier_assign(dossier=k1, actor=people["counter"], handler=people["handler"],
                                 at=at(16, 9))
    k1 = actions.dossier_submit_for_approval(dossier=k1, actor=people["handler"], at=at(16, 10))
    actions.copy_certification_certify(dossier=k1, actor=people["signer"], at=at(16, 11),
                                        render=lambda c: b"%PDF-1.4\n%%EOF\n")
    Dossier.objects.filter(pk=c1.pk).update(result_file="results/2025/09/ket-qua.pdf")
    for n, (dossier, method) in enumerate([(l0, PaymentMethod.ONLINE), (l1, PaymentMethod.ONLINE),
                                           (l2, PaymentMethod.CASH), (l3, None)]):
        pay(dossier, method, n)
    rate(c1, Score.POOR)
    rate(c4, Score.GOOD)
    complain(1, dossier=c3, due=at(20), answered=at(18))  # on time
    complain(2, due=at(27), answered=at(29))  # late
    complain(3, due=at(29))  # never answered
    complain(4, due=at(5, month=10), answered=at(1, month=10))  # due in October
    rollups.refresh(full=True)
    return {"l1": l1, "c1": c1, "c3": c3, "k1": k1}


@pytest.mark.django_db
def test_indicators_from_other_apps_match_the_hand_count(catalogue, settings, tmp_path):
    made = september(catalogue, settings, tmp_path)
    r = {x.spec.code: x for x in indicator_list(period=SEPTEMBER)}

    payment = r["online_payment"].measure  # fee-bearing received: L1, L2, L3, K1; online: L1
    assert (payment.numerator, payment.denominator) == (1, 4)
    assert r["online_payment"].rate == Decimal("25.00")
    assert r["online_payment"].score == Decimal("1.50")  # 25% of its 6 points

    # Processed: L1 L2 C1 C3 C4 K1 resolved + L0 L3 C2 open on 30/09 = 9; overdue: L0 (due
    # early September) and C2; complained: C1 C3. 100% − 2/9 − 2/9 = 5/9.
    satisfaction = r["satisfaction"]
    assert (satisfaction.measure.numerator, satisfaction.measure.denominator) == (5, 9)
    assert satisfaction.rate == Decimal("55.56")
    assert [d.value for d in satisfaction.measure.details] == [2, 2]

    complaints = r["complaints_on_time"].measure  # due in September: 1, 2, 3; on time: 1
    assert (complaints.numerator, complaints.denominator) == (1, 3)

    results = r["e_results"].measure  # resolved: L1 L2 C1 C3 C4 K1; electronic: C1, K1
    assert (results.numerator, results.denominator) == (2, 6)

    certification = r["e_certification"]
    assert certification.measure.numerator == 1 and certification.score == 2
    assert certification.measure.details[0].value == 1

    assert not r["portal_sync"].available
    assert "đồng bộ" in r["portal_sync"].reason

    # Every number with a cell lists exactly as many dossiers, and the right ones.
    for code in ("online_payment", "satisfaction", "e_results", "e_certification"):
        m = r[code].measure
        pairs = [(m.numerator_cell, m.numerator), (m.denominator_cell, m.denominator),
                 *[(d.cell, d.value) for d in m.details]]
        for cell, number in pairs:
            if cell:
                assert dossier_drilldown(period=SEPTEMBER, cell=cell).count() == number, cell
    assert list(dossier_drilldown(period=SEPTEMBER, cell="paid_online")) == [made["l1"]]
    assert set(dossier_drilldown(period=SEPTEMBER, cell="complained")) == {made["c1"], made["c3"]}
    assert set(dossier_drilldown(period=SEPTEMBER, cell="e_result")) == {made["c1"], made["k1"]}


@pytest.mark.django_db
def test_a_leader_sees_the_numbers_and_clicks_through(client, catalogue, settings, tmp_path):
    made = september(catalogue, settings, tmp_path)
    leader = UserFactory(role=Role.WARD_LEADER)
    client.force_login(leader)
    query = SEPTEMBER.as_query()
    indicators = client.get(reverse("reports:indicators"), query)
    page = text(indicators)
    assert "55,56%" in page and "25,00%" in page and "33,33%" in page
    assert "Bị phản ánh, kiến nghị hoặc đánh giá không hài lòng: 2" in page
    assert "Bản sao điện tử đã chứng thực trong kỳ: 1" in page
    listing = client.get(reverse("reports:dossiers"), {**query, "o": "complained"})
    shown = text(listing)
    assert "Bị phản ánh, kiến nghị hoặc đánh giá không hài lòng" in shown
    assert made["c1"].code in shown and made["c3"].code in shown and "2 hồ sơ" in shown
    paid = text(client.get(reverse("reports:dossiers"), {**query, "o": "paid_online"}))
    assert made["l1"].code in paid and "1 hồ sơ" in paid


@pytest.mark.django_db
def test_open_complaints_not_yet_due_are_not_counted(catalogue):
    now = timezone.now()
    complain(1, due=now + timedelta(days=2))  # open, still in time: not counted yet
    complain(2, due=now + timedelta(days=1), answered=now)  # answered early: counts
    today = timezone.localdate()
    r = {x.spec.code: x for x in indicator_list(period=Period(today, today + timedelta(days=5)))}
    m = r["complaints_on_time"].measure
    assert (m.numerator, m.denominator) == (1, 1)


@pytest.mark.django_db
def test_sources_with_nothing_recorded_say_so(client, catalogue):
    people = team(catalogue)
    walk(procedure=catalogue.civil, route="returned", start=at(2), gaps=[HOUR] * 5, people=people)
    rollups.refresh(full=True)
    r = {x.spec.code: x for x in indicator_list(period=SEPTEMBER)}
    for code, reason in [("online_payment", "thanh toán phí, lệ phí"),
                         ("satisfaction", "đánh giá, phản ánh"),
                         ("complaints_on_time", "phản ánh, kiến nghị"),
                         ("e_results", "kết quả điện tử"), ("portal_sync", "Cổng DVCQG")]:
        assert not r[code].available, code
        assert reason in r[code].reason, code
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    page = text(client.get(reverse("reports:indicators"), SEPTEMBER.as_query()))
    missing = [x for x in r.values() if not x.available]
    # Every metric without data says so, each with its reason.
    assert page.count("chưa có dữ liệu ") == len(missing)
    for result in missing:
        assert f"chưa có dữ liệu {result.reason}" in page, result.spec.code
    assert "Hệ thống chưa ghi nhận giao dịch thanh toán phí, lệ phí." in page


@pytest.mark.django_db
def test_dashboard_counts_birth_and_death_bundles_by_classification(client, catalogue):
    people = team(catalogue)
    birth = BundleKind.objects.create(code="birth", name="Liên thông khai sinh",
                                      root_procedure_code=catalogue.civil.code)
    death = BundleKind.objects.create(code="death", name="Liên thông khai tử",
                                      root_procedure_code=catalogue.civil.code)
    plan = [(birth, "early", 3), (birth, "early", 4), (birth, "on_time", 5), (birth, "", 6),
            (death, "overdue", 8), (death, "early", 2)]  # the last one is August's
    for kind, classification, day in plan:
        month = 8 if day == 2 and kind == death else 9
        dossier = walk(procedure=catalogue.civil, route="received", start=at(day, month=month),
                       gaps=[HOUR], people=people, channel="online")
        Bundle.objects.create(dossier=dossier, kind=kind, time_limit=3,
                              classification=classification, created_at=at(day, 10, month))
    rollups.refresh(full=True)
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    page = text(client.get(reverse("reports:dashboard"), SEPTEMBER.as_query()))
    assert "Liên thông khai sinh 4 2 1 0 1" in page
    assert "Liên thông khai tử 1 0 0 1 0" in page
    html = client.get(reverse("reports:dashboard"), SEPTEMBER.as_query()).content.decode()
    assert f'{reverse("linkage:bundles")}?loai=birth' in html


@pytest.mark.django_db
def test_the_refresh_task_leaves_the_dashboard_computed(client, catalogue):
    people = team(catalogue)
    today = timezone.localdate()
    paying = ProcedureFactory(field=catalogue.civil.field, department=catalogue.civil_office,
                              time_limit=10, fee={"kind": "fixed", "amount": 30000})
    dossier = walk(procedure=paying, route="returned", start=timezone.now() - 5 * HOUR,
                   gaps=[timedelta(minutes=10)] * 5, people=people, channel="online")
    pay(dossier, PaymentMethod.ONLINE, 1)
    rollup_refresh()
    client.force_login(UserFactory(role=Role.WARD_LEADER))
    # The default period (this month) and every quick period come from the cache: the page
    # reads the refresh time, the dossiers at risk and the bundles, no rollup or live count.
    for _label, period in quick_periods(today):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("reports:dashboard"),
                              period.as_query() if period != Period.current_month(today) else {})
        assert page.status_code == 200
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        assert "reports_dailyrollup" not in tables and "intake_payment" not in tables
    cached = figures(Period.current_month(today))
    payment = {r.spec.code: r for r in cached["indicators"]}["online_payment"].measure
    assert (payment.numerator, payment.denominator) == (1, 1)
    assert cached["by_field"].total["received_online"] == 1
    cache.clear()
    assert figures(Period.current_month(today)) == cached  # the same as computed afresh
    # The next refresh computes anew: a second dossier shows at once.
    walk(procedure=catalogue.civil, route="received", start=timezone.now() - HOUR,
         gaps=[timedelta(minutes=10)], people=people, channel="online")
    rollup_refresh()
    assert figures(Period.current_month(today))["by_field"].total["received_online"] == 2


@pytest.mark.django_db
def test_dossiers_filed_from_a_vneid_account_count_as_using_population_data(catalogue, counter):
    from cases.actions import Applicant, dossier_receive
    from intake.online import services as intake_services
    from tests.intake.helpers import resident

    document = catalogue.land.documents.get()
    received = []
    for number, vneid in enumerate((True, False)):
        dossier = intake_services.online_submit(
            user=resident(phone=f"091234567{number}", email=f"r{number}@example.vn"),
            procedure=catalogue.land, form_data={}, files={document: None},
            applicant=Applicant(name="Nguyễn Văn An", id_number=f"04209000123{number}",
                                phone=f"091234567{number}", address="Thành Sen"),
            signed_in_with_vneid=vneid,
        )
        received.append(dossier_receive(dossier=dossier, actor=counter))
    today = timezone.localdate()
    period = Period(today, today)
    rollups.refresh()
    population = {x.spec.code: x for x in indicator_list(period=period)}["population_data"]
    assert population.available
    assert (population.measure.numerator, population.measure.denominator) == (1, 2)
    listed = dossier_drilldown(period=period, cell="vneid_received")
    assert [d.code for d in listed] == [received[0].code]
