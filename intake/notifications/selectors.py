"""Reads of the messages sent to residents (the staff's delivery log).
"""

from __future__ import annotations

from django.db.models import QuerySet

from intake.models import Notification


def notification_log() -> QuerySet[Notification]:
    return Notification.objects.select_related("dossier").order_by("-created_at", "-id")
