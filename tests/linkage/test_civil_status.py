"""The civil-status registry connector: an approved registration goes to the registry with the
decision, the registry's extract becomes the resident's result, a return for correction comes
back to the officer and goes again, and faults (duplicates, disorder, an outage) change none of
it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import actions as case_actions
from cases.models import Dossier, DossierEvent
from intake.models import Notification
from linkage.civil_status import services as registry_services
from linkage.civil_status.contract import CONTRACT
from linkage.civil_status.reconciliation import DIFFERENT, MISSING, reconciliation_run
from linkage.civil_status.sweep import civil_status_sweep
from linkage.framework import outbound
from linkage.framework.models import (
    MessageState,
    OutboundMessage,
    SyncCursor,
    SyncStream,
    SyncWarning,
)
from linkage.models import BundleState, CivilRegistration, RegistrationState
from linkage.sweep import bundle_sweep
from tests.factories import applicant
from tests.linkage import support
from thanhsen.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch, settings):
    """The tests deliver by calling the worker's function; nothing goes to a broker."""
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)
    settings.PORTAL_BASE_URL = ""


@pytest.fixture
def people(db):
    return support.load_catalogue()


def _approved(people, code=support.BIRTH_REGISTRATION):
    dossier = case_actions.dossier_create(
        procedure_code=code, applicant=applicant(), channel="direct", actor=people.counter,
        receive=True, documents=support.mandatory_papers(
            support.Procedure.objects.get(code=code, is_current=True)),
    )
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=people.resident)
    dossier = case_actions.dossier_assign(dossier=dossier, actor=people.counter, handler=people.handler)
    dossier = case_actions.dossier_submit_for_approval(dossier=dossier, actor=people.handler)
    return case_actions.dossier_approve(dossier=dossier, actor=people.leader)


def _deliver(dossier) -> str:
    stream = SyncStream.objects.get(dossier=dossier, system="hotich")
    return outbound.stream_deliver(stream.pk)


def _actions(dossier) -> list[str]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("pk")
                .values_list("action", flat=True))


def test_the_contract_is_checked_both_ways(people, registry):
    dossier = _approved(people)
    message = OutboundMessage.objects.get(stream__dossier=dossier, stream__system="hotich")
    wire = registry_services.envelope(message, dossier.code)
    assert CONTRACT.errors("dang_ky", wire) == []
    assert wire["LoaiDangKy"] == "KhaiSinh" and wire["LanGui"] == 1
    bad = {**wire, "NguoiYeuCau": {**wire["NguoiYeuCau"], "SoDinhDanh": "12"}}
    assert CONTRACT.errors("dang_ky", bad)
    registered = {"MaPhanHoi": "PH-1", "MaThongDiep": wire["MaThongDiep"],
                  "MaHoSo": dossier.code, "LoaiPhanHoi": "DaDangKy",
                  "ThoiDiem": "20261202090000"}
    # A registration without its number and extract does not conform, and changes nothing.
    assert CONTRACT.errors("phan_hoi", registered)
    assert registry_services.reply_accept(registered, fetch=lambda path: b"") == "invalid"
    assert CivilRegistration.objects.get(dossier=dossier).state == RegistrationState.AWAITING
    # Per the pattern but no such day: kept with the reason, nothing registered.
    no_such_day = {**registered, "MaPhanHoi": "PH-2", "SoDangKy": "5", "QuyenSo": "01/2026",
                   "TrangSo": "2", "NgayDangKy": "20260231120000",
                   "TrichLuc": {"TenTep": "trich-luc.pdf", "DuongDan": "/files/1",
                                "MaBam": "0" * 64, "KichThuoc": 10}}
    assert CONTRACT.errors("phan_hoi", no_such_day) == []
    assert registry_services.reply_accept(no_such_day, fetch=lambda path: b"") == "invalid"
    assert CivilRegistration.objects.get(dossier=dossier).state == RegistrationState.AWAITING


def test_approval_sends_the_registration_and_the_extract_becomes_the_result(people, registry):
    dossier = _approved(people)
    record = CivilRegistration.objects.get(dossier=dossier)
    assert record.state == RegistrationState.AWAITING
    # Not ready before the registry has answered: the counter cannot hand anything over.
    with pytest.raises(ApplicationError, match="Chưa có trích lục"):
        case_actions.dossier_return_result(dossier=dossier, actor=people.counter)
    client = Client()
    client.force_login(people.resident)
    page = client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()
    assert "đang chờ Cơ sở dữ liệu hộ tịch" in page
    assert "Đã phê duyệt, chờ cấp trích lục" in page and "Mời bạn đến Trung tâm" not in page
    assert "Tải kết quả giải quyết" not in page
    assert client.get(reverse("signing:my_result", args=[dossier.code])).status_code == 404
    assert client.get(reverse("linkage:civil_status_my_extract", args=[dossier.code])
                      ).status_code == 404

    assert _deliver(dossier) == "sent 1"
    assert registry.registry.stats()["codes"] == [dossier.code]
    counts = registry_services.replies_pull()
    assert counts["acknowledged"] == 1 and counts["registered"] == 1

    record.refresh_from_db()
    dossier.refresh_from_db()
    assert (record.state, record.number, record.book) == ("registered", "1", "01/2026")
    assert dossier.result_file
    assert OutboundMessage.objects.get(stream__dossier=dossier, stream__system="hotich"
                                       ).state == MessageState.ACKNOWLEDGED
    assert _actions(dossier)[-1] == "civil_status_registered"
    page = client.get(reverse("intake:my_dossier", args=[dossier.code])).content.decode()
    assert "số 1, quyển 01/2026" in page
    download = client.get(reverse("linkage:civil_status_my_extract", args=[dossier.code]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Now it is ready: the counter hands it over online, printed only if asked.
    case_actions.dossier_return_result(dossier=dossier, actor=people.counter)


def test_a_return_for_correction_reaches_the_officer_and_goes_again(people, registry):
    dossier = _approved(people)
    registry.registry.configure(return_codes=[dossier.code])
    _deliver(dossier)
    assert registry_services.replies_pull()["returned"] == 1
    record = CivilRegistration.objects.get(dossier=dossier)
    assert record.state == RegistrationState.CORRECTION
    assert record.returned_field == "NguoiYeuCau.HoTen"

    client = Client()
    client.force_login(people.handler)
    queue = client.get(reverse("linkage:civil_status_queue")).content.decode()
    assert "Họ tên không khớp Cơ sở dữ liệu quốc gia về dân cư" in queue
    assert "Họ, chữ đệm, tên người yêu cầu" in queue
    answer = client.post(reverse("linkage:civil_status_correct", args=[record.pk]),
                         {"value": ""})
    assert answer.status_code == 302
    assert "Cần nhập giá trị đã sửa" in client.get(answer.url).content.decode()

    client.post(reverse("linkage:civil_status_correct", args=[record.pk]),
                {"value": "Nguyễn Văn Đúng", "note": "Sửa theo giấy chứng sinh"})
    record.refresh_from_db()
    assert (record.state, record.submissions) == (RegistrationState.AWAITING, 2)
    _deliver(dossier)
    registry_services.replies_pull()
    record.refresh_from_db()
    assert record.state == RegistrationState.REGISTERED
    sent = registry.registry.accepted
    assert sorted(m["LanGui"] for m in sent.values()) == [1, 2]
    actions = _actions(dossier)
    assert actions.index("civil_status_return") < actions.index("civil_status_correct") < (
        actions.index("civil_status_registered"))
    correction = DossierEvent.objects.get(dossier=dossier, action="civil_status_correct")
    assert correction.actor == people.handler
    assert correction.payload["value"] == "Nguyễn Văn Đúng"


def test_duplicate_and_out_of_order_replies_apply_once(people, registry):
    registry.reset(duplicate_reply_rate=1.0, reverse_replies=True)
    dossier = _approved(people)
    _deliver(dossier)
    counts = registry_services.replies_pull()
    assert counts["registered"] == 1
    assert counts["duplicate"] == 2  # each reply was listed twice
    assert DossierEvent.objects.filter(dossier=dossier,
                                       action="civil_status_registered").count() == 1
    message = OutboundMessage.objects.get(stream__dossier=dossier, stream__system="hotich")
    assert message.state == MessageState.ACKNOWLEDGED
    # The same page again (a lost cursor) changes nothing.
    SyncCursor.objects.filter(system="hotich").update(value="")
    assert registry_services.replies_pull()["duplicate"] == 4
    assert DossierEvent.objects.filter(dossier=dossier,
                                       action="civil_status_registered").count() == 1


def test_registry_down_then_recovers(people, registry):
    registry.reset(outage=True)
    dossier = _approved(people)
    assert _deliver(dossier) == "failed"
    stream = SyncStream.objects.get(dossier=dossier, system="hotich")
    assert stream.last_error and stream.next_attempt_at > timezone.now()
    assert "replies" not in civil_status_sweep()  # unreachable: nothing fetched, no error

    # Two hours later nothing has gone: the warning is raised for the queue.
    OutboundMessage.objects.filter(stream=stream).update(
        created_at=timezone.now() - timedelta(minutes=11))
    registry_services.warnings_raise(now=timezone.now())
    assert OutboundMessage.objects.get(stream=stream).warning == SyncWarning.NOT_SYNCED

    registry.registry.configure(outage=False)
    SyncStream.objects.filter(pk=stream.pk).update(next_attempt_at=timezone.now())
    assert _deliver(dossier) == "sent 1"
    civil_status_sweep()
    assert CivilRegistration.objects.get(dossier=dossier).state == RegistrationState.REGISTERED
    assert OutboundMessage.objects.get(stream=stream).warning == ""
    assert registry.registry.stats()["duplicates"] == 0


def test_the_birth_bundle_starts_the_agencies_from_the_registry_extract(
    people, registry, django_capture_on_commit_callbacks
):
    bundle = support.submit(people, "birth")
    with django_capture_on_commit_callbacks(execute=True):
        support.approve(people, bundle)
    bundle.refresh_from_db()
    assert bundle.state == BundleState.CIVIL_STATUS  # waiting for the registry
    bundle_sweep()  # the sweep's reconciliation does not release it either
    bundle.refresh_from_db()
    assert bundle.state == BundleState.CIVIL_STATUS
    _deliver(bundle.dossier)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.replies_pull()
    bundle.refresh_from_db()
    assert bundle.state == BundleState.IN_PROGRESS
    root = bundle.steps.get(is_root=True)
    assert root.result["number"] == "1" and root.result["book"] == "01/2026"
    assert bundle.steps.filter(is_root=False, state="ready").count() == 2


def test_without_a_registry_configured_the_approval_is_the_result(people, settings):
    settings.CIVIL_STATUS_BASE_URL = ""
    dossier = _approved(people)
    assert not CivilRegistration.objects.filter(dossier=dossier).exists()
    case_actions.dossier_return_result(dossier=dossier, actor=people.counter)


def test_the_health_page_has_a_row_for_the_registry(people, registry):
    _approved(people)
    client = Client()
    client.force_login(people.director)
    page = client.get(reverse("linkage:portal_health")).content.decode()
    assert 'data-health-row="hotich"' in page and "Cơ sở dữ liệu hộ tịch" in page


def test_the_resident_hears_of_the_result_when_the_extract_arrives_not_at_approval(
    people, registry, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _approved(people)
    assert not Notification.objects.filter(dossier=dossier, kind="result_ready").exists()
    _deliver(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.replies_pull()
    sent = Notification.objects.filter(dossier=dossier, kind="result_ready")
    assert sent.exists()
    assert all("Trích lục điện tử đã sẵn sàng" in n.body for n in sent)


def test_reconciliation_lists_what_the_registry_holds_otherwise(people, registry):
    first, second, third = (_approved(people) for _ in range(3))
    for dossier in (first, second, third):
        _deliver(dossier)
    registry_services.replies_pull()
    today = timezone.localdate()
    assert reconciliation_run(start=today, end=today).mismatches == []
    # Our record of one says another page; the registry lost another.
    CivilRegistration.objects.filter(dossier=first).update(page="99")
    registry.registry.registered.pop(second.code)
    run = reconciliation_run(start=today, end=today)
    assert {(m["code"], m["kind"]) for m in run.mismatches} == {
        (first.code, DIFFERENT), (second.code, MISSING)
    }
    assert run.checked == 3 and run.held_by_them == 2
    with pytest.raises(ApplicationError):
        reconciliation_run(start=today, end=today, actor=people.handler)
