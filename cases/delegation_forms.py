"""Forms of the delegation register and of the post-audit review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.delegation_selectors import delegable_procedures, delegate_choices
from cases.models import Finding
from cases.uploads import validate_scan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GrantForm(forms.Form):
    authorised = forms.TypedChoiceField(label=_("Người được ủy quyền"), coerce=int,
                                        error_messages={"required": _("Cần chọn người được ủy quyền.")})
    procedure_codes = forms.MultipleChoiceField(
        label=_("Thủ tục được ủy quyền quyết định"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cần chọn ít nhất một thủ tục được ủy quyền.")},
    )
    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), widget=DateInput())
    valid_until = forms.DateField(label=_("Hiệu lực đến ngày"), widget=DateInput())
    document_number = forms.CharField(label=_("Số văn bản ủy quyền"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày ký văn bản"), widget=DateInput())
    scan = forms.FileField(label=_("Bản quét văn bản ủy quyền (PDF, JPEG, PNG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in delegate_choices()}
        self.fields["authorised"].choices = [("", "—")] + [
            (u.pk, f"{u} — {u.position or u.get_role_display()}") for u in self.people.values()
        ]
        self.fields["procedure_codes"].choices = [
            (p.code, f"{p.name} ({p.code})") for p in delegable_procedures()
        ]

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        validate_scan(scan)
        return scan

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["authorised"] = self.people[data["authorised"]]
        return data


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Cần ghi rõ lý do.")})


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=_("Kết luận"), choices=Finding.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": _("Cần chọn kết luận hậu kiểm.")})
    notes = forms.CharField(label=_("Nhận xét"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    suspend = forms.BooleanField(
        label=_("Tạm đình chỉ văn bản ủy quyền này"), required=False,
        help_text=_("Người được ủy quyền không ký được theo văn bản này kể từ bây giờ."),
    )
