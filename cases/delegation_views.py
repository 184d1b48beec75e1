"""The delegation register page: the leader's overview and actions, the delegate's powers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import forbidden, page_for
from cases.delegation import may_be_delegated, may_delegate
from cases.delegation_forms import EndForm, GrantForm
from cases.delegation_selectors import authorisation_register, delegate_powers
from cases.delegation_services import authorisation_grant, authorisation_revoke
from cases.models import Authorisation
from cases.uploads import upload_response
from thanhsen.errors import ApplicationError


def _apply_error(form, exc: ApplicationError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@page_for("delegation")
@require_http_methods(["GET", "POST"])
def register(request):
    """``/lam-viec/uy-quyen/``: a leader manages the register; a delegate sees their powers."""
    user = request.user
    if not may_delegate(user):
        if not may_be_delegated(user):
            return forbidden(request, _("Trang này dành cho lãnh đạo phường và người được ủy quyền."))
        return render(request, "cases/delegation/powers.html",
                      {"powers": delegate_powers(user=user)})
    form = GrantForm()
    status = 200
    if request.method == "POST":
        form = GrantForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                authorisation = authorisation_grant(actor=user, **form.service_data())
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Đã ghi văn bản ủy quyền số %(number)s.")
                                 % {"number": authorisation.document_number})
                return redirect("cases:delegation")
        status = 400
    return render(request, "cases/delegation/register.html", {
        "register": authorisation_register(user=user), "form": form, "end_form": EndForm(),
    }, status=status)


@page_for("delegation")
@require_POST
def revoke(request, pk: int):
    authorisation = get_object_or_404(Authorisation, pk=pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi rõ lý do thu hồi."))
        return redirect("cases:delegation")
    try:
        authorisation_revoke(authorisation=authorisation, actor=request.user,
                             reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi văn bản ủy quyền số %(number)s.")
                         % {"number": authorisation.document_number})
    return redirect("cases:delegation")


@page_for("delegation")
def scan(request, pk: int):
    """The scanned authorisation, to leaders and to the person it names."""
    authorisation = get_object_or_404(Authorisation, pk=pk)
    if not (may_delegate(request.user) or authorisation.authorised_id == request.user.pk):
        return forbidden(request, _("Bạn không xem được văn bản này."))
    if not authorisation.scan:
        raise Http404(_("Văn bản ủy quyền không có bản quét."))
    return upload_response(authorisation.scan, download_name=f"uy-quyen-{authorisation.pk}")
