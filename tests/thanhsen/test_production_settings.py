"""Production settings: the deployment check, HTTPS behind a proxy, the client's address,
the browser policies and the error pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path

from thanhsen.middleware import TrustedProxyMiddleware

ROOT = Path(__file__).resolve().parents[2]

#: What a deployment sets (docker-compose.yml); nothing about HTTPS: the defaults must hold.
DEPLOYMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "x9!kq" * 12,
    "ALLOWED_HOSTS": "motcua.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://motcua.example.vn",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _boom(request):
    raise RuntimeError("settings leak: SECRET_KEY")


def _verboten(request):
    raise PermissionDenied


urlpatterns = [path("boom/", _boom), path("verboten/", _verboten), path("", include("thanhsen.urls"))]


def _manage(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key in {"PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**environment, **env}, check=False, timeout=120)


def test_the_deployment_check_finds_nothing_with_debug_off():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **DEPLOYMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_and_plain_http_for_development():
    script = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
              "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
              "s.SECURE_PROXY_SSL_HEADER)")
    production = _manage("shell", "-v", "0", "-c", script, **DEPLOYMENT).stdout.strip()
    assert production == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    development = _manage("shell", "-v", "0", "-c", script, DEBUG="1").stdout.strip()
    assert development == "False False False 0 None"
    no_proxy = _manage("shell", "-v", "0", "-c", script, PROXY_SSL_HEADER="",
                       **DEPLOYMENT).stdout.strip()
    assert no_proxy.endswith("31536000 None")


@pytest.mark.django_db
def test_https_is_required_except_for_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.REDIS_URL = ""
    plain = client.get("/tra-cuu/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/tra-cuu/"
    assert client.get("/tra-cuu/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_permissions_policy(client):
    response = client.get("/tra-cuu/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert 'name="htmx-config"' in response.content.decode()


def _address(settings, remote, forwarded=None, **config):
    settings.TRUSTED_PROXY_COUNT = config.get("count", 0)
    settings.TRUSTED_PROXIES = config.get("proxies", [])
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen["addr"]


def test_without_a_trusted_proxy_the_address_is_the_peer(client, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, []
    with pytest.raises(MiddlewareNotUsed):
        TrustedProxyMiddleware(HttpResponse)


def test_the_client_address_comes_from_the_proxy_only_when_configured(settings):
    # One proxy: the address it saw is the rightmost; what the client wrote before is ignored.
    assert _address(settings, "172.18.0.5", "6.6.6.6, 203.0.113.9", count=1) == "203.0.113.9"
    # Two proxies (a CDN then the local proxy).
    assert _address(settings, "172.18.0.5", "6.6.6.6, 203.0.113.9, 198.51.100.1",
                    count=2) == "203.0.113.9"
    # Fewer hops than proxies, or garbage: the peer stays.
    assert _address(settings, "172.18.0.5", "", count=1) == "172.18.0.5"
    assert _address(settings, "172.18.0.5", "not-an-ip", count=1) == "172.18.0.5"
    # Trusted networks: the rightmost address that is not one of them.
    proxies = ["172.16.0.0/12", "10.0.0.1"]
    assert _address(settings, "172.18.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.1",
                    proxies=proxies) == "203.0.113.9"
    # A peer that is not a trusted proxy is the client, whatever it wrote.
    assert _address(settings, "198.51.100.7", "203.0.113.9", proxies=proxies) == "198.51.100.7"


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_lookup_bucket(client, settings, catalogue):
    from tests.factories import dossier_in

    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOOKUP_LIMIT_PER_IP = 2
    dossier = dossier_in("received", procedure=catalogue.civil)

    def look(client_address, factor):
        return client.post("/tra-cuu/", {"code": dossier.code, "factor": factor},
                           REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR=client_address)

    for _ in range(2):
        look("203.0.113.1", "0000")
    assert look("203.0.113.1", "5678").status_code == 429
    assert look("203.0.113.2", "5678").status_code == 200


@pytest.mark.django_db
def test_a_server_error_shows_the_vietnamese_page_and_nothing_else(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in page and "Vui lòng thử lại sau ít phút" in page
    assert "SECRET_KEY" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_are_vietnamese(client, settings):
    settings.ROOT_URLCONF = __name__
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()
    forbidden = client.get("/verboten/")
    assert forbidden.status_code == 403 and "Không có quyền truy cập" in forbidden.content.decode()
    csrf_client = type(client)(enforce_csrf_checks=True)
    refused = csrf_client.post("/dang-nhap/", {"username": "x", "password": "y"})
    assert refused.status_code == 403 and "Phiên làm việc đã hết hạn" in refused.content.decode()


@pytest.mark.django_db
def test_swagger_ui_alone_may_load_its_cdn_and_has_no_inline_script(client, counter):
    client.force_login(counter)
    page = client.get("/api/docs/")
    assert "https://cdn.jsdelivr.net" in page["Content-Security-Policy"]
    assert "<script>" not in page.content.decode()
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "cdn.jsdelivr.net" not in client.get("/tra-cuu/")["Content-Security-Policy"]
