"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import direct, operations

SOURCES = (direct("intermediaries_claim"),)
#: The card names each claim's intermediary.
NAMES = ("intermediaries_intermediary",)


class Migration(migrations.Migration):
    dependencies = [
        ("intermediaries", "0002_event_time_label"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
