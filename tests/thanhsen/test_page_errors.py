"""An application error a page view does not handle itself becomes a page a user can read."""

import pytest
from django.urls import include, path

from thanhsen.errors import ApplicationError, ErrorKind, invalid

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.thanhsen.test_page_errors")]


def _raises(error):
    def view(request):
        raise error

    return view


urlpatterns = [
    path("not-found/", _raises(ApplicationError("Không có hồ sơ này.", kind=ErrorKind.NOT_FOUND))),
    path("forbidden/", _raises(ApplicationError("Chỉ lãnh đạo được ký.", kind=ErrorKind.FORBIDDEN))),
    path("invalid/", _raises(invalid("reason", "Cần ghi rõ lý do."))),
    path("conflict/", _raises(ApplicationError("Hồ sơ đã được trả kết quả."))),
    path("", include("thanhsen.urls")),  # the layout links to the site's pages
]


@pytest.mark.parametrize(("url", "status", "shown"), [
    ("/not-found/", 404, None),
    ("/forbidden/", 403, "Chỉ lãnh đạo được ký."),
    ("/invalid/", 400, "Cần ghi rõ lý do."),
    ("/conflict/", 409, "Hồ sơ đã được trả kết quả."),
])
def test_each_kind_gets_its_page(client, url, status, shown):
    response = client.get(url)
    assert response.status_code == status
    if shown:
        assert shown in response.content.decode()
