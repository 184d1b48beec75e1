from django.core.management.base import BaseCommand

from reports import rollups


class Command(BaseCommand):
    help = "Cập nhật bảng tổng hợp số liệu theo ngày (--full: tính lại toàn bộ)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Tính lại mọi ngày thay vì chỉ những ngày có thay đổi.")

    def handle(self, *args, full=False, **options):
        days = rollups.refresh(full=full)
        if days is None:
            self.stdout.write("Chưa có hồ sơ nào để tổng hợp.")
        else:
            self.stdout.write(f"Đã tổng hợp từ {days[0]:%d/%m/%Y} đến {days[1]:%d/%m/%Y}.")
