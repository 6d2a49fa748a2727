"""Forms of problems, 督办 and leaders' acts, and their lists' filters: clean input only.

The services decide whether a step is allowed; these forms only turn what was typed
into values, with Chinese messages for anything that is not a value at all.
"""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.utils import timezone

from baton.core.forms import DATE_ERRORS, UPLOAD_ERRORS
from baton.files import content
from baton.files.services import MAX_REPORT_FILES
from baton.org.models import Person, Unit
from baton.projects.forms_review import INVALID_CHOICE, text_field

from .models import LeaderAct, Problem
from .services import PROBLEM_STEPS

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_FORMAT = "月份格式应为 年-月，如 2019-08。"


def _date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class _ModelChoice(forms.ModelChoiceField):
    default_error_messages = INVALID_CHOICE


class _LeaderChoice(_ModelChoice):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.title}）" if obj.title else obj.name


class _UnitChoice(_ModelChoice):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）" if obj.is_coordinating else obj.name


# --- problems --------------------------------------------------------------------------


class ProblemForm(forms.Form):
    category = forms.ChoiceField(
        label="问题类别",
        choices=[("", "请选择"), *Problem.Category.choices],
        error_messages={"required": "请选择问题类别。", **INVALID_CHOICE},
    )
    description = text_field("问题描述", rows=4)
    responsible_unit = _UnitChoice(
        label="责任单位",
        queryset=Unit.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择负责解决的单位。"},
    )
    deadline = forms.DateField(label="办结时限", widget=_date_input(), error_messages=DATE_ERRORS)

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        # Any unit of the district, a 协调部门 included (自然资源局, 供电公司…): they
        # follow the promotion units.
        self.fields["responsible_unit"].queryset = Unit.objects.filter(
            district=district, is_active=True
        ).order_by(Case(When(kind=Unit.Kind.COORDINATING, then=1), default=0), "order", "id")


#: How a status change is offered, and what the note means for it.
_STEP_LABELS = {
    Problem.Status.IN_PROGRESS: "协调中（开始协调）",
    Problem.Status.RESOLVED: "已解决（说明如何解决）",
    Problem.Status.CLOSED: "已关闭（说明原因）",
    Problem.Status.OPEN: "重新打开（说明原因）",
}


class ProblemUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="办理结果",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择办理结果。", **INVALID_CHOICE},
    )
    note = text_field(
        "办理情况", required=False, rows=4, help_text="标为已解决、关闭或重新打开时必填。"
    )

    def __init__(self, *args, problem: Problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = {
            new: needs for (old, new), needs in PROBLEM_STEPS.items() if old == problem.status
        }
        self.fields["status"].choices = [(s, _STEP_LABELS[s]) for s in self.steps]

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status and self.steps.get(status) and not (data.get("note") or "").strip():
            self.add_error("note", "请说明办理情况或原因。")
        return data


# --- supervision and leaders' acts ----------------------------------------------------


class SupervisionForm(forms.Form):
    leader = _LeaderChoice(
        label="督办领导",
        queryset=Person.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择督办领导。"},
    )
    problem = _ModelChoice(
        label="督办事项",
        queryset=Problem.objects.none(),
        required=False,
        empty_label="项目整体推进",
    )
    instruction = text_field("督办要求", rows=4)
    deadline = forms.DateField(label="办结时限", widget=_date_input(), error_messages=DATE_ERRORS)

    def __init__(self, *args, leaders, problems, **kwargs):
        """``leaders`` is None when the leader issues it in person (no choice to make)."""
        super().__init__(*args, **kwargs)
        if leaders is None:
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = leaders
        self.fields["problem"].queryset = problems


class _Files(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FilesField(forms.FileField):
    """Several files in one input; the services check their kinds, sizes and number."""

    def clean(self, data, initial=None):
        single = super().clean
        return [single(one, initial) for one in data] if data else []


class SupervisionReportForm(forms.Form):
    response = text_field(
        "办理情况", rows=5, help_text="说明已做的工作和结果，报送后由督办领导确认办结。"
    )
    files = _FilesField(
        label="附件",
        required=False,
        widget=_Files(attrs={"accept": content.ACCEPT}),
        error_messages=UPLOAD_ERRORS,
        help_text=f"可选，最多 {MAX_REPORT_FILES} 个；{content.HELP}",
    )


class SupervisionCloseForm(forms.Form):
    note = text_field("办结意见", required=False, rows=3)
    confirm = forms.BooleanField(
        label="我已核实办理情况，确认办结。办结后不能撤销。",
        error_messages={"required": "请勾选确认办结。"},
    )


class SupervisionReturnForm(forms.Form):
    reason = text_field("退回原因", rows=4, help_text="说明还需办理什么，交办单位将继续办理。")


class LeaderActForm(forms.Form):
    leader = _LeaderChoice(
        label="领导",
        queryset=Person.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择领导。"},
    )
    kind = forms.ChoiceField(
        label="活动类型",
        choices=[("", "请选择"), *LeaderAct.Kind.choices],
        error_messages={"required": "请选择活动类型。", **INVALID_CHOICE},
    )
    date = forms.DateField(label="日期", widget=_date_input(), error_messages=DATE_ERRORS)
    note = text_field("内容", required=False, rows=3, help_text="如推介对象、洽谈要点、协调事项。")

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        if leaders is None:
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = leaders
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


# --- filters ---------------------------------------------------------------------------

_OPEN = "unresolved"
_ALL = "all"


class ProblemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[(_OPEN, "未办结"), *Problem.Status.choices, (_ALL, "全部")],
        error_messages=INVALID_CHOICE,
    )
    category = forms.ChoiceField(
        label="问题类别",
        required=False,
        choices=[("", "全部类别"), *Problem.Category.choices],
        error_messages=INVALID_CHOICE,
    )
    unit = _UnitChoice(
        label="责任单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        for name in ("status", "category", "unit"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
        self.fields["overdue"].widget.attrs["data-autosubmit"] = ""

    def problem_filters(self) -> dict:
        """Return the lookups of the valid fields (an invalid one is ignored and shown)."""
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or _OPEN
        filters: dict = {}
        if status == _OPEN:
            filters["status__in"] = Problem.OPEN_STATUSES
        elif status != _ALL:
            filters["status"] = status
        if data.get("category"):
            filters["category"] = data["category"]
        if data.get("unit"):
            filters["responsible_unit"] = data["unit"]
        if data.get("overdue"):
            filters["status__in"] = Problem.OPEN_STATUSES
            filters["deadline__lt"] = timezone.localdate()
        return filters


class LeaderActFilterForm(forms.Form):
    leader = _LeaderChoice(
        label="领导", queryset=Person.objects.none(), required=False, empty_label="全部领导"
    )
    kind = forms.ChoiceField(
        label="活动类型",
        required=False,
        choices=[("", "全部类型"), *LeaderAct.Kind.choices],
        error_messages=INVALID_CHOICE,
    )
    month = forms.CharField(
        label="月份",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2019-08"}),
        error_messages={"max_length": _MONTH_FORMAT},
    )
    q = forms.CharField(
        label="项目",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "项目名称或编号"}),
        error_messages={"max_length": "不能超过 100 个字。"},
    )

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
        for name in ("leader", "kind", "month"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""

    def clean_month(self) -> dt.date | None:
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = _MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12 or not 1990 <= int(match[1]) <= 2100:
            raise ValidationError(_MONTH_FORMAT)
        return dt.date(int(match[1]), int(match[2]), 1)

    def act_filters(self) -> Q:
        """Return the condition of the valid fields (an invalid one is ignored and shown)."""
        data = getattr(self, "cleaned_data", {})
        condition = Q()
        if data.get("leader"):
            condition &= Q(leader=data["leader"])
        if data.get("kind"):
            condition &= Q(kind=data["kind"])
        if data.get("month"):
            month = data["month"]
            following = (month + dt.timedelta(days=32)).replace(day=1)
            condition &= Q(date__gte=month, date__lt=following)
        text = (data.get("q") or "").strip()
        if text:
            condition &= Q(project__name__icontains=text) | Q(project__code__icontains=text)
        return condition
