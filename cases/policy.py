"""The one policy: who may do what to which dossier, who may see personal data, who opens
which pages. The API, the pages, the printed forms, the scans, the navigation and the tests
all ask here, so a button offered, a page opened and a check inside a service never disagree.

The named role sets live in ``thanhsen.roles``; this module says what each set may do.

Personal data are the applicant's ID number, phone, address and e-mail (the name is not: it
is on every queue, report and receipt). Only the people whose work needs them see them: the
applicant, the counter and the director of the center for every dossier, a handler for the
dossiers of their own department. The ward leader signs from the dossier's substance and the
administrator keeps accounts and the catalogue; neither needs them, so neither sees them,
not through the API, the printed forms nor the scans. Every read of them by staff is written
in the dossier's history (``cases.actions.dossier_record_personal_data_view``).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from thanhsen.roles import (
    CASEWORK_ROLES,
    HANDLER_ROLES,
    INTAKE_ROLES,
    LEADERSHIP_ROLES,
    WORKSPACE_ROLES,
    Role,
)

COUNTER = Role.COUNTER_OFFICER
HANDLING = Role.HANDLING_OFFICER
LAND = Role.LAND_OFFICER
DIRECTOR = Role.CENTER_DIRECTOR
LEADER = Role.WARD_LEADER
RESIDENT = Role.RESIDENT
#: An integration acting for the center (the payment gateway): no login, one narrow right.
SYSTEM = Role.SYSTEM
#: The audience of a visitor who has not logged in (pages and the menu).
ANONYMOUS = "anonymous"

# --- what a user may do to a dossier ---------------------------------------------------------
#: Actions a signer takes: who may do them depends on the procedure's competent authority.
SIGNING_ACTIONS = frozenset({"approve", "refuse", "send_back", "correct_result"})

ACTION_ROLES: dict[str, frozenset[str]] = {
    # Role.SYSTEM: dossiers the national portal forwards (online only, never received by it).
    "create": frozenset({COUNTER, DIRECTOR, RESIDENT, Role.SYSTEM}),
    "receive": frozenset({COUNTER, DIRECTOR}),
    "refuse_intake": frozenset({COUNTER, DIRECTOR}),
    "request_completion": frozenset({COUNTER, DIRECTOR}),
    "complete": frozenset({RESIDENT, COUNTER}),
    "assign": frozenset({COUNTER, DIRECTOR, HANDLING, LAND}),
    "request_supplement": frozenset({HANDLING, LAND, DIRECTOR}),
    "supplement": frozenset({COUNTER, RESIDENT}),
    # SYSTEM: the tax authority's notice of a land dossier's financial obligation.
    "request_payment": frozenset({HANDLING, LAND, DIRECTOR, SYSTEM}),
    "confirm_payment": frozenset({COUNTER, LAND, DIRECTOR, SYSTEM}),
    "pay_fee": frozenset({COUNTER, DIRECTOR, SYSTEM}),
    "submit_for_approval": frozenset({HANDLING, LAND, DIRECTOR}),
    "return_result": frozenset({COUNTER, DIRECTOR}),
    "request_stop": frozenset({RESIDENT, COUNTER}),
    "stop": frozenset({COUNTER, DIRECTOR}),
    # Receipt regardless of boundary: sent on to the competent unit at intake.
    "transfer": frozenset({COUNTER, DIRECTOR}),
    "extend": frozenset({HANDLING, LAND, DIRECTOR}),
    "release": frozenset({HANDLING, LAND, DIRECTOR}),
    # A post-audit finding "sai": only the accountable leader opens the correction.
    "open_correction": frozenset({LEADER}),
    # An e-certified copy reused as a component: at the counter, or by the resident online.
    "reuse_certified_copy": frozenset({COUNTER, DIRECTOR, RESIDENT}),
    # Transferring a land dossier to the land registration office's system (linkage.land).
    "land_transfer": frozenset({LAND, DIRECTOR}),
}


def _logged_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _in_department(user, dossier) -> bool:
    return user.department_id == (dossier.department_id or dossier.procedure.department_id)


def denial_reason(user, dossier, action: str, *, at: datetime | None = None) -> str | None:
    """Why ``user`` may not take ``action`` on ``dossier`` at ``at`` (default now), or ``None``.

    ``at`` matters for signing: an authorisation is judged on the day the decision takes
    effect, the same day the service records it under, not on the day the code runs.
    """
    if not _logged_in(user):
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    if action == "view_personal_data":
        if may_view_personal_data(user, dossier):
            return None
        return _("Vai trò của bạn không được xem thông tin cá nhân của người nộp hồ sơ.")
    if action in SIGNING_ACTIONS:
        from cases.delegation import signing_denial_reason

        return signing_denial_reason(user, dossier, at=at or timezone.now())
    roles = ACTION_ROLES.get(action)
    if roles is None or user.role not in roles:
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    if user.role == RESIDENT:
        if dossier.applicant_user_id != user.pk:
            return _("Bạn chỉ thao tác được trên hồ sơ của chính mình.")
        return None
    if user.role in HANDLER_ROLES:
        return _handler_denial_reason(user, dossier)
    if action == "assign" and user.role == COUNTER and dossier.handler_id:
        # The assignment lock: once a handler has taken a dossier, only the director moves it.
        return _("Hồ sơ đang được xử lý bởi %(name)s; chỉ Giám đốc Trung tâm được giao lại.") % {
            "name": dossier.handler
        }
    return None


def _handler_denial_reason(user, dossier) -> str | None:
    if not _in_department(user, dossier):
        return _("Hồ sơ không thuộc đơn vị của bạn.")
    if dossier.handler_id and dossier.handler_id != user.pk:
        return _("Hồ sơ đang được xử lý bởi %(name)s.") % {"name": dossier.handler}
    return None


def transition_permission(action: str):
    """The ``permission=`` hook of a state-machine transition."""

    def allowed(instance, user) -> bool:
        return denial_reason(user, instance, action) is None

    return allowed


# --- who may see the applicant's personal data -----------------------------------------------
#: The dossier's fields that are personal data, hidden from everyone the rule below refuses.
PERSONAL_DATA_FIELDS = (
    "applicant_id_number", "applicant_phone", "applicant_address", "applicant_email",
)


def may_view_personal_data(user, dossier) -> bool:
    """The one rule: the applicant; the counter and the director; a handler of the dossier's
    own department. Everyone else sees the dossier (if they may) without the personal data."""
    if not _logged_in(user):
        return False
    if user.role == RESIDENT:
        return dossier.applicant_user_id == user.pk
    if user.role not in CASEWORK_ROLES:
        return False
    if user.role in HANDLER_ROLES:
        return _in_department(user, dossier)
    return True


def may_search_by_personal_data(user) -> bool:
    """Finding a dossier by ID number or phone ties the number to a name: only for staff who
    may see the personal data of every dossier they can find (handlers find their own
    department's)."""
    return _logged_in(user) and user.role in CASEWORK_ROLES


def records_personal_data_view(user) -> bool:
    """Staff reads are written in the history; the applicant reading their own is not."""
    return user.role != RESIDENT


# --- bundles (liên thông) --------------------------------------------------------------------
BUNDLE_ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": WORKSPACE_ROLES,
    # Filing a bundle at the counter: whoever receives dossiers there.
    "file": frozenset({COUNTER, DIRECTOR}),
    # Resending a step is the center's work; the civil-status handler may do it for theirs.
    "retry": frozenset({COUNTER, DIRECTOR, HANDLING}),
    "complete_correction": frozenset({HANDLING, DIRECTOR}),
    "relatives_wait": frozenset({COUNTER, DIRECTOR, HANDLING}),
}


def bundle_denial_reason(user, bundle, action: str) -> str | None:
    """Why ``user`` may not ``action`` the bundle (``None`` for the board, before any bundle).

    Which bundles a handler sees at all is ``dossier_visible_to``: their department's.
    """
    if not _logged_in(user):
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    if user.role not in BUNDLE_ACTION_ROLES.get(action, frozenset()):
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    if user.role in HANDLER_ROLES and bundle is not None and not _in_department(
        user, bundle.dossier
    ):
        return _("Hồ sơ không thuộc đơn vị của bạn.")
    return None


def civil_registration_denial_reason(user, dossier) -> str | None:
    """Why ``user`` may not correct and resend a registration the civil-status registry
    returned: the civil-status handlers of the dossier's department and the director may."""
    if not _logged_in(user):
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    if user.role not in BUNDLE_ACTION_ROLES["complete_correction"]:
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    if user.role in HANDLER_ROLES and not _in_department(user, dossier):
        return _("Hồ sơ không thuộc đơn vị của bạn.")
    return None


# --- which roles open which pages ------------------------------------------------------------
#: Each group of staff or resident pages and the audiences that may open it. The access
#: decorators (``cases.access``) guard the pages with it and the menu offers exactly these.
#: Pages not listed are public. Inside a page, the dossier rules above still apply.
PAGES: dict[str, frozenset[str]] = {
    # queues, search, the dossier page and its actions, bundles, complaints and ratings
    "workspace": WORKSPACE_ROLES,
    # the counter's intake form and its confirmation
    "intake": INTAKE_ROLES,
    # the register (Mẫu 07): every line carries an applicant's address and phone
    "register": CASEWORK_ROLES,
    # payments awaiting the counter: who takes cash (``intake.payments.services.payment_record_cash``)
    "payments": INTAKE_ROLES,
    # the notifications sent to residents
    "delivery_log": INTAKE_ROLES,
    "reports": LEADERSHIP_ROLES,
    "resident": frozenset({RESIDENT}),
    # the delegation register: leaders grant and revoke; center staff see what they may sign
    "delegation": frozenset({LEADER, DIRECTOR, COUNTER}),
    # the post-audit queue: the authorisers review what was decided in their name
    "post_audit": frozenset({LEADER}),
    # the national portal sync: health, the "cần xử lý" queue, messages, reconciliation
    "sync": WORKSPACE_ROLES | {Role.ADMINISTRATOR},
    # the land officers' queue of dossiers at the land office and the tax authority
    "land": frozenset({LAND, DIRECTOR}),
}


def audience_of(user) -> str:
    return user.role if user.is_authenticated and user.is_active else ANONYMOUS


def may_open_page(user, page: str) -> bool:
    return audience_of(user) in PAGES[page]


#: Sync with the national portal: everyone in the center sees it; the counter and the
#: director (who answer for what reaches the portal) and the administrator act on it.
SYNC_ROLES = {
    "view": PAGES["sync"],
    "retry": frozenset({COUNTER, DIRECTOR, Role.ADMINISTRATOR}),
    "correct": frozenset({COUNTER, DIRECTOR, Role.ADMINISTRATOR}),
}


def sync_denial_reason(user, action: str) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Bạn cần đăng nhập để thực hiện thao tác này.")
    if user.role not in SYNC_ROLES.get(action, frozenset()):
        return _("Vai trò của bạn không được thực hiện thao tác này.")
    return None
