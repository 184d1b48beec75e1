"""Who may sign a dossier's decision, in their own right or under a written authorisation.

The authoriser remains accountable, so a decision taken under an authorisation records it
(event and dossier), and the authorised user may not pass the power on: only records whose
authoriser is a ward leader count.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from cases.models.catalogue import CompetentAuthority
from cases.models.delegation import Authorisation
from thanhsen.roles import Role

OWN_AUTHORITY = {
    CompetentAuthority.WARD_LEADER: Role.WARD_LEADER,
    CompetentAuthority.CENTER_DIRECTOR: Role.CENTER_DIRECTOR,
    CompetentAuthority.LAND_OFFICE: Role.LAND_OFFICER,
}


def authorisation_for(user, procedure, *, at: date) -> Authorisation | None:
    """A valid authorisation letting ``user`` decide ``procedure`` in a leader's name."""
    candidates = Authorisation.objects.filter(
        authorised=user,
        authoriser__role=Role.WARD_LEADER,
        authoriser__is_active=True,
        revoked_at__isnull=True,
        valid_from__lte=at,
        valid_until__gte=at,
    ).order_by("-valid_from")
    return next((a for a in candidates if a.covers(procedure.code)), None)


def signing_authorisation(user, procedure, *, at: date) -> Authorisation | None:
    """The authorisation a signature by ``user`` is given under; None when in their own right.

    Only a ward leader's power is delegated: a director signing a procedure in their own right
    acts under no authorisation, even if one happens to cover its code.
    """
    if (
        user.role == Role.CENTER_DIRECTOR
        and procedure.competent_authority == CompetentAuthority.WARD_LEADER
    ):
        return authorisation_for(user, procedure, at=at)
    return None


def signing_denial_reason(user, dossier, *, at: date) -> str | None:
    procedure = dossier.procedure
    authority = procedure.competent_authority
    if authority == CompetentAuthority.AGENCY:
        return _("Thủ tục thuộc thẩm quyền của cơ quan liên thông, không ký tại phường.")
    if user.role == OWN_AUTHORITY.get(authority):
        return None
    if authority != CompetentAuthority.WARD_LEADER or user.role != Role.CENTER_DIRECTOR:
        return _("Bạn không có thẩm quyền ký quyết định cho thủ tục này.")
    if not procedure.center_may_decide:
        return _("Thủ tục này không được ủy quyền cho Trung tâm quyết định.")
    if authorisation_for(user, procedure, at=at) is None:
        if _has_lapsed_authorisation(user, procedure, at=at):
            return _("Văn bản ủy quyền đã hết hiệu lực hoặc đã bị thu hồi.")
        if _has_authorisation_not_from_a_leader(user, procedure, at=at):
            return _(
                "Văn bản ủy quyền không do lãnh đạo UBND phường ban hành; không được ủy quyền lại."
            )
        return _("Bạn không có văn bản ủy quyền còn hiệu lực cho thủ tục này.")
    return None


def _has_lapsed_authorisation(user, procedure, *, at: date) -> bool:
    return any(
        a.covers(procedure.code)
        for a in Authorisation.objects.filter(authorised=user, authoriser__role=Role.WARD_LEADER)
        if a.revoked_at or not (a.valid_from <= at <= a.valid_until)
    )


def _has_authorisation_not_from_a_leader(user, procedure, *, at: date) -> bool:
    """A record in force but given by someone who does not hold the power (re-delegation).

    Named apart so the officer learns why a paper they hold does not count.
    """
    return any(
        a.covers(procedure.code)
        for a in Authorisation.objects.filter(
            authorised=user, revoked_at__isnull=True, valid_from__lte=at, valid_until__gte=at
        ).exclude(authoriser__role=Role.WARD_LEADER)
    )
