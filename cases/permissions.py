"""Who may do what to a dossier: the role × action matrix and the relationship rules.

``denial_reason`` answers with the Vietnamese sentence shown to the user, or ``None`` when
the action is allowed; the state machine's ``permission=`` hooks and the services share it,
so buttons offered on a page and the checks that guard a service never disagree.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from thanhsen.roles import HANDLER_ROLES, Role

COUNTER = Role.COUNTER_OFFICER
HANDLING = Role.HANDLING_OFFICER
LAND = Role.LAND_OFFICER
DIRECTOR = Role.CENTER_DIRECTOR
LEADER = Role.WARD_LEADER
RESIDENT = Role.RESIDENT
#: An integration acting for the center (the payment gateway): no login, one narrow right.
SYSTEM = Role.SYSTEM

#: Actions a signer takes: who may do them depends on the procedure's competent authority.
SIGNING_ACTIONS = frozenset({"approve", "refuse", "send_back"})

ACTION_ROLES: dict[str, frozenset[str]] = {
    "create": frozenset({COUNTER, DIRECTOR, RESIDENT}),
    "receive": frozenset({COUNTER, DIRECTOR}),
    "refuse_intake": frozenset({COUNTER, DIRECTOR}),
    "request_completion": frozenset({COUNTER, DIRECTOR}),
    "complete": frozenset({RESIDENT, COUNTER}),
    "assign": frozenset({COUNTER, DIRECTOR, HANDLING, LAND}),
    "request_supplement": frozenset({HANDLING, LAND, DIRECTOR}),
    "supplement": frozenset({COUNTER, RESIDENT}),
    "request_payment": frozenset({HANDLING, LAND, DIRECTOR}),
    "confirm_payment": frozenset({COUNTER, LAND, DIRECTOR, SYSTEM}),
    "pay_fee": frozenset({COUNTER, DIRECTOR, SYSTEM}),
    "submit_for_approval": frozenset({HANDLING, LAND, DIRECTOR}),
    "return_result": frozenset({COUNTER, DIRECTOR}),
    "request_stop": frozenset({RESIDENT, COUNTER}),
    "stop": frozenset({COUNTER, DIRECTOR}),
    "extend": frozenset({HANDLING, LAND, DIRECTOR}),
    "release": frozenset({HANDLING, LAND, DIRECTOR}),
    "view_personal_data": frozenset({COUNTER, HANDLING, LAND, DIRECTOR, LEADER, RESIDENT}),
}


def denial_reason(user, dossier, action: str, *, at: datetime | None = None) -> str | None:
    """Why ``user`` may not take ``action`` on ``dossier`` at ``at`` (default now), or ``None``.

    ``at`` matters for signing: an authorisation is judged on the day the decision takes
    effect, the same day the service records it under, not on the day the code runs.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    if action in SIGNING_ACTIONS:
        from cases.delegation import signing_denial_reason

        return signing_denial_reason(
            user, dossier, at=timezone.localdate(at) if at else timezone.localdate()
        )
    roles = ACTION_ROLES.get(action)
    if roles is None or user.role not in roles:
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    if user.role == RESIDENT:
        if dossier.applicant_user_id != user.pk:
            return _("Bạn chỉ thao tác được trên hồ sơ của chính mình.")
        return None
    if user.role in HANDLER_ROLES and action != "view_personal_data":
        return _handler_denial_reason(user, dossier)
    if action == "assign" and user.role == COUNTER and dossier.handler_id:
        # The assignment lock: once a handler has taken a dossier, only the director moves it.
        return _("Hồ sơ đang được xử lý bởi %(name)s; chỉ Giám đốc Trung tâm được giao lại.") % {
            "name": dossier.handler
        }
    return None


def _handler_denial_reason(user, dossier) -> str | None:
    department_id = dossier.department_id or dossier.procedure.department_id
    if user.department_id != department_id:
        return _("Hồ sơ không thuộc đơn vị của bạn.")
    if dossier.handler_id and dossier.handler_id != user.pk:
        return _("Hồ sơ đang được xử lý bởi %(name)s.") % {"name": dossier.handler}
    return None


def transition_permission(action: str):
    """The ``permission=`` hook of a state-machine transition."""

    def allowed(instance, user) -> bool:
        return denial_reason(user, instance, action) is None

    return allowed
