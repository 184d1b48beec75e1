"""The counter's form for a birth or death bundle: applicant, the kind's procedures, decision.

Built from the kind's configured steps, so a procedure added to a kind in the catalogue
appears here without a code change. The counts a death bundle allows are checked by
``linkage.bundles.bundle_submit``; the form only says which are mandatory.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.actions import SubmittedDocument
from intake.counter.forms import CounterApplicantForm


class BundleIntakeForm(CounterApplicantForm):
    chosen_procedures = forms.MultipleChoiceField(
        label=_("Thủ tục người nộp chọn"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    needs_verification = forms.BooleanField(
        label=_("Cần xác minh nơi cư trú"), required=False,
        help_text=_("Thời hạn đăng ký thường trú dài hơn khi phải xác minh."),
    )
    deceased_elderly_with_allowance = forms.BooleanField(
        label=_("Người mất từ 80 tuổi trở lên, đang hưởng trợ cấp tuất hằng tháng"), required=False,
        help_text=_("Thời hạn hỗ trợ mai táng cho đối tượng bảo trợ xã hội dài hơn "
                    "(Nghị định 63/2024)."),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, kind, steps, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.steps = steps
        self.documents = list(documents)
        for doc in self.documents:  # the civil-status procedure's papers, ticked when received
            self.fields[f"doc_{doc.pk}"] = forms.BooleanField(label=doc.name, required=False)
        self.fields["chosen_procedures"].choices = [
            (s.code, s.name) for s in steps if s.optional
        ]
        if kind.verification_time_limit is None:
            del self.fields["needs_verification"]
        if not any(s.awaits_relatives for s in steps):  # no benefit to pay: nothing to ask
            del self.fields["deceased_elderly_with_allowance"]

    def mandatory_steps(self):
        return [s for s in self.steps if not s.optional]

    def checklist(self):
        return [(doc, self[f"doc_{doc.pk}"]) for doc in self.documents]

    def clean(self):
        data = super().clean()
        missing = [doc.name for doc in self.documents if doc.mandatory and not data.get(f"doc_{doc.pk}")]
        if missing:
            self.add_error(None, _("Còn thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)})
        return data

    def report(self, exc) -> None:
        """The service's refusal beside the field it names (``applicant.phone`` → ``phone``)."""
        for name, errors in (exc.fields or {None: [exc.message]}).items():
            target = name.removeprefix("applicant.") if name else None
            target = {"name": "applicant_name"}.get(target, target)
            for error in errors:
                self.add_error(target if target in self.fields else None, error)

    def submitted_documents(self):
        return [
            SubmittedDocument(name=doc.name, copy_type=doc.copy_type, quantity=doc.quantity,
                              required_document_id=doc.pk)
            for doc in self.documents if self.cleaned_data.get(f"doc_{doc.pk}")
        ]
