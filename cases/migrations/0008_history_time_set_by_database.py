"""The database sets the event time and refuses TRUNCATE of the history (PostgreSQL only).

See ``cases.history``: an inserted event whose ``at`` is more than five minutes from the
database's clock gets the database's clock, unless the owner role asked to back-fill in that
transaction. SQLite, the embedded default, has neither trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_dossierevent_stamp() RETURNS trigger AS $$
BEGIN
    IF NEW.at BETWEEN now() - interval '5 minutes' AND clock_timestamp() + interval '5 minutes'
    THEN
        RETURN NEW;
    END IF;
    IF coalesce(current_setting('thanhsen.backfill', true), '') = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')
    THEN
        RETURN NEW;
    END IF;
    NEW.at := clock_timestamp();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_dossierevent_time_from_database
    BEFORE INSERT ON cases_dossierevent
    FOR EACH ROW EXECUTE FUNCTION cases_dossierevent_stamp();

CREATE OR REPLACE FUNCTION cases_dossierevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('thanhsen.allow_truncate', true), '') = 'on'
       AND pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'cases_dossierevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_dossierevent_no_truncate
    BEFORE TRUNCATE ON cases_dossierevent
    FOR EACH STATEMENT EXECUTE FUNCTION cases_dossierevent_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_dossierevent_no_truncate ON cases_dossierevent;
DROP FUNCTION IF EXISTS cases_dossierevent_no_truncate();
DROP TRIGGER IF EXISTS cases_dossierevent_time_from_database ON cases_dossierevent;
DROP FUNCTION IF EXISTS cases_dossierevent_stamp();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_uploads_stored_under_our_names")]

    operations = [migrations.RunPython(forwards, backwards)]
