"""Results another system issues after the ward's decision, stored as the dossier's result.

The civil-status registry answers an approved registration with its electronic extract (a
signed PDF): it becomes the dossier's result file, like a file the counter attaches when it
hands a result over, so the resident downloads it and staff print it only on request. Only
``cases`` writes a dossier, so the connector calls this.
"""

from __future__ import annotations

from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from cases.actions import record_event
from cases.models import Dossier, DossierEvent


def dossier_attach_external_result(
    *, dossier_id: int, content: bytes, filename: str, action: str, at: datetime,
    note: str = "", payload: dict | None = None, actor=None,
) -> DossierEvent:
    """Store ``content`` as the result file and record ``action`` in the history, atomically."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier_id)
        dossier.result_file.save(filename, ContentFile(content), save=False)
        dossier.save(update_fields=["result_file"])
        return record_event(
            dossier_id=dossier.pk, action=action, at=at, actor=actor,
            from_status=dossier.status, to_status=dossier.status, note=note, payload=payload,
        )
