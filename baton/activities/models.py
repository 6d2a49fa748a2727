"""招商活动: 推介会, 签约仪式/签约大会, 展会 and 投洽会 participation.

An activity is a unit's (its district's office's for a district-wide one): who organised
it (主办/承办), when and where, budget and actual cost in 万元, the companies of the library
invited and the guests, the leaders who attended, and the signed list (签约清单): a project
of the library or a company, with the kind of document (意向/协议/合同) and its amount.

Which signing counts is not stored but read from all the district's signings in order
(``counting``): a project is credited to the first activity that signed it; later
ceremonies show it, an upgrade counts only as an upgrade, an added investment only by its
increase. The district's annual plan (``PlanItem``) is entered by a deadline of the year
before (``ActivitySettings``) and compared with what was held.

Every change writes an ``ActivityEvent`` in the same transaction (``services``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField
from baton.org.models import RecordEvent, YearlySequence


class Kind(models.TextChoices):
    PROMOTION = "promotion", _("推介会")
    SIGNING = "signing", _("签约仪式/签约大会")
    EXPO = "expo", _("展会")
    FAIR = "fair", _("投洽会")


class SigningKind(models.TextChoices):
    """The document signed, weakest first (an upgrade goes up this list)."""

    INTENT = "intent", _("意向")
    AGREEMENT = "agreement", _("协议")
    CONTRACT = "contract", _("合同")


#: The rank of a document: an upgrade is a signing of a higher rank than any before.
RANK = {SigningKind.INTENT: 1, SigningKind.AGREEMENT: 2, SigningKind.CONTRACT: 3}


class ActivitySettings(models.Model):
    """A district's rules for activities; a district without a row uses the defaults."""

    district = models.OneToOneField(
        "org.District",
        models.CASCADE,
        related_name="activity_settings",
        verbose_name=_("所属区"),
    )
    plan_month = models.PositiveSmallIntegerField(_("年度计划报送截止月"), default=12)
    plan_day = models.PositiveSmallIntegerField(_("年度计划报送截止日"), default=5)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("招商活动规则")
        verbose_name_plural = _("招商活动规则")

    def __str__(self) -> str:
        return f"{self.district} 招商活动规则"


class PlanItem(models.Model):
    """One activity of a district's annual plan (年度招商活动计划)."""

    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="+", verbose_name=_("所属区")
    )
    year = models.PositiveSmallIntegerField(_("计划年度"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("单位"))
    kind = models.CharField(_("活动类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    month = models.PositiveSmallIntegerField(_("计划月份"))
    place = models.CharField(_("拟举办地点"), max_length=200, blank=True)
    budget = MoneyField(_("预算（万元）"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    entered_at = models.DateTimeField(_("填报时间"))
    #: Entered after the district's deadline (补报): kept, shown as late.
    is_late = models.BooleanField(_("逾期补报"), default=False)

    class Meta:
        verbose_name = _("年度活动计划")
        verbose_name_plural = _("年度活动计划")
        ordering = ["year", "month", "id"]
        indexes = [models.Index(fields=["district", "year"], name="planitem_district_year")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.title}"


class Activity(models.Model):
    code = models.CharField(_("活动编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="activities", verbose_name=_("所属区")
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="activities", verbose_name=_("责任单位")
    )
    kind = models.CharField(_("活动类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    organizer = models.CharField(_("主办单位"), max_length=200)
    host = models.CharField(_("承办单位"), max_length=200, blank=True)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    place = models.CharField(_("地点"), max_length=200)
    budget = MoneyField(_("预算（万元）"), default=0)
    cost = MoneyField(_("实际费用（万元）"), null=True, blank=True)
    guests = models.TextField(_("嘉宾"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    companies = models.ManyToManyField(
        "companies.Company", related_name="activities", blank=True, verbose_name=_("邀请企业")
    )
    leaders = models.ManyToManyField(
        "org.Person", related_name="activities", blank=True, verbose_name=_("出席领导")
    )
    plan_item = models.OneToOneField(
        PlanItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity",
        verbose_name=_("对应计划"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("招商活动")
        verbose_name_plural = _("招商活动")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["district", "start_on"], name="activity_district_start"),
            models.Index(fields=["unit", "start_on"], name="activity_unit_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="activity_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Signing(models.Model):
    """A line of an activity's signed list: a project of the library or a company."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="signings", verbose_name=_("招商活动")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_signings",
        verbose_name=_("项目"),
    )
    company = models.ForeignKey(
        "companies.Company",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_signings",
        verbose_name=_("企业"),
    )
    title = models.CharField(_("签约项目名称"), max_length=200)
    kind = models.CharField(_("签约类型"), max_length=12, choices=SigningKind.choices)
    amount = MoneyField(_("签约金额（万元）"))
    created_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("签约项目")
        verbose_name_plural = _("签约清单")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["district", "project"], name="signing_district_project"),
            models.Index(fields=["district", "company"], name="signing_district_company"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(company__isnull=False),
                name="signing_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.get_kind_display()}"

    @property
    def subject(self) -> tuple[str, int]:
        """What the counting rule follows: the project, else the company."""
        if self.project_id:
            return ("project", self.project_id)
        return ("company", self.company_id or 0)


class ActivityEvent(RecordEvent):
    """One change to an activity: append-only, written with the change it records."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        UPDATED = "updated", _("修改")
        SIGNED = "signed", _("录入签约")
        UNSIGNED = "unsigned", _("删除签约")

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="events", verbose_name=_("招商活动")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("招商活动动态")
        verbose_name_plural = _("招商活动动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.get_kind_display()}"


class ActivitySequence(YearlySequence):
    """The last number given to a district's activities of a year (codes HD…)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="activity_sequence_unique")
        ]
