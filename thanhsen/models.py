"""Accounts: one user model for staff and residents, carrying the role and the department."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from thanhsen.roles import HANDLER_ROLES, STAFF_ROLES, Role


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.RESIDENT)
    department = models.ForeignKey(
        "cases.Department",
        verbose_name=_("phòng, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)

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
