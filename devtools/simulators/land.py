"""A stand-in for the land registration office's system (Văn phòng Đăng ký đất đai), under /land/.

On a transferred dossier (``ChuyenHoSo``, whose files it checks against their hashes) it answers
with the cadastral data and, for the procedures in ``tax_procedures`` (all when empty), the
information the tax authority needs; without that it issues the result at once. On
``HoanThanhNghiaVuTaiChinh`` (the obligations paid) it issues the result: an updated
certificate as a one-page PDF. Faults and the reply feed as ``devtools.simulators.sector``.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass, field

from pypdf import PdfWriter

from devtools.simulators.sector import SectorConfig, SectorSimulator
from linkage.land.contract import CONTRACT, OUTGOING


@dataclass
class LandConfig(SectorConfig):
    tax_procedures: list[str] = field(default_factory=list)  # procedures with obligations
    transfer_value: int = 1_500_000_000  # the declared value the tax is computed from


def _certificate_pdf(code: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_metadata({"/Title": f"Giay chung nhan {code}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class LandSimulator(SectorSimulator):
    contract = CONTRACT
    outgoing = OUTGOING
    prefix = "VPDK"

    @classmethod
    def default_config(cls):
        return LandConfig()

    def reset_system(self) -> None:
        self.results: dict[str, str] = {}  # code → certificate number
        self.stage: dict[str, str] = {}  # code → last step (reconciliation)

    def system_stats(self) -> dict:
        return {"results": dict(self.results)}

    def refusal(self, message: dict) -> str:
        for component in message.get("ThanhPhanHoSo", []):
            described = component.get("TepTin")
            if described:
                content = base64.b64decode(described["NoiDung"])
                if hashlib.sha256(content).hexdigest() != described["MaBam"]:
                    return f"Tệp “{described['TenTep']}” không khớp mã băm."
        if message["LoaiThongDiep"] == "HoanThanhNghiaVuTaiChinh" and message[
            "MaHoSo"
        ] not in self.stage:
            return f"Hồ sơ {message['MaHoSo']} chưa được chuyển đến Văn phòng."
        return ""

    def react(self, message: dict) -> list[tuple[str, dict]]:
        code = message["MaHoSo"]
        if message["LoaiThongDiep"] == "HoanThanhNghiaVuTaiChinh":
            return [self._result(code)]
        declared = message.get("ThongTinKeKhai", {})
        parcel = {
            "SoThua": str(declared.get("Số hiệu thửa đất") or "125"),
            "SoToBanDo": str(declared.get("Số tờ bản đồ") or "17"),
            "DienTich": 132.5,
            "MucDichSuDung": "Đất ở tại đô thị",
            "DiaChi": "Tổ dân phố 5, phường Thành Sen, tỉnh Hà Tĩnh",
            "SoGiayChungNhan": str(declared.get("Số phát hành Giấy chứng nhận") or "DA 123456"),
        }
        answer = {"ThuaDat": parcel}
        taxed = not self.config.tax_procedures or message["MaTTHC"] in self.config.tax_procedures
        self.stage[code] = "DaTraThongTin"
        if not taxed:
            return [("ThongTinDiaChinh", answer), self._result(code)]
        answer["ThongTinThue"] = {"LoaiNghiaVu": ["ThueTNCN", "LePhiTruocBa"],
                                  "GiaTriTinhThue": self.config.transfer_value}
        return [("ThongTinDiaChinh", answer)]

    def _result(self, code: str) -> tuple[str, dict]:
        content = _certificate_pdf(code)
        number = f"CS{len(self.results) + 1:06d}"
        self.results[code] = number
        self.stage[code] = "DaTraKetQua"
        return "KetQua", {
            "LoaiKetQua": "GiayChungNhan", "SoKetQua": number,
            "TepKetQua": {"TenTep": f"giay-chung-nhan-{number}.pdf",
                          "MaBam": hashlib.sha256(content).hexdigest(),
                          "KichThuoc": len(content),
                          "NoiDung": base64.b64encode(content).decode()},
        }

    def reconciliation(self) -> dict:
        with self.lock:
            return {"HoSo": [{"MaHoSo": code, "BuocCuoi": stage}
                             for code, stage in sorted(self.stage.items())]}
