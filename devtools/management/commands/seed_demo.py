"""``make run``'s demo data, spanning every app: the dossier core's first, then each app's."""

from django.core.management.base import BaseCommand

from devtools.demo.cases import DEMO_ACCOUNTS, seed_demo
from devtools.demo.counter import seed_certifications
from devtools.demo.intake import seed_resident_demo
from devtools.demo.linkage import seed_bundle_demo
from thanhsen.roles import Role


class Command(BaseCommand):
    help = "Nạp danh mục, tài khoản mẫu cho mỗi vai trò và vài trăm hồ sơ mẫu (chạy lại không nhân đôi)."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=300)
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000",
            help="Địa chỉ trang web được in ra (make run truyền địa chỉ BIND của nó).",
        )

    def handle(self, *args, dossiers, base_url, **options):
        created = seed_demo(dossiers=dossiers)
        seed_bundle_demo()
        seed_resident_demo()
        seed_certifications()
        if created:
            self.stdout.write(f"Đã tạo {created} hồ sơ mẫu.")
        self.stdout.write("")
        self.stdout.write("Tài khoản demo / demo accounts (mật khẩu / password):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<10} {account.password:<16} {Role(account.role).label}"
            )
        base_url = base_url.rstrip("/")
        self.stdout.write(f"Đăng nhập / log in: {base_url}/dang-nhap/ · "
                          f"tra cứu công khai / public lookup: {base_url}/tra-cuu/")
        self.stdout.write("")
