"""Resident pages: status lookup, registration, the catalogue, submission with drafts, the
confirmation page, "my dossiers", completing a dossier, rating and complaints. Thin: forms
validate, services write, selectors read.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import actions as case_actions
from cases import hooks
from cases.access import page_for
from cases.models import Procedure, Status
from cases.selectors import dossier_get
from intake.models import OnlineDraft, Rating
from intake.online import forms, public_status, selectors, services
from intake.online.accounts import resident_register
from intake.online.lookup import client_ip, lookup_by_factor, lookup_by_token
from intake.payments import selectors as payment_selectors
from intake.tokens import code_from_status_token, status_token
from intake.vneid import signed_in_with_vneid
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role


def _show_error(form, exc: ApplicationError) -> None:
    """Put a service's error beside the field it names, or at the top of the form."""
    placed = False
    for name, errors in exc.fields.items():
        field = name.split(".")[-1]
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# --- public status lookup -------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def lookup(request):
    """``/tra-cuu/``: code + last 4 digits (POST), or the receipt's signed token (``?t=``)."""
    result, searched = None, False
    if request.method == "POST":
        searched = True
        values = forms.LookupForm.valid_values(request.POST)
        if values:
            code, factor = values
            result = lookup_by_factor(code=code, factor=factor, client_ip=client_ip(request),
                                      user=request.user)
    elif request.GET.get("t"):
        searched = True
        result = lookup_by_token(request.GET["t"])
    status = 429 if result and result.limited else 200
    htmx = _from_htmx(request)
    if htmx and result is not None and not result.limited:
        response = HttpResponse(_result_fragment(result), status=status)
    else:
        # A bound form validates when the page asks for its errors.
        form = forms.LookupForm(request.POST or None)
        context = {"form": form, "result": result, "searched": searched}
        if htmx:
            # The fragment needs none of the layout's context processors. A refused search
            # says why in the result area, since htmx swaps only that area.
            response = HttpResponse(render_to_string("intake/lookup.html#result", context),
                                    status=status)
        else:
            response = render(request, "intake/lookup.html", context, status=status)
    if result and result.retry_at:
        wait = (result.retry_at - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(wait)))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _from_htmx(request) -> bool:
    """Whether htmx sent the request, as ``bool(request.htmx)`` says; read from ``META``
    because ``request.headers`` first copies every header of the request into a new mapping,
    a noticeable share of the busiest page's CPU for one header."""
    return request.META.get("HTTP_HX_REQUEST") == "true"


# The htmx answer of the lookup is its busiest response. Its layout depends only on the language
# and a few facts (the status, which dates and amounts are shown, whether it can be rated), so
# the template renders each layout once per process with markers where the dossier's values
# go; an answer is that layout with the values escaped into it. Rendering the template for
# every answer was the largest part of the lookup's cost. The values are exactly what the
# template prints (``PublicStatus``), so the two ways give the same HTML (a test holds them so).
_VALUE_NAMES = (
    "code", "initials", "headline", "procedure_name", "next_step", "to_bring", "token",
    "submitted_display", "received_display", "appointment_display", "returned_display",
    "amount_display", "waiting_display",
)
#: Values made of digits and punctuation only (``strftime`` of numeric fields): nothing to escape.
_NUMERIC_VALUES = frozenset({"submitted_display", "received_display", "appointment_display",
                             "returned_display", "waiting_display"})
_MARK = "\ue000{}\ue001"
_MARKS = re.compile("\ue000(\\w+)\ue001")


def _result_fragment(result) -> str:
    """The ``#result`` partial for a search: not found, too many attempts, or the status."""
    status = result.status
    if status is None:
        return _layout(get_language(), "missing")[0]
    token = result.token if status.can_rate else ""
    shape = (
        status.status, status.wait, bool(status.received_at), bool(status.appointment_at),
        bool(status.returned_at), bool(status.amount_due), bool(status.to_bring), bool(token),
        status.deadline_state,
    )
    parts = _layout(get_language(), shape)
    # The values are plain text (never marked safe), so the standard library's escape gives what
    # the template's autoescape gives, without Django's checks for lazy and safe strings.
    return "".join(
        part if index % 2 == 0
        else getattr(status, part) if part in _NUMERIC_VALUES
        else html.escape(token if part == "token" else getattr(status, part))
        for index, part in enumerate(parts)
    )


@lru_cache(maxsize=256)
def _layout(language: str, shape) -> list[str]:
    """The rendered partial split at its markers: text, value name, text, … (see above)."""
    with translation.override(language):
        if shape == "missing":
            result = SimpleNamespace(limited=False, status=None, token="")
            return [render_to_string("intake/lookup.html#result", {"searched": True, "result": result})]
        code, wait, received, appointment, returned, amount, to_bring, token, deadline = shape
        marked = SimpleNamespace(
            **{name: _MARK.format(name) for name in _VALUE_NAMES},
            status=code, steps=public_status.tracker(code, wait), can_rate=token,
            received_at=received, appointment_at=appointment, returned_at=returned,
            amount_due=amount, deadline_state=deadline,
        )
        if not to_bring:
            marked.to_bring = ""
        result = SimpleNamespace(limited=False, status=marked,
                                 token=_MARK.format("token") if token else "")
        rendered = render_to_string("intake/lookup.html#result", {"searched": True, "result": result})
    return _MARKS.split(rendered)


# --- accounts -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def register(request):
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = resident_register(full_name=data["full_name"], phone=data["phone"],
                                     email=data["email"], password=data["password1"])
        except ApplicationError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name, error)
        else:
            login(request, user, backend="intake.auth.PhoneOrEmailBackend")
            messages.success(request, _("Đã tạo tài khoản. Bạn có thể nộp hồ sơ trực tuyến."))
            return redirect("intake:procedures")
    return render(request, "intake/register.html", {"form": form})


# --- catalogue and submission ---------------------------------------------------------------
def procedures(request):
    query = (request.GET.get("q") or "").strip()
    items = selectors.online_procedures()
    if query:
        items = items.filter(name__icontains=query)
    return render(request, "intake/procedures.html", {"procedures": items, "query": query})


def _procedure(code: str) -> Procedure:
    procedure = selectors.online_procedures().prefetch_related("documents").filter(code=code).first()
    if procedure is None:
        raise Http404
    return procedure


def _applicant_initial(user) -> dict:
    return {"name": user.get_full_name(), "phone": user.phone, "email": user.email}


@page_for("resident")
@require_http_methods(["GET", "POST"])
def submit(request, code):
    """The e-form, documents and declaration; "Lưu nháp" keeps it, "Nộp hồ sơ" sends it."""
    procedure = _procedure(code)
    documents = list(procedure.documents.all())
    draft = OnlineDraft.objects.filter(user=request.user, procedure_code=code).first()
    existing = {f.required_document_id: f for f in draft.files.all()} if draft else {}
    per_page = procedure.fee.get("kind") == "per_page"
    final = request.POST.get("action") == "submit"
    if request.method == "POST":
        data, files = request.POST, request.FILES
    else:
        data, files = None, None
    saved = draft.data if draft else {}
    applicant_form = forms.ApplicantForm(
        data, prefix="a", initial=saved.get("applicant") or _applicant_initial(request.user)
    )
    eform = forms.EForm(data, specs=procedure.form_fields, initial=saved.get("form"))
    documents_form = forms.DocumentsForm(data, files, prefix="d", documents=documents,
                                         existing=existing, final=final)
    submit_form = forms.SubmitForm(data, prefix="s", per_page=per_page, final=final,
                                   initial={"pages": saved.get("pages")})
    all_forms = [applicant_form, eform, documents_form, submit_form]

    if request.method == "POST":
        if final:
            if all(f.is_valid() for f in all_forms):
                return _send(request, procedure, applicant_form, eform, documents_form,
                             submit_form, existing)
        else:
            # A draft keeps whatever was typed; only the uploads must pass their check.
            if documents_form.is_valid():
                _keep_draft(request, procedure, applicant_form, eform, documents_form)
                messages.success(request, _("Đã lưu nháp. Bạn có thể quay lại hoàn tất sau."))
                return redirect("intake:submit", code=code)
        # Something was refused: the files that passed their check are kept in the draft, so
        # only the refused ones are chosen again (their errors say which and why).
        documents_form.is_valid()
        if documents_form.uploads():
            draft = _keep_draft(request, procedure, applicant_form, eform, documents_form)
            existing = {f.required_document_id: f for f in draft.files.all()}
            documents_form.show_kept(existing)
    return render(request, "intake/submit.html", {
        "procedure": procedure, "applicant_form": applicant_form, "eform": eform,
        "documents_form": documents_form, "submit_form": submit_form, "existing": existing,
        "draft": draft, "all_forms": all_forms,
    })


def _keep_draft(request, procedure, applicant_form, eform, documents_form):
    return services.draft_save(
        user=request.user, procedure=procedure,
        data={"applicant": _raw(applicant_form), "form": _raw(eform),
              "pages": request.POST.get("s-pages", "")},
        uploads=documents_form.uploads(),
    )


def _raw(form) -> dict:
    """What was typed into a form, unvalidated, for the draft."""
    return {name: form.data.get(form.add_prefix(name), "") for name in form.fields}


def _send(request, procedure, applicant_form, eform, documents_form, submit_form, existing):
    files = {f.required_document: f.file.name for f in existing.values()}
    files.update(documents_form.uploads())
    applicant = case_actions.Applicant(**applicant_form.cleaned_data)
    try:
        dossier = services.online_submit(
            user=request.user, procedure=procedure, applicant=applicant,
            form_data=eform.answers(), files=files,
            pages=submit_form.cleaned_data.get("pages") or 0,
            signed_in_with_vneid=signed_in_with_vneid(request),
        )
    except ApplicationError as exc:
        _show_error(applicant_form, exc)
        return render(request, "intake/submit.html", {
            "procedure": procedure, "applicant_form": applicant_form, "eform": eform,
            "documents_form": documents_form, "submit_form": submit_form, "existing": existing,
            "all_forms": [applicant_form, eform, documents_form, submit_form],
        })
    return redirect("intake:submitted", code=dossier.code)


@page_for("resident")
def submitted(request, code):
    """The confirmation page: the code, what happens next, the fee to pay."""
    dossier = _own_dossier(request.user, code)
    return render(request, "intake/submitted.html", {
        "dossier": dossier, "payment": payment_selectors.payment_pending(dossier),
        "status_token": status_token(dossier.code),
    })


def _own_dossier(user, code: str):
    """The resident's own dossier; another's is a 404 (codes cannot be probed)."""
    try:
        return dossier_get(user=user, code=code)
    except ApplicationError as exc:
        raise Http404 from exc


# --- my dossiers ----------------------------------------------------------------------------
@page_for("resident")
def my_dossiers(request):
    names = dict(selectors.online_procedures().values_list("code", "name"))
    drafts = [(d, names.get(d.procedure_code, d.procedure_code))
              for d in selectors.resident_drafts(request.user)]
    return render(request, "intake/my_dossiers.html", {
        "dossiers": selectors.resident_dossiers(request.user)[:200], "drafts": drafts,
    })


@page_for("resident")
@require_http_methods(["GET", "POST"])
def my_dossier(request, code):
    """A resident's own dossier: status, what is asked of them, payments, stop request."""
    dossier = _own_dossier(request.user, code)
    needs_completion = (
        dossier.status == Status.SUBMITTED and bool(dossier.completion_request)
    ) or dossier.status == Status.SUPPLEMENT_REQUESTED
    complete_form = forms.CompleteForm(prefix="c")
    stop_form = forms.StopForm(prefix="x")
    if request.method == "POST" and request.POST.get("action") == "complete" and needs_completion:
        complete_form = forms.CompleteForm(request.POST, request.FILES, prefix="c")
        if complete_form.is_valid():
            try:
                services.online_complete(
                    dossier=dossier, user=request.user,
                    files=complete_form.cleaned_data["files"], note=complete_form.cleaned_data["note"],
                )
            except ApplicationError as exc:
                _show_error(complete_form, exc)
            else:
                messages.success(request, _("Đã gửi bổ sung. Cán bộ sẽ kiểm tra lại hồ sơ."))
                return redirect("intake:my_dossier", code=code)
    elif request.method == "POST" and request.POST.get("action") == "stop":
        stop_form = forms.StopForm(request.POST, prefix="x")
        if stop_form.is_valid():
            try:
                case_actions.dossier_request_stop(
                    dossier=dossier, actor=request.user, reason=stop_form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                _show_error(stop_form, exc)
            else:
                messages.success(request, _("Đã gửi đề nghị dừng xử lý."))
                return redirect("intake:my_dossier", code=code)
    status = public_status.dossier_public_status(dossier)
    return render(request, "intake/my_dossier.html", {
        "dossier": dossier, "status": status, "needs_completion": needs_completion,
        "complete_form": complete_form, "stop_form": stop_form,
        "payments": dossier.payments.order_by("created_at"),
        "can_stop": dossier.status in (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS,
                                       Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT,
                                       Status.AWAITING_APPROVAL)
        and not dossier.stop_requested_at,
        "status_token": status_token(dossier.code),
        "documents": dossier.documents.all(),
        "result_held": bool(dossier.resolved_at and hooks.result_hold(dossier)),
    })


# --- satisfaction and complaints ------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def rate(request):
    """Rate a returned dossier through the signed link of the notification or status page."""
    token = request.GET.get("t") or request.POST.get("t") or ""
    code = code_from_status_token(token)
    row = public_status.dossier_for_lookup(code).row if code else None
    if row is None:
        raise Http404
    dossier, done = row.dossier, row.rated
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        data = form.cleaned_data
        try:
            services.rating_submit(
                dossier_id=dossier.id, scores={k: data[k] for k in Rating.CRITERIA},
                comment=data.get("comment", ""),
            )
        except ApplicationError as exc:
            _show_error(form, exc)
        else:
            return render(request, "intake/rated.html", {"token": token})
    return render(request, "intake/rate.html", {
        "form": form, "token": token, "done": done, "code": dossier.code,
        "returned": dossier.status == Status.RETURNED,
    })


@require_http_methods(["GET", "POST"])
def complaint(request):
    initial = {}
    if request.user.is_authenticated and request.user.role == Role.RESIDENT:
        initial = {"name": request.user.get_full_name(), "phone": request.user.phone,
                   "email": request.user.email}
    form = forms.ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        complaint = services.complaint_file(user=request.user, **form.cleaned_data)
        return render(request, "intake/complaint_filed.html", {"complaint": complaint})
    return render(request, "intake/complaint.html", {"form": form})
