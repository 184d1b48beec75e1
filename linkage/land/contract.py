"""The land registration office's contract, version 1, and which schema each message uses."""

from pathlib import Path

from linkage.framework.contract import Contract

CONTRACT = Contract(Path(__file__).resolve().parent / "contract" / "v1", version="1")

#: Outgoing message kind (``LoaiThongDiep``) → schema file.
OUTGOING = {
    "ChuyenHoSo": "chuyen_ho_so",
    "HoanThanhNghiaVuTaiChinh": "hoan_thanh_nghia_vu",
}
#: Reply kind (``LoaiPhanHoi``) → schema file.
REPLIES = {
    "BienNhan": "bien_nhan",
    "ThongTinDiaChinh": "thong_tin_dia_chinh",
    "KetQua": "ket_qua",
}
ACCEPTANCE = "tiep_nhan_thong_diep"
REPLY_PAGE = "danh_sach_phan_hoi"
RECONCILIATION = "doi_soat"


def schema_for(kind: str) -> str:
    return OUTGOING.get(kind, kind)
