"""Forms of the project pages. They clean and convert input; the services decide.

Choices (units, leaders) are limited to the project's district and city; a value that
is no longer offered (a unit since disabled) stays selectable while the project still
points at it, so that saving an unrelated change never fails on it.
"""

from decimal import Decimal

from django import forms
from django.db.models import Q

from baton.accounts.areas import Level, area_of, districts_in, units_in
from baton.accounts.models import User
from baton.core.forms import (
    AREA_ERRORS,
    CHOICE_ERRORS,
    DATE_ERRORS,
    PAGE_INVALID,
    confirm_field,
    date_field,
)
from baton.core.money import plain, to_wan
from baton.org import divisions
from baton.org.models import LEADER_ORDER, District, Person, Unit

from .listing import (
    DEFAULT_SORT,
    DRILL_FIELDS,
    FILTERS,
    MILESTONE_RANGES,
    PAGE_SIZES,
    SORTS,
)
from .models import REQUIRABLE_FIELDS, Industry, Milestone, Project, ReviewState, Stage
from .rules import (
    AMOUNT_FIELDS,
    BACKDATE_FREE_DAYS,
    EDITABLE_FIELDS,
    FLAG_FIELDS,
    PLANNED_DATES,
    TEXT_LIMITS,
)

Role = User.Role

TEXT_ERRORS = {"max_length": "不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。"}
#: Fields of the project form: exactly what ``services.project_update`` accepts.
PROJECT_FIELDS = EDITABLE_FIELDS
_TEXT_LIMITS = TEXT_LIMITS
_LONG_TEXT = ("progress", "issues_text", "remarks")


def label(field: str) -> str:
    """Return a project field's Chinese label, from its ``verbose_name``."""
    if field == "signed_on":
        return str(REQUIRABLE_FIELDS["signed_on"])
    return str(Project._meta.get_field(field).verbose_name)


class WanField(forms.CharField):
    """An amount in 万元, typed as text ("12,000.5"), cleaned to a ``Decimal``."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return to_wan(value)

    def prepare_value(self, value):
        return plain(value) if isinstance(value, Decimal) else value


STALE_PAGE = "页面已过期或不完整，请刷新页面后重试。"


def version_field() -> forms.IntegerField:
    """The version the user read, sent back so that a stale save is refused."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )


#: The ids a database integer column holds; a bigger one is refused before any query.
_ID_RANGE = range(-(2**63), 2**63)


class UnitsField(forms.ModelMultipleChoiceField):
    """Checkboxes of units; an id beyond a 64-bit integer is refused, never looked up."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number at all: Django refuses it with invalid_pk_value
            if number not in _ID_RANGE:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def units_of(district: District, *, keep=()) -> "forms.QuerySet[Unit]":
    keep = [pk for pk in keep if pk]
    return (
        Unit.objects.promotion()
        .filter(district=district)
        .filter(Q(is_active=True) | Q(pk__in=keep))
    )


def leaders_of(district: District, *, keep=()) -> "forms.QuerySet[Person]":
    """Return the leaders of the district and of its city (those without a district)."""
    keep = [pk for pk in keep if pk]
    return (
        Person.objects.filter(city_id=district.city_id)
        .exclude(level=Person.Level.STAFF)
        .filter(Q(district=district) | Q(district__isnull=True))
        .filter(Q(is_active=True) | Q(pk__in=keep))
        .order_by(*LEADER_ORDER)
    )


def project_field(name: str, district: District, *, project: Project | None = None):
    """Return the form field for one reported project field."""
    kept = {}
    if project is not None:
        kept = {
            "leader": [project.leader_id],
            "info_unit": [project.info_unit_id],
            "talks_unit": [project.talks_unit_id],
            "landing_unit": [project.landing_unit_id],
            "co_units": list(project.co_units.values_list("pk", flat=True)),
        }
    if name in _TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 3}) if name in _LONG_TEXT else None
        if name == "contact_phone":
            widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        return forms.CharField(
            label=label(name),
            max_length=_TEXT_LIMITS[name],
            required=name == "name",
            widget=widget,
            error_messages={"required": f"请填写{label(name)}。", **TEXT_ERRORS},
        )
    if name == "investment":
        return WanField(
            label=label(name),
            help_text="单位：万元，可带千分位逗号，如 12,000",
            error_messages={"required": "请填写总投资（万元）。"},
        )
    if name == "land_area_mu":
        return forms.DecimalField(
            label=label(name),
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages=AREA_ERRORS,
        )
    if name == "industry":
        return forms.ModelChoiceField(
            Industry.objects.all(),
            label=label(name),
            required=False,
            empty_label="（未选择）",
            error_messages=CHOICE_ERRORS,
        )
    if name == "leader":
        return forms.ModelChoiceField(
            leaders_of(district, keep=kept.get("leader", ())),
            label=label(name),
            required=False,
            empty_label="（无）",
            error_messages=CHOICE_ERRORS,
        )
    if name in ("info_unit", "talks_unit", "landing_unit"):
        return forms.ModelChoiceField(
            units_of(district, keep=kept.get(name, ())),
            label=label(name),
            required=False,
            empty_label="（未记录）",
            error_messages=CHOICE_ERRORS,
        )
    if name == "co_units":
        return UnitsField(
            units_of(district, keep=kept.get(name, ())),
            label=label(name),
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
            error_messages=CHOICE_ERRORS,
        )
    if name == "signed_on":
        return date_field(label(name))
    return ledger_field(name)


def ledger_field(name: str):
    """Return the form field of one of the fields real ledgers keep (``rules.LEDGER_FIELDS``)."""
    if name in AMOUNT_FIELDS:
        return WanField(label=label(name), required=False, help_text="单位：万元")
    if name in FLAG_FIELDS:
        return forms.BooleanField(label=label(name), required=False)
    if name in PLANNED_DATES:
        return date_field(label(name), required=False)
    if name in ("project_type", "land_use"):
        choices = Project._meta.get_field(name).choices
        return forms.ChoiceField(
            label=label(name),
            required=False,
            choices=[("", "（未选择）"), *choices],
            error_messages=CHOICE_ERRORS,
        )
    if name == "investor_region":
        return forms.ChoiceField(
            label=label(name),
            required=False,
            choices=[("", "（未填写）"), *divisions.choices()],
            help_text="投资方总部所在的省或地级市",
            error_messages=CHOICE_ERRORS,
        )
    if name == "investor_uscc":
        return forms.CharField(
            label=label(name),
            required=False,
            max_length=30,
            help_text="18 位，系统按国家标准核对校验位",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages=TEXT_ERRORS,
        )
    raise AssertionError(name)


def project_initial(project: Project) -> dict:
    initial = {name: getattr(project, name) for name in PROJECT_FIELDS if name != "co_units"}
    initial["co_units"] = list(project.co_units.all())
    return initial


class ProjectForm(forms.Form):
    """The reported fields of a project, for creating and editing."""

    def __init__(self, *args, district: District, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROJECT_FIELDS:
            self.fields[name] = project_field(name, district, project=project)

    @property
    def error_labels(self) -> list[str]:
        return [str(field.label) for field in self.visible_fields() if field.errors]

    @property
    def sections(self) -> list[tuple[str, list]]:
        """Return the fields in the groups the page shows them in."""
        groups = [
            ("基本信息", ["name", "investor", "investment", "industry", "project_type"]),
            (
                "投资方与规模",
                [
                    "investor_region",
                    "investor_uscc",
                    "is_global500",
                    "is_china500",
                    "is_listed",
                    "fixed_investment",
                    "annual_output",
                    "annual_tax",
                    "land_area_mu",
                    "land_use",
                ],
            ),
            (
                "推进情况",
                [
                    "stage",
                    "signed_on",
                    "planned_start_on",
                    "planned_production_on",
                    "leader",
                    "info_source",
                    "progress",
                ],
            ),
            ("问题与联系人", ["issues_text", "contact_name", "contact_phone", "remarks"]),
            ("接力单位", ["info_unit", "talks_unit", "landing_unit", "co_units"]),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in groups
        ]


class ProjectCreateForm(ProjectForm):
    stage = forms.ModelChoiceField(
        Stage.objects.filter(is_terminal=False),
        label=label("stage"),
        empty_label=None,
        error_messages=CHOICE_ERRORS,
    )
    signed_on = date_field(
        label("signed_on"), required=False, help_text="项目已签约（如直接录入落地项目）时填写"
    )

    def __init__(self, *args, district: District, unit: Unit, **kwargs):
        super().__init__(*args, district=district, **kwargs)
        self.fields["stage"].initial = Stage.objects.filter(is_terminal=False).first()
        self.fields["info_unit"].initial = unit


class ProjectEditForm(ProjectForm):
    version = version_field()
    reason = forms.CharField(
        label="修改说明",
        required=False,
        max_length=500,
        help_text="可选：如“投资方调整投资计划”，记入项目动态",
        error_messages=TEXT_ERRORS,
    )

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("initial", {**project_initial(project), "version": project.version})
        super().__init__(*args, district=project.district, project=project, **kwargs)

    def changes(self) -> dict:
        """Return the fields whose value differs from the project as it is now."""
        return {
            name: self.cleaned_data[name] for name in PROJECT_FIELDS if name in self.changed_data
        }


# --- actions ------------------------------------------------------------------------------


class VersionForm(forms.Form):
    version = version_field()


class SubmitForm(VersionForm):
    pass


def _stage_from(value) -> Stage | None:
    try:
        return Stage.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


class MoveForm(VersionForm):
    stage = forms.ModelChoiceField(
        Stage.objects.none(),
        label="目标阶段",
        empty_label="请选择…",
        error_messages={**CHOICE_ERRORS, "required": "请选择目标阶段。"},
    )
    reason = forms.CharField(
        label="原因说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="后退、转为中止或从中止恢复时必须填写",
        error_messages=TEXT_ERRORS,
    )
    on = date_field(
        "发生日期",
        required=False,
        help_text=f"不填为今天；补记以前的变更时选择当天，早于今天 {BACKDATE_FREE_DAYS} 天以上须说明原因",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["stage"].queryset = Stage.objects.exclude(pk=project.stage_id)
        source = self.data if self.is_bound else self.initial
        target = _stage_from(source.get("stage"))
        self.target = target if target and target.pk != project.stage_id else None
        self.required_names: list[str] = []
        self.needs_confirm = False
        if self.target is None:
            return
        current = project.stage
        if self.target.is_terminal or current.is_terminal or self.target.order < current.order:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "请说明原因。"
        if self.target.is_terminal:  # an exit: the project leaves the figures of 在库
            self.needs_confirm = True
            self.fields["confirm"] = confirm_field(
                f"我确认将项目转为“{self.target.name}”：项目不再计入在库项目，以后恢复须说明原因"
            )
        signed = project.milestones.filter(kind=Milestone.Kind.SIGNED).first()
        for name in self.target.required_fields:
            if name not in REQUIRABLE_FIELDS:
                continue
            field = project_field(name, project.district, project=project)
            field.required = True
            field.error_messages["required"] = f"进入“{self.target.name}”阶段须填写{label(name)}。"
            if name == "signed_on":
                field.initial = signed.date if signed else None
                field.required = signed is None
            else:
                field.initial = getattr(project, name)
            self.fields[name] = field
            self.required_names.append(name)

    def fields_for_service(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.required_names
            if self.cleaned_data.get(name) not in (None, "")
        }

    @property
    def required_fields(self) -> list:
        return [self[name] for name in self.required_names]


class HandoffForm(VersionForm):
    RELAY_ROLES = [("", "不记录"), ("talks", "洽谈推进"), ("landing", "落地服务")]

    to_unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label="交给",
        empty_label="请选择接棒单位…",
        error_messages={**CHOICE_ERRORS, "required": "请选择接棒单位。"},
    )
    reason = forms.CharField(
        label="交接原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请说明交接原因。", **TEXT_ERRORS},
    )
    relay_role = forms.ChoiceField(
        label="接棒单位的接力角色",
        choices=RELAY_ROLES,
        required=False,
        help_text="记为洽谈推进或落地服务单位，考核时计入该单位的接力成绩",
        error_messages=CHOICE_ERRORS,
    )
    keep_as_co_unit = forms.BooleanField(label="本单位继续作为协同单位", required=False)
    on = date_field(
        "交接日期",
        required=False,
        help_text="不填为今天；本单位交出的项目须对方接收，接收之日起由对方负责",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = (
            Unit.objects.promotion()
            .filter(district_id=project.district_id, is_active=True)
            .exclude(pk=project.unit_id)
        )

    def clean_relay_role(self):
        return self.cleaned_data["relay_role"] or None


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(
        label="里程碑", error_messages={**CHOICE_ERRORS, "required": "请选择里程碑。"}
    )
    date = date_field("日期")
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=200,
        help_text="不填则保留已记录的说明",
        error_messages=TEXT_ERRORS,
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = Milestone.Kind.choices
        if not project.stage.allows_milestones:
            kinds = [(Milestone.Kind.SIGNED, Milestone.Kind.SIGNED.label)]
        self.fields["kind"].choices = kinds


class NoteForm(forms.Form):
    text = forms.CharField(
        label="跟进内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "如：今日与投资方洽谈用地需求……"}),
        error_messages={"required": "请填写跟进内容。", **TEXT_ERRORS},
    )


# --- the library's filters ----------------------------------------------------------------


def _unit_label(unit: Unit) -> str:
    return f"{unit.district.name} · {unit.name}"


class ProjectFilterForm(forms.Form):
    """The 项目库's filters. Every field is optional; a bad value is an error, not a 500."""

    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "名称、投资方、编号、联系人或拼音首字母"}
        ),
        error_messages=TEXT_ERRORS,
    )
    district = forms.ModelChoiceField(
        District.objects.none(),
        label="所属区",
        required=False,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    unit = forms.ModelChoiceField(
        Unit.objects.none(),
        label="责任单位",
        required=False,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    stage = forms.ModelChoiceField(
        Stage.objects.all(),
        label="项目阶段",
        required=False,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    report_group = forms.ChoiceField(label="报表分组", required=False, error_messages=CHOICE_ERRORS)
    review_state = forms.ChoiceField(
        label="入库状态",
        required=False,
        choices=[("", "全部"), *ReviewState.choices],
        error_messages=CHOICE_ERRORS,
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(),
        label="行业",
        required=False,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    project_type = forms.ChoiceField(
        label="项目类型",
        required=False,
        choices=[("", "全部"), *Project.Type.choices],
        error_messages=CHOICE_ERRORS,
    )
    tag = forms.ChoiceField(
        label="企业标签",
        required=False,
        choices=[("", "全部"), *[(f.removeprefix("is_"), label(f)) for f in FLAG_FIELDS]],
        error_messages=CHOICE_ERRORS,
    )
    leader = forms.ModelChoiceField(
        Person.objects.none(),
        label="挂钩领导",
        required=False,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    amount_min = WanField(label="总投资不低于（≥，万元）", required=False)
    amount_below = WanField(label="总投资低于（<，万元）", required=False)
    as_of = forms.DateField(
        label="截至日期（按当日入库情况）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[(key, text) for key, (text, _) in SORTS.items()],
        error_messages=CHOICE_ERRORS,
    )
    size = forms.TypedChoiceField(
        label="每页条数",
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(n, f"{n} 条") for n in PAGE_SIZES],
        error_messages=CHOICE_ERRORS,
    )
    cursor = forms.CharField(
        label="分页",
        required=False,
        max_length=300,
        widget=forms.HiddenInput,
        error_messages={"max_length": PAGE_INVALID},
    )
    page = forms.CharField(
        label="页码",
        required=False,
        max_length=12,
        widget=forms.HiddenInput,
        error_messages={"max_length": PAGE_INVALID},
    )

    #: Filters folded under "更多条件" unless one of them is in use.
    MORE = (
        "district",
        "unit",
        "project_type",
        "tag",
        "report_group",
        "industry",
        "leader",
        "amount_min",
        "amount_below",
        "as_of",
        *MILESTONE_RANGES,
    )
    #: Filters a link may carry that the form does not offer: they ride along hidden.
    HIDDEN = ("amount_max", *DRILL_FIELDS)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # The cockpit's drill-downs arrive in the address and ride along as hidden
        # inputs; ``listing.clean_filters`` checks them and names the wrong one.
        for name in MILESTONE_RANGES:
            self.fields[name] = forms.DateField(
                label=FILTERS[name],
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages=DATE_ERRORS,
            )
        for name in self.HIDDEN:
            self.fields[name] = forms.CharField(
                label=FILTERS[name],
                required=False,
                max_length=40,
                widget=forms.HiddenInput,
                error_messages=TEXT_ERRORS,
            )
        area = area_of(user)
        if area.level is Level.CITY:
            self.fields["district"].queryset = districts_in(area)
            units = units_in(area).promotion().select_related("district")
            self.fields["unit"].label_from_instance = _unit_label
            leaders = Person.objects.filter(city_id=area.city_id)
        else:
            del self.fields["district"]
            units = units_in(area).promotion()
            leaders = Person.objects.filter(city_id=area.city_id).filter(
                Q(district_id=area.district_id) | Q(district__isnull=True)
            )
        self.fields["unit"].queryset = units
        self.fields["leader"].queryset = leaders.exclude(level=Person.Level.STAFF).order_by(
            *LEADER_ORDER
        )
        groups = Stage.objects.order_by("order").values_list("report_group", flat=True)
        self.fields["report_group"].choices = [("", "全部")] + [
            (g, g) for g in dict.fromkeys(groups)
        ]

    def clean_sort(self):
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def filters(self) -> dict:
        """Return the chosen filters as ``listing.project_page`` takes them (ids, 万元)."""
        return {
            key: getattr(value, "pk", value)
            for key, value in self.cleaned_data.items()
            if key not in ("sort", "cursor", "page", "size") and value not in (None, "")
        }

    @property
    def more_open(self) -> bool:
        return any(self.data.get(name) for name in self.MORE)

    @property
    def main_fields(self) -> list:
        return [self[n] for n in ("q", "stage", "review_state", "sort", "size") if n in self.fields]

    @property
    def more_fields(self) -> list:
        return [self[n] for n in self.MORE if n in self.fields and n not in MILESTONE_RANGES]

    @property
    def milestone_fields(self) -> list[tuple[str, object, object]]:
        """(milestone, from field, to field) of every milestone range."""
        return [
            (kind.label, self[f"{kind.value}_from"], self[f"{kind.value}_to"])
            for kind in Milestone.Kind
        ]

    @property
    def drill_fields(self) -> list:
        """The drill-downs in use, to ride along as hidden inputs (a blank one filters nothing)."""
        return [self[n] for n in self.HIDDEN if self.data.get(n)]
