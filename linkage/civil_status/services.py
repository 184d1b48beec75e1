"""The registry connector's writes: the registration on approval, the registry's replies, the
officer's correction.

``record_approval`` runs inside the approval's transaction (``cases.hooks``): the registration
record and its outbox message commit with the decision or not at all. Replies are pulled
from the registry (``replies_pull``, beat) and each is checked against the contract, stored
once by its id (``InboundItem``) and applied in any order: a registration or a return implies
the acknowledgement; a late acknowledgement only counts; a second verdict on a submission, or a
verdict on a submission already superseded by a correction, changes nothing.

With ``CIVIL_STATUS_BASE_URL`` empty the connector is off: nothing is written on approval and
the approval is the result, as before the connection.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import record_event
from cases.external_results import dossier_attach_external_result
from cases.models import Dossier, DossierEvent, Outcome
from cases.policy import civil_registration_denial_reason
from cases.uploads import validate_scan
from linkage.civil_status import SYSTEM, mapping
from linkage.civil_status.contract import CONTRACT, REPLY, schema_for
from linkage.framework import outbound, service_levels
from linkage.framework.models import InboundItem, OutboundMessage, SyncCursor
from linkage.models import CivilRegistration, RegistrationState
from thanhsen.errors import ApplicationError, ErrorKind, invalid

log = logging.getLogger(__name__)

#: History actions this connector writes (labels in ``linkage.labels``).
REGISTERED = "civil_status_registered"
RETURNED = "civil_status_return"
CORRECTED = "civil_status_correct"


def enabled() -> bool:
    return bool(settings.CIVIL_STATUS_BASE_URL)


def envelope(message: OutboundMessage, code: str) -> dict:
    return {**outbound.envelope_head(message, code, version=CONTRACT.version), **message.body}


def registry_adapter():
    from linkage.civil_status.adapter import default_adapter

    return default_adapter()


CONNECTOR = outbound.Connector(
    system=SYSTEM,
    contract=CONTRACT,
    schema_for=schema_for,
    adapter=registry_adapter,
    enabled=enabled,
    envelope=envelope,
)


# --- sending ---------------------------------------------------------------------------------
def _send(record: CivilRegistration, dossier: Dossier, *, at: datetime,
          event_id: int | None) -> None:
    message = outbound.message_append(
        system=SYSTEM, dossier_id=dossier.pk, kind="DangKy",
        body=mapping.registration(dossier, record), at=at, event_id=event_id,
    )
    record.message = message
    record.save(update_fields=["message"])


def record_approval(event: DossierEvent) -> None:
    """The in-transaction recorder for ``approve``: a registry procedure's registration goes
    out with the decision."""
    if not enabled():
        return
    dossier = Dossier.objects.select_related("procedure", "decided_by").get(pk=event.dossier_id)
    kind = mapping.registration_kind(dossier.procedure.code)
    if kind is None or dossier.outcome != Outcome.APPROVED:
        return
    record, created = CivilRegistration.objects.get_or_create(
        dossier=dossier, defaults={"kind": kind, "created_at": event.at}
    )
    if created:
        _send(record, dossier, at=event.at, event_id=event.pk)


def result_hold(dossier) -> str | None:
    """``cases.hooks`` asks: the result of a dossier whose registration is still with the
    registry is not ready."""
    state = (
        CivilRegistration.objects.filter(dossier_id=getattr(dossier, "pk", None) or dossier.id)
        .values_list("state", flat=True).first()
    )
    if state == RegistrationState.AWAITING:
        return _("Chưa có trích lục: đang chờ Cơ sở dữ liệu hộ tịch trả số đăng ký và trích lục "
                 "điện tử.")
    if state == RegistrationState.CORRECTION:
        return _("Chưa có trích lục: Cơ sở dữ liệu hộ tịch trả về đăng ký để sửa; cán bộ hộ tịch "
                 "cần sửa và gửi lại.")
    return None



# --- replies ---------------------------------------------------------------------------------
class Verdict:
    ACKNOWLEDGED = "acknowledged"
    REGISTERED = "registered"
    RETURNED = "returned"
    DUPLICATE = "duplicate"
    STALE = "stale"
    INVALID = "invalid"


def _keep(item, external_id: str, *, error: str, at: datetime, dossier_id=None) -> None:
    stored, created = InboundItem.objects.get_or_create(
        system=SYSTEM, external_id=external_id[:80],
        defaults=dict(kind=REPLY, body=item if isinstance(item, dict) else {}, received_at=at,
                      error=error[:2000], dossier_id=dossier_id),
    )
    if not created:
        InboundItem.objects.filter(pk=stored.pk).update(offers=stored.offers + 1)


def _extract(item: dict, fetch) -> bytes:
    """The extract's bytes, checked; ``ValueError`` with a Vietnamese reason if not what the
    registry described. ``TransportError`` (could not fetch now) goes to the caller."""
    described = item["TrichLuc"]
    content = fetch(described["DuongDan"])
    if hashlib.sha256(content).hexdigest() != described["MaBam"]:
        raise ValueError(_("Tệp trích lục không khớp mã băm Cơ sở dữ liệu hộ tịch đã gửi."))
    if described["KichThuoc"] != len(content):
        raise ValueError(_("Tệp trích lục không đúng kích thước đã gửi."))
    try:
        validate_scan(ContentFile(content, name=described["TenTep"]))
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    if not content.startswith(b"%PDF"):
        raise ValueError(_("Trích lục điện tử phải là tệp PDF."))
    return content


def reply_accept(item, *, fetch, at: datetime | None = None) -> str:
    """Apply one reply of the registry; safe to call again with the same reply."""
    at = at or timezone.now()
    external_id = item.get("MaPhanHoi") if isinstance(item, dict) else None
    if not isinstance(external_id, str) or not external_id.strip():
        log.warning("civil-status reply without MaPhanHoi: %r", item)
        return Verdict.INVALID
    existing = InboundItem.objects.filter(system=SYSTEM, external_id=external_id).first()
    if existing is not None:
        InboundItem.objects.filter(pk=existing.pk).update(offers=existing.offers + 1)
        return Verdict.DUPLICATE
    errors = CONTRACT.errors(REPLY, item)
    if errors:
        _keep(item, external_id, error="Không đúng hợp đồng: " + "; ".join(errors[:5]), at=at)
        return Verdict.INVALID
    # Any reply about a message says the registry has it (a result may overtake its receipt).
    outbound.acknowledgement_record(message_id=item["MaThongDiep"], accepted=True, at=at)
    record = (
        CivilRegistration.objects.filter(message__message_id=item["MaThongDiep"])
        .select_related("dossier").first()
    )
    if item["LoaiPhanHoi"] == "BienNhan":
        _keep(item, external_id, error="", at=at, dossier_id=record.dossier_id if record else None)
        return Verdict.ACKNOWLEDGED
    if record is None or record.state != RegistrationState.AWAITING:
        # A verdict on a submission since corrected, or a second verdict: the first stands.
        _keep(item, external_id, at=at, dossier_id=record.dossier_id if record else None,
              error="Phản hồi cho lần gửi đã có kết quả hoặc đã được gửi lại; không áp dụng.")
        return Verdict.STALE
    content = None
    if item["LoaiPhanHoi"] == "DaDangKy":
        try:
            registered_at = _registry_moment(item["NgayDangKy"])
            content = _extract(item, fetch)
        except ValueError as exc:
            _keep(item, external_id, error=str(exc), at=at, dossier_id=record.dossier_id)
            return Verdict.INVALID
    try:
        with transaction.atomic():
            InboundItem.objects.create(system=SYSTEM, external_id=external_id, kind=REPLY,
                                       body=item, received_at=at, dossier_id=record.dossier_id)
            record = CivilRegistration.objects.select_for_update().get(pk=record.pk)
            if record.state != RegistrationState.AWAITING or str(
                record.message.message_id
            ) != item["MaThongDiep"]:
                raise _Stale
            if content is not None:
                _registered(record, item, content, registered_at=registered_at, at=at)
                return Verdict.REGISTERED
            _returned(record, item, at=at)
            return Verdict.RETURNED
    except IntegrityError:
        return Verdict.DUPLICATE
    except _Stale:
        _keep(item, external_id, at=at, dossier_id=record.dossier_id,
              error="Phản hồi cho lần gửi đã có kết quả hoặc đã được gửi lại; không áp dụng.")
        return Verdict.STALE


class _Stale(Exception):
    """Another reply was applied between the check and the lock."""


def _registry_moment(value: str) -> datetime:
    """A ``yyyyMMddHHmmss`` of the registry (Vietnamese time); ``ValueError`` if no such day."""
    try:
        return timezone.make_aware(datetime.strptime(value, "%Y%m%d%H%M%S"))
    except ValueError as exc:
        raise ValueError(_("Ngày đăng ký không hợp lệ: %(value)s.") % {"value": value}) from exc


def _registered(record: CivilRegistration, item: dict, content: bytes, *,
                registered_at: datetime, at: datetime) -> None:
    record.state = RegistrationState.REGISTERED
    record.number, record.book, record.page = item["SoDangKy"], item["QuyenSo"], item["TrangSo"]
    record.registered_at = registered_at
    record.extract_sha256 = item["TrichLuc"]["MaBam"]
    record.save(update_fields=["state", "number", "book", "page", "registered_at",
                               "extract_sha256"])
    dossier_attach_external_result(
        dossier_id=record.dossier_id, content=content,
        filename=f"trich-luc-{record.dossier.code}.pdf", action=REGISTERED, at=at,
        note=_("Số %(number)s, quyển %(book)s, trang %(page)s")
        % {"number": record.number, "book": record.book, "page": record.page},
        payload={"kind": record.kind, "number": record.number, "book": record.book,
                 "page": record.page, "document": record.get_kind_display(),
                 "sha256": record.extract_sha256},
    )


def _returned(record: CivilRegistration, item: dict, *, at: datetime) -> None:
    record.state = RegistrationState.CORRECTION
    record.returned_field = item["TruongSai"]
    record.returned_reason = item["LyDo"]
    record.returned_at = at
    record.save(update_fields=["state", "returned_field", "returned_reason", "returned_at"])
    status = record.dossier.status
    record_event(dossier_id=record.dossier_id, action=RETURNED, at=at, from_status=status,
                 to_status=status, note=item["LyDo"],
                 payload={"field": item["TruongSai"], "submission": record.submissions})


def replies_pull(*, adapter=None, pages: int = 20) -> dict:
    """Take the registry's replies since the stored cursor (beat). An extract that cannot be
    fetched now stops the pass there; the cursor stays and the next pass starts from it."""
    counts = {v: 0 for v in (Verdict.ACKNOWLEDGED, Verdict.REGISTERED, Verdict.RETURNED,
                             Verdict.DUPLICATE, Verdict.STALE, Verdict.INVALID)}
    if not enabled():
        return counts
    adapter = adapter or registry_adapter()
    cursor, _created = SyncCursor.objects.get_or_create(system=SYSTEM, name="replies")
    for _page in range(pages):
        items, next_cursor = adapter.replies(cursor.value)
        for item in items:
            counts[reply_accept(item, fetch=adapter.file)] += 1
        if next_cursor == cursor.value or not items:
            break
        cursor.value = next_cursor
        cursor.updated_at = timezone.now()
        cursor.save(update_fields=["value", "updated_at"])
    return counts


# --- the officer's correction ----------------------------------------------------------------
def registration_correct(*, record: CivilRegistration, actor, value: str, note: str = "",
                         at: datetime | None = None) -> CivilRegistration:
    """The officer corrects the field the registry returned and the registration goes again
    (a new submission: a new message id, ``LanGui`` one higher)."""
    at = at or timezone.now()
    value = (value or "").strip()
    note = (note or "").strip()
    with transaction.atomic():
        record = (
            CivilRegistration.objects.select_for_update(of=("self",))
            .select_related("dossier__procedure", "dossier__decided_by").get(pk=record.pk)
        )
        dossier = record.dossier
        reason = civil_registration_denial_reason(actor, dossier)
        if reason:
            raise ApplicationError(reason, kind=ErrorKind.FORBIDDEN)
        if record.state != RegistrationState.CORRECTION:
            raise ApplicationError(
                _("Đăng ký này không bị Cơ sở dữ liệu hộ tịch trả về để sửa."),
                kind=ErrorKind.CONFLICT,
            )
        if not value:
            raise invalid("value", _("Cần nhập giá trị đã sửa."))
        if record.returned_field == "NguoiYeuCau.SoDinhDanh" and not (
            value.isdigit() and len(value) == 12
        ):
            raise invalid("value", _("Số định danh cá nhân gồm đúng 12 chữ số."))
        if len(value) > 300:
            raise invalid("value", _("Giá trị dài quá 300 ký tự."))
        record.corrections = {**record.corrections, record.returned_field: value}
        record.submissions += 1
        record.state = RegistrationState.AWAITING
        record.save(update_fields=["corrections", "submissions", "state"])
        event = record_event(
            dossier_id=dossier.pk, action=CORRECTED, at=at, actor=actor,
            from_status=dossier.status, to_status=dossier.status,
            note=note or _("Đã sửa theo yêu cầu của Cơ sở dữ liệu hộ tịch."),
            payload={"field": record.returned_field, "value": value,
                     "submission": record.submissions},
        )
        _send(record, dossier, at=at, event_id=event.pk)
    return record


# --- service levels --------------------------------------------------------------------------
def warnings_raise(*, now: datetime) -> int:
    return service_levels.warnings_raise(system=SYSTEM, now=now)
