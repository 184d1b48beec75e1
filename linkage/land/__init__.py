"""The land registration office (Văn phòng Đăng ký đất đai) connector and the land pipeline.

A land procedure decided by the office travels: the center transfers the dossier with its files
(``ChuyenHoSo``); the office answers with the cadastral data and, when the change carries
financial obligations, what the tax authority needs, which the center forwards (``linkage.tax``);
the tax authority's notice becomes the dossier's payable item and pauses its clock; its
confirmation of payment ends the pause and tells the office (``HoanThanhNghiaVuTaiChinh``); the
office's result (the updated certificate or the decision) becomes the dossier's result file.

``contract/v1/`` holds the JSON Schemas both ways; ``mapping`` builds the messages; ``services``
registers the connector on the framework; ``pipeline`` applies the office's and the tax
authority's replies; ``selectors`` gives each hop with its allotted time and state.
"""

SYSTEM = "vpdkdd"
