"""中介机构与引荐人: a district's register of intermediaries, their 定向招商协议, their
claims (中介认定) on projects, and the rewards of those claims.

An intermediary is an agency (中介机构, with its 统一社会信用代码) or a person (引荐人),
registered (备案) by the district office after declaring its conflicts of interest. A
claim names the project it brought; it is filed before the project's 签约 and confirmed
(认定) or refused by the office. The reward of a project's confirmed claims is a 政策兑现
of the policies app (``Reward.application``) under a 中介 clause, published (公示) for the
district's period before it is paid. Every write goes through ``services`` (or
``rewards``) and writes an ``IntermediaryEvent`` in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baton.core.encrypted_fields import EncryptedCharField
from baton.core.money import MoneyField
from baton.org.models import RecordEvent, YearlySequence


class ClaimRule(models.TextChoices):
    """How a district settles several claims on one project."""

    SHARED = "shared", _("按份额共享（份额合计100%）")
    SINGLE = "single", _("只认定1个中介人")


class IntermediarySettings(models.Model):
    """A district's rules for intermediaries, set by its office (``configure``)."""

    district = models.OneToOneField(
        "org.District", models.CASCADE, related_name="intermediary_settings"
    )
    claim_rule = models.CharField(
        _("同一项目多个中介"), max_length=10, choices=ClaimRule.choices, default=ClaimRule.SINGLE
    )
    publicity_days = models.PositiveSmallIntegerField(_("奖励公示期（工作日）"), default=5)

    class Meta:
        verbose_name = _("中介规则")
        verbose_name_plural = _("中介规则")

    def __str__(self) -> str:
        return f"{self.district} 中介规则"


class Intermediary(models.Model):
    class Kind(models.TextChoices):
        AGENCY = "agency", _("中介机构")
        PERSON = "person", _("个人引荐人")

    class Status(models.TextChoices):
        ACTIVE = "active", _("已备案")
        REVOKED = "revoked", _("已注销")

    code = models.CharField(_("备案编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="intermediaries", verbose_name=_("所属区")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称或姓名"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    filed_on = models.DateField(_("备案日期"))
    #: The names of the 备案 documents handed in (营业执照, 身份证复印件, 承诺书 …).
    documents = models.JSONField(_("备案材料"), default=list, blank=True)
    #: 利益冲突声明: what the intermediary declared when it was registered.
    declared_on = models.DateField(_("声明日期"))
    #: Companies it is affiliated with (关联方): [{"name", "uscc"}]; it may not claim
    #: their projects.
    affiliates = models.JSONField(_("关联方"), default=list, blank=True)
    declaration = models.TextField(_("声明内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("中介机构/引荐人")
        verbose_name_plural = _("中介机构/引荐人")
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["district", "status"], name="intermediary_district")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class Agreement(models.Model):
    """定向招商协议: a term and the targets the intermediary promised."""

    intermediary = models.ForeignKey(
        Intermediary, models.CASCADE, related_name="agreements", verbose_name=_("中介")
    )
    number = models.CharField(_("协议编号"), max_length=60, blank=True)
    start_on = models.DateField(_("协议起始日"))
    end_on = models.DateField(_("协议截止日"))
    #: 有效项目信息 a year (长沙: "有效的项目信息不少于12条").
    target_leads = models.PositiveIntegerField(_("每年有效信息目标（条）"), null=True, blank=True)
    #: 固定资产投资 of the projects it brings (长沙: "不低于4亿元").
    target_fixed_wan = MoneyField(_("固定资产投资目标（万元）"), null=True, blank=True)
    scope = models.CharField(_("招商方向"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("定向招商协议")
        verbose_name_plural = _("定向招商协议")
        ordering = ["-start_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number or '协议'} {self.start_on:%Y-%m-%d}—{self.end_on:%Y-%m-%d}"


class Claim(models.Model):
    """中介认定: an intermediary's claim to have brought a project."""

    class Status(models.TextChoices):
        FILED = "filed", _("已申报")
        CONFIRMED = "confirmed", _("已认定")
        REFUSED = "refused", _("不予认定")
        WITHDRAWN = "withdrawn", _("已撤回")

    code = models.CharField(_("认定编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="+", verbose_name=_("所属区")
    )
    intermediary = models.ForeignKey(
        Intermediary, models.PROTECT, related_name="claims", verbose_name=_("中介")
    )
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        related_name="intermediary_claims",
        verbose_name=_("项目"),
    )
    filed_on = models.DateField(_("申报日期"))
    #: What the intermediary did (引荐经过): first contact, meetings arranged …
    account = models.TextField(_("引荐经过"))
    #: Its share of the reward in per cent, when the district shares it.
    share = models.DecimalField(
        _("份额（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.FILED
    )
    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    reason = models.TextField(_("认定意见"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("申报时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("中介认定")
        verbose_name_plural = _("中介认定")
        ordering = ["-filed_on", "-id"]
        indexes = [
            models.Index(fields=["district", "status"], name="claim_district_status"),
            models.Index(fields=["project", "status"], name="claim_project_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.intermediary.name}"


class Reward(models.Model):
    """The reward of a project's confirmed claims: a 政策兑现 of a 中介 clause, its split
    among the claims, and its 公示 (paid only after the period ends)."""

    application = models.OneToOneField(
        "policies.Application",
        models.PROTECT,
        related_name="intermediary_reward",
        verbose_name=_("政策兑现"),
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.Project", models.PROTECT, related_name="intermediary_rewards"
    )
    #: [{"claim": pk, "name", "share": "60", "amount": "…"}] (amounts once approved).
    split = models.JSONField(_("分配"), default=list)
    publicity_from = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_to = models.DateField(_("公示截止"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("中介奖励")
        verbose_name_plural = _("中介奖励")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} 中介奖励"


class IntermediaryEvent(RecordEvent):
    """One change of the register, a claim or a reward: append-only."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("备案登记")
        CHANGED = "changed", _("修改")
        AGREEMENT = "agreement", _("签订定向招商协议")
        REVOKED = "revoked", _("注销")
        FILED = "filed", _("申报认定")
        CONFIRMED = "confirmed", _("认定")
        REFUSED = "refused", _("不予认定")
        WITHDRAWN = "withdrawn", _("撤回")
        REWARD_APPLIED = "applied", _("申请奖励")
        REWARD_APPROVED = "approved", _("核定奖励")
        PUBLICIZED = "publicized", _("奖励公示")
        PAID = "paid", _("支付奖励")

    intermediary = models.ForeignKey(
        Intermediary, models.PROTECT, related_name="events", verbose_name=_("中介")
    )
    claim = models.ForeignKey(
        Claim, models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("认定")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("中介记录")
        verbose_name_plural = _("中介记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["district", "at"], name="intermediaryevent_at")]

    def __str__(self) -> str:
        return f"{self.intermediary_id} {self.get_kind_display()}"


class IntermediarySequence(YearlySequence):
    """The codes of a district's register (ZJ…) and claims (RD…), by year."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="intermediary_sequence")
        ]


class ClaimSequence(YearlySequence):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="claim_sequence")]
