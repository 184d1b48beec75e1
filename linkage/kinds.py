"""Bundle kinds as configuration: the catalogue's ``bundles`` section plus each step's limit.

The catalogue lists which procedures a bundle holds and the bundle's own limits; the limit a
step has *inside* the bundle (Decree 63/2024) is shorter than the procedure's standalone limit,
so it is held here, keyed by the procedure's national root code. A step without an entry keeps
the procedure's catalogue limit (the child's ID card of Decree 301/2026, for now).
"""

from __future__ import annotations

from dataclasses import dataclass

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
            kind, _created = BundleKind.objects.update_or_create(
                code=entry["kind"],
                defaults=dict(
                    name=entry["name"],
                    root_procedure_code=entry["root_procedure"],
                    time_limit=entry.get("time_limit"),
                    verification_time_limit=entry.get("verification_time_limit"),
                    time_limit_by_choice=entry.get("time_limit_by_choice", {}),
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
