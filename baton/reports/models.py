from django.db import models
from django.utils.translation import gettext_lazy as _

from baton.projects.money import MoneyField


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
