"""The analysis page's query: the date (截止日期), a year, and a line to open."""

from django import forms
from django.utils import timezone

from baton.core.dates import future_refusal
from baton.core.forms import CHOICE_ERRORS, date_field

from .analysis import BREAKDOWNS

FIRST_YEAR = 2000
YEAR_ERRORS = {
    "invalid": "年度应为四位数字，如 2025。",
    "min_value": f"年度不能早于 {FIRST_YEAR} 年。",
    "max_value": "年度不能晚于今年。",
}


class AnalysisForm(forms.Form):
    as_of = date_field("截止日期", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=FIRST_YEAR)
    by = forms.ChoiceField(
        label="明细",
        required=False,
        choices=[("", "—"), *((k, title) for k, (title, _c) in BREAKDOWNS.items())],
        error_messages=CHOICE_ERRORS,
    )
    key = forms.RegexField(
        label="明细项",
        required=False,
        regex=r"^\d{1,10}$",
        error_messages={"invalid": CHOICE_ERRORS["invalid_choice"]},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages.update(YEAR_ERRORS)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(YEAR_ERRORS["max_value"])
        return year

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of")
        if day is None:
            return None  # the page's default: the last month end, or the year's
        if refusal := future_refusal(day):
            raise forms.ValidationError(refusal)
        if day.year < FIRST_YEAR:
            raise forms.ValidationError(YEAR_ERRORS["min_value"])
        return day
