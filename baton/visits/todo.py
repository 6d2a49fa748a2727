"""Trip reports in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

A unit's promoters get their unit's trips back home whose report (出访信息报送) is not filed,
by its deadline, overdue flagged; the district office gets the district's overdue ones, to
chase them.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.todo.selectors import Item, item, provider

from . import rules
from .models import Trip


def _owed(user: User, today: dt.date):
    area = area_of(user)
    trips = rules.visible_trips(user).filter(reported_at__isnull=True, end__lte=today)
    if user.role == User.Role.UNIT_STAFF and area.level is Level.UNIT:
        return trips.filter(unit_id=area.unit_id)
    if user.role == User.Role.DISTRICT_OFFICE and area.level is Level.DISTRICT:
        return trips.filter(report_due__lt=today)
    return Trip.objects.none()


@provider("visit_report", "出访信息待报送")
def report_due(user: User, today: dt.date) -> Iterable[Item]:
    rows = _owed(user, today).select_related("unit").order_by("report_due", "id")
    for trip in rows:
        yield item(
            "visit_report",
            f"报送出访信息：{trip.group_name}赴{trip.destinations}（{trip.start:%m-%d}—{trip.end:%m-%d}）",
            url=reverse("visits:trip_report", args=[trip.pk]),
            today=today,
            due=trip.report_due,
        )
