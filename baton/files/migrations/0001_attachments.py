"""附件: one kind of file for projects, milestones and 督办 reports, its bytes in the store."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0003_unit_kind_coordinating"),
        ("projects", "0012_project_fields_real_ledgers_keep"),
        ("supervision", "0002_supervision_sign_off"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("agreement", "签约协议"),
                            ("photo", "现场照片"),
                            ("document", "文件资料"),
                            ("report", "督办办理材料"),
                        ],
                        max_length=20,
                        verbose_name="类别",
                    ),
                ),
                ("label", models.CharField(blank=True, max_length=100, verbose_name="说明")),
                ("name", models.CharField(max_length=200, verbose_name="文件名")),
                (
                    "storage_name",
                    models.CharField(
                        editable=False, max_length=100, unique=True, verbose_name="存储名"
                    ),
                ),
                ("content_type", models.CharField(max_length=100, verbose_name="类型")),
                ("size", models.PositiveIntegerField(verbose_name="大小")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="上传时间"
                    ),
                ),
                (
                    "district",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.district",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="projects.milestone",
                        verbose_name="里程碑",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="projects.project",
                        verbose_name="项目",
                    ),
                ),
                (
                    "supervision",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="supervision.supervision",
                        verbose_name="督办",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "附件",
                "verbose_name_plural": "附件",
                "ordering": ["id"],
                "indexes": [models.Index(fields=["project", "id"], name="attachment_project")],
            },
        ),
    ]
