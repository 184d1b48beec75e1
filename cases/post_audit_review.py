"""The authoriser's review of a drawn decision: the finding, and what a "sai" finding sets off.

``đúng`` closes the review; ``cần chấn chỉnh`` records what the delegate must do better, the
decision stands; ``sai`` opens a correction on the dossier (``dossier_open_correction``: the
resident is told) and may suspend the delegation at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import dossier_open_correction
from cases.delegation_services import authorisation_suspend
from cases.models import Finding, PostAuditDraw
from thanhsen.errors import ApplicationError, ErrorKind


def may_review(user, draw: PostAuditDraw) -> bool:
    """Only the authoriser, who stays accountable, reviews the decisions taken in their name."""
    return bool(user and user.is_active and draw.authorisation.authoriser_id == user.pk)


def post_audit_record_finding(
    *, draw: PostAuditDraw, actor, finding: str, notes: str = "", suspend: bool = False,
    at: datetime | None = None,
) -> PostAuditDraw:
    at = at or timezone.now()
    notes = (notes or "").strip()
    if finding not in Finding.values:
        raise ApplicationError(_("Dữ liệu không hợp lệ."), kind=ErrorKind.INVALID,
                               fields={"finding": [_("Cần chọn kết luận hậu kiểm.")]})
    if finding != Finding.CORRECT and not notes:
        raise ApplicationError(_("Dữ liệu không hợp lệ."), kind=ErrorKind.INVALID,
                               fields={"notes": [_("Cần ghi rõ nội dung cần chấn chỉnh hoặc sai sót.")]})
    with transaction.atomic():
        locked = (PostAuditDraw.objects.select_for_update(of=("self",))
                  .select_related("authorisation", "dossier").get(pk=draw.pk))
        if not may_review(actor, locked):
            raise ApplicationError(_("Chỉ người ủy quyền được hậu kiểm quyết định này."),
                                   kind=ErrorKind.FORBIDDEN)
        if not locked.drawn:
            raise ApplicationError(_("Quyết định này không được rút hậu kiểm."),
                                   kind=ErrorKind.CONFLICT)
        if locked.reviewed_at:
            raise ApplicationError(_("Quyết định này đã được hậu kiểm."), kind=ErrorKind.CONFLICT)
        locked.finding, locked.notes = finding, notes
        locked.reviewer, locked.reviewed_at = actor, at
        fields = ["finding", "notes", "reviewer", "reviewed_at"]
        if finding == Finding.WRONG:
            dossier_open_correction(dossier=locked.dossier, actor=actor, reason=notes, at=at)
            locked.correction_opened = True
            fields.append("correction_opened")
        if suspend and finding != Finding.CORRECT and not locked.authorisation.suspended_at:
            authorisation_suspend(
                authorisation=locked.authorisation, actor=actor, at=at,
                reason=_("Hậu kiểm hồ sơ %(code)s: %(notes)s")
                % {"code": locked.dossier.code, "notes": notes},
            )
            locked.suspended_delegation = True
            fields.append("suspended_delegation")
        locked.save(update_fields=fields)
    return locked
