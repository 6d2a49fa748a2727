"""A covering index for reading a month end on PostgreSQL (SQLite has no INCLUDE).

Created here rather than in ``Meta.indexes`` because Django's check for an INCLUDE index
warns on every command under SQLite; the unique index serves SQLite.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX month_end_line_covering ON reports_monthendline (snapshot_id, district_id) "
    "INCLUDE (stage_id, milestone, count, investment)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS month_end_line_covering")


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_month_end_snapshots")]
    operations = [migrations.RunPython(forwards, backwards)]
