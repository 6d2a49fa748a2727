"""客商库: one record per company, kept by a district, and its events.

The district that keeps a company sees and edits it; the city sees its districts'
companies (the area rule, ``accounts.areas``). Every change writes a ``CompanyEvent``
in the same transaction (``services``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.org.models import District


class Tag(models.TextChoices):
    GLOBAL_500 = "global500", _("世界500强")
    CHINA_500 = "china500", _("中国500强")
    PRIVATE_500 = "private500", _("民营500强")
    LISTED = "listed", _("上市")
    SPECIALISED = "specialised", _("专精特新")
    CHAIN_LEADER = "chain_leader", _("链主")


class Size(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Company(models.Model):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="companies", verbose_name=_("所属区")
    )
    name = models.CharField(_("企业名称"), max_length=120)
    #: Former names (曾用名), one per entry; compared too when looking for duplicates.
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # A province's or prefecture-level city's 行政区划代码 (baton/org/divisions.py).
    region = models.CharField(_("企业所在地"), max_length=6, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True)
    tags = models.JSONField(_("企业标签"), default=list, blank=True)
    size = models.CharField(_("企业规模"), max_length=10, choices=Size.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    note = models.TextField(_("备注"), blank=True)
    #: The name and former names normalised (``names.name_key``), for the duplicate check.
    name_keys = models.JSONField(default=list, blank=True, editable=False)
    #: Set when the office merged this record into another: it is kept, not shown.
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("并入")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("客商库")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(uscc="") & Q(merged_into__isnull=True),
                name="company_uscc_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_labels(self) -> list[str]:
        return [Tag(tag).label for tag in self.tags if tag in Tag.values]


class CompanyEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("登记")
        UPDATED = "updated", _("修改")
        ENRICHED = "enriched", _("导入补充")
        MERGED = "merged", _("合并")

    company = models.ForeignKey(Company, models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业事件")
        verbose_name_plural = _("企业事件")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
