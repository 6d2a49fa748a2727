"""外出招商 (outbound trips) and 来访接待 (receptions): the everyday 招商 facts a district counts.

A **trip** is a unit's: its 招商小分队 goes out (组别 — 阿拉尔's monthly table counts by
"组别|外出人数|外出天数"; a blank group is the unit itself), with its members and the
leaders who led it, from one date to another, to the places named; it meets companies of
the library, holds talks, and may produce leads (registered through the leads' services,
source 驻外招商, and linked). The trip report (出访信息报送, 南通: "出访回国后,要在15日内填写
信息报送表") is due ``report_days`` calendar days after return and waits in the to-do list
until filed.

A **reception** is a unit's too: visiting investors (people, and their companies from the
library) received on a day by the unit and leaders, shown parcels and buildings (``land``),
producing leads (source 企业来访).

Leaders on a trip or at a reception who talk about projects act there once: the record's
leader acts (``supervision.LeaderAct``, origin 外出招商/来访接待) are kept equal to what the
record names (``services``). Every change writes a ``VisitEvent`` in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.org.models import RecordEvent


class VisitSettings(models.Model):
    """A district's rules for trips; a district without a row uses the defaults here."""

    district = models.OneToOneField(
        "org.District", models.CASCADE, related_name="visit_settings", verbose_name=_("所属区")
    )
    report_days = models.PositiveSmallIntegerField(
        _("出访信息报送时限（天）"),
        default=15,
        help_text=_("返回后多少个自然日内报送出访信息（南通：15日内）"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("外出招商规则")
        verbose_name_plural = _("外出招商规则")

    def __str__(self) -> str:
        return f"{self.district} 外出招商规则"


class Trip(models.Model):
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="trips", verbose_name=_("所属区")
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="trips", verbose_name=_("组织单位")
    )
    group = models.CharField(
        _("组别"), max_length=50, blank=True, help_text=_("招商小分队的名称，空着即为本单位")
    )
    title = models.CharField(_("出访事由"), max_length=200)
    start = models.DateField(_("出发日期"))
    end = models.DateField(_("返回日期"))
    destinations = models.CharField(_("目的地"), max_length=200)
    members = models.ManyToManyField(
        "org.Person", blank=True, related_name="trips", verbose_name=_("小分队成员")
    )
    leaders = models.ManyToManyField(
        "org.Person", blank=True, related_name="led_trips", verbose_name=_("带队领导")
    )
    companies = models.ManyToManyField(
        "companies.Company", blank=True, related_name="trips", verbose_name=_("拜访企业")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="trips", verbose_name=_("洽谈项目")
    )
    talks = models.TextField(_("洽谈情况"), blank=True, help_text=_("与谁、谈了什么"))
    leads = models.ManyToManyField(
        "leads.Lead", blank=True, related_name="trips", verbose_name=_("产生的线索")
    )
    report = models.TextField(_("出访信息报送"), blank=True)
    report_due = models.DateField(_("报送时限"))
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("外出招商")
        verbose_name_plural = _("外出招商")
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["district", "start"], name="trip_district_start"),
            models.Index(fields=["unit", "start"], name="trip_unit_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="trip_dates")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} {self.title}"

    @property
    def group_name(self) -> str:
        return self.group or self.unit.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Reception(models.Model):
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="receptions", verbose_name=_("所属区")
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="receptions", verbose_name=_("接待单位")
    )
    date = models.DateField(_("来访日期"))
    visitors = models.CharField(_("来访人员"), max_length=300, help_text=_("姓名、职务"))
    companies = models.ManyToManyField(
        "companies.Company", related_name="receptions", verbose_name=_("来访企业")
    )
    leaders = models.ManyToManyField(
        "org.Person", blank=True, related_name="receptions", verbose_name=_("接待领导")
    )
    hosts = models.CharField(_("陪同人员"), max_length=200, blank=True)
    parcels = models.ManyToManyField(
        "land.Parcel", blank=True, related_name="receptions", verbose_name=_("考察地块")
    )
    buildings = models.ManyToManyField(
        "land.Building", blank=True, related_name="receptions", verbose_name=_("考察载体")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="receptions", verbose_name=_("洽谈项目")
    )
    talks = models.TextField(_("洽谈情况"), blank=True)
    leads = models.ManyToManyField(
        "leads.Lead", blank=True, related_name="receptions", verbose_name=_("产生的线索")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("来访接待")
        verbose_name_plural = _("来访接待")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["district", "date"], name="reception_district_date"),
            models.Index(fields=["unit", "date"], name="reception_unit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.visitors}"


class VisitEvent(RecordEvent):
    """One change to a trip or a reception: append-only, written with the change."""

    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        UPDATED = "updated", _("修改")
        REPORTED = "reported", _("报送出访信息")
        LEAD = "lead", _("登记线索")

    trip = models.ForeignKey(
        Trip, models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("外出")
    )
    reception = models.ForeignKey(
        Reception,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("接待"),
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("外出与接待动态")
        verbose_name_plural = _("外出与接待动态")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trip__isnull=False, reception__isnull=True)
                | Q(trip__isnull=True, reception__isnull=False),
                name="visit_event_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
