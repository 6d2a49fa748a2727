"""A notice for one person, the district's outbound channel, the delivery log and the
daily reminders.

A notice is written in the transaction of the event it follows; its e-mail and webhook
deliveries are sent after the commit by the task worker (``delivery.py``), each attempt
logged on its ``Delivery`` row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.core.encrypted_fields import EncryptedCharField


class Notice(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("退回修改")
        ADMITTED = "admitted", _("审核入库")
        HANDED_OFF = "handed_off", _("接力交接")
        HANDOFF_ANSWERED = "handoff_answered", _("交接答复")
        SUPERVISED = "supervised", _("领导督办")
        SUPERVISION_ANSWERED = "supervision_answered", _("督办反馈")
        PROBLEM = "problem", _("存在问题")
        IMPORTED = "imported", _("台账导入")
        REMINDER = "reminder", _("到期提醒")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notices", verbose_name=_("接收人")
    )
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属区"),
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    project_code = models.CharField(_("项目编号"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


#: A robot's address is a web address: nothing else is ever opened.
ADDRESS_SCHEMES = ("http", "https")
BAD_ADDRESS = "推送地址须以 http:// 或 https:// 开头。"


class Channel(models.Model):
    """A district's outbound channels: e-mail to its people, and its group robot."""

    class Webhook(models.TextChoices):
        NONE = "none", _("不推送")
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        GENERIC = "generic", _("通用接收地址（JSON）")

    district = models.OneToOneField(
        "org.District", models.CASCADE, related_name="notice_channel", verbose_name=_("区")
    )
    email_enabled = models.BooleanField(_("发送邮件"), default=True)
    webhook_kind = models.CharField(
        _("群机器人"), max_length=20, choices=Webhook.choices, default=Webhook.NONE
    )
    # The robot's address carries its access key: both are kept encrypted at rest.
    webhook_url = EncryptedCharField(_("推送地址"), max_length=500, blank=True)
    secret = EncryptedCharField(_("签名密钥"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self) -> str:
        return f"{self.district}的通知渠道"

    @property
    def pushes(self) -> bool:
        return self.webhook_kind != self.Webhook.NONE and bool(self.webhook_url)


class Delivery(models.Model):
    """One notice sent on one channel: its attempts, outcome and last error."""

    class Via(models.TextChoices):
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败")

    notice = models.ForeignKey(
        Notice, models.CASCADE, related_name="deliveries", verbose_name=_("通知")
    )
    district = models.ForeignKey(
        "org.District", models.CASCADE, null=True, blank=True, related_name="+"
    )
    via = models.CharField(_("渠道"), max_length=10, choices=Via.choices)
    target = models.CharField(_("发送对象"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "via"], name="delivery_once_per_channel")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["district", "-created_at"], name="delivery_district_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_via_display()}：{self.notice}"


class Reminder(models.Model):
    """One reminder of one item to one person on one day: ``baton remind`` sends it once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    item = models.CharField(_("事项"), max_length=200)
    day = models.DateField(_("日期"))
    notice = models.ForeignKey(Notice, models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "item", "day"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.item}"
