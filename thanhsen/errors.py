"""The one application error type.

Services raise it with a message a user can read (Vietnamese, through gettext); the API's
exception handler and the pages translate its kind into an HTTP status in one place.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ErrorKind(StrEnum):
    INVALID = "invalid"  # 400: the input is wrong
    FORBIDDEN = "forbidden"  # 403: this actor may not
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409: not allowed in the dossier's current state, or lost a race


class ApplicationError(Exception):
    def __init__(self, message: str, *, kind: ErrorKind = ErrorKind.CONFLICT, fields=None):
        super().__init__(message)
        self.message = str(message)
        self.kind = kind
        self.fields = fields or {}

    def as_dict(self) -> dict:
        body = {"code": self.kind.value, "detail": self.message}
        if self.fields:
            body["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return body


def invalid(field: str, message: str, *, summary: str | None = None) -> ApplicationError:
    """The error for bad input in one field: the message goes beside the field, the summary at
    the top (the generic "invalid data" unless the caller has a better one)."""
    summary = _("Dữ liệu không hợp lệ.") if summary is None else summary
    return ApplicationError(summary, kind=ErrorKind.INVALID, fields={field: [message]})
