"""The seeded scenario's birth and death registrations are bundles with their agency steps, and
its invented withdrawals are named as such on Biểu 06 and the dashboard."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse

from cases import actions
from cases.catalogue_import import catalogue_import, catalogue_load
from cases.deadlines import VIETNAM_TZ
from cases.models import Procedure
from cases.periods import Period
from devtools import scenario_facts, seeding
from linkage.models import Bundle, BundleStep, StepState
from reports import rollups
from reports.exports import bieu06_pdf
from reports.selectors import bundle_summary, report_table
from tests.factories import UserFactory
from tests.reports.builders import walk
from tests.workspace.helpers import pdf_text, text
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db
SEPT = Period(date(2025, 9, 1), date(2025, 9, 30))


def at(day: int, hour: int = 16) -> datetime:
    return datetime.combine(date(2025, 9, day), time(hour), VIETNAM_TZ)


@pytest.fixture
def seeded():
    catalogue_import(data=catalogue_load())
    birth = Procedure.objects.get(code=seeding.BIRTH, is_current=True)
    death = Procedure.objects.get(code=seeding.DEATH, is_current=True)
    people = {
        "counter": UserFactory(role=Role.COUNTER_OFFICER),
        "handler": UserFactory(role=Role.HANDLING_OFFICER, department=birth.department),
        "signer": UserFactory(role=Role.WARD_LEADER),
    }
    minutes = [timedelta(minutes=20)] * 5

    def filed(procedure, route, start):
        papers = [
            actions.SubmittedDocument(name=d.name, copy_type=d.copy_type)
            for d in procedure.documents.filter(mandatory=True)
        ]
        return walk(
            procedure=procedure,
            route=route,
            start=start,
            gaps=minutes,
            people=people,
            channel="online",
            documents=papers,
        )

    births = [filed(birth, "returned", at(day)) for day in (8, 9, 10)]
    deaths = [filed(death, "returned", at(11))]
    withdrawn = filed(birth, "stopped", at(12, 9))
    facts = scenario_facts.complete_scenario(first=SEPT.first, last=SEPT.last, rng=random.Random(1))
    return {"births": births, "deaths": deaths, "withdrawn": withdrawn, "facts": facts}


def test_registrations_become_bundles_with_their_agency_steps(seeded):
    assert seeded["facts"] == {"bundles": 4, "synthetic_withdrawals": 1}
    summary = {row["kind__code"]: row for row in bundle_summary(period=SEPT)}
    assert summary["birth"]["all"] == 3 and summary["death"]["all"] == 1
    assert summary["birth"]["overdue"] == summary["death"]["overdue"] == 0
    birth = Bundle.objects.get(dossier=seeded["births"][0])
    steps = list(birth.steps.order_by("position"))
    assert [s.is_root for s in steps] == [True, False, False]
    assert all(s.state == StepState.DONE for s in steps)
    assert all(s.agency is not None for s in steps[1:])
    for step in steps[1:]:
        # Passed on within ten minutes of the registration, finished inside its limit.
        assert step.sent_at - step.ready_at <= timedelta(minutes=10)
        assert step.completed_at <= step.due_at
    death_steps = BundleStep.objects.filter(bundle__dossier=seeded["deaths"][0])
    assert death_steps.count() == 3  # registration, residence deletion, one chosen benefit
    # Idempotent: a second run writes nothing more.
    again = scenario_facts.complete_scenario(first=SEPT.first, last=SEPT.last, rng=random.Random(1))
    assert again["bundles"] == 0 and Bundle.objects.count() == 4


def test_bieu06_and_the_dashboard_name_the_invented_withdrawals(seeded, client):
    client.force_login(UserFactory(role=Role.CENTER_DIRECTOR))
    query = SEPT.as_query()
    bieu06 = text(client.get(reverse("reports:bieu06"), {**query, "nguon": "live"}))
    rollups.refresh(full=True)  # the dashboard reads the rollup, as its figures do
    dashboard = text(client.get(reverse("reports:dashboard"), query))
    for page in (bieu06, dashboard):
        assert "Dữ liệu mô phỏng trong kỳ" in page
        assert "1 hồ sơ ở cột “Dừng xử lý, công dân rút hồ sơ” là dữ liệu mô phỏng" in page
    listed = text(client.get(reverse("reports:dossiers"), {**query, "o": "stopped_synthetic"}))
    assert seeded["withdrawn"].code in listed
    assert seeded["births"][0].code not in listed
    october = Period(date(2025, 10, 1), date(2025, 10, 31)).as_query()
    assert "Dữ liệu mô phỏng" not in text(client.get(reverse("reports:bieu06"), october))


@pytest.mark.pdf
def test_the_bieu06_export_says_so_too(seeded):
    table = report_table(period=SEPT, source="live")
    assert "1 hồ sơ dừng xử lý trong kỳ là dữ liệu mô phỏng" in pdf_text(bieu06_pdf(table))
