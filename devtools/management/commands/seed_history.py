"""``seed_history``: the center's published period, or N dossiers at scale, in bulk."""

import random
import sys
import time as clock
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.calendar import working_calendar
from cases.periods import Period
from devtools import scenario_facts, seeding
from reports import rollups
from reports.providers import online_payment
from reports.selectors import report_table


class Command(BaseCommand):
    help = ("Sinh lịch sử hồ sơ hàng loạt: --scenario thanhsen-2025 (01/07/2025–25/02/2026, "
            "theo số liệu đã công bố) hoặc --dossiers N (quy mô lớn).")

    def add_arguments(self, parser):
        parser.add_argument("--scenario", choices=["thanhsen-2025"])
        parser.add_argument("--dossiers", type=int, help="Số hồ sơ cần sinh.")
        parser.add_argument("--days", type=int, default=365,
                            help="Với --dossiers: số ngày lịch sử, kết thúc hôm qua.")
        parser.add_argument("--seed", type=int, default=2025, help="Hạt giống ngẫu nhiên.")
        parser.add_argument("--no-rollup", action="store_true",
                            help="Không tính lại bảng tổng hợp ngày sau khi sinh.")

    def handle(self, *args, scenario=None, dossiers=None, days=365, seed=2025, no_rollup=False,
               **options):
        if bool(scenario) == bool(dossiers):
            raise CommandError("Chọn đúng một trong --scenario hoặc --dossiers.")
        if dossiers is not None and dossiers <= 0:
            raise CommandError("--dossiers phải là số dương.")
        rng = random.Random(seed)
        cal = working_calendar()
        try:
            if scenario:
                if seeding.range_has_dossiers(seeding.SCENARIO_FIRST, seeding.SCENARIO_LAST):
                    raise CommandError("Đã có hồ sơ trong giai đoạn 01/07/2025–25/02/2026; "
                                       "kịch bản chỉ sinh vào cơ sở dữ liệu chưa có hồ sơ đó.")
                plans = seeding.scenario_plans(cal, rng)
                total = len(plans)
            else:
                last = timezone.localdate() - timedelta(days=1)
                first = last - timedelta(days=days - 1)
                plans = seeding.scale_plans(cal, rng, count=dossiers, first=first, last=last)
                total = dossiers
        except seeding.SeedError as exc:
            raise CommandError(str(exc)) from exc
        started = clock.monotonic()
        seeding.seed(plans=plans, rng=rng, progress=self._bar(total, started))
        if scenario:
            scenario_facts.complete_scenario(first=seeding.SCENARIO_FIRST,
                                             last=seeding.SCENARIO_LAST, rng=rng)
        self.stdout.write("")
        self.stdout.write(f"Đã sinh {total:,} hồ sơ trong {clock.monotonic() - started:.0f} giây."
                          .replace(",", "."))
        if not no_rollup:
            t = clock.monotonic()
            rollups.refresh(full=True)
            self.stdout.write(f"Đã tính lại bảng tổng hợp ngày ({clock.monotonic() - t:.0f} giây).")
        if scenario:
            self._residual()

    def _bar(self, total: int, started: float):
        interactive = sys.stdout.isatty()

        def show(done: int) -> None:
            share = done / total
            filled = int(30 * share)
            rate = done / max(clock.monotonic() - started, 1e-6)
            line = (f"[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} "
                    f"{done:,}/{total:,} hồ sơ · {rate:,.0f}/giây").replace(",", ".")
            self.stdout.write(line, ending="\r" if interactive and done < total else "\n")
            self.stdout.flush()

        return show

    def _residual(self) -> None:
        """Our figures next to the published ones, and what the published ones leave open."""
        period = Period(seeding.SCENARIO_FIRST, seeding.SCENARIO_LAST)
        t = report_table(period=period, source="live").total
        published = seeding.PUBLISHED
        from cases.models import Dossier

        received = Dossier.objects.filter(received_at__gte=period.start_at,
                                          received_at__lt=period.end_at)
        counts = {code: received.filter(procedure__code=code).count() for code in
                  (seeding.E_CERTIFICATION, seeding.BIRTH, seeding.DEATH)}
        rows = [
            ("Tiếp nhận", published["received"], t["received"]),
            ("Trước hạn", published["early"], t["resolved_early"]),
            ("Đúng hạn", published["on_time"], t["resolved_on_time"]),
            ("Quá hạn", published["overdue"], t["resolved_overdue"]),
            ("Đã giải quyết", published["resolved"], t["resolved"]),
            ("Đang giải quyết tại 25/02/2026", published["in_progress"], t["in_progress"]),
            ("Chứng thực bản sao điện tử", published["certifications"],
             counts[seeding.E_CERTIFICATION]),
            ("Khai sinh (nhóm liên thông)", published["birth_bundles"], counts[seeding.BIRTH]),
            ("Khai tử (nhóm liên thông)", published["death_bundles"], counts[seeding.DEATH]),
        ]
        self.stdout.write("\nSo với số liệu đã công bố (01/07/2025–25/02/2026):")
        self.stdout.write(f"{'chỉ tiêu':<34}{'công bố':>10}{'sinh ra':>10}{'chênh':>8}")
        for label, a, b in rows:
            self.stdout.write(f"{label:<34}{a:>10}{b:>10}{b - a:>8}")
        online = received.filter(channel="online").count()
        self.stdout.write(f"{'Nộp trực tuyến (%)':<34}{published['online_rate']:>10}"
                          f"{100 * online / max(received.count(), 1):>10.2f}")
        payment = online_payment(period)
        self.stdout.write(f"{'Thanh toán trực tuyến (%)':<34}{published['paid_online_rate']:>10}"
                          f"{100 * payment.numerator / max(payment.denominator, 1):>10.2f}"
                          f"   ({_n(payment.numerator)}/{_n(payment.denominator)} hồ sơ có phí)")
        self.stdout.write(
            "\nPhần dư số liệu công bố không giải thích được:\n"
            f"- Trước hạn + đúng hạn = {_n(published['early'] + published['on_time'])} ≠ "
            f"{_n(published['resolved'])} hồ sơ đã giải quyết (lệch "
            f"{published['resolved'] - published['early'] - published['on_time']}); ở đây "
            "đã giải quyết = trước hạn + đúng hạn + quá hạn.\n"
            f"- {_n(published['received'])} − {_n(published['resolved'])} − "
            f"{published['in_progress']} = "
            f"{published['received'] - published['resolved'] - published['in_progress']} hồ sơ "
            f"không rõ; ở đây {t['stopped']} hồ sơ dừng xử lý (công dân rút) lấp phần này để "
            "tiếp nhận = đã giải quyết + đang giải quyết + dừng xử lý.\n"
            "- Mỗi hồ sơ khai sinh, khai tử là một hồ sơ liên thông đã hoàn thành, với các bước "
            "của cơ quan liên thông (công an, bảo hiểm xã hội, lao động - xã hội).\n"
            f"- {t['stopped']} hồ sơ dừng xử lý là dữ liệu mô phỏng; Biểu 06 và trang tổng "
            "hợp ghi chú điều này cho giai đoạn.\n"
            "- Số liệu công bố không nói hồ sơ nào trả phí bằng tiền mặt: ở đây chọn ngẫu "
            "nhiên trong các hồ sơ có phí, lệ phí."
        )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
