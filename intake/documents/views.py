"""The forms as PDF downloads, for staff who may see the dossier."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import actions, selectors
from cases.access import PERSONAL_DATA_DENIED, forbidden, page_for
from cases.models import Dossier
from cases.policy import may_view_personal_data
from intake.documents.render import dossier_form_pdf, dossier_form_pdf_applies, register_pdf
from intake.signing.documents import RESULT_KEY, signed_form, signed_result
from thanhsen.errors import ApplicationError
from thanhsen.files import protect_file_response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return protect_file_response(response)


#: The forms that print no personal data: the control slip (Mẫu 06) lists only the steps.
FORMS_WITHOUT_PERSONAL_DATA = frozenset({"mau-06"})


@page_for("workspace")
def dossier_document(request, code: str, form: str):
    """One form of one dossier; a form with the applicant's personal data is printed only for
    those the policy lets see them, and each print is recorded in the history."""
    try:
        # Every form but the receipt is printed from its act, or lists the hand-offs.
        dossier = selectors.dossier_get_for_forms(user=request.user, code=code,
                                                  with_events=form != "mau-01")
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    personal = form not in FORMS_WITHOUT_PERSONAL_DATA
    if personal and not may_view_personal_data(request.user, dossier):
        return forbidden(request, PERSONAL_DATA_DENIED)
    base_url = request.build_absolute_uri("/")
    try:
        signed = (signed_result(dossier) if form == RESULT_KEY
                  else signed_form(dossier, form, base_url=base_url)
                  if dossier_form_pdf_applies(dossier, form) else None)
    except ApplicationError as exc:
        return render(request, "403.html", {"exception": exc.message}, status=409)
    if signed is not None:
        if personal:
            actions.dossier_read_personal_data(dossier=dossier, actor=request.user)
        with signed.file.open("rb") as stored:
            return pdf_response(stored.read(), f"{form}-{code}.pdf")
    content = (None if form == RESULT_KEY
               else dossier_form_pdf(dossier, form, base_url=base_url))
    if content is None:
        raise Http404(_("Biểu mẫu này không áp dụng cho hồ sơ ở trạng thái hiện tại."))
    if personal:
        actions.dossier_read_personal_data(dossier=dossier, actor=request.user)
    return pdf_response(content, f"{form}-{code}.pdf")


def _parse_day(value: str | None, default: date) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


#: The longest range one register print covers (a month of a busy center is ~3,000 lines).
MAX_REGISTER_DAYS = 92


@page_for("register")
def register(request):
    """Mẫu 07 for a date range: the page asks for the range, ``?pdf=1`` prints it. Every line
    carries an applicant's address and phone: the print is recorded on each dossier in it."""
    today = timezone.localdate()
    start = _parse_day(request.GET.get("tu"), today.replace(day=1))
    end = _parse_day(request.GET.get("den"), today)
    error = ""
    if start is None or end is None:
        error = _("Ngày không hợp lệ (định dạng dd/mm/yyyy).")
    elif end < start:
        error = _("Ngày kết thúc phải sau ngày bắt đầu.")
    elif end - start > timedelta(days=MAX_REGISTER_DAYS):
        error = _("Mỗi lần in tối đa %(days)s ngày.") % {"days": MAX_REGISTER_DAYS}
    if error or not request.GET.get("pdf"):
        context = {"start": start or today, "end": end or today, "error": error}
        return render(request, "documents/register_page.html", context, status=400 if error else 200)
    dossiers = list(selectors.dossier_register(user=request.user, start=start, end=end)
                    .select_related("procedure", "department", "procedure__department"))
    actions.dossier_record_personal_data_views(dossiers=dossiers, actor=request.user)
    first_entry = Dossier.objects.filter(
        received_at__year=start.year, received_at__date__lt=start
    ).count() + 1
    content = register_pdf(dossiers, start=start, end=end, first_entry=first_entry)
    return pdf_response(content, f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf")
