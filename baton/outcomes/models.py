"""What a signed project promised (履约) and what a landed project delivers (效益).

A **promise** is one term of the investment contract: a fixed-asset investment by a date,
an investment intensity (万元/亩), an annual output value or tax from 达产, a number of
jobs, or a start / production deadline. Each has its check date (核查日期); the daily check
(``services.outcomes_check``) states it kept, at risk or broken with the gap
(``measure``), and a broken promise raises a problem for the project's responsible unit
once and holds the project's policy payments while it stays broken (``guard``).

A **result** is one period's figures of a landed project: 到位资金 (investment completed),
output value, tax and jobs, for a year (quarter 0) or one of its quarters, with the
source (统计局, 企业填报, 税务…). Every change writes an ``OutcomeEvent`` in the same
transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField
from baton.org.models import RecordEvent


class Promise(models.Model):
    class Kind(models.TextChoices):
        FIXED_INVESTMENT = "fixed_investment", _("固定资产投资")
        INTENSITY = "intensity", _("投资强度")
        OUTPUT = "output", _("达产年产值")
        TAX = "tax", _("达产年税收")
        JOBS = "jobs", _("就业人数")
        START = "start", _("开工期限")
        PRODUCTION = "production", _("投产期限")

    class Status(models.TextChoices):
        PENDING = "pending", _("待核查")
        KEPT = "kept", _("已履约")
        AT_RISK = "at_risk", _("有风险")
        BROKEN = "broken", _("未履约")

    #: The kinds with a figure to reach; the others are deadlines of a milestone.
    AMOUNT_KINDS = (Kind.FIXED_INVESTMENT, Kind.INTENSITY, Kind.OUTPUT, Kind.TAX, Kind.JOBS)
    UNITS = {
        Kind.FIXED_INVESTMENT: "万元",
        Kind.INTENSITY: "万元/亩",
        Kind.OUTPUT: "万元/年",
        Kind.TAX: "万元/年",
        Kind.JOBS: "人",
    }

    project = models.ForeignKey(
        "projects.Project", models.PROTECT, related_name="promises", verbose_name=_("项目")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    kind = models.CharField(_("承诺事项"), max_length=20, choices=Kind.choices)
    target = models.DecimalField(
        _("承诺值"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("金额以万元计，投资强度以万元/亩计，就业以人计；开工、投产期限不填"),
    )
    due_on = models.DateField(_("承诺期限"), help_text=_("在此日期前完成（达产的年份从此起算）"))
    check_on = models.DateField(_("核查日期"))
    clause = models.CharField(_("合同条款"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    status = models.CharField(
        _("履约状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    evaluated_on = models.DateField(_("评估日期"), null=True, blank=True)
    actual = models.DecimalField(
        _("实际值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    gap = models.DecimalField(_("差额"), max_digits=16, decimal_places=4, null=True, blank=True)
    finding = models.CharField(_("评估说明"), max_length=300, blank=True)
    problem = models.ForeignKey(
        "supervision.Problem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出的问题"),
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
        verbose_name = _("履约承诺")
        verbose_name_plural = _("履约承诺")
        ordering = ["check_on", "id"]
        indexes = [
            models.Index(fields=["district", "status"], name="promise_district_status"),
            models.Index(fields=["project", "status"], name="promise_project_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="promise_once_per_kind"),
            models.CheckConstraint(
                condition=Q(check_on__gte=models.F("due_on")), name="promise_check_after_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_text}"

    @property
    def has_amount(self) -> bool:
        return self.kind in self.AMOUNT_KINDS

    @property
    def unit_label(self) -> str:
        return self.UNITS.get(self.kind, "")

    @property
    def target_text(self) -> str:
        if not self.has_amount or self.target is None:
            return f"{self.due_on:%Y-%m-%d} 前"
        return f"{_number(self.target)} {self.unit_label}"

    @property
    def gap_text(self) -> str:
        if self.gap is None:
            return ""
        if self.has_amount:
            return f"差 {_number(self.gap)} {self.unit_label}"
        return f"逾期 {int(self.gap)} 天"


def _number(value) -> str:
    text = format(value.normalize(), "f") if value is not None else ""
    return text


class Result(models.Model):
    class Source(models.TextChoices):
        STATISTICS = "statistics", _("统计局")
        TAX_BUREAU = "tax_bureau", _("税务部门")
        ENTERPRISE = "enterprise", _("企业填报")
        OTHER = "other", _("其他")

    project = models.ForeignKey(
        "projects.Project", models.PROTECT, related_name="results", verbose_name=_("项目")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), default=0, help_text=_("0 为全年，1–4 为季度")
    )
    investment = MoneyField(_("到位资金（万元）"), null=True, blank=True)
    output = MoneyField(_("产值（万元）"), null=True, blank=True)
    tax = MoneyField(_("税收（万元）"), null=True, blank=True)
    jobs = models.PositiveIntegerField(_("就业人数"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=12, choices=Source.choices)
    note = models.CharField(_("备注"), max_length=300, blank=True)
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
        verbose_name = _("效益数据")
        verbose_name_plural = _("效益数据")
        ordering = ["-year", "-quarter", "id"]
        indexes = [models.Index(fields=["district", "year"], name="result_district_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "quarter"], name="result_once_per_period"
            ),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="result_quarter_range"),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} {self.project_id}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")


class OutcomeEvent(RecordEvent):
    """One change to a project's promises or results: append-only, written with it."""

    class Kind(models.TextChoices):
        PROMISED = "promised", _("登记承诺")
        PROMISE_CHANGED = "promise_changed", _("修改承诺")
        RESULT = "result", _("登记效益")
        RESULT_CHANGED = "result_changed", _("修改效益")
        CHECKED = "checked", _("履约评估")
        PROBLEM = "problem", _("提出问题")

    project = models.ForeignKey(
        "projects.Project", models.CASCADE, related_name="outcome_events", verbose_name=_("项目")
    )
    promise = models.ForeignKey(
        Promise, models.CASCADE, null=True, blank=True, related_name="events"
    )
    result = models.ForeignKey(Result, models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("履约与效益动态")
        verbose_name_plural = _("履约与效益动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
