from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from thanhsen.forms import LoginForm
from thanhsen.login_throttle import LoginThrottled, authenticate_throttled
from thanhsen.models import LoginAttempt
from thanhsen.navigation import landing_url


def home(request):
    """``/`` sends each user to their own work: the queue, the dashboard or their dossiers."""
    return redirect(landing_url(request.user))


class LoginView(auth_views.LoginView):
    """``/dang-nhap/``: a refused attempt (too many failures) answers 429 with the message."""

    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class ThrottledAuthTokenSerializer(AuthTokenSerializer):
    """DRF's token credentials, checked through the login throttle (``LoginThrottled`` goes up
    to the view, which answers 429)."""

    def validate(self, attrs):
        user = authenticate_throttled(
            self.context["request"], username=attrs["username"], password=attrs["password"],
            channel=LoginAttempt.Channel.API)
        if user is None:
            raise serializers.ValidationError(
                _("Tên đăng nhập hoặc mật khẩu không đúng."), code="authorization")
        attrs["user"] = user
        return attrs


class ObtainTokenView(ObtainAuthToken):
    """``POST /api/v1/auth/token/`` under the login throttle: 429 ``{"code": "throttled"}`` with
    the Vietnamese message and ``Retry-After`` when the account or address is stopped."""

    serializer_class = ThrottledAuthTokenSerializer

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except LoginThrottled as exc:
            return Response({"code": "throttled", "detail": exc.message},
                            status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(exc.retry_after_seconds)})
