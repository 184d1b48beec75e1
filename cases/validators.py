"""Validators for what residents and officers type in, shared by forms, the API and services."""

import re
from datetime import UTC

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_NUMBER = re.compile(r"^[0-9]{12}$")
_PHONE = re.compile(r"^(0|\+84)[35789][0-9]{8}$")


def validate_id_number(value: str) -> None:
    """Số định danh cá nhân (CCCD): 12 digits."""
    if not _ID_NUMBER.match(value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="id_number")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_phone(value: str) -> None:
    """Vietnamese mobile numbers: 0 or +84, then a mobile prefix and 8 digits."""
    if not _PHONE.match(normalise_phone(value)):
        raise ValidationError(
            _("Số điện thoại không hợp lệ (ví dụ: 0912345678)."), code="phone"
        )


#: The years a moment given to the API may fall in. Outside them a date is a typing mistake,
#: and near the calendar's ends (year 1, year 9999) converting to UTC overflows: a 500 before.
MOMENT_YEARS = (1900, 2200)


def validate_moment(value) -> None:
    """A date and time that the database and the working-day calendar can hold."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo else value
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not MOMENT_YEARS[0] <= utc.year <= MOMENT_YEARS[1]:
        raise ValidationError(
            _("Thời điểm phải nằm trong các năm %(first)s–%(last)s.")
            % {"first": MOMENT_YEARS[0], "last": MOMENT_YEARS[1]},
            code="moment_range",
        )
