"""The policy library's forms: the list's filters, a review conclusion, publishing."""

from django import forms

from baton.core.forms import CHOICE_ERRORS, confirm_field
from baton.core.messages import fill_in, too_long

from .fair import EXCEPTIONS, review_problem
from .models import Kind, Level, Status

_ALL = [("", "全部")]


class FilterForm(forms.Form):
    """Narrow the library; every field optional, the values are the models' choices."""

    kind = forms.ChoiceField(
        label="1或N", choices=_ALL + Kind.choices, required=False, error_messages=CHOICE_ERRORS
    )
    level = forms.ChoiceField(
        label="发文层级", choices=_ALL + Level.choices, required=False, error_messages=CHOICE_ERRORS
    )
    status = forms.ChoiceField(
        label="状态", choices=_ALL + Status.choices, required=False, error_messages=CHOICE_ERRORS
    )
    region = forms.RegexField(
        label="适用地区代码",
        regex=r"^\d{2,6}$",
        required=False,
        error_messages={"invalid": "地区代码应为 2 到 6 位数字，如 3502。"},
    )
    state = forms.ChoiceField(
        label="发布",
        choices=[*_ALL, ("draft", "草案"), ("published", "已发布")],
        required=False,
        error_messages=CHOICE_ERRORS,
    )
    review = forms.ChoiceField(
        label="公平竞争审查",
        choices=[*_ALL, ("flagged", "有审查提示"), ("open", "待作审查结论")],
        required=False,
        error_messages=CHOICE_ERRORS,
    )

    def filters(self) -> dict:
        """The valid values given (a field with an error is left out)."""
        data = getattr(self, "cleaned_data", {})
        return {key: value for key, value in data.items() if value}


class ReviewForm(forms.Form):
    """A fair competition review conclusion: the 12th article's exception, and why."""

    exception = forms.ChoiceField(
        label="审查结论",
        choices=EXCEPTIONS,
        widget=forms.RadioSelect,
        error_messages={**CHOICE_ERRORS, "required": fill_in("审查结论")},
    )
    reason = forms.CharField(
        label="理由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="写明为什么适用所选情形、没有对公平竞争影响更小的替代方案，以及实施期限或终止条件。",
        error_messages={"required": fill_in("理由"), "max_length": too_long(4000, "理由")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        problem = review_problem(reason)
        if problem:
            raise forms.ValidationError(problem)
        return reason

    def conclusion(self) -> str:
        data = self.cleaned_data
        return f"{dict(EXCEPTIONS)[data['exception']]}。{data['reason']}"


class PublishForm(forms.Form):
    confirm = confirm_field("确认发布（发布后测算和兑现即按这件政策办理）")
