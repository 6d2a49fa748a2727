"""Problems, 督办 and leaders' acts move here from ``projects``; their tables stay.

The tables were created by ``projects`` 0004 and keep their names (``db_table``), their
rows, indexes and constraints: this migration only tells Django's state that this app
owns them (``projects`` 0009 forgets them on its side), and hands their content types
(and so their permissions) over to this app.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("problem", "supervision", "leaderact")


def _content_types_to(app_label: str, other: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.using(schema_editor.connection.alias).filter(
            app_label=other, model__in=MODELS
        ).update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("projects", "0008_original_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Problem",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("category", models.CharField(choices=[("land", "用地保障"), ("planning", "规划调整"), ("approval", "审批手续"), ("demolition", "征地拆迁"), ("infrastructure", "水电路气配套"), ("environment", "环评能评"), ("funds", "资金与融资"), ("policy", "政策兑现"), ("talent", "人才用工"), ("other", "其他")], max_length=20, verbose_name="问题类别")),
                        ("description", models.TextField(verbose_name="问题描述")),
                        ("deadline", models.DateField(verbose_name="办结时限")),
                        ("status", models.CharField(choices=[("open", "待解决"), ("in_progress", "协调中"), ("resolved", "已解决"), ("closed", "已关闭")], default="open", max_length=20, verbose_name="状态")),
                        ("resolution", models.TextField(blank=True, verbose_name="办理情况")),
                        ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="办结时间")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="提出时间")),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="更新时间")),
                        ("created_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="提出人")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.district")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="problems", to="projects.project", verbose_name="项目")),
                        ("responsible_unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="problems", to="org.unit", verbose_name="责任单位")),
                    ],
                    options={
                        "verbose_name": "存在问题",
                        "verbose_name_plural": "存在问题",
                        "db_table": "projects_problem",
                        "ordering": ["deadline", "id"],
                        "indexes": [
                            models.Index(fields=["district", "status", "deadline"], name="problem_district_open"),
                            models.Index(fields=["responsible_unit", "status"], name="problem_unit_open"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Supervision",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("instruction", models.TextField(verbose_name="督办要求")),
                        ("deadline", models.DateField(verbose_name="办结时限")),
                        ("status", models.CharField(choices=[("active", "督办中"), ("done", "已办结")], default="active", max_length=10, verbose_name="状态")),
                        ("response", models.TextField(blank=True, verbose_name="办理反馈")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="督办时间")),
                        ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="办结时间")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.district")),
                        ("issued_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="录入人")),
                        ("leader", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="supervisions", to="org.person", verbose_name="督办领导")),
                        ("problem", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="supervisions", to="supervision.problem", verbose_name="督办问题")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="supervisions", to="projects.project", verbose_name="项目")),
                    ],
                    options={
                        "verbose_name": "督办",
                        "verbose_name_plural": "督办",
                        "db_table": "projects_supervision",
                        "ordering": ["deadline", "id"],
                        "indexes": [
                            models.Index(fields=["district", "status", "deadline"], name="supervision_open"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LeaderAct",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("promote", "推介"), ("negotiate", "洽谈"), ("inspect", "考察"), ("evaluate", "评估"), ("coordinate", "协调"), ("supervise", "督办")], max_length=20, verbose_name="活动类型")),
                        ("date", models.DateField(verbose_name="日期")),
                        ("note", models.TextField(blank=True, verbose_name="内容")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="录入时间")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.district")),
                        ("leader", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="acts", to="org.person", verbose_name="领导")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="leader_acts", to="projects.project", verbose_name="项目")),
                        ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="录入人")),
                    ],
                    options={
                        "verbose_name": "领导活动",
                        "verbose_name_plural": "领导活动",
                        "db_table": "projects_leaderact",
                        "ordering": ["-date", "-id"],
                        "indexes": [
                            models.Index(fields=["district", "date"], name="leader_act_district_date"),
                            models.Index(fields=["leader", "date"], name="leader_act_leader_date"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _content_types_to("supervision", "projects"),
            _content_types_to("projects", "supervision"),
            elidable=True,
        ),
    ]
