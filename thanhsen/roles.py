"""The roles of the one-stop center (see docs/domain.md).

One role per account keeps the permission matrix readable; a person who holds two roles at
the center gets two accounts, as the provincial system also requires.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Cán bộ tiếp nhận, trả kết quả")
    HANDLING_OFFICER = "handling_officer", _("Cán bộ xử lý")
    LAND_OFFICER = "land_officer", _("Cán bộ Văn phòng Đăng ký đất đai")
    CENTER_DIRECTOR = "center_director", _("Giám đốc Trung tâm")
    WARD_LEADER = "ward_leader", _("Lãnh đạo UBND phường")
    RESIDENT = "resident", _("Công dân, tổ chức")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")
    SYSTEM = "system", _("Hệ thống tích hợp (không đăng nhập)")


#: Roles that work inside the center and may see dossiers of any department.
STAFF_ROLES = frozenset(
    {
        Role.COUNTER_OFFICER,
        Role.HANDLING_OFFICER,
        Role.LAND_OFFICER,
        Role.CENTER_DIRECTOR,
        Role.WARD_LEADER,
        Role.ADMINISTRATOR,
    }
)

#: Officers who work on a dossier inside a department.
HANDLER_ROLES = frozenset({Role.HANDLING_OFFICER, Role.LAND_OFFICER})

#: Staff who work dossiers in the workspace (the administrator manages accounts and the
#: catalogue in the admin site and has no place in the workspace).
WORKSPACE_ROLES = STAFF_ROLES - {Role.ADMINISTRATOR}

#: Staff whose work on a dossier needs the applicant's identity and contact details.
CASEWORK_ROLES = frozenset(
    {Role.COUNTER_OFFICER, Role.HANDLING_OFFICER, Role.LAND_OFFICER, Role.CENTER_DIRECTOR}
)

#: Who receives dossiers at the counter.
INTAKE_ROLES = frozenset({Role.COUNTER_OFFICER, Role.CENTER_DIRECTOR})

#: Who reads the reports.
LEADERSHIP_ROLES = frozenset({Role.WARD_LEADER, Role.CENTER_DIRECTOR})

#: Who may sign a decision (each under the procedure's competent authority or a delegation).
SIGNER_ROLES = frozenset({Role.WARD_LEADER, Role.CENTER_DIRECTOR, Role.LAND_OFFICER})
