"""The end of a dossier: the fee, the return of the result, a withdrawal and a stop.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from cases import hooks
from cases.actions.core import _apply, _Change, _not_now, _require_text
from cases.models import (
    Dossier,
    FeePayment,
    Outcome,
    ReturnMethod,
    Status,
)
from cases.models.dossier import OPEN_STATES
from thanhsen.errors import ApplicationError, ErrorKind, invalid


def dossier_return_result(
    *,
    dossier: Dossier,
    actor,
    note: str = "",
    at: datetime | None = None,
    method: str = "",
    collected_by: str = "",
    result_file=None,
) -> Dossier:
    """Hand the result over: how it left the center, to whom, and the result file if any.

    ``method`` is optional for callers that only record the moment (the API, demo data); when
    given, the counter's page also says who collected it, and an online return needs the file.
    """
    collected_by = (collected_by or "").strip()
    if method:
        if method not in ReturnMethod.values:
            raise invalid("method", _("Hình thức trả kết quả không hợp lệ."))
        if method in (ReturnMethod.IN_PERSON, ReturnMethod.POST) and not collected_by:
            raise invalid("collected_by", _("Cần ghi người nhận kết quả (hoặc địa chỉ gửi bưu chính)."))
        if method == ReturnMethod.ONLINE and not result_file:
            raise invalid("result_file", _("Trả kết quả trực tuyến cần tệp kết quả."))

    def change(d: Dossier, at: datetime) -> _Change:
        unpaid = fee_refusal(d)
        if unpaid:
            raise unpaid
        held = hooks.result_hold(d)
        if held:
            raise ApplicationError(held, kind=ErrorKind.CONFLICT)
        d.returned_at = at
        d.returned_by = actor
        d.return_method = method
        d.collected_by = collected_by
        fields = ["returned_at", "returned_by", "return_method", "collected_by"]
        if result_file:
            d.result_file = result_file
            fields.append("result_file")
        return _Change(
            fields=fields,
            payload={"method": method, "collected_by": collected_by, "file": bool(result_file)},
        )

    return _apply(dossier=dossier, actor=actor, action="return_result",
                  transition="return_result", at=at, note=note, change=change)


def fee_refusal(dossier: Dossier) -> ApplicationError | None:
    """Why the result cannot go out yet for want of the procedure's fee, or None.

    The fee (phí, lệ phí) is due when the dossier is received and at the latest when the
    result is handed over; the portal records the moment it was collected. Obligations
    (nghĩa vụ tài chính) are settled earlier, in the ``awaiting_payment`` pause. A refusal
    (Mẫu 03) is handed back whatever the fee: nothing was granted to pay for.
    """
    if not dossier.fee_due or dossier.outcome == Outcome.REFUSED:
        return None
    return ApplicationError(
        _("Chưa trả kết quả được: phí, lệ phí %(amount)s đ của thủ tục “%(procedure)s” chưa nộp. "
          "Thu phí (trực tuyến hoặc tiền mặt tại quầy) trước khi trả kết quả.")
        % {"amount": f"{dossier.fee_amount:,}".replace(",", "."),
           "procedure": dossier.procedure.name},
        kind=ErrorKind.CONFLICT,
    )


def dossier_record_fee_payment(
    *, dossier: Dossier, actor, via: str, note: str = "", at: datetime | None = None
) -> Dossier:
    """The procedure's fee was paid (online through the gateway, or in cash at the counter).

    Written once: a second payment of the same fee is refused, so it is never counted twice.
    """
    if via not in FeePayment.values:
        raise invalid("via", _("Hình thức nộp phí không hợp lệ."))

    def change(d: Dossier, at: datetime) -> _Change:
        if not d.fee_amount:
            raise ApplicationError(_("Thủ tục này không thu phí, lệ phí."), kind=ErrorKind.CONFLICT)
        if d.fee_paid_at:
            raise ApplicationError(_("Phí, lệ phí của hồ sơ này đã nộp."), kind=ErrorKind.CONFLICT)
        d.fee_paid_at = at
        d.fee_paid_via = via
        return _Change(fields=["fee_paid_at", "fee_paid_via"],
                       payload={"amount": d.fee_amount, "via": via})

    return _apply(dossier=dossier, actor=actor, action="pay_fee", transition=None,
                  at=at, note=note, change=change)


def dossier_request_stop(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """The applicant asks to withdraw; the portal shows 7 until the body issues Mẫu 05."""
    reason = _require_text("reason", reason, _("Cần ghi rõ lý do đề nghị dừng."))

    def change(d: Dossier, at: datetime) -> _Change:
        if d.status not in (Status.SUBMITTED, *OPEN_STATES):
            raise _not_now(d)
        if d.stop_requested_at:
            raise ApplicationError(_("Đề nghị dừng đã được gửi."), kind=ErrorKind.CONFLICT)
        d.stop_requested_at = at
        d.stop_reason = reason
        return _Change(fields=["stop_requested_at", "stop_reason"])

    return _apply(dossier=dossier, actor=actor, action="request_stop", transition=None,
                  at=at, note=reason, change=change)


def dossier_stop(*, dossier: Dossier, actor, reason: str = "", at: datetime | None = None) -> Dossier:
    """Stop before a decision (Mẫu 05), at the applicant's request or for a legal reason."""

    def change(d: Dossier, at: datetime) -> _Change:
        d.stop_reason = _require_text(
            "reason", reason or d.stop_reason, _("Cần ghi rõ lý do dừng xử lý.")
        )
        d.stopped_at = at
        d.pauses.filter(ended_at__isnull=True).update(ended_at=at)
        # The history must say why it stopped, also when the reason is the resident's request.
        return _Change(fields=["stop_reason", "stopped_at"], note=d.stop_reason)

    return _apply(dossier=dossier, actor=actor, action="stop", transition="stop",
                  at=at, note=reason, change=change)


def dossier_transfer(
    *, dossier: Dossier, actor, unit_code: str, unit_name: str, reason: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Receipt regardless of boundary (Decree 118/2025): a dossier received here for another
    unit's competence goes to that unit through the provincial system, at intake, before it is
    handed to a department here.

    Its handling here ends (it is counted with the stopped dossiers, never as late); the
    history's ``transfer`` row names the unit, and the national portal hears of it as a
    transfer, which the integration tracks until the unit acknowledges it.
    """
    unit_code, unit_name = (unit_code or "").strip(), (unit_name or "").strip()
    if not unit_code or not unit_name or unit_code == settings.UNIT_CODE:
        raise invalid("unit", _("Cần chọn đơn vị có thẩm quyền giải quyết khác đơn vị này."))
    reason = (reason or "").strip() or _(
        "Hồ sơ thuộc thẩm quyền của %(unit)s: tiếp nhận không phụ thuộc địa giới hành chính."
    ) % {"unit": unit_name}

    def change(d: Dossier, at: datetime) -> _Change:
        # Runs after the transition: received and not yet handed over means it was "received".
        if d.received_at is None or d.handed_over_at is not None:
            raise ApplicationError(
                _("Chỉ chuyển được hồ sơ vừa tiếp nhận, chưa chuyển cho bộ phận xử lý."),
                kind=ErrorKind.CONFLICT,
            )
        d.stop_reason = reason[:2000]
        d.stopped_at = at
        d.handed_over_at = at
        return _Change(fields=["stop_reason", "stopped_at", "handed_over_at"], note=reason,
                       payload={"unit_code": unit_code, "unit_name": unit_name})

    return _apply(dossier=dossier, actor=actor, action="transfer", transition="stop",
                  at=at, change=change)
