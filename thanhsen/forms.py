from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from thanhsen.login_throttle import LoginThrottled, authenticate_throttled


class ThrottledLoginMixin:
    """Authenticates through the login throttle instead of straight through the backends.

    A refused attempt gets the throttle's message (with the time to retry) as the form's error,
    code ``throttled``, so the view can answer 429.
    """

    channel = "page"

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_throttled(
                    self.request, username=username, password=password, channel=self.channel)
            except LoginThrottled as exc:
                raise ValidationError(exc.message, code="throttled") from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @property
    def throttled(self) -> bool:
        return self.has_error("__all__", code="throttled")


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """One login for everyone: residents type a phone or email, staff their username."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Số điện thoại, thư điện tử hoặc tên đăng nhập")
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's own login page, under the same limits as the public one."""

    channel = "admin"
