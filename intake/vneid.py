"""Sign in with VNeID: OpenID Connect (authorisation code flow) through mozilla-django-oidc.

The deployment names the issuer, client id and secret (``VNEID_ISSUER``, ``VNEID_CLIENT_ID``,
``VNEID_CLIENT_SECRET``); the endpoints are read from the issuer's discovery document, once
per process. The ID token must be RS256-signed by a key of the issuer's JWKS, issued by that
issuer for this client, and carry the nonce of the request.

The resident's account is found or created from the identity claims:

1. the account already linked to this ID number (``VNeIDIdentity``);
2. otherwise a resident account registered with the same phone number (VNeID phones are
   verified by the ministry), which is linked from now on;
3. otherwise a new resident account (no password: it signs in with VNeID, or sets one with
   "forgot password" later), with the name and phone from the claims.

Staff accounts are never matched: an officer signs in with their username.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cases.validators import validate_id_number
from intake.auth import canonical_phone
from intake.models import VNeIDIdentity
from thanhsen.roles import Role

log = logging.getLogger(__name__)

BACKEND = f"{__name__}.VNeIDBackend"

#: mozilla-django-oidc's endpoint settings and the discovery document's names for them.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def vneid_enabled() -> bool:
    return bool(settings.VNEID_ISSUER)


@lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    response = requests.get(f"{issuer}/.well-known/openid-configuration",
                            timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise SuspiciousOperation("VNeID discovery names another issuer")
    return document


def _setting(attr, *args):
    if attr in _DISCOVERED and not getattr(settings, attr, None):
        return _discovery(settings.VNEID_ISSUER)[_DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def signed_in_with_vneid(request) -> bool:
    """Whether this session's login came through VNeID."""
    return request.user.is_authenticated and request.session.get(BACKEND_SESSION_KEY) == BACKEND


class VNeIDBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(_setting)

    def authenticate(self, request, **kwargs):
        """A token that does not verify, or a provider that does not answer, is a failed login
        (the login page says so), never an error page."""
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            log.warning("VNeID sign-in refused: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (payload.get("iss", "").rstrip("/") != settings.VNEID_ISSUER
                or self.OIDC_RP_CLIENT_ID not in audiences):
            raise SuspiciousOperation("ID token not issued by VNeID for this client")
        return payload

    def verify_claims(self, claims):
        try:
            validate_id_number(self._id_number(claims))
        except ValidationError:
            return False
        return bool(claims.get("sub"))

    @staticmethod
    def _id_number(claims) -> str:
        return str(claims.get(settings.VNEID_ID_NUMBER_CLAIM, "")).strip()

    def filter_users_by_claims(self, claims):
        users = get_user_model().objects.filter(role=Role.RESIDENT)
        linked = users.filter(vneid_identity__id_number=self._id_number(claims))
        if linked.exists():
            return linked
        phone = claims.get("phone_number", "")
        if phone:
            return users.filter(phone=canonical_phone(phone), vneid_identity=None)
        return users.none()

    @transaction.atomic
    def create_user(self, claims):
        number = self._id_number(claims)
        user = get_user_model().objects.create(
            username=f"vneid-{number}", role=Role.RESIDENT,
            phone=canonical_phone(claims["phone_number"]) if claims.get("phone_number") else "",
            email=claims.get("email", ""),
        )
        user.set_unusable_password()
        self._copy_claims(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        self._copy_claims(user, claims)
        return user

    def _copy_claims(self, user, claims):
        """The person's name as VNeID knows it; the identity linked to the account."""
        family = claims.get("family_name")
        given = claims.get("given_name")
        if not (family or given) and claims.get("name"):
            family, _sep, given = claims["name"].partition(" ")
        if family or given:
            user.last_name, user.first_name = family or "", given or ""
        user.save()
        VNeIDIdentity.objects.update_or_create(
            user=user, defaults={"id_number": self._id_number(claims), "subject": claims["sub"]})


class _WhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not vneid_enabled():
            raise Http404(_("Đăng nhập bằng VNeID chưa được cấu hình."))
        return super().dispatch(request, *args, **kwargs)


class VNeIDLoginView(_WhenEnabled, OIDCAuthenticationRequestView):
    """"Đăng nhập bằng VNeID": off to the issuer's authorisation page."""

    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        if vneid_enabled():  # the parent reads the endpoints when it is built
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class VNeIDCallbackView(_WhenEnabled, OIDCAuthenticationCallbackView):
    """Back from VNeID: signed in and on to the resident's page, or back to the login page
    with what went wrong."""

    get_settings = staticmethod(_setting)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(self.request, _("Không đăng nhập được bằng VNeID. Vui lòng thử lại hoặc "
                                       "đăng nhập bằng số điện thoại và mật khẩu."))
        return super().login_failure()
