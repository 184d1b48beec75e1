"""The tax authority (cơ quan thuế) connector: land information in, notices and payments out.

It carries one outgoing message, the land information the office prepared
(``ChuyenThongTinThue``); the authority answers with the notice of the financial obligation
(``ThongBaoNopTien``) and later its confirmation that it was paid (``XacNhanNopTien``). What those
replies do to a dossier is the land pipeline's business (``linkage.land.pipeline``).
"""

SYSTEM = "thue"
