"""The staff workspace: work queues, search, the dossier page and its actions.

Thin on purpose: reads come from ``cases.selectors``, writes from ``cases.actions``; a view
only parses the form, calls one function and turns an ``ApplicationError`` into what the
officer reads (a message beside the field, a 403 page, or a clear notice on the dossier).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases import actions as case_actions
from cases import selectors
from cases.access import PERSONAL_DATA_DENIED, forbidden, page_for
from cases.delegation import may_be_delegated, signing_authorisation, signing_denial_reason
from cases.forms import AssignForm
from cases.models import Dossier, Status
from cases.models.dossier import LOCKED_STATES
from cases.policy import denial_reason
from cases.registry import PAGE_ACTIONS
from cases.uploads import upload_response
from thanhsen.errors import ApplicationError, ErrorKind
from thanhsen.roles import HANDLER_ROLES, SIGNER_ROLES, Role

PAGE_SIZE = 25


def _table_context(request, queryset, *, count: int | None = None) -> dict:
    """A page of dossiers and what the shared table needs to mark overdue rows and page on.

    ``count``, when the caller already has it (a queue's tab shows it), spares the paginator
    counting the queue a second time.
    """
    paginator = Paginator(queryset, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("trang"))
    selectors.dossier_deadline_states(page.object_list)
    return {
        "page": page,
    }


# --- queues ----------------------------------------------------------------------------------
@page_for("workspace")
@vary_on_headers("HX-Request")
def queue(request):
    """The landing page of every staff role: its queues with counts, one of them listed."""
    filters = selectors.dossier_queue_filters(request.user)
    counts = selectors.dossier_queue_counts(request.user, filters=filters)
    if not counts:
        return forbidden(request, _("Vai trò của bạn không có hàng đợi hồ sơ."))
    key = request.GET.get("hang")
    current = next((c for c in counts if c.queue.key == key), counts[0])
    dossiers = selectors.dossier_queue(request.user, current.queue.key, filters=filters)
    context = {
        "counts": counts,
        "current": current.queue.key,
        "current_label": current.queue.label,
        **_table_context(request, dossiers, count=current.count),
    }
    template = "cases/queue.html#queue-list" if request.htmx else "cases/queue.html"
    return render(request, template, context)


@page_for("workspace")
@vary_on_headers("HX-Request")
def search(request):
    query = request.GET.get("q", "").strip()
    context = {"query": query, "page": None}
    if query:
        context |= _table_context(request, selectors.dossier_search(request.user, query))
    template = "cases/search.html#results" if request.htmx else "cases/search.html"
    return render(request, template, context)


# --- the dossier page ------------------------------------------------------------------------
@dataclass
class ActionView:
    name: str
    label: str
    form: django_forms.Form
    style: str = "secondary"
    open: bool = False
    url: str = ""
    hint: str = ""


def _extra_allowed(dossier: Dossier, user, name: str) -> bool:
    return (
        case_actions.action_refusal(dossier, name, at=timezone.now()) is None
        and denial_reason(user, dossier, name) is None
    )


def _form_for(name: str, dossier: Dossier, data=None, files=None):
    form_class = PAGE_ACTIONS[name].form
    prefix = name
    if form_class is AssignForm:
        department_id = dossier.department_id or dossier.procedure.department_id
        return form_class(data, files, prefix=prefix,
                          handlers=selectors.handler_choices(department_id))
    return form_class(data, files, prefix=prefix)


def available_actions(dossier: Dossier, user, *, bound: tuple[str, object] | None = None):
    """The actions this user may take now, each with its (possibly bound) form."""
    now = timezone.now()
    names = {
        name for name in selectors.dossier_available_actions(dossier, user)
        if name not in case_actions.RULED_TRANSITIONS
        or case_actions.action_refusal(dossier, name, at=now) is None
    }
    names |= {
        name for name, action in PAGE_ACTIONS.items()
        if not action.transition and _extra_allowed(dossier, user, name)
    }
    if "assign" in names and user.role in HANDLER_ROLES:
        names.discard("assign")
        if dossier.handler_id is None:
            names.add("take")
    actions = []
    for name, action in PAGE_ACTIONS.items():
        if name not in names:
            continue
        form = bound[1] if bound and bound[0] == name else _form_for(name, dossier)
        actions.append(ActionView(
            name=name, label=action.label, form=form, style=action.style,
            open=bool(bound and bound[0] == name),
            url=reverse("cases:action", args=[dossier.code, name]),
        ))
    return actions


def _render_dossier(request, code: str, *, bound=None, status: int = 200):
    user = request.user
    shows_personal_data = case_actions.dossier_read_personal_data(
        dossier=selectors.dossier_get(user=user, code=code), actor=user
    )
    dossier = selectors.dossier_get_for_page(user=user, code=code)
    context = {
        "dossier": dossier,
        "classification": selectors.dossier_classification(dossier),
        "deadline": selectors.dossier_deadline_state(dossier),
        "actions": available_actions(dossier, user, bound=bound),
        "shows_personal_data": shows_personal_data,
        "certification": selectors.dossier_certification(dossier),
        "declaration": selectors.dossier_declaration(dossier),
        "history": selectors.dossier_history(dossier),
        "locked_by_other": (
            dossier.handler if dossier.handler_id and dossier.handler_id != user.pk
            and dossier.status in LOCKED_STATES else None
        ),
        "may_reassign": user.role == Role.CENTER_DIRECTOR,
        "may_collect_fee": dossier.fee_due and denial_reason(user, dossier, "pay_fee") is None,
        "signing": _signing(dossier, user),
        "status_labels": dict(Status.choices),
    }
    return render(request, "cases/dossier.html", context, status=status)


def _signing(dossier: Dossier, user) -> dict | None:
    """For a signer looking at a dossier awaiting approval: under which authority, or why not."""
    if dossier.status != Status.AWAITING_APPROVAL or (
        user.role not in SIGNER_ROLES and not may_be_delegated(user)
    ):
        return None
    today = timezone.localdate()
    reason = signing_denial_reason(user, dossier, at=today)
    authorisation = None if reason else signing_authorisation(user, dossier.procedure, at=today)
    return {"reason": reason, "authorisation": authorisation}


@page_for("workspace")
def dossier_file(request, code: str, kind: str):
    """A scan, the result file or the certified copy: each carries the applicant's personal
    data, so only those the policy lets see it download one, and each download is recorded."""
    try:
        dossier = selectors.dossier_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    certification = selectors.dossier_certification(dossier)
    if kind == "ket-qua":
        stored = dossier.result_file
    elif kind == "ban-quet" and certification:
        stored = certification.scan
    elif kind == "ban-sao" and certification:
        stored = certification.certified_pdf
    elif kind.isdigit():
        document = dossier.documents.filter(pk=int(kind)).first()
        stored = document.file if document else None
    else:
        stored = None
    if not stored:
        raise Http404(_("Không có tệp này."))
    if not case_actions.dossier_read_personal_data(dossier=dossier, actor=request.user):
        return forbidden(request, PERSONAL_DATA_DENIED)
    return upload_response(stored, download_name=f"{dossier.code}-{kind}")


@page_for("workspace")
def dossier_detail(request, code: str):
    return _render_dossier(request, code)


#: Service field names that a form names differently.
_FIELD_ALIASES = {"new_due_at": "new_due_date"}


@page_for("workspace")
@require_POST
def dossier_action(request, code: str, name: str):
    """Take one action from the dossier page: success and conflicts come back as messages."""
    action = PAGE_ACTIONS.get(name)
    if action is None:
        raise Http404
    try:
        dossier = selectors.dossier_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    form = _form_for(name, dossier, request.POST, request.FILES)
    if not form.is_valid():
        return _render_dossier(request, code, bound=(name, form), status=400)
    try:
        action.service(dossier=dossier, actor=request.user, **form.service_data())
    except ApplicationError as exc:
        if exc.kind == ErrorKind.FORBIDDEN:
            raise
        if exc.kind == ErrorKind.INVALID:
            for field, errors in exc.fields.items():
                field = _FIELD_ALIASES.get(field, field)
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return _render_dossier(request, code, bound=(name, form), status=400)
        messages.error(request, exc.message)
        return redirect("cases:dossier", code=code)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": action.label})
    return redirect("cases:dossier", code=code)
