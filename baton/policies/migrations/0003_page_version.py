"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import Source, direct, operations

SOURCES = (
    direct("policies_application"),
    Source(
        "policies_instalment",
        ("application_id",),
        "SELECT a.project_id AS project_id FROM {rows} r "
        "JOIN policies_application a ON a.id = r.application_id",
    ),
)
#: The card names each application's policy and clause.
NAMES = ("policies_policy", "policies_clause")


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_delivery_and_fair_review"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
