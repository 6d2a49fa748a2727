"""招商一张图: land parcels (地块) and buildings (载体) on offer, and who holds them.

Geometry is GeoJSON in WGS84 (longitude, latitude) kept in a JSONField, so that the
same schema works on SQLite and PostgreSQL without a GIS extension; areas are computed
from it on the ellipsoid (``geometry.geodesic_area_m2``) when it is written.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField

#: What a parcel or building code (地块编号/载体编号) may look like: it is part of URLs.
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_\-]{0,39}"
#: 1 亩 = 666.67 平方米 (10,000 / 15); 1 公顷 = 15 亩.
M2_PER_MU = Decimal(10000) / Decimal(15)
MU_PER_HECTARE = Decimal(15)
#: Declared and computed areas further apart than this are flagged.
AREA_TOLERANCE = Decimal("0.05")


class LandUse(models.TextChoices):
    """Planning land-use classes of GB 50137-2011 that parcels on offer carry."""

    M = "M", _("M 工业用地")
    M1 = "M1", _("M1 一类工业用地")
    M2 = "M2", _("M2 二类工业用地")
    M3 = "M3", _("M3 三类工业用地")
    W = "W", _("W 物流仓储用地")
    W1 = "W1", _("W1 一类物流仓储用地")
    W2 = "W2", _("W2 二类物流仓储用地")
    W3 = "W3", _("W3 三类物流仓储用地")
    B1 = "B1", _("B1 商业用地")
    B2 = "B2", _("B2 商务用地")
    A35 = "A35", _("A35 科研用地")


class Parcel(models.Model):
    """One land parcel on offer (or held in reserve) in a district."""

    class Status(models.TextChoices):
        RESERVE = "reserve", _("储备")
        AVAILABLE = "available", _("可供")
        RESERVED = "reserved", _("已预留")
        SOLD = "sold", _("已出让")

    code = models.CharField(_("地块编号"), max_length=40, unique=True)
    name = models.CharField(_("地块名称"), max_length=100)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="parcels", verbose_name=_("所属区")
    )
    town = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("所属镇街"),
    )
    address = models.CharField(_("坐落"), max_length=200, blank=True)
    geometry = models.JSONField(_("边界（GeoJSON，WGS84）"))
    centroid_lon = models.FloatField(_("中心经度"))
    centroid_lat = models.FloatField(_("中心纬度"))
    area_m2 = models.DecimalField(_("计算面积（平方米）"), max_digits=14, decimal_places=1)
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=12, decimal_places=2)
    declared_area_mu = models.DecimalField(
        _("登记面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    land_use = models.CharField(_("用地性质"), max_length=4, choices=LandUse.choices)
    planned_use = models.CharField(_("规划用途"), max_length=100, blank=True)
    industries = models.ManyToManyField(
        "projects.Industry", blank=True, related_name="parcels", verbose_name=_("招商方向")
    )
    far_min = models.DecimalField(
        _("容积率下限"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    far_max = models.DecimalField(
        _("容积率上限"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("供应状态"), max_length=10, choices=Status.choices, default=Status.RESERVE
    )
    status_since = models.DateField(_("状态日期"))
    supply_date = models.DateField(_("可供日期"), null=True, blank=True)
    sold_on = models.DateField(_("出让日期"), null=True, blank=True)
    price_wan_per_mu = MoneyField(_("参考价格（万元/亩）"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["district", "code"]
        indexes = [
            models.Index(fields=["district", "status", "area_mu"], name="parcel_district_status"),
            models.Index(fields=["district", "land_use"], name="parcel_district_use"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(far_min__isnull=True)
                | Q(far_max__isnull=True)
                | Q(far_min__lte=models.F("far_max")),
                name="parcel_far_range",
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="parcel_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def area_hectare(self) -> Decimal:
        return (self.area_mu / MU_PER_HECTARE).quantize(Decimal("0.0001"))

    @property
    def area_gap(self) -> Decimal | None:
        """Return (declared − computed) / computed, or None without a declared area."""
        if self.declared_area_mu is None or not self.area_mu:
            return None
        return (self.declared_area_mu - self.area_mu) / self.area_mu

    @property
    def area_gap_text(self) -> str:
        gap = self.area_gap
        return "" if gap is None else f"{gap * 100:+.1f}%"

    @property
    def area_flagged(self) -> bool:
        gap = self.area_gap
        return gap is not None and abs(gap) > AREA_TOLERANCE

    @property
    def far_text(self) -> str:
        if self.far_min is None and self.far_max is None:
            return ""
        if self.far_min is None:
            return f"≤ {self.far_max}"
        if self.far_max is None:
            return f"≥ {self.far_min}"
        return f"{self.far_min}–{self.far_max}"

    def open_reservation(self) -> "ParcelReservation | None":
        """Return the reservation holding the parcel (prefetched by the selectors)."""
        if hasattr(self, "open_reservations"):
            return self.open_reservations[0] if self.open_reservations else None
        return (
            self.reservations.filter(released_at__isnull=True)
            .select_related("project__stage", "project__unit")
            .first()
        )


class ParcelReservation(models.Model):
    """A project holding a parcel: from its reservation until it is released.

    At most one open reservation per parcel — the database refuses a second
    (``parcel_one_holder``), whatever the services check before.
    """

    parcel = models.ForeignKey(
        Parcel, models.PROTECT, related_name="reservations", verbose_name=_("地块")
    )
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        related_name="parcel_reservations",
        verbose_name=_("项目"),
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    reserved_at = models.DateTimeField(_("预留时间"))
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("预留人"),
    )
    until = models.DateField(_("预留期限"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("释放人"),
    )
    release_reason = models.CharField(_("释放原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("地块预留")
        verbose_name_plural = _("地块预留")
        ordering = ["-reserved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(released_at__isnull=True),
                name="parcel_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=models.F("reserved_at")),
                name="reservation_release_after_reserve",
            ),
        ]
        indexes = [models.Index(fields=["project", "released_at"], name="reservation_project")]

    def __str__(self) -> str:
        return f"{self.parcel_id} → {self.project_id}"

    @property
    def is_open(self) -> bool:
        return self.released_at is None


class ParcelEvent(models.Model):
    """One change to a parcel: append-only, written with the change it records."""

    class Kind(models.TextChoices):
        IMPORTED = "imported", _("导入")
        UPDATED = "updated", _("导入更新")
        STATUS = "status", _("供应状态变更")
        RESERVED = "reserved", _("预留")
        RELEASED = "released", _("释放预留")

    parcel = models.ForeignKey(
        Parcel, models.PROTECT, related_name="events", verbose_name=_("地块")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("项目"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    old = models.JSONField(_("变更前"), default=dict, blank=True)
    new = models.JSONField(_("变更后"), default=dict, blank=True)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("地块动态")
        verbose_name_plural = _("地块动态")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["parcel", "at", "id"], name="parcel_event_at")]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Building(models.Model):
    """载体: a standard factory, R&D or warehouse building with space to let."""

    class Kind(models.TextChoices):
        FACTORY = "factory", _("标准厂房")
        OFFICE = "office", _("研发办公楼")
        WAREHOUSE = "warehouse", _("仓储物流库")
        INCUBATOR = "incubator", _("孵化器/众创空间")

    code = models.CharField(_("载体编号"), max_length=40, unique=True)
    name = models.CharField(_("载体名称"), max_length=100)
    kind = models.CharField(_("载体类型"), max_length=12, choices=Kind.choices)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="buildings", verbose_name=_("所属区")
    )
    town = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("所属镇街"),
    )
    parcel = models.ForeignKey(
        Parcel,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("所在地块"),
    )
    address = models.CharField(_("坐落"), max_length=200, blank=True)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    floor_area_m2 = models.DecimalField(_("建筑面积（平方米）"), max_digits=12, decimal_places=2)
    standard_floor_area_m2 = models.DecimalField(
        _("标准层面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    clear_height_m = models.DecimalField(
        _("层高（米）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    vacant_area_m2 = models.DecimalField(
        _("空置面积（平方米）"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    rent_yuan_per_m2_month = models.DecimalField(
        _("租金（元/平方米·月）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    owner = models.CharField(_("产权单位"), max_length=200, blank=True)
    industries = models.ManyToManyField(
        "projects.Industry", blank=True, related_name="buildings", verbose_name=_("招商方向")
    )
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("载体")
        verbose_name_plural = _("载体")
        ordering = ["district", "code"]
        indexes = [models.Index(fields=["district", "kind"], name="building_district_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(vacant_area_m2__lte=models.F("floor_area_m2")),
                name="building_vacant_within_floor_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def occupancy(self) -> Decimal | None:
        """Return the let share of the floor area (0–1), or None without a floor area."""
        if not self.floor_area_m2:
            return None
        return (self.floor_area_m2 - self.vacant_area_m2) / self.floor_area_m2
