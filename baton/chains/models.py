"""产业链招商图谱: a district's industry chains, each a tree of nodes (上游/中游/下游),
with the companies to attract on a node (目标企业清单) and the 链主's suppliers.

A node names GB/T 4754 industry codes; the district's companies whose code falls under
one of them are the node's local companies (``selectors``), and a node with none is a
gap (补链). Every change goes through ``services`` and writes a ``ChainEvent`` in the
same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baton.companies.models import Company
from baton.org.models import District


class Position(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class Chain(models.Model):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="chains", verbose_name=_("所属区")
    )
    name = models.CharField(_("产业链名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["district_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="chain_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    chain = models.ForeignKey(Chain, models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级环节"),
    )
    name = models.CharField(_("环节名称"), max_length=60)
    #: A child sits where its parent sits (``services`` keeps it so).
    position = models.CharField(_("位置"), max_length=10, choices=Position.choices)
    #: GB/T 4754 codes with their section letter (C3841, C384, C), cleaned by
    #: ``companies.industry.clean_industry_code``.
    codes = models.JSONField(_("行业代码"), default=list, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Priority(models.TextChoices):
    HIGH = "high", _("重点")
    NORMAL = "normal", _("一般")


class ChainTarget(models.Model):
    """A company to attract onto a node: one of the library's, or only a name so far."""

    node = models.ForeignKey(ChainNode, models.CASCADE, related_name="targets")
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("企业")
    )
    name = models.CharField(_("企业名称"), max_length=120, blank=True)
    priority = models.CharField(
        _("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("目标企业")
        verbose_name_plural = _("目标企业清单")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.company.name if self.company_id else self.name


class Tier(models.TextChoices):
    FIRST = "first", _("一级")
    SECOND = "second", _("二级")


class ChainSupplier(models.Model):
    """A supplier of a chain's 链主 (chain leader), both in the library."""

    chain = models.ForeignKey(Chain, models.CASCADE, related_name="suppliers")
    leader = models.ForeignKey(
        Company, models.PROTECT, related_name="+", verbose_name=_("链主企业")
    )
    supplier = models.ForeignKey(
        Company, models.PROTECT, related_name="+", verbose_name=_("配套企业")
    )
    tier = models.CharField(_("配套层级"), max_length=10, choices=Tier.choices)
    node = models.ForeignKey(
        ChainNode,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suppliers",
        verbose_name=_("所在环节"),
    )

    class Meta:
        verbose_name = _("链主配套企业")
        verbose_name_plural = _("链主配套企业")
        ordering = ["tier", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "leader", "supplier"], name="chain_supplier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.supplier}"


class ChainEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("新建产业链")
        UPDATED = "updated", _("修改产业链")
        NODE_ADDED = "node_added", _("新增环节")
        NODE_CHANGED = "node_changed", _("修改环节")
        NODE_DELETED = "node_deleted", _("删除环节")
        TARGET_ADDED = "target_added", _("新增目标企业")
        TARGET_REMOVED = "target_removed", _("移除目标企业")
        SUPPLIER_ADDED = "supplier_added", _("新增配套企业")
        SUPPLIER_REMOVED = "supplier_removed", _("移除配套企业")
        LOADED = "loaded", _("导入")

    chain = models.ForeignKey(Chain, models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("产业链事件")
        verbose_name_plural = _("产业链事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
