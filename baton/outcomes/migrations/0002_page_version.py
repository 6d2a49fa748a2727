"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import direct, operations

SOURCES = (direct("outcomes_promise"), direct("outcomes_result"))
NAMES: tuple = ()


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_initial"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
