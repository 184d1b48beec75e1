"""The post-audit draw: which decisions taken under delegation the authoriser reviews.

The draw happens when the decision is signed, inside its transaction. Its random part is
``HMAC-SHA256(POST_AUDIT_SECRET, "<dossier id>:<event id>")`` read as a uniform number in
[0, 1): the delegate cannot predict it (they do not hold the secret, and the event id is only
known once the decision is written), and anyone holding the secret re-runs it from the stored
message (``redraw``). The rule applied is stored as it stood, with the reasons that matched.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from cases.calendar import working_calendar
from cases.models import (
    Authorisation,
    DossierEvent,
    Outcome,
    PostAuditDraw,
    PostAuditRule,
)

#: Reasons a decision is drawn, as stored in ``PostAuditDraw.reasons``.
RANDOM = "random"
REFUSAL = "refusal"
FEE = "fee"
PROCEDURE = "procedure"
NEW_DELEGATE = "new_delegate"


@dataclass(frozen=True)
class Rule:
    """A rule's parameters as the draw used them (stored with the draw)."""

    source: str
    random_percent: float
    every_refusal: bool
    fee_above: int | None
    every_decision: bool
    new_delegate_days: int


DEFAULT_RULE = Rule(source="", random_percent=10.0, every_refusal=True, fee_above=None,
                    every_decision=False, new_delegate_days=30)


def rule_for(procedure_code: str) -> Rule:
    """The most specific rule: the procedure's full code, then its root, then the general one."""
    rules = {r.procedure_code: r for r in PostAuditRule.objects.all()}
    root = ".".join(procedure_code.split(".")[:2])
    for key in (procedure_code, root, ""):
        if key in rules:
            r = rules[key]
            return Rule(source=key, random_percent=float(r.random_percent),
                        every_refusal=r.every_refusal, fee_above=r.fee_above,
                        every_decision=r.every_decision, new_delegate_days=r.new_delegate_days)
    return DEFAULT_RULE


def uniform(message: str, *, secret: str | None = None) -> float:
    """HMAC-SHA256 of ``message`` as a number in [0, 1) (its first 8 bytes over 2**64)."""
    key = (secret if secret is not None else settings.POST_AUDIT_SECRET).encode()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def matched_reasons(*, rule: Rule, value: float, refused: bool, fee: int | None,
                    days_delegated: int) -> list[str]:
    """Every part of the rule the decision matches (empty: not drawn)."""
    reasons = []
    if value < rule.random_percent / 100:
        reasons.append(RANDOM)
    if rule.every_refusal and refused:
        reasons.append(REFUSAL)
    if rule.fee_above is not None and (fee or 0) > rule.fee_above:
        reasons.append(FEE)
    if rule.every_decision:
        reasons.append(PROCEDURE)
    if days_delegated < rule.new_delegate_days:
        reasons.append(NEW_DELEGATE)
    return reasons


def _days_delegated(authorisation: Authorisation, at: datetime) -> int:
    """Days since the delegate's first authorisation from any leader took effect."""
    first = (Authorisation.objects.filter(authorised_id=authorisation.authorised_id)
             .order_by("valid_from").values_list("valid_from", flat=True).first())
    return (timezone.localdate(at) - first).days


def review_due(at: datetime) -> datetime:
    cal = working_calendar()
    day = cal.add_working_days(timezone.localdate(at), settings.POST_AUDIT_REVIEW_WORKING_DAYS)
    return cal.end_of_day(day)


def post_audit_draw(event: DossierEvent) -> PostAuditDraw:
    """Draw the decision ``event`` (signed under delegation) and store what the draw used."""
    dossier = event.dossier
    rule = rule_for(dossier.procedure.code)
    message = f"{dossier.pk}:{event.pk}"
    value = uniform(message)
    reasons = matched_reasons(
        rule=rule, value=value, refused=dossier.outcome == Outcome.REFUSED,
        fee=dossier.fee_amount, days_delegated=_days_delegated(event.authorisation, event.at),
    )
    return PostAuditDraw.objects.create(
        dossier=dossier, decision_event=event, authorisation=event.authorisation,
        decided_at=event.at, outcome=dossier.outcome, drawn=bool(reasons), reasons=reasons,
        rule=asdict(rule), hmac_message=message, draw_value=value,
        review_due_at=review_due(event.at) if reasons else None,
    )


def redraw(draw: PostAuditDraw) -> bool:
    """Whether the stored random part still gives the stored result (the audit of the audit)."""
    value = uniform(draw.hmac_message)
    in_share = value < draw.rule["random_percent"] / 100
    return value == draw.draw_value and in_share == (RANDOM in draw.reasons)
