"""原编号: the code an office's own ledger gave a project, kept by an import.

On SQLite the column is added with ``ALTER TABLE … ADD COLUMN`` rather than the table
rebuilt (what Django does for a NOT NULL column there): a rebuild drops the table's
triggers — the full-text index (0003) and the library version (0007).
"""

from django.db import migrations, models

COLUMN = "ALTER TABLE projects_project ADD COLUMN original_code varchar(32) NOT NULL DEFAULT ''"


def _field() -> models.CharField:
    field = models.CharField(blank=True, max_length=32, verbose_name="原编号", default="")
    field.set_attributes_from_name("original_code")
    return field


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(COLUMN)
    else:
        schema_editor.add_field(apps.get_model("projects", "Project"), _field())


def remove_column(apps, schema_editor):
    # SQLite (3.35 and later) drops a plain column in place as well.
    schema_editor.execute("ALTER TABLE projects_project DROP COLUMN original_code")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("projects", "0007_library_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="project",
                    name="original_code",
                    field=models.CharField(blank=True, max_length=32, verbose_name="原编号"),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, remove_column)],
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["original_code"], name="project_original_code"),
        ),
    ]
