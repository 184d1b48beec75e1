"""Writes of payments: the obligations a dossier's payment request creates, the gateway's
notices (settled once), cash at the counter and the procedure's fee.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cases import actions as case_actions
from cases.models import (
    Dossier,
    DossierEvent,
    Status,
)
from intake.models import (
    NoticeVerdict,
    Payment,
    PaymentMethod,
    PaymentNotice,
    PaymentPurpose,
    PaymentStatus,
)
from intake.payments.providers import provider_get
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.request_guard import is_malformed, printable
from thanhsen.roles import INTAKE_ROLES, Role

logger = logging.getLogger(__name__)

#: The account the payment gateway acts as when a verified payment settles an obligation.
GATEWAY_USERNAME = "cong-thanh-toan"


def _new_reference() -> str:
    return f"TT{timezone.localtime():%y%m%d}{secrets.token_hex(5).upper()}"


def payment_gateway_actor():
    """The account a verified online payment acts as in the dossier's history.

    It cannot log in (no usable password); it exists so the history says the gateway, not a
    person, confirmed the payment.
    """
    user, created = get_user_model().objects.update_or_create(
        username=GATEWAY_USERNAME,
        defaults=dict(
            role=Role.SYSTEM, last_name=_("Cổng thanh toán"), first_name=_("(tự động)"),
        ),
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


#: Why a payable item levied by another authority is not taken here.
LEVIED_ELSEWHERE = _lazy("Khoản này nộp tại cơ quan thuế theo thông báo của cơ quan thuế (hoặc "
                         "trực tuyến qua Cổng Dịch vụ công quốc gia), không nộp tại Trung tâm.")


def payment_for_request(*, event: DossierEvent, levied_by: str = "") -> Payment | None:
    """A payment-request event with an amount becomes a payable item (once per event).

    ``levied_by`` names the authority the resident pays directly (the tax authority's notice of
    land taxes): neither the gateway nor the cash desk takes it; that authority confirms it.
    """
    amount = (event.payload or {}).get("amount")
    if not amount:
        return None
    payment, _created = Payment.objects.get_or_create(
        event=event,
        defaults=dict(
            dossier_id=event.dossier_id, purpose=PaymentPurpose.OBLIGATION, amount=int(amount),
            description=event.note[:300], reference=_new_reference(), levied_by=levied_by,
        ),
    )
    return payment


@dataclass(frozen=True)
class NoticeOutcome:
    verdict: str
    payment: Payment | None


def _settle(payment: Payment, *, method: str, transaction_id: str, provider: str, actor,
            at: datetime) -> str:
    """Mark paid (once) and, for an obligation the dossier waits on, confirm it on the dossier."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == PaymentStatus.PAID:
            same = locked.provider == provider and locked.provider_transaction == transaction_id
            return NoticeVerdict.REPLAYED if same else NoticeVerdict.CONFLICT
        if locked.status == PaymentStatus.CANCELLED:
            return NoticeVerdict.CONFLICT
        locked.status = PaymentStatus.PAID
        locked.method = method
        locked.provider = provider
        locked.provider_transaction = transaction_id
        locked.paid_at = at
        locked.recorded_by = actor if method == PaymentMethod.CASH else None
        locked.save(update_fields=["status", "method", "provider", "provider_transaction",
                                   "paid_at", "recorded_by"])
        dossier = locked.dossier
        if locked.purpose == PaymentPurpose.FEE and dossier.fee_due:
            case_actions.dossier_record_fee_payment(
                dossier=dossier, actor=actor, via=method, at=at,
                note=_("Đã nộp %(amount)s đồng (%(method)s, mã %(reference)s).") % {
                    "amount": f"{locked.amount:,}".replace(",", "."),
                    "method": locked.get_method_display(), "reference": locked.reference,
                },
            )
        if locked.purpose == PaymentPurpose.OBLIGATION and dossier.status == Status.AWAITING_PAYMENT:
            case_actions.dossier_confirm_payment(
                dossier=dossier, actor=actor, at=at,
                note=_("Đã nộp %(amount)s đồng (%(method)s, mã %(reference)s).") % {
                    "amount": f"{locked.amount:,}".replace(",", "."),
                    "method": locked.get_method_display(), "reference": locked.reference,
                },
            )
    return NoticeVerdict.ACCEPTED


def payment_receive_notice(*, params, channel: str, remote_addr: str | None = None,
                           provider_name: str | None = None) -> NoticeOutcome:
    """Verify a provider's message and apply it at most once; log it whatever it is.

    Forged (bad signature), wrong-amount, unknown and replayed messages change nothing. A
    message with text no column can hold (NUL, control characters: ``thanhsen.request_guard``)
    is ``malformed``: it is not looked up, and is kept with those characters made visible.
    """
    provider = provider_get(provider_name)
    fields = {str(key): str(value) for key, value in dict(params.items()).items()}
    if any(is_malformed(key) or is_malformed(value) for key, value in fields.items()):
        verdict, payment, reference = NoticeVerdict.MALFORMED, None, fields.get("reference", "")
    else:
        verdict, payment, reference = _notice_verdict(provider, params)
    PaymentNotice.objects.create(
        provider=provider.name, channel=channel, reference=printable(reference)[:64],
        verdict=verdict,
        payload={printable(key)[:64]: printable(value)[:200] for key, value in fields.items()},
        remote_addr=remote_addr,
    )
    if verdict not in (NoticeVerdict.ACCEPTED, NoticeVerdict.REPLAYED):
        logger.warning("Payment notice refused: %s (%r via %s)", verdict, reference, channel)
    if payment is not None:
        payment.refresh_from_db()
    return NoticeOutcome(verdict=verdict, payment=payment)


def _notice_verdict(provider, params) -> tuple[str, Payment | None, str]:
    """What a well-formed notice means: the verdict, its payment if any, its reference."""
    notice = provider.parse(params)
    payment = Payment.objects.filter(reference=notice.reference).select_related("dossier").first()
    if not notice.signature_ok:
        verdict = NoticeVerdict.FORGED
    elif payment is None:
        verdict = NoticeVerdict.UNKNOWN
    elif notice.amount != payment.amount:
        verdict = NoticeVerdict.WRONG_AMOUNT
    elif notice.status != "paid":
        verdict = NoticeVerdict.FAILED
    else:
        verdict = _settle(payment, method=PaymentMethod.ONLINE, transaction_id=notice.transaction,
                          provider=provider.name, actor=payment_gateway_actor(), at=timezone.now())
    return verdict, payment, notice.reference


def payment_record_cash(*, payment: Payment, actor) -> Payment:
    """The counter took the amount in cash."""
    if actor is None or not actor.is_authenticated or actor.role not in INTAKE_ROLES:
        raise ApplicationError(_("Chỉ cán bộ tiếp nhận mới thu tiền mặt."), kind=ErrorKind.FORBIDDEN)
    if payment.levied_by:
        raise ApplicationError(LEVIED_ELSEWHERE, kind=ErrorKind.CONFLICT)
    verdict = _settle(payment, method=PaymentMethod.CASH, transaction_id="", provider="",
                      actor=actor, at=timezone.now())
    if verdict != NoticeVerdict.ACCEPTED:
        raise ApplicationError(_("Khoản này đã được thanh toán hoặc đã hủy."), kind=ErrorKind.CONFLICT)
    payment.refresh_from_db()
    return payment



def payment_confirm_by_authority(*, dossier: Dossier, authority: str, transaction_id: str,
                                 actor, at: datetime) -> None:
    """An obligation paid to the authority that levied it (land taxes go to the state budget
    through the tax authority), as that authority confirmed it: the dossier's payable item is
    settled once and its payment wait ends, as if the resident had paid it here."""
    payment = Payment.objects.filter(
        dossier=dossier, purpose=PaymentPurpose.OBLIGATION, status=PaymentStatus.PENDING
    ).first()
    if payment is not None:
        _settle(payment, method=PaymentMethod.ONLINE, transaction_id=transaction_id,
                provider=authority, actor=actor, at=at)
    elif dossier.status == Status.AWAITING_PAYMENT:
        case_actions.dossier_confirm_payment(dossier=dossier, actor=actor, at=at)


def fee_collect_cash(*, dossier: Dossier, actor) -> Payment:
    """The counter takes a dossier's fee in cash, whatever channel the dossier came by.

    A dossier received at the counter has no payable item yet, so one is made for its fee; an
    online one reuses the item the resident was offered, so the fee cannot be paid twice.
    """
    if not dossier.fee_due:
        raise ApplicationError(_("Hồ sơ này không còn phí, lệ phí phải nộp."), kind=ErrorKind.CONFLICT)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(
            dossier=dossier, purpose=PaymentPurpose.FEE, status=PaymentStatus.PENDING
        ).first() or Payment.objects.create(
            dossier=dossier, purpose=PaymentPurpose.FEE, amount=dossier.fee_amount,
            description=_("Phí, lệ phí: %(name)s") % {"name": dossier.procedure.name},
            reference=_new_reference(),
        )
        return payment_record_cash(payment=payment, actor=actor)
