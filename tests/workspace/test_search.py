"""Search by code, name without diacritics, ID number and phone; only what the user may see."""

import pytest
from django.urls import reverse

from cases import actions
from tests.factories import applicant, dossier_in
from tests.workspace.helpers import text

pytestmark = pytest.mark.django_db


def _create(catalogue, counter, **who):
    return actions.dossier_create(
        procedure_code=catalogue.civil.code, applicant=applicant(**who), channel="direct",
        actor=counter,
    )


def test_name_without_diacritics_finds_the_accented_name(client, catalogue, counter):
    found = _create(catalogue, counter, name="Nguyễn Văn A")
    other = _create(catalogue, counter, name="Trần Thị Bình")
    client.force_login(counter)
    page = text(client.get(reverse("cases:search"), {"q": "nguyen van a"}))
    assert found.code in page and other.code not in page
    assert "Nguyễn Văn A" in page


def test_d_with_stroke_and_case_are_folded(client, catalogue, counter):
    found = _create(catalogue, counter, name="ĐẶNG ĐÌNH ĐỨC")
    client.force_login(counter)
    assert found.code in text(client.get(reverse("cases:search"), {"q": "dang dinh duc"}))
    assert found.code in text(client.get(reverse("cases:search"), {"q": "Đặng Đình"}))


def test_search_by_code_id_number_and_phone(client, catalogue, counter):
    dossier = _create(catalogue, counter, id_number="042199000777", phone="0987654321")
    _create(catalogue, counter)
    client.force_login(counter)
    for query in (dossier.code.lower(), "042199000777", "0987 654 321", "+84987654321"):
        page = text(client.get(reverse("cases:search"), {"q": query}))
        assert dossier.code in page, query
        assert "1 hồ sơ khớp" in page, query


def test_a_handler_finds_only_the_department_dossiers(client, catalogue, counter, outsider):
    dossier = dossier_in("received", procedure=catalogue.civil, counter=counter)
    client.force_login(outsider)
    response = client.get(reverse("cases:search"), {"q": dossier.code})
    assert "0 hồ sơ khớp" in text(response)
    assert reverse("cases:dossier", args=[dossier.code]) not in response.content.decode()


def test_results_are_paginated(client, catalogue, counter):
    for _ in range(27):
        _create(catalogue, counter, name="Lê Văn Trùng")
    client.force_login(counter)
    first = text(client.get(reverse("cases:search"), {"q": "le van trung"}))
    second = text(client.get(reverse("cases:search"), {"q": "le van trung", "trang": 2}))
    assert "Trang 1/2 · 27 hồ sơ" in first
    assert "Trang 2/2 · 27 hồ sơ" in second
    assert second.count("Lê Văn Trùng") == 2
    raw = client.get(reverse("cases:search"), {"q": "le van trung"}).content.decode()
    assert 'href="?q=le+van+trung&amp;trang=2" rel="next"' in raw  # the query is kept


def test_htmx_search_sends_vary(client, counter):
    client.force_login(counter)
    response = client.get(reverse("cases:search"), {"q": "x"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in response["Vary"]
    assert b"<html" not in response.content


def test_folded_name_is_backfilled_and_kept_in_step(catalogue, counter):
    dossier = _create(catalogue, counter, name="Hồ Thị Ánh")
    assert dossier.applicant_name_search == "ho thi anh"
    dossier.applicant_name = "Phạm Ánh"
    dossier.save(update_fields=["applicant_name"])
    dossier.refresh_from_db()
    assert dossier.applicant_name_search == "pham anh"
