"""The forms of the trips' and receptions' pages. The services check the values again."""

import re

from django import forms
from django.db.models import Q

from baton.companies.models import Company
from baton.core.forms import (
    CHOICE_ERRORS,
    UPLOAD_ERRORS,
    amount_field,
    date_field,
    text_field,
)
from baton.land.models import Building, Parcel
from baton.org.models import LEADER_ORDER, District, Person
from baton.projects.forms import UnitsField
from baton.projects.models import Project

from .models import Trip
from .rules import BAD_REPORT_DAYS

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
BAD_MONTH = "月份格式不正确，应为 年-月，如 2026-03。"


#: Said under a list that takes several choices.
SEVERAL = "可多选：电脑上按住 Ctrl（Mac 为 ⌘）点选。"


def _multi(label: str, widget=None) -> forms.ModelMultipleChoiceField:
    # An id beyond a 64-bit integer is refused, never looked up (``UnitsField``).
    return UnitsField(
        label=label,
        help_text=SEVERAL if widget is not None else "",
        required=False,
        queryset=None,
        widget=widget or forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )


def _people(district: District):
    return Person.objects.filter(
        Q(district=district) | Q(district__isnull=True, city_id=district.city_id), is_active=True
    ).select_related("unit")


def _companies(district: District):
    return Company.objects.filter(district=district, merged_into__isnull=True).order_by("name")


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(BAD_MONTH)
        return int(match.group(1)), int(match.group(2))


def month_field(label: str = "月份") -> MonthField:
    return MonthField(
        label=label,
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=None,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    month = month_field()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MonthForm(forms.Form):
    month = month_field()
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=None,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class _RecordForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=None, empty_label="（请选择）", error_messages=CHOICE_ERRORS
    )
    version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, district: District, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
        people = _people(district)
        if "members" in self.fields:
            self.fields["members"].queryset = people.filter(level=Person.Level.STAFF)
        self.fields["leaders"].queryset = people.exclude(level=Person.Level.STAFF).order_by(
            *LEADER_ORDER
        )
        self.fields["companies"].queryset = _companies(district)
        self.fields["projects"].queryset = Project.objects.filter(district=district).order_by("-id")


class TripForm(_RecordForm):
    group = text_field(
        "组别", max_length=50, help_text="招商小分队名称，可从已用过的组别中选；空着即为本单位。"
    )
    title = text_field("出访事由", max_length=200, required=True)
    start = date_field("出发日期")
    end = date_field("返回日期")
    destinations = text_field("目的地", max_length=200, required=True)
    members = _multi("小分队成员")
    leaders = _multi("带队领导")
    companies = _multi("拜访企业（客商库）", forms.SelectMultiple(attrs={"size": 8}))
    projects = _multi("洽谈项目", forms.SelectMultiple(attrs={"size": 5}))
    talks = text_field("洽谈情况", max_length=5000, rows=4, help_text="与谁、谈了什么。")

    field_order = ["unit", "group", "title", "start", "end", "destinations"]

    def __init__(self, *args, district: District, units=None, **kwargs):
        super().__init__(*args, district=district, units=units, **kwargs)
        self.fields["group"].widget.attrs["list"] = "trip-groups"
        self.groups = list(
            Trip.objects.filter(district=district)
            .exclude(group="")
            .order_by("group")
            .values_list("group", flat=True)
            .distinct()[:50]
        )


class ReceptionForm(_RecordForm):
    date = date_field("来访日期")
    visitors = text_field("来访人员", max_length=300, required=True, help_text="姓名、职务。")
    companies = _multi("来访企业（客商库）", forms.SelectMultiple(attrs={"size": 8}))
    leaders = _multi("接待领导")
    hosts = text_field("陪同人员", max_length=200)
    parcels = _multi("考察地块", forms.SelectMultiple(attrs={"size": 6}))
    buildings = _multi("考察载体", forms.SelectMultiple(attrs={"size": 6}))
    projects = _multi("洽谈项目", forms.SelectMultiple(attrs={"size": 5}))
    talks = text_field("洽谈情况", max_length=5000, rows=4)

    field_order = ["unit", "date", "visitors", "companies"]

    def __init__(self, *args, district: District, units=None, **kwargs):
        super().__init__(*args, district=district, units=units, **kwargs)
        self.fields["parcels"].queryset = Parcel.objects.filter(district=district)
        self.fields["buildings"].queryset = Building.objects.filter(district=district)


class ReportForm(forms.Form):
    report = text_field(
        "出访信息",
        max_length=5000,
        rows=8,
        required=True,
        help_text="拜访、接触、洽谈的机构和人员基本资料，项目信息和下一步工作。",
    )


class LeadForm(forms.Form):
    company = forms.ModelChoiceField(
        label="企业", queryset=None, empty_label="（请选择）", error_messages=CHOICE_ERRORS
    )
    title = text_field("项目名称", max_length=200, required=True)
    investment = amount_field("总投资（万元）", required=True)
    industry_code = forms.CharField(label="行业代码", max_length=10, required=False)
    summary = text_field("项目概况", max_length=5000, rows=3)
    confirmed = forms.BooleanField(
        label="确认是另一个项目（本单位已登记过该企业时）", required=False
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class SettingsForm(forms.Form):
    report_days = forms.IntegerField(
        label="出访信息报送时限（返回后天数）",
        min_value=1,
        max_value=90,
        error_messages={
            "required": BAD_REPORT_DAYS,
            "invalid": BAD_REPORT_DAYS,
            "min_value": BAD_REPORT_DAYS,
            "max_value": BAD_REPORT_DAYS,
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="台账（.xlsx）", error_messages=UPLOAD_ERRORS)
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)
