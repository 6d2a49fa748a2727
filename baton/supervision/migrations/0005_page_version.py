"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import direct, operations

SOURCES = (
    direct("projects_problem"),
    direct("projects_supervision"),
    direct("projects_leaderact"),
)
NAMES: tuple = ()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0004_leader_act_origin"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
