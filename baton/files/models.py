"""附件: a file kept for a project, one of its milestones or a 督办's report.

The bytes live in the attachment store (``STORAGES["attachments"]``: a folder under
``VAR_DIR`` by default, an S3-compatible bucket when the environment says so), under a
name the server makes (``storage_name``). ``name`` is only what the page shows and the
download is called; it never reaches the store.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("签约协议")
        PHOTO = "photo", _("现场照片")
        DOCUMENT = "document", _("文件资料")
        REPORT = "report", _("督办办理材料")

    project = models.ForeignKey(
        "projects.Project", models.PROTECT, related_name="attachments", verbose_name=_("项目")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    milestone = models.ForeignKey(
        "projects.Milestone",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("里程碑"),
    )
    supervision = models.ForeignKey(
        "supervision.Supervision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("督办"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("说明"), max_length=100, blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    storage_name = models.CharField(_("存储名"), max_length=100, unique=True, editable=False)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]
        indexes = [models.Index(fields=["project", "id"], name="attachment_project")]

    def __str__(self) -> str:
        return self.name
