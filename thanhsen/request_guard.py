"""What every request must be before a view sees it: not too large, and text that is text.

One layer for the whole site instead of a check per field (issue 11):

- ``RequestSizeLimitMiddleware`` refuses a request whose declared body is larger than
  ``MAX_REQUEST_BYTES`` with a 413 before a byte of it is read. Django's
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bounds form fields only; uploaded files were received whole
  (30 MB and more) and refused only afterwards. A body sent without a length is read as empty
  by Django's WSGI request, so it cannot go around the limit.
- ``CleanInputMiddleware`` refuses, with a 400, text that no column can hold or no export can
  write: NUL and the other C0 control characters (tab, line feed and carriage return are
  text) and lone UTF-16 surrogates, in the URL's path parameters, the query string, form
  fields and JSON bodies. PostgreSQL rejects NUL in text, so each of these was a 500 before.
  Uploaded file contents are not text and are not looked at here.

Pages get a Vietnamese page, the API (``/api/``) the usual ``{"code", "detail", "fields"}``.
A view that must record even a malformed message (the payment provider's notices) is marked
with ``accepts_malformed_text`` and cleans what it keeps itself (``printable``).
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_MALFORMED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def is_malformed(text: str) -> bool:
    """True for text holding a control character (other than tab, LF, CR) or a lone surrogate."""
    return bool(_MALFORMED.search(text))


def printable(text: str) -> str:
    """The text with each malformed character replaced by U+FFFD, safe to store and show."""
    return _MALFORMED.sub("\ufffd", text)


def accepts_malformed_text(view):
    """Let ``view`` receive malformed text: it records what it was sent and cleans it itself."""
    view.accepts_malformed_text = True
    return view


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _refusal(request, *, status: int, code: str, title: str, message: str, field: str = ""):
    if _is_api(request):
        body = {"code": code, "detail": message}
        if field:
            body["fields"] = {field: [message]}
        return JsonResponse(body, status=status)
    return render(request, "request_refused.html", {"title": title, "message": message},
                  status=status)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            return _refusal(
                request, status=413, code="too_large", title=_("Dữ liệu gửi lên quá lớn"),
                message=_("Dữ liệu gửi lên quá lớn: mỗi lần gửi tối đa %(limit)s. Hãy gửi ít "
                          "tệp hơn mỗi lần (lưu nháp rồi tải tiếp) hoặc quét tệp với độ phân "
                          "giải thấp hơn.") % {"limit": filesizeformat(limit)},
            )
        return self.get_response(request)


class CleanInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "accepts_malformed_text", False):
            return None
        field = _first_malformed(request, view_args, view_kwargs)
        if field is None:
            return None
        return _refusal(
            request, status=400, code="invalid", title=_("Dữ liệu gửi lên không hợp lệ"),
            message=_("Dữ liệu gửi lên có ký tự không hợp lệ (ký tự điều khiển hoặc mã hóa "
                      "hỏng). Hãy nhập lại nội dung rồi gửi lại."),
            field=field,
        )


def _first_malformed(request, view_args, view_kwargs) -> str | None:
    """The name of the first input holding malformed text, or None when all is clean."""
    for name, value in [*enumerate(view_args), *view_kwargs.items()]:
        if isinstance(value, str) and is_malformed(value):
            return str(name)
    for source in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for name, values in source.lists():
            if is_malformed(name) or any(is_malformed(v) for v in values):
                return printable(name)
    if request.content_type and (request.content_type == "application/json"
                                 or request.content_type.endswith("+json")):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return None  # not JSON at all: the view answers that in its own words
        return _malformed_in_json(data, "")
    return None


def _malformed_in_json(value, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "body") if is_malformed(value) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), item) for i, item in enumerate(value))
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if is_malformed(str(key)):
            return printable(name)
        found = _malformed_in_json(item, name)
        if found:
            return found
    return None
