"""What staff see of the portal sync: health, the "cần xử lý" queue, a message, the dossier's
timeline, and the API's sync state; who may see and act."""

import pytest
from django.urls import reverse

from linkage.framework import outbound
from linkage.framework.models import MessageState, OutboundMessage, SyncStream
from tests.factories import dossier_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


@pytest.fixture
def refused(catalogue, counter, portal):
    """A dossier whose receipt the portal refused, and one that synced fully."""
    fine = dossier_in("received", procedure=catalogue.civil, counter=counter)
    outbound.stream_deliver(SyncStream.objects.get(dossier=fine).pk)
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    portal.portal.configure(reject_kinds=["CapNhatTrangThai"])
    outbound.stream_deliver(SyncStream.objects.get(dossier=dossier).pk)
    portal.portal.configure(reject_kinds=[])
    return dossier


def test_health_page_shows_backlog_failures_lag_and_last_success(client, counter, refused):
    client.force_login(counter)
    page = client.get(reverse("linkage:portal_health")).content.decode()
    assert "Liên thông với Cổng DVCQG" in page
    assert "Bị Cổng từ chối" in page and "Độ trễ p95 (24 giờ)" in page
    assert "Gửi thành công lần cuối</dt><dd>chưa có" not in page
    assert "Gửi thành công lần cuối</dt><dd>" in page
    assert refused.code in page  # in the queue preview


def test_the_queue_shows_the_refusal_reason_and_the_message_can_be_set_aside(
    client, counter, refused, portal
):
    client.force_login(counter)
    page = client.get(reverse("linkage:portal_queue")).content.decode()
    assert refused.code in page and "Cổng từ chối thông điệp CapNhatTrangThai" in page
    message = OutboundMessage.objects.get(state=MessageState.REJECTED)
    detail = client.get(reverse("linkage:portal_message", args=[message.pk])).content.decode()
    assert "Lý do Cổng từ chối" in detail and str(message.message_id) in detail
    assert "TrangThaiHoSo" in detail  # the wire as it was sent
    blank = client.post(reverse("linkage:portal_message_correct", args=[message.pk]),
                        {"note": "  "}, follow=True).content.decode()
    assert "Cần ghi rõ đã sửa gì." in blank
    client.post(reverse("linkage:portal_message_correct", args=[message.pk]),
                {"note": "Đã tiếp nhận lại trên Cổng"})
    message.refresh_from_db()
    assert message.state == MessageState.CORRECTED and message.resolved_by == counter
    after = client.get(reverse("linkage:portal_queue")).content.decode()
    assert "Không có thông điệp nào cần xử lý." in after


def test_retry_now_sends_the_refused_message_again(client, counter, refused, portal):
    client.force_login(counter)
    stream = SyncStream.objects.get(dossier=refused)
    response = client.post(reverse("linkage:portal_stream_retry", args=[stream.pk]),
                           {"next": reverse("linkage:portal_queue")})
    assert response.status_code == 302
    assert outbound.stream_deliver(stream.pk) == "sent 1"
    assert [m["SoThuTu"] for m in portal.portal.history(refused.code)] == [1, 2]


def test_residents_handlers_and_outsiders_may_not_act(client, handler, resident, refused):
    stream = SyncStream.objects.get(dossier=refused)
    client.force_login(resident)
    assert client.get(reverse("linkage:portal_health")).status_code == 403
    client.force_login(handler)
    assert client.get(reverse("linkage:portal_health")).status_code == 200
    page = client.post(reverse("linkage:portal_stream_retry", args=[stream.pk]), follow=True)
    assert "Vai trò của bạn không được thực hiện thao tác này." in page.content.decode()
    assert SyncStream.objects.get(pk=stream.pk).blocked


def test_dossier_page_has_the_sync_timeline_with_acks_and_refusals(client, counter, refused):
    client.force_login(counter)
    page = client.get(reverse("cases:dossier", args=[refused.code])).content.decode()
    assert "Đồng bộ với hệ thống bên ngoài" in page and "Cổng DVCQG #" in page
    assert "#1 Tạo hồ sơ" in page and "Đã gửi, chờ biên nhận" in page
    assert "Cổng từ chối:" in page and "Đồng bộ lại trạng thái" in page


def test_api_reports_the_sync_state(as_user, counter, resident, refused, catalogue):
    response = as_user(counter).get(f"/api/v1/dossiers/{refused.code}/sync/")
    assert response.status_code == 200
    data = response.json()
    (portal_state,) = data["systems"]
    assert portal_state["system"] == "dvcqg" and portal_state["blocked"] is True
    assert portal_state["rejected"] == 1 and portal_state["in_sync"] is False
    assert [m["state"] for m in data["messages"]] == ["sent", "rejected"]
    assert as_user(resident).get(f"/api/v1/dossiers/{refused.code}/sync/").status_code == 404


@pytest.mark.parametrize("model", ["outboundmessage", "inbounditem", "reconciliationrun"])
def test_the_sync_log_is_readable_in_the_admin(admin_client, refused, model):
    response = admin_client.get(reverse(f"admin:linkage_{model}_changelist"))
    assert response.status_code == 200
    if model == "outboundmessage":
        assert refused.code in response.content.decode()


@pytest.mark.parametrize("seconds, words", [
    (4.25, "4,2 giây"), (725, "12 phút 5 giây"), (7500, "2 giờ 5 phút"),
    (4329822, "50 ngày 2 giờ"), (86400, "1 ngày"), (3605, "1 giờ"),
])
def test_the_health_page_words_a_lag_as_staff_read_it(seconds, words):
    from linkage.templatetags.linkage_tags import lag

    assert lag(seconds) == words
