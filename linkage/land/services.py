"""The land office and tax authority connectors on the framework, and the hand-over to the office.

Both connectors are the framework's (ordered outbox per dossier, acknowledgements, back-off,
the sweep); this module gives each its contract, adapter, envelope and on/off switch
(``LAND_BASE_URL``, ``TAX_BASE_URL``), and writes the office transfer inside the transaction
of the change that causes it: the dossier's hand-over to the land department, or the land
officer's explicit transfer of a dossier handed over before the connector was configured.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import record_event
from cases.models import CompetentAuthority, Dossier, DossierEvent, Status
from cases.policy import denial_reason
from linkage.framework import outbound
from linkage.framework.exchange import AdapterCache, ExchangeAdapter, ExchangeSettings
from linkage.land import SYSTEM as LAND
from linkage.land import contract as land_contract
from linkage.land import mapping
from linkage.models import LandTransfer
from linkage.tax import SYSTEM as TAX
from linkage.tax import contract as tax_contract
from thanhsen.errors import ApplicationError, ErrorKind

#: Actions the land pipeline writes to a dossier's history.
TRANSFER_ACTION = "land_transfer"
ANSWER_ACTION = "land_answer"
RESULT_ACTION = "land_result"


def land_enabled() -> bool:
    return bool(settings.LAND_BASE_URL)


def tax_enabled() -> bool:
    return bool(settings.TAX_BASE_URL)


def _land_settings() -> ExchangeSettings:
    return ExchangeSettings(settings.LAND_BASE_URL.rstrip("/"), settings.LAND_TIMEOUT_SECONDS,
                            settings.LAND_API_KEY)


def _tax_settings() -> ExchangeSettings:
    return ExchangeSettings(settings.TAX_BASE_URL.rstrip("/"), settings.TAX_TIMEOUT_SECONDS,
                            settings.TAX_API_KEY)


_land_adapters = AdapterCache(lambda conf: ExchangeAdapter(
    conf, land_contract.CONTRACT, acceptance=land_contract.ACCEPTANCE,
    reply_page=land_contract.REPLY_PAGE, reconciliation=land_contract.RECONCILIATION,
))
_tax_adapters = AdapterCache(lambda conf: ExchangeAdapter(
    conf, tax_contract.CONTRACT, acceptance=tax_contract.ACCEPTANCE,
    reply_page=tax_contract.REPLY_PAGE, reconciliation=tax_contract.RECONCILIATION,
))


def land_adapter() -> ExchangeAdapter:
    return _land_adapters.get(_land_settings())


def tax_adapter() -> ExchangeAdapter:
    return _tax_adapters.get(_tax_settings())


def _land_envelope(message, code: str) -> dict:
    return {**outbound.envelope_head(message, code, version=land_contract.CONTRACT.version),
            **mapping.file_contents(message.body)}


def _tax_envelope(message, code: str) -> dict:
    return {**outbound.envelope_head(message, code, version=tax_contract.CONTRACT.version),
            **message.body}


LAND_CONNECTOR = outbound.Connector(
    system=LAND, contract=land_contract.CONTRACT, schema_for=land_contract.schema_for,
    adapter=land_adapter, enabled=land_enabled, envelope=_land_envelope,
)
TAX_CONNECTOR = outbound.Connector(
    system=TAX, contract=tax_contract.CONTRACT, schema_for=tax_contract.schema_for,
    adapter=tax_adapter, enabled=tax_enabled, envelope=_tax_envelope,
)


def is_land_procedure(dossier: Dossier) -> bool:
    """Decided by the land registration office: its system is where the dossier goes."""
    return dossier.procedure.competent_authority == CompetentAuthority.LAND_OFFICE


def _transfer(dossier: Dossier, *, actor, at: datetime) -> LandTransfer:
    """The transfer row, its history line and its outbox message, in the caller's transaction."""
    transfer = LandTransfer.objects.create(dossier=dossier, sent_at=at, sent_by=actor)
    event = record_event(
        dossier_id=dossier.pk, action=TRANSFER_ACTION, at=at, actor=actor,
        note=_("Chuyển hồ sơ và các tệp đến Văn phòng Đăng ký đất đai."),
    )
    outbound.message_append(
        system=LAND, dossier_id=dossier.pk, kind="ChuyenHoSo", body=mapping.transfer(dossier),
        at=at, event_id=event.pk,
    )
    return transfer


def on_handover(event: DossierEvent) -> None:
    """In-transaction recorder for ``assign``: the first hand-over of a land dossier to its
    department transfers it to the office, in the same transaction (when the office is
    connected; otherwise the land officer transfers it later from the dossier page)."""
    dossier = event.dossier
    if not land_enabled() or not is_land_procedure(dossier):
        return
    if LandTransfer.objects.filter(dossier=dossier).exists():
        return
    _transfer(dossier, actor=event.actor, at=event.at)


def transfer_refusal(dossier: Dossier, actor) -> str | None:
    """Why ``actor`` may not transfer ``dossier`` to the office now, or None."""
    if not is_land_procedure(dossier):
        return _("Thủ tục này không do Văn phòng Đăng ký đất đai giải quyết.")
    reason = denial_reason(actor, dossier, "land_transfer")
    if reason:
        return reason
    if dossier.status != Status.IN_PROGRESS:
        return _("Chỉ chuyển Văn phòng hồ sơ đang giải quyết.")
    if LandTransfer.objects.filter(dossier=dossier).exists():
        return _("Hồ sơ đã được chuyển Văn phòng Đăng ký đất đai.")
    return None


def dossier_transfer_to_office(*, dossier: Dossier, actor, at: datetime | None = None
                               ) -> LandTransfer:
    """The land officer transfers a dossier handed over before the office was connected."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related(
            "procedure").get(pk=dossier.pk)
        reason = transfer_refusal(dossier, actor)
        if reason:
            raise ApplicationError(reason, kind=ErrorKind.CONFLICT)
        return _transfer(dossier, actor=actor, at=at)
