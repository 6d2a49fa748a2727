"""The search keys of a project (``ProjectSearch``): pinyin initials of its name and
investor, its contact's name and a keyed digest of its phone, in a table of their own
(``baton.projects.search_keys`` fills and refreshes it; every ``migrate`` fills the rows
that are missing, so a library migrated here is searchable at once)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_project_fields_real_ledgers_keep"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectSearch",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="projects.project",
                        verbose_name="项目",
                    ),
                ),
                ("name", models.TextField(blank=True, verbose_name="项目名称（计算时）")),
                ("investor", models.TextField(blank=True, verbose_name="投资方（计算时）")),
                ("contact", models.TextField(blank=True, verbose_name="联系人（计算时）")),
                (
                    "name_initials",
                    models.CharField(blank=True, max_length=100, verbose_name="项目名称拼音首字母"),
                ),
                (
                    "investor_initials",
                    models.CharField(blank=True, max_length=100, verbose_name="投资方拼音首字母"),
                ),
                (
                    "contact_name",
                    models.CharField(blank=True, max_length=50, verbose_name="联系人"),
                ),
                (
                    "phone_digest",
                    models.CharField(blank=True, max_length=32, verbose_name="联系电话摘要"),
                ),
            ],
            options={
                "verbose_name": "项目检索键",
                "verbose_name_plural": "项目检索键",
                "indexes": [
                    models.Index(fields=["name_initials"], name="search_name_initials"),
                    models.Index(fields=["investor_initials"], name="search_investor_initials"),
                    models.Index(fields=["contact_name"], name="search_contact_name"),
                    models.Index(fields=["phone_digest"], name="search_phone_digest"),
                ],
            },
        ),
    ]
