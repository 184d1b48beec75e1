"""Each role lands on its own work and sees its own menu."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("counter", "cases:queue"),
        ("handler", "cases:queue"),
        ("director", "cases:queue"),
        ("leader", "reports:dashboard"),
        ("resident", "intake:my_dossiers"),
    ],
)
def test_home_sends_each_role_to_its_work(client, personas, persona, landing):
    client.force_login(personas[persona])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_anonymous_visitors_land_on_the_status_lookup(client):
    response = client.get("/")
    assert response["Location"] == reverse("intake:lookup")


def test_the_menu_follows_the_role(client, counter, resident):
    client.force_login(counter)
    counter_menu = client.get(reverse("intake:lookup")).context["nav_items"]
    client.force_login(resident)
    resident_menu = client.get(reverse("intake:lookup")).context["nav_items"]

    assert "Tiếp nhận" in [str(item["label"]) for item in counter_menu]
    assert "Hồ sơ của tôi" not in [str(item["label"]) for item in counter_menu]
    assert "Hồ sơ của tôi" in [str(item["label"]) for item in resident_menu]
    assert "Tiếp nhận" not in [str(item["label"]) for item in resident_menu]


def test_the_login_page_offers_registration_and_lookup(client):
    page = client.get(reverse("login")).content.decode()
    assert "Số điện thoại, thư điện tử hoặc tên đăng nhập" in page
    assert reverse("intake:register") in page
    assert reverse("intake:lookup") in page


def test_pages_are_vietnamese_unless_english_was_chosen(client):
    browser_english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert browser_english["Content-Language"] == "vi"
    assert "Đăng nhập" in browser_english.content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    chosen_english = client.get(reverse("login"))
    assert chosen_english["Content-Language"] == "en"
