"""The counter intake pages (keyboard-first) and the signing of a copy certification.

A double-submitted form does not create two dossiers: the form carries a one-time token,
claimed in the transaction that records the dossier (``CounterIntakeToken``); a second post
with the same token waits for the first to commit and is sent to the dossier it created.
Nothing here touches the cache, so the counter keeps receiving while Redis is down.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases import actions, selectors
from cases.access import page_for
from cases.search import fold
from intake.counter.forms import RECEIVE, IntakeForm
from intake.counter.services import counter_form_claim, counter_intake_record
from intake.documents.certified import render_certified_copy
from thanhsen.errors import ApplicationError, ErrorKind


@page_for("intake")
@vary_on_headers("HX-Request")
def pick_procedure(request):
    """Step 1: find the procedure by name (with or without diacritics) or code."""
    query = request.GET.get("q", "").strip()
    procedures = list(selectors.procedure_list())
    if query:
        folded = fold(query)
        procedures = [p for p in procedures if folded in fold(p.name) or query in p.code]
    context = {"query": query, "procedures": procedures}
    template = "intake/counter/pick.html#results" if request.htmx else "intake/counter/pick.html"
    return render(request, template, context)


def _applicant(data) -> actions.Applicant:
    return actions.Applicant(
        name=data["applicant_name"], id_number=data["id_number"], phone=data["phone"],
        address=data["address"], email=data.get("email", ""),
    )


def _create(form, user):
    data = form.cleaned_data
    certification = None
    if form.certification:
        certification = {"document_name": data.get("document_name"), "pages": data.get("pages"),
                         "scan": data.get("scan")}
    unit = data.get("competent_unit")
    return counter_intake_record(
        procedure=form.procedure, decision=data["decision"], applicant=_applicant(data),
        channel=data["channel"], actor=user, documents=form.submitted_documents(),
        pages=data.get("pages") or 0, reason=data.get("reason", ""),
        certification=certification,
        transfer_to=(unit, settings.TRANSFER_UNITS[unit]) if unit else None,
    )


@page_for("intake")
def intake(request, code: str):
    """Step 2: the checklist, the applicant, and receive / ask to complete / refuse."""
    try:
        procedure = selectors.procedure_get(code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    certification = actions.is_copy_certification(procedure)
    if request.method != "POST":
        form = IntakeForm(procedure=procedure, certification=certification,
                          initial={"token": uuid.uuid4().hex, "decision": RECEIVE})
        return render(request, "intake/counter/intake.html",
                      {"form": form, "procedure": procedure, "certification": certification})
    form = IntakeForm(request.POST, request.FILES, procedure=procedure, certification=certification)
    status = 400
    if form.is_valid():
        try:
            dossier, earlier = counter_form_claim(
                token=form.cleaned_data["token"], record=lambda: _create(form, request.user))
        except ApplicationError as exc:
            if exc.kind == ErrorKind.FORBIDDEN:
                raise
            _report(form, exc)
        else:
            if dossier is not None:
                return redirect("intake:counter_done", code=dossier.code)
            if earlier:
                messages.info(request, _("Hồ sơ này đã được ghi nhận trước đó (bấm gửi hai lần)."))
                return redirect("intake:counter_done", code=earlier)
            form.add_error(None, _("Hồ sơ đang được ghi nhận, vui lòng chờ trong giây lát."))
            status = 409
    return render(request, "intake/counter/intake.html",
                  {"form": form, "procedure": procedure, "certification": certification},
                  status=status)


#: Service error fields and the intake form's names for them.
_FIELDS = {"applicant.name": "applicant_name", "applicant.id_number": "id_number",
           "applicant.phone": "phone", "applicant.address": "address", "applicant.email": "email"}


def _report(form, exc: ApplicationError) -> None:
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, errors in exc.fields.items():
        name = _FIELDS.get(name, name)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@page_for("intake")
def done(request, code: str):
    """The confirmation: the code, the appointment, what happens next, the printable slip."""
    try:
        dossier = selectors.dossier_get_for_page(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    return render(request, "intake/counter/done.html", {"dossier": dossier})


@page_for("workspace")
@require_POST
def certify(request, code: str):
    """Sign an electronic copy certification (the dossier's approval), then back to the dossier."""
    try:
        dossier = selectors.dossier_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    try:
        certification = actions.copy_certification_certify(
            dossier=dossier, actor=request.user, render=render_certified_copy)
    except ApplicationError as exc:
        if exc.kind == ErrorKind.FORBIDDEN:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã chứng thực bản sao điện tử, số %(number)s.")
                         % {"number": certification.register_number})
    return redirect("cases:dossier", code=code)
