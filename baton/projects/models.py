from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.core.encrypted_fields import EncryptedCharField, SealedJSONField
from baton.core.money import MoneyField

#: What a project code (项目编号) may look like: generated ``350213-2019-0042`` or a
#: district's own, up to 32 letters, digits, hyphens and underscores.
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_\-]{0,31}"

#: Fields a stage may require before a project enters it, with their Chinese labels.
#: ``signed_on`` is the 签约 milestone's date, asked for when a project lands.
REQUIRABLE_FIELDS = {
    "investor": _("投资方"),
    "industry": _("行业"),
    "investment": _("总投资（万元）"),
    "land_area_mu": _("拟用地面积（亩）"),
    "contact_name": _("联系人"),
    "contact_phone": _("联系电话"),
    "leader": _("挂钩领导"),
    "signed_on": _("签约日期"),
}


class Stage(models.Model):
    """A rung of the ladder 策划 → 意向 → 在谈 → 落地, or an exit such as 中止."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("顺序"), unique=True)
    report_group = models.CharField(
        _("报表分组"), max_length=20, help_text=_("月度统计中归入的组，默认与名称相同")
    )
    is_terminal = models.BooleanField(
        _("出口阶段"), default=False, help_text=_("如“中止”：进入需说明原因，不计入在库统计")
    )
    allows_milestones = models.BooleanField(
        _("可记录里程碑"),
        default=False,
        help_text=_("落地后记录签约、注册、供地、开工、投产、达产"),
    )
    required_fields = models.JSONField(
        _("进入前必填"),
        default=list,
        blank=True,
        help_text=_("进入本阶段前必须填写的字段代码，如 investor、signed_on"),
    )

    class Meta:
        verbose_name = _("项目阶段")
        verbose_name_plural = _("项目阶段")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def required_labels(self) -> list[str]:
        return [str(REQUIRABLE_FIELDS.get(f, f)) for f in self.required_fields]


class Industry(models.Model):
    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已上报")
    DISTRICT_APPROVED = "district_approved", _("区已审核")
    ADMITTED = "admitted", _("已入库")
    RETURNED = "returned", _("已退回")


class Project(models.Model):
    """One investment project; its current values. Its history is in ``events``."""

    class Type(models.TextChoices):
        DOMESTIC = "domestic", _("内资")
        FOREIGN = "foreign", _("外资")
        HMT = "hmt", _("港澳台资")

    class LandUse(models.TextChoices):
        """用地性质, after the land-use classes of GB 50137-2011 (M, W, B, A35)."""

        INDUSTRIAL = "industrial", _("工业")
        WAREHOUSING = "warehousing", _("仓储物流")
        COMMERCIAL = "commercial", _("商业")
        OFFICE = "office", _("商务办公")
        RESEARCH = "research", _("科研")
        OTHER = "other", _("其他")

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    # The code an office's own ledger gave the project, kept when an import created it:
    # project codes themselves are issued by the system only (services._next_code).
    original_code = models.CharField(_("原编号"), max_length=32, blank=True)
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.CharField(_("投资方"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    investor_key = models.CharField(max_length=200, editable=False, db_index=True)
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="projects", verbose_name=_("所属区")
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="projects", verbose_name=_("责任单位")
    )
    co_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="co_projects", verbose_name=_("协同单位")
    )
    info_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("信息提供单位"),
    )
    talks_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("洽谈推进单位"),
    )
    landing_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("落地服务单位"),
    )
    leader = models.ForeignKey(
        "org.Person",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_projects",
        verbose_name=_("挂钩领导"),
    )
    industry = models.ForeignKey(
        Industry,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("行业"),
    )
    stage = models.ForeignKey(
        Stage, models.PROTECT, related_name="projects", verbose_name=_("项目阶段")
    )
    stage_entered_at = models.DateTimeField(_("进入本阶段时间"))
    review_state = models.CharField(
        _("入库状态"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    investment = MoneyField(_("总投资（万元）"))
    land_area_mu = models.DecimalField(
        _("拟用地面积（亩）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    land_use = models.CharField(_("用地性质"), max_length=20, choices=LandUse.choices, blank=True)
    project_type = models.CharField(_("项目类型"), max_length=10, choices=Type.choices, blank=True)
    is_global500 = models.BooleanField(_("世界500强"), default=False)
    is_china500 = models.BooleanField(_("中国500强"), default=False)
    is_listed = models.BooleanField(_("上市公司"), default=False)
    # A province's or prefecture-level city's 行政区划代码 (baton/org/divisions.py).
    investor_region = models.CharField(_("投资方所在地"), max_length=6, blank=True)
    investor_uscc = models.CharField(_("投资方统一社会信用代码"), max_length=18, blank=True)
    fixed_investment = MoneyField(_("固定资产投资（万元）"), null=True, blank=True)
    annual_output = MoneyField(_("预计年产值（万元）"), null=True, blank=True)
    annual_tax = MoneyField(_("预计年税收（万元）"), null=True, blank=True)
    planned_start_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_production_on = models.DateField(_("计划投产日期"), null=True, blank=True)
    info_source = models.CharField(_("信息来源"), max_length=200, blank=True)
    progress = models.TextField(_("进展情况"), blank=True)
    issues_text = models.TextField(_("存在问题"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # SM4-GCM-encrypted at rest when BATON_FIELD_KEY is set (baton/core/encrypted_fields.py).
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("最近动态"))

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["district", "stage", "investment"], name="project_district_stage"),
            models.Index(fields=["district", "review_state"], name="project_district_review"),
            models.Index(fields=["unit", "review_state"], name="project_unit_review"),
            models.Index(fields=["updated_at", "id"], name="project_updated"),
            models.Index(fields=["original_code"], name="project_original_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:projects_project_change", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.review_state in (ReviewState.DRAFT, ReviewState.RETURNED, ReviewState.ADMITTED)


class ProjectEvent(models.Model):
    """One change to a project: append-only, written with the change it records.

    ``old`` and ``new`` hold the changed fields before and after, as JSON values
    (ids for relations, 万元 decimal strings for amounts, ISO dates).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        UPDATED = "updated", _("修改")
        SUBMITTED = "submitted", _("上报")
        APPROVED = "approved", _("区招商办审核通过")
        ADMITTED = "admitted", _("审核入库")
        RETURNED = "returned", _("退回")
        MOVED = "moved", _("阶段变更")
        HANDED_OFF = "handed_off", _("接力交接")
        HANDOFF_REQUESTED = "handoff_requested", _("发起交接")
        HANDOFF_ACCEPTED = "handoff_accepted", _("接收交接")
        HANDOFF_DECLINED = "handoff_declined", _("拒绝接收")
        HANDOFF_WITHDRAWN = "handoff_withdrawn", _("撤回交接")
        MILESTONE = "milestone", _("里程碑")
        NOTE = "note", _("跟进记录")
        PROBLEM = "problem", _("存在问题")
        SUPERVISED = "supervised", _("领导督办")
        SUPERVISION_REPORTED = "supervision_reported", _("督办报送办理情况")
        SUPERVISION_CLOSED = "supervision_closed", _("督办办结")
        SUPERVISION_RETURNED = "supervision_returned", _("督办退回")
        LEADER_ACT = "leader_act", _("领导活动")
        LAND_RESERVED = "land_reserved", _("预留地块")
        LAND_RELEASED = "land_released", _("释放预留地块")
        ATTACHMENT = "attachment", _("附件")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="events", verbose_name=_("项目")
    )
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="+", verbose_name=_("所属区")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
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
    # A contact phone in the values is encrypted at rest like the project's own.
    old = SealedJSONField(_("变更前"), default=dict, blank=True, sealed_keys=("contact_phone",))
    new = SealedJSONField(_("变更后"), default=dict, blank=True, sealed_keys=("contact_phone",))
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["project", "at", "id"], name="event_project_at"),
            models.Index(fields=["district", "kind", "at"], name="event_district_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ProjectPeriod(models.Model):
    """A span of time in which a project's reported state stayed the same.

    Derived from the events (``baton check-periods`` rebuilds and compares) and kept
    by the services in the same transaction. A project was in this state from
    ``valid_from`` (inclusive) to ``valid_to`` (exclusive; NULL while current), so the
    figures as of an instant T read ``valid_from <= T < valid_to``.
    """

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="periods", verbose_name=_("项目")
    )
    event = models.ForeignKey(
        ProjectEvent, models.PROTECT, related_name="+", verbose_name=_("起始事件")
    )
    district = models.ForeignKey("org.District", models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, models.PROTECT, null=True, related_name="+")
    review_state = models.CharField(max_length=20, choices=ReviewState.choices)
    investment = MoneyField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("项目时段")
        verbose_name_plural = _("项目时段")
        ordering = ["project", "valid_from", "id"]
        indexes = [
            models.Index(fields=["district", "valid_from"], name="period_district_from"),
            models.Index(fields=["district", "valid_to"], name="period_district_to"),
            models.Index(fields=["valid_from"], name="period_from"),
            models.Index(fields=["valid_to"], name="period_to"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(valid_to__isnull=True),
                name="period_one_open_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.valid_from:%Y-%m-%d}–{self.valid_to or '…'}"


class Handoff(models.Model):
    """A handoff (接力) one unit offers another: 待接收 until the receiving unit accepts.

    The giving unit stays the holder — scope, figures, assessment — until the receiving
    unit accepts; the baton passes at the acceptance, dated the day it was accepted. A
    decline (with its reason) or a withdrawal by the giving side leaves the project where
    it was. A handoff made by the district office takes effect at once and has no row
    here. At most one handoff of a project is pending.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("已拒绝")
        WITHDRAWN = "withdrawn", _("已撤回")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="handoffs", verbose_name=_("项目")
    )
    district = models.ForeignKey(
        "org.District", models.PROTECT, related_name="+", verbose_name=_("所属区")
    )
    from_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="+", verbose_name=_("交出单位")
    )
    to_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="handoffs_in", verbose_name=_("接收单位")
    )
    relay_role = models.CharField(_("接力角色"), max_length=10, blank=True)
    keep_as_co_unit = models.BooleanField(_("原单位保留为协同单位"), default=False)
    reason = models.TextField(_("交接原因"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    requested_at = models.DateTimeField(_("交接时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("项目交接")
        verbose_name_plural = _("项目交接")
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["to_unit", "state"], name="handoff_to_unit_state"),
            models.Index(fields=["district", "state", "requested_at"], name="handoff_district"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state="pending"),
                name="handoff_one_pending_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_unit_id}→{self.to_unit_id} {self.get_state_display()}"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("签约")
        REGISTERED = "registered", _("注册")
        LAND_SUPPLIED = "land_supplied", _("供地")
        STARTED = "started", _("开工")
        IN_PRODUCTION = "in_production", _("投产")
        AT_CAPACITY = "at_capacity", _("达产")

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="milestones", verbose_name=_("项目")
    )
    kind = models.CharField(_("里程碑"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["project", "date"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="milestone_once"),
        ]
        indexes = [models.Index(fields=["kind", "date"], name="milestone_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class CodeSequence(models.Model):
    """The last number used in project codes ``<district>-<year>-<seq>``."""

    district = models.ForeignKey("org.District", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="code_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id}-{self.year}: {self.last}"


class LibraryVersion(models.Model):
    """How many times a district's projects have changed: what the list page's cache reads.

    Database triggers (migration 0007) raise the counter of a project's district in the
    transaction of every insert, update or delete of the project or of its co-units,
    whatever wrote it — a service, the bulk import, the generator, the admin — and the
    counter of scope 0 for every change to the names and choices a list shows (cities,
    districts, units, people, stages, industries). A page cached under the counters it
    read before reading the projects is therefore never older than those counters say.
    """

    ORGANISATION = 0

    scope = models.IntegerField(primary_key=True, help_text="区的 id；0 表示组织与代码表")
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("项目库版本")
        verbose_name_plural = _("项目库版本")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"


class PageVersion(models.Model):
    """How many times what a project's page shows has changed: what its kept page reads.

    Database triggers (``page_version``: migration 0016 and one migration of each app
    that shows a card) raise a project's counter in the transaction of every change to
    the rows its page shows, whatever wrote them. No foreign key: a counter outlives
    nothing it needs, and a trigger writes it before the project's own row may exist.
    """

    project_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("项目页版本")
        verbose_name_plural = _("项目页版本")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.version}"


class ProjectSearch(models.Model):
    """What a search finds a project by beyond its name and investor: their pinyin
    initials, the contact's name and a keyed digest of the contact's phone, with copies of
    the texts they were computed from (``baton.projects.search_keys``)."""

    project = models.OneToOneField(
        Project,
        models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,  # the bulk import and the generator write projects with SQL
        related_name="+",
        verbose_name=_("项目"),
    )
    name = models.TextField(_("项目名称（计算时）"), blank=True)
    investor = models.TextField(_("投资方（计算时）"), blank=True)
    contact = models.TextField(_("联系人（计算时）"), blank=True)
    name_initials = models.CharField(_("项目名称拼音首字母"), max_length=100, blank=True)
    investor_initials = models.CharField(_("投资方拼音首字母"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone_digest = models.CharField(_("联系电话摘要"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("项目检索键")
        verbose_name_plural = _("项目检索键")
        indexes = [
            models.Index(fields=["name_initials"], name="search_name_initials"),
            models.Index(fields=["investor_initials"], name="search_investor_initials"),
            models.Index(fields=["contact_name"], name="search_contact_name"),
            models.Index(fields=["phone_digest"], name="search_phone_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.name_initials}"
