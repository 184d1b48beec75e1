from django.core.management.base import BaseCommand

from linkage.kinds import bundle_kinds_import


class Command(BaseCommand):
    help = "Nạp các loại liên thông (khai sinh, khai tử) từ danh mục. / Load the bundle kinds."

    def handle(self, *args, **options):
        count = bundle_kinds_import()
        self.stdout.write(f"Đã nạp {count} loại liên thông.")
