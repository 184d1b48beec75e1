"""Staff pages for bundles: the board with its needs-attention queue, and a bundle's page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases.access import forbidden, page_for
from cases.actions import Applicant
from cases.deadlines import Classification
from cases.labels import CLASSIFICATION_LABELS, EVENT_LABELS
from cases.models import DossierEvent, PauseKind
from cases.periods import Period, period_from_query
from cases.policy import bundle_denial_reason
from intake.counter.services import counter_form_claim
from linkage import bundles as bundle_actions
from linkage import selectors
from linkage.forms import BundleIntakeForm
from linkage.models import BundleState, BundleStep
from thanhsen.errors import ApplicationError, ErrorKind

#: The list's classification filter (``?phan_loai=``): the dashboard's bundle columns.
BUCKET_LABELS = {
    "unfinished": gettext_lazy("Chưa hoàn thành hoặc đã dừng"),
    **{c.value: CLASSIFICATION_LABELS[c]
       for c in (Classification.EARLY, Classification.ON_TIME, Classification.OVERDUE)},
}


@dataclass
class ListFilters:
    state: str = ""
    kind: str = ""
    period: Period | None = None
    bucket: str = "all"
    errors: list[str] = field(default_factory=list)


def _list_filters(params, kinds) -> ListFilters:
    """The list's filters from the query string (``trang_thai``, ``loai``, ``tu``/``den`` as the
    reports take them, ``phan_loai``). A bad value drops its filter with a message saying so:
    a stale or hand-edited link still opens the list, and never silently shows the wrong one.
    Links made before the parameters took the pages' Vietnamese names (``state``, ``kind``)
    still work."""
    filters = ListFilters()
    state = params.get("trang_thai", params.get("state", ""))
    filters.state = state if state in BundleState.values else ""
    kind = params.get("loai", params.get("kind", "")).strip()
    if kind in {k.code for k in kinds}:
        filters.kind = kind
    elif kind:
        filters.errors.append(
            _("Không có nhóm liên thông “%(value)s”; bộ lọc loại được bỏ qua.") % {"value": kind}
        )
    bucket = params.get("phan_loai", "").strip()
    if bucket in selectors.BUNDLE_BUCKETS:
        filters.bucket = bucket
    elif bucket:
        filters.errors.append(
            _("Không có phân loại “%(value)s”; bộ lọc phân loại được bỏ qua.") % {"value": bucket}
        )
    if params.get("tu", "").strip() or params.get("den", "").strip():
        try:
            filters.period = period_from_query(params)
        except ApplicationError as exc:
            filters.errors.append(
                _("%(error)s Bộ lọc ngày tạo được bỏ qua.") % {"error": exc.message}
            )
    return filters


@page_for("workspace")
@vary_on_headers("HX-Request")
def bundles(request):
    kinds = selectors.bundle_kind_groups()
    filters = _list_filters(request.GET, kinds)
    page = Paginator(
        selectors.bundle_list(
            user=request.user,
            state=filters.state,
            kind=filters.kind,
            period=filters.period,
            bucket=filters.bucket,
        ),
        30,
    ).get_page(request.GET.get("trang"))
    context = {
        "page": page,
        "filters": filters,
        "state": filters.state,
        "kind": filters.kind,
        "state_label": BundleState(filters.state).label if filters.state else "",
        "bucket_label": BUCKET_LABELS.get(filters.bucket, ""),
        "states": BundleState.choices,
        "buckets": BUCKET_LABELS.items(),
        "kinds": kinds,
        "counts": selectors.bundle_counts(),
        "attention": selectors.step_needs_attention(user=request.user)[:50],
    }
    template = (
        "linkage/bundles.html#list"
        if request.htmx and request.htmx.target == "bundle-list"
        else "linkage/bundles.html"
    )
    return render(request, template, context)


@page_for("workspace")
def bundle_detail(request, code: str):
    try:
        bundle = selectors.bundle_get(user=request.user, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    steps = list(bundle.steps.all())
    relatives_pending = bundle.dossier.pauses.filter(
        kind=PauseKind.VERIFICATION, ended_at__isnull=True
    ).exists()
    for step in steps:
        step.label = selectors.step_staff_label(step, bundle, relatives_pending=relatives_pending)
    events = list(
        DossierEvent.objects.filter(dossier_id=bundle.dossier_id)
        .select_related("actor")
        .order_by("-at", "-id")[:100]
    )
    labels = EVENT_LABELS
    for event in events:
        event.label = labels.get(event.action, event.action)
    return render(
        request,
        "linkage/bundle_detail.html",
        {
            "bundle": bundle,
            "dossier": bundle.dossier,
            "steps": steps,
            "tracks": selectors.bundle_tracks_for(bundle.dossier),
            "classification": selectors.bundle_classification(bundle),
            "events": events,
            "relatives_step": any(s.awaits_relatives for s in steps),
            "relatives_pending": relatives_pending,
            "may_correct": bundle.state == BundleState.CORRECTION
            and not bundle_denial_reason(request.user, bundle, "complete_correction"),
            "note_error": request.session.pop("linkage_note_error", ""),
        },
    )


@page_for("workspace")
@require_POST
@vary_on_headers("HX-Request")
def step_retry(request, pk: int):
    step = get_object_or_404(
        BundleStep.objects.select_related("bundle__dossier", "procedure", "agency"), pk=pk
    )
    error = ""
    try:
        step = bundle_actions.step_retry_now(step=step, actor=request.user)
    except ApplicationError as exc:
        error = exc.message
    if request.htmx:
        step.refresh_from_db()
        return render(
            request,
            "linkage/bundles.html#attention-row",
            {"step": step, "error": error, "retried": not error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Đã gửi lại bước “%(name)s”.") % {"name": step.procedure.name})
    if request.POST.get("next"):
        return redirect(_safe_next(request))
    return redirect("linkage:bundle", code=step.bundle.dossier.code)


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _bundle_action(request, code: str, action):
    try:
        bundle = selectors.bundle_get(user=request.user, code=code)
        action(bundle)
    except ApplicationError as exc:
        if exc.kind == ErrorKind.NOT_FOUND:
            raise
        if exc.fields:
            request.session["linkage_note_error"] = " ".join(
                str(m) for ms in exc.fields.values() for m in ms
            )
        messages.error(request, exc.message)
        return redirect("linkage:bundle", code=code)
    return None


@page_for("workspace")
@require_POST
def bundle_correct(request, code: str):
    def act(bundle):
        bundle_actions.bundle_correction_complete(
            bundle=bundle, actor=request.user, note=request.POST.get("note", "")
        )
        messages.success(request, _("Đã ghi nhận sửa hộ tịch; các bước bị trả về được gửi lại."))

    return _bundle_action(request, code, act) or redirect("linkage:bundle", code=code)


@page_for("workspace")
@require_POST
def bundle_relatives(request, code: str):
    def act(bundle):
        if request.POST.get("confirmed"):
            bundle_actions.bundle_relatives_confirmed(bundle=bundle, actor=request.user)
            messages.success(
                request, _("Đã nhận xác nhận của thân nhân; các bước chế độ được gửi đi.")
            )
        else:
            bundle_actions.bundle_relatives_wait_start(
                bundle=bundle, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("Đã bắt đầu chờ thân nhân xác nhận; thời gian chờ không tính vào thời hạn."),
            )

    return _bundle_action(request, code, act) or redirect("linkage:bundle", code=code)


# --- filing at the counter -------------------------------------------------------------------
def _counter_applicant(data) -> Applicant:
    return Applicant(name=data["applicant_name"], id_number=data["id_number"],
                     phone=data["phone"], address=data["address"], email=data.get("email", ""))


@page_for("intake")
def counter_bundle(request, kind: str):
    """File a birth or death bundle at the counter, then the confirmation with its receipt.

    Thin over ``linkage.bundles.bundle_submit`` (which creates the parent dossier, receives it and
    creates the steps in one transaction). The form's one-time token is the counter's
    (``intake.counter.services.counter_form_claim``, in the database): a double submit gets the
    first bundle's confirmation, and filing works while Redis is down.
    """
    denial = bundle_denial_reason(request.user, None, "file")
    if denial:
        return forbidden(request, denial)
    found = selectors.bundle_kind_for_counter(code=kind)
    if found is None:
        raise Http404(_("Không có loại liên thông này."))
    bundle_kind, steps, documents = found
    if request.method != "POST":
        form = BundleIntakeForm(kind=bundle_kind, steps=steps, documents=documents,
                                initial={"token": uuid.uuid4().hex})
        return render(request, "linkage/counter_bundle.html", {"form": form, "kind": bundle_kind})
    form = BundleIntakeForm(request.POST, kind=bundle_kind, steps=steps, documents=documents)
    status = 400
    if form.is_valid():
        data = form.cleaned_data

        def record():
            return bundle_actions.bundle_submit(
                kind_code=bundle_kind.code, applicant=_counter_applicant(data),
                actor=request.user, channel=data["channel"],
                chosen_procedures=data["chosen_procedures"],
                needs_verification=data.get("needs_verification", False),
                deceased_elderly_with_allowance=data.get("deceased_elderly_with_allowance", False),
                documents=form.submitted_documents(), receive=True,
            ).dossier

        try:
            dossier, earlier = counter_form_claim(token=data["token"], record=record)
        except ApplicationError as exc:
            if exc.kind == ErrorKind.FORBIDDEN:
                return forbidden(request, exc.message)
            form.report(exc)
        else:
            if dossier is not None or earlier:
                return redirect("intake:counter_done", code=dossier.code if dossier else earlier)
            form.add_error(None, _("Hồ sơ đang được ghi nhận, vui lòng chờ trong giây lát."))
            status = 409
    return render(request, "linkage/counter_bundle.html", {"form": form, "kind": bundle_kind},
                  status=status)
