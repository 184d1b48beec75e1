"""Bundle kinds as configuration: the catalogue's ``bundles`` section plus each step's limit.

The catalogue lists which procedures a bundle holds and the bundle's own limits; the limit a
step has *inside* the bundle (Decree 63/2024) is shorter than the procedure's standalone limit,
so it is held here, keyed by the procedure's national root code. A step without an entry keeps
the procedure's catalogue limit (the child's ID card of Decree 301/2026, for now).

Each catalogue entry is one version of a group, in force from its ``effective_from`` (none: from
before any other); a bundle takes the version in force on the day it is filed. The death
bundle's total depends on the beneficiary group (``time_limit_by_group``, Decree 63/2024):
people with meritorious service 18 working days, social assistance 6 (11 when the deceased
was 80 or older with a monthly survivor allowance), social insurance 9; the relatives' VNeID
confirmations are a pause, not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from cases.catalogue_import import catalogue_load
from cases.models import Procedure
from linkage.models import BundleKind, BundleKindStep


@dataclass(frozen=True)
class StepRule:
    time_limit: int
    verification_time_limit: int | None = None
    #: Survivor benefits wait for the relatives' VNeID confirmations; the wait is not counted.
    awaits_relatives: bool = False


STEP_RULES: dict[str, StepRule] = {
    "1.004222": StepRule(2, 5),  # permanent residence registration (police)
    "9.000001": StepRule(2),  # health-insurance card for a child under 6 (social insurance)
    "1.003197": StepRule(0),  # deletion of permanent residence (police), same working day
    "9.000002": StepRule(8, awaits_relatives=True),  # survivor benefits (social insurance)
    "1.001731": StepRule(5, awaits_relatives=True),  # funeral support, social assistance
    "1.010824": StepRule(17, awaits_relatives=True),  # allowance, people with meritorious service
}


def _root(code: str) -> str:
    return ".".join(code.split(".")[:2])


def bundle_kinds_import(*, data: dict | None = None) -> int:
    """Create or refresh the bundle kinds from the catalogue; returns how many were loaded.

    Idempotent, and safe to run before or after the procedures: a step whose procedure is not
    in the catalogue stops the import with the code, instead of a bundle failing later.
    """
    data = data if data is not None else catalogue_load()
    entries = data.get("bundles", [])
    with transaction.atomic():
        for entry in entries:
            effective_from = entry.get("effective_from")
            kind, _created = BundleKind.objects.update_or_create(
                code=entry["kind"],
                effective_from=date.fromisoformat(effective_from) if effective_from else None,
                defaults=dict(
                    name=entry["name"],
                    catalogue_code=entry.get("catalogue_code", ""),
                    root_procedure_code=entry["root_procedure"],
                    time_limit=entry.get("time_limit"),
                    verification_time_limit=entry.get("verification_time_limit"),
                    max_procedures=entry.get("max_procedures"),
                    time_limit_by_group=entry.get("time_limit_by_group", {}),
                ),
            )
            codes = []
            for position, step in enumerate(entry["steps"]):
                code = step["procedure"]
                procedure = Procedure.objects.filter(code=code, is_current=True).first()
                if procedure is None:
                    raise ValueError(
                        f"bundle {entry['kind']}: no procedure {code} in the catalogue"
                    )
                rule = STEP_RULES.get(_root(code)) or StepRule(
                    procedure.time_limit, procedure.verification_time_limit
                )
                BundleKindStep.objects.update_or_create(
                    kind=kind,
                    procedure_code=code,
                    defaults=dict(
                        position=position,
                        optional=step.get("optional", False),
                        time_limit=rule.time_limit,
                        verification_time_limit=rule.verification_time_limit,
                        awaits_relatives=rule.awaits_relatives,
                    ),
                )
                codes.append(code)
            kind.steps.exclude(procedure_code__in=codes).delete()
    return len(entries)
