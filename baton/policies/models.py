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
from baton.org.models import RecordEvent, YearlySequence


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
    #: A draft is in the library but not published: estimates and delivery do not use it.
    #: A policy cannot be published while a clause has an unresolved fair-competition flag.
    is_draft = models.BooleanField(_("草案（未发布）"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    #: 兑现时限: working days from a complete application to the decision (快申快享: 60).
    delivery_days = models.PositiveSmallIntegerField(_("兑现时限（工作日）"), default=60)
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
    #: 免申即享: Baton opens the delivery itself when the project qualifies.
    no_application = models.BooleanField(_("免申即享"), default=False)
    #: 《公平竞争审查条例》 flags found when the clause was saved: [{"code", "text"}].
    fair_flags = models.JSONField(_("公平竞争审查提示"), default=list, blank=True)
    #: The reviewer's conclusion on the flags (an exception the 条例 allows, and why);
    #: a flagged clause without one blocks publication.
    fair_review = models.TextField(_("公平竞争审查结论"), blank=True)
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
    """Return the clause versions in force on ``day``, of published policies in force then."""
    return Clause.objects.filter(
        Q(policy__is_draft=False),
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        Q(policy__effective_on__isnull=True) | Q(policy__effective_on__lte=day),
        Q(policy__expires_on__isnull=True) | Q(policy__expires_on__gte=day),
    ).select_related("policy")


class PolicyEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("导入")
        CHANGED = "changed", _("更新")
        REVIEWED = "reviewed", _("公平竞争审查")
        PUBLISHED = "published", _("发布")

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


class Application(models.Model):
    """兑现: one clause's award for one project, from receipt (or 免申即享) to the last
    instalment paid. The office receives it, records when the materials are complete
    (the deadline — ``Policy.delivery_days`` working days — runs from then), checks it
    against the clause, approves an amount (the formula kept) or refuses it, and pays it
    in the clause's instalments as the project reaches each milestone."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")  # materials not complete yet
        COMPLETE = "complete", _("审核中")  # complete: the deadline runs
        APPROVED = "approved", _("已核定")  # amount fixed; instalments paid as due
        PAID = "paid", _("已兑付")  # every instalment paid
        REJECTED = "rejected", _("不予兑现")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Mode(models.TextChoices):
        APPLIED = "applied", _("依申请")
        AUTOMATIC = "automatic", _("免申即享")

    code = models.CharField(_("兑现编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="policy_applications", verbose_name=_("所属区")
    )
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        related_name="policy_applications",
        verbose_name=_("项目"),
    )
    policy = models.ForeignKey(
        Policy, models.PROTECT, related_name="applications", verbose_name=_("政策")
    )
    #: The clause version in force on ``basis_on`` (the project's signing, unless given).
    clause = models.ForeignKey(
        Clause, models.PROTECT, related_name="applications", verbose_name=_("条款")
    )
    company = models.ForeignKey(
        "companies.Company",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_applications",
        verbose_name=_("申请企业"),
    )
    #: Who receives the money: the company, or the intermediary for a 中介 clause.
    beneficiary_name = models.CharField(_("受益人"), max_length=200)
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices, default=Mode.APPLIED)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    basis_on = models.DateField(_("适用条款日期"))
    #: Facts the library does not hold, given for the calculation (注册资本 …).
    facts = models.JSONField(_("补充数据"), default=dict, blank=True)
    received_on = models.DateField(_("受理日期"))
    complete_on = models.DateField(_("材料齐全日期"), null=True, blank=True)
    due_on = models.DateField(_("兑现时限"), null=True, blank=True)
    requested_amount = MoneyField(_("申请金额（万元）"), null=True, blank=True)
    estimate_amount = MoneyField(_("测算金额（万元）"), null=True, blank=True)
    estimate_formula = models.TextField(_("测算算式"), blank=True)
    approved_amount = MoneyField(_("核定金额（万元）"), null=True, blank=True)
    approved_formula = models.TextField(_("核定算式"), blank=True)
    decided_on = models.DateField(_("核定日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("政策兑现")
        verbose_name_plural = _("政策兑现")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["district", "status"], name="policyapp_district_status"),
            models.Index(fields=["project"], name="policyapp_project"),
            models.Index(fields=["policy", "status"], name="policyapp_policy_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.beneficiary_name}"


class Instalment(models.Model):
    """One share of an approved award, due when the project reaches ``milestone``."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="instalments", verbose_name=_("兑现")
    )
    order = models.PositiveSmallIntegerField(_("期次"))
    milestone = models.CharField(_("兑付节点"), max_length=20, choices=Payable.choices)
    share = models.DecimalField(_("比例"), max_digits=7, decimal_places=6)
    amount = MoneyField(_("应付金额（万元）"))
    #: The day the milestone was reached (the instalment is payable from then).
    due_on = models.DateField(_("应付日期"), null=True, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    paid_amount = MoneyField(_("实付金额（万元）"), null=True, blank=True)
    voucher = models.CharField(_("支付凭证号"), max_length=100, blank=True)
    #: Held while the project breaks a promise of its contract (履约), with the reason.
    held = models.BooleanField(_("暂缓兑付"), default=False)
    hold_reason = models.TextField(_("暂缓原因"), blank=True)

    class Meta:
        verbose_name = _("分期兑付")
        verbose_name_plural = _("分期兑付")
        ordering = ["application_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="instalment_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} 第{self.order}期"


class ApplicationEvent(RecordEvent):
    """One step of a delivery: append-only, written with the change it records."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("受理")
        OPENED = "opened", _("免申即享生成")
        COMPLETED = "completed", _("材料齐全")
        APPROVED = "approved", _("核定")
        REJECTED = "rejected", _("不予兑现")
        WITHDRAWN = "withdrawn", _("撤回")
        DUE = "due", _("到期应付")
        PAID = "paid", _("支付")
        HELD = "held", _("暂缓")
        RELEASED = "released", _("恢复兑付")
        NOTE = "note", _("备注")

    application = models.ForeignKey(
        Application, models.PROTECT, related_name="events", verbose_name=_("兑现")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("政策兑现记录")
        verbose_name_plural = _("政策兑现记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["application", "at", "id"], name="policyappevent_app_at"),
            models.Index(fields=["district", "at"], name="policyappevent_district_at"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ApplicationSequence(YearlySequence):
    """The last number given to a district's deliveries of a year (codes ZC + district + year)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="policyapp_sequence_unique")
        ]
