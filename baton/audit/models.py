"""The audit log: one append-only table, each record chained to the one before by HMAC-SM3.

``AuditHead`` is a single row holding the last sequence number and hash (and their MAC);
writers lock it (``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction already
serialises them), so two writers can never chain onto the same record.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRefused(Exception):
    """An attempt to change or delete an audit record."""


_APPEND_ONLY = "审计记录只能追加，不能修改。"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditRefused(_APPEND_ONLY)

    def delete(self):
        raise AuditRefused("审计记录只能追加，不能删除（过期记录请用 baton audit-purge）。")


class AuditRecord(models.Model):
    class Event(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        OTP_PASSED = "otp_passed", _("动态口令验证通过")
        OTP_FAILED = "otp_failed", _("动态口令错误")
        ROLE_CHANGED = "role_changed", _("角色变更")
        USER_DISABLED = "user_disabled", _("停用账号")
        USER_ENABLED = "user_enabled", _("启用账号")
        PROJECT_CHANGED = "project_changed", _("项目变更")
        REVIEW_DECISION = "review_decision", _("审核决定")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        CONTACT_UNMASKED = "contact_unmasked", _("查看完整联系电话")
        CONFIG_CHANGED = "config_changed", _("配置变更")
        TOKEN_CREATED = "token_created", _("创建接口令牌")
        TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
        AUDIT_PURGED = "audit_purged", _("清理过期审计记录")
        # 三员分立 pages, backup and restore (baton/accounts)
        USER_CREATED = "user_created", _("新建账号")
        PASSWORD_RESET = "password_reset", _("重置密码")
        ACCOUNT_UNLOCKED = "account_unlocked", _("解除登录锁定")
        SESSION_ENDED = "session_ended", _("结束会话")
        OTP_RESET = "otp_reset", _("重置动态口令")
        BACKUP = "backup", _("数据备份")
        RESTORE = "restore", _("数据恢复")
        LAND_CHANGED = "land_changed", _("地块变更")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    time = models.DateTimeField(_("时间"), db_index=True)
    # No database constraint and no cascade: deleting a user must never touch the log.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    event = models.CharField(_("事件"), max_length=30, choices=Event.choices, db_index=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    ip = models.CharField(_("来源地址"), max_length=45, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    before = models.JSONField(_("变更前"), default=dict, blank=True)
    after = models.JSONField(_("变更后"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["event", "time"], name="audit_event_time")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_event_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditRefused(_APPEND_ONLY)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRefused("审计记录只能追加，不能删除。")


class AuditHead(models.Model):
    """The end of the chain (a single row, id 1): the writers' lock.

    ``mac`` authenticates ``seq`` and ``hash`` (``chain.head_mac``): a head moved back to
    an earlier record, over a cut tail, does not verify. A head that failed its MAC once
    keeps an empty one, so writing on never launders it.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("审计链尾")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
