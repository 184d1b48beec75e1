"""Demo data of the counter: two electronic copy certifications, one signed, one awaiting.

Called from ``seed_demo``; idempotent (does nothing once a certification exists).
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from cases import actions
from cases.models import CopyCertification, Procedure
from intake.documents.certified import render_certified_copy
from thanhsen.models import User
from thanhsen.roles import HANDLER_ROLES

DEMO_CERTIFICATION_CODE = "2.000815.000.00.00.H27.02"


def _scan(title: str) -> SimpleUploadedFile:
    """A plain A4-shaped page standing in for a scanned original."""
    image = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 600, 857), outline="black", width=3)
    draw.text((60, 80), title, fill="black")
    draw.text((60, 120), "(ban quet minh hoa)", fill="gray")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("ban-quet.png", buffer.getvalue(), content_type="image/png")


def seed_certifications() -> int:
    procedure = Procedure.objects.filter(code=DEMO_CERTIFICATION_CODE, is_current=True).first()
    if procedure is None or CopyCertification.objects.exists():
        return 0
    counter = User.objects.get(username="tiepnhan")
    director = User.objects.get(username="giamdoc")
    handler = User.objects.filter(department=procedure.department, role__in=HANDLER_ROLES).order_by("id").first()
    created = 0
    for name, document, pages, sign in (
        ("Lê Thị Hồng Nhung", "Bằng tốt nghiệp đại học", 2, True),
        ("Phan Văn Quý", "Giấy chứng nhận quyền sử dụng đất", 4, False),
    ):
        dossier = actions.copy_certification_receive(
            procedure_code=procedure.code, actor=counter, document_name=document, pages=pages,
            scan=_scan(document),
            applicant=actions.Applicant(name=name, id_number="042190005555", phone="0912555666",
                                         address="Phường Thành Sen, Hà Tĩnh"),
        )
        if handler:
            actions.dossier_assign(dossier=dossier, actor=handler, handler=handler)
            actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
            if sign:
                actions.copy_certification_certify(dossier=dossier, actor=director,
                                                    render=render_certified_copy)
        created += 1
    return created
