"""The forms of promises, results, the import and the figures page: they only clean what
was typed; the services decide (signed, landed, amounts, periods)."""

import datetime as dt

from django import forms
from django.utils import timezone

from baton.core.forms import (
    CHOICE_ERRORS,
    UPLOAD_ERRORS,
    amount_field,
    date_field,
    text_field,
)
from baton.core.messages import fill_in

from .models import Promise, Result
from .rules import CHECK_IN_FUTURE

YEAR_RANGE = "年度应在 2000 年至 2100 年之间。"

QUARTERS = [(0, "全年"), (1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def _choice(label: str, choices, *, coerce=str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=coerce,
        error_messages={**CHOICE_ERRORS, "required": f"请从列表中选择{label}。"},
    )


class PromiseForm(forms.Form):
    kind = _choice("承诺事项", Promise.Kind.choices)
    target = amount_field(
        "承诺值",
        help_text="固定资产投资、年产值、年税收以万元计，投资强度以万元/亩计，就业以人计；开工、投产期限不填",
    )
    due_on = date_field("承诺期限", help_text="在此日期前完成；年产值、税收为达产的期限")
    check_on = date_field("核查日期", required=False, help_text="空着即为承诺期限当日")
    clause = text_field("合同条款", max_length=200, help_text="如：投资协议第五条")
    note = text_field("备注", max_length=2000, rows=2)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True


class ResultForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": fill_in("年度"),
            "invalid": "年度是四位数的年份，如 2025。",
            "min_value": YEAR_RANGE,
            "max_value": YEAR_RANGE,
        },
    )
    quarter = _choice("期间", QUARTERS, coerce=int)
    investment = amount_field("到位资金（万元）")
    output = amount_field("产值（万元）")
    tax = amount_field("税收（万元）")
    jobs = forms.CharField(
        label="就业人数",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"max_length": "就业人数过长。"},
    )
    source = _choice("数据来源", Result.Source.choices)
    note = text_field("备注", max_length=300)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="效益数据表（.xlsx）",
        error_messages={**UPLOAD_ERRORS, "required": "请选择要导入的效益数据工作簿。"},
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)


class AsOfForm(forms.Form):
    as_of = date_field("截至日期", required=False)

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day is not None and not 2000 <= day.year <= 2100:
            raise forms.ValidationError("截至日期应在 2000 年至 2100 年之间。")
        return day

    def day(self) -> dt.date | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("as_of")
        return None


class CheckForm(forms.Form):
    as_of = date_field("核查日期", help_text="按此日期评估全区的承诺；每日自动按当天核查")

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day.year < 2000:
            raise forms.ValidationError("核查日期应在 2000 年以后。")
        if day > timezone.localdate():
            raise forms.ValidationError(CHECK_IN_FUTURE)
        return day
