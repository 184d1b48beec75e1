"""Issue 11, item 8: the smaller holes.

A resident declaring a supplement with nothing attached; repeated identical assignments
writing an event each; staff names that become spreadsheet formulas in exports; the admin's
dossier page (a missing template made every one a 500).
"""

import csv
import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from cases import actions
from cases.models import DossierDocument, DossierEvent, Status
from cases.periods import Period
from reports import exports
from reports.selectors import ALL_COLUMNS, ReportRow, ReportTable, report_table
from tests.factories import UserFactory, dossier_in
from tests.reports.test_pages import FIRST, history
from tests.samples import PDF
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


def _supplement_requested(catalogue, counter, handler, owner):
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter,
                         handler=handler, resident=owner)
    return actions.dossier_request_supplement(dossier=dossier, actor=handler,
                                               reason="Thiếu giấy khai sinh")


def test_a_resident_cannot_declare_a_supplement_with_nothing_attached(
    as_user, catalogue, counter, handler, resident
):
    dossier = _supplement_requested(catalogue, counter, handler, resident)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    response = as_user(resident).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/supplement/", {"note": "Đã bổ sung"},
        format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "giấy tờ bổ sung" in body["detail"] and "documents" in body["fields"]
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.supplemented_at is None
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_the_resident_page_also_needs_a_file_for_a_supplement(
    client, catalogue, counter, handler, resident
):
    dossier = _supplement_requested(catalogue, counter, handler, resident)
    client.force_login(resident)
    page = client.post(f"/ho-so-cua-toi/{dossier.code}/",
                       {"action": "complete", "c-note": "Tôi đã bổ sung rồi"}).content.decode()
    assert "Cần gửi kèm giấy tờ bổ sung" in page
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


def test_the_counter_records_papers_brought_in_person(catalogue, counter, handler, resident):
    """At the counter the papers are in the officer's hands: the step needs no upload."""
    dossier = _supplement_requested(catalogue, counter, handler, resident)
    actions.dossier_supplement(dossier=dossier, actor=counter, note="Nộp tại quầy")
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS


def test_assigning_to_the_current_holder_again_is_a_409_and_writes_nothing(
    as_user, catalogue, counter, handler, director
):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter, handler=handler)
    url = f"/api/v1/dossiers/{dossier.code}/transitions/assign/"
    body = {"department": catalogue.civil_office.code, "handler": handler.username}
    assert as_user(counter).post(url, body, format="json").status_code == 200
    events = DossierEvent.objects.filter(dossier=dossier, action="assign").count()
    for actor in (director, handler, director):
        response = as_user(actor).post(url, body, format="json")
        assert response.status_code == 409
        assert response.json()["detail"] == (
            f"Hồ sơ đã được giao cho {handler.get_full_name()} tại "
            f"{catalogue.civil_office.name}; không có gì thay đổi.")
    assert DossierEvent.objects.filter(dossier=dossier, action="assign").count() == events
    # Assigning someone else is still a reassignment.
    other = UserFactory(role=Role.HANDLING_OFFICER, department=catalogue.civil_office)
    response = as_user(director).post(url, {**body, "handler": other.username}, format="json")
    assert response.status_code == 200


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]


def _assert_inert(table, names):
    rows = list(csv.reader(io.StringIO(exports.bieu06_csv(table).decode("utf-8-sig"))))
    labels = [r[1] for r in rows[2:]]
    assert all(label[:1] not in "=+-@\t\r" for label in labels)
    assert all("'" + name in labels for name in names), labels

    sheet = load_workbook(io.BytesIO(exports.bieu06_xlsx(table))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # XML may read a carriage return back as a line feed (the standard library's parser) or
    # keep it (lxml, when installed): the text is the same either way.
    shown = {cell.value.replace("\r", "\n") for cell in cells}
    assert all(name.replace("\r", "\n") in shown for name in names)


@pytest.mark.parametrize("name", FORMULAS)
def test_staff_names_never_become_formulas_in_exports(catalogue, name):
    team = history(catalogue)
    team["handler"].first_name, team["handler"].last_name = name, ""
    team["handler"].save(update_fields=["first_name", "last_name"])
    table = report_table(period=Period(FIRST, FIRST.replace(day=31)), dimension="officer")
    assert name in [row.label for row in table.rows]
    _assert_inert(table, [name])


def test_every_text_cell_written_is_inert_tab_and_carriage_return_included():
    """Names are trimmed before they reach a report; the writers do not rely on it."""
    names = [*FORMULAS, "\t=1+1", "\r=1+1"]
    rows = [ReportRow(i, name, {c: i for c in ALL_COLUMNS}) for i, name in enumerate(names)]
    period = Period(FIRST, FIRST.replace(day=31))
    table = ReportTable(period, "officer", rows, ReportRow(None, "Tổng cộng",
                                                           {c: 0 for c in ALL_COLUMNS}), "live")
    _assert_inert(table, names)


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_every_admin_page_loads(client, administrator, catalogue, counter, handler, resident):
    """Each registered model's list, and the change page of one row of each (dossiers first)."""
    dossier = dossier_in("in_progress", procedure=catalogue.civil, counter=counter,
                         handler=handler, resident=resident)
    DossierDocument.objects.create(dossier=dossier, name="Tờ khai", copy_type="original",
                                   file=ContentFile(PDF, name="to-khai.pdf"))
    client.force_login(administrator)
    assert client.get(f"/admin/cases/dossier/{dossier.pk}/change/").status_code == 200
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        row = model._default_manager.first()
        if row is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            assert client.get(change).status_code == 200, change
