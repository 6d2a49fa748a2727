"""月例会: the monthly meeting of a district's leading group office.

A **meeting** is a district's, for a month (``month``: the first day of the month whose work
it reviews; the meeting itself is held on ``date``, usually early the next month). Its
**agenda** is drafted by Baton from the month's figures as of the month end (``agenda``) and
opens with the decisions of earlier meetings still open; the office edits it (items added,
removed, reordered, reworded). During or after the meeting the office records the
**attendance** (units and people present, or absent with a reason), the **minutes**, and the
**decisions**: each with an owner and a deadline; a decision on a project becomes a 督办
(``supervision.Supervision``) of the leader it names, and closes when that 督办 closes; any
other is a task of its owner unit, in that unit's 待办, closed by the office with a note.
The minutes, once settled (纪要已定), get their 文号 and export as a 公文 (``docx``).

Every change writes a ``MeetingEvent`` in the same transaction (``services``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.org.models import RecordEvent


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        HELD = "held", _("已召开")
        FINAL = "final", _("纪要已定")

    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="meetings", verbose_name=_("所属区")
    )
    month = models.DateField(_("例会月份"), help_text=_("所议工作的月份（该月 1 日）"))
    title = models.CharField(_("会议名称"), max_length=200)
    date = models.DateField(_("会议日期"), null=True, blank=True)
    time = models.CharField(_("开始时间"), max_length=5, blank=True, help_text=_("时:分，如 09:30"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    chair = models.ForeignKey(
        "org.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("主持人"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    figures_as_of = models.DateField(_("数据截至"))
    minutes = models.TextField(_("会议纪要"), blank=True)
    number_year = models.PositiveSmallIntegerField(_("文号年份"), null=True, blank=True)
    number_seq = models.PositiveSmallIntegerField(_("文号序号"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("月例会")
        verbose_name_plural = _("月例会")
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="meeting_once_a_month"),
            models.UniqueConstraint(
                fields=["district", "number_year", "number_seq"],
                condition=Q(number_seq__isnull=False),
                name="meeting_number_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def number(self) -> str:
        """文号, given when the minutes are settled: 翔安区招商办纪〔2026〕3号."""
        if self.number_seq is None:
            return ""
        return f"{self.district.name}招商办纪〔{self.number_year}〕{self.number_seq}号"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class AgendaItem(models.Model):
    """One item of the agenda, in order: drafted from the figures or added by the office."""

    class Kind(models.TextChoices):
        CARRIED = "carried", _("前次例会决定事项")
        FIGURES = "figures", _("本月项目情况")
        ADMITTED = "admitted", _("新入库项目")
        LANDED = "landed", _("新落地项目")
        IDLE = "idle", _("无进展项目")
        PROBLEMS = "problems", _("存在问题")
        SUPERVISION = "supervision", _("逾期督办")
        LEADS = "leads", _("逾期投资信息")
        ASSESSMENT = "assessment", _("考核排名")
        OTHER = "other", _("其他议题")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda", verbose_name=_("例会")
    )
    order = models.PositiveIntegerField(_("顺序"))
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    text = models.TextField(_("议题"))
    url = models.CharField(_("相关清单"), max_length=500, blank=True)
    decision = models.ForeignKey(
        "Decision",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("前次决定"),
    )

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:30]}"


class Attendance(models.Model):
    """A unit or a person at the meeting: present, or absent with a reason."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendance", verbose_name=_("例会")
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )
    person = models.ForeignKey(
        "org.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("人员"),
    )
    present = models.BooleanField(_("出席"), default=True)
    reason = models.CharField(_("缺席原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        ordering = ["meeting", "-present", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False),
                name="attendance_someone",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.unit)


class Decision(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        CLOSED = "closed", _("已办结")

    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="decisions", verbose_name=_("例会")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("决定事项"))
    owner_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="meeting_decisions", verbose_name=_("责任单位")
    )
    owner_person = models.ForeignKey(
        "org.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("责任人或督办领导"),
    )
    deadline = models.DateField(_("办结时限"))
    project = models.ForeignKey(
        "projects.Project",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("项目"),
    )
    supervision = models.OneToOneField(
        "supervision.Supervision",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decision",
        verbose_name=_("督办"),
    )
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closing_note = models.TextField(_("办结情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )
    created_at = models.DateTimeField(_("录入时间"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("例会决定事项")
        verbose_name_plural = _("例会决定事项")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_once"),
        ]
        indexes = [models.Index(fields=["district", "status"], name="decision_district_status")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:30]}"

    @property
    def is_open(self) -> bool:
        """A decision on a 督办 reads the 督办's status; any other its own."""
        if self.supervision_id is not None:
            return self.supervision.is_open
        return self.status == self.Status.OPEN

    @property
    def status_label(self) -> str:
        if self.supervision_id is not None:
            shown = self.supervision.get_status_display()
            return shown if shown.startswith("督办") else f"督办{shown}"
        return self.get_status_display()

    def is_overdue(self, today) -> bool:
        return self.is_open and self.deadline < today


def open_decision_q(prefix: str = "") -> Q:
    """The condition of the decisions still open (a 督办's read from the 督办)."""
    return Q(**{f"{prefix}supervision__isnull": True, f"{prefix}status": Decision.Status.OPEN}) | Q(
        **{f"{prefix}supervision__status__in": ("active", "reported")}
    )


OPEN_DECISION = open_decision_q()


class MeetingEvent(RecordEvent):
    """One change to a meeting or one of its decisions: append-only, written with it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("建立例会")
        UPDATED = "updated", _("修改会议信息")
        AGENDA = "agenda", _("修改议程")
        ATTENDANCE = "attendance", _("登记出席情况")
        MINUTES = "minutes", _("修改纪要")
        HELD = "held", _("召开")
        FINAL = "final", _("纪要定稿")
        DECIDED = "decided", _("记录决定事项")
        CLOSED = "closed", _("决定事项办结")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="events", verbose_name=_("例会")
    )
    decision = models.ForeignKey(
        Decision,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("决定事项"),
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("例会动态")
        verbose_name_plural = _("例会动态")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
