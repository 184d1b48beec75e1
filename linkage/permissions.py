"""Who may see bundles and act on them, answered with the sentence shown to the user."""

from __future__ import annotations

from django.utils.translation import gettext as _

from thanhsen.roles import HANDLER_ROLES, STAFF_ROLES, Role

ACTION_ROLES = {
    "view": STAFF_ROLES,
    # Filing a bundle at the counter: whoever receives dossiers there.
    "file": frozenset({Role.COUNTER_OFFICER, Role.CENTER_DIRECTOR}),
    # Resending a step is the center's work; the civil-status handler may do it for theirs.
    "retry": frozenset({Role.COUNTER_OFFICER, Role.CENTER_DIRECTOR, Role.HANDLING_OFFICER}),
    "complete_correction": frozenset({Role.HANDLING_OFFICER, Role.CENTER_DIRECTOR}),
    "relatives_wait": frozenset(
        {Role.COUNTER_OFFICER, Role.CENTER_DIRECTOR, Role.HANDLING_OFFICER}
    ),
}


def bundle_denial_reason(user, bundle, action: str) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    roles = ACTION_ROLES.get(action, frozenset())
    if user.role not in roles:
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    if action != "view" and user.role in HANDLER_ROLES and bundle is not None:
        dossier = bundle.dossier
        department_id = dossier.department_id or dossier.procedure.department_id
        if user.department_id != department_id:
            return _("Hồ sơ không thuộc đơn vị của bạn.")
    return None
