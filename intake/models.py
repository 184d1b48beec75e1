"""Tables of the residents' online service: drafts, e-form answers, payments, notifications,
ratings and complaints.

The dossier itself belongs to ``cases``; these tables hang off it and are written only by
the services of the subpackage each belongs to (``intake.online.services``,
``intake.payments.services``, ``intake.notifications.services``, ``intake.counter.services``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.uploads import ScanPath


# --- online submission ----------------------------------------------------------------------
class OnlineDraft(models.Model):
    """A resident's unfinished submission: one per resident and procedure, kept until sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="online_drafts"
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    data = models.JSONField(_("nội dung đã nhập"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("lưu lúc"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        constraints = [
            models.UniqueConstraint(fields=["user", "procedure_code"], name="intake_one_draft")
        ]


class DraftFile(models.Model):
    """A document uploaded into a draft, checked by content when it arrived."""

    draft = models.ForeignKey(OnlineDraft, on_delete=models.CASCADE, related_name="files")
    required_document = models.ForeignKey(
        "cases.RequiredDocument", on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("tệp"), upload_to=ScanPath("drafts"))
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "required_document"], name="intake_draft_file")
        ]


class VNeIDIdentity(models.Model):
    """The VNeID identity a resident's account signed in with (one per account, one per person)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vneid_identity"
    )
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    subject = models.CharField(_("mã định danh tại VNeID (sub)"), max_length=255, unique=True)
    linked_at = models.DateTimeField(_("liên kết lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("danh tính VNeID")
        verbose_name_plural = _("danh tính VNeID")

    def __str__(self) -> str:
        return self.id_number


class OnlineSubmission(models.Model):
    """What the resident declared online: the e-form answers, kept beside the dossier."""

    dossier = models.OneToOneField(
        "cases.Dossier", on_delete=models.PROTECT, related_name="online_submission"
    )
    form_data = models.JSONField(_("tờ khai điện tử"), default=dict)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    declared_at = models.DateTimeField(_("cam kết lúc"), default=timezone.now)
    #: Filed by a resident signed in with VNeID: the applicant's identity came from the national
    #: population database (Decision 766's "dossiers using population data").
    signed_in_with_vneid = models.BooleanField(_("đăng nhập bằng VNeID"), default=False)

    class Meta:
        verbose_name = _("tờ khai trực tuyến")
        verbose_name_plural = _("tờ khai trực tuyến")


# --- payments -------------------------------------------------------------------------------
class PaymentPurpose(models.TextChoices):
    FEE = "fee", _("Phí, lệ phí thủ tục")
    OBLIGATION = "obligation", _("Nghĩa vụ tài chính")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    CANCELLED = "cancelled", _("Đã hủy")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    CASH = "cash", _("Tiền mặt tại quầy")


class Payment(models.Model):
    """One amount owed for a dossier and how it was settled.

    ``reference`` is the order id the provider echoes back; a paid row is never changed again,
    so a replayed callback finds it settled and does nothing.
    """

    dossier = models.ForeignKey("cases.Dossier", on_delete=models.PROTECT, related_name="payments")
    purpose = models.CharField(_("khoản"), max_length=16, choices=PaymentPurpose.choices)
    description = models.CharField(_("nội dung"), max_length=300)
    amount = models.PositiveIntegerField(_("số tiền (đồng)"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    method = models.CharField(_("hình thức"), max_length=8, choices=PaymentMethod.choices, blank=True)
    provider = models.CharField(_("cổng thanh toán"), max_length=32, blank=True)
    reference = models.CharField(_("mã giao dịch của hệ thống"), max_length=40, unique=True)
    provider_transaction = models.CharField(_("mã giao dịch của cổng"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    event = models.OneToOneField(
        "cases.DossierEvent",
        verbose_name=_("theo yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Sự kiện yêu cầu thanh toán đã tạo khoản này (mỗi yêu cầu một khoản)."),
    )
    levied_by = models.CharField(
        _("nộp tại cơ quan"), max_length=32, blank=True,
        help_text=_("Khoản nộp thẳng cho cơ quan đã ra thông báo (cơ quan thuế), không nộp tại "
                    "Trung tâm; cơ quan đó báo khi đã nộp."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ thu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "purpose"],
                condition=Q(status="pending"),
                name="intake_one_pending_payment",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_transaction"],
                condition=~Q(provider_transaction=""),
                name="intake_provider_transaction_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.amount:,} đ)"


class NoticeVerdict(models.TextChoices):
    ACCEPTED = "accepted", _("Hợp lệ, đã ghi nhận")
    REPLAYED = "replayed", _("Gửi lại, đã ghi nhận trước đó")
    FORGED = "forged", _("Sai chữ ký")
    WRONG_AMOUNT = "wrong_amount", _("Sai số tiền")
    UNKNOWN = "unknown", _("Không có giao dịch")
    FAILED = "failed", _("Cổng báo thanh toán không thành công")
    CONFLICT = "conflict", _("Mâu thuẫn với giao dịch đã ghi nhận")
    MALFORMED = "malformed", _("Dữ liệu có ký tự không hợp lệ")


class PaymentNotice(models.Model):
    """Every message a payment provider sent us, kept whatever we made of it."""

    provider = models.CharField(_("cổng thanh toán"), max_length=32)
    channel = models.CharField(_("kênh"), max_length=10)  # "callback" or "return"
    reference = models.CharField(_("mã giao dịch"), max_length=64, blank=True)
    verdict = models.CharField(_("kết luận"), max_length=16, choices=NoticeVerdict.choices)
    payload = models.JSONField(_("nội dung"), default=dict)
    remote_addr = models.GenericIPAddressField(_("địa chỉ gửi"), null=True, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("thông báo từ cổng thanh toán")
        verbose_name_plural = _("thông báo từ cổng thanh toán")


# --- notifications --------------------------------------------------------------------------
class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class Notification(models.Model):
    """One message to a resident about one dossier event on one channel: the delivery log.

    The (event, channel) pair is unique, so however often the event is published or the task
    is delivered, a resident gets each message once.
    """

    dossier = models.ForeignKey(
        "cases.Dossier", on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.ForeignKey("cases.DossierEvent", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=32)
    channel = models.CharField(_("kênh"), max_length=8, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_reference = models.CharField(_("mã của nhà mạng"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("thông báo gửi công dân")
        verbose_name_plural = _("nhật ký gửi thông báo")
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="intake_notify_once")
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    @property
    def idempotency_key(self) -> str:
        return f"dossier-event-{self.event_id}-{self.channel}"


# --- satisfaction and complaints ----------------------------------------------------------
class Score(models.IntegerChoices):
    GOOD = 2, _("Tốt")
    FAIR = 1, _("Bình thường")
    POOR = 0, _("Chưa tốt")


class Rating(models.Model):
    """A rating of one returned dossier (Circular 01/2018 criteria, 0/1/2 each).

    It names the dossier only to keep it to one rating; staff pages show the procedure and
    the month, never the dossier or the person.
    """

    dossier = models.OneToOneField("cases.Dossier", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("cases.Procedure", on_delete=models.PROTECT, related_name="+")
    time_score = models.PositiveSmallIntegerField(_("thời gian giải quyết"), choices=Score.choices)
    visits_score = models.PositiveSmallIntegerField(_("số lần phải đi lại"), choices=Score.choices)
    bodies_score = models.PositiveSmallIntegerField(
        _("số cơ quan phải liên hệ"), choices=Score.choices
    )
    attitude_score = models.PositiveSmallIntegerField(_("thái độ của cán bộ"), choices=Score.choices)
    publicity_score = models.PositiveSmallIntegerField(
        _("công khai thủ tục, phí"), choices=Score.choices
    )
    overall_score = models.PositiveSmallIntegerField(_("mức hài lòng chung"), choices=Score.choices)
    comment = models.TextField(_("góp ý"), blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    CRITERIA = ("time_score", "visits_score", "bodies_score", "attitude_score",
                "publicity_score", "overall_score")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in self.CRITERIA)


class ComplaintKind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    PETITION = "petition", _("Kiến nghị")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")


class Complaint(models.Model):
    """A complaint or petition (phản ánh, kiến nghị), answered within its own deadline."""

    code = models.CharField(_("mã phản ánh"), max_length=24, unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=ComplaintKind.choices)
    dossier_code = models.CharField(_("mã hồ sơ liên quan"), max_length=40, blank=True)
    name = models.CharField(_("họ và tên"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=15)
    email = models.EmailField(_("thư điện tử"), blank=True)
    content = models.TextField(_("nội dung"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    due_at = models.DateTimeField(_("hạn trả lời"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


class LookupThrottle(models.Model):
    """Failed status lookups of one client address or one code in the current window.

    Kept beside the dossiers rather than in the cache: the public lookup reads both limits in
    the statement that reads the dossier, so an answer costs one round trip. Only failures
    write; on PostgreSQL the table is unlogged (counters need no crash safety).
    """

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class CounterIntakeToken(models.Model):
    """The one-time token of a counter intake form, claimed in the transaction that records it.

    A second post of the same form (a double click, a resend after a timeout) finds the token
    taken and is sent to the dossier the first created. Kept in the database, not the cache:
    the counter must keep receiving while Redis is down. Tokens older than a day are purged.
    """

    token = models.CharField(max_length=64, primary_key=True)
    dossier = models.ForeignKey("cases.Dossier", null=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.token


# The signing registry lives in its own package; imported here so Django registers its models.
from intake.signing.models import DocumentKind, SignedDocument, SignerCertificate  # noqa: E402,F401
