"""存在问题, 督办 and leaders' acts: what a project meets on its way and what leaders do.

The tables kept the names they had when these models lived in ``projects``
(``projects_problem``, ``projects_supervision``, ``projects_leaderact``): migration 0001
took them over without touching the database.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.projects.models import Project


class Problem(models.Model):
    """存在问题: an obstacle a project meets, owned by a unit that must solve it by a date."""

    class Category(models.TextChoices):
        LAND = "land", _("用地保障")
        PLANNING = "planning", _("规划调整")
        APPROVAL = "approval", _("审批手续")
        DEMOLITION = "demolition", _("征地拆迁")
        INFRASTRUCTURE = "infrastructure", _("水电路气配套")
        ENVIRONMENT = "environment", _("环评能评")
        FUNDS = "funds", _("资金与融资")
        POLICY = "policy", _("政策兑现")
        TALENT = "talent", _("人才用工")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待解决")
        IN_PROGRESS = "in_progress", _("协调中")
        RESOLVED = "resolved", _("已解决")
        CLOSED = "closed", _("已关闭")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="problems", verbose_name=_("项目")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    category = models.CharField(_("问题类别"), max_length=20, choices=Category.choices)
    description = models.TextField(_("问题描述"))
    responsible_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="problems", verbose_name=_("责任单位")
    )
    deadline = models.DateField(_("办结时限"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("办理情况"), blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        db_table = "projects_problem"
        verbose_name = _("存在问题")
        verbose_name_plural = _("存在问题")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["district", "status", "deadline"], name="problem_district_open"),
            models.Index(fields=["responsible_unit", "status"], name="problem_unit_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class Supervision(models.Model):
    """督办: a leader's order to finish a project's step or solve a problem by a date."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("督办中")
        REPORTED = "reported", _("待确认办结")
        DONE = "done", _("已办结")

    #: Not closed yet: the unit works on it, or its report waits for the leader's sign-off.
    OPEN_STATUSES = (Status.ACTIVE, Status.REPORTED)

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="supervisions", verbose_name=_("项目")
    )
    problem = models.ForeignKey(
        Problem,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name=_("督办问题"),
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        "org.Person", models.PROTECT, related_name="supervisions", verbose_name=_("督办领导")
    )
    instruction = models.TextField(_("督办要求"))
    deadline = models.DateField(_("办结时限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    response = models.TextField(_("办理情况"), blank=True)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    returned_reason = models.TextField(_("退回原因"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("督办时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结确认人"),
    )

    class Meta:
        db_table = "projects_supervision"
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["district", "status", "deadline"], name="supervision_open")]

    def __str__(self) -> str:
        return f"{self.leader.name}督办：{self.instruction[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()


class Origin(models.TextChoices):
    """The records a leader's act can be part of (see ``LeaderAct.origin``)."""

    ACTIVITY = "activity", _("招商活动")
    VISIT = "visit", _("外出招商")
    RECEPTION = "reception", _("来访接待")


class LeaderAct(models.Model):
    """A leader's own act on a project: the three 亲自 of the 一把手工程."""

    Origin = Origin

    class Kind(models.TextChoices):
        PROMOTE = "promote", _("推介")
        NEGOTIATE = "negotiate", _("洽谈")
        INSPECT = "inspect", _("考察")
        EVALUATE = "evaluate", _("评估")
        COORDINATE = "coordinate", _("协调")
        SUPERVISE = "supervise", _("督办")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="leader_acts", verbose_name=_("项目")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        "org.Person", models.PROTECT, related_name="acts", verbose_name=_("领导")
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"))
    note = models.TextField(_("内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    #: The record this act is part of — the 招商活动, 外出招商 or 来访接待 the leader took part
    #: in (one record, not two: the 三个亲自 counts and the activity counts agree); blank for
    #: an act logged on the project alone. The apps above own those rows (no foreign key up).
    origin = models.CharField(_("来源记录"), max_length=20, choices=Origin.choices, blank=True)
    origin_id = models.PositiveBigIntegerField(_("来源记录编号"), null=True, blank=True)

    class Meta:
        db_table = "projects_leaderact"
        verbose_name = _("领导活动")
        verbose_name_plural = _("领导活动")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["district", "date"], name="leader_act_district_date"),
            models.Index(fields=["leader", "date"], name="leader_act_leader_date"),
            models.Index(fields=["origin", "origin_id"], name="leader_act_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.leader.name}{self.get_kind_display()} {self.date}"
