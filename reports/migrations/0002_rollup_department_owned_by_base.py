"""The rollup's department points at the same table, now owned by the base app (``thanhsen``);
nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("thanhsen", "0006_department_owned_by_base"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dailyrollup",
                    name="department",
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="thanhsen.department"),
                ),
            ],
        ),
    ]
