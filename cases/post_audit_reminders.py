"""Reminders to the authoriser about reviews falling due: once when a review enters the warning
window, once when it is overdue, sent by e-mail to the staff account from the beat sweep.

Each reminder is marked on its draw in the transaction that sends it, under a row lock taken
with SKIP LOCKED, so concurrent sweeps never send one twice and a failed send is retried by the
next sweep. A review already overdue when first seen gets only the overdue reminder. An
authoriser without an e-mail address is skipped and reminded once one is entered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases.models import PostAuditDraw
from cases.post_audit_selectors import review_warning_from

logger = logging.getLogger(__name__)


@dataclass
class ReminderSweep:
    due_soon: int = 0
    overdue: int = 0


def _pending():
    return (PostAuditDraw.objects.filter(drawn=True, reviewed_at__isnull=True,
                                         review_due_at__isnull=False,
                                         authorisation__authoriser__is_active=True)
            .exclude(authorisation__authoriser__email=""))


def _send(draw: PostAuditDraw, *, overdue: bool) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "code": draw.dossier.code,
            "procedure": draw.dossier.procedure.name,
            "delegate": draw.authorisation.authorised.get_full_name()
            or draw.authorisation.authorised.get_username(),
            "due": formats.date_format(timezone.localtime(draw.review_due_at), "d/m/Y H:i"),
            "url": settings.SITE_URL.rstrip("/") + reverse("cases:post_audit_review",
                                                          args=[draw.pk]),
        }
        if overdue:
            subject = _("Quá hạn hậu kiểm hồ sơ %(code)s") % values
            lead = _("Hạn hậu kiểm quyết định dưới đây đã qua (%(due)s).") % values
        else:
            subject = _("Sắp đến hạn hậu kiểm hồ sơ %(code)s") % values
            lead = _("Quyết định dưới đây cần được hậu kiểm trước %(due)s.") % values
        body = "\n".join([
            lead,
            _("Hồ sơ: %(code)s, thủ tục: %(procedure)s.") % values,
            _("Người ký theo ủy quyền: %(delegate)s.") % values,
            _("Hậu kiểm tại: %(url)s") % values,
        ])
    kind = "overdue" if overdue else "due-soon"
    EmailMessage(subject=subject, body=body, to=[draw.authorisation.authoriser.email],
                 headers={"X-Idempotency-Key": f"post-audit-{draw.pk}-{kind}"}).send()


def _remind(queryset, *, field: str, overdue: bool, now: datetime) -> int:
    sent = 0
    for pk in list(queryset.values_list("pk", flat=True)):
        with transaction.atomic():
            draw = (PostAuditDraw.objects.select_for_update(of=("self",), skip_locked=True)
                    .filter(pk=pk, **{f"{field}__isnull": True}, reviewed_at__isnull=True)
                    .select_related("dossier__procedure", "authorisation__authoriser",
                                    "authorisation__authorised")
                    .first())
            if draw is None:
                continue
            setattr(draw, field, now)
            fields = [field]
            if overdue and not draw.due_soon_reminded_at:
                draw.due_soon_reminded_at = now
                fields.append("due_soon_reminded_at")
            draw.save(update_fields=fields)
            _send(draw, overdue=overdue)
        sent += 1
    return sent


def post_audit_send_reminders(*, now: datetime | None = None) -> ReminderSweep:
    """Send the reminders now due; running it again sends nothing new."""
    now = now or timezone.now()
    pending = _pending()
    result = ReminderSweep()
    result.overdue = _remind(pending.filter(review_due_at__lte=now, overdue_reminded_at__isnull=True),
                             field="overdue_reminded_at", overdue=True, now=now)
    result.due_soon = _remind(
        pending.filter(review_due_at__gt=now, review_due_at__lte=review_warning_from(now),
                       due_soon_reminded_at__isnull=True),
        field="due_soon_reminded_at", overdue=False, now=now,
    )
    if result.overdue or result.due_soon:
        logger.info("post-audit reminders: %s", result)
    return result
