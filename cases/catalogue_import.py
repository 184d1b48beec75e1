"""Loading the procedure catalogue from its JSON description (``cases/data/catalogue.json``).

Importing is idempotent: running it again changes nothing. A procedure whose rules changed is
updated in place while no dossier uses it, and gets a new version once one does, so dossiers
keep the rules they were received under.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from cases.actions import catalogue_change_record, procedure_revise
from cases.models import Agency, Department, Field, Procedure, RequiredDocument

DEFAULT_CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"

_PROCEDURE_FIELDS = (
    "name", "competent_authority", "center_may_decide", "time_limit", "time_unit",
    "verification_time_limit", "fee", "online_level", "has_result_document", "legal_basis",
    "illustrative", "form_fields", "step_allotments",
)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    revised: int = 0
    unchanged: int = 0


def catalogue_load(path: Path = DEFAULT_CATALOGUE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def catalogue_import(*, data: dict) -> ImportSummary:
    summary = ImportSummary()
    with transaction.atomic():
        fields = {
            f["code"]: Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})[0]
            for f in data["fields"]
        }
        departments = {
            d["code"]: Department.objects.update_or_create(
                code=d["code"], defaults={"name": d["name"], "kind": d["kind"]}
            )[0]
            for d in data["departments"]
        }
        agencies = {
            a["code"]: Agency.objects.update_or_create(
                code=a["code"], defaults={"name": a["name"], "system": a.get("system", "")}
            )[0]
            for a in data.get("agencies", [])
        }
        for entry in data["procedures"]:
            values = {name: entry.get(name) for name in _PROCEDURE_FIELDS if name in entry}
            values["field"] = fields[entry["field"]]
            values["department"] = departments[entry["department"]]
            values["agency"] = agencies[entry["agency"]] if entry.get("agency") else None
            _import_procedure(entry["code"], values, entry.get("documents", []), summary)
    return summary


def _document_rows(documents: list[dict]) -> list[tuple]:
    return [
        (d["name"], d["copy_type"], d.get("quantity", 1), d.get("mandatory", True))
        for d in documents
    ]


def _import_procedure(code: str, values: dict, documents: list[dict], summary: ImportSummary):
    current = Procedure.objects.filter(code=code, is_current=True).first()
    if current is None:
        procedure = Procedure.objects.create(code=code, **values)
        _replace_documents(procedure, documents)
        summary.created += 1
        return
    same_values = all(getattr(current, name) == value for name, value in values.items())
    existing_documents = [
        (d.name, d.copy_type, d.quantity, d.mandatory) for d in current.documents.all()
    ]
    if same_values and existing_documents == _document_rows(documents):
        summary.unchanged += 1
        return
    if current.dossiers.exists():
        procedure = procedure_revise(procedure=current, changes=values)
        summary.revised += 1
    else:
        Procedure.objects.filter(pk=current.pk).update(**values)
        procedure = Procedure.objects.get(pk=current.pk)
        catalogue_change_record(before=current, after=procedure, fields=values, actor=None)
        summary.updated += 1
    _replace_documents(procedure, documents)


def _replace_documents(procedure: Procedure, documents: list[dict]) -> None:
    procedure.documents.all().delete()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure, name=name, copy_type=copy_type, quantity=quantity,
            mandatory=mandatory, position=position,
        )
        for position, (name, copy_type, quantity, mandatory) in enumerate(_document_rows(documents))
    )
