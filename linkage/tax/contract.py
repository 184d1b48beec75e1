"""The tax authority's contract, version 1, and which schema each message uses."""

from pathlib import Path

from linkage.framework.contract import Contract

CONTRACT = Contract(Path(__file__).resolve().parent / "contract" / "v1", version="1")

OUTGOING = {"ChuyenThongTinThue": "chuyen_thong_tin"}
REPLIES = {
    "BienNhan": "bien_nhan",
    "ThongBaoNopTien": "thong_bao_nop_tien",
    "XacNhanNopTien": "xac_nhan_nop_tien",
}
ACCEPTANCE = "tiep_nhan_thong_diep"
REPLY_PAGE = "danh_sach_phan_hoi"
RECONCILIATION = "doi_soat"


def schema_for(kind: str) -> str:
    return OUTGOING.get(kind, kind)
