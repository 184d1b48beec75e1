"""Each export, read back, holds the numbers of the page; long ones run as tasks with progress."""

import csv
import io
import re
import subprocess
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.periods import Period
from reports.models import ExportJob
from reports.selectors import report_table
from tests.reports.test_pages import FIRST, PERIOD, history
from thanhsen.celery import app as celery_app


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Files in a temporary folder; tasks run in-process even when Redis is configured
    (``test_export_runs_on_a_real_worker`` covers the worker)."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def export(client, django_capture_on_commit_callbacks):
    """Ask for a file as a leader does, let the (eager) task run on commit, download it."""

    def run(client, **form):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:export_create"), {**PERIOD, **form})
        return _finish(client, response)

    return run


def _finish(client, response):
    assert response.status_code == 302
    job = ExportJob.objects.latest("id")
    status = client.get(response["Location"]).content.decode()
    assert job.status == "done" and job.progress == 100, job.error
    assert "Tải tệp về" in status
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def expected():
    return report_table(period=Period(FIRST, FIRST.replace(day=31)), dimension="field")


@pytest.mark.django_db
def test_bieu06_csv_and_xlsx_hold_the_same_numbers(client, catalogue, leader, media, export):
    history(catalogue)
    client.force_login(leader)
    table = expected()
    row = table.rows[0]
    columns = list(row.values)

    rows = list(csv.reader(io.StringIO(export(client, loai="bieu06", dinh_dang="csv")
                                       .decode("utf-8-sig"))))
    data = {r[1]: [int(v) for v in r[2:]] for r in rows[2:]}
    assert data[row.label] == [row[c] for c in columns]
    assert data["Tổng cộng"] == [table.total[c] for c in columns]

    sheet = load_workbook(io.BytesIO(export(client, loai="bieu06", dinh_dang="xlsx"))).active
    values = {r[1]: list(r[2:]) for r in sheet.iter_rows(min_row=10, values_only=True) if r[1]}
    assert values[row.label] == [row[c] for c in columns]
    assert values["Tổng cộng"] == [table.total[c] for c in columns]
    assert sheet["A3"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"


@pytest.mark.django_db
def test_indicators_xlsx_shows_missing_sources_as_such(client, catalogue, leader, media, export):
    history(catalogue)
    client.force_login(leader)
    sheet = load_workbook(io.BytesIO(export(client, loai="indicators", dinh_dang="xlsx"))).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    online = rows["Tỷ lệ hồ sơ nộp trực tuyến"]
    assert (online[3], online[4], online[5]) == (3, 6, 50.0)
    assert rows["Tỷ lệ hồ sơ thanh toán trực tuyến"][5] == "chưa có dữ liệu"


@pytest.mark.django_db
@pytest.mark.pdf
def test_pdfs_read_back_with_the_same_numbers(client, catalogue, leader, media, tmp_path, export):
    history(catalogue)
    client.force_login(leader)
    total = expected().total
    path = tmp_path / "bieu06.pdf"
    path.write_bytes(export(client, loai="bieu06", dinh_dang="pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Biểu số 06/VPCP/KSTT" in text
    line = next(line for line in text.splitlines() if "Tổng cộng" in line)
    numbers = [int(n) for n in re.findall(r"\d+", line)]
    assert numbers == [total[c] for c in total.values]
    for kind in ("indicators", "insights"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(export(client, loai=kind, dinh_dang="pdf"))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "THÀNH SEN" in text


@pytest.mark.django_db
def test_export_requests_are_checked(client, leader, counter, media):
    client.force_login(counter)
    assert client.post(reverse("reports:export_create"), {"loai": "bieu06"}).status_code == 403
    client.force_login(leader)
    for form in ({"loai": "x", "dinh_dang": "csv"}, {"loai": "insights", "dinh_dang": "csv"},
                 {"loai": "bieu06", "dinh_dang": "csv", "tu": "hôm qua"}):
        response = client.post(reverse("reports:export_create"), form)
        assert response.status_code == 400
        assert "Không xem được báo cáo" in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_another_leaders_export_is_not_found(client, catalogue, leader, director, media, export):
    client.force_login(leader)
    export(client, loai="bieu06", dinh_dang="csv")
    job = ExportJob.objects.get()
    client.force_login(director)
    assert client.get(reverse("reports:export", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_progress_fragment_for_htmx(client, leader, media):
    client.force_login(leader)
    job = ExportJob.objects.create(owner=leader, kind="bieu06", file_format="csv",
                                   params={"tu": "2025-10-01", "den": "2025-10-31"},
                                   status="running", progress=40)
    response = client.get(reverse("reports:export", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'value="40"' in body and "<html" not in body and 'hx-trigger="every 1s"' in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_export_runs_on_a_real_worker(client, catalogue, leader, settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    settings.MEDIA_ROOT = tmp_path
    history(catalogue)
    client.force_login(leader)
    with start_worker(celery_app, perform_ping_check=False, pool="solo"):
        response = client.post(reverse("reports:export_create"),
                               {**PERIOD, "loai": "bieu06", "dinh_dang": "csv"})
        job = ExportJob.objects.get()
        for _ in range(100):
            job.refresh_from_db()
            if job.status == "done":
                break
            time.sleep(0.1)
    assert job.status == "done", job.error
    assert "Tải tệp về" in client.get(response["Location"]).content.decode()
