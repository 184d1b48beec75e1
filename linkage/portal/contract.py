"""The portal's contract, version 1, and which schema each message kind answers to."""

from pathlib import Path

from linkage.framework.contract import Contract

CONTRACT = Contract(Path(__file__).resolve().parent / "contract" / "v1", version="1")

#: Outgoing message kind (``LoaiThongDiep``) → schema file.
OUTGOING = {
    "TaoHoSo": "tao_ho_so",
    "CapNhatTrangThai": "cap_nhat_trang_thai",
    "TienDoXuLy": "tien_do_xu_ly",
    "DieuChinhHenTra": "dieu_chinh_hen_tra",
    "KetQua": "ket_qua",
    "ThanhToan": "thanh_toan",
    "DanhGia": "danh_gia",
    "DungXuLy": "dung_xu_ly",
    "ChuyenHoSo": "chuyen_ho_so",
}
#: What the portal sends us.
ACCEPTANCE = "tiep_nhan_thong_diep"
ACKNOWLEDGEMENT = "bien_nhan"
ACKNOWLEDGEMENT_PAGE = "danh_sach_bien_nhan"
ONLINE_DOSSIER = "ho_so_truc_tuyen"
ONLINE_DOSSIER_PAGE = "danh_sach_ho_so"
RECONCILIATION = "doi_soat"
#: The national coordination system of the bundles (Decree 301/2026): a step out, its answer.
COORDINATION_STEP = "lien_thong_buoc"
COORDINATION_REPLY = "ket_qua_lien_thong"


def schema_for(kind: str) -> str:
    return OUTGOING.get(kind, kind)
