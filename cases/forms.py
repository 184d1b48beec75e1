"""Forms of the dossier page: one per action, each naming what its service needs."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Department, Outcome, ReturnMethod
from cases.uploads import validate_scan


class ActionForm(forms.Form):
    """A dossier action's form: what its service is called with once the form is valid."""

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(ActionForm):
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do, nội dung"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ lý do.")},
    )


class CorrectResultForm(ActionForm):
    """The corrected decision after a post-audit: approve or refuse again, with its content."""

    outcome = forms.ChoiceField(
        label=_("Quyết định đã điều chỉnh"), choices=Outcome.choices,
        widget=forms.RadioSelect, error_messages={"required": _("Cần chọn phê duyệt hoặc từ chối.")},
    )
    reason = forms.CharField(
        label=_("Nội dung kết quả đã điều chỉnh (lý do và căn cứ nếu từ chối)"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ nội dung kết quả đã điều chỉnh.")},
    )


class StopForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do dừng"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Để trống nếu dừng theo đề nghị đã ghi của công dân."),
    )


class AssignForm(ActionForm):
    department = forms.ModelChoiceField(
        label=_("Đơn vị xử lý"), queryset=Department.objects.all(), required=False,
        empty_label=_("— Đơn vị của thủ tục —"),
    )
    handler = forms.ModelChoiceField(
        label=_("Cán bộ xử lý"), queryset=None, required=False,
        empty_label=_("— Để đơn vị tự phân công —"),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000)

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = (
            lambda user: f"{user.last_name} {user.first_name}".strip() or user.username
        )


class PaymentForm(ActionForm):
    reason = forms.CharField(
        label=_("Nghĩa vụ tài chính"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần ghi rõ nghĩa vụ tài chính phải thực hiện.")},
    )
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=0, required=False)


class ExtendForm(ActionForm):
    new_due_date = forms.DateField(
        label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Cần chọn ngày hẹn trả mới."),
                        "invalid": _("Ngày không hợp lệ.")},
    )
    reason = forms.CharField(
        label=_("Lý do chậm trả kết quả"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi rõ lý do chậm trả kết quả.")},
    )

    def service_data(self) -> dict:
        """The new appointment is the end of the chosen day's working hours (17:30)."""
        day = self.cleaned_data["new_due_date"]
        new_due_at = datetime.combine(day, time(17, 30), timezone.get_current_timezone())
        return {"new_due_at": new_due_at, "reason": self.cleaned_data["reason"]}


class ReturnForm(ActionForm):
    method = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), choices=ReturnMethod.choices,
        widget=forms.RadioSelect, initial=ReturnMethod.IN_PERSON,
    )
    collected_by = forms.CharField(
        label=_("Người nhận kết quả"), required=False, max_length=200,
        help_text=_("Họ tên người đến nhận, hoặc người nhận và địa chỉ khi gửi bưu chính."),
    )
    result_file = forms.FileField(
        label=_("Tệp kết quả (PDF, JPEG, PNG)"), required=False,
        help_text=_("Bắt buộc khi trả kết quả trực tuyến."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=4000)

    def clean_result_file(self):
        upload = self.cleaned_data.get("result_file")
        if upload:
            validate_scan(upload)
        return upload

