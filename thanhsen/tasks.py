"""Celery tasks of the accounts: housekeeping of the login throttle's records."""

from celery import shared_task

from thanhsen.login_throttle import attempts_purge


@shared_task
def login_attempts_purge() -> int:
    return attempts_purge()
