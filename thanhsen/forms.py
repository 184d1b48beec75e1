from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """One login for everyone: residents type a phone or email, staff their username."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Số điện thoại, thư điện tử hoặc tên đăng nhập")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
