"""Handoffs wait for the receiving unit: the ``Handoff`` table and the handoff event kinds.

A new table, and choices only on ``ProjectEvent.kind`` (no change to its column): the
project table is not rebuilt, so its SQLite triggers (0003, 0007) stay.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("projects", "0009_problems_to_supervision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="projectevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "创建"),
                    ("updated", "修改"),
                    ("submitted", "上报"),
                    ("approved", "区招商办审核通过"),
                    ("admitted", "审核入库"),
                    ("returned", "退回"),
                    ("moved", "阶段变更"),
                    ("handed_off", "接力交接"),
                    ("handoff_requested", "发起交接"),
                    ("handoff_accepted", "接收交接"),
                    ("handoff_declined", "拒绝接收"),
                    ("handoff_withdrawn", "撤回交接"),
                    ("milestone", "里程碑"),
                    ("note", "跟进记录"),
                    ("problem", "存在问题"),
                    ("supervised", "领导督办"),
                    ("leader_act", "领导活动"),
                    ("land_reserved", "预留地块"),
                    ("land_released", "释放预留地块"),
                ],
                max_length=20,
                verbose_name="类型",
            ),
        ),
        migrations.CreateModel(
            name="Handoff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "relay_role",
                    models.CharField(blank=True, max_length=10, verbose_name="接力角色"),
                ),
                (
                    "keep_as_co_unit",
                    models.BooleanField(default=False, verbose_name="原单位保留为协同单位"),
                ),
                ("reason", models.TextField(verbose_name="交接原因")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "待接收"),
                            ("accepted", "已接收"),
                            ("declined", "已拒绝"),
                            ("withdrawn", "已撤回"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("requested_at", models.DateTimeField(verbose_name="交接时间")),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="处理时间"),
                ),
                ("decision_reason", models.TextField(blank=True, verbose_name="处理说明")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="处理人",
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.district",
                        verbose_name="所属区",
                    ),
                ),
                (
                    "from_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.unit",
                        verbose_name="交出单位",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="handoffs",
                        to="projects.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
                (
                    "to_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="handoffs_in",
                        to="org.unit",
                        verbose_name="接收单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "项目交接",
                "verbose_name_plural": "项目交接",
                "ordering": ["requested_at", "id"],
                "indexes": [
                    models.Index(fields=["to_unit", "state"], name="handoff_to_unit_state"),
                    models.Index(
                        fields=["district", "state", "requested_at"], name="handoff_district"
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "pending")),
                        fields=("project",),
                        name="handoff_one_pending_per_project",
                    )
                ],
            },
        ),
    ]
