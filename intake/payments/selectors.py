"""Reads of what is owed: a dossier's pending payment, the cash desk's fees and obligations.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Dossier, Status
from intake.models import (
    Payment,
    PaymentPurpose,
    PaymentStatus,
)

#: Dossiers whose fee is no longer collected: not accepted, stopped or already handed back.
_FEE_CLOSED_STATES = (Status.NOT_ACCEPTED, Status.STOPPED, Status.RETURNED)


def payment_pending(dossier: Dossier) -> Payment | None:
    return dossier.payments.filter(status=PaymentStatus.PENDING).order_by("created_at").first()


def payment_amount_due(dossier: Dossier) -> int:
    payment = payment_pending(dossier)
    return payment.amount if payment else 0


def fees_due(code: str = "") -> QuerySet[Dossier]:
    """Dossiers with the procedure's fee unpaid, oldest first: what the cash desk collects,
    whether the dossier came online or at the counter."""
    dossiers = Dossier.objects.filter(fee_amount__gt=0, fee_paid_at__isnull=True).exclude(
        status__in=_FEE_CLOSED_STATES
    )
    if code:
        dossiers = dossiers.filter(code=code)
    return dossiers.select_related("procedure").order_by("created_at", "id")


def obligations_pending(code: str = "") -> QuerySet[Payment]:
    """Financial obligations (nghĩa vụ tài chính) a dossier waits on, oldest first."""
    payments = Payment.objects.filter(
        status=PaymentStatus.PENDING, purpose=PaymentPurpose.OBLIGATION, levied_by=""
    ).select_related("dossier")
    if code:
        payments = payments.filter(dossier__code=code)
    return payments.order_by("created_at")
