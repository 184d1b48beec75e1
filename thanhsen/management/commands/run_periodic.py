"""``manage.py run_periodic``: the beat schedule run in one process, for the embedded default.

Without Redis there is no broker, so no Celery beat: `make run` starts this instead, so that the
linkage sweep, the notification sweep, the lookup-throttle purge and the reports' rollup refresh
run on the same intervals as in production. Each task runs here, in this process (``apply``),
and a failing run is logged and retried at its next turn.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from thanhsen.celery import app

logger = logging.getLogger(__name__)


def _interval(entry: dict) -> float:
    schedule = entry["schedule"]
    return float(getattr(schedule, "total_seconds", lambda: schedule)())


class Command(BaseCommand):
    help = "Chạy các việc định kỳ của beat trong một tiến trình (khi không có Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Chạy mỗi việc một lần rồi thoát. / Run each task once and exit.")

    def handle(self, *args, once: bool = False, **options):
        app.loader.import_default_modules()  # registers every app's tasks, as a worker does
        schedule = settings.CELERY_BEAT_SCHEDULE
        due = dict.fromkeys(schedule, time.monotonic())
        while True:
            now = time.monotonic()
            for name, entry in schedule.items():
                if due[name] <= now:
                    self._run(name, entry["task"])
                    due[name] = now + _interval(entry)
            if once:
                return
            time.sleep(max(0.5, min(due.values()) - time.monotonic()))

    def _run(self, name: str, task: str) -> None:
        close_old_connections()
        try:
            app.tasks[task].apply(throw=True)
        except Exception:
            logger.exception("periodic task %s (%s) failed", name, task)
        finally:
            close_old_connections()
