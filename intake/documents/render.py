"""WeasyPrint rendering of the official forms.

WeasyPrint is imported where a PDF is made, not at start-up: importing it costs most of a
second that every web and worker process would otherwise pay. The forms' stylesheet
(``forms.css``) names Noto Serif, which WeasyPrint embeds and subsets in every PDF.
"""

from __future__ import annotations

import base64
import io
import ssl
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import qrcode
from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases.labels import EVENT_LABELS
from cases.models import Dossier
from cases.selectors import dossier_declaration
from cases.step_selectors import dossier_steps
from cases.steps import STATE_STEP
from cases.templatetags.workspace import person
from intake.tokens import status_url
from thanhsen.roles import Role

FORMS_CSS = Path(__file__).with_name("forms.css")
FORMS_UA_CSS = Path(__file__).with_name("forms_ua.css")
#: Any of the eight QR masks is valid; see ``qr_data_uri``.
QR_MASK_PATTERN = 0


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data URI (made by the ``qrcode`` library, not by hand).

    PNG rather than SVG: WeasyPrint draws a bitmap at once, whereas a QR code as SVG is
    thousands of path segments to parse and draw on every form. The mask pattern is fixed:
    every mask is valid and scanners read them all, while letting the library score the
    eight masks to pick the "best" one is pure Python and cost ten times the rest of the code.
    """
    code = qrcode.QRCode(border=1, mask_pattern=QR_MASK_PATTERN)
    code.add_data(text)
    code.make(fit=True)
    return "data:image/png;base64," + base64.b64encode(_one_pixel_per_module(code.get_matrix())).decode()


def _one_pixel_per_module(matrix: list[list[bool]]) -> bytes:
    """The QR matrix as a 1-bit PNG of one pixel per module.

    The form's CSS sizes it and ``image-rendering: pixelated`` keeps its edges sharp, so it
    prints as crisply as a large bitmap; the library's own image factory paints each module
    as a rectangle in Python, which took half the time of making the code.
    """
    from PIL import Image

    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    buffer = io.BytesIO()
    Image.frombytes("L", (size, size), pixels).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()


def lookup_url(code: str, *, base_url: str) -> str:
    """The absolute address the QR code opens: the public status page with a signed token."""
    return base_url.rstrip("/") + status_url(code)


@cache
def _font_config():
    """One font configuration per process: loading the fonts again for every form is slow."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _url_fetcher():
    """A fetcher for the only resources forms embed: data URIs and files under BASE_DIR.

    WeasyPrint otherwise builds a default fetcher per document, whose HTTPS handler loads the
    system's CA certificates every time (a third of a small form's time); and a form has no
    business fetching anything from the network.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(ssl_context=_ssl_context(), allowed_protocols=("data", "file"))


@cache
def _forms_stylesheet():
    """The forms' shared CSS, parsed once per process rather than from every form's HTML."""
    from weasyprint import CSS

    return CSS(filename=str(FORMS_CSS), font_config=_font_config(), url_fetcher=_url_fetcher())


@cache
def _form_html_class():
    """WeasyPrint's HTML with the forms' own user-agent stylesheet (``forms_ua.css``).

    WeasyPrint has no public option for this: the class overrides ``_ua_stylesheets``, which
    the pinned version calls for every document. Should a later version stop calling it, the
    forms still come out right, with the full HTML5 sheet and its cost.
    """
    from weasyprint import CSS, HTML

    user_agent_sheets = [CSS(filename=str(FORMS_UA_CSS), font_config=_font_config())]

    class FormHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return user_agent_sheets

    return FormHTML


def html_to_pdf(html: str, *, attachments=(), stylesheets=(), html_class=None) -> bytes:
    if html_class is None:
        from weasyprint import HTML as html_class

    document = html_class(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher())
    return document.write_pdf(attachments=list(attachments), stylesheets=list(stylesheets),
                              font_config=_font_config())


def form_to_pdf(html: str) -> bytes:
    """An official form (Mẫu 01–07): its HTML laid out with the forms' own stylesheets."""
    return html_to_pdf(html, stylesheets=[_forms_stylesheet()], html_class=_form_html_class())


def unit_context(at: datetime | None = None) -> dict:
    """The header every form carries: the ward, the center, the place and date line."""
    at = timezone.localtime(at or timezone.now())
    return {
        "parent_name": getattr(settings, "UNIT_PARENT_NAME", "Ủy ban nhân dân phường Thành Sen"),
        "unit_name": settings.UNIT_NAME,
        "place": getattr(settings, "UNIT_PLACE", "Thành Sen"),
        "signed_on": at,
    }


def register_entry(dossier: Dossier) -> int:
    """The dossier's line in the year's register (Mẫu 07), in order of receipt."""
    received = dossier.received_at
    return Dossier.objects.filter(
        Q(received_at__lt=received) | Q(received_at=received, pk__lt=dossier.pk),
        received_at__year=timezone.localtime(received).year,
    ).count() + 1


@dataclass(frozen=True)
class FormSpec:
    number: str
    title: str
    template: str


FORMS = {
    "mau-01": FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "documents/mau_01.html"),
    "mau-02": FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "documents/mau_02.html"),
    "mau-03": FormSpec("03", "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "documents/mau_03.html"),
    "mau-04": FormSpec("04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
                       "documents/mau_04.html"),
    "mau-05": FormSpec("05", "Thông báo dừng giải quyết hồ sơ", "documents/mau_05.html"),
    "mau-06": FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "documents/mau_06.html"),
}

#: Events that hand a dossier from one body or person to the next (rows of Mẫu 06).
HAND_OFFS = ("receive", "assign", "supplement", "submit_for_approval", "send_back", "approve",
             "refuse", "return_result", "stop")


#: The acts each form records (Mẫu 02–05): the form is printed from the latest of them.
FORM_ACTS = {
    "mau-02": ("request_supplement", "request_completion"),
    "mau-03": ("refuse", "refuse_intake"),
    "mau-04": ("extend",),
    "mau-05": ("stop",),
}


def form_act(dossier: Dossier, key: str):
    """The event that made form ``key``, from the dossier's (prefetched) events, or None.

    A form names that act's actor and is dated by it: the dossier's last event may be anyone's
    page view, and the day of printing is not the day of the act.
    """
    actions = FORM_ACTS.get(key, ())
    return next((e for e in reversed(list(dossier.events.all())) if e.action in actions), None)


def person_title(user, *, unit_name: str, parent_name: str) -> str:
    """A person's title on a form, from their role and body: "Chủ tịch Ủy ban nhân dân
    phường …", "Giám đốc <center>", "Công chức <department>"."""
    if user is None:
        return ""
    if user.role == Role.WARD_LEADER:
        return f"Chủ tịch {parent_name}"
    if user.role == Role.CENTER_DIRECTOR:
        return f"Giám đốc {unit_name}"
    if user.role == Role.COUNTER_OFFICER:
        return "Công chức tiếp nhận và trả kết quả"
    department = getattr(user, "department", None)
    if user.role == Role.LAND_OFFICER:
        return f"Viên chức {department.name}" if department else "Viên chức"
    return f"Công chức {department.name}" if department else str(user.get_role_display())


@dataclass(frozen=True)
class Signer:
    """Who signs a form and how: the act's actor, their title, and the authority (TUQ.)."""

    name: str
    title: str
    on_behalf_of: str = ""
    authorisation_number: str = ""


def act_signer(event, *, unit_name: str, parent_name: str) -> Signer | None:
    """The signature block of the act: its actor, and under a written authorisation the
    authoriser's title after "TUQ." (Law 63/2025 art. 9; DOMAIN "Signing lines")."""
    if event is None or event.actor is None:
        return None
    titles = {"unit_name": unit_name, "parent_name": parent_name}
    authorisation = event.authorisation
    return Signer(
        name=person(event.actor),
        title=person_title(event.actor, **titles),
        on_behalf_of=person_title(authorisation.authoriser, **titles) if authorisation else "",
        authorisation_number=authorisation.document_number if authorisation else "",
    )


def _available(dossier: Dossier, key: str) -> bool:
    return {
        "mau-01": bool(dossier.received_at),
        "mau-02": bool(dossier.supplement_request or dossier.completion_request
                       or dossier.supplement_requested_at or dossier.completion_requested_at),
        "mau-03": bool(dossier.not_accepted_reason or dossier.outcome == "refused"),
        "mau-04": bool(dossier.extended_at),
        "mau-05": bool(dossier.stopped_at),
        "mau-06": bool(dossier.received_at),
    }[key]


def dossier_form_pdf_applies(dossier: Dossier, key: str) -> bool:
    return key in FORMS and _available(dossier, key)


def control_rows(dossier: Dossier) -> list[dict]:
    """One row per hand-off, each judged as the step it closes stood at that moment against
    the working hours the procedure's internal process allots to that step (``cases.steps``):
    the hand-over to the department by its own deadline, the department's handling, the
    signature and the return by their allotments. A row that closes no step (the receipt, the
    end of a wait on the resident) is not judged."""
    rows = []
    previous = None
    changes = []
    for event in dossier.events.all():
        if not event.to_status:
            continue
        closed = STATE_STEP.get(changes[-1].to_status) if changes else None
        changes.append(event)
        if event.action not in HAND_OFFS:
            continue
        result = ""
        if closed is not None:
            steps = {s.step: s for s in dossier_steps(dossier, events=changes, now=event.at)}
            result = steps[closed].result.value if closed in steps else ""
        rows.append({"event": event, "given_at": previous.at if previous else dossier.created_at,
                     "giver": previous.actor if previous else None, "result": result})
        previous = event
    return rows


def dossier_form_pdf(dossier: Dossier, key: str, *, base_url: str, verification: str = "",
                     signature: dict | None = None) -> bytes | None:
    """The PDF of form ``key`` for ``dossier``, or None when the form does not apply to it.

    A form about to be signed passes ``verification`` (its QR code then opens the signed
    document's verification page instead of the status lookup) and, for the forms whose
    signing block states an authority, the ``signature`` block to print.
    """
    spec = FORMS.get(key)
    if spec is None or not _available(dossier, key):
        return None
    context = {
        **unit_context(),
        "dossier": dossier,
        "form": spec,
        "qr": qr_data_uri(verification or lookup_url(dossier.code, base_url=base_url)),
        "verification": verification,
        "signature": signature,
    }
    if key == "mau-01":
        context["entry"] = register_entry(dossier)
        context["signed_on"] = timezone.localtime(dossier.received_at)
    if key in FORM_ACTS:
        act = form_act(dossier, key)
        if act is None:
            return None
        context["act"] = act
        context["signed_on"] = timezone.localtime(act.at)
        context["signer"] = act_signer(act, unit_name=context["unit_name"],
                                       parent_name=context["parent_name"])
    if key == "mau-06":
        context["rows"] = control_rows(dossier)
        context["steps"] = dossier_steps(dossier, now=timezone.now())
        context["event_labels"] = EVENT_LABELS
        # The sheet as it stands after its last hand-off, dated by it.
        last = context["rows"][-1]["event"].at if context["rows"] else dossier.received_at
        context["signed_on"] = timezone.localtime(last)
        context["declaration"] = dossier_declaration(dossier)
    return form_to_pdf(render_to_string(spec.template, context))


def result_pdf(dossier: Dossier, *, verification: str, signature: dict) -> bytes:
    """The one-page notice of the decision (kết quả giải quyết), with its signing block."""
    signed_on = dossier.result_corrected_at or dossier.resolved_at
    context = {**unit_context(signed_on), "dossier": dossier,
               "form": FormSpec("", "Thông báo kết quả giải quyết hồ sơ", "documents/result.html"),
               "qr": qr_data_uri(verification), "verification": verification,
               "signature": signature}
    return form_to_pdf(render_to_string("documents/result.html", context))


def register_pdf(dossiers, *, start: date, end: date, first_entry: int) -> bytes:
    """Mẫu 07: the register of dossiers received between two dates, numbered per year."""
    rows = [{"entry": first_entry + i, "dossier": d} for i, d in enumerate(dossiers)]
    context = {**unit_context(), "rows": rows, "start": start, "end": end}
    return form_to_pdf(render_to_string("documents/mau_07.html", context))
