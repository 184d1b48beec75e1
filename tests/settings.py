"""The test suite's settings: production's (``DEBUG`` off) with the development tools, over
plain http.

The suite needs ``devtools`` (demo data, seeding, the simulators are under test) and, with
``DEBUG`` off, a ``SECRET_KEY``. pytest-django loads the settings before any conftest runs,
so both are set here, in the environment, where the processes the tests start (the
embedded server, Celery workers) inherit them. A value already in the environment wins.
"""

import os

os.environ.setdefault("DEVTOOLS", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-insecure-key-thanhsen-mot-cua")
# The tests speak plain http to the test client and the embedded server, as the TLS proxy
# does to the app in production: no redirect to https, cookies also over http.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")

from thanhsen.settings import *  # noqa: E402,F403
