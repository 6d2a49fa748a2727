"""The forms of the activities' pages. They only clean input; amounts stay text and the
services turn them into 万元 (``core.money``) and check the rules again."""

from django import forms

from baton.core.forms import CHOICE_ERRORS, UPLOAD_ERRORS, amount_field, date_field, text_field
from baton.projects.forms import UnitsField

from . import rules
from .models import Kind, SigningKind

_INT = {"invalid": "应为整数。", "required": "请填写。"}
_YEARS = "年度应在 2000 至 2100 之间。"
_DAYS = "日期应为 1 至 31。"


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="活动类型",
        required=False,
        choices=[("", "全部"), *Kind.choices],
        error_messages=CHOICE_ERRORS,
    )
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=None,
        empty_label="全部",
        error_messages=CHOICE_ERRORS,
    )
    year = forms.IntegerField(
        label="年度", required=False, min_value=2000, max_value=2100, error_messages={
            "invalid": "年度应为四位数字，如 2026。",
            "min_value": _YEARS,
            "max_value": _YEARS,
        }
    )  # fmt: skip

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ActivityForm(forms.Form):
    """An activity's fields (new and edit)."""

    unit = forms.ModelChoiceField(
        label="责任单位", queryset=None, empty_label="（请选择）", error_messages={
            **CHOICE_ERRORS, "required": rules.NO_UNIT
        }
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="活动类型",
        choices=[("", "（请选择）"), *Kind.choices],
        error_messages={**CHOICE_ERRORS, "required": rules.NO_KIND},
    )
    title = text_field("活动名称", max_length=200, required=True)
    organizer = text_field("主办单位", max_length=200, required=True)
    host = text_field("承办单位", max_length=200)
    start_on = date_field("开始日期")
    end_on = date_field("结束日期", required=False, help_text="一天的活动可不填。")
    place = text_field("地点", max_length=200, required=True)
    budget = amount_field("预算（万元）")
    cost = amount_field("实际费用（万元）", help_text="活动结束后填写。")
    companies = UnitsField(
        label="邀请企业（客商库）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    guests = text_field("嘉宾", max_length=2000, rows=2, help_text="一行一位：姓名、单位、职务。")
    leaders = UnitsField(
        label="出席领导",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
    )
    note = text_field("备注", max_length=2000, rows=2)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, error_messages=_INT)

    def __init__(self, *args, units, companies, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["companies"].queryset = companies
        self.fields["leaders"].queryset = leaders


class SigningForm(forms.Form):
    project = forms.ModelChoiceField(
        label="项目（项目库）",
        queryset=None,
        required=False,
        empty_label="（不选则填企业）",
        error_messages=CHOICE_ERRORS,
    )
    company = forms.ModelChoiceField(
        label="企业（客商库）",
        queryset=None,
        required=False,
        empty_label="（请选择）",
        error_messages=CHOICE_ERRORS,
    )
    title = text_field("签约项目名称", max_length=200, help_text="不填则用项目或企业名称。")
    kind = forms.ChoiceField(
        label="签约类型",
        choices=[("", "（请选择）"), *SigningKind.choices],
        error_messages={**CHOICE_ERRORS, "required": rules.NO_SIGNING_KIND},
    )
    amount = amount_field("签约金额（万元）", required=True)

    def __init__(self, *args, projects, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["company"].queryset = companies

    def clean(self):
        data = super().clean()
        if not data.get("project") and not data.get("company") and not self.errors:
            self.add_error("project", rules.NO_SUBJECT)
        return data


class RemoveForm(forms.Form):
    signing = forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={
        **_INT, "min_value": "签约项目无效。"
    })  # fmt: skip


class PlanItemForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=None, empty_label="（请选择）", error_messages={
            **CHOICE_ERRORS, "required": rules.NO_PLAN_UNIT
        }
    )  # fmt: skip
    kind = forms.ChoiceField(
        label="活动类型",
        choices=[("", "（请选择）"), *Kind.choices],
        error_messages={**CHOICE_ERRORS, "required": rules.NO_KIND},
    )
    title = text_field("活动名称", max_length=200, required=True)
    month = forms.TypedChoiceField(
        label="计划月份",
        coerce=int,
        choices=[("", "（请选择）"), *((m, f"{m}月") for m in range(1, 13))],
        error_messages={**CHOICE_ERRORS, "required": "请选择计划月份。"},
    )
    place = text_field("拟举办地点", max_length=200)
    budget = amount_field("预算（万元）")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SettingsForm(forms.Form):
    plan_month = forms.TypedChoiceField(
        label="截止月",
        coerce=int,
        choices=[(m, f"{m}月") for m in range(1, 13)],
        error_messages={**CHOICE_ERRORS, "required": "请选择截止月。"},
    )
    plan_day = forms.IntegerField(
        label="截止日", min_value=1, max_value=31, error_messages={
            **_INT, "min_value": _DAYS, "max_value": _DAYS,
            "required": "请填写截止日。",
        }
    )  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(
        label="招商活动台账（.xlsx）",
        error_messages={**UPLOAD_ERRORS, "required": "请选择招商活动台账文件。"},
    )
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)
