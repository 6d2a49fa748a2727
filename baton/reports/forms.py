from django import forms
from django.utils import timezone

from baton.core.dates import last_month_end
from baton.core.forms import DATE_ERRORS, confirm_field


class MonthlyForm(forms.Form):
    scope = forms.ChoiceField(label="统计范围", required=False)
    as_of = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = choices
        self.fields["scope"].error_messages["invalid_choice"] = "无权查看该范围，或范围不存在。"

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of") or last_month_end()
        if day > timezone.localdate():
            raise forms.ValidationError("截止日期不能晚于今天。")
        if day.year < 2000:
            raise forms.ValidationError("截止日期不能早于 2000 年。")
        return day


class PackForm(MonthlyForm):
    """月报材料 for the scope and date of the 月度统计 page, in Word or Excel."""

    format = forms.ChoiceField(label="格式", choices=[("docx", "Word"), ("xlsx", "Excel")])


class PublishForm(forms.Form):
    """发布月报: the scope and month end shown on the page, both required."""

    scope = forms.ChoiceField(label="统计范围")
    as_of = forms.DateField(label="截止日期", error_messages={"invalid": "日期格式不正确。"})
    confirm = confirm_field("我已核对本月数字，确认发布（发布后数字冻结，不能撤回）")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = choices
        self.fields["scope"].error_messages["invalid_choice"] = "无权发布该范围，或范围不存在。"
