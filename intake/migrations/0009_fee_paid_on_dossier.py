"""Fees already paid through intake become the dossier's own fee fact (``fee_paid_at``), which
the return of the result now checks."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_paid_fees(apps, schema_editor):
    Dossier = apps.get_model("cases", "Dossier")
    Payment = apps.get_model("intake", "Payment")
    paid = Payment.objects.filter(dossier=OuterRef("pk"), purpose="fee", status="paid").order_by("paid_at")
    Dossier.objects.filter(fee_paid_at__isnull=True, payments__purpose="fee",
                           payments__status="paid").update(
        fee_paid_at=Subquery(paid.values("paid_at")[:1]),
        fee_paid_via=Subquery(paid.values("method")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0008_vneid_identity_and_submission_flag"),
        ("cases", "0010_dossier_fee_paid"),
    ]

    operations = [migrations.RunPython(copy_paid_fees, migrations.RunPython.noop)]
