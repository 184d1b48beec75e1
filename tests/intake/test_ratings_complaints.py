"""Satisfaction ratings (one per returned dossier, anonymous to staff) and complaints with
their own deadline."""

from datetime import datetime
from zoneinfo import ZoneInfo

from intake.models import Complaint, ComplaintStatus, Rating
from intake.online.services import complaint_due
from intake.tokens import status_token
from tests.factories import UserFactory, dossier_in
from tests.intake.helpers import resident
from thanhsen.roles import Role

SCORES = {"time_score": "2", "visits_score": "2", "bodies_score": "1", "attitude_score": "2",
          "publicity_score": "1", "overall_score": "2"}


def test_rating_a_returned_dossier_once_through_the_signed_link(client, catalogue):
    dossier = dossier_in("returned", procedure=catalogue.civil)
    url = f"/danh-gia/?t={status_token(dossier.code)}"
    form = client.get(url).content.decode()
    assert "Thái độ của cán bộ" in form and "ẩn danh" in form
    page = client.post(url, {**SCORES, "comment": "Cán bộ hướng dẫn rất kỹ"}).content.decode()
    assert "Cảm ơn bạn đã đánh giá" in page
    rating = Rating.objects.get()
    assert rating.total == 10 and rating.dossier == dossier
    again = client.post(url, SCORES).content.decode()
    assert "đã được đánh giá" in again and Rating.objects.count() == 1


def test_missing_criteria_are_reported(client, catalogue):
    dossier = dossier_in("returned", procedure=catalogue.civil)
    page = client.post(f"/danh-gia/?t={status_token(dossier.code)}", {"time_score": "2"}).content.decode()
    assert "Có lỗi cần sửa" in page and "Hãy chọn một mức đánh giá." in page
    assert not Rating.objects.exists()


def test_an_open_dossier_cannot_be_rated_and_a_forged_link_is_404(client, catalogue):
    dossier = dossier_in("in_progress", procedure=catalogue.civil)
    page = client.post(f"/danh-gia/?t={status_token(dossier.code)}", SCORES).content.decode()
    assert "khi đã nhận kết quả" in page and not Rating.objects.exists()
    assert client.get("/danh-gia/?t=gia-mao").status_code == 404


def test_staff_see_ratings_without_the_dossier_or_the_rater(client, catalogue):
    owner = resident()
    dossier = dossier_in("returned", procedure=catalogue.civil, resident=owner)
    client.post(f"/danh-gia/?t={status_token(dossier.code)}", {**SCORES, "comment": "Nhanh gọn"})
    client.force_login(UserFactory(role=Role.CENTER_DIRECTOR))
    page = client.get("/can-bo/danh-gia/").content.decode()
    assert "Nhanh gọn" in page and catalogue.civil.name in page
    assert dossier.code not in page and "Nguyễn Văn An" not in page and owner.username not in page


def test_complaint_deadline_is_ten_working_days(db):
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    # Monday 2 November 2026, 10:00 → ten working days later is Monday 16 November.
    due = complaint_due(datetime(2026, 11, 2, 10, 0, tzinfo=tz))
    assert due.astimezone(tz).date().isoformat() == "2026-11-16"


def test_complaint_is_filed_shown_to_staff_and_answered(client, db):
    page = client.post("/phan-anh-kien-nghi/", {
        "kind": "feedback", "name": "Lê Thị Cúc", "phone": "0912 000 111", "content": "Chờ lâu ở quầy số 2",
    }).content.decode()
    complaint = Complaint.objects.get()
    assert complaint.code in page and complaint.phone == "0912000111"
    assert complaint.due_at.astimezone().strftime("%d/%m/%Y") in page
    officer = UserFactory(role=Role.COUNTER_OFFICER)
    client.force_login(officer)
    assert "Chờ lâu ở quầy số 2" in client.get("/can-bo/phan-anh/").content.decode()
    client.post(f"/can-bo/phan-anh/{complaint.pk}/tra-loi/", {"answer": "Đã bố trí thêm cán bộ."})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.answered_on_time
    assert complaint.answered_by == officer


def test_complaint_form_errors(client, db):
    page = client.post("/phan-anh-kien-nghi/", {"kind": "x", "phone": "12"}).content.decode()
    assert "Có lỗi cần sửa" in page and not Complaint.objects.exists()


def test_residents_do_not_see_staff_pages(client, db):
    client.force_login(resident())
    for url in ("/can-bo/danh-gia/", "/can-bo/phan-anh/", "/can-bo/thu-phi/"):
        assert client.get(url).status_code == 403
