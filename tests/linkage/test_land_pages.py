"""What staff see of the land pipeline: the land officers' queue with what each dossier waits
for, the dossier page's panel, the hops on Mẫu 06, the rows on the sync health page, and the
transfer of a dossier handed over before the office was connected."""

import pytest

from cases import actions as case_actions
from linkage.framework import outbound
from linkage.framework.models import SyncStream
from linkage.land import SYSTEM as LAND
from linkage.land.pipeline import replies_pull
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from tests.linkage.land_support import land_dossier
from tests.workspace.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbound, "_enqueue", lambda stream_id: None)


def deliver(dossier, system) -> str:
    return outbound.stream_deliver(SyncStream.objects.get(dossier=dossier, system=system).pk)


@pytest.fixture
def at_the_tax_authority(catalogue, counter, land_officer, land_systems):
    """A land transfer whose tax notice has arrived: the resident has yet to pay."""
    dossier = land_dossier(catalogue, counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    deliver(dossier, TAX)
    replies_pull(TAX)
    return dossier


def test_the_land_officers_queue_says_what_each_dossier_waits_for(
    client, land_officer, at_the_tax_authority
):
    client.force_login(land_officer)
    page = client.get("/lien-thong/dat-dai/").content.decode()
    assert at_the_tax_authority.code in page
    assert "Người nộp thực hiện nghĩa vụ tài chính" in page
    assert "tạm dừng thời hạn" in page
    menu = client.get("/lam-viec/").content.decode()
    assert 'href="/lien-thong/dat-dai/"' in menu


def test_the_counter_is_not_offered_the_land_queue(client, counter):
    client.force_login(counter)
    assert client.get("/lien-thong/dat-dai/").status_code == 403
    assert 'href="/lien-thong/dat-dai/"' not in client.get("/lam-viec/").content.decode()


def test_the_dossier_page_and_mau_06_show_each_hop_with_its_allotment(
    client, land_officer, at_the_tax_authority
):
    dossier = at_the_tax_authority
    client.force_login(land_officer)
    page = client.get(f"/lam-viec/ho-so/{dossier.code}/").content.decode()
    assert "Liên thông đất đai" in page
    assert "3 ngày làm việc" in page and "Thông báo nộp tiền" in page
    assert "37.500.000 đồng" in page

    sheet = client.get(f"/lam-viec/ho-so/{dossier.code}/bieu-mau/mau-06.pdf")
    content = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    text = pdf_text(content)
    assert "Liên thông với Văn phòng Đăng ký đất đai và cơ quan thuế" in text
    # (a hop's name wraps inside its cell, so the columns' texts interleave in the extract)
    assert "5 ngày làm việc" in text and "Đang chờ" in text


def test_the_sync_health_page_has_a_row_per_sector_system(client, director, land_systems):
    client.force_login(director)
    page = client.get("/lien-thong/cong-dvcqg/").content.decode()
    assert "Văn phòng Đăng ký đất đai" in page and "Cơ quan thuế" in page


def test_a_dossier_handed_over_before_the_office_was_connected_is_transferred_by_hand(
    client, catalogue, counter, land_officer, land_systems, settings
):
    settings.LAND_BASE_URL = ""
    dossier = case_actions.dossier_assign(
        dossier=land_dossier(catalogue, counter), actor=counter, handler=land_officer)
    assert not LandTransfer.objects.filter(dossier=dossier).exists()

    settings.LAND_BASE_URL = land_systems.land_url
    client.force_login(land_officer)
    page = client.get(f"/lam-viec/ho-so/{dossier.code}/").content.decode()
    assert "Chuyển Văn phòng Đăng ký đất đai" in page
    response = client.post(f"/lien-thong/dat-dai/{dossier.code}/chuyen/", follow=True)
    assert "Đã chuyển hồ sơ và các tệp đến Văn phòng Đăng ký đất đai." in response.content.decode()
    assert LandTransfer.objects.filter(dossier=dossier).exists()
    again = client.post(f"/lien-thong/dat-dai/{dossier.code}/chuyen/", follow=True)
    assert "Hồ sơ đã được chuyển Văn phòng Đăng ký đất đai." in again.content.decode()


def test_a_refused_land_message_is_listed_on_the_health_page_and_can_be_sent_again(
    client, catalogue, counter, land_officer, director, land_systems
):
    land_systems.land.configure(reject_codes=["placeholder"])
    dossier = case_actions.dossier_assign(
        dossier=land_dossier(catalogue, counter), actor=counter, handler=land_officer)
    land_systems.land.configure(reject_codes=[dossier.code])
    assert deliver(dossier, LAND) == "rejected"

    client.force_login(director)
    page = client.get("/lien-thong/cong-dvcqg/").content.decode()
    assert f"Từ chối hồ sơ {dossier.code} (mô phỏng)." in page
    dossier_page = client.get(f"/lam-viec/ho-so/{dossier.code}/").content.decode()
    assert "Bị từ chối:" in dossier_page and "Cổng từ chối:" not in dossier_page
    stream = SyncStream.objects.get(dossier=dossier, system=LAND)
    land_systems.land.configure(reject_codes=[])
    client.post(f"/lien-thong/cong-dvcqg/luong/{stream.pk}/gui-lai/")
    assert deliver(dossier, LAND) == "sent 1"


def test_the_resident_is_told_to_pay_the_tax_notice_at_the_tax_authority(
    client, catalogue, counter, land_officer, resident, land_systems
):
    from tests.factories import dossier_in

    dossier = dossier_in("received", procedure=catalogue.land, resident=resident,
                         counter=counter)
    case_actions.dossier_assign(dossier=dossier, actor=counter, handler=land_officer)
    deliver(dossier, LAND)
    replies_pull(LAND)
    deliver(dossier, TAX)
    replies_pull(TAX)

    client.force_login(resident)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Thông báo nộp tiền số TB000001 của cơ quan thuế" in page
    assert "Khoản này nộp tại cơ quan thuế theo thông báo của cơ quan thuế" in page
    assert "Thanh toán trực tuyến" not in page
