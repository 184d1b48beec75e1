"""The base layout: what every page's footer tells a visitor."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_footer_shows_the_configured_working_hours(client, settings):
    settings.WORKING_HOURS = ["08:00-12:00", "13:00-17:00"]
    settings.SATURDAY_MORNING = False
    page = client.get("/tra-cuu/").content.decode()
    assert "Giờ làm việc: 08:00–12:00, 13:00–17:00, thứ Hai đến thứ Sáu" in page


def test_the_footer_mentions_saturday_morning_when_the_counters_open(client, settings):
    settings.WORKING_HOURS = ["07:30-11:30", "13:30-17:30"]
    settings.SATURDAY_MORNING = True
    page = client.get("/tra-cuu/").content.decode()
    assert "Giờ làm việc: 07:30–11:30, 13:30–17:30, thứ Hai đến thứ Sáu; sáng thứ Bảy 07:30–11:30" in page
