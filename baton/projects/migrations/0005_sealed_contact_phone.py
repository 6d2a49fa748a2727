"""Contact phones encrypted at rest when BATON_FIELD_KEY is set (SM4-GCM).

Only the model state changes, and on PostgreSQL the phone column grows to hold the
sealed form (the clear text stays limited to 30 characters). SQLite does not enforce
a varchar length and the JSON columns keep their type, so no table is rebuilt. Rows are
converted by ``baton encrypt-fields``, not here.
"""

from django.db import migrations

import baton.core.encrypted_fields

WIDE = baton.core.encrypted_fields.sealed_length(30)


def _widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE projects_project ALTER COLUMN contact_phone TYPE varchar({WIDE})"
        )


def _narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE projects_project ALTER COLUMN contact_phone TYPE varchar(30)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0004_problems_supervision_leader_acts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(_widen, _narrow)],
            state_operations=[
                migrations.AlterField(
                    model_name="project",
                    name="contact_phone",
                    field=baton.core.encrypted_fields.EncryptedCharField(
                        blank=True, max_length=30, verbose_name="联系电话"
                    ),
                ),
                migrations.AlterField(
                    model_name="projectevent",
                    name="new",
                    field=baton.core.encrypted_fields.SealedJSONField(
                        blank=True,
                        default=dict,
                        sealed_keys=("contact_phone",),
                        verbose_name="变更后",
                    ),
                ),
                migrations.AlterField(
                    model_name="projectevent",
                    name="old",
                    field=baton.core.encrypted_fields.SealedJSONField(
                        blank=True,
                        default=dict,
                        sealed_keys=("contact_phone",),
                        verbose_name="变更前",
                    ),
                ),
            ],
        ),
    ]
