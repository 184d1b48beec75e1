"""Writes of the residents' online service.

Dossiers change only through ``cases.services``; what lives here is what hangs off them
(drafts, e-form answers, payments, the delivery log, ratings, complaints) and the one
transaction that ties an intake write to the dossier write it goes with.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.calendar import working_calendar
from cases.models import (
    Channel,
    CopyType,
    Dossier,
    DossierEvent,
    Procedure,
    Status,
)
from cases.policy import denial_reason
from cases.uploads import shown_name
from intake.models import (
    Complaint,
    ComplaintStatus,
    CounterIntakeToken,
    DeliveryStatus,
    DraftFile,
    NoticeVerdict,
    Notification,
    NotificationChannel,
    OnlineDraft,
    OnlineSubmission,
    Payment,
    PaymentMethod,
    PaymentNotice,
    PaymentPurpose,
    PaymentStatus,
    Rating,
)
from intake.notifications import adapters
from intake.notifications.messages import NOTIFIED_ACTIONS, message_for
from intake.payments.providers import provider_get
from thanhsen.errors import ApplicationError, ErrorKind, invalid
from thanhsen.request_guard import is_malformed, printable
from thanhsen.roles import INTAKE_ROLES, WORKSPACE_ROLES, Role

logger = logging.getLogger(__name__)

#: A message about a step recorded with a moment older than this is history being entered
#: (demo data, back-filled paper records), not news: it is not sent.
NOTIFY_MAX_AGE = timedelta(hours=1)
NOTIFY_MAX_ATTEMPTS = 5
#: How long the on-commit path has to write and queue an event's messages before the sweep
#: takes over, and how long a claimed message may stay "sending" before it is thought lost.
NOTIFY_SWEEP_GRACE = timedelta(minutes=2)
NOTIFY_SENDING_STALE = timedelta(minutes=10)
#: Complaints and petitions are answered within 10 working days of receipt.
COMPLAINT_WORKING_DAYS = 10
#: The account the payment gateway acts as when a verified payment settles an obligation.
GATEWAY_USERNAME = "cong-thanh-toan"


# --- online submission ----------------------------------------------------------------------
def draft_save(*, user, procedure: Procedure, data: dict, uploads: dict) -> OnlineDraft:
    """Keep what the resident typed and the files already checked, to finish later.

    ``uploads`` maps a required document to an upload that passed the content check; a new
    upload replaces the draft's earlier file for that document.
    """
    with transaction.atomic():
        draft, _created = OnlineDraft.objects.select_for_update().get_or_create(
            user=user, procedure_code=procedure.code
        )
        draft.data = data
        draft.updated_at = timezone.now()
        draft.save(update_fields=["data", "updated_at"])
        for required_document, upload in uploads.items():
            DraftFile.objects.filter(draft=draft, required_document=required_document).delete()
            DraftFile.objects.create(
                draft=draft, required_document=required_document, file=upload,
                original_name=shown_name(upload), size=upload.size,
            )
    return draft


def draft_discard(*, user, procedure_code: str) -> None:
    OnlineDraft.objects.filter(user=user, procedure_code=procedure_code).delete()


def online_submit(
    *,
    user,
    procedure: Procedure,
    applicant: case_services.Applicant,
    form_data: dict,
    files: dict,
    pages: int = 0,
    signed_in_with_vneid: bool = False,
) -> Dossier:
    """Create the resident's dossier (``submitted``, in the counter's queue) in one transaction
    with its e-form answers and the fee to pay; the draft goes once the dossier exists.

    ``signed_in_with_vneid`` (the session's login came through VNeID) is kept on the
    submission: the applicant's identity then came from the population database.

    ``files`` maps each required document to a checked upload or to a draft file's stored
    name. The fee is computed by the catalogue's rule inside ``dossier_create``.
    """
    documents = [
        case_services.SubmittedDocument(
            name=document.name, copy_type=CopyType.ELECTRONIC, quantity=document.quantity,
            required_document_id=document.pk, file=file,
        )
        for document, file in files.items()
    ]
    with transaction.atomic():
        dossier = case_services.dossier_create(
            procedure_code=procedure.code, applicant=applicant, channel=Channel.ONLINE,
            actor=user, documents=documents, pages=pages,
        )
        OnlineSubmission.objects.create(dossier=dossier, form_data=form_data, pages=pages,
                                        signed_in_with_vneid=signed_in_with_vneid)
        if dossier.fee_amount:
            Payment.objects.create(
                dossier=dossier, purpose=PaymentPurpose.FEE, amount=dossier.fee_amount,
                description=_("Phí, lệ phí: %(name)s") % {"name": procedure.name},
                reference=_new_reference(),
            )
        draft_discard(user=user, procedure_code=procedure.code)
    return dossier


def online_complete(*, dossier: Dossier, user, files: Iterable, note: str) -> Dossier:
    """The resident sends what the counter (completion) or the handler (supplement) asked for.

    The files join the dossier's documents inside the dossier's step (one transaction), so a
    refused step leaves no stray documents.
    """
    files = list(files)
    note = (note or "").strip()
    if not files and not note:
        raise invalid("note", _("Hãy tải lên giấy tờ bổ sung hoặc ghi rõ nội dung đã hoàn thiện."))
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        action, step = "supplement", case_services.dossier_supplement
    else:
        action, step = "complete", case_services.dossier_complete
    reason = denial_reason(user, dossier, action)
    if reason:
        raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
    documents = [
        case_services.SubmittedDocument(
            name=_("Bổ sung: %(name)s") % {"name": shown_name(upload)[:300]},
            copy_type=CopyType.ELECTRONIC, file=upload,
        )
        for upload in files
    ]
    return step(dossier=dossier, actor=user, note=note, documents=documents)


# --- payments -------------------------------------------------------------------------------
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


def payment_for_request(*, event: DossierEvent) -> Payment | None:
    """A payment-request event with an amount becomes a payable item (once per event)."""
    amount = (event.payload or {}).get("amount")
    if not amount:
        return None
    payment, _created = Payment.objects.get_or_create(
        event=event,
        defaults=dict(
            dossier_id=event.dossier_id, purpose=PaymentPurpose.OBLIGATION, amount=int(amount),
            description=event.note[:300], reference=_new_reference(),
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
            case_services.dossier_record_fee_payment(
                dossier=dossier, actor=actor, via=method, at=at,
                note=_("Đã nộp %(amount)s đồng (%(method)s, mã %(reference)s).") % {
                    "amount": f"{locked.amount:,}".replace(",", "."),
                    "method": locked.get_method_display(), "reference": locked.reference,
                },
            )
        if locked.purpose == PaymentPurpose.OBLIGATION and dossier.status == Status.AWAITING_PAYMENT:
            case_services.dossier_confirm_payment(
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
    verdict = _settle(payment, method=PaymentMethod.CASH, transaction_id="", provider="",
                      actor=actor, at=timezone.now())
    if verdict != NoticeVerdict.ACCEPTED:
        raise ApplicationError(_("Khoản này đã được thanh toán hoặc đã hủy."), kind=ErrorKind.CONFLICT)
    payment.refresh_from_db()
    return payment


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


# --- notifications --------------------------------------------------------------------------
def notifications_for_event(*, event_id: int, queue: bool = True) -> list[int]:
    """Write the delivery-log rows for one dossier event and queue their sending.

    Unique (event, channel) rows make a duplicated publication harmless: only rows created
    here are returned (and queued; with ``queue=False`` the caller sends them itself).
    """
    from intake.tasks import send_notification

    event = DossierEvent.objects.select_related("dossier", "dossier__procedure").get(pk=event_id)
    if event.action == "request_payment":
        payment_for_request(event=event)
    dossier = event.dossier
    # Residents are written to in Vietnamese, whatever language the officer's page is in.
    with translation.override(settings.LANGUAGE_CODE):
        message = message_for(event, dossier)
    if message is None or event.at < timezone.now() - NOTIFY_MAX_AGE:
        return []
    created = []
    for channel, recipient in (
        (NotificationChannel.SMS, dossier.applicant_phone),
        (NotificationChannel.EMAIL, dossier.applicant_email),
    ):
        if not recipient:
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    dossier=dossier, event=event, kind=message.kind, channel=channel,
                    recipient=recipient, subject=message.subject, body=message.text,
                )
        except IntegrityError:
            continue
        created.append(notification.pk)
        if queue:
            transaction.on_commit(
                lambda pk=notification.pk: send_notification.delay(pk), robust=True
            )
    return created


def notification_deliver(*, notification_id: int) -> bool:
    """Send one logged message unless another run already has; ``True`` asks for a retry.

    The row is claimed by a conditional update (pending → sending), so a task delivered
    twice, or retried after a success, sends nothing the second time.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        if notification.channel == NotificationChannel.EMAIL:
            reference = adapters.send_email(
                to=notification.recipient, subject=notification.subject,
                text=notification.body, key=notification.idempotency_key,
            )
        else:
            reference = adapters.send_sms(
                to=notification.recipient, text=notification.body,
                key=notification.idempotency_key,
            )
    except adapters.DeliveryError as exc:
        retry = notification.attempts < NOTIFY_MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            status=DeliveryStatus.PENDING if retry else DeliveryStatus.FAILED,
            last_error=str(exc)[:2000],
        )
        return retry
    Notification.objects.filter(pk=notification_id).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), provider_reference=reference[:100],
        last_error="",
    )
    return False


@dataclass(frozen=True)
class NotificationSweep:
    written: int
    requeued: int
    released: int


def notifications_sweep() -> NotificationSweep:
    """Make sure no step goes untold: what the on-commit path could not finish, beat finishes.

    - a recent event whose messages were never written (the process died after the commit,
      or writing failed) gets them now;
    - a message still pending after the grace period (its task was never queued because the
      broker was down, or was lost) is queued again;
    - a message claimed but still "sending" long after (the worker died mid-send) goes back to
      pending. The gateway receives the same idempotency key again, so it sends at most once.
    The claim (pending → sending) keeps a message queued twice from going out twice.
    """
    from intake.tasks import send_notification

    now = timezone.now()
    released = Notification.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - NOTIFY_SENDING_STALE
    ).update(status=DeliveryStatus.PENDING)
    untold = (
        DossierEvent.objects.filter(
            action__in=[*NOTIFIED_ACTIONS, "request_payment"],
            at__gte=now - NOTIFY_MAX_AGE, at__lt=now - NOTIFY_SWEEP_GRACE,
        )
        .exclude(dossier__applicant_phone="", dossier__applicant_email="")
        .exclude(Exists(Notification.objects.filter(event=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    written = sum(len(notifications_for_event(event_id=pk)) for pk in untold)
    stale = list(Notification.objects.filter(
        status=DeliveryStatus.PENDING, attempts__lt=NOTIFY_MAX_ATTEMPTS,
        created_at__lt=now - NOTIFY_SWEEP_GRACE,
    ).values_list("pk", flat=True))
    for pk in stale:
        send_notification.delay(pk)
    return NotificationSweep(written=written, requeued=len(stale), released=released)


# --- satisfaction and complaints ------------------------------------------------------------
def rating_submit(*, dossier_id: int, scores: dict, comment: str = "") -> Rating:
    """One rating per returned dossier; it records no rater."""
    dossier = Dossier.objects.get(pk=dossier_id)
    if dossier.status != Status.RETURNED:
        raise ApplicationError(
            _("Chỉ đánh giá được hồ sơ đã trả kết quả."), kind=ErrorKind.CONFLICT
        )
    for name in Rating.CRITERIA:
        if scores.get(name) not in (0, 1, 2):
            raise invalid(name, _("Hãy chọn một mức đánh giá."))
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier, procedure_id=dossier.procedure_id,
                comment=(comment or "").strip()[:2000],
                **{name: scores[name] for name in Rating.CRITERIA},
            )
    except IntegrityError as exc:
        raise ApplicationError(_("Hồ sơ này đã được đánh giá."), kind=ErrorKind.CONFLICT) from exc


def complaint_due(received_at: datetime) -> datetime:
    cal = working_calendar()
    start = cal.effective_receipt(received_at).date()
    return cal.end_of_day(cal.add_working_days(start, COMPLAINT_WORKING_DAYS))


def complaint_file(*, kind: str, name: str, phone: str, email: str, content: str,
                   dossier_code: str = "", user=None) -> Complaint:
    """Record a complaint or petition with its answer deadline (10 working days)."""
    received_at = timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            code=secrets.token_hex(8), kind=kind, name=name.strip(), phone=phone,
            email=email.strip(), content=content.strip(), dossier_code=dossier_code.strip().upper(),
            user=user if user is not None and user.is_authenticated else None,
            received_at=received_at, due_at=complaint_due(received_at),
        )
        complaint.code = f"PA-{timezone.localtime(received_at):%y%m%d}-{complaint.pk:05d}"
        complaint.save(update_fields=["code"])
    return complaint


def complaint_answer(*, complaint: Complaint, actor, answer: str) -> Complaint:
    if actor is None or not actor.is_authenticated or actor.role not in WORKSPACE_ROLES:
        raise ApplicationError(_("Bạn không được trả lời phản ánh."), kind=ErrorKind.FORBIDDEN)
    answer = (answer or "").strip()
    if not answer:
        raise invalid("answer", _("Cần nhập nội dung trả lời."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status == ComplaintStatus.ANSWERED:
            raise ApplicationError(_("Phản ánh này đã được trả lời."), kind=ErrorKind.CONFLICT)
        locked.status = ComplaintStatus.ANSWERED
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return locked


#: How long a counter form's one-time token keeps a resend from recording the dossier again.
COUNTER_TOKEN_TTL = timedelta(days=1)


def counter_token_purge() -> int:
    """Forget the counter forms' tokens older than ``COUNTER_TOKEN_TTL``; beat runs it."""
    deleted, _count = CounterIntakeToken.objects.filter(
        created_at__lt=timezone.now() - COUNTER_TOKEN_TTL).delete()
    return deleted
