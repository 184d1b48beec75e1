"""Who may sign a dossier's decision, in their own right or under a written authorisation.

The authoriser remains accountable, so a decision taken under an authorisation records it
(event and dossier), and the authorised user may not pass the power on: only records whose
authoriser is a ward leader count.

The small predicates here (``may_delegate``, ``may_be_delegated``, ``delegable``) answer
"may this user do this" for the delegation register; the policy module can fold them in.
``signing_lines`` writes the authority a signature is given under, in the Vietnamese
administrative convention (Decree 30/2020 on administrative documents): TM. for the People's
Committee, KT. for a vice-chairman signing for the chairman, TUQ. under a written
authorisation with the authoriser's title above the signer's.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models.catalogue import CompetentAuthority
from cases.models.delegation import Authorisation
from thanhsen.models import DepartmentKind
from thanhsen.roles import Role

OWN_AUTHORITY = {
    CompetentAuthority.WARD_LEADER: Role.WARD_LEADER,
    CompetentAuthority.CENTER_DIRECTOR: Role.CENTER_DIRECTOR,
    CompetentAuthority.LAND_OFFICE: Role.LAND_OFFICER,
}

#: Roles that never receive a ward leader's power: leaders hold it, the others are not staff.
NEVER_DELEGATED = frozenset({Role.WARD_LEADER, Role.RESIDENT, Role.ADMINISTRATOR, Role.SYSTEM})

#: The title a signature shows when the account records none (its role's usual title).
DEFAULT_TITLES = {
    Role.WARD_LEADER: "Chủ tịch",
    Role.CENTER_DIRECTOR: "Giám đốc Trung tâm",
    Role.LAND_OFFICER: "Giám đốc Chi nhánh Văn phòng Đăng ký đất đai",
}
CHAIRMAN = "Chủ tịch"
COMMITTEE = "Ủy ban nhân dân"


def may_delegate(user) -> bool:
    """Only the holder of the power, the ward's chairman or a vice-chairman, authorises."""
    return bool(user and user.is_active and user.role == Role.WARD_LEADER)


def may_be_delegated(user) -> bool:
    """The center's director, a deputy or a named specialist of the center."""
    if not user or not user.is_active or user.role in NEVER_DELEGATED:
        return False
    if user.role == Role.CENTER_DIRECTOR:
        return True
    return bool(user.department_id and user.department.kind == DepartmentKind.CENTER)


def delegable(procedure) -> bool:
    """The catalogue marks it: a ward leader decides it and the center may decide it for them."""
    return (procedure.competent_authority == CompetentAuthority.WARD_LEADER
            and procedure.center_may_decide)


def title_of(user) -> str:
    return (user.position or DEFAULT_TITLES.get(user.role, "")).strip()


def _moment(at: date | datetime) -> datetime:
    """A date names the whole day up to now: the pages ask "may I sign today"."""
    if isinstance(at, datetime):
        return at
    end = timezone.make_aware(datetime.combine(at, time.max))
    return min(end, timezone.now())


def authorisation_for(user, procedure, *, at: date | datetime) -> Authorisation | None:
    """A valid authorisation letting ``user`` decide ``procedure`` in a leader's name."""
    moment = _moment(at)
    day = timezone.localdate(moment)
    candidates = Authorisation.objects.filter(
        authorised=user,
        authoriser__role=Role.WARD_LEADER,
        authoriser__is_active=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ).order_by("-valid_from")
    return next(
        (a for a in candidates if a.covers(procedure.code) and not a.ended_before(moment)), None
    )


def signing_authorisation(user, procedure, *, at: date | datetime) -> Authorisation | None:
    """The authorisation a signature by ``user`` is given under; None when in their own right.

    Only a ward leader's power is delegated: a director signing a procedure in their own right
    acts under no authorisation, even if one happens to cover its code.
    """
    if procedure.competent_authority == CompetentAuthority.WARD_LEADER and may_be_delegated(user):
        return authorisation_for(user, procedure, at=at)
    return None


def signing_denial_reason(user, dossier, *, at: date | datetime) -> str | None:
    procedure = dossier.procedure
    authority = procedure.competent_authority
    if authority == CompetentAuthority.AGENCY:
        return _("Thủ tục thuộc thẩm quyền của cơ quan liên thông, không ký tại phường.")
    if user.role == OWN_AUTHORITY.get(authority):
        return None
    if authority != CompetentAuthority.WARD_LEADER or not may_be_delegated(user):
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


def signing_lines(user, procedure, authorisation: Authorisation | None) -> list[str]:
    """The lines above a signature, upper-case as printed, ending with the signer's title.

    Under an authorisation: "TUQ. <authoriser's title>" over the signer's title, both as the
    authorisation recorded them. A ward leader signs for the People's Committee (TM.); a
    vice-chairman signs for the chairman (KT.). Anyone else signs with their own title.
    """
    if authorisation is not None:
        authoriser = authorisation.authoriser_title or title_of(authorisation.authoriser)
        signer = authorisation.authorised_title or title_of(user)
        return [f"TUQ. {authoriser.upper()}", signer.upper()]
    title = title_of(user)
    if user.role == Role.WARD_LEADER:
        lines = [f"TM. {COMMITTEE.upper()}"]
        if title.casefold() != CHAIRMAN.casefold():
            lines.append(f"KT. {CHAIRMAN.upper()}")
        return [*lines, title.upper()]
    return [title.upper()] if title else []


def _has_lapsed_authorisation(user, procedure, *, at) -> bool:
    moment = _moment(at)
    day = timezone.localdate(moment)
    return any(
        a.covers(procedure.code)
        for a in Authorisation.objects.filter(authorised=user, authoriser__role=Role.WARD_LEADER)
        if a.ended_before(moment) or not (a.valid_from <= day <= a.valid_until)
    )


def _has_authorisation_not_from_a_leader(user, procedure, *, at) -> bool:
    """A record in force but given by someone who does not hold the power (re-delegation).

    Named apart so the officer learns why a paper they hold does not count.
    """
    day = timezone.localdate(_moment(at))
    return any(
        a.covers(procedure.code)
        for a in Authorisation.objects.filter(
            authorised=user, revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day
        ).exclude(authoriser__role=Role.WARD_LEADER)
    )
