"""The role × endpoint matrix: every page, file, PDF and API endpoint of the URLconf, toured as
an outsider, as a resident (the dossier's owner and another one) and as each staff role.

Expectations come from the policy (``cases.policy``), not from the views: each URL names the
group of pages it belongs to (``PAGES``) and whether it shows the dossier, its personal data or
a file carrying them; the status every persona must get is derived from that and the policy's
rules. A URL added to the URLconf without an entry here fails ``test_every_url_is_in_the_matrix``.

Personal data: the toured dossier's applicant has an ID number, phone, address and e-mail found
nowhere else. Any answer that contains one of them must be one the policy lets this persona
see; an answer meant to show them must show them to those allowed.

POST-only URLs are toured with GET: the access guard runs first, so a persona who may not use
them is refused (login or 403) and one who may gets 405, without anything being changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from cases import actions, policy, registry
from cases.delegation import may_be_delegated, may_delegate
from cases.models import Dossier, Procedure
from cases.selectors import dossier_visible_to
from linkage import outbox
from reports.models import ExportJob
from tests.factories import DepartmentFactory, UserFactory, applicant, mandatory_papers
from tests.linkage import support
from tests.workspace.helpers import pdf_text
from thanhsen.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

#: The toured dossier's personal data: each value appears nowhere else in the tour's data.
PERSONAL = {
    "id_number": "079188004321",
    "phone": "0987001122",
    "email": "chu.ho.so@example.vn",
    "address": "Số 77 ngõ Thử Nghiệm",
}

PERSONAS = [
    "anonymous", "owner", "other_resident", "counter", "handler", "other_handler",
    "land_officer", "director", "leader", "administrator",
]

#: Not toured here, with the reason.
NOT_TOURED = {
    # Django's own admin site: its own login, open only to accounts marked ``is_staff``.
    "admin",
    # Development tools (the simulated payment gateway, installed with DEVTOOLS) have their
    # own tests (tests/intake/test_payments.py, tests/devtools/).
    "devtools",
}


@dataclass
class World:
    dossier: Dossier
    bundle: object
    document_pk: int
    export_pk: int
    users: dict


# --- expectations ------------------------------------------------------------------------------
Expect = Callable[[World, object], int]


def public(status: int = 200) -> Expect:
    return lambda world, user: status


def _sees(user, dossier) -> bool:
    return dossier_visible_to(user).filter(pk=dossier.pk).exists()


def page(group: str, *, ok: int | Expect = 200, dossier: Callable[[World], Dossier] | None = None,
         personal: bool = False) -> Expect:
    """A guarded page: login for visitors, 403 outside the group's audience, 404 for a dossier
    the persona cannot see, 403 for personal papers they may not read, ``ok`` otherwise."""

    def expected(world, user):
        if not user.is_authenticated:
            return 302
        if not policy.may_open_page(user, group):
            return 403
        if dossier is not None and not _sees(user, dossier(world)):
            return 404
        if personal and not policy.may_view_personal_data(user, dossier(world)):
            return 403
        return ok(world, user) if callable(ok) else ok

    return expected


def api(*, ok: int = 200, dossier: Callable[[World], Dossier] | None = None) -> Expect:
    """The API: 403 without credentials, 404 for a dossier the persona cannot see."""

    def expected(world, user):
        if not user.is_authenticated:
            return 403
        if dossier is not None and not _sees(user, dossier(world)):
            return 404
        return ok

    return expected


def the_dossier(world):
    return world.dossier


def the_bundle_dossier(world):
    return world.bundle.dossier


@dataclass(frozen=True)
class Entry:
    name: str
    expect: Expect
    args: Callable[[World], list] = lambda world: []
    query: str = ""
    #: The answer shows the toured dossier's personal data to those the policy allows.
    shows_personal_data: bool = False


def delegation_page(world, user) -> int:
    """Leaders manage the register; whoever may be delegated sees their powers; others 403."""
    return 200 if may_delegate(user) or may_be_delegated(user) else 403


#: A verification id no document has: not found, like any unknown address.
UNKNOWN_DOCUMENT = "00000000-0000-4000-8000-000000000000"


def own_export(world, user) -> int:
    """An export is its owner's (the director's here); another leader's is not found."""
    return 200 if user == world.users["director"] else 404


def code(world):
    return [world.dossier.code]


def bundle_code(world):
    return [world.bundle.dossier.code]


def procedure_code(world):
    return [world.dossier.procedure.code]


MATRIX = [
    # the site, login and the API's own pages
    Entry("home", public(302)),
    Entry("healthz", public()),
    Entry("login", public()),
    Entry("logout", public(405)),
    Entry("set_language", public(302)),
    Entry("api-token", public(405)),
    Entry("api-schema", public()),
    Entry("api-docs", public()),
    # the API
    Entry("procedure-list", public()),
    Entry("procedure-detail", public(), args=procedure_code),
    Entry("dossier-list", api()),
    Entry("dossier-detail", api(dossier=the_dossier), args=code, shows_personal_data=True),
    # every action of the registry, through the API and from the dossier page
    *(Entry("dossier-transition", api(ok=405), args=lambda w, name=name: [w.dossier.code, name])
      for name in registry.API_ACTIONS),
    Entry("linkage:api_bundles", api(ok=405)),
    Entry("linkage:api_bundle", api(dossier=the_bundle_dossier), args=bundle_code),
    # residents' online service
    Entry("intake:lookup", public()),
    Entry("intake:register", public()),
    # sign in with VNeID: not found until an issuer is configured (tests/intake/test_vneid.py)
    Entry("intake:vneid_login", public(404)),
    Entry("intake:vneid_callback", public(404)),
    Entry("intake:procedures", public()),
    Entry("intake:rate", public(404)),  # without the receipt's token
    Entry("intake:complaint", public()),
    Entry("intake:payment_return", public()),
    Entry("intake:payment_callback", public(405)),
    Entry("intake:submit", page("resident"), args=procedure_code),
    Entry("intake:my_dossiers", page("resident")),
    Entry("intake:my_dossier", page("resident", dossier=the_dossier), args=code),
    Entry("intake:submitted", page("resident", dossier=the_dossier), args=code),
    Entry("intake:payment_start", page("resident", ok=405), args=lambda w: ["TT-KHONG-CO"]),
    # the counter
    Entry("intake:counter_intake", page("intake")),
    Entry("intake:counter_form", page("intake"), args=procedure_code),
    Entry("intake:counter_done", page("intake", dossier=the_dossier), args=code),
    Entry("intake:certify", page("workspace", ok=405), args=code),
    Entry("intake:staff_payments", page("payments")),
    Entry("intake:staff_payment_cash", page("payments", ok=405), args=lambda w: ["TT-KHONG-CO"]),
    Entry("intake:staff_fee_cash", page("payments", ok=405), args=code),
    Entry("intake:staff_notifications", page("delivery_log")),
    Entry("linkage:counter_bundle", page("intake"), args=lambda w: ["birth"]),
    # the workspace
    Entry("cases:queue", page("workspace")),
    Entry("cases:search", page("workspace"), query="q=TSHT"),
    Entry("cases:dossier", page("workspace", dossier=the_dossier), args=code,
          shows_personal_data=True),
    *(Entry("cases:action", page("workspace", ok=405), args=lambda w, name=name: [w.dossier.code, name])
      for name in registry.PAGE_ACTIONS),
    Entry("cases:file", page("workspace", dossier=the_dossier, personal=True),
          args=lambda w: [w.dossier.code, w.document_pk]),
    Entry("intake:document", page("workspace", dossier=the_dossier, personal=True),
          args=lambda w: [w.dossier.code, "mau-01"], shows_personal_data=True),
    Entry("intake:document", page("workspace", dossier=the_dossier),
          args=lambda w: [w.dossier.code, "mau-06"]),
    Entry("intake:register_book", page("register"), query="pdf=1", shows_personal_data=True),
    Entry("intake:staff_ratings", page("workspace")),
    Entry("intake:staff_complaints", page("workspace")),
    Entry("intake:staff_complaint_answer", page("workspace", ok=405), args=lambda w: [1]),
    Entry("linkage:bundles", page("workspace")),
    Entry("linkage:bundle", page("workspace", dossier=the_bundle_dossier), args=bundle_code),
    Entry("linkage:step_retry", page("workspace", ok=405), args=lambda w: [1]),
    Entry("linkage:bundle_correct", page("workspace", ok=405), args=bundle_code),
    Entry("linkage:bundle_relatives", page("workspace", ok=405), args=bundle_code),
    # reports
    Entry("reports:dashboard", page("reports")),
    Entry("reports:bieu06", page("reports")),
    Entry("reports:indicators", page("reports")),
    Entry("reports:insights", page("reports")),
    Entry("reports:dossiers", page("reports"), query="o=received"),
    Entry("reports:export_create", page("reports", ok=405)),
    Entry("reports:export", page("reports", ok=own_export), args=lambda w: [w.export_pk]),
    Entry("reports:export_download", page("reports", ok=404), args=lambda w: [w.export_pk]),
    Entry("reports:transparency", public()),
    # delegation, post-audit and signed documents
    Entry("cases:delegation", page("delegation", ok=delegation_page)),
    Entry("cases:delegation_revoke", page("delegation", ok=405), args=lambda w: [999999]),
    Entry("cases:delegation_scan", page("delegation", ok=404), args=lambda w: [999999]),
    Entry("cases:post_audit", page("post_audit")),
    Entry("cases:post_audit_review", page("post_audit", ok=404), args=lambda w: [999999]),
    Entry("cases:post_audit_export", page("post_audit")),
    Entry("signing:verify", public(404), args=lambda w: [UNKNOWN_DOCUMENT]),
    # the national portal sync
    Entry("linkage:portal_health", page("sync")),
    Entry("linkage:portal_queue", page("sync")),
    Entry("linkage:portal_transfers", page("sync")),
    Entry("linkage:portal_reconciliation", page("sync")),
    Entry("linkage:portal_message", page("sync", ok=404), args=lambda w: [999999]),
    Entry("linkage:portal_message_correct", page("sync", ok=405), args=lambda w: [999999]),
    Entry("linkage:portal_stream_retry", page("sync", ok=405), args=lambda w: [999999]),
    Entry("linkage:portal_resync", page("sync", ok=405), args=code),
    Entry("linkage:api_sync", api(dossier=the_dossier), args=code),
    # the civil-status registry: the officer's queue, the correction, a resend; the extract
    Entry("linkage:civil_status_queue", page("workspace")),
    Entry("linkage:civil_status_correct", page("workspace", ok=405), args=lambda w: [999999]),
    Entry("linkage:civil_status_stream_retry", page("workspace", ok=405),
          args=lambda w: [999999]),
    Entry("linkage:civil_status_my_extract", page("resident", dossier=the_dossier, ok=404),
          args=code),
    # the land officers' queue and the transfer to the land registration office
    Entry("linkage:land_queue", page("land")),
    Entry("linkage:land_transfer", page("land", ok=405), args=code),
    Entry("linkage:api_portal_push", public(405)),
    Entry("signing:my_result", page("resident", dossier=the_dossier, ok=404), args=code),
    Entry("signing:reuse_copy_online", page("resident", ok=405), args=code),
    Entry("signing:reuse_copy_at_counter", page("workspace", ok=405), args=code),
]


# --- the tour ----------------------------------------------------------------------------------
def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    installed = {
        name for name in _url_names(get_resolver().url_patterns)
        if name.split(":")[0] not in NOT_TOURED and name not in NOT_TOURED
    }
    assert installed == {entry.name for entry in MATRIX}


def test_every_registered_action_is_judged_by_the_policy():
    """Who may take an action is the policy's: each action names a role set of
    ``policy.ACTION_ROLES`` or is a signer's; each action of the page has a label."""
    for action in registry.ACTIONS.values():
        assert (action.policy_action in policy.ACTION_ROLES) != (
            action.policy_action in policy.SIGNING_ACTIONS
        ), action.name
        assert action.roles is None or action.roles == policy.ACTION_ROLES[action.policy_action]
    assert all(action.label for action in registry.PAGE_ACTIONS.values())


@pytest.fixture
def world(monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(outbox, "_enqueue", lambda step_id: None)
    people = support.load_catalogue()
    users = {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(role=Role.RESIDENT),
        "other_resident": UserFactory(role=Role.RESIDENT),
        "counter": people.counter,
        "handler": people.handler,
        "other_handler": UserFactory(role=Role.HANDLING_OFFICER,
                                     department=DepartmentFactory(code="KHAC")),
        "land_officer": UserFactory(role=Role.LAND_OFFICER,
                                    department=DepartmentFactory(code="DATDAI")),
        "director": people.director,
        "leader": people.leader,
        "administrator": UserFactory(role=Role.ADMINISTRATOR),
    }
    procedure = Procedure.objects.get(code=support.BIRTH_REGISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = actions.dossier_create(
            procedure_code=procedure.code, applicant=applicant(**PERSONAL), actor=users["owner"],
            channel="online",
            documents=mandatory_papers(procedure),
        )
        dossier = actions.dossier_receive(dossier=dossier, actor=people.counter)
    document = dossier.documents.first()
    document.file.save("to-khai.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    export = ExportJob.objects.create(owner=people.director, kind="bieu06", file_format="csv")
    return World(dossier=dossier, bundle=support.submit(people, "birth"),
                 document_pk=document.pk, export_pk=export.pk, users=users)


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("latin-1")
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(response.content)
    return response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_policy_says_and_no_more(world, persona):
    user = world.users[persona]
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    wrong = []
    for entry in MATRIX:
        url = reverse(entry.name, args=entry.args(world)) + (f"?{entry.query}" if entry.query else "")
        response = client.get(url)
        expected = entry.expect(world, user)
        if response.status_code != expected:
            wrong.append(f"{url}: {response.status_code}, expected {expected}")
            continue
        if response.status_code != 200:
            continue
        text = _text(response)
        shown = {field for field, value in PERSONAL.items() if value in text}
        allowed = entry.shows_personal_data and policy.may_view_personal_data(
            user, world.dossier
        )
        if shown and not allowed:
            wrong.append(f"{url}: shows {sorted(shown)}")
        if allowed and "phone" not in shown:
            wrong.append(f"{url}: hides the personal data it is meant to show")
    assert not wrong, "\n".join(wrong)
