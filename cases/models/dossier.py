"""The dossier (hồ sơ), its state machine, documents, pauses and code sequence.

Transitions here only move the state; services (``cases.actions``) lock the row, check the
actor, fill in the fields that go with the move, save and write the event.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from cases.models.catalogue import CopyType, Procedure
from cases.policy import transition_permission
from cases.search import fold
from cases.uploads import ScanPath
from thanhsen.models import Department


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    NOT_ACCEPTED = "not_accepted", _("Không được tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ phê duyệt")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")
    STOPPED = "stopped", _("Dừng xử lý")


#: Status codes of the national public service portal (Cổng DVCQG).
DVCQG_STATUS = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.NOT_ACCEPTED: 3,
    Status.IN_PROGRESS: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.AWAITING_APPROVAL: 4,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
    Status.STOPPED: 8,
}
DVCQG_STOP_PENDING = 7

#: States in which the clock runs and no decision has been issued yet.
OPEN_STATES = (
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.SUPPLEMENT_REQUESTED,
    Status.AWAITING_PAYMENT,
    Status.AWAITING_APPROVAL,
)
#: States in which a handler holds the dossier (the assignment lock) and may release it.
LOCKED_STATES = (Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT)
#: A resident may ask to stop while no decision has been issued (Mẫu 05).
STOPPABLE_STATES = (Status.SUBMITTED, *OPEN_STATES)
FINISHED_STATES = (Status.RESOLVED, Status.RETURNED)

#: Online submissions waiting for the counter (no completion request pending), and the two
#: ways a dossier waits for the resident's papers. Shared by the queue filters and the partial
#: indexes below, so PostgreSQL can match one with the other.
TO_RECEIVE = models.Q(status=Status.SUBMITTED, completion_request="")
AWAITING_SUPPLEMENT = models.Q(status=Status.SUPPLEMENT_REQUESTED) | (
    models.Q(status=Status.SUBMITTED) & ~models.Q(completion_request="")
)
#: The work queues' order (soonest due first, then oldest); the queue indexes follow it.
QUEUE_ORDER = ("due_at", "created_at", "id")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    DIRECT = "direct", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Chấp thuận")
    REFUSED = "refused", _("Từ chối giải quyết")


class ReturnMethod(models.TextChoices):
    IN_PERSON = "in_person", _("Nhận trực tiếp tại Trung tâm")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Trực tuyến (bản điện tử)")


class FeePayment(models.TextChoices):
    """How the procedure's fee (phí, lệ phí) was paid."""

    ONLINE = "online", _("Trực tuyến")
    CASH = "cash", _("Tiền mặt tại quầy")


class Dossier(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    status = FSMField(
        _("trạng thái"), default=Status.SUBMITTED, choices=Status.choices, protected=True
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)

    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=200)
    #: ``applicant_name`` folded for search (no diacritics, lowercase); kept in step by ``save``.
    applicant_name_search = models.CharField(max_length=200, blank=True, editable=False)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="own_dossiers",
    )
    fee_amount = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_paid_at = models.DateTimeField(_("nộp phí, lệ phí lúc"), null=True, blank=True)
    fee_paid_via = models.CharField(
        _("hình thức nộp phí, lệ phí"), max_length=8, choices=FeePayment.choices, blank=True
    )

    created_at = models.DateTimeField(_("nộp lúc"), default=timezone.now)
    completion_requested_at = models.DateTimeField(
        _("yêu cầu hoàn thiện lúc"), null=True, blank=True
    )
    completion_request = models.TextField(_("nội dung yêu cầu hoàn thiện"), blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    not_accepted_reason = models.TextField(_("lý do không tiếp nhận"), blank=True)

    initial_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True)
    quality_due_at = models.DateTimeField(
        _("hạn theo Bộ chỉ số 766"), null=True, blank=True
    )
    extended_due_at = models.DateTimeField(_("hẹn trả mới"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    extended_at = models.DateTimeField(_("xin lỗi, gia hạn lúc"), null=True, blank=True)

    supplement_requested_at = models.DateTimeField(
        _("yêu cầu bổ sung lúc"), null=True, blank=True
    )
    supplement_request = models.TextField(_("nội dung yêu cầu bổ sung"), blank=True)
    supplemented_at = models.DateTimeField(_("bổ sung đủ lúc"), null=True, blank=True)

    department = models.ForeignKey(
        Department,
        verbose_name=_("đơn vị xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        # ``(department, status)`` in ``Meta.indexes`` serves lookups by department alone.
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        # ``(handler, status)`` in ``Meta.indexes`` serves lookups by handler alone.
        db_index=False,
    )
    assigned_at = models.DateTimeField(_("phân công lúc"), null=True, blank=True)
    # The counter step: the dossier must reach its department by ``handover_due_at`` (set at
    # receipt); ``handed_over_at`` is the first assignment, kept when it is reassigned.
    handover_due_at = models.DateTimeField(_("hạn chuyển cơ quan giải quyết"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("chuyển cơ quan giải quyết lúc"), null=True, blank=True)

    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("lý do"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_under = models.ForeignKey(
        "cases.Authorisation",
        verbose_name=_("theo ủy quyền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_as = models.JSONField(
        _("dòng thẩm quyền ký"),
        default=list,
        blank=True,
        help_text=_("Các dòng trên chữ ký (TM., KT., TUQ. và chức vụ) lúc ký quyết định."),
    )
    resolved_at = models.DateTimeField(_("giải quyết xong lúc"), null=True, blank=True)
    correction_opened_at = models.DateTimeField(
        _("mở điều chỉnh kết quả lúc"), null=True, blank=True,
        help_text=_("Hậu kiểm kết luận quyết định sai: kết quả được điều chỉnh, công dân được báo."),
    )
    correction_reason = models.TextField(_("lý do điều chỉnh kết quả"), blank=True)
    result_corrected_at = models.DateTimeField(
        _("cấp lại kết quả đã điều chỉnh lúc"), null=True, blank=True,
        help_text=_("Quyết định đã điều chỉnh được ký lại; kết quả cũ bị thay thế."),
    )
    result_classification = models.CharField(
        _("xếp loại"), max_length=10, blank=True,
        help_text=_("Trước hạn, đúng hạn hoặc quá hạn, tính một lần khi có kết quả."),
    )
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ trả kết quả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_method = models.CharField(
        _("hình thức nhận kết quả"), max_length=16, choices=ReturnMethod.choices, blank=True
    )
    collected_by = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    result_file = models.FileField(_("tệp kết quả"), upload_to=ScanPath("results"), blank=True)

    stop_requested_at = models.DateTimeField(_("đề nghị dừng lúc"), null=True, blank=True)
    stop_reason = models.TextField(_("lý do dừng"), blank=True)
    stopped_at = models.DateTimeField(_("dừng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            # Work queues: each index walks a queue in QUEUE_ORDER, so a page is read without
            # sorting the whole queue, and a queue's count reads the (partial) index alone.
            models.Index(fields=["status", *QUEUE_ORDER], name="dossier_status_queue_idx"),
            models.Index(fields=list(QUEUE_ORDER), condition=models.Q(status__in=OPEN_STATES),
                         name="dossier_open_queue_idx"),
            models.Index(fields=["procedure", *QUEUE_ORDER],
                         condition=models.Q(status=Status.AWAITING_APPROVAL),
                         name="dossier_approval_queue_idx"),
            models.Index(fields=list(QUEUE_ORDER), condition=TO_RECEIVE,
                         name="dossier_to_receive_idx"),
            models.Index(fields=list(QUEUE_ORDER), condition=AWAITING_SUPPLEMENT,
                         name="dossier_supplement_idx"),
            models.Index(fields=["received_at"]),
            models.Index(fields=["resolved_at"]),
            # Dossiers with a result file: the reports' e-result indicator asks whether any
            # exists and counts them per period without scanning every dossier.
            models.Index(fields=["resolved_at"], condition=~models.Q(result_file=""),
                         name="dossier_result_file_idx"),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["handler", "status"]),
            models.Index(fields=["applicant_id_number"]),
            models.Index(fields=["applicant_phone"]),
            models.Index(fields=["applicant_name_search"]),
        ]

    def __str__(self) -> str:
        return self.code

    def fill_derived_fields(self) -> None:
        """Set the columns kept from others (the name as searched); every write calls it."""
        self.applicant_name_search = fold(self.applicant_name)

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = [*update_fields, "applicant_name_search"]
        super().save(*args, **kwargs)

    @property
    def fee_due(self) -> bool:
        """A fee is owed and not yet paid (the result cannot be returned until it is)."""
        return bool(self.fee_amount) and self.fee_paid_at is None

    @property
    def dvcqg_status(self) -> int:
        if self.stop_requested_at and self.status in STOPPABLE_STATES:
            return DVCQG_STOP_PENDING
        return DVCQG_STATUS[Status(self.status)]

    @property
    def appointment_at(self):
        """The date the resident is told: the apology's new date if there is one."""
        return self.extended_due_at or self.due_at

    # --- transitions: only state; services do the rest -----------------------------------
    @transition(status, source=Status.SUBMITTED, target=Status.RECEIVED,
                permission=transition_permission("receive"))
    def receive(self):
        pass

    @transition(status, source=Status.SUBMITTED, target=Status.NOT_ACCEPTED,
                permission=transition_permission("refuse_intake"))
    def refuse_intake(self):
        pass

    @transition(status, source=[Status.RECEIVED, Status.IN_PROGRESS], target=Status.IN_PROGRESS,
                permission=transition_permission("assign"))
    def assign(self):
        pass

    @transition(status, source=Status.IN_PROGRESS, target=Status.SUPPLEMENT_REQUESTED,
                permission=transition_permission("request_supplement"))
    def request_supplement(self):
        pass

    @transition(status, source=Status.SUPPLEMENT_REQUESTED, target=Status.IN_PROGRESS,
                permission=transition_permission("supplement"))
    def supplement(self):
        pass

    @transition(status, source=Status.IN_PROGRESS, target=Status.AWAITING_PAYMENT,
                permission=transition_permission("request_payment"))
    def request_payment(self):
        pass

    @transition(status, source=Status.AWAITING_PAYMENT, target=Status.IN_PROGRESS,
                permission=transition_permission("confirm_payment"))
    def confirm_payment(self):
        pass

    @transition(status, source=Status.IN_PROGRESS, target=Status.AWAITING_APPROVAL,
                permission=transition_permission("submit_for_approval"))
    def submit_for_approval(self):
        pass

    @transition(status, source=Status.AWAITING_APPROVAL, target=Status.IN_PROGRESS,
                permission=transition_permission("send_back"))
    def send_back(self):
        pass

    @transition(status, source=Status.AWAITING_APPROVAL, target=Status.RESOLVED,
                permission=transition_permission("approve"))
    def approve(self):
        pass

    @transition(status, source=Status.AWAITING_APPROVAL, target=Status.RESOLVED,
                permission=transition_permission("refuse"))
    def refuse(self):
        pass

    @transition(status, source=Status.RESOLVED, target=Status.RETURNED,
                permission=transition_permission("return_result"))
    def return_result(self):
        pass

    @transition(status, source=list(STOPPABLE_STATES), target=Status.STOPPED,
                permission=transition_permission("stop"))
    def stop(self):
        pass


class PauseKind(models.TextChoices):
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")
    VERIFICATION = "verification", _("Chờ xác nhận theo quy định (không tính thời hạn)")


class DossierPause(models.Model):
    """A wait the law excludes from the time limit: the clock stops, the due date moves."""

    dossier = models.ForeignKey(Dossier, related_name="pauses", on_delete=models.CASCADE)
    kind = models.CharField(_("loại"), max_length=16, choices=PauseKind.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("từ"))
    ended_at = models.DateTimeField(_("đến"), null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("thời gian tạm dừng tính hạn")
        verbose_name_plural = _("thời gian tạm dừng tính hạn")


class DossierDocument(models.Model):
    """A component of the dossier as submitted, scanned or reused from the national data store."""

    dossier = models.ForeignKey(Dossier, related_name="documents", on_delete=models.CASCADE)
    required_document = models.ForeignKey(
        "cases.RequiredDocument", null=True, blank=True, on_delete=models.SET_NULL
    )
    name = models.CharField(_("tên giấy tờ"), max_length=400)
    copy_type = models.CharField(_("loại bản"), max_length=16, choices=CopyType.choices)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.FileField(_("tệp"), upload_to=ScanPath("dossiers"), blank=True)
    reused = models.BooleanField(_("tái sử dụng từ kho dữ liệu"), default=False)
    certified_copy = models.ForeignKey(
        "cases.CopyCertification", verbose_name=_("bản sao điện tử có chứng thực"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="reuses",
        help_text=_("Bản sao đã chứng thực tại Trung tâm, dùng lại làm thành phần hồ sơ này."),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")

    def __str__(self) -> str:
        return self.name

    @property
    def is_digitised(self) -> bool:
        return bool(self.file) or self.copy_type == CopyType.ELECTRONIC


class DossierCodeSequence(models.Model):
    """The last number handed out per receiving unit and day (codes are gapless)."""

    unit = models.CharField(max_length=20)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_code_sequence_unit_day")
        ]
