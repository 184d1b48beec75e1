"""Dossiers a development seeding invented to make a published period add up, so that every
report counting them can say so.

The center's published figures for 1 July 2025 – 25 February 2026 leave 57 dossiers neither
resolved nor in progress; the seeded scenario fills that residual with withdrawals, which the
figures do not mention. Those withdrawals carry ``SYNTHETIC_WITHDRAWAL_REASON`` as their stop
reason (the dossier page shows it too), and Biểu 06 and the dashboard name them in a note.
"""

from django.db.models import Q

SYNTHETIC_WITHDRAWAL_REASON = (
    "Dữ liệu mô phỏng: hồ sơ rút do bộ dữ liệu mẫu sinh ra để lấp phần chênh lệch của số liệu "
    "đã công bố (tiếp nhận − đã giải quyết − đang giải quyết)"
)


def synthetic_withdrawal() -> Q:
    """A withdrawal the seeding invented (see the module's docstring)."""
    return Q(stop_reason=SYNTHETIC_WITHDRAWAL_REASON)
