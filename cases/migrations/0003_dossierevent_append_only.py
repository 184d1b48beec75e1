"""The database itself refuses to change or delete history (PostgreSQL only).

SQLite, the embedded default, relies on the ORM guard in ``DossierEvent``. TRUNCATE stays
allowed: test databases are flushed with it, and only a superuser can issue it in production.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_dossierevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_dossierevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_dossierevent_no_update_delete
    BEFORE UPDATE OR DELETE ON cases_dossierevent
    FOR EACH ROW EXECUTE FUNCTION cases_dossierevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_dossierevent_no_update_delete ON cases_dossierevent;
DROP FUNCTION IF EXISTS cases_dossierevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
