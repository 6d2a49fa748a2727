"""The project page's counters (``PageVersion``) and the triggers of this app's tables
that its page shows (see ``baton.projects.page_version``)."""

from django.db import migrations, models

from baton.projects.page_version import Source, direct, operations

SOURCES = (
    Source("projects_project", ("id",), "SELECT r.id AS project_id FROM {rows} r"),
    direct("projects_project_co_units"),
    direct("projects_projectevent"),
    direct("projects_milestone"),
    direct("projects_handoff"),
)
#: The names of the users who acted, shown in the timeline and the record section.
NAMES = (("accounts_user", ("username", "first_name", "last_name")),)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_enrolment_codes"),
        ("projects", "0015_project_bigrams"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("project_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "项目页版本", "verbose_name_plural": "项目页版本"},
        ),
        operations(SOURCES, NAMES),
    ]
