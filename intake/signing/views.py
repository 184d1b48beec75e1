"""``/xac-thuc/<id>/``: anyone holding a signed document checks it, without logging in.

The page shows the registry entry (what the document is, who signed, under which authority,
when, with which certificate) and nothing personal beyond what the document itself shows;
a copy can be uploaded to check that it is still the document that was signed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases import hooks, selectors
from cases.access import page_for
from intake.documents.views import pdf_response
from intake.online.views import _own_dossier
from intake.signing.documents import signed_result
from intake.signing.models import SignedDocument
from intake.signing.reuse import dossier_reuse_certified_copy_by_reference
from intake.signing.verify import registry_verdict, verify_copy
from thanhsen.errors import ApplicationError, ErrorKind

#: Copies larger than this are refused before being read (a signed form is ~50 KB).
MAX_COPY_BYTES = 20 * 1024 * 1024


class CopyForm(forms.Form):
    copy = forms.FileField(label=gettext_lazy("Tệp PDF cần kiểm tra"),
                           error_messages={"required": gettext_lazy("Cần chọn tệp PDF.")})

    def clean_copy(self):
        copy = self.cleaned_data["copy"]
        if copy.size > MAX_COPY_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."))
        return copy


@require_http_methods(["GET", "POST"])
def verify(request, document_id):
    document = (SignedDocument.objects.select_related("certificate", "signer", "dossier", "superseded_by")
                .filter(pk=document_id).exclude(sha256="").first())
    if document is None:
        raise Http404(_("Không có văn bản ký số nào với mã này."))
    form = CopyForm()
    copy_verdict = None
    status = 200
    if request.method == "POST":
        form = CopyForm(request.POST, request.FILES)
        if form.is_valid():
            copy_verdict = verify_copy(form.cleaned_data["copy"].read(), expected=document)
        else:
            status = 400
    return render(request, "signing/verify.html", {
        "document": document, "verdict": registry_verdict(document), "form": form,
        "copy_verdict": copy_verdict,
    }, status=status)


@page_for("resident")
def my_result(request, code: str):
    """The resident's signed result notice (the same document staff print), once decided.

    A result under correction after a post-audit is withheld: the corrected one replaces it.
    """
    dossier = _own_dossier(request.user, code)
    if dossier.correction_opened_at:
        raise Http404(_("Kết quả đang được điều chỉnh."))
    if hooks.result_hold(dossier):
        raise Http404(_("Hồ sơ chưa có kết quả."))
    try:
        document = signed_result(dossier)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    if document is None:
        raise Http404(_("Hồ sơ chưa có kết quả."))
    with document.file.open("rb") as stored:
        return pdf_response(stored.read(), f"ket-qua-{dossier.code}.pdf")


def _reuse(request, dossier, back: str):
    """Attach the copy the reference names; the answer, good or bad, comes back as a message."""
    try:
        dossier_reuse_certified_copy_by_reference(
            dossier=dossier, actor=request.user, reference=request.POST.get("reference", ""))
    except ApplicationError as exc:
        if exc.kind == ErrorKind.FORBIDDEN:
            raise
        for error in [*exc.fields.get("reference", [])] or [exc.message]:
            messages.error(request, error)
        return redirect(back, code=dossier.code)
    messages.success(request, _("Đã thêm bản sao điện tử có chứng thực vào thành phần hồ sơ."))
    return redirect(back, code=dossier.code)


@page_for("workspace")
@require_POST
def reuse_copy_at_counter(request, code: str):
    """The counter attaches a copy certified here earlier, by its number or verification id."""
    try:
        dossier = selectors.dossier_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    return _reuse(request, dossier, "cases:dossier")


@page_for("resident")
@require_POST
def reuse_copy_online(request, code: str):
    """The resident attaches a copy certified for them, to a dossier of their own."""
    return _reuse(request, _own_dossier(request.user, code), "intake:my_dossier")
