"""A company's promotion events on its timeline in 客商库 (``companies.timeline``),
imported from ``ready()``: each activity the user may see that invited the company (or a
record merged into it), on the day it began, and each line of its signed list that
names the company."""

from django.db.models import Q
from django.urls import reverse

from baton.companies.timeline import Entry, timeline_provider
from baton.core.dates import start_of_day

from .models import Signing
from .rules import visible_activities


@timeline_provider("activities")
def company_activities(user, company):
    visible = visible_activities(user)
    invited = Q(companies=company) | Q(companies__merged_into=company)
    for activity in visible.filter(invited).distinct().select_related("unit"):
        yield Entry(
            at=start_of_day(activity.start_on),
            kind="招商活动",
            title=f"应邀参加{activity.title}（{activity.get_kind_display()}，{activity.unit.name}）",
            url=reverse("activities:detail", args=[activity.code]),
            detail=f"{activity.code} · {activity.place}",
        )
    signed = Signing.objects.filter(
        Q(company=company) | Q(company__merged_into=company), activity__in=visible
    ).select_related("activity")
    for line in signed.order_by("activity__start_on", "id"):
        yield Entry(
            at=start_of_day(line.activity.start_on),
            kind="活动签约",
            title=f"在{line.activity.title}签约{line.title}（{line.get_kind_display()}）",
            url=reverse("activities:detail", args=[line.activity.code]),
            detail=f"签约金额 {line.amount} 万元",
        )
