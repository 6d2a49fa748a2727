"""The forms of the meetings' pages: they clean input; the services check it again."""

from django import forms
from django.db.models import Q

from baton.core.forms import CHOICE_ERRORS, date_field, text_field
from baton.org.models import LEADER_ORDER, District, Person, Unit
from baton.projects.models import Project

from .services import REASON_NEEDED, SOMEONE

_ID_RANGE = range(1, 2**63)
TIME_ERRORS = {"invalid": "时间格式不正确，应为 时:分，如 09:30。"}


class _Choice(forms.ModelChoiceField):
    """One choice of a list; an id out of range is refused as not listed, never looked up."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", CHOICE_ERRORS)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value not in self.empty_values:
            try:
                number = int(str(value))
            except ValueError:
                number = None
            if number is not None and number not in _ID_RANGE:
                raise forms.ValidationError(CHOICE_ERRORS["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _PersonChoice(_Choice):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.title}）" if obj.title else obj.name


class _ProjectChoice(_Choice):
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.code} {obj.name}"


def people_of(district: District):
    return (
        Person.objects.filter(
            Q(district=district) | Q(district__isnull=True, city_id=district.city_id),
            is_active=True,
        )
        .select_related("unit")
        .order_by(*LEADER_ORDER)
    )


def leaders_of(district: District):
    return people_of(district).exclude(level=Person.Level.STAFF)


def units_of(district: District):
    return Unit.objects.filter(district=district, is_active=True).order_by("order", "id")


def projects_of(district: District):
    return Project.objects.filter(district=district).order_by("code")


def _version() -> forms.IntegerField:
    return forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )


class VersionForm(forms.Form):
    """A step with nothing to type (召开, 定稿, 删除, 移动): the page's version only."""

    version = _version()


class MeetingForm(forms.Form):
    title = text_field("会议名称", max_length=200, required=True)
    date = date_field("会议日期", required=False)
    time = forms.TimeField(
        label="开始时间",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=TIME_ERRORS,
    )
    place = text_field("会议地点", max_length=100)
    chair = _PersonChoice(label="主持人", queryset=Person.objects.none(), required=False)
    version = _version()

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = leaders_of(district)
        self.fields["chair"].empty_label = "（请选择）"


class AgendaItemForm(forms.Form):
    text = text_field("议题", max_length=2000, rows=3, required=True)
    version = _version()


class MinutesForm(forms.Form):
    minutes = text_field(
        "会议纪要",
        max_length=20000,
        rows=12,
        help_text="会议听取的汇报、研究的问题和议定的意见；议定事项在下方逐项登记。",
    )
    version = _version()


class AttendanceForm(forms.Form):
    PRESENCE = [("1", "出席"), ("0", "缺席")]

    unit = _Choice(label="单位", queryset=Unit.objects.none(), required=False)
    person = _PersonChoice(
        label="人员", queryset=Person.objects.none(), required=False, help_text="领导或单位人员"
    )
    present = forms.TypedChoiceField(
        label="出席情况",
        choices=PRESENCE,
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择出席或缺席。", **CHOICE_ERRORS},
    )
    reason = text_field("缺席原因", max_length=200)
    version = _version()

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_of(district)
        self.fields["unit"].empty_label = "（不选）"
        self.fields["person"].queryset = people_of(district)
        self.fields["person"].empty_label = "（不选）"

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("person") and not self.errors:
            raise forms.ValidationError(SOMEONE)
        if data.get("present") is False and not data.get("reason"):
            self.add_error("reason", REASON_NEEDED)
        return data


class DecisionForm(forms.Form):
    text = text_field("决定事项", max_length=2000, rows=3, required=True)
    project = _ProjectChoice(
        label="关联项目",
        queryset=Project.objects.none(),
        required=False,
        help_text="选择项目的，作为该项目的督办下达给项目责任单位",
    )
    owner_person = _PersonChoice(
        label="督办领导或责任人",
        queryset=Person.objects.none(),
        required=False,
        help_text="关联项目的须为督办领导",
    )
    owner_unit = _Choice(
        label="责任单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="未关联项目的必填；关联项目的为项目责任单位",
    )
    deadline = date_field("办结时限")
    version = _version()

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_of(district)
        self.fields["project"].empty_label = "（不关联项目）"
        self.fields["owner_person"].queryset = people_of(district)
        self.fields["owner_person"].empty_label = "（请选择）"
        # A 协调部门's staff see only the problems assigned to them (``accounts.coordinating``).
        self.fields["owner_unit"].queryset = units_of(district).promotion()
        self.fields["owner_unit"].empty_label = "（请选择）"


class CloseForm(forms.Form):
    note = text_field("办结情况", max_length=2000, rows=4, required=True)
    version = _version()
