"""Reads of bundles: the staff board, the needs-attention queue, and the resident's tracks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import Classification, classify_open
from cases.models import Procedure, RequiredDocument
from cases.policy import bundle_denial_reason
from cases.selectors import dossier_visibility, dossier_waits
from linkage.models import Bundle, BundleKind, BundleState, BundleStep, StepState
from thanhsen.errors import ApplicationError, ErrorKind

_STEPS = Prefetch(
    "steps", queryset=BundleStep.objects.select_related("procedure", "agency").order_by("position")
)


#: The classification buckets of the leadership dashboard's bundle table, each as the filter
#: that defines it: ``reports.selectors.bundle_summary`` counts with these and ``bundle_list``
#: lists with them, so a number on the dashboard and the list it opens cannot disagree.
#: ``classification`` is written once, when the last step is done; until then (or when the
#: bundle is stopped) it is empty.
BUNDLE_BUCKETS: dict[str, Q] = {
    "all": Q(),
    "unfinished": Q(classification=""),
    "early": Q(classification=Classification.EARLY),
    "on_time": Q(classification=Classification.ON_TIME),
    "overdue": Q(classification=Classification.OVERDUE),
}


def bundle_kind_groups() -> list[BundleKind]:
    """One kind per group (``birth``, ``death``): its latest version, for filters and labels."""
    latest: dict[str, BundleKind] = {}
    for kind in BundleKind.objects.order_by(F("effective_from").asc(nulls_first=True)):
        latest[kind.code] = kind
    return sorted(latest.values(), key=lambda k: k.code)


def bundles_behind(*, period=None, kind: str = "", bucket: str = "all") -> Q:
    """The bundles behind one number of the dashboard: created in the period (a
    ``cases.periods.Period``, whole local days as the reports count them), of the kind, in the
    bucket. An unknown bucket raises ``KeyError`` rather than quietly meaning "all"."""
    condition = BUNDLE_BUCKETS[bucket]
    if period is not None:
        condition &= Q(created_at__gte=period.start_at, created_at__lt=period.end_at)
    if kind:
        condition &= Q(kind__code=kind)
    return condition


def _visible(user, prefix: str) -> Q:
    """Bundles whose parent dossier ``user`` may see (checked with the board's right first)."""
    visible = dossier_visibility(user, prefix=prefix)
    return Q(pk__in=[]) if visible is None else visible


def bundle_list(
    *, user, state: str = "", kind: str = "", period=None, bucket: str = "all"
) -> QuerySet[Bundle]:
    if bundle_denial_reason(user, None, "view"):
        return Bundle.objects.none()
    bundles = (
        Bundle.objects.select_related("dossier", "kind")
        .prefetch_related(_STEPS)
        .filter(bundles_behind(period=period, kind=kind, bucket=bucket))
        .filter(_visible(user, "dossier__"))
    )
    if state:
        bundles = bundles.filter(state=state)
    return bundles.order_by("-created_at", "-id")


def bundle_get(*, user, code: str) -> Bundle:
    reason = bundle_denial_reason(user, None, "view")
    if reason:
        raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
    bundle = (
        Bundle.objects.select_related("dossier", "dossier__procedure", "kind")
        .prefetch_related(_STEPS)
        .filter(_visible(user, "dossier__"), dossier__code=code)
        .first()
    )
    if bundle is None:
        raise ApplicationError(_("Không tìm thấy hồ sơ liên thông."), kind=ErrorKind.NOT_FOUND)
    return bundle


def step_needs_attention(*, user) -> QuerySet[BundleStep]:
    """Steps a person must look at: past the retry cap, or returned for correction."""
    if bundle_denial_reason(user, None, "view"):
        return BundleStep.objects.none()
    return (
        BundleStep.objects.filter(
            Q(state=StepState.NEEDS_ATTENTION)
            | Q(state=StepState.RETURNED, bundle__state=BundleState.CORRECTION)
        )
        .filter(_visible(user, "bundle__dossier__"))
        .select_related("bundle__dossier", "bundle__kind", "procedure", "agency")
        .order_by("bundle__created_at", "position")
    )


def bundle_counts() -> dict:
    by_state = dict(Bundle.objects.values_list("state").annotate(n=Count("id")).order_by())
    steps = BundleStep.objects.aggregate(
        attention=Count("id", filter=Q(state=StepState.NEEDS_ATTENTION)),
        warned=Count("id", filter=~Q(warnings=[])),
        retrying=Count("id", filter=Q(state=StepState.RETRYING)),
    )
    return {"by_state": by_state, **steps}


def bundle_classification(bundle: Bundle, *, now: datetime | None = None) -> str:
    """Early / on time / overdue once complete, within / overdue while open ("" before receipt)."""
    if bundle.classification:
        return bundle.classification
    if bundle.due_at and bundle.state not in (BundleState.CANCELLED, BundleState.COMPLETED):
        # Waiting on the relatives' confirmations (or any pause of the parent) is never overdue.
        return classify_open(due_at=bundle.due_at, waits=dossier_waits(bundle.dossier),
                             now=now or timezone.now()).value
    return ""


@dataclass(frozen=True)
class StepTrack:
    """One track of the resident's tracker: a procedure of the bundle and where it stands."""

    procedure: str
    agency: str
    state: str  # the step's state code
    status: str  # done | current | waiting | problem | cancelled, for the tracker's style
    label: str  # what the resident reads
    result: str  # the result document and its number, once done
    completed_at: datetime | None
    due_at: datetime | None


def _resident_label(step: BundleStep, agency: str) -> tuple[str, str]:
    state = step.state
    if state == StepState.DONE:
        return "done", _("Đã xong")
    if state == StepState.CANCELLED:
        return "cancelled", _("Đã dừng")
    if step.is_root:
        if step.bundle.state == BundleState.CORRECTION:
            return "problem", _("Đang sửa thông tin hộ tịch theo yêu cầu của cơ quan liên thông")
        return "current", _("Đang đăng ký tại Trung tâm Phục vụ hành chính công phường")
    if state == StepState.WAITING:
        if step.awaits_relatives and step.bundle.state == BundleState.IN_PROGRESS:
            return "waiting", _("Chờ thân nhân xác nhận qua VNeID (không tính vào thời hạn)")
        return "waiting", _("Chờ bước đăng ký hộ tịch")
    if state == StepState.RETURNED:
        return "problem", _("%(agency)s trả về để sửa thông tin hộ tịch") % {"agency": agency}
    if state in (StepState.SENT, StepState.POLLING):
        return "current", _("%(agency)s đang giải quyết") % {"agency": agency}
    return "current", _("Đang chuyển hồ sơ tới %(agency)s") % {"agency": agency}


def bundle_tracks_for(dossier) -> list[StepTrack] | None:
    """The resident's per-step tracker for a bundle's parent dossier; ``None`` if not a bundle."""
    bundle = Bundle.objects.filter(dossier_id=dossier.pk).prefetch_related(_STEPS).first()
    if bundle is None:
        return None
    tracks = []
    for step in bundle.steps.all():
        step.bundle = bundle
        agency = (
            step.agency.name.split("–")[0].split("(")[0].strip()
            if step.agency_id
            else _("UBND phường")
        )
        status, label = _resident_label(step, agency)
        result = ""
        if step.state == StepState.DONE and step.result:
            result = " ".join(
                filter(None, [step.result.get("document", ""), step.result.get("number", "")])
            )
        tracks.append(
            StepTrack(
                procedure=step.procedure.name,
                agency=agency,
                state=step.state,
                status=status,
                label=label,
                result=result,
                completed_at=step.completed_at,
                due_at=step.due_at,
            )
        )
    return tracks


def step_staff_label(step: BundleStep, bundle: Bundle, *, relatives_pending: bool) -> str:
    """The state staff read in the step table, where a bare "waiting" would hide the reason."""
    if step.state == StepState.WAITING:
        if step.is_root and bundle.state == BundleState.CORRECTION:
            return _("Đang sửa hộ tịch")
        if step.awaits_relatives and relatives_pending:
            return _("Chờ thân nhân xác nhận")
        if bundle.state == BundleState.CORRECTION:
            return _("Chờ sửa hộ tịch")
    return step.get_state_display()


@dataclass(frozen=True)
class KindStepChoice:
    """One procedure of a bundle kind as the counter offers it."""

    code: str
    name: str
    optional: bool
    time_limit: int
    awaits_relatives: bool


def bundle_kind_in_force(code: str, *, on: date) -> BundleKind | None:
    """The version of bundle kind ``code`` in force on day ``on`` (its steps prefetched)."""
    return (
        BundleKind.objects.filter(code=code)
        .filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
        .order_by(F("effective_from").desc(nulls_last=True))
        .prefetch_related("steps")
        .first()
    )


def bundle_kinds_for_counter(*, on: date | None = None) -> list[BundleKind]:
    """The bundle kinds the counter may file today, for the procedure picker: of each kind,
    the version in force (Decree 301/2026 replaced the 2024 versions from 1 September 2026)."""
    on = on or timezone.localdate()
    codes = BundleKind.objects.order_by("code").values_list("code", flat=True).distinct()
    return [kind for code in codes if (kind := bundle_kind_in_force(code, on=on))]


def bundle_kind_for_counter(*, code: str) -> tuple[BundleKind, list[KindStepChoice], list] | None:
    """A kind with its procedures' current names (the counter form's checklist of steps) and
    the papers of its civil-status procedure (the checklist of documents)."""
    kind = bundle_kind_in_force(code, on=timezone.localdate())
    if kind is None:
        return None
    steps = list(kind.steps.order_by("position"))
    names = dict(
        Procedure.objects.filter(code__in=[s.procedure_code for s in steps], is_current=True)
        .values_list("code", "name")
    )
    documents = RequiredDocument.objects.filter(
        procedure__code=kind.root_procedure_code, procedure__is_current=True
    ).order_by("position", "pk")
    return kind, [
        KindStepChoice(s.procedure_code, names.get(s.procedure_code, s.procedure_code),
                       s.optional, s.time_limit, s.awaits_relatives)
        for s in steps
    ], list(documents)


def bundle_receipt(dossier) -> Bundle | None:
    """The bundle a parent dossier heads, with its steps in order, for the receipt (Mẫu 01)."""
    return (
        Bundle.objects.filter(dossier_id=dossier.pk)
        .select_related("kind")
        .prefetch_related(_STEPS)
        .first()
    )
