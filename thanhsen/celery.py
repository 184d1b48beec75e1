"""The Celery app. Without REDIS_URL, settings make tasks run in-process (eager)."""

import os

from celery import Celery
from celery.signals import task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thanhsen.settings")

app = Celery("thanhsen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_without_a_secret_key(**_kwargs) -> None:
    """A worker signs status tokens and payment messages: no key, no worker."""
    from thanhsen.startup import require_secret_key

    require_secret_key()


@task_prerun.connect
def _database_housekeeping(task=None, **_kwargs) -> None:
    """What Django does before each request, done before each task of a worker.

    Workers keep their database connection across tasks (``CELERY_DB_REUSE_MAX``: a new
    PostgreSQL connection per task costs more than a step's own queries), so a connection that
    broke (server restarted) or outlived ``CONN_MAX_AGE`` is dropped here, not carried into the
    next task. Eager tasks run inside their caller's request or transaction: left alone.
    """
    if not getattr(getattr(task, "request", None), "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
