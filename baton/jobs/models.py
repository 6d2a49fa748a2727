"""A job: one piece of background work a user started from a page (an import, a report
pack, a ranking run), with its progress as the task reports it and its outcome."""

from django.conf import settings
from django.db import models


class Job(models.Model):
    class Kind(models.TextChoices):
        LEDGER_CHECK = "ledger_check", "台账校验"
        LEDGER_IMPORT = "ledger_import", "台账导入"
        REPORT_PACK = "report_pack", "报表包"
        RANKING = "ranking", "考核排名"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="jobs", verbose_name="发起人"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="queued")
    #: What the task is doing now, e.g. 正在写入; with ``done`` of ``total`` rows.
    phase = models.CharField("阶段", max_length=40, blank=True)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    #: The outcome as the user reads it: the result's summary, or why it failed.
    message = models.TextField("结果", blank=True)
    #: What the task was given and what it found, for the page that shows the outcome.
    params = models.JSONField("参数", default=dict, blank=True)
    result = models.JSONField("结果数据", default=dict, blank=True)
    #: The file a finished job offers for download, relative to ``VAR_DIR/jobs``.
    file = models.CharField("文件", max_length=200, blank=True)
    file_name = models.CharField("下载文件名", max_length=200, blank=True)
    task_id = models.CharField("队列任务", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
