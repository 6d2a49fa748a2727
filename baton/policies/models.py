"""The "1+N" policy library: policies, their clauses as checked rules, and events.

A clause's who-qualifies and how-much are rules of ``expr`` (text, checked when saved).
A clause is kept in versions by date: the rows of one ``number`` have disjoint
``valid_from``–``valid_to`` ranges, and a calculation for a project signed on D uses
the version in force on D. Every write goes through ``services`` and writes a
``PolicyEvent`` in the same transaction.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField


class Level(models.TextChoices):
    NATIONAL = "national", _("国家")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区")


class Kind(models.TextChoices):
    GENERAL = "general", _("1")  # the general policy of the "1+N" system
    SPECIAL = "special", _("N")  # a special one, by industry or topic


class Status(models.TextChoices):
    CURRENT = "current", _("现行")
    REPEALED = "repealed", _("已废止")
    REVISED = "revised", _("已修订")


class Beneficiary(models.TextChoices):
    COMPANY = "company", _("企业")
    INTERMEDIARY = "intermediary", _("中介")


class Payable(models.TextChoices):
    """When a share of an award falls due: a project milestone, or on approval."""

    APPROVED = "approved", _("审核通过")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    LAND_SUPPLIED = "land_supplied", _("供地")
    STARTED = "started", _("开工")
    IN_PRODUCTION = "in_production", _("投产")
    AT_CAPACITY = "at_capacity", _("达产")


class Policy(models.Model):
    number = models.CharField(_("文号"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    level = models.CharField(_("发文层级"), max_length=10, choices=Level.choices)
    department = models.CharField(_("发文部门"), max_length=100, blank=True)
    #: Where it applies, as a prefix of division codes: "" 全国, "35" 福建省,
    #: "3502" 厦门市, "350213" 翔安区.
    region = models.CharField(_("适用地区代码"), max_length=6, blank=True)
    kind = models.CharField(_("1或N"), max_length=10, choices=Kind.choices)
    topic = models.CharField(_("专项主题"), max_length=60, blank=True)
    #: Empty when the source does not give it: then in force from the start.
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CURRENT
    )
    successor = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("修订或替代为"),
    )
    source = models.URLField(_("来源"), max_length=500, blank=True)
    text = models.TextField(_("全文"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["kind", "-effective_on", "number"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def in_force_on(self, day: dt.date) -> bool:
        started = self.effective_on is None or self.effective_on <= day
        return started and (self.expires_on is None or day <= self.expires_on)


class Clause(models.Model):
    policy = models.ForeignKey(Policy, models.CASCADE, related_name="clauses")
    number = models.CharField(_("条款号"), max_length=30)
    title = models.CharField(_("条款名称"), max_length=200, blank=True)
    valid_from = models.DateField(_("本版本起始日"), null=True, blank=True)
    valid_to = models.DateField(_("本版本截止日"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    beneficiary = models.CharField(
        _("受益人"), max_length=20, choices=Beneficiary.choices, default=Beneficiary.COMPANY
    )
    variables = models.JSONField(_("变量"), default=dict, blank=True)
    condition = models.TextField(_("适用条件"), blank=True)
    amount = models.TextField(_("金额规则"))
    cap_item = MoneyField(_("单项上限（万元）"), null=True, blank=True)
    cap_project = MoneyField(_("单个项目累计上限（万元）"), null=True, blank=True)
    cap_year = MoneyField(_("每年上限（万元）"), null=True, blank=True)
    #: [{"milestone": Payable, "share": "0.3"}], shares adding up to 1.
    payments = models.JSONField(_("兑付安排"), default=list, blank=True)
    time_limit_days = models.PositiveIntegerField(_("时限（天）"), null=True, blank=True)
    time_limit_from = models.CharField(
        _("时限起算"), max_length=20, choices=Payable.choices, blank=True
    )
    stackable = models.BooleanField(_("可与其他政策叠加"), default=True)
    #: Clauses sharing a group do not stack: a project gets the highest of them.
    exclusive_group = models.CharField(_("就高不叠加分组"), max_length=60, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["policy_id", "order", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number", "valid_from"], name="clause_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.number}"

    def in_force_on(self, day: dt.date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day <= self.valid_to)


def clauses_in_force(day: dt.date):
    """Return the clause versions in force on ``day``, of policies in force then."""
    return Clause.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        Q(policy__effective_on__isnull=True) | Q(policy__effective_on__lte=day),
        Q(policy__expires_on__isnull=True) | Q(policy__expires_on__gte=day),
    ).select_related("policy")


class PolicyEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("导入")
        CHANGED = "changed", _("更新")

    policy = models.ForeignKey(Policy, models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("政策记录")
        verbose_name_plural = _("政策记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.policy.number} {self.get_kind_display()}"
