"""Personal data (ID number, phone, address, e-mail) reaches only those whose work needs it,
and every read of it — page, API, printed form, register, scan — is in the dossier's history.

Each test here is one leak found by the security review (issue 11, item 4), as its user met it.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cases.models import DossierEvent
from intake.models import Notification
from linkage import outbox
from tests.factories import DepartmentFactory, UserFactory, dossier_in
from tests.linkage import support
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

ID_NUMBER, PHONE, EMAIL = "042090001234", "0912345678", "an@example.vn"
ADDRESS = "Số 5, đường Phan Đình Phùng"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def views_recorded(dossier, user) -> int:
    return DossierEvent.objects.filter(
        dossier=dossier, actor=user, action="view_personal_data"
    ).count()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def scanned(catalogue, counter):
    """A received dossier whose declaration was scanned at the counter."""
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    document = dossier.documents.get()
    document.file.save("to-khai.pdf", ContentFile(PDF))
    return dossier, document


def test_the_leader_gets_no_personal_data_from_the_api(as_user, catalogue, counter, leader):
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter)

    body = as_user(leader).get(f"/api/v1/dossiers/{dossier.code}/").json()

    assert body["applicant_name"] == "Nguyễn Văn An"
    assert body["applicant_id_number"] is None and body["applicant_phone"] is None
    assert body["applicant_address"] is None and body["applicant_email"] is None
    assert views_recorded(dossier, leader) == 0


@pytest.mark.parametrize("persona", ["leader", "administrator"])
def test_leader_and_administrator_cannot_download_scans(client, scanned, request, persona):
    dossier, document = scanned
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(reverse("cases:file", args=[dossier.code, document.pk]))

    assert response.status_code == 403
    assert "Không có quyền" in response.content.decode()
    assert views_recorded(dossier, user) == 0


def test_reading_a_scan_is_recorded(client, scanned, counter):
    dossier, document = scanned
    client.force_login(counter)

    response = client.get(reverse("cases:file", args=[dossier.code, document.pk]))

    assert b"".join(response.streaming_content) == PDF
    assert views_recorded(dossier, counter) == 1


@pytest.mark.pdf
def test_printing_the_receipt_is_recorded_and_refused_to_the_leader(client, catalogue, counter,
                                                                    leader):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    url = reverse("intake:document", args=[dossier.code, "mau-01"])
    client.force_login(counter)
    assert client.get(url)["Content-Type"] == "application/pdf"
    assert views_recorded(dossier, counter) == 1

    client.force_login(leader)
    assert client.get(url).status_code == 403
    assert views_recorded(dossier, leader) == 0


@pytest.mark.pdf
def test_printing_the_register_records_a_view_of_each_dossier_in_it(client, catalogue, counter,
                                                                    leader):
    first = dossier_in("received", procedure=catalogue.civil, counter=counter)
    second = dossier_in("received", procedure=catalogue.land, counter=counter)
    client.force_login(counter)

    response = client.get(reverse("intake:register_book"), {"pdf": "1"})

    assert response["Content-Type"] == "application/pdf"
    assert views_recorded(first, counter) == 1 and views_recorded(second, counter) == 1
    client.force_login(leader)
    assert client.get(reverse("intake:register_book"), {"pdf": "1"}).status_code == 403


def test_the_delivery_log_shows_no_full_phone_or_email(client, catalogue, counter, handler, tasks_in_process,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    assert Notification.objects.filter(dossier=dossier, recipient=PHONE).exists()
    client.force_login(counter)

    page = client.get("/can-bo/thong-bao/").content.decode()

    assert dossier.code in page
    assert PHONE not in page and EMAIL not in page
    assert "678" in page  # enough of the number to tell deliveries apart
    client.force_login(handler)
    assert client.get("/can-bo/thong-bao/").status_code == 403


def test_a_bundle_page_is_closed_to_another_departments_handler(client, monkeypatch):
    monkeypatch.setattr(outbox, "_enqueue", lambda step_id: None)
    people = support.load_catalogue()
    bundle = support.submit(people, "birth")
    other = UserFactory(role=Role.HANDLING_OFFICER, department=DepartmentFactory(code="KHAC"))
    client.force_login(other)

    assert client.get(reverse("linkage:bundle", args=[bundle.dossier.code])).status_code == 404
    assert bundle.dossier.code not in client.get(reverse("linkage:bundles")).content.decode()


def test_the_leaders_dossier_page_links_to_no_paper_they_may_not_open(client, scanned, counter,
                                                                       leader):
    dossier, document = scanned
    scan = reverse("cases:file", args=[dossier.code, document.pk])
    receipt = reverse("intake:document", args=[dossier.code, "mau-01"])
    client.force_login(counter)
    page = client.get(reverse("cases:dossier", args=[dossier.code])).content.decode()
    assert scan in page and receipt in page

    client.force_login(leader)
    page = client.get(reverse("cases:dossier", args=[dossier.code])).content.decode()

    assert scan not in page and receipt not in page
    assert "Có bản quét" in page
    assert reverse("intake:document", args=[dossier.code, "mau-06"]) in page


def test_only_those_who_may_see_a_phone_find_a_dossier_by_it(client, catalogue, counter, leader):
    dossier = dossier_in("awaiting_approval", procedure=catalogue.civil, counter=counter)
    search = reverse("cases:search")
    client.force_login(counter)
    assert dossier.code in client.get(search, {"q": PHONE}).content.decode()

    client.force_login(leader)

    assert dossier.code not in client.get(search, {"q": PHONE}).content.decode()
    assert dossier.code not in client.get(search, {"q": ID_NUMBER}).content.decode()
    assert dossier.code in client.get(search, {"q": dossier.code}).content.decode()
