"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import direct, operations

SOURCES = (direct("leads_lead"),)
NAMES: tuple = ()


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0001_lead_library"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
