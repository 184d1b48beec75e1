"""A stand-in for the tax authority's system, under /tax/.

On the land information (``ChuyenThongTinThue``) it issues a notice of the financial
obligation: personal income tax (2 %) and registration fee (0.5 %) of the declared value, a
notice number and a deadline 30 days on. ``POST /_pay`` with ``{"SoThongBao": …}`` (or
``{"MaHoSo": …}``) is the resident paying it: the confirmation (``XacNhanNopTien``) follows on the
reply feed. ``GET /_stats`` lists the notices and what was paid, ``GET /reconciliation`` the same per the
contract (``doi_soat``): each notice's number, dossier, amount and whether it was paid. Faults and the feed as
``devtools.simulators.sector``.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from devtools.simulators.sector import SectorSimulator
from devtools.simulators.server import Reply
from linkage.tax.contract import CONTRACT, OUTGOING

RATES = {"ThueTNCN": 0.02, "LePhiTruocBa": 0.005, "TienSuDungDat": 0.0, "TienThueDat": 0.0}


class TaxSimulator(SectorSimulator):
    contract = CONTRACT
    outgoing = OUTGOING
    prefix = "THUE"

    def reset_system(self) -> None:
        self.notices: dict[str, dict] = {}  # notice number → {code, amount, paid}

    def system_stats(self) -> dict:
        return {"notices": {number: dict(n) for number, n in self.notices.items()}}

    def react(self, message: dict) -> list[tuple[str, dict]]:
        value = message["GiaTriTinhThue"]
        amount = max(1, round(sum(value * RATES[kind] for kind in message["LoaiNghiaVu"])))
        number = f"TB{len(self.notices) + 1:06d}"
        self.notices[number] = {"code": message["MaHoSo"], "amount": amount, "paid": False}
        deadline = date.today() + timedelta(days=30)
        return [("ThongBaoNopTien", {
            "SoThongBao": number, "SoTien": amount, "HanNop": deadline.strftime("%Y%m%d"),
            "NoiDung": "Thuế thu nhập cá nhân và lệ phí trước bạ nhà, đất",
        })]

    def pay(self, *, number: str = "", code: str = "") -> dict | None:
        """The resident pays a notice (by number, or the dossier's unpaid one)."""
        with self.lock:
            if not number:
                number = next((n for n, notice in self.notices.items()
                               if notice["code"] == code and not notice["paid"]), "")
            notice = self.notices.get(number)
            if notice is None or notice["paid"]:
                return None
            notice["paid"] = True
            return self.reply(notice["code"], "XacNhanNopTien", SoThongBao=number,
                              SoTien=notice["amount"], NgayNop=time.strftime("%Y%m%d%H%M%S"),
                              MaGiaoDich=f"KB{number}")

    def reconciliation(self) -> dict:
        with self.lock:
            return {"ThongBao": [
                {"SoThongBao": number, "MaHoSo": notice["code"], "SoTien": notice["amount"],
                 "DaNop": notice["paid"]}
                for number, notice in sorted(self.notices.items())
            ]}

    def system_control(self, path: str, body: dict) -> Reply:
        if path != "/_pay":
            return Reply(404, {"error": "not found"})
        confirmation = self.pay(number=str(body.get("SoThongBao", "")),
                                code=str(body.get("MaHoSo", "")))
        if confirmation is None:
            return Reply(404, {"error": "Không có thông báo chưa nộp như vậy."})
        return Reply(200, confirmation)
