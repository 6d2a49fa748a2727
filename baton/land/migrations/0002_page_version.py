"""The triggers that raise a project's page counter when this app's rows on its page
change (see ``baton.projects.page_version``)."""

from django.db import migrations

from baton.projects.page_version import Source, direct, operations

SOURCES = (
    direct("land_parcelreservation"),
    # A reserved parcel's code and area (the 履约与效益 card computes 亩均 on them).
    Source(
        "land_parcel",
        ("id",),
        "SELECT s.project_id AS project_id FROM {rows} r "
        "JOIN land_parcelreservation s ON s.parcel_id = r.id",
    ),
)
NAMES: tuple = ()


class Migration(migrations.Migration):
    dependencies = [
        ("land", "0001_initial"),
        ("projects", "0016_page_version"),
    ]

    operations = [operations(SOURCES, NAMES)]
