"""Helpers for the linkage tests: the real catalogue, the people, bundles walked by actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from cases import actions
from cases.catalogue_import import catalogue_import, catalogue_load
from cases.models import Department, Procedure
from linkage.adapters import AgencyError, AgencyReply
from linkage.bundles import bundle_submit
from linkage.kinds import bundle_kinds_import
from linkage.selectors import bundle_kind_in_force
from tests.factories import UserFactory, applicant, mandatory_papers
from thanhsen.roles import Role

BIRTH_REGISTRATION = "1.001193.000.00.00.H27"
RESIDENCE = "1.004222.000.00.00.H27"
HEALTH_CARD = "9.000001.000.00.00.H27"
ID_CARD = "9.000003.000.00.00.H27"
DEATH_REGISTRATION = "1.000656.000.00.00.H27"
RESIDENCE_DELETION = "1.003197.000.00.00.H27"
SURVIVOR = "9.000002.000.00.00.H27"
FUNERAL_SUPPORT = "1.001731.000.00.00.H27"
MERITORIOUS = "1.010824.000.00.00.H27"

_CATALOGUE = catalogue_load()


@dataclass
class People:
    counter: object
    handler: object
    leader: object
    director: object
    resident: object


def load_catalogue() -> People:
    catalogue_import(data=_CATALOGUE)
    bundle_kinds_import(data=_CATALOGUE)
    civil = Department.objects.get(code="VHXH")
    center = Department.objects.filter(kind="center").first()
    return People(
        counter=UserFactory(role=Role.COUNTER_OFFICER, department=center),
        handler=UserFactory(role=Role.HANDLING_OFFICER, department=civil),
        leader=UserFactory(role=Role.WARD_LEADER),
        director=UserFactory(role=Role.CENTER_DIRECTOR, department=center),
        resident=UserFactory(role=Role.RESIDENT),
    )


def papers(kind: str, at=None) -> list:
    """The mandatory papers of the kind's civil-status procedure, received at the counter."""
    found = bundle_kind_in_force(kind, on=timezone.localdate(at or timezone.now()))
    if found is None:
        return []
    return mandatory_papers(Procedure.objects.get(code=found.root_procedure_code, is_current=True))


def submit(people: People, kind: str = "birth", chosen=(), **kwargs):
    kwargs.setdefault("documents", papers(kind, kwargs.get("at")))
    return bundle_submit(
        kind_code=kind,
        applicant=applicant(),
        actor=people.counter,
        channel="direct",
        chosen_procedures=chosen,
        receive=True,
        **kwargs,
    )


def approve(people: People, bundle):
    """The civil-status officer's part in the workspace: assign, submit, sign."""
    dossier = bundle.dossier
    dossier = actions.dossier_assign(dossier=dossier, actor=people.counter, handler=people.handler)
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=people.handler)
    return actions.dossier_approve(dossier=dossier, actor=people.leader)


@dataclass
class FakeAdapter:
    """Answers from a script: a list of replies or exceptions, then ``done`` for ever."""

    script: list = field(default_factory=list)
    calls: list = field(default_factory=list)

    def submit(self, *, agency, idempotency_key, payload):
        self.calls.append(("submit", agency, idempotency_key, payload["procedure"]))
        return self._next()

    def status(self, *, agency, reference):
        self.calls.append(("status", agency, reference, None))
        return self._next()

    def _next(self):
        reply = (
            self.script.pop(0)
            if self.script
            else AgencyReply(
                status="done",
                reference="REF-1",
                result={"document": "Thẻ bảo hiểm y tế", "number": "TE1"},
            )
        )
        if isinstance(reply, AgencyError):
            raise reply
        return reply
