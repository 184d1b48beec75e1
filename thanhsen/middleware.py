"""Vietnamese first: a page is in the language the user chose, else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones and
office computers in the ward send English there; residents would then get an English page
they never asked for. The language switch in the header sets the cookie this reads. API
clients are programs that ask deliberately, so ``/api/`` honours Accept-Language too.

The language is active only while the request is handled: whatever ran before it (a test, a
task run eagerly in the same thread) gets its own language back afterwards.
"""

from django.conf import settings
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
