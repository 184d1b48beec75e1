"""Run in a child process by ``test_sqlite_concurrency`` on a file-based SQLite database.

The rollup refresh (one long write transaction) and staff dossier pages (each view of
personal data writes a history row after reading) run at the same time in two threads, each
with its own connection, as ``make run`` serves them. Prints one line per failure and exits
non-zero if there was any.
"""

import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROUNDS = 15
PAGE_VIEWS = 60


def main() -> int:
    from reports import rollups
    from tests import factories
    from thanhsen.roles import Role

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    catalogue = factories.Catalogue.build()
    counter = factories.UserFactory(role=Role.COUNTER_OFFICER, department=catalogue.center)
    codes = [factories.dossier_in("in_progress", procedure=catalogue.civil, counter=counter).code
             for _ in range(12)]
    failures: list[str] = []
    start = threading.Barrier(2)

    def refresher():
        try:
            start.wait()
            for _ in range(ROUNDS):
                rollups.refresh(full=True)
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            failures.append(f"refresh: {exc!r}")
        finally:
            connection.close()

    def viewer():
        client = Client()
        client.force_login(counter)
        start.wait()
        for n in range(PAGE_VIEWS):
            try:
                response = client.get(f"/lam-viec/ho-so/{codes[n % len(codes)]}/")
                if response.status_code != 200:
                    failures.append(f"page: HTTP {response.status_code}")
            except Exception as exc:  # noqa: BLE001
                failures.append(f"page: {exc!r}")
        connection.close()

    threads = [threading.Thread(target=refresher), threading.Thread(target=viewer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in failures:
        print(failure)
    print(f"failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
