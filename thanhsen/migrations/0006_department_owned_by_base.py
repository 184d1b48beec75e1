"""Departments move from the catalogue (``cases``) to the base app, beside the accounts that
belong to them, so that ``thanhsen`` depends on no app.

Nothing in the database moves: the table keeps its name (``cases_department``) and every foreign
key keeps pointing at it; only Django's idea of which app owns the model changes. The model's
content type is renamed, so the permissions granted on departments stay granted.
"""

import django.db.models.deletion
from django.db import migrations, models


def _content_type_to(app_label: str, previous: str):
    def rename(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        if not content_types.filter(app_label=app_label, model="department").exists():
            content_types.filter(app_label=previous, model="department").update(app_label=app_label)

    return rename


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0015_dossier_document_certified_copy"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("thanhsen", "0005_user_email_unique_ci"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=16, unique=True, verbose_name="mã")),
                        ("name", models.CharField(max_length=200, verbose_name="tên")),
                        ("kind", models.CharField(choices=[("center", "Trung tâm Phục vụ hành chính công"), ("ward_office", "Phòng chuyên môn của phường"), ("land_office", "Văn phòng Đăng ký đất đai"), ("external", "Cơ quan bên ngoài")], max_length=16, verbose_name="loại")),
                    ],
                    options={
                        "verbose_name": "phòng, đơn vị",
                        "verbose_name_plural": "phòng, đơn vị",
                        "db_table": "cases_department",
                        "ordering": ["name"],
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="department",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="members", to="thanhsen.department", verbose_name="phòng, đơn vị"),
                ),
            ],
        ),
        migrations.RunPython(
            _content_type_to("thanhsen", "cases"), _content_type_to("cases", "thanhsen")
        ),
    ]
