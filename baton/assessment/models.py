"""考核办法 as data: versioned schemes of indicators, their targets, and rankings.

A scheme is edited as a draft, then published and frozen; a change afterwards is a new
version (``scheme_copy``). A ranking is one run of a scheme over a period; once
published its lines are the record and later project edits do not touch them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SCORE = {"max_digits": 12, "decimal_places": 2}
SHARE = {"max_digits": 5, "decimal_places": 4}


class Scheme(models.Model):
    class PeriodKind(models.TextChoices):
        MONTH = "month", _("月度")
        QUARTER = "quarter", _("季度")
        YEAR = "year", _("年度")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    #: A city scheme (no district) ranks the city's districts, each as a whole; a district
    #: scheme ranks the district's units. ``city`` is always the owner's city.
    city = models.ForeignKey(
        "org.City", models.PROTECT, related_name="schemes", verbose_name=_("所属市")
    )
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name=_("所属区"),
        help_text=_("为空：市级方案，考核全市各区"),
    )
    name = models.CharField(_("方案名称"), max_length=100)
    version = models.PositiveIntegerField(_("版本"), default=1)
    period_kind = models.CharField(
        _("考核周期"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    share_info = models.DecimalField(
        _("信息提供单位分成"), **SHARE, default=Decimal("0.2"), help_text=_("0–1 之间的小数")
    )
    share_talks = models.DecimalField(_("洽谈推进单位分成"), **SHARE, default=Decimal("0.3"))
    share_landing = models.DecimalField(_("落地服务单位分成"), **SHARE, default=Decimal("0.5"))
    copied_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("复制自")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["city", "district", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "version"], name="scheme_version_once"
            ),
            models.UniqueConstraint(
                fields=["city", "name", "version"],
                condition=models.Q(district__isnull=True),
                name="city_scheme_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_city(self) -> bool:
        """A city scheme: the assessed parties are the city's districts."""
        return self.district_id is None

    @property
    def owner_name(self) -> str:
        return self.district.name if self.district_id else self.city.name

    def stated_total(self) -> Decimal:
        """The scheme's 满分: the weights of its items, 加分项 not included."""
        return sum((i.weight for i in self.indicators.all() if not i.is_bonus), Decimal(0))

    def relay_shares(self) -> dict[str, Decimal]:
        return {"info": self.share_info, "talks": self.share_talks, "landing": self.share_landing}


class Party(models.Model):
    """An assessed party: a unit (a district scheme's) or a district as a whole (a city
    scheme's); exactly one of the two is set."""

    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区"),
    )

    class Meta:
        abstract = True

    @property
    def party_id(self) -> int:
        return self.unit_id or self.district_id  # type: ignore[return-value]

    @property
    def party(self):
        return self.unit if self.unit_id else self.district

    @property
    def party_name(self) -> str:
        return self.party.name


def one_party(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(unit__isnull=False, district__isnull=True)
        | models.Q(unit__isnull=True, district__isnull=False),
        name=name,
    )


class SchemeUnit(Party):
    """A party the scheme assesses (a unit, or for a city scheme a district); ``group``
    (园区, 乡镇 …) is the set it is compared within."""

    scheme = models.ForeignKey(
        Scheme, models.CASCADE, related_name="units", verbose_name=_("考核方案")
    )
    group = models.CharField(_("分组"), max_length=20, blank=True, help_text=_("如 园区、乡镇"))

    class Meta:
        verbose_name = _("被考核单位")
        verbose_name_plural = _("被考核单位")
        ordering = ["scheme", "unit__order", "district__code", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="scheme_unit_once"),
            models.UniqueConstraint(fields=["scheme", "district"], name="scheme_district_once"),
            one_party("scheme_unit_one_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party_name}（{self.group}）" if self.group else self.party_name


class Indicator(models.Model):
    class Kind(models.TextChoices):
        RATIO = "ratio", _("完成率（实际÷目标×分值）")
        TIERS = "tiers", _("按项目计分（档次/类型）")
        DEDUCTION = "deduction", _("按件扣分")
        EFFICACY = "efficacy", _("功效系数法（60–100）")
        GROUP_SHARE = "group_share", _("占本组最高值比例")
        MANUAL = "manual", _("人工评分")
        WEIGHTED_SUM = "weighted_sum", _("加权计数（n₁×分值₁+n₂×分值₂…）")
        BRACKET_SHORTFALL = "bracket_shortfall", _("分档数量，每少一个扣分")

    scheme = models.ForeignKey(
        Scheme, models.CASCADE, related_name="indicators", verbose_name=_("考核方案")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("指标名称"), max_length=100)
    kind = models.CharField(_("计分方式"), max_length=20, choices=Kind.choices)
    weight = models.DecimalField(_("分值"), **SCORE)
    config = models.JSONField(_("计分配置"), default=dict, blank=True)
    cap = models.DecimalField(_("最高得分"), **SCORE, null=True, blank=True)
    floor = models.DecimalField(_("最低得分"), **SCORE, null=True, blank=True)
    is_bonus = models.BooleanField(
        _("加分项"), default=False, help_text=_("加分项的分值不计入方案的总分值（满分）")
    )

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Target(Party):
    """A party's target for a ratio indicator; ``part`` numbers the parts of a compound one."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="targets", verbose_name=_("指标")
    )
    part = models.PositiveSmallIntegerField(_("分项"), default=0)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "part"], name="target_once"),
            models.UniqueConstraint(
                fields=["indicator", "district", "part"], name="target_district_once"
            ),
            one_party("target_one_party"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.party_name}: {self.value}"


class ManualScore(Party):
    """A reviewer's score for a party on a manual indicator in one period, with its reason."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="manual_scores", verbose_name=_("指标")
    )
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    rater = models.CharField(
        _("评分方"), max_length=40, blank=True, help_text=_("如 园区、乡镇，或评分人")
    )
    score = models.DecimalField(_("得分"), **SCORE)
    reason = models.TextField(_("评分理由"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period_start", "period_end", "rater"],
                name="manual_score_once",
            ),
            models.UniqueConstraint(
                fields=["indicator", "district", "period_start", "period_end", "rater"],
                name="manual_score_district_once",
            ),
            one_party("manual_score_one_party"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.party_name}: {self.score}"


class Ranking(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("试算")
        PUBLISHED = "published", _("已发布")

    scheme = models.ForeignKey(
        Scheme, models.PROTECT, related_name="rankings", verbose_name=_("考核方案")
    )
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    computed_at = models.DateTimeField(_("计算时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("考核排名")
        verbose_name_plural = _("考核排名")
        ordering = ["-period_end", "-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_start", "period_end"],
                condition=models.Q(status="published"),
                name="ranking_published_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period_start}–{self.period_end}"


class RankingLine(Party):
    """One unit's result: total, rank, and each indicator's score with its formula.

    ``scores`` is a list of ``{"indicator", "name", "score", "formula"}`` with scores as
    two-decimal strings; ``formula`` shows the numbers, e.g. ``(28÷27)×50``.
    """

    ranking = models.ForeignKey(
        Ranking, models.CASCADE, related_name="lines", verbose_name=_("排名")
    )
    group = models.CharField(_("分组"), max_length=20, blank=True)
    rank = models.PositiveIntegerField(_("名次"))
    total = models.DecimalField(_("总分"), **SCORE)
    scores = models.JSONField(_("分项得分"), default=list)

    class Meta:
        verbose_name = _("排名明细")
        verbose_name_plural = _("排名明细")
        ordering = ["ranking", "rank", "unit__order", "district__code", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "unit"], name="ranking_line_once"),
            models.UniqueConstraint(
                fields=["ranking", "district"], name="ranking_line_district_once"
            ),
            one_party("ranking_line_one_party"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.party_name} {self.total}"


class EnteredFact(models.Model):
    """A figure the library does not hold (实际利用外资, 到位资金, 弄虚作假 …), entered for
    an assessed party and a period with its source and reason; an indicator counts it as
    the metric ``{"metric": "entered", "name": …}`` like any other fact.

    The party is a unit, or with no unit the district as a whole.
    """

    class Source(models.TextChoices):
        FILE = "file", _("文件")
        STATS = "stats", _("统计局")
        COMMERCE = "commerce", _("商务局")
        OTHER = "other", _("其他部门")

    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="+", verbose_name=_("所属区")
    )
    unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("为空：全区"),
    )
    name = models.CharField(_("指标"), max_length=40, help_text=_("如 实际利用外资、到位资金"))
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("说明"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
        help_text=_("为空：命令行导入"),
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("录入数据")
        verbose_name_plural = _("录入数据")
        ordering = ["district", "name", "period_start", "unit__order", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name", "period_start", "period_end"],
                condition=models.Q(unit__isnull=False),
                name="entered_fact_unit_once",
            ),
            models.UniqueConstraint(
                fields=["district", "name", "period_start", "period_end"],
                condition=models.Q(unit__isnull=True),
                name="entered_fact_district_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_name} {self.name}: {self.value}"

    @property
    def party_name(self) -> str:
        return self.unit.name if self.unit_id else self.district.name
