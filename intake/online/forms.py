"""Forms of the residents' pages. The e-form is built from the procedure's ``form_fields``
and validated here, on the server, whatever the browser checked.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.catalogue_english import catalogue_text
from cases.uploads import validate_scan
from cases.validators import validate_id_number, validate_phone
from intake.auth import canonical_phone
from intake.models import ComplaintKind, Rating, Score


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"), max_length=40,
        help_text=_("In trên giấy tiếp nhận, ví dụ TSHT-260225-0042."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
    )
    factor = forms.CharField(
        label=_("4 số cuối điện thoại hoặc số định danh"), min_length=4, max_length=4,
        help_text=_("Của người nộp hồ sơ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}",
                                      "autocomplete": "off"}),
        error_messages={"min_length": _("Nhập đúng 4 chữ số."),
                        "max_length": _("Nhập đúng 4 chữ số.")},
    )

    def clean_factor(self):
        return _four_digits(self.cleaned_data["factor"])

    @classmethod
    def valid_values(cls, data) -> tuple[str, str] | None:
        """The code and factor of a valid search, else None (bind the form to say why).

        The same fields and rules as the bound form, without building it: copying the fields
        and binding them cost a quarter of the lookup view's CPU, and the public status lookup
        is the busiest page. The class's fields are only read here.
        """
        try:
            code = cls.base_fields["code"].clean(data.get("code"))
            factor = _four_digits(cls.base_fields["factor"].clean(data.get("factor")))
        except ValidationError:
            return None
        return code, factor


def _four_digits(value: str) -> str:
    if not value.isdigit():
        raise ValidationError(_("Nhập đúng 4 chữ số."))
    return value


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             help_text=_("Không bắt buộc; để nhận thông báo và đăng nhập."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số."))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_phone(self):
        phone = canonical_phone(self.cleaned_data["phone"])
        users = get_user_model().objects
        if users.filter(phone=phone).exists() or users.filter(username=phone).exists():
            raise ValidationError(_("Số điện thoại này đã có tài khoản. Hãy đăng nhập."))
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("Thư điện tử này đã có tài khoản. Hãy đăng nhập."))
        return email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        elif first:
            user = get_user_model()(username=data.get("phone", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ApplicantForm(forms.Form):
    """Who submits: prefilled from the account, checked like at the counter."""

    name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label=_("Số định danh cá nhân"), max_length=12,
                                validators=[validate_id_number],
                                widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))


def _eform_field(spec: dict) -> forms.Field:
    kind = spec.get("type", "text")
    common = {"label": catalogue_text(spec.get("label", spec["name"])),
              "required": bool(spec.get("required"))}
    if kind == "textarea":
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               input_formats=["%Y-%m-%d", "%d/%m/%Y"], **common)
    if kind == "number":
        return forms.IntegerField(min_value=0, **common)
    if kind == "choice":
        choices = [("", "—")] + [(c, catalogue_text(c)) for c in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "id_number":
        return forms.CharField(max_length=12, validators=[validate_id_number],
                               widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    return forms.CharField(max_length=300, **common)


class EForm(forms.Form):
    """The procedure's declaration (tờ khai điện tử), field by field from the catalogue."""

    prefix = "f"

    def __init__(self, *args, specs: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for spec in specs:
            self.fields[spec["name"]] = _eform_field(spec)

    def answers(self) -> dict:
        """JSON-ready answers (dates as ISO strings)."""
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
        }


class DocumentsForm(forms.Form):
    """One upload per required document; a draft's earlier file counts as uploaded."""

    def __init__(self, *args, documents, existing: dict, final: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {f"doc_{d.pk}": d for d in documents}
        self.existing = existing
        self.final = final
        for name, document in self.documents.items():
            self.fields[name] = forms.FileField(
                label=catalogue_text(document.name), required=False,
                help_text=(_("Bắt buộc. ") if document.mandatory else _("Nếu có. "))
                + _("PDF, JPG hoặc PNG, tối đa 10 MB."),
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
        self.show_kept(existing)

    def show_kept(self, existing: dict) -> None:
        """Say beside each document which file the draft already holds for it."""
        self.existing = existing
        for name, document in self.documents.items():
            kept = existing.get(document.pk)
            if kept is not None:
                # On the bound field too: it copied the field's text when validation built it.
                self.fields[name].help_text = self[name].help_text = _(
                    "Đã nhận tệp “%(file)s”. Chỉ chọn tệp khác nếu muốn thay."
                ) % {"file": kept.original_name}

    def clean(self):
        data = super().clean()
        for name, document in self.documents.items():
            upload = data.get(name)
            if upload:
                try:
                    validate_scan(upload)
                except ValidationError as exc:
                    self.add_error(name, exc)
            elif self.final and document.mandatory and document.pk not in self.existing:
                self.add_error(name, _("Cần tải lên giấy tờ này."))
        return data

    def uploads(self) -> dict:
        """Required document → checked upload, for the files sent with this request (after
        validation, also when another file was refused: those that passed)."""
        return {
            document: self.cleaned_data[name]
            for name, document in self.documents.items()
            if self.cleaned_data.get(name)
        }


class SubmitForm(forms.Form):
    pages = forms.IntegerField(
        label=_("Số trang cần chứng thực"), min_value=1, max_value=500, required=False,
        help_text=_("Phí tính theo số trang."),
    )
    declaration = forms.BooleanField(
        label=_("Lời cam đoan"),
        help_text=_("Tôi cam đoan những thông tin khai trên là đúng sự thật và chịu trách nhiệm "
                    "trước pháp luật."),
        required=False,
    )

    def __init__(self, *args, per_page: bool, final: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.final = final
        if not per_page:
            del self.fields["pages"]
        elif final:
            self.fields["pages"].required = True

    def clean_declaration(self):
        value = self.cleaned_data["declaration"]
        if self.final and not value:
            raise ValidationError(_("Cần xác nhận lời cam đoan để nộp hồ sơ."))
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each checked by content."""

    def clean(self, data, initial=None):
        uploads = [super(MultipleFileField, self).clean(item, initial) for item in data or []]
        for upload in uploads:
            validate_scan(upload)
        return uploads


class CompleteForm(forms.Form):
    files = MultipleFileField(
        label=_("Giấy tờ bổ sung"), required=False,
        help_text=_("Có thể chọn nhiều tệp. PDF, JPG hoặc PNG, mỗi tệp tối đa 10 MB."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "multiple": True}),
    )
    note = forms.CharField(label=_("Nội dung đã hoàn thiện"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("files") and not (data.get("note") or "").strip():
            raise ValidationError(_("Hãy tải lên giấy tờ bổ sung hoặc ghi rõ nội dung đã hoàn thiện."))
        return data


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Lý do đề nghị dừng"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


_CRITERIA_CHOICES = {
    "time_score": [(2, _("Trước hoặc đúng hẹn")), (1, _("Trễ hẹn nhưng có báo trước")),
                   (0, _("Trễ hẹn, không được báo"))],
    "visits_score": [(2, _("Không phải đến hoặc 1 lần")), (1, _("2 lần")), (0, _("Từ 3 lần trở lên"))],
    "bodies_score": [(2, _("Chỉ Trung tâm")), (1, _("2 cơ quan")), (0, _("Từ 3 cơ quan trở lên"))],
    "attitude_score": [(2, _("Tận tình, chu đáo")), (1, _("Bình thường")),
                       (0, _("Gây phiền hà, sách nhiễu"))],
    "publicity_score": [(2, _("Đầy đủ, dễ tìm")), (1, _("Có nhưng khó tìm")), (0, _("Không công khai"))],
    "overall_score": [(Score.GOOD, _("Hài lòng")), (Score.FAIR, _("Bình thường")),
                      (Score.POOR, _("Không hài lòng"))],
}


class RatingForm(forms.Form):
    """Circular 01/2018 criteria, each 0/1/2, plus free text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Rating.CRITERIA:
            self.fields[name] = forms.TypedChoiceField(
                label=Rating._meta.get_field(name).verbose_name.capitalize(),
                choices=_CRITERIA_CHOICES[name], coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Hãy chọn một mức đánh giá.")},
            )
        self.fields["comment"] = forms.CharField(
            label=_("Góp ý thêm"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=ComplaintKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, validators=[validate_phone],
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    dossier_code = forms.CharField(label=_("Mã hồ sơ liên quan"), max_length=40, required=False,
                                   help_text=_("Nếu phản ánh về một hồ sơ cụ thể."))
    content = forms.CharField(label=_("Nội dung"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def clean_phone(self):
        return canonical_phone(self.cleaned_data["phone"])
