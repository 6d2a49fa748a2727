"""The chain's head row gets a MAC (so a tail cut with the head moved back is caught).

The existing head is authenticated as it stands: the chain up to it is what
``baton audit-verify`` checks, as before.
"""

from django.db import migrations, models


def authenticate_head(apps, schema_editor):
    from baton.audit.chain import head_mac

    head_model = apps.get_model("audit", "AuditHead")
    for head in head_model.objects.using(schema_editor.connection.alias).all():
        head.mac = head_mac(head.seq, head.hash)
        head.save(update_fields=["mac"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_land_changed_event")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(authenticate_head, migrations.RunPython.noop),
    ]
