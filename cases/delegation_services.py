"""Writes to the delegation register: grant, revoke, suspend (Law 63/2025/QH15 art. 9).

Only the holder of the power authorises, so a delegate who tries to pass it on is refused
with the reason; only procedures the catalogue marks delegable may be in scope. Every record
keeps the decision's number, date and scan, and the titles of both parties on that day.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.delegation import delegable, may_be_delegated, may_delegate, title_of
from cases.models import Authorisation, Procedure
from thanhsen.errors import ApplicationError, ErrorKind


def _invalid(name: str, message: str) -> ApplicationError:
    return ApplicationError(_("Dữ liệu không hợp lệ."), kind=ErrorKind.INVALID,
                            fields={name: [message]})


def _refuse_unless_delegator(actor) -> None:
    if may_delegate(actor):
        return
    if actor is not None and actor.authorisations_received.exists():
        raise ApplicationError(
            _("Người được ủy quyền không được ủy quyền lại cho người khác."),
            kind=ErrorKind.FORBIDDEN,
        )
    raise ApplicationError(
        _("Chỉ Chủ tịch, Phó Chủ tịch UBND phường được ủy quyền."), kind=ErrorKind.FORBIDDEN
    )


def _procedures_in_scope(codes) -> list[str]:
    """The codes as given, each naming at least one current, delegable procedure."""
    cleaned = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not cleaned:
        raise _invalid("procedure_codes", _("Cần chọn ít nhất một thủ tục được ủy quyền."))
    current = list(Procedure.objects.filter(is_current=True))
    for code in cleaned:
        matching = [p for p in current if p.code == code or p.code.startswith(code + ".")]
        if not matching:
            raise _invalid("procedure_codes", _("Không có thủ tục mã %(code)s.") % {"code": code})
        refused = [p for p in matching if not delegable(p)]
        if refused:
            raise _invalid(
                "procedure_codes",
                _("Thủ tục “%(name)s” không được phép ủy quyền cho Trung tâm quyết định.")
                % {"name": refused[0].name},
            )
    return cleaned


def authorisation_grant(
    *, actor, authorised, procedure_codes, valid_from: date, valid_until: date,
    document_number: str, decision_date: date, scan=None,
) -> Authorisation:
    """The leader (``actor``) authorises ``authorised`` for the procedures and the period."""
    _refuse_unless_delegator(actor)
    if authorised is None or not may_be_delegated(authorised):
        raise _invalid("authorised", _("Chỉ ủy quyền cho Giám đốc, Phó Giám đốc hoặc công chức "
                                       "của Trung tâm."))
    codes = _procedures_in_scope(procedure_codes)
    document_number = (document_number or "").strip()
    if not document_number:
        raise _invalid("document_number", _("Cần ghi số văn bản ủy quyền."))
    if decision_date is None:
        raise _invalid("decision_date", _("Cần ghi ngày ký văn bản ủy quyền."))
    if valid_from is None or valid_until is None:
        raise _invalid("valid_until", _("Cần ghi thời hạn ủy quyền."))
    if valid_until < valid_from:
        raise _invalid("valid_until", _("Ngày hết hiệu lực phải sau ngày bắt đầu."))
    authorisation = Authorisation(
        authoriser=actor, authorised=authorised, procedure_codes=codes, valid_from=valid_from,
        valid_until=valid_until, document_number=document_number, decision_date=decision_date,
        authoriser_title=title_of(actor), authorised_title=title_of(authorised),
    )
    with transaction.atomic():
        if scan:
            authorisation.scan.save(scan.name, scan, save=False)
        authorisation.save()
    return authorisation


def _locked_for_ending(authorisation: Authorisation, actor, reason: str) -> tuple[Authorisation, str]:
    if not may_delegate(actor):
        raise ApplicationError(_("Chỉ lãnh đạo UBND phường được thu hồi hoặc đình chỉ ủy quyền."),
                               kind=ErrorKind.FORBIDDEN)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Cần ghi rõ lý do."))
    locked = Authorisation.objects.select_for_update().get(pk=authorisation.pk)
    if locked.revoked_at:
        raise ApplicationError(_("Văn bản ủy quyền đã bị thu hồi."), kind=ErrorKind.CONFLICT)
    return locked, reason


def authorisation_revoke(
    *, authorisation: Authorisation, actor, reason: str, at: datetime | None = None
) -> Authorisation:
    """End the authorisation now: no decision under it from this moment on."""
    with transaction.atomic():
        locked, reason = _locked_for_ending(authorisation, actor, reason)
        locked.revoked_at = at or timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return locked


def authorisation_suspend(
    *, authorisation: Authorisation, actor, reason: str, at: datetime | None = None
) -> Authorisation:
    """Stop decisions under it after a post-audit finding; a new authorisation restores the power.

    Suspension is not lifted in place: the leader who wants the delegate to decide again
    signs a new authorisation, so the register shows the break.
    """
    with transaction.atomic():
        locked, reason = _locked_for_ending(authorisation, actor, reason)
        if locked.suspended_at:
            raise ApplicationError(_("Văn bản ủy quyền đang bị tạm đình chỉ."),
                                   kind=ErrorKind.CONFLICT)
        locked.suspended_at = at or timezone.now()
        locked.suspension_reason = reason
        locked.save(update_fields=["suspended_at", "suspension_reason"])
    return locked
