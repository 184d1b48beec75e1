"""Login throttling at the login page, the admin's login and the API token endpoint."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils import timezone

from tests.factories import UserFactory
from thanhsen.models import LoginAttempt
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "matkhau-thu-nghiem"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.COUNTER_OFFICER, username="tiepnhan09")


@pytest.fixture
def citizen(db):
    return UserFactory(role=Role.RESIDENT, username="0912345678", phone="0912345678",
                       email="hoa@example.vn")


@pytest.fixture
def limits(settings):
    settings.LOGIN_LIMIT_PER_ACCOUNT = 3
    settings.LOGIN_LIMIT_PER_IP = 5
    settings.LOGIN_LIMIT_WINDOW = 900
    return settings


def login(client, username, password="sai-mat-khau", address="10.1.1.1"):
    return client.post("/dang-nhap/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def hashes_during(action) -> int:
    """Password hashes computed (a check and the stand-in for an unknown account alike)."""
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True,
                           side_effect=MD5PasswordHasher.encode) as encode:
        action()
    return encode.call_count


@pytest.mark.parametrize("username", ["tiepnhan09", "0912345678", "hoa@example.vn", "ai-do"])
def test_a_wrong_password_costs_one_hash(client, officer, citizen, username):
    assert hashes_during(lambda: login(client, username)) == 1


def test_a_right_password_costs_one_hash_and_logs_in(client, officer, citizen):
    for username in ("tiepnhan09", "+84 912 345 678", "hoa@example.vn"):
        client.logout()
        response = None

        def send(name=username):
            nonlocal response
            response = login(client, name, PASSWORD)

        assert hashes_during(send) == 1
        assert response.status_code == 302


def test_the_page_stops_an_account_after_the_limit_and_says_when_to_retry(
        client, officer, limits):
    for _ in range(3):
        assert "Vui lòng nhập đúng" in login(client, "tiepnhan09").content.decode()
    blocked = None

    def send():
        nonlocal blocked
        blocked = login(client, "tiepnhan09", PASSWORD, address="10.9.9.9")

    assert hashes_during(send) == 0
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page
    retry = re.search(r"thử lại sau (\d\d:\d\d)", page).group(1)
    first = LoginAttempt.objects.order_by("at").first().at
    expected = timezone.localtime(first + timedelta(seconds=900, minutes=1)).strftime("%H:%M")
    assert retry == expected
    assert "_auth_user_id" not in client.session


def test_the_same_phone_written_differently_is_the_same_account(client, citizen, limits):
    for username in ("0912345678", "+84 912 345 678", "0912.345.678"):
        login(client, username)
    assert login(client, "84912345678", PASSWORD).status_code == 429


def test_one_address_is_stopped_across_accounts_and_others_are_not(client, officer, limits):
    for number in range(5):
        login(client, f"khong-co-{number}")
    assert login(client, "tiepnhan09", PASSWORD).status_code == 429
    assert login(client, "tiepnhan09", PASSWORD, address="10.2.2.2").status_code == 302


def test_the_account_opens_again_when_the_window_has_passed(client, officer, limits):
    for _ in range(3):
        login(client, "tiepnhan09")
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=901))
    assert login(client, "tiepnhan09", PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_with_the_error_shape(api_client, officer, limits):
    for _ in range(3):
        wrong = api_client.post(TOKEN_URL, {"username": "tiepnhan09", "password": "sai"},
                                format="json", REMOTE_ADDR="10.1.1.1")
        assert wrong.status_code == 400
    blocked = api_client.post(TOKEN_URL, {"username": "tiepnhan09", "password": PASSWORD},
                              format="json", REMOTE_ADDR="10.1.1.1")
    assert blocked.status_code == 429
    body = blocked.json()
    assert body["code"] == "throttled"
    assert "Đăng nhập sai quá nhiều lần" in body["detail"]
    assert 0 < int(blocked["Retry-After"]) <= 960


def test_the_admin_login_counts_against_the_same_limits(client, officer, limits):
    for _ in range(3):
        login(client, "tiepnhan09")
    response = client.post("/admin/login/", {"username": "tiepnhan09", "password": PASSWORD},
                           REMOTE_ADDR="10.1.1.1")
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_administrator_sees_the_attempts(client, officer, limits):
    login(client, "tiepnhan09", address="10.7.7.7")
    login(client, "tiepnhan09", address="10.7.7.7")
    login(client, "tiepnhan09", address="10.7.7.7")
    login(client, "tiepnhan09", PASSWORD, address="10.7.7.7")
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/thanhsen/loginattempt/").content.decode()
    assert page.count("10.7.7.7") >= 4
    assert "tiepnhan09" in page and "Bị chặn" in page


def test_old_attempts_are_purged(client, officer, limits):
    from thanhsen.tasks import login_attempts_purge

    login(client, "tiepnhan09")
    login(client, "tiepnhan09")
    LoginAttempt.objects.filter(pk=LoginAttempt.objects.first().pk).update(
        at=timezone.now() - timedelta(days=31))
    assert login_attempts_purge() == 1
    assert LoginAttempt.objects.count() == 1


def test_the_message_reads_in_english_for_who_chose_english(client, officer, limits, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(3):
        login(client, "tiepnhan09")
    page = login(client, "tiepnhan09", PASSWORD).content.decode()
    assert re.search(r"Too many failed logins\. To protect the account, please try again after "
                     r"\d\d:\d\d\.", page)
