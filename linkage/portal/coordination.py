"""Bundles on the national coordination system (Decree 301/2026), through the portal connector.

A bundle filed on or after ``BUNDLES_ON_PORTAL_FROM`` sends each agency step to the portal,
which routes it to the police, social insurance or labour-social system and reports each leg
back; an earlier bundle keeps the agency connectors (a bundle is governed by the rules in force
on the day it is filed). Either way the step machinery of ``linkage.pipeline`` is the same:
this is an ``AgencyAdapter`` over the portal's wire (its adapter, credentials and contract),
chosen per bundle.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from linkage.adapters import AgencyAdapter, AgencyError, AgencyReply, ReplyStatus
from linkage.adapters import default_adapter as agency_adapter
from linkage.framework.contract import ContractError
from linkage.framework.outbound import TransportError
from linkage.models import Bundle
from linkage.portal.services import enabled, portal_adapter

#: The coordination system's answer → the step's.
STATES = {
    "DaNhan": ReplyStatus.RECEIVED,
    "HoanThanh": ReplyStatus.DONE,
    "TraVe": ReplyStatus.RETURNED,
}


def on_portal(filed_at: datetime) -> bool:
    """Whether a bundle filed at ``filed_at`` runs on the portal's coordination system."""
    return timezone.localdate(filed_at) >= settings.BUNDLES_ON_PORTAL_FROM


class PortalCoordinationAdapter:
    """The agency protocol (submit, status) spoken to the portal's coordination system."""

    def __init__(self, portal=None):
        self.portal = portal or portal_adapter()

    def submit(self, *, agency: str, idempotency_key: str, payload: dict) -> AgencyReply:
        step = {
            "PhienBan": "1",
            "MaDonVi": settings.UNIT_CODE,
            "MaHoSo": payload["dossier"],
            "LoaiLienThong": payload["bundle_kind"],
            "MaTTHC": payload["procedure"],
            "CoQuanNhan": agency,
            "LanSua": payload.get("correction") or 0,
            "ChuHoSo": {
                "HoTen": payload["applicant"]["name"],
                "SoDinhDanh": payload["applicant"].get("id_number") or "",
            },
        }
        try:
            answer = self.portal.coordination_submit(step, idempotency_key=idempotency_key)
        except (TransportError, ContractError) as exc:
            raise AgencyError(f"Cổng DVCQG: {exc}") from exc
        return _reply(answer)

    def status(self, *, agency: str, reference: str) -> AgencyReply:
        try:
            answer = self.portal.coordination_status(reference)
        except TransportError as exc:
            raise AgencyError(f"Cổng DVCQG: {exc}") from exc
        return _reply(answer)


def _reply(answer: dict) -> AgencyReply:
    result = dict(answer.get("KetQua") or {})
    if answer["TienTrinh"]:
        result["legs"] = answer["TienTrinh"]
    return AgencyReply(
        status=STATES[answer["TrangThai"]],
        reference=answer["MaThamChieu"],
        result=result,
        reason=answer.get("LyDo", ""),
    )


def bundle_adapter(bundle_id: int) -> AgencyAdapter:
    """The connector a bundle's steps go through: the portal's coordination system for a
    bundle filed on or after the switch day while the portal is configured, else the agencies.
    """
    filed_at = Bundle.objects.filter(pk=bundle_id).values_list("created_at", flat=True).get()
    if enabled() and on_portal(filed_at):
        return PortalCoordinationAdapter()
    return agency_adapter()
