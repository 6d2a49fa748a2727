"""Texts read and the draft leads found in them, waiting for the district office.

A promoter or the office pastes or uploads a report (``Article``, kept with its text as
the evidence); each company found in it may be put in the district's review queue as a
``Draft`` (source 新闻/报告), with the sentence it was read from and what it already
matches in the company library and among the district's open leads. The district office
accepts a draft (it becomes a real lead through ``leads.services.lead_register``, so every
lead rule applies), merges it into an existing lead (a follow-up note on that lead) or
discards it. Every change writes a ``DraftEvent`` in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField
from baton.org.models import RecordEvent


class Article(models.Model):
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="news_articles", verbose_name=_("所属区")
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    text = models.TextField(_("全文"))
    digest = models.CharField(_("摘要值"), max_length=64)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    as_of = models.DateField(_("统计截至"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("新闻/报告")
        verbose_name_plural = _("新闻/报告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "digest"], name="news_article_once")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.created_at:%Y-%m-%d} 录入的报道"


class Draft(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审")
        ACCEPTED = "accepted", _("已转为投资信息")
        MERGED = "merged", _("已并入投资信息")
        DISCARDED = "discarded", _("已舍弃")

    article = models.ForeignKey(
        Article, models.PROTECT, related_name="drafts", verbose_name=_("新闻/报告")
    )
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="news_drafts", verbose_name=_("所属区")
    )
    name = models.CharField(_("企业名称"), max_length=200)
    name_key = models.CharField(_("名称比对键"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    amount = MoneyField(_("文中金额（万元）"), null=True, blank=True)
    stage = models.CharField(_("文中阶段"), max_length=20, blank=True)
    sentence = models.TextField(_("原句"))
    #: The library's company this one already is (same credit code or a name alike).
    company = models.ForeignKey(
        "companies.Company",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("客商库企业"),
    )
    #: The district's open leads for that company when the draft was made (ids).
    open_leads = models.JSONField(_("已有投资信息"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    #: The lead made from the draft, or the one it was merged into.
    lead = models.ForeignKey(
        "leads.Lead",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("投资信息"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    created_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核说明"), blank=True)

    class Meta:
        verbose_name = _("新闻线索")
        verbose_name_plural = _("新闻线索")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "status"], name="news_draft_district_status")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class DraftEvent(RecordEvent):
    class Kind(models.TextChoices):
        CREATED = "created", _("提出")
        ACCEPTED = "accepted", _("转为投资信息")
        MERGED = "merged", _("并入投资信息")
        DISCARDED = "discarded", _("舍弃")

    draft = models.ForeignKey(
        Draft, models.PROTECT, related_name="events", verbose_name=_("新闻线索")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = _("新闻线索动态")
        verbose_name_plural = _("新闻线索动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.draft_id} {self.get_kind_display()}"
