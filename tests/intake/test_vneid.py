"""Sign in with VNeID against a local OpenID Connect provider; dossiers filed after it say so."""

import pytest

from cases.models import Dossier
from intake import vneid
from intake.models import OnlineSubmission, VNeIDIdentity
from tests.intake.helpers import resident
from tests.intake.oidc_provider import LocalProvider
from tests.intake.test_submission import _form, birth  # noqa: F401 - the fixture
from thanhsen.models import User
from thanhsen.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIMS = {"sub": "vneid-7f3a", "id_number": "042095006789", "name": "Hồ Thị Mai Anh",
          "family_name": "Hồ", "given_name": "Thị Mai Anh", "phone_number": "+84912777888"}


@pytest.fixture
def provider(settings):
    with LocalProvider(client_id="thanhsen-test", client_secret="bi-mat", claims=dict(CLAIMS)) as op:
        settings.VNEID_ISSUER = op.url
        settings.OIDC_RP_CLIENT_ID = "thanhsen-test"
        settings.OIDC_RP_CLIENT_SECRET = "bi-mat"
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, vneid.BACKEND]
        vneid._discovery.cache_clear()
        yield op
        vneid._discovery.cache_clear()


def _sign_in_with_vneid(page, live_server):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_load_state()


def test_a_new_resident_signs_in_with_vneid_and_their_dossier_says_so(
    page, live_server, client, provider, birth, screenshot  # noqa: F811
):
    page.goto(f"{live_server.url}/dang-nhap/")
    screenshot("login")
    _sign_in_with_vneid(page, live_server)

    assert page.url == f"{live_server.url}/ho-so-cua-toi/"
    assert "Hồ Thị Mai Anh" in page.inner_text("header")
    user = User.objects.get(vneid_identity__id_number="042095006789")
    assert (user.role, user.phone, user.get_full_name()) == (
        Role.RESIDENT, "0912777888", "Hồ Thị Mai Anh")
    assert not user.has_usable_password()
    screenshot("signed-in")

    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    client.cookies["sessionid"] = session["value"]  # the browser's VNeID session files it
    response = client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.applicant_user == user
    assert OnlineSubmission.objects.get(dossier=dossier).signed_in_with_vneid


def test_a_resident_registered_with_the_same_phone_is_linked_not_duplicated(
    page, live_server, provider
):
    existing = resident(phone="0912777888", first_name="An", last_name="Nguyễn")
    _sign_in_with_vneid(page, live_server)

    assert page.url == f"{live_server.url}/ho-so-cua-toi/"
    assert User.objects.filter(role=Role.RESIDENT).count() == 1
    assert VNeIDIdentity.objects.get().user == existing
    existing.refresh_from_db()
    assert existing.get_full_name() == "Hồ Thị Mai Anh"


def test_a_password_login_does_not_mark_the_dossier(client, birth):  # noqa: F811
    owner = resident()
    client.post("/dang-nhap/", {"username": owner.phone, "password": "matkhau-thu-nghiem"})
    client.post(f"/thu-tuc/{birth.code}/nop/", _form(birth))
    assert not OnlineSubmission.objects.get().signed_in_with_vneid


def test_an_id_token_signed_by_another_key_is_refused_with_a_message(page, live_server, provider):
    provider.sign_with_another_key = True
    _sign_in_with_vneid(page, live_server)

    assert page.url.startswith(f"{live_server.url}/dang-nhap/")
    assert "Không đăng nhập được bằng VNeID" in page.inner_text("main")
    assert not User.objects.exists()


def test_without_an_issuer_there_is_no_vneid_button_and_no_vneid_pages(client, settings):
    settings.VNEID_ISSUER = ""
    assert "Đăng nhập bằng VNeID" not in client.get("/dang-nhap/").content.decode()
    assert client.get("/dang-nhap/vneid/").status_code == 404


def test_the_administrator_sees_which_account_a_vneid_identity_signs_in_to(client, db):
    owner = resident()
    VNeIDIdentity.objects.create(user=owner, id_number="042095006789", subject="vneid-7f3a")
    admin_user = User.objects.create_superuser("quantri-thu", password="x", role=Role.ADMINISTRATOR)
    client.force_login(admin_user)
    page = client.get("/admin/intake/vneididentity/").content.decode()
    assert "042095006789" in page and str(owner) in page
