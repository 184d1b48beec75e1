"""What a serving process needs before it starts: a secret key when DEBUG is off.

Sessions, CSRF tokens, the status lookup's QR tokens and the payment and post-audit secrets all
derive from ``SECRET_KEY``. The settings leave it empty when none is given with DEBUG off, so
that commands which only read the code (``check``, ``makemigrations``) run anywhere; the web
application (``thanhsen.wsgi``, ``thanhsen.asgi``) and the Celery worker call
``require_secret_key`` and refuse to start without one, and ``check --deploy`` reports it.
"""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY must be set when DEBUG is off (set a long random SECRET_KEY; "
    "`make run` sets DEBUG=1 for development)."
)


def secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to read an empty key
        return True


def require_secret_key() -> None:
    if secret_key_missing():
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


@register("security", deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list[Error]:
    return [Error(MISSING_SECRET_KEY, id="thanhsen.E001")] if secret_key_missing() else []
