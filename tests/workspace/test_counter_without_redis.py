"""The counter keeps receiving while Redis (the cache) is down."""

import pytest
from django.test import override_settings

from cases.models import Dossier, Status
from tests.workspace.helpers import text
from tests.workspace.test_counter_intake import form_data, post

pytestmark = pytest.mark.django_db

#: Nothing listens on port 1: every cache call fails at once with a connection error.
CLOSED_REDIS = {"default": {"BACKEND": "thanhsen.cache.ReusingRedisCache",
                            "LOCATION": "redis://127.0.0.1:1/0"}}


def test_counter_receives_while_the_cache_is_unreachable(client, catalogue, counter):
    client.force_login(counter)
    with override_settings(CACHES=CLOSED_REDIS):
        response = post(client, catalogue.civil, form_data(catalogue.civil))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert dossier.code in text(client.get(response["Location"]))


def test_double_submit_creates_one_dossier_while_the_cache_is_unreachable(
        client, catalogue, counter):
    client.force_login(counter)
    with override_settings(CACHES=CLOSED_REDIS):
        first = post(client, catalogue.civil, form_data(catalogue.civil, token="same"))
        second = post(client, catalogue.civil, form_data(catalogue.civil, token="same"))
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "bấm gửi hai lần" in text(client.get(second["Location"]))


def test_tokens_older_than_a_day_are_purged(client, catalogue, counter):
    from datetime import timedelta

    from django.utils import timezone

    from intake.models import CounterIntakeToken
    from intake.tasks import counter_tokens_purge

    client.force_login(counter)
    post(client, catalogue.civil, form_data(catalogue.civil, token="old"))
    post(client, catalogue.civil, form_data(catalogue.civil, token="new"))
    CounterIntakeToken.objects.filter(token="old").update(
        created_at=timezone.now() - timedelta(days=1, seconds=1))
    assert counter_tokens_purge() == 1
    assert list(CounterIntakeToken.objects.values_list("token", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_five_times_at_once_records_one_dossier(catalogue, counter):
    """The token's row lock holds the resends until the first commits; each then finds it."""
    from django.test import Client

    from tests.cases.test_concurrency import _race

    def send(_):
        client = Client()
        client.force_login(counter)
        return post(client, catalogue.civil, form_data(catalogue.civil, token="raced"))

    responses, errors = _race(5, send)
    assert not errors and Dossier.objects.count() == 1
    code = Dossier.objects.get().code
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {f"/tiep-nhan/xac-nhan/{code}/"}


def test_a_bundle_is_filed_once_at_the_counter_while_the_cache_is_unreachable(client):
    from cases.models import RequiredDocument
    from linkage.models import Bundle, BundleKind
    from tests.linkage import support

    people = support.load_catalogue()
    client.force_login(people.counter)
    root = BundleKind.objects.filter(code="birth").first().root_procedure_code
    papers = RequiredDocument.objects.filter(procedure__code=root, procedure__is_current=True)
    form = {"applicant_name": "Nguyễn Văn An", "id_number": "042090001234",
            "phone": "0912345678", "address": "Số 5 Phan Đình Phùng, phường Thành Sen",
            "channel": "direct", "token": "bundle-once",
            **{f"doc_{paper.pk}": "on" for paper in papers}}
    with override_settings(CACHES=CLOSED_REDIS):
        first = client.post("/tiep-nhan/lien-thong/birth/", form)
        second = client.post("/tiep-nhan/lien-thong/birth/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    bundle = Bundle.objects.select_related("dossier").get()
    assert bundle.dossier.code in first["Location"]
