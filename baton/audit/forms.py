import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone

from .models import AuditRecord

#: The audit log's dates: anything outside is a typing slip, and 9999-12-31 + 1 day would
#: overflow the query's datetime.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class AuditSearchForm(forms.Form):
    start = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label="用户名", required=False, max_length=150)
    event = forms.ChoiceField(
        label="事件", required=False, choices=[("", "全部"), *AuditRecord.Event.choices]
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditRecord.Outcome.choices]
    )
    object = forms.CharField(label="对象", required=False, max_length=200)

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, f"日期应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。")
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data

    def records(self):
        """The records matching the search, newest first (call after ``is_valid``)."""
        data = self.cleaned_data
        found = AuditRecord.objects.all()
        if data.get("start"):
            found = found.filter(time__gte=_day_start(data["start"]))
        if data.get("end"):
            found = found.filter(time__lt=_day_start(data["end"] + dt.timedelta(days=1)))
        if data.get("user"):
            found = found.filter(username__icontains=data["user"].strip())
        if data.get("event"):
            found = found.filter(event=data["event"])
        if data.get("outcome"):
            found = found.filter(outcome=data["outcome"])
        if data.get("object"):
            text = data["object"].strip()
            found = found.filter(
                Q(object_label__icontains=text) | Q(object_id=text) | Q(object_type__icontains=text)
            )
        return found.order_by("-seq")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
