"""Maps every error the API can raise onto one JSON shape: ``{"code", "detail", "fields"?}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from thanhsen.errors import ApplicationError, ErrorKind

STATUS_BY_KIND = {
    ErrorKind.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorKind.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    ErrorKind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorKind.CONFLICT: status.HTTP_409_CONFLICT,
}

#: DRF's own Vietnamese catalogue has almost none of its messages, so its stock ``detail``
#: ("Authentication credentials were not provided.", "Invalid page.", JSON parser errors)
#: would reach users in English. The application's own errors never come through here:
#: they are ``ApplicationError`` with a Vietnamese message already.
STOCK_DETAILS = {
    exceptions.NotAuthenticated: gettext_lazy("Bạn cần đăng nhập để thực hiện thao tác này."),
    exceptions.AuthenticationFailed: gettext_lazy("Thông tin đăng nhập không hợp lệ."),
    exceptions.PermissionDenied: gettext_lazy("Bạn không có quyền thực hiện thao tác này."),
    exceptions.NotFound: gettext_lazy("Không tìm thấy."),
    exceptions.MethodNotAllowed: gettext_lazy("Phương thức này không được hỗ trợ."),
    exceptions.NotAcceptable: gettext_lazy("Không trả được dữ liệu theo định dạng yêu cầu."),
    exceptions.UnsupportedMediaType: gettext_lazy("Định dạng dữ liệu gửi lên không được hỗ trợ."),
    exceptions.ParseError: gettext_lazy("Dữ liệu gửi lên không đúng định dạng JSON."),
    exceptions.Throttled: gettext_lazy("Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau."),
}


def _stock_detail(exc) -> str:
    for exc_class, message in STOCK_DETAILS.items():
        if isinstance(exc, exc_class):
            return str(message)
    return str(getattr(exc, "detail", exc))


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=STATUS_BY_KIND[exc.kind])
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "code": ErrorKind.INVALID.value,
            "detail": _("Dữ liệu không hợp lệ."),
            "fields": fields,
        }
    else:
        response.data = {"code": exc.default_code, "detail": _stock_detail(exc)}
    return response
