"""Edits of the procedure catalogue: a new version once dossiers use a procedure, and
an audit row for every edit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import (
    Procedure,
    RequiredDocument,
)
from cases.models.catalogue_audit import CatalogueChange
from thanhsen.errors import invalid


def procedure_revise(*, procedure: Procedure, changes: dict, actor=None) -> Procedure:
    """Publish a new version: dossiers received under the old one keep its rules."""
    allowed = {f.name for f in Procedure._meta.concrete_fields} - {
        "id", "code", "version", "is_current", "created_at"
    }
    unknown = set(changes) - allowed
    if unknown:
        raise invalid(sorted(unknown)[0], _("Không sửa được trường này."))
    with transaction.atomic():
        current = Procedure.objects.select_for_update().get(code=procedure.code, is_current=True)
        documents = list(current.documents.all())
        Procedure.objects.filter(pk=current.pk).update(is_current=False)
        new = Procedure.objects.get(pk=current.pk)
        new.pk = None
        new._state.adding = True
        new.version = current.version + 1
        new.is_current = True
        for name, value in changes.items():
            setattr(new, name, value)
        _check_step_allotments(new)
        new.save()
        for document in documents:
            document.pk = None
            document._state.adding = True
            document.procedure = new
        RequiredDocument.objects.bulk_create(documents)
        catalogue_change_record(before=current, after=new, fields=changes, actor=actor)
    return new



def _check_step_allotments(procedure: Procedure) -> None:
    """The internal process's split must name known steps and fit the legal time."""
    try:
        procedure.clean()
    except ValidationError as exc:
        raise invalid("step_allotments", exc.message_dict["step_allotments"][0]) from exc


def catalogue_change_record(*, before: Procedure, after: Procedure, fields, actor) -> None:
    """The audit row of a catalogue edit: who changed which of ``fields``, from what to what
    (fields left as they were are not listed; an edit that changed nothing leaves no row)."""
    changes = {}
    for name in fields:
        attname = Procedure._meta.get_field(name).attname
        old, new = getattr(before, attname), getattr(after, attname)
        if old != new:
            changes[name] = {"old": old, "new": new}
    if changes:
        CatalogueChange.objects.create(
            procedure=after, actor=actor if getattr(actor, "pk", None) else None, changes=changes
        )
