"""Decree 301/2026: a bundle filed on or after the switch day runs on the portal's coordination
system (the portal routes each step to its agency and reports each leg back); one filed
before keeps the agency connectors."""

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, make_server
from linkage.adapters import HttpAgencyAdapter
from linkage.models import BundleState, BundleStep
from linkage.portal.coordination import PortalCoordinationAdapter, bundle_adapter
from linkage.tasks import step_run
from tests.linkage import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(settings):
    """The agencies' own simulator, reached directly (the connectors before the switch)."""
    simulator = AgencySimulator(SimulatorConfig(seed=7))
    server = make_server(simulator, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.AGENCY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield simulator
    server.shutdown()
    server.server_close()


@pytest.fixture
def routed(portal):
    """The portal's coordination system, with the agencies it routes to reset."""
    portal.portal.agencies.reset()
    return portal


def _run_bundle(people, django_capture_on_commit_callbacks):
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    steps = list(BundleStep.objects.filter(bundle=bundle, is_root=False).order_by("position"))
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [step_run(step.pk) for step in steps]
    bundle.refresh_from_db()
    return bundle, steps, outcomes


def test_a_bundle_filed_on_the_switch_day_goes_through_the_portal(
    routed, agencies, settings, django_capture_on_commit_callbacks
):
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate()
    people = support.load_catalogue()
    bundle, steps, outcomes = _run_bundle(people, django_capture_on_commit_callbacks)
    assert outcomes == ["done", "done"]
    assert bundle.state == BundleState.COMPLETED
    code = bundle.dossier.code
    # The portal routed both steps to their agencies; none went to the agencies directly.
    assert routed.portal.stats()["coordination"] == {code: [s.agency.code for s in steps]}
    assert routed.portal.agencies.stats()["registrations"] == 2
    assert agencies.stats()["submissions"] == 0
    for step in steps:
        step.refresh_from_db()
        legs = [leg["Chang"] for leg in step.result["legs"]]
        assert legs == ["CongNhan", "ChuyenCoQuan", "CoQuanTraKetQua"]
        assert step.result["number"] and step.external_reference


def test_a_bundle_filed_the_day_before_goes_to_the_agencies(
    routed, agencies, settings, django_capture_on_commit_callbacks
):
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate() + timedelta(days=1)
    people = support.load_catalogue()
    bundle, _steps, outcomes = _run_bundle(people, django_capture_on_commit_callbacks)
    assert outcomes == ["done", "done"] and bundle.state == BundleState.COMPLETED
    assert agencies.stats()["registrations"] == 2
    assert routed.portal.stats()["coordination"] == {}


def test_the_portal_reports_a_slow_agency_then_its_result(
    routed, settings, django_capture_on_commit_callbacks
):
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate()
    settings.LINKAGE_POLL_SECONDS = 0
    routed.portal.agencies.configure(process_seconds=3600)
    people = support.load_catalogue()
    bundle, steps, outcomes = _run_bundle(people, django_capture_on_commit_callbacks)
    assert outcomes == ["received", "received"]
    routed.portal.agencies.configure(process_seconds=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert [step_run(step.pk) for step in steps] == ["done", "done"]
    steps[0].refresh_from_db()
    assert [leg["Chang"] for leg in steps[0].result["legs"]] == [
        "CongNhan",
        "ChuyenCoQuan",
        "CoQuanDaNhan",
        "CoQuanTraKetQua",
    ]
    # The status query is routed too: the agency registered each step once.
    assert routed.portal.agencies.stats()["max_per_key"] == 1


def test_the_connector_is_chosen_by_filing_day_and_needs_the_portal(portal, settings):
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate()
    assert isinstance(bundle_adapter(bundle.pk), PortalCoordinationAdapter)
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate() + timedelta(days=1)
    assert isinstance(bundle_adapter(bundle.pk), HttpAgencyAdapter)
    settings.BUNDLES_ON_PORTAL_FROM = timezone.localdate()
    settings.PORTAL_BASE_URL = ""  # no coordination system to go through
    assert isinstance(bundle_adapter(bundle.pk), HttpAgencyAdapter)
