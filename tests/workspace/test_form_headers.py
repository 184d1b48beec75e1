"""The printed forms' headers keep the ward's name and the national motto on their lines."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from intake.documents.render import dossier_form_pdf
from tests.factories import dossier_in
from tests.workspace.helpers import pdf_pages

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]


def _lines(content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.pdf"
        path.write_bytes(content)
        out = subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"],
                             capture_output=True, check=True, text=True).stdout
    return out.splitlines()


@pytest.mark.parametrize("state, key", [("supplement_requested", "mau-02"),
                                        ("not_accepted", "mau-03")])
def test_the_header_does_not_split_the_wards_name(catalogue, counter, state, key):
    dossier = dossier_in(state, procedure=catalogue.civil, counter=counter)
    lines = _lines(dossier_form_pdf(dossier, key, base_url="http://testserver"))
    header = "\n".join(lines[:8])
    assert all("PHƯỜNG THÀNH SEN" in line for line in lines[:8] if "PHƯỜNG" in line), header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header, header


def test_a_long_control_sheet_stays_on_one_page(catalogue, counter, handler, leader):
    """Ten steps, two of them sent back with a long remark: one A4 sheet, the remark wrapping
    in its own column."""
    from cases import actions

    dossier = dossier_in("supplement_requested", procedure=catalogue.civil, counter=counter,
                         handler=handler)
    dossier = actions.dossier_supplement(dossier=dossier, actor=counter)
    for _ in range(2):
        dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
        dossier = actions.dossier_send_back(dossier=dossier, actor=leader,
                                             reason="Sửa lại trích yếu " * 8)
    dossier = actions.dossier_submit_for_approval(dossier=dossier, actor=handler)
    assert pdf_pages(dossier_form_pdf(dossier, "mau-06", base_url="http://testserver")) == 1
