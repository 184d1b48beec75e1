"""Accounts: one user model for staff and residents, carrying the role and the department
(the organisation's units, which the catalogue's procedures are also handled by)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from thanhsen.roles import HANDLER_ROLES, STAFF_ROLES, Role


class DepartmentKind(models.TextChoices):
    CENTER = "center", _("Trung tâm Phục vụ hành chính công")
    WARD_OFFICE = "ward_office", _("Phòng chuyên môn của phường")
    LAND_OFFICE = "land_office", _("Văn phòng Đăng ký đất đai")
    EXTERNAL = "external", _("Cơ quan bên ngoài")


class Department(models.Model):
    """A unit of the ward's organisation: who handles a dossier, and where a staff account
    works. Which department handles what is configuration, never code."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=DepartmentKind.choices)

    class Meta:
        # The table keeps the name it had when the catalogue owned departments: moving the
        # model to the base app changed no row.
        db_table = "cases_department"
        ordering = ["name"]
        verbose_name = _("phòng, đơn vị")
        verbose_name_plural = _("phòng, đơn vị")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.RESIDENT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    position = models.CharField(
        _("chức vụ"),
        max_length=120,
        blank=True,
        help_text=_("Như ghi ở dòng ký, ví dụ “Chủ tịch”, “Phó Chủ tịch”, “Giám đốc”."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # Residents log in with their e-mail (any case): one account per address.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    @property
    def is_center_staff(self) -> bool:
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_handler(self) -> bool:
        return self.role in HANDLER_ROLES

    def get_full_name(self) -> str:
        """Vietnamese order: family name first (Nguyễn Văn An)."""
        return f"{self.last_name} {self.first_name}".strip()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class LoginAttempt(models.Model):
    """A login that failed or was refused by the throttle (``thanhsen.login_throttle``).

    One row per attempt, so an administrator reads who tried what from where (Django admin);
    the throttle counts the failures of the window per account and per client address.
    Successful logins are not recorded. Rows older than ``LOGIN_ATTEMPTS_KEEP_DAYS`` are purged.
    """

    class Channel(models.TextChoices):
        PAGE = "page", _("trang đăng nhập")
        ADMIN = "admin", _("trang quản trị")
        API = "api", _("API (mã truy cập)")

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    username = models.CharField(_("tên đăng nhập đã nhập"), max_length=150)
    account = models.CharField(_("tài khoản"), max_length=150)
    client_ip = models.CharField(_("địa chỉ"), max_length=64)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    blocked = models.BooleanField(_("bị chặn"), default=False)

    class Meta:
        verbose_name = _("lần đăng nhập không thành công")
        verbose_name_plural = _("lần đăng nhập không thành công")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["account", "at"], name="login_attempt_account"),
            models.Index(fields=["client_ip", "at"], name="login_attempt_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.client_ip})"
