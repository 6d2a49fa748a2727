"""投资信息 (leads): the relay's first leg, before a project is 策划.

A lead is registered by a unit (首报单位, 首报时间 — the server's clock, never typed) for
a company of the library and a project it may bring. The unit that registers first holds
the right to talk to the company (首报首谈) for the district's period; a later lead of
another unit for the same company and project is flagged 撞车 and waits for the
district office to arbitrate. The unit must respond, assess (研判) and give feedback to
the source within working-day deadlines (``deadlines``); a lead with no progress for a
month may be reassigned by the office; a lead under the district's entry thresholds is
kept as 储备 and not counted. An assessed lead converts into a 策划 or 意向 project in one
step, and the lead's unit becomes the project's 信息提供单位.

Every change writes a ``LeadEvent`` in the same transaction (``services``); figures as
of a past date are read back from the events (``asof``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField
from baton.org.models import RecordEvent, YearlySequence


class Source(models.TextChoices):
    REFERRER = "referrer", _("引荐人")
    INTERMEDIARY = "intermediary", _("中介机构")
    RESIDENT = "resident", _("驻外招商")
    ACTIVITY = "activity", _("活动")
    NEWS = "news", _("新闻/报告")
    VISIT = "visit", _("企业来访")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    REGISTERED = "registered", _("待响应")
    FOLLOWING = "following", _("跟进中")
    ASSESSED = "assessed", _("已研判")
    CONFLICT = "conflict", _("撞车待裁决")
    CONVERTED = "converted", _("已转化")
    REJECTED = "rejected", _("不予跟进")
    MERGED = "merged", _("已合并")


#: A lead in one of these is still worked on (and can collide with a new one).
ACTIVE = (Status.REGISTERED, Status.FOLLOWING, Status.ASSESSED, Status.CONFLICT)
#: A lead in one of these is closed: nothing but feedback to the source is recorded.
CLOSED = (Status.CONVERTED, Status.REJECTED, Status.MERGED)


class Kind(models.TextChoices):
    """项目性质: new investment, or the expansion of an existing plant (often excluded)."""

    NEW = "new", _("新建")
    EXPANSION = "expansion", _("技改扩建")
    CAPITAL = "capital", _("增资")


#: The six points of a first assessment (研判), as 江门 江府办函〔2024〕37号 names them.
ASSESSMENT_POINTS = (
    ("direction", "产业方向"),
    ("market", "市场前景"),
    ("technology", "技术路线"),
    ("environment", "环保"),
    ("energy", "能耗"),
    ("benefit", "效益"),
)


def default_thresholds() -> list[dict]:
    """宣城 (2024): manufacturing ≥ 1亿元 with 固定资产投资 ≥ 6000万元, big data with
    固定资产投资 ≥ 3000万元; others ≥ 1亿元 (江门: "投资超1亿元(含)招商线索")."""
    return [
        {"label": "制造业", "industry": ["C"], "investment_min": "10000", "fixed_min": "6000"},
        {
            "label": "大数据产业",
            "industry": ["I64", "I65"],
            "investment_min": "",
            "fixed_min": "3000",
        },
        {"label": "其他行业", "industry": [], "investment_min": "10000", "fixed_min": ""},
    ]


def default_exclusions() -> list[dict]:
    """宣城 (2024): 住宅房地产 and 技改扩建 are not leads to be counted."""
    return [
        {"label": "住宅类房地产", "industry": ["K7010"], "kinds": []},
        {"label": "技改扩建", "industry": [], "kinds": [Kind.EXPANSION.value]},
    ]


class LeadSettings(models.Model):
    """A district's rules for leads; a district without a row uses the defaults here."""

    district = models.OneToOneField(
        "org.District", models.CASCADE, related_name="lead_settings", verbose_name=_("所属区")
    )
    hold_days = models.PositiveSmallIntegerField(
        _("首谈期（天）"), default=90, help_text=_("首报单位享有首谈权的自然日数")
    )
    respond_days = models.PositiveSmallIntegerField(_("响应时限（工作日）"), default=1)
    assess_days = models.PositiveSmallIntegerField(_("研判时限（工作日）"), default=3)
    major_assess_days = models.PositiveSmallIntegerField(_("重大项目研判时限（工作日）"), default=5)
    major_wan = MoneyField(_("重大项目标准（万元）"), default=50000)
    feedback_days = models.PositiveSmallIntegerField(_("反馈时限（工作日）"), default=5)
    idle_days = models.PositiveSmallIntegerField(
        _("无进展可改派（天）"), default=30, help_text=_("超过该天数无任何进展，区招商办可改派")
    )
    thresholds = models.JSONField(_("入库门槛"), default=default_thresholds, blank=True)
    exclusions = models.JSONField(_("不纳入情形"), default=default_exclusions, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("投资信息规则")
        verbose_name_plural = _("投资信息规则")

    def __str__(self) -> str:
        return f"{self.district} 投资信息规则"


class Lead(models.Model):
    code = models.CharField(_("信息编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="leads", verbose_name=_("所属区")
    )
    #: The unit that holds the lead now (首谈单位): it follows it up.
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="leads", verbose_name=_("跟进单位")
    )
    first_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="+", verbose_name=_("首报单位")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("首报人"),
    )
    reported_at = models.DateTimeField(_("首报时间"))
    follower = models.CharField(_("跟进人"), max_length=50, blank=True)
    source = models.CharField(_("信息来源"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(
        _("来源说明"), max_length=200, blank=True, help_text=_("引荐人、中介机构或活动的名称")
    )
    company = models.ForeignKey(
        "companies.Company", models.PROTECT, related_name="leads", verbose_name=_("投资方")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    summary = models.TextField(_("项目概况"), blank=True)
    products = models.TextField(_("工艺/产品"), blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    industry = models.ForeignKey(
        "projects.Industry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("行业"),
    )
    kind = models.CharField(_("项目性质"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    investment = MoneyField(_("总投资（万元）"))
    fixed_investment = MoneyField(_("固定资产投资（万元）"), null=True, blank=True)
    land_mu = models.DecimalField(
        _("用地需求（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    energy_tce = models.DecimalField(
        _("用能需求（吨标准煤/年）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    environment = models.CharField(_("环境容量需求"), max_length=200, blank=True)
    annual_output = MoneyField(_("预计年产值（万元）"), null=True, blank=True)
    annual_tax = MoneyField(_("预计年税收（万元）"), null=True, blank=True)
    coordination = models.TextField(_("需协调事项"), blank=True)

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    #: Under the district's entry thresholds or excluded: kept, not counted (储备).
    is_reserve = models.BooleanField(_("储备信息"), default=False)
    reserve_reason = models.CharField(_("储备原因"), max_length=200, blank=True)
    #: The earlier lead this one collided with (撞车), until the office arbitrates.
    conflict_with = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("撞车信息")
    )
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("并入")
    )
    hold_until = models.DateField(_("首谈期至"))
    respond_due = models.DateField(_("响应时限"))
    assess_due = models.DateField(_("研判时限"))
    feedback_due = models.DateField(_("反馈时限"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    #: The 研判 by point (``ASSESSMENT_POINTS``) and its conclusion.
    assessment = models.JSONField(_("研判意见"), default=dict, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead",
        verbose_name=_("转化项目"),
    )
    converted_at = models.DateTimeField(_("转化时间"), null=True, blank=True)
    #: The last time the holder did something with the lead (an event of theirs).
    last_progress_at = models.DateTimeField(_("最近进展"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("投资信息")
        verbose_name_plural = _("投资信息")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status"], name="lead_district_status"),
            models.Index(fields=["unit", "status"], name="lead_unit_status"),
            models.Index(fields=["company", "status"], name="lead_company_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="converted", project__isnull=False)
                | (~Q(status="converted") & Q(project__isnull=True)),
                name="lead_converted_has_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class LeadEvent(RecordEvent):
    """One change to a lead: append-only, written with the change it records.

    ``old``/``new`` hold the changed fields (ids for relations, 万元 strings, ISO dates);
    the ``registered`` event's ``new`` holds every field the figures read.
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记")
        UPDATED = "updated", _("修改")
        RESPONDED = "responded", _("响应")
        ASSESSED = "assessed", _("研判")
        FEEDBACK = "feedback", _("反馈来源方")
        NOTE = "note", _("跟进记录")
        CONFLICT = "conflict", _("撞车")
        ARBITRATED = "arbitrated", _("撞车裁决")
        REASSIGNED = "reassigned", _("改派")
        REJECTED = "rejected", _("不予跟进")
        MERGED = "merged", _("合并")
        CONVERTED = "converted", _("转化为项目")

    lead = models.ForeignKey(
        Lead, models.PROTECT, related_name="events", verbose_name=_("投资信息")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("投资信息动态")
        verbose_name_plural = _("投资信息动态")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at", "id"], name="leadevent_lead_at"),
            models.Index(fields=["district", "at"], name="leadevent_district_at"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class LeadSequence(YearlySequence):
    """The last number given to a district's leads of a year (codes XS + district + year)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="lead_sequence_unique")
        ]
