"""The counter intake form: applicant, channel, the procedure's checklist and the decision."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.actions import SubmittedDocument
from cases.models import Channel, CopyType
from cases.uploads import MAX_UPLOAD_BYTES, validate_scan
from cases.validators import validate_id_number, validate_phone
from intake.counter.services import COMPLETE, DECISIONS, RECEIVE, REFUSE


class CounterApplicantForm(forms.Form):
    """Who files at the counter and how: the fields every counter form starts with (the
    procedure's form here, a bundle's in ``linkage.forms``)."""

    applicant_name = forms.CharField(
        label=_("Họ và tên người nộp"), max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("Số định danh cá nhân"), max_length=12, validators=[validate_id_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"), max_length=15, validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False, max_length=254)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    channel = forms.ChoiceField(
        label=_("Kênh nộp"), initial=Channel.DIRECT,
        choices=[(Channel.DIRECT, Channel.DIRECT.label), (Channel.POSTAL, Channel.POSTAL.label)],
    )


class IntakeForm(CounterApplicantForm):
    reason = forms.CharField(
        label=_("Nội dung cần hoàn thiện hoặc lý do từ chối"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi yêu cầu hoàn thiện (Mẫu 02) hoặc từ chối tiếp nhận (Mẫu 03): "
                    "liệt kê đầy đủ một lần."),
    )
    decision = forms.ChoiceField(choices=[(d, d) for d in DECISIONS], widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    competent_unit = forms.ChoiceField(
        label=_("Đơn vị có thẩm quyền giải quyết"), required=False,
        help_text=_("Tiếp nhận không phụ thuộc địa giới hành chính: hồ sơ của đơn vị khác được "
                    "tiếp nhận tại đây rồi chuyển đến đơn vị đó qua hệ thống của tỉnh."),
    )

    def __init__(self, *args, procedure, certification: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.certification = certification
        self.fields["competent_unit"].choices = [
            ("", _("Đơn vị này (%(unit)s)") % {"unit": settings.UNIT_NAME}),
            *settings.TRANSFER_UNITS.items(),
        ]
        self.checklist = []
        for doc in procedure.documents.all():
            prefix = f"doc_{doc.pk}"
            self.fields[f"{prefix}_present"] = forms.BooleanField(
                label=doc.name, required=False, initial=False)
            self.fields[f"{prefix}_copy_type"] = forms.ChoiceField(
                label=_("Loại bản"), choices=CopyType.choices, initial=doc.copy_type)
            self.fields[f"{prefix}_quantity"] = forms.IntegerField(
                label=_("Số lượng"), min_value=1, max_value=50, initial=doc.quantity)
            self.fields[f"{prefix}_file"] = forms.FileField(
                label=_("Bản quét"), required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
            self.checklist.append((doc, prefix))
        if certification:
            self.fields["document_name"] = forms.CharField(
                label=_("Tên giấy tờ cần chứng thực"), max_length=400, required=False)
            self.fields["pages"] = forms.IntegerField(
                label=_("Số trang"), min_value=1, max_value=500, required=False,
                help_text=_("Lệ phí: 2.000 đ/trang cho trang 1–2, 1.000 đ/trang từ trang 3."))
            self.fields["scan"] = forms.FileField(
                label=_("Bản quét bản chính (PDF, JPEG, PNG)"), required=False,
                help_text=_("Tối đa %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def checklist_rows(self):
        """Per required document: its bound fields, for the template's table."""
        return [
            {"doc": doc, "present": self[f"{p}_present"], "copy_type": self[f"{p}_copy_type"],
             "quantity": self[f"{p}_quantity"], "file": self[f"{p}_file"]}
            for doc, p in self.checklist
        ]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        for _doc, prefix in self.checklist:
            upload = data.get(f"{prefix}_file")
            if upload:
                try:
                    validate_scan(upload)
                except ValidationError as exc:
                    self.add_error(f"{prefix}_file", exc)
        if decision in (COMPLETE, REFUSE) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Cần ghi rõ nội dung cần hoàn thiện hoặc lý do từ chối."))
        if decision == RECEIVE:
            missing = [doc.name for doc, prefix in self.checklist
                       if doc.mandatory and not data.get(f"{prefix}_present")]
            if missing:
                raise ValidationError(
                    _("Còn thiếu giấy tờ bắt buộc: %(names)s. Hãy đánh dấu khi đã nhận, hoặc chọn "
                      "“Yêu cầu hoàn thiện” để hướng dẫn công dân một lần, đầy đủ.")
                    % {"names": "; ".join(missing)}
                )
            if self.certification:
                self._clean_certification(data)
        elif data.get("competent_unit"):
            self.add_error("competent_unit", _("Hồ sơ chỉ được chuyển đơn vị khi tiếp nhận."))
        if self.certification and data.get("competent_unit"):
            self.add_error("competent_unit",
                           _("Chứng thực bản sao được giải quyết ngay tại đơn vị tiếp nhận."))
        return data

    def _clean_certification(self, data):
        if not (data.get("document_name") or "").strip():
            self.add_error("document_name", _("Cần ghi tên giấy tờ cần chứng thực."))
        if not data.get("pages"):
            self.add_error("pages", _("Cần ghi số trang."))
        scan = data.get("scan")
        if not scan:
            self.add_error("scan", _("Cần tải lên bản quét bản chính."))
        else:
            try:
                validate_scan(scan)
            except ValidationError as exc:
                self.add_error("scan", exc)

    def submitted_documents(self):
        """The papers marked as received, as the service takes them."""
        return [
            SubmittedDocument(
                name=doc.name, copy_type=self.cleaned_data[f"{prefix}_copy_type"],
                quantity=self.cleaned_data[f"{prefix}_quantity"], required_document_id=doc.pk,
                file=self.cleaned_data.get(f"{prefix}_file"),
            )
            for doc, prefix in self.checklist if self.cleaned_data.get(f"{prefix}_present")
        ]
