from pathlib import Path

from django.core.management.base import BaseCommand

from cases.catalogue_import import DEFAULT_CATALOGUE, catalogue_import, catalogue_load


class Command(BaseCommand):
    help = "Nạp danh mục thủ tục hành chính từ tệp JSON (chạy lại không nhân đôi dữ liệu)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CATALOGUE)

    def handle(self, *args, path, **options):
        summary = catalogue_import(data=catalogue_load(path))
        self.stdout.write(
            f"Danh mục thủ tục: {summary.created} mới, {summary.updated} cập nhật, "
            f"{summary.revised} phiên bản mới, {summary.unchanged} không đổi."
        )
