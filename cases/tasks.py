"""Celery tasks of cases: each calls one service."""

from celery import shared_task

from cases.post_audit_reminders import post_audit_send_reminders


@shared_task
def post_audit_reminders() -> dict:
    return post_audit_send_reminders().__dict__
