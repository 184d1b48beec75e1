"""Dossiers residents filed on the national portal, arriving in the counter's queue.

Pulled on a schedule (``inbound_pull``) and accepted when the portal pushes one; either way
``inbound_accept`` stores each offer once by the portal's code (a unique constraint, so two
offers racing still make one dossier), checks it against the contract, fetches its component
files and checks them like our own uploads (the hash the portal gave, then the content: PDF,
JPEG or PNG by their bytes, within the size limit), and registers an online dossier through
``cases`` for the counter's intake check. The counter's receive, ask to complete and refusal
then go back to the portal as statuses 2, 5 and 3 like any other change.

An offer that does not conform, or whose file is not what it claims, is kept with the reason
and creates no dossier; staff see it on the sync health page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.actions import Applicant, SubmittedDocument, dossier_create
from cases.models import Channel, Dossier
from cases.uploads import validate_scan
from linkage.framework.models import InboundItem, OutboundMessage, SyncCursor
from linkage.framework.outbound import TransportError
from linkage.portal import SYSTEM
from linkage.portal.contract import CONTRACT, ONLINE_DOSSIER
from linkage.portal.services import enabled, portal_adapter
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

log = logging.getLogger(__name__)

PORTAL_USERNAME = "cong-dvcqg"


class Verdict:
    CREATED = "created"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    BAD_FILE = "bad_file"


@dataclass(frozen=True)
class InboundOutcome:
    verdict: str
    dossier: Dossier | None = None
    reason: str = ""


def portal_actor():
    """The account the portal acts as in a forwarded dossier's history (cannot log in)."""
    user, created = get_user_model().objects.update_or_create(
        username=PORTAL_USERNAME,
        defaults=dict(role=Role.SYSTEM, last_name="Cổng Dịch vụ công quốc gia", first_name=""),
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _keep(external_id: str, item, *, error: str, at: datetime) -> InboundOutcome:
    """An offer that made no dossier, kept with its reason (once; later offers count)."""
    stored, created = InboundItem.objects.get_or_create(
        system=SYSTEM, external_id=external_id[:80],
        defaults=dict(kind=ONLINE_DOSSIER, body=item if isinstance(item, dict) else {},
                      received_at=at, error=error[:2000]),
    )
    if not created:
        InboundItem.objects.filter(pk=stored.pk).update(offers=stored.offers + 1)
    log.warning("portal inbound %s refused: %s", external_id, error)
    return InboundOutcome(Verdict.INVALID, reason=error)


def _documents(item: dict, fetch: Callable[[str], bytes]) -> list[SubmittedDocument]:
    """Fetch and check each file; ``ValueError`` with a Vietnamese reason if one fails."""
    documents = []
    for component in item["ThanhPhanHoSo"]:
        described = component["TepTin"]
        content = fetch(described["DuongDan"])
        if hashlib.sha256(content).hexdigest() != described["MaBam"]:
            raise ValueError(
                f"Tệp “{described['TenTep']}” không khớp mã băm Cổng đã gửi (tệp bị thay đổi "
                "hoặc tải về không đủ)."
            )
        if "KichThuoc" in described and described["KichThuoc"] != len(content):
            raise ValueError(f"Tệp “{described['TenTep']}” không đúng kích thước Cổng đã gửi.")
        upload = ContentFile(content, name=described["TenTep"])
        try:
            validate_scan(upload)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        documents.append(SubmittedDocument(name=component["TenGiayTo"], copy_type="electronic",
                                           file=upload))
    return documents


def inbound_accept(item, *, fetch: Callable[[str], bytes], at: datetime | None = None
                   ) -> InboundOutcome:
    at = at or timezone.now()
    external_id = item.get("MaHoSoDVCQG") if isinstance(item, dict) else None
    if not isinstance(external_id, str) or not external_id.strip():
        return InboundOutcome(Verdict.INVALID, reason="Thiếu mã hồ sơ trên Cổng (MaHoSoDVCQG).")
    existing = InboundItem.objects.filter(system=SYSTEM, external_id=external_id).first()
    if existing is not None:
        InboundItem.objects.filter(pk=existing.pk).update(offers=existing.offers + 1)
        return InboundOutcome(Verdict.DUPLICATE, existing.dossier, existing.error)
    errors = CONTRACT.errors(ONLINE_DOSSIER, item)
    if errors:
        return _keep(external_id, item, error="Không đúng hợp đồng: " + "; ".join(errors[:5]),
                     at=at)
    try:
        documents = _documents(item, fetch)
    except ValueError as exc:
        outcome = _keep(external_id, item, error=str(exc), at=at)
        return InboundOutcome(Verdict.BAD_FILE, reason=outcome.reason)
    applicant = item["ChuHoSo"]
    try:
        with transaction.atomic():
            stored = InboundItem.objects.create(
                system=SYSTEM, external_id=external_id, kind=ONLINE_DOSSIER, body=item,
                received_at=at,
            )
            dossier = dossier_create(
                procedure_code=item["MaTTHC"],
                applicant=Applicant(
                    name=applicant["HoTen"], id_number=applicant["SoDinhDanh"],
                    phone=applicant.get("SoDienThoai", ""), address=applicant["DiaChi"],
                    email=applicant.get("Email", ""),
                ),
                channel=Channel.ONLINE,
                actor=portal_actor(),
                documents=documents,
                note=f"Nhận từ Cổng DVCQG, mã {external_id}",
                at=at,
            )
            stored.dossier = dossier
            stored.save(update_fields=["dossier"])
            _link_creation(dossier, external_id)
    except IntegrityError:
        # Another offer of the same dossier won the race: it is stored once.
        existing = InboundItem.objects.get(system=SYSTEM, external_id=external_id)
        return InboundOutcome(Verdict.DUPLICATE, existing.dossier)
    except ApplicationError as exc:
        details = "; ".join(str(m) for ms in (exc.fields or {}).values() for m in ms)
        return _keep(external_id, item, error=f"{exc.message} {details}".strip(), at=at)
    return InboundOutcome(Verdict.CREATED, dossier)


def _link_creation(dossier: Dossier, external_id: str) -> None:
    """Our creation message names the portal's code, so the portal links the two records."""
    message = OutboundMessage.objects.filter(
        stream__system=SYSTEM, stream__dossier=dossier, kind="TaoHoSo"
    ).first()
    if message is not None:
        message.body = {**message.body, "MaHoSoDVCQG": external_id}
        message.save(update_fields=["body"])


def inbound_pull(*, adapter=None, pages: int = 10) -> dict:
    """Take what the portal offers since the stored cursor (beat, and on demand)."""
    counts = {Verdict.CREATED: 0, Verdict.DUPLICATE: 0, Verdict.INVALID: 0, Verdict.BAD_FILE: 0}
    if not enabled():
        return counts
    adapter = adapter or portal_adapter()
    cursor, _created = SyncCursor.objects.get_or_create(system=SYSTEM, name="dossiers")
    for _page in range(pages):
        items, next_cursor = adapter.online_dossiers(cursor.value)
        for item in items:
            try:
                outcome = inbound_accept(item, fetch=adapter.file)
            except TransportError as exc:
                # The files could not be fetched now: stop here, the cursor stays, retry later.
                log.warning("portal inbound: could not fetch files (%s)", exc)
                return counts
            counts[outcome.verdict] += 1
        if next_cursor == cursor.value or not items:
            break
        cursor.value = next_cursor
        cursor.updated_at = timezone.now()
        cursor.save(update_fields=["value", "updated_at"])
    return counts
