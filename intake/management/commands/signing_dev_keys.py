"""Create the development CA and a signing key for every staff account (``make run``).

Only with ``PDF_SIGNING_BACKEND=development``: a deployment's keys come from a licensed CA
(PKCS#12 files) or the remote signing service, never from here. Existing keys are kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from intake.signing import keys
from thanhsen.models import User
from thanhsen.roles import STAFF_ROLES


class Command(BaseCommand):
    help = "Tạo CA phát triển và khóa ký số cho từng cán bộ (chỉ môi trường phát triển)."

    def handle(self, *args, **options):
        if settings.PDF_SIGNING_BACKEND != "development":
            self.stdout.write("PDF_SIGNING_BACKEND is not 'development': nothing to create.")
            return
        keys.development_ca()
        created = 0
        for user in User.objects.filter(is_active=True, role__in=STAFF_ROLES):
            if not keys.pkcs12_path(user.username).exists():
                keys.issue_development_key(user)
                created += 1
        self.stdout.write(f"CA: {keys.key_dir() / 'dev-ca.pem'}; {created} new key(s).")
