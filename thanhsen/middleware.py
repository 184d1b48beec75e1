"""Request-wide behaviour: the chosen language, the client's address behind a proxy, and the
Permissions-Policy header.

Vietnamese first: a page is in the language the user chose, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones and
office computers in the ward send English there; residents would then get an English page
they never asked for. The language switch in the header sets the cookie this reads. API
clients are programs that ask deliberately, so ``/api/`` honours Accept-Language too.

The language is active only while the request is handled: whatever ran before it (a test, a
task run eagerly in the same thread) gets its own language back afterwards.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response


class TrustedProxyMiddleware:
    """``REMOTE_ADDR`` is the client's address, not the proxy's, when a proxy is trusted.

    Behind a reverse proxy every request comes from the proxy, so the lookup's and the login's
    limits per address would put every client in one bucket. The proxy appends the address it
    saw to ``X-Forwarded-For``; a client can write anything before it, so the header is read
    from the right:

    - ``TRUSTED_PROXY_COUNT=N``: N proxies in front; the client is the N-th address from the
      right of the header (the one the outermost proxy saw);
    - ``TRUSTED_PROXIES=10.0.0.0/8,...``: when the peer is one of them, the client is the
      rightmost address in the header that is not one of them.

    Nothing configured (the default) or a header that does not fit: ``REMOTE_ADDR`` stays the
    peer. The original peer is kept in ``META["PROXY_ADDR"]``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.count = settings.TRUSTED_PROXY_COUNT
        self.proxies = [ipaddress.ip_network(value, strict=False)
                        for value in settings.TRUSTED_PROXIES]
        if not self.count and not self.proxies:
            raise MiddlewareNotUsed

    def __call__(self, request):
        client = self._client(request.META)
        if client is not None:
            request.META["PROXY_ADDR"] = request.META.get("REMOTE_ADDR", "")
            request.META["REMOTE_ADDR"] = client
        return self.get_response(request)

    def _trusted(self, address) -> bool:
        return any(address in network for network in self.proxies)

    def _client(self, meta) -> str | None:
        try:
            hops = [ipaddress.ip_address(hop.strip())
                    for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            peer = ipaddress.ip_address(meta.get("REMOTE_ADDR", ""))
        except ValueError:
            return None
        if self.count:
            return str(hops[-self.count]) if len(hops) >= self.count else None
        if not self._trusted(peer):
            return None
        for hop in reversed(hops):
            if not self._trusted(hop):
                return str(hop)
        return str(hops[0]) if hops else None


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature → allowed
    origins; an empty list switches the feature off)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
