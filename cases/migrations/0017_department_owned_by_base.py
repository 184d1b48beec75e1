"""Departments now belong to the base app (``thanhsen``): the procedures' and dossiers' foreign
keys point at the same table under its new owner, and the catalogue forgets the model. Nothing
changes in the database (see ``thanhsen`` 0006)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0016_procedure_step_allotments"),
        # Every foreign key to the model is moved before the catalogue lets it go.
        ("reports", "0002_rollup_department_owned_by_base"),
        ("thanhsen", "0006_department_owned_by_base"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="department",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="dossiers", to="thanhsen.department", verbose_name="đơn vị xử lý"),
                ),
                migrations.AlterField(
                    model_name="procedure",
                    name="department",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="thanhsen.department", verbose_name="đơn vị xử lý"),
                ),
                migrations.DeleteModel(name="Department"),
            ],
        ),
    ]
