"""A 督办 report's files are attachments now (baton.files): their rows and bytes were
moved by files' 0002, so the table that held them in the database goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_supervision_sign_off"),
        ("files", "0002_supervision_files_moved"),
    ]

    operations = [
        migrations.DeleteModel(
            name="SupervisionFile",
        ),
    ]
