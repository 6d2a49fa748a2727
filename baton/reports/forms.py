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


class WorkForm(MonthlyForm):
    """招商工作: the scope, the day, and whether the month of that day or the year to it."""

    period = forms.ChoiceField(
        label="统计期间",
        required=False,
        choices=[("month", "当月"), ("year", "本年累计")],
        error_messages={"invalid_choice": "统计期间只能是当月或本年累计。"},
    )


class PackForm(MonthlyForm):
    """月报材料 for the scope and date of the 月度统计 page, in Word or Excel."""

    format = forms.ChoiceField(label="格式", choices=[("docx", "Word"), ("xlsx", "Excel")])


class PublishedMonthForm(forms.Form):
    """The scope and month end shown on the page, both required: what a form about the
    month's publication posts."""

    scope = forms.ChoiceField(label="统计范围")
    as_of = forms.DateField(label="截止日期", error_messages={"invalid": "日期格式不正确。"})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = choices
        self.fields["scope"].error_messages["invalid_choice"] = "无权发布该范围，或范围不存在。"


class PublishForm(PublishedMonthForm):
    """发布月报, once the office has confirmed the figures."""

    confirm = confirm_field("我已核对本月数字，确认发布（发布后数字冻结，不能撤回）")


NOTES_MAX = 3000


class NotesForm(PublishedMonthForm):
    """工作亮点 and 下步工作 of the month, written on the 月度统计 page before publishing."""

    highlights = forms.CharField(
        label="工作亮点",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="本月的主要做法和成效，每段一行；写入 Word 月报“六、工作亮点”",
    )
    next_steps = forms.CharField(
        label="下步工作",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="下月的工作安排，每段一行；写入 Word 月报“七、下步工作”",
    )
