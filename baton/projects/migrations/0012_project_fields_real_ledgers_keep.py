"""The fields real ledgers keep: 项目类型, the 500强 and listed tags, where the investor is
from and its 统一社会信用代码, 固定资产投资, the expected output and tax, the planned
start and production days, 用地性质.

On SQLite the columns are added with ``ALTER TABLE … ADD COLUMN`` rather than the table
rebuilt (what Django does for a NOT NULL column there): a rebuild drops the table's
triggers — the full-text index (0003) and the library version (0007).
"""

from django.db import migrations, models

import baton.core.money

COLUMNS = (
    ("annual_output", "bigint NULL"),
    ("annual_tax", "bigint NULL"),
    ("fixed_investment", "bigint NULL"),
    ("investor_region", "varchar(6) NOT NULL DEFAULT ''"),
    ("investor_uscc", "varchar(18) NOT NULL DEFAULT ''"),
    ("is_china500", "bool NOT NULL DEFAULT 0"),
    ("is_global500", "bool NOT NULL DEFAULT 0"),
    ("is_listed", "bool NOT NULL DEFAULT 0"),
    ("land_use", "varchar(20) NOT NULL DEFAULT ''"),
    ("planned_production_on", "date NULL"),
    ("planned_start_on", "date NULL"),
    ("project_type", "varchar(10) NOT NULL DEFAULT ''"),
)


STATE = [
    migrations.AddField(
        model_name="project",
        name="annual_output",
        field=baton.core.money.MoneyField(blank=True, null=True, verbose_name="预计年产值（万元）"),
    ),
    migrations.AddField(
        model_name="project",
        name="annual_tax",
        field=baton.core.money.MoneyField(blank=True, null=True, verbose_name="预计年税收（万元）"),
    ),
    migrations.AddField(
        model_name="project",
        name="fixed_investment",
        field=baton.core.money.MoneyField(
            blank=True, null=True, verbose_name="固定资产投资（万元）"
        ),
    ),
    migrations.AddField(
        model_name="project",
        name="investor_region",
        field=models.CharField(blank=True, max_length=6, verbose_name="投资方所在地"),
    ),
    migrations.AddField(
        model_name="project",
        name="investor_uscc",
        field=models.CharField(blank=True, max_length=18, verbose_name="投资方统一社会信用代码"),
    ),
    migrations.AddField(
        model_name="project",
        name="is_china500",
        field=models.BooleanField(default=False, verbose_name="中国500强"),
    ),
    migrations.AddField(
        model_name="project",
        name="is_global500",
        field=models.BooleanField(default=False, verbose_name="世界500强"),
    ),
    migrations.AddField(
        model_name="project",
        name="is_listed",
        field=models.BooleanField(default=False, verbose_name="上市公司"),
    ),
    migrations.AddField(
        model_name="project",
        name="land_use",
        field=models.CharField(
            blank=True,
            choices=[
                ("industrial", "工业"),
                ("warehousing", "仓储物流"),
                ("commercial", "商业"),
                ("office", "商务办公"),
                ("research", "科研"),
                ("other", "其他"),
            ],
            max_length=20,
            verbose_name="用地性质",
        ),
    ),
    migrations.AddField(
        model_name="project",
        name="planned_production_on",
        field=models.DateField(blank=True, null=True, verbose_name="计划投产日期"),
    ),
    migrations.AddField(
        model_name="project",
        name="planned_start_on",
        field=models.DateField(blank=True, null=True, verbose_name="计划开工日期"),
    ),
    migrations.AddField(
        model_name="project",
        name="project_type",
        field=models.CharField(
            blank=True,
            choices=[("domestic", "内资"), ("foreign", "外资"), ("hmt", "港澳台资")],
            max_length=10,
            verbose_name="项目类型",
        ),
    ),
]


def add_columns(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    fields = {op.name: op.field for op in STATE}
    for name, sql in COLUMNS:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"ALTER TABLE projects_project ADD COLUMN {name} {sql}")
        else:
            field = fields[name].clone()
            field.set_attributes_from_name(name)
            schema_editor.add_field(Project, field)


def remove_columns(apps, schema_editor):
    # SQLite (3.35 and later) drops a plain column in place as well.
    for name, _sql in COLUMNS:
        schema_editor.execute(f"ALTER TABLE projects_project DROP COLUMN {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_supervision_sign_off"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=STATE,
            database_operations=[migrations.RunPython(add_columns, remove_columns)],
        ),
    ]
