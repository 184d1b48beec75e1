"""The simulated land office and tax authority on a spare port, for the land pipeline tests."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from cases import actions as case_actions
from devtools.simulators.land import LandConfig, LandSimulator
from devtools.simulators.sector import SectorConfig
from devtools.simulators.server import make_server
from devtools.simulators.tax import TaxSimulator
from tests.factories import applicant, mandatory_papers


class LandRig:
    def __init__(self):
        self.land = LandSimulator(LandConfig(seed=7))
        self.tax = TaxSimulator(SectorConfig(seed=7))
        self.server = make_server({"/land": self.land, "/tax": self.tax}, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.land_url, self.tax_url = f"{base}/land", f"{base}/tax"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        self.land.configure(**vars(LandConfig(seed=7)))
        self.tax.configure(**vars(SectorConfig(seed=7)))
        self.land.reset()
        self.tax.reset()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def land_rig():
    rig = LandRig()
    yield rig
    rig.close()


@pytest.fixture
def land_systems(land_rig, settings):
    """Both simulators, reset, with the product pointed at them (the portal left off)."""
    land_rig.reset()
    settings.LAND_BASE_URL = land_rig.land_url
    settings.TAX_BASE_URL = land_rig.tax_url
    settings.PORTAL_BASE_URL = ""
    return land_rig


def scan_pdf(title: str = "Hop dong chuyen nhuong") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def land_dossier(catalogue, counter, *, at=None):
    """A land transfer received at the counter with a scanned contract among its papers."""
    papers = [*mandatory_papers(catalogue.land), case_actions.SubmittedDocument(
        name="Hợp đồng chuyển nhượng quyền sử dụng đất", copy_type="electronic",
        file=ContentFile(scan_pdf(), name="hop-dong.pdf"),
    )]
    return case_actions.dossier_create(
        procedure_code=catalogue.land.code, applicant=applicant(), channel="direct",
        actor=counter, receive=True, documents=papers, at=at,
    )
