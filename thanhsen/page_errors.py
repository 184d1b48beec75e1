"""The one mapping of the application error to a page, as ``api_errors`` is for the API.

A page view handles the errors it can answer better (a message beside a form field, a
message and a redirect back); whatever it lets through ends here: not found → the 404 page,
not allowed → the 403 page with the reason, bad input → 400 and a conflict → 409 on a page that
says what went wrong. Never a server error for something the user can read and fix.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from thanhsen.errors import ApplicationError, ErrorKind

_STATUS = {ErrorKind.INVALID: 400, ErrorKind.CONFLICT: 409}


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if exception.kind == ErrorKind.NOT_FOUND:
            raise Http404(exception.message) from exception
        if exception.kind == ErrorKind.FORBIDDEN:
            raise PermissionDenied(exception.message) from exception
        return render(request, "error.html", {"error": exception},
                      status=_STATUS.get(exception.kind, 409))
