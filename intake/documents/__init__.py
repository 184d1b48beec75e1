"""The official forms (Mẫu 01–07, Circular 03/2025/TT-VPCP) and the certified copy, as PDFs."""
