from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baton.core.money import MoneyField


class MonthEndSnapshot(models.Model):
    """The library's figures at the end of a closed month, computed once, read in 1 ms.

    "截至 月末" is the most asked question (monthly reports, the cockpit's trend); live
    it reads every period of the scope, which at a province or the whole country is a
    third of a second to seconds. The snapshot keeps, per month end, district, stage and
    milestone, the count and the amount — a few thousand rows a month.

    How it stays correct (``baton.reports.snapshots``):

    - It is computed by ``snapshot_refresh`` (``baton refresh-snapshots``; run it nightly,
      and ``baton generate`` runs it) for month ends before today, from the periods and
      milestones, with ``watermark`` = the highest ``ProjectEvent.id`` it includes. Events
      are append-only and every change to periods or milestones writes one, so whatever
      the snapshot does not include is an event with a higher id.
    - ``figures_as_of`` uses a snapshot only when no event after the watermark touches
      the month: no period-changing event (created, or a new value of review state,
      stage, unit, amount, industry or district) dated before the end of the month, and
      no milestone event whose old or new date is on or before it. Anything else —
      a back-dated move, a corrected signing date — makes that month (and only the months
      it reaches) fall back to the live query until the next refresh recomputes them.
    - The watermark is read under a SHARE lock on the event table (PostgreSQL) or inside
      the refresh's write transaction (SQLite), so no event with a lower id can still be
      uncommitted.
    - Stage names, order, exits and "allows milestones" are read live from the ladder:
      lines are kept per stage and milestone lines for every stage, so editing the ladder
      never makes a snapshot wrong.

    ``baton check-periods --fix`` rewrites periods without writing events: run
    ``baton refresh-snapshots --rebuild`` after it.
    """

    date = models.DateField(_("月末日期"), unique=True)
    watermark = models.BigIntegerField(_("包含的最后动态编号"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("月末统计快照")
        verbose_name_plural = _("月末统计快照")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class MonthEndLine(models.Model):
    """One district's count and amount at one stage (and milestone) at a month end.

    ``milestone`` is empty for the stage line; otherwise the line counts the projects of
    that stage that had reached the milestone by the month end.
    """

    snapshot = models.ForeignKey(MonthEndSnapshot, models.CASCADE, related_name="lines")
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    stage = models.ForeignKey("projects.Stage", models.PROTECT, related_name="+")
    milestone = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField()
    investment = MoneyField()

    class Meta:
        verbose_name = _("月末统计行")
        verbose_name_plural = _("月末统计行")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "district", "stage", "milestone"], name="month_end_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.district_id} {self.stage_id} {self.milestone}"


class PublishedReport(models.Model):
    """A month's figures as published: frozen, so later corrections show as differences.

    Append-only: once written, a row is never changed or deleted (``save`` refuses an
    update and ``delete`` refuses outright); ``figures`` is exactly ``figures_json``.
    """

    class ScopeKind(models.TextChoices):
        DISTRICT = "district", _("区")
        CITY = "city", _("市")

    scope_kind = models.CharField(_("统计范围"), max_length=10, choices=ScopeKind.choices)
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区"),
    )
    city = models.ForeignKey(
        "org.City", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市")
    )
    as_of = models.DateField(_("统计截止日期"))
    figures = models.JSONField(_("发布时的数字"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
        help_text=_("空：由命令行 baton publish-report 发布"),
    )
    published_at = models.DateTimeField(_("发布时间"))
    highlights = models.TextField(_("工作亮点"), blank=True, default="")
    next_steps = models.TextField(_("下步工作"), blank=True, default="")

    class Meta:
        verbose_name = _("已发布月报")
        verbose_name_plural = _("已发布月报")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "as_of"],
                condition=models.Q(scope_kind="district"),
                name="published_report_district_once",
            ),
            models.UniqueConstraint(
                fields=["city", "as_of"],
                condition=models.Q(scope_kind="city"),
                name="published_report_city_once",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="district", district__isnull=False, city__isnull=True)
                    | models.Q(scope_kind="city", city__isnull=False, district__isnull=True)
                ),
                name="published_report_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figures.get('scope', {}).get('name', '')} {self.as_of:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("已发布的月报不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("已发布的月报不能删除。")


class ReportNotes(models.Model):
    """工作亮点 and 下步工作 of a month's report as the office wrote them before publishing.

    One row a save, never changed or deleted: the newest row of a scope and month end is
    the text, the older ones its history. Publishing copies the newest into the
    ``PublishedReport``; after that the month's text is closed (``publish.notes_save``).
    """

    scope_kind = models.CharField(
        _("统计范围"), max_length=10, choices=PublishedReport.ScopeKind.choices
    )
    district = models.ForeignKey(
        "org.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区"),
    )
    city = models.ForeignKey(
        "org.City", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("市")
    )
    as_of = models.DateField(_("统计截止日期"))
    highlights = models.TextField(_("工作亮点"), blank=True)
    next_steps = models.TextField(_("下步工作"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    written_at = models.DateTimeField(_("填写时间"))

    class Meta:
        verbose_name = _("月报工作亮点与下步工作")
        verbose_name_plural = _("月报工作亮点与下步工作")
        ordering = ["-written_at", "-id"]
        indexes = [
            models.Index(fields=["district", "as_of"], name="report_notes_district"),
            models.Index(fields=["city", "as_of"], name="report_notes_city"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="district", district__isnull=False, city__isnull=True)
                    | models.Q(scope_kind="city", city__isnull=False, district__isnull=True)
                ),
                name="report_notes_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id or self.city_id} {self.as_of:%Y-%m-%d} {self.written_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("已保存的工作亮点与下步工作不能修改，请另存一版。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("工作亮点与下步工作的历史不能删除。")
