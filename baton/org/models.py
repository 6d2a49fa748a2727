from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class City(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(
        _("简称"), max_length=20, help_text=_("如“厦门”，用于统计口径文字")
    )

    class Meta:
        verbose_name = _("市")
        verbose_name_plural = _("市")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    class ReviewLevels(models.IntegerChoices):
        ONE = 1, _("一级审核（区招商办审核即入库）")
        TWO = 2, _("两级审核（区招商办初审、市招商办审核入库）")

    city = models.ForeignKey(City, models.PROTECT, related_name="districts", verbose_name=_("市"))
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    review_levels = models.PositiveSmallIntegerField(
        _("审核层级"), choices=ReviewLevels.choices, default=ReviewLevels.TWO
    )

    class Meta:
        verbose_name = _("区（县）")
        verbose_name_plural = _("区（县）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """Return the name as reports print it, e.g. 厦门翔安区."""
        return f"{self.city.short_name}{self.name}"


class UnitQuerySet(models.QuerySet):
    def promotion(self) -> "UnitQuerySet":
        """Return the promotion units: those that may hold, receive and share a project
        and are assessed (every kind but the 协调部门)."""
        return self.exclude(kind=Unit.Kind.COORDINATING)

    def coordinating(self) -> "UnitQuerySet":
        return self.filter(kind=Unit.Kind.COORDINATING)


class Unit(models.Model):
    """A team that promotes investment: the runners of the relay.

    A 协调部门 (自然资源局, 生态环境局, 供电公司…) is a unit outside the promotion team:
    problems may be assigned to it, but it never holds, receives or shares a project and
    is never assessed (``Unit.objects.promotion()``, ``check_promotion``).
    """

    class Kind(models.TextChoices):
        TOWN = "town", _("镇街")
        DEPARTMENT = "department", _("行业部门")
        HEADQUARTERS = "headquarters", _("指挥部/管委会")
        GROUP = "group", _("国企招商集团")
        OFFICE = "office", _("区招商办")
        COORDINATING = "coordinating", _("协调部门")

    district = models.ForeignKey(
        District, models.PROTECT, related_name="units", verbose_name=_("所属区")
    )
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    division_code = models.CharField(
        _("区划代码"), max_length=12, blank=True, help_text=_("镇街填写统计用区划代码")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商单位")
        verbose_name_plural = _("招商单位")
        ordering = ["district", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_coordinating(self) -> bool:
        return self.kind == self.Kind.COORDINATING

    def check_promotion(self) -> None:
        """Refuse a 协调部门 where a promotion unit is needed (a project's holder, a
        handoff's receiver, a co-unit or relay leg, an assessed unit)."""
        if self.is_coordinating:
            raise ValidationError(
                f"“{self.name}”是协调部门，只办理交办给它的问题，"
                "不能负责、接收或协同招商项目，也不参加考核排名。"
            )


#: Leaders in protocol order: city leaders before district leaders (the level's codes sort
#: that way), then the 职务排序 the office set, then the name. Never by how active.
LEADER_ORDER = ("level", "rank", "name", "pk")


class Person(models.Model):
    """A named person of a unit: a contact, a promoter or a leader."""

    class Level(models.TextChoices):
        STAFF = "staff", _("工作人员")
        DISTRICT_LEADER = "district_leader", _("区领导")
        CITY_LEADER = "city_leader", _("市领导")

    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=80, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices, default=Level.STAFF)
    city = models.ForeignKey(City, models.PROTECT, related_name="people", verbose_name=_("市"))
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("区"),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("单位"),
    )
    rank = models.PositiveSmallIntegerField(
        _("职务排序"),
        default=100,
        help_text=_("由招商办按职务排定：数字小的排在前面，如书记 1、区长 2、常务副区长 3。"),
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["city", *LEADER_ORDER]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name

    @property
    def is_leader(self) -> bool:
        return self.level != self.Level.STAFF


class YearlySequence(models.Model):
    """The last number a district gave out in a year, for codes such as
    ``XS350213-2026-0001`` (abstract: each kind of code keeps its own table)."""

    district = models.ForeignKey(District, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.district_id} {self.year} {self.last}"

    @classmethod
    def issue(cls, district: District, year: int, *, prefix: str, taken: models.QuerySet) -> str:
        """Issue the next ``<prefix><district>-<year>-NNNN`` whose ``code`` is not in
        ``taken``; inside the caller's transaction, the row locked until it ends."""
        seq, _ = cls.objects.select_for_update().get_or_create(district=district, year=year)
        while True:
            seq.last += 1
            code = f"{prefix}{district.code}-{year}-{seq.last:04d}"
            if not taken.filter(code=code).exists():
                break
        seq.save(update_fields=["last"])
        return code


class RecordEvent(models.Model):
    """One change to a district's record (a lead, a policy application…): append-only,
    written in the transaction of the change it records, with the values before and after
    (abstract: each kind of record keeps its own table, its ``kind`` choices and the
    foreign key to the record)."""

    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("发生时间"))
    old = models.JSONField(_("变更前"), default=dict, blank=True)
    new = models.JSONField(_("变更后"), default=dict, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
