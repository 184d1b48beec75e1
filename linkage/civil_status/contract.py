"""The registry's contract, version 1, and the schema each message answers to."""

from pathlib import Path

from linkage.framework.contract import Contract

CONTRACT = Contract(Path(__file__).resolve().parent / "contract" / "v1", version="1")

#: What we send: the registration (sent again, corrected, when the registry returns it).
REGISTRATION = "dang_ky"
#: What the registry sends us.
ACCEPTANCE = "tiep_nhan"
REPLY = "phan_hoi"
REPLY_PAGE = "danh_sach_phan_hoi"
RECONCILIATION = "doi_soat"

OUTGOING = {"DangKy": REGISTRATION}


def schema_for(kind: str) -> str:
    return OUTGOING.get(kind, kind)
